#pragma once
// Time travel over a recorded run (DESIGN.md "Time travel"): a live Scheduler
// positioned after any delivery of the trace, rebuilt from the nearest
// checkpoint plus re-execution of the recorded messages, and the questions a
// debugger asks of it: state of an actor at any seq, what changed, when it
// changed, why a message was sent, and where a breakpoint hits.
//
// Positions are seqs: position P means "after delivery P" (0: after the
// top-level code, before the first delivery). A tick T maps to the position
// after the last message with tick <= T (seekTick).
//
// Not thread-safe; the Studio runs one per worker thread.

#include "ReplaySession.h"
#include "TraceReader.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aeroflow::debugger {

struct ActorState {
    uint32_t actor = 0;
    std::string name;
    bool exists = false;   ///< spawned by this position
    bool alive = false;
    uint64_t hash = 0;     ///< engine::Scheduler::stateHash
    std::vector<std::pair<std::string, std::string>> fields; ///< (field, printed value); main: its globals
};

struct FieldDiff {
    std::string field;
    std::string before, after; ///< printed values; empty when absent on that side
};

/// `field OP literal`, OP one of == != < <= > >=. The field's printed value
/// is compared with the literal: as numbers when both are numbers, otherwise
/// as text (strings in double quotes: name == "bob").
struct BreakCondition {
    std::string field;
    std::string op;
    std::string literal;
    static Result<BreakCondition> parse(const std::string& text);
    bool holds(const ActorState& state) const;
};

struct Breakpoint {
    std::string file;
    uint32_t line = 0;
    /// The handlers whose line table covers the line: (actor type, message id).
    std::vector<std::pair<int64_t, uint32_t>> handlers;
    bool mainProgram = false;  ///< the line is in the main program (hits at values delivered to main)
    /// The line is not (only) a handler's own: it is in a plain function,
    /// method or closure (then `handlers` holds every handler that can reach
    /// it through calls) or in the main program. Candidates are then
    /// re-executed to see the line run: a hit is a delivery that runs it.
    bool confirm = false;
    uint32_t function = 0;     ///< with `confirm`: the function holding the line (or main)
    std::optional<BreakCondition> condition;
    /// `line` counts in the program's lines (Program::files for a program of
    /// several files); this is the line within `file`, as asked.
    uint32_t fileLine = 0;
};

/// Where a breakpoint stopped: position seq - 1, about to deliver `seq`.
struct BreakHit {
    uint64_t seq = 0;
    uint32_t actor = 0;
};

/// One stop of statement stepping: the re-executed handler reached the first
/// instruction of a source line (engine::StatementEvent), before running it.
struct StatementStop {
    size_t index = 0;          ///< position in HandlerStatements::stops
    uint32_t actor = 0;        ///< the running actor (a spawn's initialiser runs in the new one)
    uint32_t function = 0;     ///< Program::functions index
    std::string functionName;  ///< "Counter.on Add", "helper", "main"
    uint32_t line = 0, col = 0;
    uint32_t pc = 0;
    uint32_t depth = 0;        ///< frames on the stack; 1 = the handler itself
    /// Named variables live at this statement (innermost binding of a name
    /// wins), then the closure's captured ones: (name, printed value).
    std::vector<std::pair<std::string, std::string>> locals;
    /// The running actor's state fields (main: its globals), printed.
    std::vector<std::pair<std::string, std::string>> state;
    /// The file of the statement and its line there (`line` counts in the
    /// program's lines, which differ for a program of several files).
    std::string file;
    uint32_t fileLine = 0;
    bool operator==(const StatementStop&) const = default;
};

/// Every statement stop of one delivery, from an exact re-execution of it.
struct HandlerStatements {
    uint64_t seq = 0;
    uint32_t receiver = 0;
    std::vector<StatementStop> stops;   ///< in execution order
    bool truncated = false;             ///< more than the asked maximum; the rest were not kept
    /// The receiver after the delivery (position seq): equals the trace's
    /// recorded state_hash of the message.
    ActorState after;
};

