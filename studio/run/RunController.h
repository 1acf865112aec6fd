#pragma once
// Run and Debug for the Studio: owns the engine thread (EngineWorker) and
// the run state the status bar, docks and actions show. Every command is
// queued to the worker; nothing here compiles or executes on the GUI thread.

#include "DebugController.h"
#include "EngineWorker.h"
#include "RunTypes.h"

#include <QObject>
#include <QThread>

#include <atomic>

namespace aeroflow::studio {

class RunController : public QObject, public DebugController {
    Q_OBJECT
public:
    enum class State { Idle, Compiling, Running, Paused, Finished, Failed };
    Q_ENUM(State)

    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    State state() const { return m_state; }
    static QString stateName(State s);
    quint64 delivered() const { return m_delivered; }
    quint64 tick() const { return m_tick; }
    const SessionSnapshot& lastSnapshot() const { return m_snapshot; }
    bool hasSession() const { return m_state != State::Idle && m_state != State::Compiling; }
    void setRunSettings(const RunSettings& settings) { m_settings = settings; }
    const RunSettings& runSettings() const { return m_settings; }
    /// How the current (or last) run executes: native code or the interpreter.
    const ExecutionInfo& execution() const { return m_execution; }
    /// The status-bar text for execution(): "Native code (JIT -O0)", "Interpreter", ...
    static QString executionText(const ExecutionInfo& info);
    /// The trace of the last recording that ended (empty: none yet).
    const QString& lastTracePath() const { return m_lastTrace; }

    /// Compiles and runs `source` to the end (or to a breakpoint when `debug`
    /// and some are set). `stopAtStart`: pause before the first delivery.
    void start(const QString& fileName, const QByteArray& source, const QVector<BreakpointSpec>& breakpoints,
               bool debug, bool stopAtStart = false);
    void setBreakpoints(const QVector<BreakpointSpec>& breakpoints);
    /// A UI event from the Preview: message `message(args)` to `actor`.
    void sendUiEvent(quint32 actor, const QString& message, const QStringList& args = {});
    /// Typing into a Preview Input bound to state field `field` of `actor`.
    void sendInput(quint32 actor, const QString& field, const QString& text);
    /// A Preview element's event: the `ordinal`-th `key` event of the screen.
    void sendScreenEvent(quint32 actor, const QString& key, int ordinal);

    // DebugController
    Granularity granularity() const override { return Granularity::Statement; }
    bool canStepBack() const override
    {
        return m_state == State::Paused && (m_delivered > 0 || m_snapshot.statement.index > 0);
    }
    void continueRun() override;
    void pause() override;
    void stop() override;
    void stepOver() override;        ///< F10: the next statement at this depth or shallower
    void stepInto() override;        ///< F11: the next statement
    void stepOut() override;         ///< Shift+F11: the next statement of the caller
    void stepBack() override;        ///< Shift+F10: the previous statement at this depth or shallower
    void reverseContinue() override;
    /// Message granularity (Ctrl+F10 / Ctrl+Shift+F10): deliver the next
    /// message / back to before the previous one.
    void nextMessage();
    void previousMessage();
    /// Message granularity: to the first message the next handler sends /
    /// until the sender of the next message receives one.
    void messageInto();
    void messageOut();

Q_SIGNALS:
    void stateChanged(aeroflow::studio::RunController::State state);
    void compileFailed(const QString& diagnostics);
    void outputAppended(const QVector<aeroflow::studio::OutputLine>& lines);
    void outputReset(const QVector<aeroflow::studio::OutputLine>& lines);
    void deliveriesAppended(const QVector<aeroflow::studio::DeliveryInfo>& deliveries);
    void deliveriesTruncated(quint64 delivered);
    void progress(quint64 delivered, quint64 tick);
    /// A settled state to show in the Actors dock and the Preview (paused or idle).
    void snapshotChanged(const aeroflow::studio::SessionSnapshot& snapshot);
    /// The execution point (1-based line, 0 = none) of the paused run.
    void executionPointChanged(int line);
    /// A run's recording ended (see EngineWorker::traceWritten).
    void traceWritten(const QString& path, const QString& error);
    /// See EngineWorker::executionChanged.
    void executionChanged(const aeroflow::studio::ExecutionInfo& info);

private:
    void setState(State s);
    void stepStatement(debugger::StepKind kind, bool forward);
    template <typename F>
    void post(F&& f);

    QThread m_thread;
    EngineWorker* m_worker; ///< lives on m_thread; deleted when it finishes
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_pause{false};
    State m_state = State::Idle;
    quint64 m_delivered = 0, m_tick = 0;
    SessionSnapshot m_snapshot;
    RunSettings m_settings;
    ExecutionInfo m_execution;
    QString m_lastTrace;
};

} // namespace aeroflow::studio
