#pragma once
// The Lua 5.4 peer: times `lua5.4 -e 'local f = assert(loadfile(PATH))'`
// (compile only, nothing runs) as separate processes and subtracts the cost of
// starting an empty interpreter, so the figure is Lua's own lexer+parser+code
// generator on the same number of lines.

#include "Timing.h"

#include <string>

namespace aeroflow::bench {

struct LuaPeerResult {
    bool available = false;  ///< false: the interpreter could not be run
    std::string error;       ///< why, when not available or a load failed
    SampleSummary load;      ///< `loadfile` runs, whole process
    SampleSummary baseline;  ///< `lua5.4 -e ''`, whole process
    /// Compile time of the file alone: each load run minus the baseline's
    /// median (clamped at 0), wall and CPU time (user + system) separately.
    SampleSummary compile;
};

class LuaPeer {
public:
    /// `interpreter` is looked up in PATH.
    explicit LuaPeer(std::string interpreter = "lua5.4") : m_interpreter(std::move(interpreter)) {}

    /// Runs the baseline and the load `repeat` times each, interleaved so that
    /// a change in machine load hits both alike.
    LuaPeerResult measure(const std::string& luaFile, int repeat) const;

private:
    /// One run of the interpreter with `-e code`: wall time and the child's
    /// CPU time. False when it could not be started or exited non-zero
    /// (`error` says why).
    bool runOnce(const std::string& code, Sample& sample, std::string& error) const;

    std::string m_interpreter;
};

} // namespace aeroflow::bench
