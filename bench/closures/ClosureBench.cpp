// aeroflow-closures-benchmark: map, filter and sort with a comparator over
// 1,000,000 ints, each with a capturing lambda (bench/closures/closures.aefl:
// map and filter make 10 passes, sort one),
// on the interpreter and the LLVM JIT, next to Lua 5.4 and LuaJIT running the
// same program (peers/closures.lua), side by side from one run (STYLE.md
// habit 9), as ratios of medians.
//
//   aeroflow-closures-benchmark [--n N] [--repeat R] [--opt 0..3] [--no-peers]
//
// Each kernel builds the list first; the times shown are net of the "build"
// kernel (the same program building the list only), measured the same way
// for every runner. AeroFlow runs in this process (engine::runProgram,
// compile excluded, the JIT's compile time shown apart); the peers run as
// whole processes.

#include "../Subprocess.h"
#include "../Timing.h"

#include "Compiler.h"
#include "NativeJit.h"
#include "Scheduler.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace aeroflow;
namespace fs = std::filesystem;

namespace {

struct Options {
    uint64_t n = 1'000'000;
    int repeat = 5;
    int opt = 2;
    bool peers = true;
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

/// `text` with its `let NAME = ...` line set to `value`.
std::string withLet(std::string text, const std::string& name, const std::string& value)
{
    const size_t at = text.find("\nlet " + name + " = ");
    if (at == std::string::npos)
        return text;
    const size_t end = text.find('\n', at + 1);
    return text.replace(at + 1, end - at - 1, "let " + name + " = " + value);
}

double median(std::vector<double> v) { return bench::summarize(std::move(v)).median; }

/// Milliseconds of one runner for each kernel, and what each printed.
struct Series {
    std::map<std::string, double> ms;
    std::map<std::string, std::string> out;
    std::string note; ///< why it is missing, when it is
};

const char* const kKernels[] = {"build", "map", "filter", "sort", "records"};

/// One AeroFlow run (compile excluded): milliseconds and output.
double runOnce(const std::shared_ptr<const compiler::Program>& program, const engine::NativeCode* native,
               std::string& out)
{
    engine::RunOptions options;
    options.fuel = uint64_t(1) << 50;
    options.maxMessages = uint64_t(1) << 40;
    options.memoryLimit = int64_t(8) << 30;
    options.native = native;
    out.clear();
    bench::Stopwatch sw;
    engine::runProgram(program, std::move(options), [&](engine::Stream, std::string_view t) { out.append(t); });
    return sw.elapsed().wall * 1000;
}

/// The interpreter and the JIT on every kernel; the JIT's compile time in `compileMs`.
void runAeroFlow(const Options& o, const std::string& source, Series& interp, Series& jit, double& compileMs)
{
    compileMs = 0;
    for (const char* k : kKernels) {
        const std::string text =
            withLet(withLet(source, "N", std::to_string(o.n)), "KERNEL", std::string("\"") + k + "\"");
        auto r = compiler::compile(std::string("closures-") + k + ".aefl", text, {true, false});
        if (!r.ok() || !r.program) {
            std::fprintf(stderr, "aeroflow-closures-benchmark: the kernel does not compile:\n%s",
                         r.formatDiagnostics(false).c_str());
            std::exit(1);
        }
        std::vector<double> a, b;
        for (int i = 0; i < o.repeat; ++i)
            a.push_back(runOnce(r.program, nullptr, interp.out[k]));
        bench::Stopwatch sw;
        auto native = cli::NativeJit::compile(*r.program, o.opt);
        compileMs = std::max(compileMs, sw.elapsed().wall * 1000);
        if (!native) {
            std::fprintf(stderr, "aeroflow-closures-benchmark: JIT: %s\n", native.error().c_str());
            std::exit(1);
        }
        for (int i = 0; i < o.repeat; ++i)
            b.push_back(runOnce(r.program, native->get(), jit.out[k]));
        if (jit.out[k] != interp.out[k]) {
            std::fprintf(stderr, "aeroflow-closures-benchmark: %s: the JIT printed %s, the interpreter %s\n", k,
                         jit.out[k].c_str(), interp.out[k].c_str());
            std::exit(1);
        }
        interp.ms[k] = median(a);
        jit.ms[k] = median(b);
        std::fprintf(stderr, "  %s: interpreter %.0f ms, JIT %.0f ms\n", k, interp.ms[k], jit.ms[k]);
    }
}

/// A Lua peer (lua5.4 or luajit) on every kernel, as whole processes.
Series runPeer(const Options& o, const std::string& interpreter, const fs::path& script, const Series& reference)
{
    Series s;
    if (!bench::haveProgram(interpreter)) {
        s.note = "not installed";
        return s;
    }
    for (const char* k : kKernels) {
        std::vector<double> runs;
        for (int i = 0; i < o.repeat; ++i) {
            auto r = bench::runProcess({interpreter, script.string(), k, std::to_string(o.n)});
            if (!r.ok) {
                s.note = r.error;
                s.ms.clear();
                return s;
            }
            if (r.out != reference.out.at(k)) {
                s.note = std::string(k) + ": printed " + r.out + " where AeroFlow printed " + reference.out.at(k);
                s.ms.clear();
                return s;
            }
            runs.push_back(r.time.wall * 1000);
        }
        s.ms[k] = median(runs);
        std::fprintf(stderr, "  %s: %s %.0f ms\n", k, interpreter.c_str(), s.ms[k]);
    }
    return s;
}

/// Net time of kernel `k` (its run minus building the list), or < 0.
double net(const Series& s, const std::string& k)
{
    if (!s.ms.count(k) || !s.ms.count("build"))
        return -1;
    return k == "build" ? s.ms.at(k) : s.ms.at(k) - s.ms.at("build");
}

void printCell(double ms)
{
    if (ms < 0)
        std::printf(" %10s", "-");
    else
        std::printf(" %10.0f", ms);
}

void printRatio(double a, double b)
{
    if (a < 0 || b <= 0)
        std::printf(" %10s", "-");
    else
        std::printf(" %10.2f", a / b);
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
        if (a == "--n" && num(o.n) && o.n >= 2) {
        } else if (a == "--repeat" && num(v) && v > 0) {
            o.repeat = int(v);
        } else if (a == "--opt" && num(v) && v <= 3) {
            o.opt = int(v);
        } else if (a == "--no-peers") {
            o.peers = false;
        } else {
            std::fprintf(stderr, "usage: aeroflow-closures-benchmark [--n N] [--repeat R] [--opt 0..3] [--no-peers]\n");
            return 2;
        }
    }
    const fs::path dir = fs::path(AEROFLOW_BENCH_DIR) / "closures";
    const std::string source = readFile(dir / "closures.aefl");
    std::printf("aeroflow-closures-benchmark: N = %llu, %d repetitions, medians (load average %s, %u cores online)\n",
                (unsigned long long)o.n, o.repeat, loadAverage().c_str(), std::thread::hardware_concurrency());
    Series interp, jit, lua, luajit;
    double compileMs = 0;
    runAeroFlow(o, source, interp, jit, compileMs);
    if (o.peers) {
        lua = runPeer(o, "lua5.4", dir / "peers" / "closures.lua", interp);
        luajit = runPeer(o, "luajit", dir / "peers" / "closures.lua", interp);
    } else {
        lua.note = luajit.note = "--no-peers";
    }

