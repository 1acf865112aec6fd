// aeroflow-jit-benchmark: the LLVM JIT against the interpreter and native /
// JIT peers, side by side from one run (STYLE.md habit 9), as ratios of
// medians; plus ping-pong throughput and JIT compile latency.
//
//   aeroflow-jit-benchmark [--fib N] [--sieve N] [--pingpong N] [--repeat R]
//                          [--opt 0..3] [--no-peers] [--only kernels|pingpong|compile|scale]
//                          [--lines N,N,...]
//
// `scale`: compile time of one huge function (N lines of `x = x + 1`, the
// default 1,000 / 2,000 / 4,000 / 20,000, and a 1,500-operator expression)
// at -O0 and -O2, with the JIT's own counters (LLVM functions, the largest
// module, machine code).
// Run times: AeroFlow in this process (engine::runProgram, compile excluded;
// the JIT's compile time is shown apart); peers as whole processes minus the
// median start-up of the same peer on a trivial input (N = 1).

#include "../Subprocess.h"
#include "../ProgramGenerator.h"
#include "../Timing.h"

#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"
#include "Scheduler.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <algorithm>
#include <vector>

using namespace aeroflow;
namespace fs = std::filesystem;

namespace {

struct Options {
    uint64_t fib = 35;
    uint64_t sieve = 2'000'000;
    uint64_t pingpong = 1'000'000;
    int repeat = 5;
    int opt = 2;
    bool peers = true;
    std::string only;
    std::vector<uint64_t> scaleLines{1000, 2000, 4000, 20000};
};

std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string loadAverage()
{
    std::string s = readFile("/proc/loadavg");
    const auto parts = s.find(' ', s.find(' ', s.find(' ') + 1) + 1);
    return parts == std::string::npos ? s : s.substr(0, parts);
}

/// `text` with its first `let N = ...` line set to n.
std::string withN(std::string text, uint64_t n)
{
    const size_t at = text.find("\nlet N = ");
    if (at == std::string::npos)
        return text;
    const size_t end = text.find('\n', at + 1);
    return text.replace(at + 1, end - at - 1, "let N = " + std::to_string(n));
}

std::shared_ptr<const compiler::Program> compileOrDie(const std::string& name, const std::string& text)
{
    auto r = compiler::compile(name, text, {true, false});
    if (!r.ok() || !r.program) {
        std::fprintf(stderr, "aeroflow-jit-benchmark: %s does not compile:\n%s", name.c_str(),
                     r.formatDiagnostics(false).c_str());
        std::exit(1);
    }
    return r.program;
}

/// One AeroFlow run (compile excluded): seconds and output.
double runOnce(const std::shared_ptr<const compiler::Program>& program, const engine::NativeCode* native,
               std::string& out)
{
    engine::RunOptions options;
    options.fuel = uint64_t(1) << 50;
    options.maxMessages = uint64_t(1) << 40;
    options.native = native;
    out.clear();
    bench::Stopwatch sw;
    engine::runProgram(program, std::move(options), [&](engine::Stream, std::string_view t) { out.append(t); });
    return sw.elapsed().wall;
}

double median(std::vector<double> v) { return bench::summarize(std::move(v)).median; }

struct Row {
    std::string runner;
    double ms = -1; ///< < 0: not available
    std::string note;
};

void printRows(const char* title, const std::vector<Row>& rows, double jitMs)
{
    std::printf("\n%s\n  %-22s %12s %14s  %s\n", title, "runner", "run ms", "JIT / runner", "");
    for (const auto& r : rows) {
        if (r.ms < 0) {
            std::printf("  %-22s %12s %14s  %s\n", r.runner.c_str(), "-", "-", r.note.c_str());
            continue;
        }
        std::printf("  %-22s %12.1f %14.2f  %s\n", r.runner.c_str(), r.ms, jitMs / r.ms, r.note.c_str());
    }
}

/// Median process time of `argv` minus the median start of `startArgv`.
Row peerRow(const std::string& name, const std::vector<std::string>& argv, const std::vector<std::string>& startArgv,
            const std::string& expected, int repeat)
{
    Row row{name, -1, {}};
    if (!bench::haveProgram(argv[0])) {
        row.note = "not installed";
        return row;
    }
    std::vector<double> runs, starts;
    for (int i = 0; i < repeat; ++i) {
        auto r = bench::runProcess(argv);
        if (!r.ok) {
            row.note = r.error;
            return row;
        }
        if (r.out.find(expected) == std::string::npos) {
            row.note = "wrong output: " + r.out;
            return row;
        }
        runs.push_back(r.time.wall);
        starts.push_back(bench::runProcess(startArgv).time.wall);
    }
    const double start = median(starts);
    row.ms = (median(runs) - start) * 1000;
    char note[64];
    std::snprintf(note, sizeof note, "(process %.1f ms, start %.1f ms)", median(runs) * 1000, start * 1000);
    row.note = note;
    return row;
}

/// Compiles a C peer with the system compiler into `dir`; empty on failure.
std::string buildC(const fs::path& source, const fs::path& dir)
{
    const fs::path exe = dir / source.stem();
    auto r = bench::runProcess({"cc", "-O2", "-o", exe.string(), source.string()});
    return r.ok ? exe.string() : std::string();
}

void kernel(const Options& o, const char* name, uint64_t n, const fs::path& benchDir, const fs::path& tmp)
{
    const std::string text = withN(readFile(benchDir / "programs" / (std::string(name) + ".aefl")), n);
    const auto program = compileOrDie(std::string(name) + ".aefl", text);
    std::vector<double> interp, jit;
    std::string outInterp, outJit;
    for (int i = 0; i < o.repeat; ++i)
        interp.push_back(runOnce(program, nullptr, outInterp) * 1000);
    bench::Stopwatch compileWatch;
    auto native = cli::NativeJit::compile(*program, o.opt);
    const double compileMs = compileWatch.elapsed().wall * 1000;
    if (!native) {
        std::fprintf(stderr, "aeroflow-jit-benchmark: JIT: %s\n", native.error().c_str());
        std::exit(1);
    }
    for (int i = 0; i < o.repeat; ++i)
        jit.push_back(runOnce(program, native->get(), outJit) * 1000);
    if (outJit != outInterp) {
        std::fprintf(stderr, "aeroflow-jit-benchmark: %s: JIT output differs from the interpreter's\n", name);
        std::exit(1);
    }
    const double jitMs = median(jit);
    std::string expected = outInterp;
    while (!expected.empty() && expected.back() == '\n')
        expected.pop_back();
    std::vector<Row> rows;
    char note[96];
    std::snprintf(note, sizeof note, "(-O%d, compile %.1f ms not included)", o.opt, compileMs);
    rows.push_back({"AeroFlow JIT", jitMs, note});
    rows.push_back({"AeroFlow interpreter", median(interp), ""});
    if (o.peers) {
        const std::string N = std::to_string(n);
        const fs::path cSource = benchDir / "jit" / "peers" / (std::string(name) + ".c");
        const std::string cExe = buildC(cSource, tmp);
        if (cExe.empty())
            rows.push_back({"C (cc -O2)", -1, "cc failed"});
        else
            rows.push_back(peerRow("C (cc -O2)", {cExe, N}, {cExe, "1"}, expected, o.repeat));
        const std::string lua = (benchDir / "peers" / (std::string(name) + ".lua")).string();
        const std::string js = (benchDir / "jit" / "peers" / (std::string(name) + ".js")).string();
        const std::string py = (benchDir / "peers" / (std::string(name) + ".py")).string();
        rows.push_back(peerRow("LuaJIT", {"luajit", lua, N}, {"luajit", lua, "1"}, expected, o.repeat));
        rows.push_back(peerRow("Node", {"node", js, N}, {"node", js, "1"}, expected, o.repeat));
        rows.push_back(peerRow("Lua 5.4", {"lua5.4", lua, N}, {"lua5.4", lua, "1"}, expected, o.repeat));
        rows.push_back(peerRow("Python 3", {"python3", py, N}, {"python3", py, "1"}, expected, std::max(1, o.repeat / 2)));
    }
    const std::string title = std::string(name) + "(" + std::to_string(n) + ") = " + expected;
    printRows(title.c_str(), rows, jitMs);
}

void pingpong(const Options& o, const fs::path& benchDir)
{
    const auto program = compileOrDie("pingpong.aefl", withN(readFile(benchDir / "programs" / "pingpong.aefl"), o.pingpong));
    auto native = cli::NativeJit::compile(*program, o.opt);
    if (!native) {
        std::fprintf(stderr, "aeroflow-jit-benchmark: JIT: %s\n", native.error().c_str());
        std::exit(1);
    }
    std::vector<double> interp, jit;
    std::string a, b;
    for (int i = 0; i < o.repeat; ++i) {
        interp.push_back(runOnce(program, nullptr, a));
        jit.push_back(runOnce(program, native->get(), b));
    }
    if (a != b) {
        std::fprintf(stderr, "aeroflow-jit-benchmark: pingpong: JIT output differs\n");
        std::exit(1);
    }
    const double mi = median(interp), mj = median(jit);
    std::printf("\npingpong(%llu messages)\n  %-22s %12s %16s\n", (unsigned long long)o.pingpong, "runner", "run ms",
                "messages/s");
    std::printf("  %-22s %12.1f %16.0f\n", "AeroFlow interpreter", mi * 1000, double(o.pingpong) / mi);
    std::printf("  %-22s %12.1f %16.0f   (JIT / interpreter time %.2f)\n", "AeroFlow JIT", mj * 1000,
                double(o.pingpong) / mj, mj / mi);
}

/// Median JIT compile time of `text` at -O`opt`, in ms.
double compileMs(const std::string& name, const std::string& text, int opt, int repeat, uint32_t* functions)
{
    const auto program = compileOrDie(name, text);
    cli::JitPolicy whole; // every function, whatever the program's size
    whole.eagerProgramInstructions = UINT64_MAX;
    std::vector<double> ms;
    for (int i = 0; i < repeat; ++i) {
        bench::Stopwatch sw;
        auto native = cli::NativeJit::compile(*program, opt, whole);
        ms.push_back(sw.elapsed().wall * 1000);
        if (!native) {
            std::fprintf(stderr, "aeroflow-jit-benchmark: %s: %s\n", name.c_str(), native.error().c_str());
            std::exit(1);
        }
        *functions = (*native)->stats().functions;
    }
    return median(ms);
}

void compileLatency(const Options& o, const fs::path& sourceDir)
{
    std::printf("\nJIT compile latency (whole program: IR, passes, machine code; medians of %d)\n", o.repeat);
    std::printf("  %-34s %6s %10s %10s\n", "program", "fns", "-O0 ms", "-O2 ms");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(sourceDir / "resources" / "examples"))
        if (e.path().extension() == ".aefl")
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    uint32_t fns = 0;
    for (const auto& f : files) {
        const std::string text = readFile(f);
        const double o0 = compileMs(f.filename().string(), text, 0, o.repeat, &fns);
        const double o2 = compileMs(f.filename().string(), text, 2, o.repeat, &fns);
        std::printf("  %-34s %6u %10.1f %10.1f\n", f.filename().string().c_str(), fns, o0, o2);
    }
    const std::string big = bench::ProgramGenerator().generate(bench::Language::AeroFlow, 5000);
    const double o0 = compileMs("generated-5000.aefl", big, 0, std::max(1, o.repeat / 2), &fns);
    const double o2 = compileMs("generated-5000.aefl", big, 2, std::max(1, o.repeat / 2), &fns);
    std::printf("  %-34s %6u %10.1f %10.1f\n", "generated, 5,000 lines", fns, o0, o2);
}

