#include "FrontendBench.h"

#include "LuaPeer.h"
#include "ProgramGenerator.h"
#include "Timing.h"

#include "Checker.h"
#include "Compiler.h"
#include "Lexer.h"
#include "Lowering.h"
#include "Parser.h"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern char** environ;

namespace aeroflow::bench {

namespace {

using namespace aeroflow::compiler;

constexpr double kGoalLinesPerSecond = 1'000'000;

/// 1234567 -> "1,234,567".
std::string grouped(double value)
{
    std::string digits = std::to_string(static_cast<long long>(value + 0.5));
    std::string out;
    const size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
        out += digits[i];
        if (i + 1 < n && (n - i - 1) % 3 == 0)
            out += ',';
    }
    return out;
}

std::string rate(double lines, double seconds) { return seconds > 0 ? grouped(lines / seconds) : "-"; }

bool writeFile(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), std::streamsize(text.size()));
    out.close();
    if (!out) {
        std::fprintf(stderr, "aeroflow-benchmark: cannot write %s\n", path.c_str());
        return false;
    }
    return true;
}

/// A file in $TMPDIR (or /tmp) removed when this goes out of scope.
class TempFile {
public:
    explicit TempFile(const std::string& extension)
    {
        const char* dir = std::getenv("TMPDIR");
        m_path = std::string(dir && *dir ? dir : "/tmp") + "/aeroflow-bench-XXXXXX." + extension;
        const int fd = mkstemps(m_path.data(), int(extension.size() + 1));
        if (fd < 0)
            m_path.clear();
        else
            close(fd);
    }
    ~TempFile()
    {
        if (!m_path.empty())
            unlink(m_path.c_str());
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return m_path; }
    bool write(const std::string& text) const
    {
        if (m_path.empty()) {
            std::fprintf(stderr, "aeroflow-benchmark: cannot create a temporary file\n");
            return false;
        }
        return writeFile(m_path, text);
    }

private:
    std::string m_path;
};

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const size_t colon = line.find(':');
            if (colon != std::string::npos)
                return line.substr(colon + 2);
        }
    }
    return "unknown CPU";
}

/// Timings of the phases of one compilation, in the order compile() runs them.
struct PhaseTimes {
    Sample source; ///< SourceFile: copy of the text and its line table
    Sample lex;
    Sample parse;
    Sample check; ///< with a SymbolIndex, as compile() builds by default
    Sample lower;
};

PhaseTimes timePhases(const std::string& text)
{
    PhaseTimes t;
    const Stopwatch w0;
    SourceFile file("bench.aefl", text);
    t.source = w0.elapsed();

    Arena arena;
    Interner names;
    TypeTable types;
    DiagnosticSink sink;
    SymbolIndex symbols;

    const Stopwatch w1;
    Lexer lexer(file, sink);
    const std::vector<Token> tokens = lexer.tokenize();
    t.lex = w1.elapsed();

    const Stopwatch w2;
    Parser parser(file, tokens, arena, names, sink);
    Module module = parser.parseModule();
    t.parse = w2.elapsed();

    const Stopwatch w3;
    Checker checker(file, arena, names, types, sink, &symbols);
    const SemanticInfo info = checker.check(module);
    t.check = w3.elapsed();

    const Stopwatch w4;
    std::unique_ptr<Program> program = lower(module, info, types, names, file, sink);
    t.lower = w4.elapsed();
    if (!program || sink.hasErrors())
        std::fprintf(stderr, "aeroflow-benchmark: warning: phase run produced %zu errors\n", sink.errorCount());
    return t;
}

/// One compile() in a new process (this program re-executed as
/// `compile-once PATH`): the first compilation of a process pays for page
/// faults on memory the heap has never handed out, as each run of the
/// `aeroflow` command and each Lua run do.
bool timeFreshProcess(const std::string& aeflPath, Sample& sample)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string self = "/proc/self/exe", command = "compile-once", path = aeflPath;
    char* argv[] = {self.data(), command.data(), path.data(), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return false;
    }
    std::string out;
    char buf[128];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, size_t(n));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return false;
    return std::sscanf(out.c_str(), "%lf %lf", &sample.wall, &sample.cpu) == 2;
}

void printPhaseHeader()
{
    std::printf("  %-30s %9s %9s %9s %13s %8s\n", "", "median", "min", "CPU", "lines/s", "MB/s");
    std::printf("  %-30s %9s %9s %9s %13s %8s\n", "", "ms", "ms", "median ms", "(median)", "(median)");
}

