#pragma once
// Runs a peer (or this benchmark again) as a child process: wall time, the
// child's CPU time and peak resident set, and its standard output.

#include "Timing.h"

#include <string>
#include <vector>

namespace aeroflow::bench {

struct ProcessResult {
    bool ok = false;         ///< started and exited with status 0
    std::string error;       ///< why not
    Sample time;             ///< wall clock, and user + system CPU of the child
    long long maxRssKb = 0;  ///< the child's peak resident set (ru_maxrss)
    std::string out;         ///< its standard output
};

/// Runs argv[0] (looked up in PATH) with stdout captured and stderr passed
/// through; stdin is /dev/null.
ProcessResult runProcess(const std::vector<std::string>& argv);

/// True when `program` can be found in PATH (or is a path to an executable).
bool haveProgram(const std::string& program);

} // namespace aeroflow::bench