/// `lines` lines of `x = x + 1`: one main function of 3 instructions per line.
std::string incrementLines(uint64_t lines)
{
    std::string text = "mut x = 0\n";
    for (uint64_t i = 0; i < lines; ++i)
        text += "x = x + 1\n";
    return text + "print(x)\n";
}

/// One expression of `operators` additions.
std::string longExpression(uint64_t operators)
{
    std::string text = "mut x = 1\nlet y = x";
    for (uint64_t i = 0; i < operators; ++i)
        text += " + x";
    return text + "\nprint(y)\n";
}

struct ScaleRow {
    bench::Sample time; ///< medians, seconds
    codegen::CompileStats stats;
};

/// Every function of `program` compiled before the run (as `run --jit` did
/// before compiling per function), at -O`opt`: medians of `repeat`.
ScaleRow compileWhole(const compiler::Program& program, int opt, int repeat)
{
    cli::JitPolicy policy;
    policy.eagerProgramInstructions = UINT64_MAX;
    std::vector<bench::Sample> samples;
    ScaleRow row;
    for (int i = 0; i < repeat; ++i) {
        bench::Stopwatch sw;
        auto native = cli::NativeJit::compile(program, opt, policy);
        samples.push_back(sw.elapsed());
        if (!native) {
            std::fprintf(stderr, "aeroflow-jit-benchmark: JIT: %s\n", native.error().c_str());
            std::exit(1);
        }
        row.stats = (*native)->stats();
    }
    const auto summary = bench::summarize(samples);
    row.time = {summary.wall.median, summary.cpu.median};
    return row;
}

