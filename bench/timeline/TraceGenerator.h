#pragma once
// The benchmark's trace: a message-heavy actor program recorded in-process
// with the debugger's Recorder (the same path as `aeroflow run --record`).
// Workers in a ring pass tokens around with small timers; every 1,000th hop a
// token reports to one of a few auditors, which print now and then and crash
// on a rare combination, so the trace has many lanes, several actor types,
// outputs and crashes.

#include <cstdint>
#include <string>

namespace aeroflow::bench {

/// The program's source for about `messages` deliveries over `workers` workers.
std::string timelineBenchProgram(uint64_t messages, int workers);

/// Records the program into `tracePath` (replacing it). Returns an empty
/// string on success, else the error.
std::string recordTimelineBenchTrace(const std::string& tracePath, uint64_t messages, int workers);

} // namespace aeroflow::bench
