// The `aeroflow` command: the headless toolchain. Shares the libraries the
// Studio embeds; never links Qt (DESIGN.md).

#include "BuildCommand.h"
#include "Compiler.h"
#include "Disassembler.h"
#include "FileIo.h"
#include "HugePages.h"
#include "RunCommand.h"
#include "TraceCommands.h"

#include <cerrno>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace aeroflow::compiler;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr const char* kVersion = "0.1.0";

struct Command {
    const char* name;
    const char* summary;  ///< one complete sentence for `aeroflow --help`
    const char* synopsis;
    const char* help;
    int (*run)(const std::vector<std::string>& args);
};

int cmdCheck(const std::vector<std::string>& args);
int cmdDisasm(const std::vector<std::string>& args);
int cmdStudio(const std::vector<std::string>& args);

const Command kCommands[] = {
    {"check", "Check source files and print every diagnostic.", "check FILE...", "Parse and check AeroFlow source files and print every diagnostic.\n"
        "\n"
        "  FILE             a .aefl (or .af) file; '-' reads standard input. The files it\n"
        "                   imports (import \"./orders.aefl\") are read from its folder\n"
        "                   and checked with it\n"
        "  --no-snippets    print only the FILE:LINE:COL: lines, without source excerpts\n"
        "\n"
        "Exit status: 0 when every file is clean (warnings allowed), 1 when any file has\n"
        "errors or cannot be read, 2 on usage errors.\n",
        cmdCheck},
    {"disasm", "Print the bytecode of a compiled program.", "disasm FILE", "Compile FILE and print its bytecode: every function with its registers,\n"
        "constants, source positions and instructions.\n"
        "\n"
        "Exit status: 0 on success, 1 when the file has errors or cannot be read, 2 on usage errors.\n",
        cmdDisasm},
    {"run", "Run a program on the Deterministic Actor Scheduler (and record it).", aeroflow::cli::kRunSynopsis, aeroflow::cli::kRunHelp, aeroflow::cli::runCommand},
    {"build", "Compile a program ahead of time to an executable or a wasm32 module.", aeroflow::cli::kBuildSynopsis, aeroflow::cli::kBuildHelp, aeroflow::cli::buildCommand},
    {"resume", "Continue a run from an .afs snapshot.", aeroflow::cli::kResumeSynopsis, aeroflow::cli::kResumeHelp, aeroflow::cli::resumeCommand},
    {"replay", "Re-execute a recorded run; --verify checks it against the recording.", aeroflow::cli::kReplaySynopsis, aeroflow::cli::kReplayHelp, aeroflow::cli::replayCommand},
    {"snapshot", "Save the state of a recorded run at a tick as an .afs snapshot.", aeroflow::cli::kSnapshotSynopsis, aeroflow::cli::kSnapshotHelp, aeroflow::cli::snapshotCommand},
    {"export", "Export a trace for other tools (Perfetto, JSON, CSV).", aeroflow::cli::kExportSynopsis, aeroflow::cli::kExportHelp, aeroflow::cli::exportCommand},
    {"query", "Run one read-only SQL query on a trace.", aeroflow::cli::kQuerySynopsis, aeroflow::cli::kQueryHelp, aeroflow::cli::queryCommand},
    {"info", "Print a summary of a trace.", aeroflow::cli::kInfoSynopsis, aeroflow::cli::kInfoHelp, aeroflow::cli::infoCommand},
    {"studio", "Open AeroFlow Studio on a program, a trace or a project.", "studio [FILE.aefl | TRACE.aftrace | PROJECT_DIR] [STUDIO OPTIONS]",
        "Open AeroFlow Studio (the aeroflow-studio program installed beside this one)\n"
        "with the same arguments; `aeroflow-studio --help` lists its options.\n"
        "\n"
        "Exit status: the Studio's; 1 when it cannot be found or started.\n",
        cmdStudio},
};