void compileScale(const Options& o)
{
    std::printf("\nJIT compile time at scale (every function compiled, on this thread; medians of %d; cpu = this "
                "thread's CPU time)\n",
                o.repeat);
    std::printf("  %-30s %7s %9s %9s %8s %7s %9s %9s %6s %9s %9s %8s\n", "program", "instrs", "-O0 wall", "-O0 cpu",
                "us/line", "lower%", "-O2 wall", "-O2 cpu", "fns", "largest", "code KiB", "interp");
    auto row = [&](const std::string& name, const std::string& text, uint64_t lines) {
        const auto program = compileOrDie(name, text);
        uint64_t instrs = 0;
        for (const auto& fn : program->functions)
            instrs += fn.code.size();
        std::string out;
        std::vector<double> interp;
        for (int i = 0; i < o.repeat; ++i)
            interp.push_back(runOnce(program, nullptr, out) * 1000);
        const ScaleRow o0 = compileWhole(*program, 0, o.repeat);
        const ScaleRow o2 = compileWhole(*program, 2, o.repeat);
        std::printf("  %-30s %7llu %9.1f %9.1f %8.1f %7.0f %9.1f %9.1f %6u %9llu %9llu %8.1f\n", name.c_str(),
                    (unsigned long long)instrs, o0.time.wall * 1000, o0.time.cpu * 1000,
                    o0.time.cpu * 1e6 / double(lines), 100 * o0.stats.lowerMs / std::max(o0.stats.totalMs(), 1e-9),
                    o2.time.wall * 1000, o2.time.cpu * 1000, o0.stats.regions,
                    (unsigned long long)o0.stats.largestModuleInstructions,
                    (unsigned long long)(o0.stats.codeBytes / 1024), median(interp));
        std::fflush(stdout);
    };
    for (uint64_t lines : o.scaleLines)
        row(std::to_string(lines) + " lines of x = x + 1", incrementLines(lines), lines);
    row("1,500-operator expression", longExpression(1500), 1);
    std::printf("  (fns: LLVM functions, one per region; largest: IR instructions of the largest module at -O0;\n"
                "   us/line: -O0 CPU microseconds per source line; lower%%: -O0 time spent building IR;\n"
                "   interp: the interpreter's run, ms)\n");
}

} // namespace

