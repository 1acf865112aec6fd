#pragma once
// Re-executes a recorded run: a Scheduler built from the trace's program,
// seed and limits (fresh, or restored from a checkpoint), whose outside
// inputs come from the trace instead of the world. env() and read_line()
// answers are fed back in recorded order; recorded UI events are injected
// again at the same position (after the same delivery), so the re-execution
// delivers the same messages in the same order.
//
// Shared by TimeTravel (seek) and Replayer (aeroflow replay --verify).

#include "TraceReader.h"

#include "Scheduler.h"

#include <memory>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::debugger {

/// Compiles the trace's embedded source and checks that it is the recorded
/// program (same hash). The error says what does not match.
Result<std::shared_ptr<const compiler::Program>> compileTraceProgram(TraceReader& trace);

/// The recorded run's options (seed, limits); no effects or observer.
engine::RunOptions recordedRunOptions(const TraceInfo& info);

class ReplaySession {
public:
    /// A session positioned after delivery `checkpointSeq` (0: a fresh run,
    /// started: top-level code has run). `observer` (may be null) sees the
    /// re-executed events; `output` gets re-executed output (may be empty).
    static Result<std::unique_ptr<ReplaySession>> create(TraceReader& trace,
                                                         std::shared_ptr<const compiler::Program> program,
                                                         uint64_t checkpointSeq, engine::RunObserver* observer,
                                                         engine::OutputFn output);
    ~ReplaySession();

    /// Delivers the next message and re-injects the UI events recorded right
    /// after it. False when the run is over (or an input did not match; see
    /// inputMismatch()).
    bool step();
    /// Deliveries so far: the session shows the state after this seq.
    uint64_t position() const { return m_scheduler->delivered(); }
    engine::Scheduler& scheduler() { return *m_scheduler; }
    const engine::Scheduler& scheduler() const { return *m_scheduler; }
    /// Non-empty when the re-execution asked for an input the recording does
    /// not have at that point (a divergence).
    const std::string& inputMismatch() const;
    /// Ends the run (releases values). The session cannot step afterwards.
    engine::RunStats finish();

    struct Inputs; ///< recorded effects being fed back (ReplaySession.cpp)

private:
    ReplaySession() = default;
    Result<void> loadInputs(TraceReader& trace, uint64_t fromSeq);
    void injectDue();

    std::shared_ptr<Inputs> m_inputs;
    std::unique_ptr<engine::OutsideWorld> m_world; ///< answers from the recording; outlives m_scheduler
    std::unique_ptr<engine::Scheduler> m_scheduler;
    bool m_finished = false;
};

} // namespace aeroflow::debugger