void printPhaseRow(const char* name, const SampleSummary& s, size_t lines, size_t bytes)
{
    std::printf("  %-30s %9.2f %9.2f %9.2f %13s %8.1f\n", name, s.wall.median * 1e3, s.wall.min * 1e3,
        s.cpu.median * 1e3, rate(double(lines), s.wall.median).c_str(),
        s.wall.median > 0 ? double(bytes) / s.wall.median / 1e6 : 0.0);
}

void printMachine(const FrontendOptions& options, size_t aeflBytes, size_t luaBytes)
{
    std::printf("aeroflow-benchmark frontend\n");
    std::printf("  machine:  %s, %ld cores online", cpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
    double load[3] = {};
    if (getloadavg(load, 3) == 3)
        std::printf(", load average %.2f %.2f %.2f", load[0], load[1], load[2]);
    std::printf("\n");
#if defined(__clang__)
    std::printf("  compiler: clang %s", __clang_version__);
#elif defined(__GNUC__)
    std::printf("  compiler: g++ %s", __VERSION__);
#endif
#if defined(NDEBUG)
    std::printf(", NDEBUG\n");
#else
    std::printf(", assertions on (not a release build)\n");
#endif
    std::printf("  input:    %s lines, %s bytes AeroFlow / %s bytes Lua, seed %llu, %d repetitions\n\n",
        grouped(double(options.lines)).c_str(), grouped(double(aeflBytes)).c_str(),
        options.lua ? grouped(double(luaBytes)).c_str() : "-", static_cast<unsigned long long>(options.seed),
        options.repeat);
}

} // namespace

