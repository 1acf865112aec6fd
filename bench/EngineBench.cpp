#include "EngineBench.h"

#include "Compiler.h"
#include "Scheduler.h"
#include "Subprocess.h"
#include "Timing.h"

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace aeroflow::bench {

namespace {

namespace fs = std::filesystem;
using compiler::Program;

// --- engine runs ---------------------------------------------------------------

/// The limits of every AeroFlow run here. The defaults (1,000,000 deliveries,
/// 100,000,000 instructions per handler or main segment) would stop the larger
/// runs, so the message limit follows the benchmark and the fuel is lifted.
engine::RunOptions benchRunOptions(uint64_t maxMessages)
{
    engine::RunOptions o;
    o.maxMessages = maxMessages;
    o.fuel = 1'000'000'000'000ull;
    return o;
}

std::string programPath(const std::string& dir, const std::string& name) { return dir + "/programs/" + name + ".aefl"; }
std::string peerPath(const std::string& dir, const std::string& name) { return dir + "/peers/" + name; }

/// The text of FILE with its first `let N = ...` line set to `n`.
std::optional<std::string> loadSource(const std::string& file, int64_t n)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "aeroflow-benchmark: cannot read '%s' (see --programs)\n", file.c_str());
        return std::nullopt;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const size_t at = text.find("\nlet N = ");
    if (at == std::string::npos) {
        std::fprintf(stderr, "aeroflow-benchmark: '%s' has no 'let N = ' line\n", file.c_str());
        return std::nullopt;
    }
    const size_t end = text.find('\n', at + 1);
    text.replace(at + 1, end - at - 1, "let N = " + std::to_string(n));
    return text;
}

std::shared_ptr<const Program> compileProgram(const std::string& file, int64_t n)
{
    auto text = loadSource(file, n);
    if (!text)
        return nullptr;
    auto result = compiler::compile(file, std::move(*text), {true, false});
    if (!result.ok() || !result.program) {
        std::fprintf(stderr, "%s", result.formatDiagnostics().c_str());
        return nullptr;
    }
    return result.program;
}

struct EngineRun {
    Sample time;
    engine::RunStats stats;
    std::string out;
};

EngineRun runEngine(const std::shared_ptr<const Program>& program, uint64_t maxMessages)
{
    EngineRun r;
    auto sink = [&r](engine::Stream s, std::string_view t) {
        if (s == engine::Stream::Output)
            r.out += t;
        else
            std::fprintf(stderr, "%.*s", int(t.size()), t.data());
    };
    const Stopwatch watch;
    r.stats = engine::runProgram(program, benchRunOptions(maxMessages), sink);
    r.time = watch.elapsed();
    return r;
}

long long procStatusKb(const char* key)
{
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long long kb = 0;
    const size_t len = std::strlen(key);
    while (std::fgets(line, sizeof line, f))
        if (std::strncmp(line, key, len) == 0)
            kb = std::atoll(line + len);
    std::fclose(f);
    return kb;
}

std::string selfPath()
{
    std::error_code ec;
    const fs::path p = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("aeroflow-benchmark") : p.string();
}

/// Reads the integer after `key ` in `text` (e.g. "us 1234"); -1 if absent.
long long field(const std::string& text, const std::string& key)
{
    const std::string k = key + " ";
    size_t at = 0;
    while ((at = text.find(k, at)) != std::string::npos) {
        if (at == 0 || text[at - 1] == ' ' || text[at - 1] == '\n')
            return std::atoll(text.c_str() + at + k.size());
        at += k.size();
    }
    return -1;
}

std::string loadAverage()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string withCommas(long long v)
{
    std::string s = std::to_string(v < 0 ? -v : v);
    for (int i = int(s.size()) - 3; i > 0; i -= 3)
        s.insert(size_t(i), ",");
    return v < 0 ? "-" + s : s;
}

/// A series of timings of one runner, in seconds.
struct Series {
    std::string name;
    std::vector<Sample> run;      ///< the work alone (in-process, in-VM, or process minus empty start)
    std::vector<Sample> process;  ///< whole process (empty for none)
    std::string error;            ///< non-empty: the runner failed or is unavailable
    bool skipped = false;
};

