// `aeroflow run`: compile a file and run it on the DAS engine. Program output
// goes to stdout; runtime errors and engine warnings to stderr.

#include "RunCommand.h"

#include "Compiler.h"
#include "Scheduler.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace aeroflow::cli {

const char* const kRunSynopsis = "run FILE [OPTIONS]";
const char* const kRunHelp =
    "Compile FILE and run it on the Deterministic Actor Scheduler. The same program\n"
    "and seed print the same output, byte for byte, on every run.\n"
    "\n"
    "  --seed N           seed of the random() streams (default 0)\n"
    "  --max-messages N   stop the run after N message deliveries (default 1000000)\n"
    "  --fuel N           instructions per handler before it is stopped (default 100000000)\n"
    "  --max-depth N      call depth limit (default 2000)\n"
    "  --memory-limit N   bytes of heap per actor (default 268435456)\n"
    "  --source FILE      the same as giving FILE\n"
    "  --runtime das      the interpreter (the only runtime so far)\n"
    "\n"
    "Exit status: 0 when the program ran to its end (an actor crash is reported on\n"
    "stderr but does not fail the run), 1 when the file does not compile, the main\n"
    "program hits a runtime error or deadlocks, or the message limit cuts the run\n"
    "off; 2 on usage errors.\n";

namespace {

int usage(const std::string& message)
{
    std::cerr << "aeroflow run: " << message << "\nTry 'aeroflow run --help'.\n";
    return 2;
}

bool parseU64(const std::string& s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

int runCommand(const std::vector<std::string>& args)
{
    engine::RunOptions options;
    std::string file;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](uint64_t& out) -> bool {
            if (i + 1 >= args.size())
                return false;
            return parseU64(args[++i], out);
        };
        uint64_t n = 0;
        if (a == "--seed") {
            if (!value(options.seed))
                return usage("--seed needs a non-negative integer");
        } else if (a == "--max-messages") {
            if (!value(options.maxMessages))
                return usage("--max-messages needs a non-negative integer");
        } else if (a == "--fuel") {
            if (!value(options.fuel) || options.fuel == 0)
                return usage("--fuel needs a positive integer");
        } else if (a == "--max-depth") {
            if (!value(n) || n == 0 || n > 1'000'000)
                return usage("--max-depth needs an integer from 1 to 1000000");
            options.maxCallDepth = uint32_t(n);
        } else if (a == "--memory-limit") {
            if (!value(n) || n == 0 || n > (uint64_t(1) << 62))
                return usage("--memory-limit needs a positive integer");
            options.memoryLimit = int64_t(n);
        } else if (a == "--source") {
            if (i + 1 >= args.size())
                return usage("--source needs a file");
            file = args[++i];
        } else if (a == "--runtime") {
            if (i + 1 >= args.size())
                return usage("--runtime needs a name");
            if (args[++i] != "das")
                return usage("unknown runtime '" + args[i] + "' (expected das)");
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("unknown option '" + a + "'");
        } else if (file.empty()) {
            file = a;
        } else {
            return usage("expected exactly one file");
        }
    }
    if (file.empty())
        return usage("no input file");
    if (file != "-" && !compiler::isSourceFileName(file))
        return usage("'" + file + "' is not an AeroFlow source file (expected .aefl or .af)");

    std::string text;
    if (file == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
    } else {
        std::error_code ec;
        std::ifstream in(file, std::ios::binary);
        if (!in || std::filesystem::is_directory(file, ec)) {
            std::cerr << "aeroflow run: cannot read '" << file << "'\n";
            return 1;
        }
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    }
    auto result = compiler::compile(file == "-" ? "<stdin>" : file, std::move(text), {true, false});
    std::cerr << result.formatDiagnostics();
    if (!result.ok() || !result.program)
        return 1;
    const auto problems = compiler::verifyProgram(*result.program);
    if (!problems.empty()) {
        for (const auto& p : problems)
            std::cerr << "aeroflow run: invalid bytecode: " << p << "\n";
        return 1;
    }

    // The effect boundary: outside input enters here only.
    options.env = [](std::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    options.readLine = []() -> std::optional<std::string> {
        std::string line;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        return line;
    };
    auto stats = engine::runProgram(result.program, std::move(options), [](engine::Stream s, std::string_view t) {
        if (s == engine::Stream::Output)
            std::cout << t;
        else {
            std::cout.flush();
            std::cerr << t;
        }
    });
    std::cout.flush();
    return stats.exitCode;
}

} // namespace aeroflow::cli
