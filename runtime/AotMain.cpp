// main() of every executable `aeroflow build` makes (x86-64, AArch64, wasm32):
// compiles the embedded source again for the program's constants, types and
// line tables, checks that it is the program the object was compiled from,
// and runs it on the DAS engine with the object's native code — printing
// exactly what `aeroflow run` prints, with the same exit status.

#include "AotAbi.h"

#include "Compiler.h"
#include "Console.h"
#include "HugePages.h"
#include "JitRuntime.h"
#include "LogHash.h"
#include "NativeCode.h"
#include "Scheduler.h"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace aeroflow;

class AotNative final : public engine::NativeCode {
public:
    engine::NativeEntry entry(uint32_t function) const override
    {
        return function < af_aot_function_count ? reinterpret_cast<engine::NativeEntry>(af_aot_entries[function])
                                                : nullptr;
    }
};

const char* const kHelp =
    "Runs the AeroFlow program compiled into this executable on the Deterministic\n"
    "Actor Scheduler, with native code (`aeroflow build`). Output and exit status are\n"
    "those of `aeroflow run`.\n"
    "\n"
    "  --seed N           seed of the random() streams (default 0)\n"
    "  --max-messages N   stop the run after N message deliveries (default 1000000)\n"
    "  --fuel N           instructions per handler before it is stopped (default 100000000)\n"
    "  --max-depth N      call depth limit (default 2000)\n"
    "  --memory-limit N   bytes per actor: its heap, the actors it spawned while they\n"
    "                     live, its messages not yet delivered (default 268435456)\n"
    "  --max-actors N     live actors in the whole run (default 2000000)\n"
    "  --log-hash         print the message-log hash to stderr at the end\n"
    "  --interpret        ignore the native code (the bytecode interpreter only)\n";

bool parseU64(std::string_view s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

int usage(const char* argv0, const std::string& message)
{
    std::cerr << argv0 << ": " << message << "\nTry '" << argv0 << " --help'.\n";
    return 2;
}

bool layoutMatches()
{
    const engine::NativeLayout l = engine::nativeLayout();
    const uint32_t mine[] = {l.valueSize, l.tagOffset, l.payloadOffset, l.fiberFuelOffset, l.tagNil,
                             l.tagBool,   l.tagInt,    l.tagFloat,      l.tagFirstObject,  l.tagActor};
    return std::memcmp(mine, af_aot_layout, sizeof mine) == 0;
}

} // namespace

int main(int argc, char** argv)
{
    // Fewer page faults on big runs, as `aeroflow run` (engine/HugePages.h; speed only).
    engine::preferHugePages(argv);
    const char* self = argc > 0 && argv[0] ? argv[0] : "aeroflow-program";
    engine::RunOptions options;
    bool logHash = false, interpret = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        uint64_t v = 0;
        auto value = [&](const char* what) -> bool {
            if (i + 1 >= argc || !parseU64(argv[i + 1], v)) {
                usage(self, std::string(a) + " needs " + what);
                return false;
            }
            ++i;
            return true;
        };
        if (a == "--help" || a == "-h") {
            std::cout << "Usage: " << self << " [OPTIONS]\n\n" << kHelp;
            return 0;
        } else if (a == "--log-hash") {
            logHash = true;
        } else if (a == "--interpret") {
            interpret = true;
        } else if (a == "--seed") {
            if (!value("a non-negative integer"))
                return 2;
            options.seed = v;
        } else if (a == "--max-messages") {
            if (!value("a non-negative integer"))
                return 2;
            options.maxMessages = v;
        } else if (a == "--fuel") {
            if (!value("a positive integer"))
                return 2;
            if (v == 0)
                return usage(self, "--fuel needs a positive integer");
            options.fuel = v;
        } else if (a == "--max-depth") {
            if (!value("an integer from 1 to 1000000"))
                return 2;
            if (v == 0 || v > 1'000'000)
                return usage(self, "--max-depth needs an integer from 1 to 1000000");
            options.maxCallDepth = uint32_t(v);
        } else if (a == "--memory-limit") {
            if (!value("a positive integer"))
                return 2;
            if (v == 0 || v > uint64_t(INT64_MAX))
                return usage(self, "--memory-limit needs a positive integer");
            options.memoryLimit = int64_t(v);
        } else if (a == "--max-actors") {
            if (!value("an integer from 1 to 1000000000"))
                return 2;
            if (v == 0 || v > 1'000'000'000)
                return usage(self, "--max-actors needs an integer from 1 to 1000000000");
            options.maxActors = uint32_t(v);
        } else {
            return usage(self, "unknown option '" + std::string(a) + "'");
        }
    }

    if (af_aot_abi_version != 1 || !layoutMatches()) {
        std::cerr << self << ": this program was compiled for a different AeroFlow runtime; build it again\n";
        return 1;
    }
    const std::string text(af_aot_source, size_t(af_aot_source_size));
    auto result = compiler::compile(af_aot_source_name, text, {true, false});
    std::cerr << result.formatDiagnostics();
    if (!result.ok() || !result.program)
        return 1;
    if (result.program->programHash != af_aot_program_hash ||
        result.program->functions.size() != af_aot_function_count) {
        std::cerr << self << ": the embedded program does not match its native code; build it again\n";
        return 1;
    }

    engine::installConsoleEffects(options);
    AotNative native;
    if (!interpret)
        options.native = &native;
    std::unique_ptr<engine::LogHasher> hasher;
    if (logHash) {
        hasher = std::make_unique<engine::LogHasher>();
        options.observer = hasher.get();
    }
    engine::Scheduler scheduler(result.program, std::move(options), engine::consoleOutput());
    scheduler.start();
    while (!scheduler.over()) {
        if (!scheduler.step())
            break;
    }
    std::cout.flush();
    const auto stats = scheduler.finish();
    std::cout.flush();
    if (hasher)
        std::cerr << hasher->summary() << "\n";
    return stats.exitCode;
}