int main(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto num = [&](uint64_t& out) {
            if (i + 1 >= argc)
                return false;
            out = std::strtoull(argv[++i], nullptr, 10);
            return true;
        };
        uint64_t v = 0;
        if (a == "--fib" && num(o.fib)) {
        } else if (a == "--sieve" && num(o.sieve)) {
        } else if (a == "--pingpong" && num(o.pingpong)) {
        } else if (a == "--repeat" && num(v) && v > 0) {
            o.repeat = int(v);
        } else if (a == "--opt" && num(v) && v <= 3) {
            o.opt = int(v);
        } else if (a == "--no-peers") {
            o.peers = false;
        } else if (a == "--only" && i + 1 < argc) {
            o.only = argv[++i];
        } else if (a == "--lines" && i + 1 < argc) {
            o.scaleLines.clear();
            std::stringstream list(argv[++i]);
            for (std::string item; std::getline(list, item, ',');)
                o.scaleLines.push_back(std::strtoull(item.c_str(), nullptr, 10));
        } else {
            std::fprintf(stderr,
                         "usage: aeroflow-jit-benchmark [--fib N] [--sieve N] [--pingpong N] [--repeat R] "
                         "[--opt 0..3] [--no-peers] [--only kernels|pingpong|compile|scale] [--lines N,N,...]\n");
            return 2;
        }
    }
    const fs::path benchDir = AEROFLOW_BENCH_DIR;
    const fs::path sourceDir = benchDir.parent_path();
    std::error_code ec;
    const fs::path tmp = fs::temp_directory_path() / ("aeroflow-jit-bench-" + std::to_string(::getpid()));
    fs::create_directories(tmp, ec);
    std::printf("aeroflow-jit-benchmark: %d repetitions, medians (load average %s, %u cores online)\n", o.repeat,
                loadAverage().c_str(), std::thread::hardware_concurrency());
    std::printf("Ratios: JIT time / runner time (> 1: the JIT is slower).\n");
    if (o.only.empty() || o.only == "kernels") {
        kernel(o, "fib", o.fib, benchDir, tmp);
        kernel(o, "sieve", o.sieve, benchDir, tmp);
    }
    if (o.only.empty() || o.only == "pingpong")
        pingpong(o, benchDir);
    if (o.only.empty() || o.only == "compile")
        compileLatency(o, sourceDir);
    if (o.only.empty() || o.only == "scale")
        compileScale(o);
    fs::remove_all(tmp, ec);
    std::printf("\n(load average at the end %s)\n", loadAverage().c_str());
    return 0;
}
