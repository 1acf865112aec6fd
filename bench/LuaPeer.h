#pragma once
// The Lua 5.4 peer: times `lua5.4 -e 'local f = assert(loadfile(PATH))'`
// (compile only, nothing runs) as separate processes and subtracts the cost of
// starting an empty interpreter, so the figure is Lua's own lexer+parser+code
// generator on the same number of lines.

#include "Timing.h"

#include <string>

namespace aeroflow::bench {

struct LuaPeerResult {
    bool available = false;   ///< false: the interpreter could not be run
    std::string error;        ///< why, when not available or a load failed
    Summary load;             ///< `loadfile` runs, whole process
    Summary baseline;         ///< `lua5.4 -e ''`, whole process
    /// Compile time of the file alone: per-run load minus the baseline median
    /// (clamped at 0), summarised.
    Summary compile;
};

class LuaPeer {
public:
    /// `interpreter` is looked up in PATH.
    explicit LuaPeer(std::string interpreter = "lua5.4") : m_interpreter(std::move(interpreter)) {}

    /// Runs the baseline and the load `repeat` times each, interleaved so that
    /// a change in machine load hits both alike.
    LuaPeerResult measure(const std::string& luaFile, int repeat) const;

private:
    /// Wall time of one run of the interpreter with `-e code`; negative when it
    /// could not be started or exited non-zero (`error` says why).
    double runOnce(const std::string& code, std::string& error) const;

    std::string m_interpreter;
};

} // namespace aeroflow::bench