bool runFrontendBench(const FrontendOptions& options)
{
    const ProgramGenerator generator(options.seed);
    const std::string aefl = generator.generate(Language::AeroFlow, options.lines);
    const std::string lua = options.lua || !options.emitLua.empty()
        ? generator.generate(Language::Lua, options.lines)
        : std::string();

    if (!options.emitAefl.empty() || !options.emitLua.empty()) {
        bool ok = true;
        if (!options.emitAefl.empty())
            ok = writeFile(options.emitAefl, aefl) && ok;
        if (!options.emitLua.empty())
            ok = writeFile(options.emitLua, lua) && ok;
        return ok;
    }

    // One untimed compilation proves the input clean (otherwise lowering
    // would be skipped and the figures would flatter us) and warms the caches.
    {
        const CompileResult r = compile("bench.aefl", aefl);
        if (!r.ok() || !r.program) {
            std::fprintf(stderr, "aeroflow-benchmark: the generated program does not compile cleanly "
                                 "(%zu errors); first diagnostics:\n",
                r.errorCount);
            std::string text = r.formatDiagnostics(false);
            if (text.size() > 4000)
                text.resize(4000);
            std::fputs(text.c_str(), stderr);
            return false;
        }
    }
    printMachine(options, aefl.size(), lua.size());

    // compile() repeated in this process, as the IDE compiles on every edit.
    std::vector<Sample> repeated;
    for (int i = 0; i < options.repeat; ++i) {
        std::string copy = aefl; // compile() owns its text; the copy is not timed
        const Stopwatch w;
        const CompileResult r = compile("bench.aefl", std::move(copy));
        repeated.push_back(w.elapsed());
    }
    const SampleSummary inProcess = summarize(repeated);

    // compile() once per new process, as the `aeroflow` command runs. The
    // temporary files also feed the Lua peer.
    const TempFile aeflFile("aefl"), luaFile("lua");
    if (!aeflFile.write(aefl) || (options.lua && !luaFile.write(lua)))
        return false;
    std::vector<Sample> freshRuns;
    for (int i = 0; i < options.repeat; ++i) {
        Sample s;
        if (!timeFreshProcess(aeflFile.path(), s)) {
            std::fprintf(stderr, "aeroflow-benchmark: the fresh-process compile run failed\n");
            return false;
        }
        freshRuns.push_back(s);
    }
    const SampleSummary fresh = summarize(freshRuns);

    std::printf("AeroFlow front end, per compilation (wall clock; CPU = user + system time of the compiling thread)\n");
    printPhaseHeader();
    if (options.phases) {
        std::vector<Sample> source, lex, parse, check, lowerT, sum;
        for (int i = 0; i < options.repeat; ++i) {
            const PhaseTimes t = timePhases(aefl);
            source.push_back(t.source);
            lex.push_back(t.lex);
            parse.push_back(t.parse);
            check.push_back(t.check);
            lowerT.push_back(t.lower);
            sum.push_back({t.source.wall + t.lex.wall + t.parse.wall + t.check.wall + t.lower.wall,
                t.source.cpu + t.lex.cpu + t.parse.cpu + t.check.cpu + t.lower.cpu});
        }
        printPhaseRow("source (copy + line table)", summarize(source), options.lines, aefl.size());
        printPhaseRow("lex", summarize(lex), options.lines, aefl.size());
        printPhaseRow("parse (tokens -> AST)", summarize(parse), options.lines, aefl.size());
        printPhaseRow("check (+ symbol index)", summarize(check), options.lines, aefl.size());
        printPhaseRow("lower (-> bytecode)", summarize(lowerT), options.lines, aefl.size());
        printPhaseRow("sum of the phases", summarize(sum), options.lines, aefl.size());
    }
    printPhaseRow("compile(), in-process repeats", inProcess, options.lines, aefl.size());
    printPhaseRow("compile(), fresh process", fresh, options.lines, aefl.size());

    const double lines = double(options.lines);
    auto verdict = [&](const char* what, double seconds) {
        const double lps = seconds > 0 ? lines / seconds : 0;
        std::printf("  goal >= %s lines/s, %-34s %s (%s lines/s, %.2fx the goal)\n",
            grouped(kGoalLinesPerSecond).c_str(), what, lps >= kGoalLinesPerSecond ? "met   " : "MISSED",
            grouped(lps).c_str(), lps / kGoalLinesPerSecond);
    };
    std::printf("\n");
    verdict("in-process repeats, wall median:", inProcess.wall.median);
    verdict("in-process repeats, CPU median:", inProcess.cpu.median);
    verdict("fresh process, wall median:", fresh.wall.median);
    verdict("fresh process, CPU median:", fresh.cpu.median);
    std::printf("\n");

    if (options.lua) {
        const LuaPeerResult peer = LuaPeer(options.interpreter).measure(luaFile.path(), options.repeat);
        std::printf("Side by side: compile only, same line count\n");
        if (!peer.available) {
            std::printf("  Lua peer not available: %s\n", peer.error.c_str());
        } else {
            const SampleSummary& l = peer.compile;
            auto row = [&](const char* label, double aero, double luaSeconds) {
                std::printf("  %-32s %9.2f %9.2f %11.2fx %13s %13s\n", label, aero * 1e3, luaSeconds * 1e3,
                    luaSeconds > 0 ? aero / luaSeconds : 0.0, rate(lines, aero).c_str(),
                    rate(lines, luaSeconds).c_str());
            };
            std::printf("  %-32s %9s %9s %12s %13s %13s\n", "", "AeroFlow", "Lua 5.4", "AeroFlow/Lua", "AeroFlow",
                "Lua 5.4");
            std::printf("  %-32s %9s %9s %12s %13s %13s\n", "", "ms", "ms", "time ratio", "lines/s", "lines/s");
            row("wall median, in-process repeats", inProcess.wall.median, l.wall.median);
            row("wall median, fresh process", fresh.wall.median, l.wall.median);
            row("wall min, in-process repeats", inProcess.wall.min, l.wall.min);
            row("wall min, fresh process", fresh.wall.min, l.wall.min);
            row("CPU median, in-process repeats", inProcess.cpu.median, l.cpu.median);
            row("CPU median, fresh process", fresh.cpu.median, l.cpu.median);
            std::printf("  input bytes: AeroFlow %s, Lua %s\n", grouped(double(aefl.size())).c_str(),
                grouped(double(lua.size())).c_str());
            std::printf("\n  Lua: `%s -e 'local f = assert(loadfile(PATH))'` per run (a fresh process each\n"
                        "  time), minus the median of `%s -e ''` (wall %.2f ms, CPU %.2f ms); whole-process\n"
                        "  load runs: wall median %.2f ms. AeroFlow/Lua > 1 means AeroFlow takes longer.\n",
                options.interpreter.c_str(), options.interpreter.c_str(), peer.baseline.wall.median * 1e3,
                peer.baseline.cpu.median * 1e3, peer.load.wall.median * 1e3);
        }
    }

    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("\n  peak RSS of this process: %.1f MB\n", double(usage.ru_maxrss) / 1024.0);
    return true;
}

int runCompileOnce(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return 1;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Stopwatch w;
    const CompileResult r = compile("bench.aefl", std::move(text));
    const Sample s = w.elapsed();
    if (!r.ok())
        return 1;
    std::printf("%.9f %.9f\n", s.wall, s.cpu);
    return 0;
}

} // namespace aeroflow::bench
