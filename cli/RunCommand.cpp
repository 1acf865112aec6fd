// `aeroflow run`: compile a file and run it on the DAS engine. Program output
// goes to stdout; runtime errors and engine warnings to stderr.

#include "RunCommand.h"

#include "FileIo.h"
#include "AutoJit.h"
#include "NativeJit.h"

#include "Compiler.h"
#include "Console.h"
#include "LogHash.h"
#include "Scheduler.h"
#include "Snapshot.h"
#include "TraceCommands.h"
#include "Recorder.h"
#include "ServeOptions.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace aeroflow::cli {

const char* const kRunSynopsis = "run FILE [OPTIONS]";
const char* const kRunHelp =
    "Compile FILE and run it on the Deterministic Actor Scheduler. The same program\n"
    "and seed print the same output, byte for byte, on every run. FILE is the entry\n"
    "file of its program: the files it imports (import \"./orders.aefl\") are read from\n"
    "its folder, and a recording stores all of them.\n"
    "\n"
    "  --seed N           seed of the random() streams (default 0)\n"
    "  --snapshot OUT.afs save the whole runtime state to OUT.afs at the end of the run\n"
    "                     (or at --stop-at-tick); `aeroflow resume OUT.afs` continues it\n"
    "  --stop-at-tick T   stop once every message up to logical time T is delivered\n"
    "  --force            let --record/--snapshot overwrite a file that is not a trace\n"
    "                     or snapshot (the program file itself is never overwritten)\n"
    "  --record TRACE     record every message, output, effect and crash, with\n"
    "                     checkpoints, into the SQLite trace TRACE (also --log TRACE);\n"
    "                     see `aeroflow info|replay|query|export|snapshot`\n"
    "  --source FILE      the same as giving FILE\n"
    "  --runtime das      the Deterministic Actor Scheduler (the only runtime so far)\n"
    "  --jit              run functions and handlers as native code compiled with\n"
    "                     LLVM (ORC JIT) before the run; output, trace and errors\n"
    "                     are identical to the interpreter's. Without --jit or\n"
    "                     --no-jit a run starts on the interpreter and switches to\n"
    "                     native code, compiled in the background, once it has\n"
    "                     delivered --jit-after N messages (default 1000000): short\n"
    "                     runs never load LLVM, long ones get native code\n"
    "  --no-jit           the interpreter only (also --interpret)\n"
    "  --jit-after N      deliveries before a run switches to native code (0: from\n"
    "                     the start, like --jit)\n"
    "  --jit-wait         stop at that delivery until the code is compiled, so the\n"
    "                     switch happens exactly there (tests, benchmarks)\n"
    "  -v, --verbose      say on stderr how the run executed\n"
    "  --jit-opt N        JIT optimisation level 0 (fastest compile) to 3 (default 2);\n"
    "                     implies --jit\n"
    "  --log-hash         print the message-log hash (every spawn, delivery with its\n"
    "                     payload and state hash, output, crash and effect, in order)\n"
    "                     to stderr at the end: equal hashes, equal runs\n"
    "\n"
    "Limits (runaway code never freezes or kills the host). Each is a runtime error\n"
    "of the actor that hits it (the actor crashes, the run goes on); in the main\n"
    "program it ends the run with exit 1:\n"
    "  --fuel N           instructions per handler, and per stretch of main between\n"
    "                     recv()s (default 100000000): \"instruction budget exhausted\"\n"
    "  --max-depth N      frames on one call stack (default 2000): \"call depth limit of N\n"
    "                     exceeded\"\n"
    "  --memory-limit N   bytes per actor (default 268435456): its heap, the records\n"
    "                     of the actors it spawned while they live, and its messages,\n"
    "                     emits and timers not yet delivered: \"out of memory: the\n"
    "                     actor's memory limit of N bytes is exceeded\"\n"
    "  --max-actors N     live actors in the run (default 2000000): \"actor limit\n"
    "                     reached\"\n"
    "  --max-messages N   deliveries in the run (default 1000000; a serving program\n"
    "                     has none unless this is given): ends the run, exit 1\n"
    "  (fixed)            after() delays up to 2^48 ticks, logical time up to 2^62;\n"
    "                     64 nested spawns inside initialisers; warnings of one kind\n"
    "                     shown 100 times, the rest counted\n"
    "\n"
    "Serving (programs that call net.http.serve, net.ws.serve, http.get, every, ...):\n"
    "  A serving program runs until SIGINT or SIGTERM: then it stops accepting,\n"
    "  answers the requests in flight (up to --shutdown-grace), flushes the trace\n"
    "  and exits 0. It has no message limit unless --max-messages is given; fuel,\n"
    "  depth and memory limits still apply to every handler. Every input from\n"
    "  outside is recorded by --record, so `aeroflow replay T --verify` re-runs the\n"
    "  session with no network. Limits (a request past one never reaches the program):\n"
    "  --max-header-bytes N   request header size (default 8192; beyond: 431)\n"
    "  --max-body-bytes N     request body size (default 1048576; beyond: 413)\n"
    "  --request-timeout MS   unanswered request gets 504 after MS (default 30000)\n"
    "  --header-timeout MS    a client must send its header within MS (default 10000)\n"
    "  --idle-timeout MS      idle keep-alive connections close after MS (default 60000)\n"
    "  --max-connections N    open connections (default 10000; beyond: 503)\n"
    "  --rate-limit N         requests per second per connection (default 10000;\n"
    "                         beyond: 429; 0: none)\n"
    "  --ws-max-message N     WebSocket message size from a client (default 1048576)\n"
    "  --call-timeout MS      outbound http.get/http.post time limit (default 30000)\n"
    "  --max-queued-inputs N  inputs waiting for the program (default 65536; beyond:\n"
    "                         503 without reaching it)\n"
    "  --shutdown-grace MS    time in-flight requests get after SIGTERM (default 5000)\n"
    "\n"
    "Exit status: 0 when the program ran to its end (an actor crash is reported on\n"
    "stderr but does not fail the run), 1 when the file does not compile, the main\n"
    "program hits a runtime error or deadlocks, the message limit cuts the run off,\n"
    "the JIT cannot compile it, or the snapshot or the trace cannot be written;\n"
    "2 on usage errors.\n";

