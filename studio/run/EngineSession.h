#pragma once
// A debuggable run at message granularity, on top of the engine's stepping
// API. The "presented" lane is the run the user sees; while paused or while
// breakpoints are set, a look-ahead lane runs one delivery ahead so the
// session knows which delivery comes next (and can stop *before* a handler
// with a breakpoint runs). Going backwards re-executes from the start: the
// engine is deterministic and UI events are replayed from the injection
// log, so the re-execution is exact. Everything runs on the caller's thread.

#include "BreakpointCondition.h"
#include "EngineLane.h"
#include "StatementCursor.h"

#include <atomic>
#include <memory>
#include <vector>

namespace aeroflow::debugger {
class Recorder;
}

namespace aeroflow::studio {

class EngineSession {
public:
    EngineSession(std::shared_ptr<const compiler::Program> program, engine::RunOptions options);
    ~EngineSession();

    /// Breakpoints by 1-based source line. A malformed condition never hits.
    void setBreakpoints(const QVector<BreakpointSpec>& breakpoints);
    /// Checked between deliveries by the multi-step operations.
    void setInterrupt(const std::atomic<bool>* flag) { m_interrupt = flag; }

    enum class Result { Delivered, BreakpointHit, Idle, Interrupted };

    /// Records the run into a new trace at `path` (call before start()).
    /// Returns an error message when the file cannot be created; the run
    /// then goes on unrecorded. The recording follows the run forward; after
    /// going back it stays with the furthest point (the "frontier" lane) and
    /// resumes when the presented run passes it again, so the trace is one
    /// consistent run.
    QString startRecording(const QString& path, const QByteArray& source);
    /// Ends the recording (flush, end-of-run meta, close). Returns an error
    /// message, or empty when the trace was written. No-op when not recording.
    QString finishRecording();
    bool recording() const { return m_recorder != nullptr; }
    const QString& tracePath() const { return m_tracePath; }
    /// Once: why the recording stopped early (write failure, new future).
    QString takeRecordingProblem() { return std::exchange(m_recordingProblem, {}); }

    /// Runs the top-level code (time 0).
    void start();
    /// Delivers one message. With `checkBreakpoints`, first looks at the
    /// next delivery and stops before it (BreakpointHit) when its handler
    /// has a breakpoint whose condition holds; skipOnce() exempts one.
    Result advance(bool checkBreakpoints);
    /// Exempts the next delivery from breakpoints (continuing off a hit).
    void skipBreakpointOnce() { m_skipOnce = true; }

    /// F11: to the first delivery caused by the next one (a message its
    /// handler sends), or just past it when it sends nothing soon.
    Result stepInto();
    /// Shift+F11: until a delivery reaches the actor that sent the next message.
    Result stepOut();
    /// Back to just before the previous delivery. False at the start.
    bool stepBack();
    /// Back to just before the latest earlier delivery that hits a
    /// breakpoint, or to the start when none does.
    bool reverseContinue();
    /// Re-executes from the start to just after delivery `target`.
    void rewindTo(quint64 target);

    /// Queues a UI event (message `messageName` with string args) for
    /// `actor`; it enters before the next delivery and is logged for replay.
    bool inject(quint32 actor, const QString& messageName, const QStringList& args = {});
    /// Typing into a screen's `Input { bind: field }`: sets the state field
    /// to `text` before the next delivery; logged for replay (ui_input).
    bool injectInput(quint32 actor, const QString& field, const QString& text);

    /// The message a screen element's event sends when it is a plain
    /// message without arguments (`onClick: Clear`): the `ordinal`-th event
    /// function for `key` of the screen, in source order. Empty when the
    /// event runs code instead (a method call), which the engine cannot yet
    /// be asked to run from outside.
    QString uiEventMessage(quint32 actor, const QString& key, int ordinal) const;

    /// Statement granularity (F10/F11/Shift+F11 forward, Shift+F10 back):
    /// moves among the statements of the next delivery's handler. Stepping
    /// past its last statement delivers it and stands at the first statement
    /// of the following delivery; stepping back before its first goes back
    /// one delivery (re-execution) to the last statement of the previous one.
    Result stepStatement(debugger::StepKind kind, bool forward);
    /// Loads the statements of the next delivery (once per delivery); a
    /// breakpoint stop stands at its line. Call when the session pauses.
    void loadStatements();
    /// The pause is inside a delivery (past its first statement, or at a
    /// breakpoint): continuing must not stop at that delivery again.
    bool insideDelivery() const;