    std::printf("\nms, net of building the list (build: the list alone; map and filter: 10 passes over it, sort: one);\n"
                "ratios > 1: AeroFlow takes longer\n");
    std::printf("  %-8s %10s %10s %10s %10s %10s %10s %10s %10s\n", "kernel", "interp", "JIT", "Lua 5.4", "LuaJIT",
                "interp/Lua", "JIT/Lua", "JIT/LuaJIT", "JIT/interp");
    for (const char* k : kKernels) {
        std::printf("  %-8s", k);
        printCell(net(interp, k));
        printCell(net(jit, k));
        printCell(net(lua, k));
        printCell(net(luajit, k));
        printRatio(net(interp, k), net(lua, k));
        printRatio(net(jit, k), net(lua, k));
        printRatio(net(jit, k), net(luajit, k));
        printRatio(net(jit, k), net(interp, k));
        std::printf("   %s", interp.out[k].c_str());
    }
    if (!lua.note.empty())
        std::printf("  Lua 5.4: %s\n", lua.note.c_str());
    if (!luajit.note.empty())
        std::printf("  LuaJIT: %s\n", luajit.note.c_str());
    std::printf("\n  JIT compile (-O%d, the largest of the four programs, not included above): %.1f ms\n", o.opt,
                compileMs);
    std::printf("  Peers are whole processes (start-up cancels out in the net times); Lua's sort is\n"
                "  table.sort (quicksort, not stable), AeroFlow's a stable merge sort.\n");
    std::printf("(load average at the end %s)\n", loadAverage().c_str());
    return 0;
}