const char* const kResumeSynopsis = "resume FILE.afs [OPTIONS]";
const char* const kResumeHelp =
    "Continue a run from an .afs snapshot (written by `aeroflow run --snapshot` or\n"
    "`aeroflow snapshot`). It prints exactly the output the uninterrupted run printed\n"
    "after the snapshot's tick. The program comes from the snapshot itself.\n"
    "\n"
    "  --max-messages N, --fuel N, --max-depth N, --memory-limit N, --max-actors N\n"
    "                     limits of the continued run (as for `aeroflow run`)\n"
    "  --snapshot OUT.afs, --stop-at-tick T\n"
    "                     snapshot the continued run again\n"
    "  --no-verify        skip the section checksums (faster for large images)\n"
    "  --jit, --jit-opt N, --log-hash\n"
    "                     as for `aeroflow run`\n"
    "  serving options    as for `aeroflow run` (see `aeroflow run --help`): a\n"
    "                     snapshot of a serving program listens again on its\n"
    "                     addresses and re-arms its timers; requests, calls and\n"
    "                     WebSocket connections of the snapshot are gone (each\n"
    "                     connection gets Closed, each call an Err)\n"
    "\n"
    "Exit status: as for `aeroflow run`; 1 also when the snapshot is damaged,\n"
    "truncated or not a snapshot.\n";

