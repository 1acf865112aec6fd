#pragma once
// The engine side of RunController: lives on its own QThread, compiles the
// program, owns the EngineSession and runs it in short chunks so that queued
// commands (UI events, breakpoint changes) get in between. Pause and stop
// are atomics read between deliveries; a handler that never returns is
// ended by the engine's fuel limit. Results leave as copies through queued
// signals; nothing here touches a widget.

#include "EngineSession.h"
#include "NativeProgram.h"
#include "RunTypes.h"

#include <QElapsedTimer>
#include <QObject>

#include <atomic>
#include <memory>

namespace aeroflow::studio {

struct RunSettings {
    quint64 seed = 0;
    quint64 fuel = 100'000'000;
    quint64 maxMessages = 1'000'000;
    /// Where the run's trace goes: `<traceDir>/<traceStem>-<n>.aftrace`, n the
    /// first free number. Empty traceDir: not recorded.
    QString traceDir;
    QString traceStem;
    /// Run (not Debug) with native code from the LLVM JIT (NativeProgram);
    /// the interpreter when off, when debugging, or when the JIT fails.
    bool nativeCode = true;
    int jitOptLevel = 0; ///< 0..3; 0 compiles fastest
};

class EngineWorker : public QObject {
    Q_OBJECT
public:
    EngineWorker(std::atomic<bool>* stopFlag, std::atomic<bool>* pauseFlag);
    ~EngineWorker() override;

    /// Compiles `source` and starts a session. `debug`: honour breakpoints
    /// and stop at the first delivery (`stopAtStart`) or run until a hit.
    /// A Run (`!debug`) with settings.nativeCode first JIT-compiles the
    /// program here, on the engine thread; if that fails it says so once in
    /// Output (a warning) and runs on the interpreter.
    void load(const QString& fileName, const QByteArray& source, aeroflow::studio::RunSettings settings,
              const QVector<aeroflow::studio::BreakpointSpec>& breakpoints, bool debug, bool stopAtStart);
    void setBreakpoints(const QVector<aeroflow::studio::BreakpointSpec>& breakpoints);
    void resume();
    /// Statement granularity (EngineSession::stepStatement).
    void stepStatement(aeroflow::debugger::StepKind kind, bool forward);
    /// Message granularity: deliver the next message / go to before the previous one.
    void nextMessage();
    void previousMessage();
    /// Message granularity: to the first message the next handler sends /
    /// until the sender of the next message receives one.
    void messageInto();
    void messageOut();
    void reverseContinue();
    void inject(quint32 actor, const QString& message, const QStringList& args);
    /// Typing into a screen's Input (EngineSession::injectInput).
    void injectInput(quint32 actor, const QString& field, const QString& text);
    /// A screen element's event (see EngineSession::uiEventMessage).
    void injectUiEvent(quint32 actor, const QString& key, int ordinal);
    /// Ends the session (releases every engine value on this thread).
    void shutdown();

Q_SIGNALS:
    void compileFailed(const QString& diagnostics);
    void started();
    void outputAppended(const QVector<aeroflow::studio::OutputLine>& lines);
    /// After going backwards: everything printed up to the new point.
    void outputReset(const QVector<aeroflow::studio::OutputLine>& lines);
    void deliveriesAppended(const QVector<aeroflow::studio::DeliveryInfo>& deliveries);
    /// After going backwards: rows past `delivered` no longer happened.
    void deliveriesTruncated(quint64 delivered);
    void progress(quint64 delivered, quint64 tick);
    /// Paused before `snapshot.next`; `line` is the execution point (1-based).
    void paused(const aeroflow::studio::SessionSnapshot& snapshot, int line, bool atBreakpoint);
    /// Nothing left to deliver (the run may still take UI events).
    void idle(const aeroflow::studio::SessionSnapshot& snapshot, bool failed);
    void stopped();
    /// The recording ended: `path` is the trace; `error` is empty when it was
    /// written completely.
    void traceWritten(const QString& path, const QString& error);
    /// How the run executes; sent at the start and again with the native
    /// entry count as the run progresses and when it settles.
    void executionChanged(const aeroflow::studio::ExecutionInfo& info);

private:
    /// Breakpoints by (file, line) as lines of the program being run.
    QVector<BreakpointSpec> programBreakpoints(const QVector<BreakpointSpec>& breakpoints) const;
    /// The program being run (its files map execution lines, reportPaused()).
    std::shared_ptr<const compiler::Program> m_program;
    void runChunk();
    void flush();
    void afterCommand();
    void reportPaused();
    /// Sends executionChanged when native code was entered since the last report.
    void reportExecution();
    void beginRecording(const QString& fileName, const QByteArray& source, const RunSettings& settings);
    /// Finishes the recording and reports it (no-op when not recording).
    void endRecording();
    void systemLine(const QString& text);
    bool ready() const { return m_session != nullptr; }
    /// Compiles native code for a Run when wanted; fills m_exec and returns
    /// the Output line that says how the run executes (empty: none).
    OutputLine prepareNative(const compiler::Program& program, const RunSettings& settings, bool debug);

    std::atomic<bool>* m_stop;
    std::atomic<bool>* m_pause;
    /// Installed in m_session's RunOptions: declared first, destroyed last.
    std::unique_ptr<NativeProgram> m_native;
    ExecutionInfo m_exec;
    std::unique_ptr<EngineSession> m_session;
    bool m_debug = false;
    bool m_running = false;
    bool m_chunkQueued = false;
    QElapsedTimer m_sinceProgress;
};

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::RunSettings)
