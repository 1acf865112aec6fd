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
    double source = 0; ///< SourceFile: copy of the text and its line table
    double lex = 0;
    double parse = 0;
    double check = 0;  ///< with a SymbolIndex, as compile() builds by default
    double lower = 0;
};

PhaseTimes timePhases(const std::string& text)
{
    PhaseTimes t;
    Stopwatch w0;
    SourceFile file("bench.aefl", text);
    t.source = w0.seconds();

    Arena arena;
    Interner names;
    TypeTable types;
    DiagnosticSink sink;
    SymbolIndex symbols;

    Stopwatch w1;
    Lexer lexer(file, sink);
    const std::vector<Token> tokens = lexer.tokenize();
    t.lex = w1.seconds();

    Stopwatch w2;
    Parser parser(file, tokens, arena, names, sink);
    Module module = parser.parseModule();
    t.parse = w2.seconds();

    Stopwatch w3;
    Checker checker(file, arena, names, types, sink, &symbols);
    const SemanticInfo info = checker.check(module);
    t.check = w3.seconds();

    Stopwatch w4;
    std::unique_ptr<Program> program = lower(module, info, types, names, file, sink);
    t.lower = w4.seconds();
    if (!program || sink.hasErrors())
        std::fprintf(stderr, "aeroflow-benchmark: warning: phase run produced %zu errors\n", sink.errorCount());
    return t;
}

/// One compile() in a new process (this program re-executed as
/// `compile-once PATH`): the first compilation of a process pays for page
/// faults on memory the heap has never handed out, as each run of the
/// `aeroflow` command and each Lua run do. Negative on failure.
double timeFreshProcess(const std::string& aeflPath)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
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
        return -1;
    }
    std::string out;
    char buf[128];
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, size_t(n));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty())
        return -1;
    return std::strtod(out.c_str(), nullptr);
}

