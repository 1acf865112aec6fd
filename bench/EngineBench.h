#pragma once
// The engine benchmarks of aeroflow-benchmark (`interp`, `maps`, `pingpong`, `spawn`):
// AeroFlow programs from bench/programs run through engine::runProgram in
// this process (and once more per repetition in a fresh process, for the
// process wall time), side by side with the peers of bench/peers (Lua 5.4,
// LuaJIT, Python 3, Erlang, CAF) run as child processes in the same run.
// See bench/README.md.

#include <cstdint>
#include <string>

namespace aeroflow::bench {

struct EngineOptions {
    std::string dir;            ///< the bench/ folder (programs/ and peers/)
    int repeat = 5;             ///< repetitions; medians and minima are printed
    int64_t fib = 32;           ///< interp: fib(N)
    int64_t sieve = 2'000'000;  ///< interp: primes up to N
    int64_t keys = 1'000'000;   ///< maps: keys inserted, then looked up
    int64_t appends = 1'000'000; ///< maps: one-character string appends
    int64_t messages = 10'000'000; ///< pingpong: messages exchanged
    int64_t actors = 1'000'000; ///< spawn: leaves of the skynet tree (a power of 10), idle actors
    bool peers = true;          ///< false: AeroFlow only
    std::string lua = "lua5.4", luajit = "luajit", python = "python3", erl = "erl", erlc = "erlc";
};

bool runInterpBench(const EngineOptions& options);
/// Map inserts and lookups, string appends: AeroFlow next to Lua 5.4 tables
/// (and table.concat), Python dicts (and +=), LuaJIT.
bool runMapsBench(const EngineOptions& options);
bool runPingpongBench(const EngineOptions& options);
bool runSpawnBench(const EngineOptions& options);

/// Internal (`aeroflow-benchmark engine-once FILE N MAX_MESSAGES`): compiles
/// FILE with its `let N = ...` line set to N, runs it once with the
/// benchmark's limits, prints the program output and then the line
/// `engine-once us T rss_kb R actors A messages M` (T: the run alone, R: the
/// growth of the resident set's peak over the run).
int runEngineOnce(const std::string& file, int64_t n, uint64_t maxMessages);

} // namespace aeroflow::bench