void printHeader(const char* what, const EngineOptions& o)
{
    std::printf("aeroflow-benchmark %s: %d repetitions, medians (load average %s, %ld cores online)\n", what,
        o.repeat, loadAverage().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
}

/// Erlang: compiles the peers once into a temporary folder.
struct ErlangPeer {
    bool available = false;
    std::string error;
    std::string beamDir;

    ErlangPeer(const EngineOptions& o, const std::vector<std::string>& modules)
    {
        if (!o.peers)
            return;
        if (!haveProgram(o.erl) || !haveProgram(o.erlc)) {
            error = o.erl + "/" + o.erlc + " not found (apt-get install erlang-base)";
            return;
        }
        char tmpl[] = "/tmp/aeroflow-bench-erl-XXXXXX";
        if (!mkdtemp(tmpl)) {
            error = "mkdtemp failed";
            return;
        }
        beamDir = tmpl;
        for (const std::string& m : modules) {
            auto r = runProcess({o.erlc, "-o", beamDir, peerPath(o.dir, m + ".erl")});
            if (!r.ok) {
                error = "erlc " + m + ".erl: " + r.error;
                return;
            }
        }
        available = true;
    }
    ~ErlangPeer()
    {
        if (!beamDir.empty()) {
            std::error_code ec;
            fs::remove_all(beamDir, ec);
        }
    }
    /// erl on one scheduler (one core, like the engine), with room for 4M processes.
    std::vector<std::string> command(const EngineOptions& o, const std::string& module,
        const std::vector<std::string>& args) const
    {
        std::vector<std::string> c = {o.erl, "-noshell", "+S", "1", "+P", "4000000", "-pa", beamDir, "-run", module, "main"};
        c.insert(c.end(), args.begin(), args.end());
        return c;
    }
};

#ifdef AEROFLOW_BENCH_CAF_PINGPONG
constexpr const char* kCafPingpong = AEROFLOW_BENCH_CAF_PINGPONG;
constexpr const char* kCafSkynet = AEROFLOW_BENCH_CAF_SKYNET;
#else
constexpr const char* kCafPingpong = nullptr;
constexpr const char* kCafSkynet = nullptr;
#endif

const char* kNoCaf = "not built: CAF (libcaf-dev) was not found when CMake configured bench/";

double ms(double s) { return s * 1e3; }

// --- interp ---------------------------------------------------------------------

int64_t fibOf(int64_t n)
{
    int64_t a = 0, b = 1;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int64_t primesUpTo(int64_t n)
{
    std::vector<bool> composite(size_t(n + 1));
    int64_t count = 0;
    for (int64_t p = 2; p <= n; ++p)
        if (!composite[size_t(p)]) {
            ++count;
            for (int64_t m = p * p; m <= n; m += p)
                composite[size_t(m)] = true;
        }
    return count;
}

struct Interpreter {
    std::string name, program, ext;
    std::vector<std::string> empty; ///< an empty run, to subtract start-up
};

/// One kernel next to its Lua, LuaJIT and Python peers; the goal: AeroFlow's
/// run within `goal` times Lua 5.4's (0: no goal).
bool interpKernel(const EngineOptions& o, const char* kernel, int64_t n, int64_t expected, double goal = 1.0)
{
    const std::string file = programPath(o.dir, kernel);
    auto program = compileProgram(file, n);
    if (!program)
        return false;
    const std::string want = std::to_string(expected) + "\n";

    std::vector<Interpreter> peers;
    if (o.peers) {
        peers.push_back({"Lua 5.4", o.lua, "lua", {o.lua, "-e", ""}});
        peers.push_back({"LuaJIT", o.luajit, "lua", {o.luajit, "-e", ""}});
        // Resolve the real interpreter once: a PATH entry may be a wrapper
        // script (pyenv's shim costs about a second per start).
        std::string python = o.python;
        auto where = runProcess({o.python, "-c", "import sys; print(sys.executable)"});
        if (where.ok && !where.out.empty() && where.out.back() == '\n')
            python = where.out.substr(0, where.out.size() - 1);
        peers.push_back({"Python 3", python, "py", {python, "-c", ""}});
    }
    Series aero {"AeroFlow", {}, {}, {}, false};
    std::vector<Series> peerRuns;
    std::vector<std::vector<double>> emptyRuns(peers.size());
    for (const Interpreter& p : peers) {
        Series s {p.name, {}, {}, {}, false};
        if (!haveProgram(p.program))
            s.error = p.program + " not found", s.skipped = true;
        peerRuns.push_back(s);
    }

    // One untimed run of each warms caches and the page cache.
    {
        EngineRun r = runEngine(program, 1'000'000);
        if (r.stats.exitCode != 0 || r.out != want) {
            std::fprintf(stderr, "aeroflow-benchmark: %s printed '%s', expected '%s'\n", kernel, r.out.c_str(), want.c_str());
            return false;
        }
    }
    const std::string self = selfPath();
    for (int rep = 0; rep < o.repeat; ++rep) {
        EngineRun r = runEngine(program, 1'000'000);
        aero.run.push_back(r.time);
        auto pr = runProcess({self, "engine-once", file, std::to_string(n), "1000000"});
        if (!pr.ok || pr.out.rfind(want, 0) != 0) {
            std::fprintf(stderr, "aeroflow-benchmark: engine-once %s failed: %s\n", kernel, pr.error.c_str());
            return false;
        }
        aero.process.push_back(pr.time);
        for (size_t i = 0; i < peers.size(); ++i) {
            Series& s = peerRuns[i];
            if (!s.error.empty())
                continue;
            auto e = runProcess(peers[i].empty);
            auto k = runProcess({peers[i].program, peerPath(o.dir, std::string(kernel) + "." + peers[i].ext), std::to_string(n)});
            if (!e.ok || !k.ok || k.out != want) {
                s.error = !e.ok ? e.error : !k.ok ? k.error : "printed '" + k.out + "'";
                continue;
            }
            emptyRuns[i].push_back(e.time.wall);
            s.process.push_back(k.time);
        }
    }
    for (size_t i = 0; i < peers.size(); ++i) {
        Series& s = peerRuns[i];
        if (!s.error.empty())
            continue;
        const double empty = summarize(emptyRuns[i]).median;
        for (const Sample& p : s.process)
            s.run.push_back({std::max(0.0, p.wall - empty), p.cpu});
    }

    const SampleSummary a = summarize(aero.run);
    const SampleSummary ap = summarize(aero.process);
    std::printf("\n%s(%s) = %s\n", kernel, withCommas(n).c_str(), withCommas(expected).c_str());
    std::printf("  %-10s %12s %10s %12s %12s %14s %14s\n", "runner", "run ms", "min ms", "process ms", "CPU ms", "AeroFlow/peer", "AeroFlow/peer");
    std::printf("  %-10s %12s %10s %12s %12s %14s %14s\n", "", "(median)", "", "(median)", "(process)", "(run)", "(process)");
    std::printf("  %-10s %12.1f %10.1f %12.1f %12.1f %14s %14s\n", "AeroFlow", ms(a.wall.median), ms(a.wall.min),
        ms(ap.wall.median), ms(ap.cpu.median), "-", "-");
    double luaRun = 0;
    for (size_t i = 0; i < peers.size(); ++i) {
        const Series& s = peerRuns[i];
        if (!s.error.empty()) {
            std::printf("  %-10s skipped: %s\n", s.name.c_str(), s.error.c_str());
            continue;
        }
        const SampleSummary r = summarize(s.run);
        const SampleSummary p = summarize(s.process);
        if (i == 0)
            luaRun = r.wall.median;
        std::printf("  %-10s %12.1f %10.1f %12.1f %12.1f %13.2fx %13.2fx\n", s.name.c_str(), ms(r.wall.median),
            ms(r.wall.min), ms(p.wall.median), ms(p.cpu.median), a.wall.median / r.wall.median,
            ap.wall.median / p.wall.median);
    }
    if (luaRun > 0 && goal > 0) {
        const double f = a.wall.median / luaRun;
        if (goal == 1.0)
            std::printf("  goal (faster than Lua 5.4): %s, AeroFlow takes %.2fx Lua's time\n", f < 1 ? "MET" : "MISSED", f);
        else
            std::printf("  goal (within %.1fx of Lua 5.4): %s, AeroFlow takes %.2fx Lua's time\n", goal,
                f <= goal ? "MET" : "MISSED", f);
    }
    return true;
}

} // namespace

int runEngineOnce(const std::string& file, int64_t n, uint64_t maxMessages)
{
    auto program = compileProgram(file, n);
    if (!program)
        return 1;
    const long long before = procStatusKb("VmRSS:");
    EngineRun r = runEngine(program, maxMessages);
    const long long peak = procStatusKb("VmHWM:");
    std::fputs(r.out.c_str(), stdout);
    std::printf("engine-once us %lld rss_kb %lld actors %u messages %" PRIu64 "\n", (long long)(r.time.wall * 1e6),
        peak - before, r.stats.actorsSpawned, r.stats.messagesDelivered);
    return r.stats.exitCode;
}

bool runInterpBench(const EngineOptions& o)
{
    printHeader("interp", o);
    std::printf("AeroFlow: engine::runProgram in this process (run) and `aeroflow-benchmark engine-once` in a fresh\n"
                "process (process: start-up + compile + run); peers: whole process (process) and minus the median\n"
                "of an empty start (run). Ratios > 1: AeroFlow is slower.\n");
    return interpKernel(o, "fib", o.fib, fibOf(o.fib)) && interpKernel(o, "sieve", o.sieve, primesUpTo(o.sieve));
}

bool runMapsBench(const EngineOptions& o)
{
    printHeader("maps", o);
    std::printf("mapset: N inserts with keys \"k0\", \"k1\", ..., then N lookups (Lua tables, Python dicts);\n"
                "strcat: N one-character appends to a string in a global, s = s + \"x\" (Lua: a table of parts and\n"
                "table.concat, its idiom; Python: +=). Columns as for interp; ratios > 1: AeroFlow is slower.\n");
    const int64_t n = o.keys;
    // The goal is the map's (the issue's); appends are compared without one.
    return interpKernel(o, "mapset", n, n * (n - 1) / 2, 1.5) && interpKernel(o, "strcat", o.appends, o.appends, 0);
}

// --- pingpong -------------------------------------------------------------------

bool runPingpongBench(const EngineOptions& o)
{
    printHeader("pingpong", o);
    const int64_t n = o.messages;
    const std::string file = programPath(o.dir, "pingpong");
    auto program = compileProgram(file, n);
    if (!program)
        return false;
    const uint64_t maxMessages = uint64_t(n) + 16;
    const std::string want = "done " + std::to_string(n % 2 ? n + 1 : n) + "\n";
    std::printf("%s messages between two actors, trivial handlers; AeroFlow in this process on one thread "
                "(max-messages raised to %s), Erlang with one scheduler (+S 1), CAF with one scheduler thread.\n"
                "run: the exchange alone (Erlang/CAF time it themselves); process: whole process.\n",
        withCommas(n).c_str(), withCommas((long long)maxMessages).c_str());

    ErlangPeer erl(o, {"pingpong"});
    Series aero {"AeroFlow", {}, {}, {}, false};
    Series erlang {"Erlang", {}, {}, o.peers ? erl.error : "", !o.peers};
    Series caf {"CAF", {}, {}, o.peers ? (kCafPingpong ? "" : kNoCaf) : "", !o.peers};
    const std::string self = selfPath();
    for (int rep = 0; rep < o.repeat; ++rep) {
        EngineRun r = runEngine(program, maxMessages);
        if (r.stats.exitCode != 0 || r.out != want) {
            std::fprintf(stderr, "aeroflow-benchmark: pingpong printed '%s', expected '%s'\n", r.out.c_str(), want.c_str());
            return false;
        }
        aero.run.push_back(r.time);
        auto pr = runProcess({self, "engine-once", file, std::to_string(n), std::to_string(maxMessages)});
        if (!pr.ok) {
            std::fprintf(stderr, "aeroflow-benchmark: engine-once pingpong: %s\n", pr.error.c_str());
            return false;
        }
        aero.process.push_back(pr.time);
        for (Series* s : {&erlang, &caf}) {
            if (!s->error.empty() || s->skipped)
                continue;
            auto p = s == &erlang ? runProcess(erl.command(o, "pingpong", {std::to_string(n)}))
                                  : runProcess({kCafPingpong, std::to_string(n)});
            const long long us = field(p.out, "us"), got = field(p.out, "messages");
            if (!p.ok || us < 0 || got < n) {
                s->error = p.ok ? "unexpected output '" + p.out + "'" : p.error;
                continue;
            }
            s->run.push_back({double(us) * 1e-6, 0});
            s->process.push_back(p.time);
        }
    }
    const SampleSummary a = summarize(aero.run);
    std::printf("\n  %-10s %10s %10s %12s %14s %12s %14s\n", "runner", "run ms", "min ms", "process ms", "messages/s",
        "ns/message", "AeroFlow/peer");
    auto row = [&](const Series& s) {
        if (s.skipped)
            return;
        if (!s.error.empty()) {
            std::printf("  %-10s skipped: %s\n", s.name.c_str(), s.error.c_str());
            return;
        }
        const SampleSummary r = summarize(s.run);
        const SampleSummary p = summarize(s.process);
        char ratio[32] = "-";
        if (&s != &aero)
            std::snprintf(ratio, sizeof ratio, "%.2fx", a.wall.median / r.wall.median);
        std::printf("  %-10s %10.1f %10.1f %12.1f %14s %12.1f %14s\n", s.name.c_str(), ms(r.wall.median), ms(r.wall.min),
            ms(p.wall.median), withCommas((long long)(double(n) / r.wall.median)).c_str(),
            r.wall.median * 1e9 / double(n), ratio);
    };
    row(aero);
    row(erlang);
    row(caf);
    const double rate = double(n) / a.wall.median;
    std::printf("  AeroFlow CPU (median) %.1f ms; ratio > 1: AeroFlow is slower\n", ms(a.cpu.median));
    std::printf("  goal (>= 10,000,000 messages/s on one core): %s, %s messages/s is %.2fx the goal\n",
        rate >= 1e7 ? "MET" : "MISSED", withCommas((long long)rate).c_str(), rate / 1e7);
    return true;
}

// --- spawn ----------------------------------------------------------------------

bool runSpawnBench(const EngineOptions& o)
{
    printHeader("spawn", o);
    const int64_t n = o.actors;
    int64_t total = 0, levels = 0;
    for (int64_t k = 1; k <= n; k *= 10, ++levels)
        total += k;
    --levels;
    {
        int64_t m = 1;
        for (int64_t i = 0; i < levels; ++i)
            m *= 10;
        if (m != n || n < 10) {
            std::fprintf(stderr, "aeroflow-benchmark: --actors must be a power of 10 (>= 10)\n");
            return false;
        }
    }
    const std::string skynet = programPath(o.dir, "skynet"), idle = programPath(o.dir, "idle");
    auto program = compileProgram(skynet, n);
    if (!program)
        return false;
    const uint64_t maxMessages = uint64_t(3 * total + 16);
    const int64_t sum = n * (n - 1) / 2;
    const std::string want = std::to_string(sum) + "\n";
    std::printf("skynet: a tree of %s actors (%s leaves, 10 children per node) summing 0..%s = %s;\n"
                "idle: %s actors spawned and left waiting. AeroFlow: max-messages raised to %s.\n"
                "Memory: growth of the peak resident set over the run (AeroFlow, in a fresh process; Erlang and\n"
                "CAF skynet: peak RSS minus that of an `idle 1` run) per actor; for idle, Erlang reports the growth of\n"
                "erlang:memory(total) and CAF of VmRSS with all actors alive. AeroFlow's skynet actors stay alive\n"
                "(idle) to the end; Erlang's and CAF's end when they have sent their sum.\n",
        withCommas(total).c_str(), withCommas(n).c_str(), withCommas(n - 1).c_str(), withCommas(sum).c_str(),
        withCommas(n).c_str(), withCommas((long long)maxMessages).c_str());

    ErlangPeer erl(o, {"skynet"});
    struct Runner {
        Series s;
        std::vector<double> bytesPerActor;
        std::vector<Sample> idleRun;
        std::vector<double> idleBytes;
    };
    Runner aero {{"AeroFlow", {}, {}, {}, false}, {}, {}, {}};
    Runner erlang {{"Erlang", {}, {}, o.peers ? erl.error : "", !o.peers}, {}, {}, {}};
    Runner caf {{"CAF", {}, {}, o.peers ? (kCafSkynet ? "" : kNoCaf) : "", !o.peers}, {}, {}, {}};
    const std::string self = selfPath();
    for (int rep = 0; rep < o.repeat; ++rep) {
        EngineRun r = runEngine(program, maxMessages);
        if (r.stats.exitCode != 0 || r.out != want) {
            std::fprintf(stderr, "aeroflow-benchmark: skynet printed '%s', expected '%s'\n", r.out.c_str(), want.c_str());
            return false;
        }
        aero.s.run.push_back(r.time);
        auto pr = runProcess({self, "engine-once", skynet, std::to_string(n), std::to_string(maxMessages)});
        auto pi = runProcess({self, "engine-once", idle, std::to_string(n), "1000"});
        if (!pr.ok || !pi.ok) {
            std::fprintf(stderr, "aeroflow-benchmark: engine-once: %s\n", (pr.ok ? pi : pr).error.c_str());
            return false;
        }
        aero.s.process.push_back(pr.time);
        aero.bytesPerActor.push_back(double(field(pr.out, "rss_kb")) * 1024 / double(field(pr.out, "actors")));
        aero.idleRun.push_back({double(field(pi.out, "us")) * 1e-6, 0});
        aero.idleBytes.push_back(double(field(pi.out, "rss_kb")) * 1024 / double(n));
        for (Runner* p : {&erlang, &caf}) {
            Series& s = p->s;
            if (!s.error.empty() || s.skipped)
                continue;
            const bool isErl = p == &erlang;
            auto run = [&](const char* mode, int64_t count) {
                return isErl ? runProcess(erl.command(o, "skynet", {mode, std::to_string(count)}))
                             : runProcess({kCafSkynet, mode, std::to_string(count)});
            };
            auto sk = run("skynet", n);
            auto base = run("idle", 1);
            auto id = run("idle", n);
            if (!sk.ok || !base.ok || !id.ok || field(sk.out, "sum") != sum) {
                s.error = !sk.ok ? sk.error : !base.ok ? base.error : !id.ok ? id.error : "printed '" + sk.out + "'";
                continue;
            }
            s.run.push_back({double(field(sk.out, "us")) * 1e-6, 0});
            s.process.push_back(sk.time);
            p->bytesPerActor.push_back(double(sk.maxRssKb - base.maxRssKb) * 1024 / double(total));
            p->idleRun.push_back({double(field(id.out, "us")) * 1e-6, 0});
            p->idleBytes.push_back(double(field(id.out, "bytes")) / double(n));
        }
    }
    const double aeroMs = ms(summarize(aero.s.run).wall.median);
    const double aeroIdleBytes = summarize(aero.idleBytes).median;
    std::printf("\n  %-10s %11s %9s %11s %13s %14s %12s %14s %14s\n", "runner", "skynet ms", "min ms", "process ms",
        "bytes/actor", "AeroFlow/peer", "idle spawn", "bytes/idle", "AeroFlow/peer");
    std::printf("  %-10s %11s %9s %11s %13s %14s %12s %14s %14s\n", "", "(median)", "", "(median)", "(skynet peak)",
        "(time)", "ms (median)", "actor", "(bytes/idle)");
    for (const Runner* p : {&aero, &erlang, &caf}) {
        const Series& s = p->s;
        if (s.skipped)
            continue;
        if (!s.error.empty()) {
            std::printf("  %-10s skipped: %s\n", s.name.c_str(), s.error.c_str());
            continue;
        }
        const SampleSummary r = summarize(s.run);
        const double idleBytes = summarize(p->idleBytes).median;
        char t[32] = "-", b[32] = "-";
        if (p != &aero) {
            std::snprintf(t, sizeof t, "%.2fx", aeroMs / ms(r.wall.median));
            std::snprintf(b, sizeof b, "%.2fx", aeroIdleBytes / idleBytes);
        }
        std::printf("  %-10s %11.1f %9.1f %11.1f %13.0f %14s %12.1f %14.0f %14s\n", s.name.c_str(), ms(r.wall.median),
            ms(r.wall.min), ms(summarize(s.process).wall.median), summarize(p->bytesPerActor).median, t,
            ms(summarize(p->idleRun).wall.median), idleBytes, b);
    }
    std::printf("  ratio > 1: AeroFlow is slower / uses more memory\n");
    std::printf("  goal (< 500 ms): %s, %.1f ms is %.2fx the goal\n", aeroMs < 500 ? "MET" : "MISSED", aeroMs, aeroMs / 500);
    std::printf("  goal (< 512 bytes per idle actor): %s, %.0f bytes is %.2fx the goal\n",
        aeroIdleBytes < 512 ? "MET" : "MISSED", aeroIdleBytes, aeroIdleBytes / 512);
    return true;
}

} // namespace aeroflow::bench