/// Turns the engine's StatementEvents into StatementStops (locals and state
/// printed at each stop). Install with Scheduler::setStatementObserver around
/// one step; engine thread only. TimeTravel::statementsOf uses it, and so can
/// any live run that wants the statements of one delivery.
class StatementCollector final : public engine::StatementObserver {
public:
    StatementCollector(const compiler::Program& program, size_t maxStops = 100'000);
    void onStatement(const engine::StatementEvent& event) override;

    std::vector<StatementStop> stops; ///< in execution order
    bool truncated = false;           ///< more than maxStops; the rest were not kept

private:
    const compiler::Program& m_program;
    size_t m_max;
};

/// How a step moves through HandlerStatements::stops. Into: the next/previous
/// stop. Over: the next/previous one at the same depth or shallower (skips
/// the calls made from this line). Out: the next/previous one shallower
/// (forward: back in the caller; backward: the caller's line that called).
enum class StepKind : uint8_t { Into, Over, Out };

/// The stop a step from `from` lands on, forward or backward; nullopt when
/// none does (the handler ends / begins there).
std::optional<size_t> stepStatement(const std::vector<StatementStop>& stops, size_t from, StepKind kind,
                                    bool forward = true);
inline std::optional<size_t> stepInto(const std::vector<StatementStop>& s, size_t from, bool forward = true)
{
    return stepStatement(s, from, StepKind::Into, forward);
}
inline std::optional<size_t> stepOver(const std::vector<StatementStop>& s, size_t from, bool forward = true)
{
    return stepStatement(s, from, StepKind::Over, forward);
}
inline std::optional<size_t> stepOut(const std::vector<StatementStop>& s, size_t from, bool forward = true)
{
    return stepStatement(s, from, StepKind::Out, forward);
}

class TimeTravel {
public:
    /// Opens the trace and compiles its embedded source.
    static Result<std::unique_ptr<TimeTravel>> open(const std::string& tracePath);
    static Result<std::unique_ptr<TimeTravel>> create(std::unique_ptr<TraceReader> trace,
                                                      std::shared_ptr<const compiler::Program> program);

    TraceReader& trace() { return *m_trace; }
    const compiler::Program& program() const { return *m_program; }
    std::shared_ptr<const compiler::Program> programPtr() const { return m_program; }
    /// The last seq of the trace (positions run 0..end()).
    uint64_t end() const { return m_trace->info().messages; }

    uint64_t position() const;
    /// Positions after delivery `seq` (clamped to end()). A checkpoint that
    /// cannot be restored (damaged image, wrong position) is skipped for the
    /// previous one, or for re-execution from the start; the warning handler
    /// is told, and later seeks do not try it again.
    Result<void> seek(uint64_t seq);
    /// Positions after the last message with tick <= `tick`.
    Result<void> seekTick(uint64_t tick);
    Result<void> stepForward();
    Result<void> stepBack();
    /// The live scheduler at position() (for snapshots and inspection).
    const engine::Scheduler& scheduler() const { return m_session->scheduler(); }
    /// Receives warnings (a damaged checkpoint skipped), on the calling
    /// thread; none are reported while it is empty.
    void setWarningHandler(std::function<void(const std::string&)> handler) { m_warn = std::move(handler); }

    /// State at the current position / at `seq`.
    ActorState state(uint32_t actor) const;
    Result<ActorState> stateAt(uint32_t actor, uint64_t seq);
    /// Fields whose printed value differs between two positions.
    Result<std::vector<FieldDiff>> diff(uint32_t actor, uint64_t seqA, uint64_t seqB);
    /// The delivery at or before `seq` that gave the actor its state at `seq`
    /// (from the recorded state hashes); with `field`, the one that last
    /// changed that field (re-executes around each candidate). nullopt: the
    /// value dates from the actor's start.
    Result<std::optional<uint64_t>> lastChange(uint32_t actor, uint64_t seq, const std::string& field = {});
    Result<std::vector<uint64_t>> causalChain(uint64_t seq) { return m_trace->causalChain(seq); }
    Result<std::vector<TraceOutput>> outputsUpTo(uint64_t seq) { return m_trace->outputsUpTo(seq); }

    /// Resolves FILE:LINE (and an optional condition) against the program.
    Result<Breakpoint> breakpoint(const std::string& file, uint32_t line, const std::string& condition = {});
    /// Moves to the next / previous hit (position = hit.seq - 1); nullopt
    /// when there is none (the position is unchanged).
    Result<std::optional<BreakHit>> continueTo(const Breakpoint& bp);
    Result<std::optional<BreakHit>> reverseContinue(const Breakpoint& bp);

    /// The statements of delivery `seq` (1..end()), by re-executing just that
    /// delivery from the state before it with a statement observer installed
    /// (DESIGN.md "Time travel": stepping inside a handler). Its output is
    /// discarded (the trace has it). Leaves the position at `seq`. At most
    /// `maxStops` stops are kept (then `truncated`).
    Result<HandlerStatements> statementsOf(uint64_t seq, size_t maxStops = 100'000);

private:
    TimeTravel() = default;
    Result<void> restoreAt(uint64_t checkpointSeq);
    /// Restores the checkpoint at `checkpointSeq`, or the nearest earlier one
    /// that can be restored, or the start (seq 0).
    Result<void> restoreUsable(uint64_t checkpointSeq);
    Result<std::optional<BreakHit>> search(const Breakpoint& bp, bool forward);
    /// Re-executes delivery `seq` watching for bp's line in bp.function.
    Result<bool> runsLine(const Breakpoint& bp, uint64_t seq);

    std::unique_ptr<TraceReader> m_trace;
    std::shared_ptr<const compiler::Program> m_program;
    std::unique_ptr<ReplaySession> m_session;
    std::function<void(const std::string&)> m_warn;
    std::vector<uint64_t> m_badCheckpoints; ///< seqs of checkpoints that failed to restore
};

} // namespace aeroflow::debugger