namespace {

int usage(const char* command, const std::string& message)
{
    std::cerr << "aeroflow " << command << ": " << message << "\nTry 'aeroflow " << command << " --help'.\n";
    return 2;
}

bool parseU64(const std::string& s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

/// Options shared by `run` and `resume`.
struct DriveOptions {
    std::string snapshotPath;
    std::optional<uint64_t> stopAtTick;
    debugger::Recorder* recorder = nullptr; ///< `run --record`: told of every step
    bool logHash = false;                   ///< --log-hash: print the message-log hash at the end
    engine::LogHasher* hasher = nullptr;    ///< the observer computing it
    bool jit = false;                       ///< --jit / --jit-opt: native code from the start
    bool noJit = false;                     ///< --no-jit: the interpreter only
    uint64_t jitOpt = 2;
    uint64_t jitAfter = 1'000'000;          ///< otherwise: native code after this many deliveries
    bool jitWait = false;                   ///< --jit-wait: switch exactly at jitAfter
    bool verbose = false;                   ///< -v: say how the run executed (stderr)
    AutoJit* autoJit = nullptr;
    const NativeJit* native = nullptr;       ///< --jit: native code from the start (for -v)
    io::LiveWorldOptions world;             ///< limits of the outside world (serving options)
    bool force = false;                     ///< --force: overwrite an output of another kind
};

/// Parses one limit/snapshot option at args[i]; returns 1 when consumed, 0
/// when `a` is not one of them, -1 (after printing) on a bad value.
int parseCommon(const char* command, const std::vector<std::string>& args, size_t& i, engine::RunOptions& options,
                DriveOptions& drive)
{
    const std::string& a = args[i];
    std::string serveError;
    if (const int served = parseServeOption(args, i, drive.world, serveError); served != 0)
        return served < 0 ? (usage(command, serveError), -1) : 1;
    auto value = [&](uint64_t& out) -> bool {
        if (i + 1 >= args.size())
            return false;
        return parseU64(args[++i], out);
    };
    uint64_t n = 0;
    if (a == "--log-hash") {
        drive.logHash = true;
    } else if (a == "--force") {
        drive.force = true;
    } else if (a == "--jit") {
        drive.jit = true;
    } else if (a == "--no-jit" || a == "--interpret") {
        drive.noJit = true;
    } else if (a == "--jit-after") {
        if (!value(drive.jitAfter))
            return usage(command, "--jit-after needs a number of deliveries"), -1;
    } else if (a == "--jit-wait") {
        drive.jitWait = true;
    } else if (a == "-v" || a == "--verbose") {
        drive.verbose = true;
    } else if (a == "--jit-opt") {
        if (!value(drive.jitOpt) || drive.jitOpt > 3)
            return usage(command, "--jit-opt needs a level from 0 to 3"), -1;
        drive.jit = true;
    } else if (a == "--max-messages") {
        if (!value(options.maxMessages))
            return usage(command, "--max-messages needs a non-negative integer"), -1;
        options.servingLiftsMessageLimit = false; // asked for: it holds for servers too
    } else if (a == "--fuel") {
        if (!value(options.fuel) || options.fuel == 0)
            return usage(command, "--fuel needs a positive integer"), -1;
    } else if (a == "--max-depth") {
        if (!value(n) || n == 0 || n > 1'000'000)
            return usage(command, "--max-depth needs an integer from 1 to 1000000"), -1;
        options.maxCallDepth = uint32_t(n);
    } else if (a == "--max-actors") {
        if (!value(n) || n == 0 || n > 1'000'000'000)
            return usage(command, "--max-actors needs an integer from 1 to 1000000000"), -1;
        options.maxActors = uint32_t(n);
    } else if (a == "--memory-limit") {
        if (!value(n) || n == 0 || n > (uint64_t(1) << 62))
            return usage(command, "--memory-limit needs a positive integer"), -1;
        options.memoryLimit = int64_t(n);
    } else if (a == "--snapshot") {
        if (i + 1 >= args.size() || args[i + 1].empty())
            return usage(command, "--snapshot needs an output file"), -1;
        drive.snapshotPath = args[++i];
    } else if (a == "--stop-at-tick") {
        if (!value(n))
            return usage(command, "--stop-at-tick needs a non-negative integer"), -1;
        drive.stopAtTick = n;
    } else {
        return 0;
    }
    return 1;
}

/// Steps `s` to its end (or past --stop-at-tick), then writes the snapshot
/// if asked. Returns the exit status.
int drive(const char* command, engine::Scheduler& s, const DriveOptions& drive, const std::string& sourceText)
{
    debugger::Recorder* rec = drive.recorder;
    if (rec)
        rec->attach(s);
    s.start();
    bool stopped = false;
    while (!s.over()) {
        if (rec && rec->failed()) {
            stopped = true; // the trace cannot be written: stop cleanly, report below
            break;
        }
        if (drive.stopAtTick) {
            const auto next = s.nextTime();
            if (next && *next > *drive.stopAtTick) {
                stopped = true;
                break;
            }
        }
        if (!s.step())
            break;
        if (rec)
            rec->afterStep();
        if (drive.autoJit)
            drive.autoJit->afterStep(s);
    }
    std::cout.flush();
    int status = 0;
    if (!drive.snapshotPath.empty()) {
        const std::string image = engine::saveSnapshot(s, {true, sourceText});
        std::string error;
        const auto writeImage = [&](std::ostream& o) { return bool(o.write(image.data(), std::streamsize(image.size()))); };
        if (!writeAtomically(drive.snapshotPath, writeImage, error)) {
            std::cerr << "aeroflow " << command << ": " << error << "\n";
            status = 1;
        }
    }
    if (stopped) {
        // Paused on purpose (or the trace failed): no deadlock report; the
        // values are freed by the scheduler's destructor.
        if (rec && !rec->finishPaused())
            status = 1;
        if (rec && rec->failed())
            std::cerr << "aeroflow " << command << ": " << rec->error() << "\n";
        return status;
    }
    const auto stats = s.finish();
    std::cout.flush();
    if (drive.verbose && drive.autoJit)
        std::cerr << "aeroflow " << command << ": " << drive.autoJit->report() << "\n";
    if (drive.verbose && drive.native)
        std::cerr << "aeroflow " << command << ": " << drive.native->report() << "\n";
    if (drive.hasher)
        std::cerr << drive.hasher->summary() << "\n";
    if (rec && !rec->finish(stats)) {
        std::cerr << "aeroflow " << command << ": " << rec->error() << "\n";
        return 1;
    }
    return status ? status : stats.exitCode;
}


} // namespace

std::shared_ptr<const compiler::Program> compileChecked(const char* command, const std::string& name,
                                                       std::string& text)
{
    auto result = compileEntryFile(name, text, {true, false});
    std::cerr << result.formatDiagnostics();
    if (!result.ok() || !result.program)
        return nullptr;
    const auto problems = compiler::verifyProgram(*result.program);
    if (!problems.empty()) {
        for (const auto& p : problems)
            std::cerr << "aeroflow " << command << ": invalid bytecode: " << p << "\n";
        return nullptr;
    }
    if (!result.bundle.empty())
        text = std::move(result.bundle);
    return result.program;
}

int runCommand(const std::vector<std::string>& args)
{
    engine::RunOptions options;
    DriveOptions driveOptions;
    std::string file, tracePath;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const int common = parseCommon("run", args, i, options, driveOptions);
        if (common < 0)
            return 2;
        if (common > 0)
            continue;
        if (a == "--record" || a == "--log") {
            if (i + 1 >= args.size() || args[i + 1].empty())
                return usage("run", a + " needs a trace file");
            tracePath = args[++i];
        } else if (a == "--seed") {
            if (i + 1 >= args.size() || !parseU64(args[++i], options.seed))
                return usage("run", "--seed needs a non-negative integer");
        } else if (a == "--source") {
            if (i + 1 >= args.size())
                return usage("run", "--source needs a file");
            file = args[++i];
        } else if (a == "--runtime") {
            if (i + 1 >= args.size())
                return usage("run", "--runtime needs a name");
            if (args[++i] != "das")
                return usage("run", "unknown runtime '" + args[i] + "' (expected das)");
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("run", "unknown option '" + a + "'");
        } else if (file.empty()) {
            file = a;
        } else {
            return usage("run", "expected exactly one file");
        }
    }
    if (file.empty())
        return usage("run", "no input file");
    if (file != "-" && !compiler::isSourceFileName(file))
        return usage("run", "'" + file + "' is not an AeroFlow source file (expected .aefl or .af)");
    // Outputs never overwrite the program (or each other), nor a file of
    // another kind unless --force: checked before anything is written.
    if (!tracePath.empty()) {
        if (auto why = refuseOutput(tracePath, {file}, OutputKind::Trace, driveOptions.force); !why.empty()) {
            std::cerr << "aeroflow run: --record: " << why << "\n";
            return 1;
        }
    }
    if (!driveOptions.snapshotPath.empty()) {
        if (auto why = refuseOutput(driveOptions.snapshotPath, {file, tracePath}, OutputKind::Snapshot,
                                    driveOptions.force);
            !why.empty()) {
            std::cerr << "aeroflow run: --snapshot: " << why << "\n";
            return 1;
        }
        if (driveOptions.snapshotPath == tracePath) {
            std::cerr << "aeroflow run: --snapshot and --record name the same file\n";
            return 1;
        }
    }

    std::string text;
    if (file == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
    } else {
        auto content = readWholeFile(file);
        if (!content) {
            std::cerr << "aeroflow run: cannot read '" << file << "'\n";
            return 1;
        }
        text = std::move(*content);
    }
    const auto program = compileChecked("run", file == "-" ? "<stdin>" : file, text);
    if (!program)
        return 1;
    engine::installConsoleEffects(options);
    // The outside world: its I/O thread starts only if the program serves,
    // calls out or arms a real-time timer. Declared before the scheduler, so
    // it outlives it.
    driveOptions.world.handleSignals = true;
    io::LiveWorld world(driveOptions.world);
    options.world = &world;
    std::unique_ptr<NativeJit> native;
    if (driveOptions.jit && driveOptions.noJit)
        return usage("run", "--jit and --no-jit contradict each other");
    std::unique_ptr<AutoJit> autoJit;
    if (!driveOptions.jit && !driveOptions.noJit) {
        if (driveOptions.jitAfter == 0)
            driveOptions.jit = true;
        else {
            autoJit = std::make_unique<AutoJit>(program, int(driveOptions.jitOpt), driveOptions.jitAfter,
                                                driveOptions.jitWait);
            driveOptions.autoJit = autoJit.get();
        }
    }
    if (driveOptions.jit) {
        auto compiled = NativeJit::compile(*program, int(driveOptions.jitOpt));
        if (!compiled) {
            std::cerr << "aeroflow run: JIT: " << compiled.error() << "\n";
            return 1;
        }
        native = std::move(*compiled);
        options.native = native.get();
        driveOptions.native = native.get();
    }
    std::unique_ptr<debugger::Recorder> recorder;
    if (!tracePath.empty()) {
        std::string error;
        recorder = openRecorder(tracePath, program, text, options, error);
        if (!recorder) {
            std::cerr << "aeroflow run: " << error << "\n";
            return 1;
        }
        options.observer = recorder.get();
        driveOptions.recorder = recorder.get();
    }
    std::unique_ptr<engine::LogHasher> hasher;
    if (driveOptions.logHash) {
        hasher = std::make_unique<engine::LogHasher>(options.observer);
        options.observer = hasher.get();
        driveOptions.hasher = hasher.get();
    }
    engine::Scheduler scheduler(program, std::move(options), engine::consoleOutput());
    return drive("run", scheduler, driveOptions, text);
}

int resumeCommand(const std::vector<std::string>& args)
{
    engine::RunOptions options;
    DriveOptions driveOptions;
    std::string file;
    bool verify = true;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const int common = parseCommon("resume", args, i, options, driveOptions);
        if (common < 0)
            return 2;
        if (common > 0)
            continue;
        if (a == "--no-verify") {
            verify = false;
        } else if (a.size() > 1 && a[0] == '-') {
            return usage("resume", "unknown option '" + a + "'");
        } else if (file.empty()) {
            file = a;
        } else {
            return usage("resume", "expected exactly one snapshot file");
        }
    }
    if (file.empty())
        return usage("resume", "no snapshot file");
    if (!driveOptions.snapshotPath.empty()) {
        if (auto why = refuseOutput(driveOptions.snapshotPath, {file}, OutputKind::Snapshot, driveOptions.force);
            !why.empty()) {
            std::cerr << "aeroflow resume: --snapshot: " << why << "\n";
            return 1;
        }
    }
    auto image = readWholeFile(file);
    if (!image) {
        std::cerr << "aeroflow resume: cannot read '" << file << "'\n";
        return 1;
    }
    auto info = engine::readSnapshotInfo(*image);
    if (!info) {
        std::cerr << "aeroflow resume: " << file << ": " << info.error() << "\n";
        return 1;
    }
    engine::installConsoleEffects(options);
    driveOptions.world.handleSignals = true;
    io::LiveWorld world(driveOptions.world);
    options.world = &world;
    std::unique_ptr<engine::LogHasher> hasher;
    if (driveOptions.logHash) {
        hasher = std::make_unique<engine::LogHasher>();
        options.observer = hasher.get();
        driveOptions.hasher = hasher.get();
    }
    auto restored = engine::restoreSnapshot(*image, nullptr, std::move(options), engine::consoleOutput(), verify);
    if (!restored) {
        std::cerr << "aeroflow resume: " << file << ": " << restored.error() << "\n";
        return 1;
    }
    std::unique_ptr<NativeJit> native;
    if (driveOptions.jit) {
        auto compiled = NativeJit::compile((*restored)->program(), int(driveOptions.jitOpt));
        if (!compiled) {
            std::cerr << "aeroflow resume: JIT: " << compiled.error() << "\n";
            return 1;
        }
        native = std::move(*compiled);
        (*restored)->setNative(native.get());
        driveOptions.native = native.get();
    }
    if (auto reopened = (*restored)->reopenWorld(); !reopened.empty()) {
        std::cerr << "aeroflow resume: " << file << ": " << reopened << "\n";
        return 1;
    }
    return drive("resume", **restored, driveOptions, info->sourceText);
}

} // namespace aeroflow::cli