    /// The delivery that runs next (computed with the look-ahead lane).
    DeliveryInfo next();
    /// The source line to mark as the execution point (1-based, 0 = none):
    /// the breakpoint line that stopped us, or the next handler's first line.
    int executionLine();
    bool lastStopWasBreakpoint() const { return m_hitLine > 0; }

    quint64 delivered() const { return m_lane->delivered(); }
    bool idle() const { return m_lane->idle(); }
    bool failed() const { return m_lane->failed(); }
    SessionSnapshot snapshot();
    std::vector<OutputLine> takeNewOutput() { return m_lane->takeNewOutput(); }
    std::vector<DeliveryInfo> takeNewDeliveries();
    /// True once after an operation re-executed from the start: views must
    /// then reset their output from output() and drop later deliveries.
    bool takeRewound() { return std::exchange(m_rewound, false); }
    /// Every line printed up to now (after a rewind: up to the new point).
    const std::vector<OutputLine>& output() const { return m_lane->output(); }
    const compiler::Program& program() const { return *m_program; }

private:
    struct CheckedBreakpoint {
        int line = 0;
        std::optional<BreakpointCondition> condition; ///< nullopt: malformed
    };
    std::unique_ptr<EngineLane> makeLane(bool keepOutput) const;
    /// The lane the recorder listens to (the presented one or the frontier).
    EngineLane* recordedLane() const { return m_frontier ? m_frontier.get() : m_lane.get(); }
    /// After the presented lane moved: keep the frontier (and the recording) up.
    void followFrontier();
    void checkRecorder();
    void ensureLookahead();
    /// Appends a UI injection (a new future when the run was rewound).
    void addInjection(Injection injection);
    /// The breakpoint line `d` hits given the state before it (in `before`), or 0.
    int breakpointHit(const DeliveryInfo& d, const EngineLane& before) const;
    /// The first breakpoint on a line outside `d`'s handler (a plain
    /// function it calls, or top-level code main resumes) that the delivery
    /// executes with its condition holding there, from the statements the
    /// look-ahead collected; 0 when none.
    int statementBreakpointHit(const DeliveryInfo& d);
    /// The same over the given statements of `d`.
    int statementBreakpointHit(const DeliveryInfo& d, const std::vector<debugger::StatementStop>& stops) const;
    bool interrupted() const { return m_interrupt && m_interrupt->load(std::memory_order_relaxed); }
    /// Steps the look-ahead lane, collecting the statements of the delivery
    /// when m_collectAhead is set (statement stepping goes forward cheaply).
    bool stepAhead();
    /// The statement stops of the next delivery (delivered() + 1).
    std::vector<debugger::StatementStop> statementsOfNext();

    std::shared_ptr<const compiler::Program> m_program;
    engine::RunOptions m_options;
    std::vector<std::pair<int, int>> m_functionLines;
    std::vector<CheckedBreakpoint> m_breakpoints;
    std::vector<Injection> m_injections;
    std::unique_ptr<EngineLane> m_lane;  ///< presented
    std::unique_ptr<EngineLane> m_ahead; ///< one delivery ahead, or null
    std::unique_ptr<debugger::Recorder> m_recorder;
    std::unique_ptr<EngineLane> m_frontier; ///< the recorded run while the presented one is behind it
    QString m_tracePath, m_recordingProblem;
    const std::atomic<bool>* m_interrupt = nullptr;
    bool m_skipOnce = false;
    int m_hitLine = 0;
    bool m_rewound = false;
    quint64 m_reported = 0;                   ///< highest delivery seq handed to views
    std::vector<DeliveryInfo> m_pendingRows;  ///< re-executed rows views never saw
    StatementCursor m_cursor;                 ///< statements of delivery delivered() + 1
    bool m_collectAhead = false;
    /// Breakpoints are set: the look-ahead always collects statements, so
    /// lines in functions and top-level code can hit (statementBreakpointHit).
    bool m_collectForBreakpoints = false;
    quint64 m_aheadStopsSeq = 0;              ///< the delivery m_aheadStops belong to (0: none)
    std::vector<debugger::StatementStop> m_aheadStops;
};

} // namespace aeroflow::studio