void printUsage(std::ostream& out)
{
    out << "usage: aeroflow COMMAND [ARGS...]\n"
           "\n"
           "AeroFlow is a deterministic actor language; this is its command-line toolchain.\n"
           "\n"
           "Commands:\n";
    // One line per command: its name and a whole sentence (the synopsis and
    // the full description are in `aeroflow COMMAND --help`).
    for (const Command& c : kCommands) {
        const std::string name = c.name;
        out << "  " << name << std::string(name.size() < 10 ? 10 - name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\n"
           "Options:\n"
           "  -h, --help            show this help (or `aeroflow COMMAND --help`)\n"
           "  --version             print the version\n"
           "\n"
           "`aeroflow COMMAND --help` gives the command's arguments and options.\n";
}

bool readFile(const std::string& path, std::string& out, std::string& error)
{
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        out = ss.str();
        return true;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        error = "is a directory";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = std::strerror(errno);
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return false;
    }
    out = ss.str();
    return true;
}

bool wantsHelp(const std::vector<std::string>& args)
{
    for (const auto& a : args)
        if (a == "-h" || a == "--help")
            return true;
    return false;
}

int usageError(const char* command, const std::string& message)
{
    std::cerr << "aeroflow " << command << ": " << message << "\n"
              << "Try 'aeroflow " << command << " --help'.\n";
    return kExitUsage;
}

/// Reads and compiles one file. Returns false (after printing why) when it
/// cannot be read; otherwise fills `result`.
bool compileFile(const char* command, const std::string& path, CompileResult& result, const CompileOptions& options)
{
    std::string text, error;
    if (!readFile(path, text, error)) {
        std::cerr << "aeroflow " << command << ": cannot read '" << path << "': " << error << "\n";
        return false;
    }
    result = aeroflow::cli::compileEntryFile(path, std::move(text), options);
    return true;
}

int cmdCheck(const std::vector<std::string>& args)
{
    bool snippets = true;
    std::vector<std::string> files;
    for (const auto& a : args) {
        if (a == "--no-snippets")
            snippets = false;
        else if (a.size() > 1 && a[0] == '-')
            return usageError("check", "unknown option '" + a + "'");
        else
            files.push_back(a);
    }
    if (files.empty())
        return usageError("check", "no input files");
    for (const auto& f : files)
        if (f != "-" && !isSourceFileName(f))
            return usageError("check", "'" + f + "' is not an AeroFlow source file (expected .aefl or .af)");

    CompileOptions options;
    options.lower = false;  // checking needs no bytecode
    options.symbols = false;
    int status = kExitOk;
    size_t errors = 0, warnings = 0;
    for (const auto& f : files) {
        CompileResult r;
        if (!compileFile("check", f, r, options)) {
            status = kExitFailure;
            continue;
        }
        std::cerr << r.formatDiagnostics(snippets);
        errors += r.errorCount;
        for (const auto& d : r.diagnostics)
            warnings += d.severity == Severity::Warning;
        if (!r.ok())
            status = kExitFailure;
    }
    if (errors || warnings)
        std::cerr << errors << " error" << (errors == 1 ? "" : "s") << ", " << warnings << " warning"
                  << (warnings == 1 ? "" : "s") << "\n";
    return status;
}

int cmdDisasm(const std::vector<std::string>& args)
{
    if (args.size() != 1)
        return usageError("disasm", args.empty() ? "no input file" : "expected exactly one file");
    if (args[0].size() > 1 && args[0][0] == '-')
        return usageError("disasm", "unknown option '" + args[0] + "'");
    if (args[0] != "-" && !isSourceFileName(args[0]))
        return usageError("disasm", "'" + args[0] + "' is not an AeroFlow source file (expected .aefl or .af)");
    CompileResult r;
    if (!compileFile("disasm", args[0], r, CompileOptions{true, false}))
        return kExitFailure;
    std::cerr << r.formatDiagnostics();
    if (!r.ok() || !r.program)
        return kExitFailure;
    std::cout << disassemble(*r.program);
    return kExitOk;
}

// `aeroflow studio ARGS`: hands over to aeroflow-studio, looked up beside
// this executable (installed layout and build tree: ../studio/), then on PATH.
int cmdStudio(const std::vector<std::string>& args)
{
    std::vector<std::string> candidates;
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back((exe.parent_path() / "aeroflow-studio").string());
        candidates.push_back((exe.parent_path().parent_path() / "studio" / "aeroflow-studio").string());
    }
    std::vector<char*> argv;
    std::string name = "aeroflow-studio";
    argv.push_back(name.data());
    std::vector<std::string> owned(args);
    for (auto& a : owned)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (const auto& c : candidates) {
        if (::access(c.c_str(), X_OK) == 0) {
            ::execv(c.c_str(), argv.data());
            std::cerr << "aeroflow studio: cannot start " << c << ": " << std::strerror(errno) << "\n";
            return kExitFailure;
        }
    }
    ::execvp(name.c_str(), argv.data());
    std::cerr << "aeroflow studio: aeroflow-studio not found beside aeroflow or on PATH"
                 " (is the Studio installed? it is built unless AEROFLOW_BUILD_STUDIO=OFF)\n";
    return kExitFailure;
}

} // namespace

int main(int argc, char** argv)
{
    // Fewer, larger page faults for big runs and snapshots (engine/HugePages.h).
    aeroflow::engine::preferHugePages(argv);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printUsage(std::cerr);
        return kExitUsage;
    }
    const std::string cmd = args[0];
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        if (cmd == "help" && args.size() > 1)
            args = {args[1], "--help"};
        else {
            printUsage(std::cout);
            return kExitOk;
        }
    }
    if (cmd == "--version") {
        std::cout << "aeroflow " << kVersion << "\n";
        return kExitOk;
    }
    for (const Command& c : kCommands) {
        if (args[0] != c.name)
            continue;
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (wantsHelp(rest)) {
            std::cout << "usage: aeroflow " << c.synopsis << "\n\n" << c.help;
            return kExitOk;
        }
        return c.run(rest);
    }
    std::cerr << "aeroflow: unknown command '" << args[0] << "'\n";
    printUsage(std::cerr);
    return kExitUsage;
}