void printRow(const char* name, const Summary& s, size_t lines, size_t bytes)
{
    if (s.median <= 0) {
        std::printf("  %-28s %10.2f %10.2f %14s %9s\n", name, s.median * 1e3, s.min * 1e3, "-", "-");
        return;
    }
    std::printf("  %-28s %10.2f %10.2f %14s %9.1f\n", name, s.median * 1e3, s.min * 1e3,
        grouped(double(lines) / s.median).c_str(), double(bytes) / s.median / 1e6);
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

    std::printf("aeroflow-benchmark frontend\n");
    std::printf("  machine:  %s, %ld cores online\n", cpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN));
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
        grouped(double(options.lines)).c_str(), grouped(double(aefl.size())).c_str(),
        options.lua ? grouped(double(lua.size())).c_str() : "-", static_cast<unsigned long long>(options.seed),
        options.repeat);

    std::vector<double> full;
    for (int i = 0; i < options.repeat; ++i) {
        std::string copy = aefl; // compile() owns its text; the copy is not timed
        const Stopwatch w;
        const CompileResult r = compile("bench.aefl", std::move(copy));
        full.push_back(w.seconds());
    }
    const Summary fullSummary = summarize(full);
    // Temporary copies of both programs: the fresh-process runs read the
    // AeroFlow one, the Lua peer the other.
    const TempFile aeflFile("aefl"), luaFile("lua");
    if (!aeflFile.write(aefl) || (options.lua && !luaFile.write(lua)))
        return false;
    std::vector<double> fresh;
    for (int i = 0; i < options.repeat; ++i) {
        const double t = timeFreshProcess(aeflFile.path());
        if (t < 0) {
            std::fprintf(stderr, "aeroflow-benchmark: the fresh-process compile run failed\n");
            return false;
        }
        fresh.push_back(t);
    }
    const Summary coldSummary = summarize(fresh);

    std::printf("AeroFlow front end (ms per compilation)\n");
    std::printf("  %-28s %10s %10s %14s %9s\n", "phase", "median", "min", "lines/s", "MB/s");
    if (options.phases) {
        std::vector<double> source, lex, parse, check, lowerT, sum;
        for (int i = 0; i < options.repeat; ++i) {
            const PhaseTimes t = timePhases(aefl);
            source.push_back(t.source);
            lex.push_back(t.lex);
            parse.push_back(t.parse);
            check.push_back(t.check);
            lowerT.push_back(t.lower);
            sum.push_back(t.source + t.lex + t.parse + t.check + t.lower);
        }
        printRow("source (copy + line table)", summarize(source), options.lines, aefl.size());
        printRow("lex", summarize(lex), options.lines, aefl.size());
        printRow("parse (tokens -> AST)", summarize(parse), options.lines, aefl.size());
        printRow("check (+ symbol index)", summarize(check), options.lines, aefl.size());
        printRow("lower (-> bytecode)", summarize(lowerT), options.lines, aefl.size());
        printRow("sum of phases", summarize(sum), options.lines, aefl.size());
    }
    printRow("compile() (full front end)", fullSummary, options.lines, aefl.size());
    printRow("compile(), fresh process", coldSummary, options.lines, aefl.size());
    const double linesPerSecond = fullSummary.median > 0 ? double(options.lines) / fullSummary.median : 0;
    std::printf("\n  goal >= %s lines/s: %s (%s lines/s, %.2fx the goal)\n\n", grouped(kGoalLinesPerSecond).c_str(),
        linesPerSecond >= kGoalLinesPerSecond ? "met" : "MISSED", grouped(linesPerSecond).c_str(),
        linesPerSecond / kGoalLinesPerSecond);

    if (options.lua) {
        const LuaPeerResult peer = LuaPeer(options.interpreter).measure(luaFile.path(), options.repeat);
        std::printf("Side by side: compile only, same line count (ms)\n");
        if (!peer.available) {
            std::printf("  Lua peer not available: %s\n", peer.error.c_str());
        } else {
            const Summary& l = peer.compile;
            const double lines = double(options.lines);
            auto row = [&](const char* label, double aero, double luaSeconds) {
                std::printf("  %-30s %10.2f %10.2f %11.2fx %14s %14s\n", label, aero * 1e3, luaSeconds * 1e3,
                    luaSeconds > 0 ? aero / luaSeconds : 0.0, aero > 0 ? grouped(lines / aero).c_str() : "-",
                    luaSeconds > 0 ? grouped(lines / luaSeconds).c_str() : "-");
            };
            std::printf("  %-30s %10s %10s %12s %14s %14s\n", "", "AeroFlow", "Lua 5.4", "AeroFlow/Lua",
                "AeroFlow", "Lua 5.4");
            std::printf("  %-30s %10s %10s %12s %14s %14s\n", "", "ms", "ms", "time ratio", "lines/s", "lines/s");
            row("median, in-process repeats", fullSummary.median, l.median);
            row("median, fresh process", coldSummary.median, l.median);
            row("min, in-process repeats", fullSummary.min, l.min);
            row("min, fresh process", coldSummary.min, l.min);
            std::printf("  input bytes: AeroFlow %s, Lua %s\n", grouped(double(aefl.size())).c_str(),
                grouped(double(lua.size())).c_str());
            std::printf("\n  Lua: `%s -e 'local f = assert(loadfile(PATH))'` per run, minus the median of\n"
                        "  `%s -e ''` (%.2f ms; whole-process load runs: median %.2f ms).\n",
                options.interpreter.c_str(), options.interpreter.c_str(), peer.baseline.median * 1e3,
                peer.load.median * 1e3);
            std::printf("  Lua always runs in a fresh process. AeroFlow/Lua > 1 means AeroFlow takes longer.\n");
        }
    }

    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("\n  peak RSS of this process: %.1f MB\n", double(usage.ru_maxrss) / 1024.0);
    return true;
}

} // namespace aeroflow::bench

namespace aeroflow::bench {

int runCompileOnce(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return 1;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const Stopwatch w;
    const compiler::CompileResult r = compiler::compile("bench.aefl", std::move(text));
    const double seconds = w.seconds();
    if (!r.ok())
        return 1;
    std::printf("%.9f\n", seconds);
    return 0;
}

} // namespace aeroflow::bench
