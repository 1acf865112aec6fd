#pragma once
// `aeroflow-benchmark frontend`: the full AeroFlow front end (compile()) on a
// generated program, its phases one by one, and Lua 5.4 compiling an
// equivalent program of the same line count, printed side by side.

#include <cstddef>
#include <cstdint>
#include <string>

namespace aeroflow::bench {

struct FrontendOptions {
    size_t lines = 100'000;
    int repeat = 7;
    uint64_t seed = 24301;
    bool lua = true;            ///< run the Lua peer
    bool phases = true;         ///< time lex, parse, check and lower separately too
    std::string interpreter = "lua5.4";
    std::string emitAefl;       ///< non-empty: write the AeroFlow program here and stop
    std::string emitLua;        ///< non-empty: write the Lua program here and stop
};

/// Runs the benchmark and prints its report to stdout. False when the
/// generated program does not compile cleanly (the figures would mean
/// nothing) or a file cannot be written; the reason goes to stderr.
bool runFrontendBench(const FrontendOptions& options);

/// The hidden `compile-once PATH` command the benchmark runs in a new process
/// for its fresh-process figure: reads PATH (untimed), compiles it once and
/// prints the wall-clock and CPU seconds compile() took. Exit status 1 on
/// errors.
int runCompileOnce(const std::string& path);

} // namespace aeroflow::bench
