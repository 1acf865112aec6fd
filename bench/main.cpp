// aeroflow-benchmark: performance measurements with peers side by side from
// one run (STYLE.md habit 9). Subcommands:
//
//   frontend [--lines N] [--repeat R] [--seed S] [--no-lua] [--no-phases]
//            [--lua INTERPRETER] [--emit-aefl PATH] [--emit-lua PATH]
//   interp   [--fib N] [--sieve N] [--repeat R] [--no-peers] [--programs DIR]
//   maps     [--keys N] [--appends N] [--repeat R] [--no-peers] [--programs DIR]
//   pingpong [--messages N] [--repeat R] [--no-peers] [--programs DIR]
//   spawn    [--actors N] [--repeat R] [--no-peers] [--programs DIR]
//
// See bench/README.md.

#include "EngineBench.h"
#include "SnapshotBench.h"

#include "HugePages.h"
#include "FrontendBench.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using aeroflow::bench::FrontendOptions;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void printUsage(FILE* out)
{
    std::fputs("usage: aeroflow-benchmark COMMAND [OPTIONS]\n"
               "\n"
               "Commands:\n"
               "  frontend   time the AeroFlow front end (lex + parse + check + lower, the full\n"
               "             compile()) on a generated program, next to Lua 5.4 compiling an\n"
               "             equivalent program of the same line count\n"
               "  interp     the interpreter: fib(32) (recursive) and a sieve of primes to 2,000,000,\n"
               "             next to Lua 5.4, LuaJIT and Python 3 running the same programs\n"
               "  maps       1,000,000 map inserts and lookups, 1,000,000 string appends, next to\n"
               "             Lua 5.4 tables and table.concat, Python dicts and +=, LuaJIT\n"
               "  pingpong   two actors exchanging 10,000,000 messages (messages/s), next to Erlang\n"
               "             and CAF\n"
               "  spawn      a skynet tree of 1,111,111 actors summing 0..999,999 (time, bytes per\n"
               "             actor) and 1,000,000 idle actors (bytes each), next to Erlang and CAF\n"
               "  snapshot   .afs save / restore / verify speed on a ~100 MB actor state, next to\n"
               "             memcpy of the same image  [--bytes B] [--repeat R]\n"
               "\n"
               "frontend options:\n"
               "  --lines N          lines of the generated program (default 100000)\n"
               "  --repeat R         timed repetitions; medians and minima are printed (default 7)\n"
               "  --seed S           generator seed (default 24301)\n"
               "  --no-lua           skip the Lua peer\n"
               "  --no-phases        skip the per-phase timings (lex, parse, check, lower)\n"
               "  --lua INTERPRETER  Lua 5.4 interpreter to run (default lua5.4, looked up in PATH)\n"
               "  --emit-aefl PATH   write the generated AeroFlow program to PATH and exit\n"
               "  --emit-lua PATH    write the generated Lua program to PATH and exit\n"
               "\n"
               "interp / maps / pingpong / spawn options:\n"
               "  --repeat R         repetitions; medians and minima are printed (default 5)\n"
               "  --fib N            interp: fib(N) (default 32)\n"
               "  --sieve N          interp: primes up to N (default 2000000)\n"
               "  --keys N           maps: keys inserted and looked up (default 1000000)\n"
               "  --appends N        maps: string appends (default 1000000)\n"
               "  --messages N       pingpong: messages exchanged (default 10000000)\n"
               "  --actors N         spawn: skynet leaves and idle actors, a power of 10 (default 1000000)\n"
               "  --no-peers         AeroFlow only\n"
               "  --programs DIR     the bench/ folder holding programs/ and peers/ (default: the source tree)\n"
               "  --lua / --luajit / --python / --erl / --erlc PROGRAM   the peers' interpreters\n"
               "\n"
               "Exit status: 0 on success, 1 when the generated program does not compile cleanly\n"
               "or a file cannot be written, or an engine benchmark's program fails or prints a\n"
               "wrong result, 2 on usage errors.\n",
        out);
}

bool parseCount(std::string_view text, long long min, long long& out)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    const std::string s(text);
    errno = 0;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < min)
        return false;
    out = v;
    return true;
}

int runFrontend(const std::vector<std::string>& args)
{
    FrontendOptions options;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* what) -> const std::string* {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "aeroflow-benchmark: %s needs %s\n", a.c_str(), what);
                return nullptr;
            }
            return &args[++i];
        };
        long long n = 0;
        if (a == "--lines" || a == "--repeat" || a == "--seed") {
            const std::string* v = value("a number");
            if (!v)
                return kExitUsage;
            const long long min = a == "--seed" ? 0 : 1;
            if (!parseCount(*v, min, n) || (a == "--lines" && n > 20'000'000) || (a == "--repeat" && n > 1000)) {
                std::fprintf(stderr, "aeroflow-benchmark: bad value for %s: '%s'\n", a.c_str(), v->c_str());
                return kExitUsage;
            }
            if (a == "--lines")
                options.lines = size_t(n);
            else if (a == "--repeat")
                options.repeat = int(n);
            else
                options.seed = uint64_t(n);
        } else if (a == "--no-lua") {
            options.lua = false;
        } else if (a == "--no-phases") {
            options.phases = false;
        } else if (a == "--lua" || a == "--emit-aefl" || a == "--emit-lua") {
            const std::string* v = value(a == "--lua" ? "an interpreter" : "a path");
            if (!v)
                return kExitUsage;
            if (a == "--lua")
                options.interpreter = *v;
            else if (a == "--emit-aefl")
                options.emitAefl = *v;
            else
                options.emitLua = *v;
        } else if (a == "-h" || a == "--help") {
            printUsage(stdout);
            return kExitOk;
        } else {
            std::fprintf(stderr, "aeroflow-benchmark: unknown option '%s' (see --help)\n", a.c_str());
            return kExitUsage;
        }
    }
    return aeroflow::bench::runFrontendBench(options) ? kExitOk : kExitFailure;
}

