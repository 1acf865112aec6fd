#pragma once
// `aeroflow replay`: re-executes a recorded run from its source, seed and
// recorded inputs, and with `verify` compares every delivery (order, sender,
// receiver, message, payload bytes, cause, outcome, receiver state hash),
// every output line, every input taken (effects), every crash, every spawned
// and stopped actor, and the exit status with the recording, stopping at the
// first divergence. Recorded texts quoted in a divergence are shortened
// (clipText), so a forged 40 MB line gives a one-line message.

#include "TraceReader.h"

#include "Scheduler.h"

#include <memory>
#include <optional>
#include <string>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::debugger {

struct Divergence {
    uint64_t seq = 0;     ///< the delivery (or the one whose handler wrote the output)
    uint64_t tick = 0;
    /// The receiver as recorded: an id of the trace, which a damaged or
    /// forged row may set to any 64-bit value.
    int64_t actor = 0;
    std::string actorName;
    std::string what;     ///< "payload: recorded Ping(3), replayed Ping(4)"
};

struct ReplayOptions {
    bool verify = false;
    std::optional<uint64_t> toSeq;  ///< stop after this delivery (default: the trace's last)
    engine::OutputFn output;        ///< re-executed output; may be empty
    /// Records the re-execution into a new trace at this path (no network:
    /// inputs come from the recording), with the original's start time.
    std::string recordTo;
};

struct ReplayReport {
    uint64_t messages = 0;          ///< deliveries re-executed
    uint64_t outputsChecked = 0;
    std::optional<Divergence> divergence;
    engine::RunStats stats;
};

/// Runs the replay. An error (damaged trace, program mismatch) is returned as
/// such; a divergence is a successful report with `divergence` set.
Result<ReplayReport> replayTrace(TraceReader& trace, std::shared_ptr<const compiler::Program> program,
                                 const ReplayOptions& options);

} // namespace aeroflow::debugger
