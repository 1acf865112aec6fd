#pragma once
// One execution of a program with the engine's stepping API: a Scheduler
// plus the observer that turns its events into plain DeliveryInfo/OutputLine
// values. A lane replays recorded UI injections at the delivery count they
// were made at, so re-executing a lane from the start reproduces the run
// exactly (the engine is deterministic). Lives on one thread: the engine's.

#include "RunTypes.h"

#include "Scheduler.h"

#include <memory>
#include <utility>
#include <vector>

namespace aeroflow::debugger {
class Recorder;
}

namespace aeroflow::studio {

/// A UI event that entered the run: delivered to `actor` as `message(args)`
/// right after delivery number `atDelivered`.
struct Injection {
    quint64 atDelivered = 0;
    quint32 actor = 0;
    int message = -1;
    QStringList args; ///< string arguments; for an input: the typed text
    /// Non-empty: typing into a screen's `Input { bind: field }`, which sets
    /// this state field to args[0] (Scheduler::injectInput, effect ui_input).
    QString field;
};

class EngineLane : private engine::RunObserver {
public:
    /// `keepOutput`: collect output lines (the presented lane); a look-ahead
    /// lane keeps nothing but the last delivery.
    EngineLane(std::shared_ptr<const compiler::Program> program, engine::RunOptions options, bool keepOutput);
    ~EngineLane() override;
    EngineLane(const EngineLane&) = delete;
    EngineLane& operator=(const EngineLane&) = delete;

    /// Runs the top-level code (idempotent).
    void start();
    /// Applies the injections due now, then delivers one message. False
    /// when nothing was delivered (idle, finished or failed).
    bool step(const std::vector<Injection>& injections);
    /// Applies the injections due now without delivering anything.
    void applyDue(const std::vector<Injection>& injections);
    /// Steps until `delivered() == target` or the lane cannot go on.
    void runTo(quint64 target, const std::vector<Injection>& injections);
    /// Sends a UI event now; false when the engine refused it.
    bool inject(const Injection& injection);

    /// Tells `recorder` (not owned) of every event from now on and lets it
    /// take checkpoints between steps; null detaches. Attach before start()
    /// for a complete trace.
    void setRecorder(debugger::Recorder* recorder);
    debugger::Recorder* recorder() const { return m_recorder; }
    /// Tells `observer` (not owned; null: none) of every statement executed
    /// from now on (engine::StatementObserver), for statement stepping.
    void setStatementObserver(engine::StatementObserver* observer) { m_sched.setStatementObserver(observer); }
    /// What Recorder::finish needs, without ending the run (it may go on
    /// taking UI events after the recording is closed).
    engine::RunStats statsSoFar() const;

    quint64 delivered() const { return m_sched.delivered(); }
    /// How many of the injections passed to step() this lane has applied.
    size_t appliedInjections() const { return m_nextInjection; }
    bool failed() const { return m_failed; }
    bool idle() const { return m_sched.over(); }
    /// The last delivery handled (seq 0 before the first).
    const DeliveryInfo& last() const { return m_last; }
    /// Output produced since the last call (presented lane).
    std::vector<OutputLine> takeNewOutput();
    const std::vector<OutputLine>& output() const { return m_output; }
    /// Deliveries handled since the last call (presented lane only; the
    /// lane keeps no history of them, views keep what they show).
    std::vector<DeliveryInfo> takeNewDeliveries() { return std::exchange(m_newDeliveries, {}); }
    size_t actorCount() const { return m_sched.actorCount(); }
    /// Actor type index of actor `id`, or -1 (main, unknown).
    int actorType(quint32 id) const { return id < m_sched.actorCount() ? m_sched.actor(id).type : -1; }

    SessionSnapshot snapshot() const;
    /// The state of an actor field / handler parameter by name, for
    /// breakpoint conditions: fields of `actor`, or `tick`.
    std::optional<QString> stateValue(quint32 actor, const QString& name) const;

    const compiler::Program& program() const { return *m_program; }
    /// First and last source line of each function (1-based), for breakpoints.
    static std::vector<std::pair<int, int>> functionLineRanges(const compiler::Program& program);

private:
    void onDelivered(const engine::DeliveryEvent& event) override;
    void onOutput(uint64_t seq, engine::Stream stream, std::string_view text) override;
    void onCrash(uint64_t seq, uint32_t actor, std::string_view error) override;
    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override;
    void onEffect(uint64_t seq, std::string_view kind, std::string_view value) override;
    void onStopped(uint64_t seq, uint32_t actor) override;

    std::shared_ptr<const compiler::Program> m_program;
    engine::RunOptions m_options;
    engine::Scheduler m_sched;
    bool m_keepOutput;
    debugger::Recorder* m_recorder = nullptr;
    bool m_started = false;
    bool m_failed = false;
    size_t m_nextInjection = 0;
    size_t m_taken = 0;
    std::vector<OutputLine> m_output;
    DeliveryInfo m_last;
    std::vector<DeliveryInfo> m_newDeliveries;
};

} // namespace aeroflow::studio