int runEngine(const std::string& command, const std::vector<std::string>& args)
{
    aeroflow::bench::EngineOptions options;
    options.dir = AEROFLOW_BENCH_DIR;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            printUsage(stdout);
            return kExitOk;
        }
        if (a == "--no-peers") {
            options.peers = false;
            continue;
        }
        if (i + 1 >= args.size()) {
            std::fprintf(stderr, "aeroflow-benchmark: unknown option or missing value '%s' (see --help)\n", a.c_str());
            return kExitUsage;
        }
        const std::string& v = args[++i];
        long long n = 0;
        auto count = [&](long long min, long long max) {
            if (!parseCount(v, min, n) || n > max) {
                std::fprintf(stderr, "aeroflow-benchmark: bad value for %s: '%s'\n", a.c_str(), v.c_str());
                return false;
            }
            return true;
        };
        if (a == "--repeat") {
            if (!count(1, 1000))
                return kExitUsage;
            options.repeat = int(n);
        } else if (a == "--fib") {
            if (!count(0, 90))
                return kExitUsage;
            options.fib = n;
        } else if (a == "--sieve") {
            if (!count(2, 1'000'000'000))
                return kExitUsage;
            options.sieve = n;
        } else if (a == "--keys" || a == "--appends") {
            if (!count(1, 100'000'000))
                return kExitUsage;
            (a == "--keys" ? options.keys : options.appends) = n;
        } else if (a == "--messages") {
            if (!count(2, 4'000'000'000'000))
                return kExitUsage;
            options.messages = n;
        } else if (a == "--actors") {
            if (!count(10, 100'000'000))
                return kExitUsage;
            options.actors = n;
        } else if (a == "--programs") {
            options.dir = v;
        } else if (a == "--lua") {
            options.lua = v;
        } else if (a == "--luajit") {
            options.luajit = v;
        } else if (a == "--python") {
            options.python = v;
        } else if (a == "--erl") {
            options.erl = v;
        } else if (a == "--erlc") {
            options.erlc = v;
        } else {
            std::fprintf(stderr, "aeroflow-benchmark: unknown option '%s' (see --help)\n", a.c_str());
            return kExitUsage;
        }
    }
    bool ok = false;
    if (command == "interp")
        ok = aeroflow::bench::runInterpBench(options);
    else if (command == "maps")
        ok = aeroflow::bench::runMapsBench(options);
    else if (command == "pingpong")
        ok = aeroflow::bench::runPingpongBench(options);
    else
        ok = aeroflow::bench::runSpawnBench(options);
    return ok ? kExitOk : kExitFailure;
}

} // namespace

int main(int argc, char** argv)
{
    // The same memory set-up as the `aeroflow` command (engine/HugePages.h).
    aeroflow::engine::preferHugePages(argv);
    if (argc < 2) {
        printUsage(stderr);
        return kExitUsage;
    }
    const std::string_view command = argv[1];
    if (command == "-h" || command == "--help" || command == "help") {
        printUsage(stdout);
        return kExitOk;
    }
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "frontend")
        return runFrontend(args);
    if (command == "snapshot") {
        long long repeat = 5, bytes = 100'000'000;
        for (size_t i = 0; i + 1 < args.size(); i += 2) {
            if (args[i] == "--repeat" && parseCount(args[i + 1], 1, repeat))
                continue;
            if (args[i] == "--bytes" && parseCount(args[i + 1], 1000, bytes))
                continue;
            std::fprintf(stderr, "aeroflow-benchmark snapshot: bad option '%s' (see --help)\n", args[i].c_str());
            return kExitUsage;
        }
        if (args.size() % 2) {
            std::fprintf(stderr, "aeroflow-benchmark snapshot: option '%s' needs a value\n", args.back().c_str());
            return kExitUsage;
        }
        return aeroflow::bench::runSnapshotBench(int(repeat), bytes) ? kExitOk : kExitFailure;
    }
    if (command == "interp" || command == "maps" || command == "pingpong" || command == "spawn")
        return runEngine(std::string(command), args);
    if (command == "engine-once" && args.size() == 3) { // internal, see EngineBench.h
        long long n = 0, max = 0;
        if (!parseCount(args[1], 0, n) || !parseCount(args[2], 1, max))
            return kExitUsage;
        return aeroflow::bench::runEngineOnce(args[0], n, uint64_t(max));
    }
    if (command == "compile-once" && args.size() == 1) // internal, see FrontendBench.h
        return aeroflow::bench::runCompileOnce(args[0]);
    std::fprintf(stderr, "aeroflow-benchmark: unknown command '%s' (see --help)\n", argv[1]);
    return kExitUsage;
}
