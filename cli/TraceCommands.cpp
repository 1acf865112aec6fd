// The trace commands: replay, snapshot, export, query, info. Traces are the
// user's data: everything here opens them read-only.

#include "TraceCommands.h"

#include "FileIo.h"

#include "Program.h"
#include "Replayer.h"
#include "ReplaySession.h"
#include "Snapshot.h"
#include "TimeTravel.h"
#include "TraceExport.h"
#include "TraceQuery.h"
#include "TraceReader.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>

namespace aeroflow::cli {

const char* const kReplaySynopsis = "replay TRACE [OPTIONS]";
const char* const kReplayHelp =
    "Re-execute a recorded run; --verify checks it against the recording.\n"
    "\n"
    "The program, seed, limits and outside inputs come from TRACE (written by\n"
    "`aeroflow run --record`); the run's output is printed again.\n"
    "\n"
    "  --verify           compare every delivery (order, sender, receiver, message,\n"
    "                     payload, cause, outcome, receiver state hash) and every\n"
    "                     output line with the recording; stop at the first difference\n"
    "  --to TICK          stop after the last message of logical time TICK\n"
    "  --record OUT       record the re-execution into the new trace OUT (a service's\n"
    "                     session too: its requests, frames, calls and timers come\n"
    "                     from TRACE, nothing touches the network)\n"
    "\n"
    "With --verify the inputs taken, crashes, actors and exit status are compared too,\n"
    "and the whole file is checked for damage first.\n"
    "\n"
    "A trace whose schema version this build does not read, or whose stored source no\n"
    "longer compiles to the recorded program hash, is refused.\n"
    "\n"
    "Exit status: 0 when the replay ran (and, with --verify, matched); 1 when it\n"
    "diverged (the tick, seq, actor and difference are printed), the trace is\n"
    "unreadable or refused; 2 on usage errors.\n";

const char* const kSnapshotSynopsis = "snapshot TRACE [OPTIONS]";
const char* const kSnapshotHelp =
    "Save the runtime state of a recorded run at a tick as an .afs snapshot.\n"
    "\n"
    "The state is the one after the last message of logical time TICK; the program's\n"
    "source is embedded, so `aeroflow resume FILE.afs` continues the run from there.\n"
    "\n"
    "  --at TICK          the logical time (up to the tick of the last recorded message)\n"
    "  --out FILE.afs     where to write the snapshot\n"
    "\n"
    "The state is rebuilt from the nearest checkpoint of the trace; a damaged\n"
    "checkpoint is skipped for an earlier one (or the start), with a warning.\n"
    "\n"
    "Exit status: 0 on success, 1 when the trace is unreadable, TICK is past the end\n"
    "of the recording or the file cannot be written, 2 on usage errors.\n";

const char* const kExportSynopsis = "export TRACE [OPTIONS]";
const char* const kExportHelp =
    "Export a trace for other tools (Perfetto / chrome://tracing, JSON, CSV).\n"
    "\n"
    "  --format chrome    Chrome Trace Event Format (Perfetto, chrome://tracing): one\n"
    "                     track per actor, handlers as slices, messages as flow arrows;\n"
    "                     one tick is shown as 1 ms\n"
    "  --format json      meta, actors, messages (printed payloads) and outputs\n"
    "  --format csv       one line per message\n"
    "  --out FILE         the output file ('-' for standard output)\n"
    "\n"
    "Exit status: 0 on success, 1 when the trace is unreadable or FILE cannot be\n"
    "written, 2 on usage errors.\n";

const char* const kQuerySynopsis = "query TRACE SQL [OPTIONS]";
const char* const kQueryHelp =
    "Run one read-only SQL query on a trace and print the result as a table.\n"
    "docs/TRACE_SCHEMA.md describes the tables; for example:\n"
    "\n"
    "  aeroflow query run.aftrace \"SELECT receiver, count(*) FROM messages GROUP BY 1\"\n"
    "  aeroflow query run.aftrace \"SELECT * FROM messages_named WHERE seq <= 10\"\n"
    "\n"
    "  --timeout SECONDS  stop a query that runs longer (default 30; 0: no limit)\n"
    "\n"
    "The trace is opened read-only: statements that would change it are refused, and\n"
    "so are ATTACH, pragmas that set anything and functions that are not SQLite's own\n"
    "(fts3_tokenizer, load_extension). At most 100,000 rows and 32 MiB of text are\n"
    "printed; the last line says when more was left out.\n"
    "\n"
    "Exit status: 0 on success, 1 when the trace is unreadable, the query fails, is\n"
    "refused or runs out of time, 2 on usage errors.\n";

const char* const kInfoSynopsis = "info TRACE [--check]";
const char* const kInfoHelp =
    "Print a summary of a trace.\n"
    "\n"
    "Program, seed, duration in ticks, message, actor and crash counts, file size,\n"
    "checkpoints and whether the file was checked for damage.\n"
    "\n"
    "  --check            check the whole file for damage (PRAGMA quick_check), however\n"
    "                     large; without it, files over 16 MiB are not checked\n"
    "\n"
    "Exit status: 0 on success, 1 when the trace is unreadable or damaged, 2 on usage\n"
    "errors.\n";

namespace {

int usage(const char* command, const std::string& message)
{
    std::cerr << "aeroflow " << command << ": " << message << "\nTry 'aeroflow " << command << " --help'.\n";
    return 2;
}

int failure(const char* command, const std::string& message)
{
    std::cerr << "aeroflow " << command << ": " << message << "\n";
    return 1;
}

bool parseU64(const std::string& s, uint64_t& out)
{
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string hex16(uint64_t v)
{
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::string humanBytes(uint64_t n)
{
    char buf[40];
    if (n >= (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.2f GiB", double(n) / double(1ull << 30));
    else if (n >= (1ull << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(n) / double(1ull << 20));
    else if (n >= 1024)
        std::snprintf(buf, sizeof buf, "%.1f KiB", double(n) / 1024.0);
    else
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    return buf;
}

/// Splits TRACE from the options; the common pattern of these commands.
struct Parsed {
    std::string trace;
    std::vector<std::pair<std::string, std::string>> options; ///< (--name, value)
    std::vector<std::string> flags;
    std::vector<std::string> positional;
};

std::optional<Parsed> parse(const char* command, const std::vector<std::string>& args,
                            const std::vector<std::string>& valued, const std::vector<std::string>& flags, int& status)
{
    Parsed p;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (std::find(valued.begin(), valued.end(), a) != valued.end()) {
            if (i + 1 >= args.size()) {
                status = usage(command, a + " needs a value");
                return std::nullopt;
            }
            p.options.emplace_back(a, args[++i]);
        } else if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
            p.flags.push_back(a);
        } else if (a.size() > 1 && a[0] == '-') {
            status = usage(command, "unknown option '" + a + "'");
            return std::nullopt;
        } else if (p.trace.empty()) {
            p.trace = a;
        } else {
            p.positional.push_back(a);
        }
    }
    if (p.trace.empty()) {
        status = usage(command, "no trace file");
        return std::nullopt;
    }
    return p;
}

std::optional<std::string> option(const Parsed& p, const std::string& name)
{
    std::optional<std::string> v;
    for (const auto& [k, value] : p.options)
        if (k == name)
            v = value;
    return v;
}

bool hasFlag(const Parsed& p, const std::string& name)
{
    return std::find(p.flags.begin(), p.flags.end(), name) != p.flags.end();
}

/// Says plainly when the file was too large to be checked for damage on open.
void noteUnchecked(const char* command, const debugger::TraceReader& trace)
{
    if (trace.integrityChecked())
        return;
    std::cerr << "aeroflow " << command << ": note: '" << trace.path() << "' (" << humanBytes(trace.info().fileBytes)
              << ") is over " << (debugger::TraceReader::kIntegrityCheckLimit >> 20)
              << " MiB and was not checked for damage; 'aeroflow info --check " << trace.path()
              << "' checks it\n";
}

} // namespace

std::unique_ptr<debugger::Recorder> openRecorder(const std::string& path,
                                                 std::shared_ptr<const compiler::Program> program,
                                                 const std::string& sourceText, const engine::RunOptions& options,
                                                 std::string& error)
{
    auto rec = debugger::Recorder::create(path, std::move(program), sourceText, options);
    if (!rec) {
        error = rec.error();
        return nullptr;
    }
    return std::move(*rec);
}

int replayCommand(const std::vector<std::string>& args)
{
    int status = 0;
    auto p = parse("replay", args, {"--to", "--record"}, {"--verify"}, status);
    if (!p)
        return status;
    if (!p->positional.empty())
        return usage("replay", "expected exactly one trace file");
    std::optional<uint64_t> toTick;
    if (auto to = option(*p, "--to")) {
        uint64_t t = 0;
        if (!parseU64(*to, t))
            return usage("replay", "--to needs a non-negative integer tick");
        toTick = t;
    }
    auto trace = debugger::TraceReader::open(p->trace);
    if (!trace)
        return failure("replay", trace.error());
    debugger::ReplayOptions options;
    options.verify = hasFlag(*p, "--verify");
    // Verification reads the whole recording anyway: check all of it.
    if (options.verify && !(*trace)->integrityChecked()) {
        if (auto c = (*trace)->checkIntegrity(); !c)
            return failure("replay", c.error());
    }
    noteUnchecked("replay", **trace);
    auto program = debugger::compileTraceProgram(**trace);
    if (!program)
        return failure("replay", program.error());
    if (auto out = option(*p, "--record"))
        options.recordTo = *out;
    if (toTick) {
        auto seq = (*trace)->seqAtTick(*toTick);
        if (!seq)
            return failure("replay", seq.error());
        options.toSeq = *seq;
    }
    if (!options.verify)
        options.output = [](engine::Stream s, std::string_view t) {
            if (s == engine::Stream::Output)
                std::cout << t;
            else {
                std::cout.flush();
                std::cerr << t;
            }
        };
    auto report = debugger::replayTrace(**trace, *program, options);
    std::cout.flush();
    if (!report)
        return failure("replay", report.error());
    if (report->divergence) {
        const auto& d = *report->divergence;
        std::cerr << "aeroflow replay: divergence at tick " << d.tick << ", seq " << d.seq << " (" << d.actorName
                  << "): " << d.what << "\n";
        return 1;
    }
    if (options.verify) {
        std::cout << "replay verified: " << report->messages << " messages and " << report->outputsChecked
                  << " outputs (program lines and answers to the outside world) match the recording";
        if (!(*trace)->info().complete)
            std::cout << " (the recording was cut off; verified up to its last message)";
        std::cout << "\n";
    }
    return 0;
}

int snapshotCommand(const std::vector<std::string>& args)
{
    int status = 0;
    auto p = parse("snapshot", args, {"--at", "--out"}, {}, status);
    if (!p)
        return status;
    if (!p->positional.empty())
        return usage("snapshot", "expected exactly one trace file");
    const auto at = option(*p, "--at");
    const auto out = option(*p, "--out");
    uint64_t tick = 0;
    if (!at || !parseU64(*at, tick))
        return usage("snapshot", "--at needs a non-negative integer tick");
    if (!out || out->empty())
        return usage("snapshot", "--out needs a file");
    auto tt = debugger::TimeTravel::open(p->trace);
    if (!tt)
        return failure("snapshot", tt.error());
    noteUnchecked("snapshot", (*tt)->trace());
    const debugger::TraceInfo& info = (*tt)->trace().info();
    if (tick > info.finalTick)
        return failure("snapshot", "tick " + std::to_string(tick) + " is past the end of the recording: it ends at tick " +
                                       std::to_string(info.finalTick) + " (seq " + std::to_string(info.messages) + ", " +
                                       (info.complete ? "the end of the run" : "where the recording was cut off") +
                                       "); give --at 0.." + std::to_string(info.finalTick));
    (*tt)->setWarningHandler([](const std::string& w) { std::cerr << "aeroflow snapshot: warning: " << w << "\n"; });
    if (auto r = (*tt)->seekTick(tick); !r)
        return failure("snapshot", r.error());
    auto source = (*tt)->trace().sourceText();
    if (!source)
        return failure("snapshot", source.error());
    engine::SnapshotOptions so;
    so.includeSource = true;
    so.sourceText = *source;
    const std::string image = engine::saveSnapshot((*tt)->scheduler(), so);
    std::string error;
    if (!writeAtomically(*out, [&](std::ostream& o) { return bool(o.write(image.data(), std::streamsize(image.size()))); },
                         error))
        return failure("snapshot", error);
    std::cout << "snapshot of tick " << tick << " (after seq " << (*tt)->position() << ") written to " << *out << " ("
              << humanBytes(image.size()) << ")\n";
    return 0;
}

int exportCommand(const std::vector<std::string>& args)
{
    int status = 0;
    auto p = parse("export", args, {"--format", "--out"}, {}, status);
    if (!p)
        return status;
    if (!p->positional.empty())
        return usage("export", "expected exactly one trace file");
    const auto formatName = option(*p, "--format");
    if (!formatName)
        return usage("export", "--format is required (chrome, json or csv)");
    const auto format = debugger::parseExportFormat(*formatName);
    if (!format)
        return usage("export", "unknown format '" + *formatName + "' (expected chrome, json or csv)");
    const auto out = option(*p, "--out");
    if (!out || out->empty())
        return usage("export", "--out needs a file ('-' for standard output)");
    auto trace = debugger::TraceReader::open(p->trace);
    if (!trace)
        return failure("export", trace.error());
    noteUnchecked("export", **trace);
    std::string error;
    auto write = [&](std::ostream& o) {
        auto r = debugger::exportTrace(**trace, *format, o);
        if (!r)
            error = r.error();
        return bool(r);
    };
    if (*out == "-") {
        if (!write(std::cout))
            return failure("export", error);
        return 0;
    }
    if (!writeAtomically(*out, write, error))
        return failure("export", error);
    return 0;
}

int queryCommand(const std::vector<std::string>& args)
{
    int status = 0;
    auto p = parse("query", args, {"--timeout"}, {}, status);
    if (!p)
        return status;
    if (p->positional.size() != 1)
        return usage("query", p->positional.empty() ? "no SQL statement" : "give the SQL as one argument (quote it)");
    debugger::QueryLimits limits;
    if (auto t = option(*p, "--timeout")) {
        uint64_t seconds = 0;
        if (!parseU64(*t, seconds) || seconds > 1'000'000)
            return usage("query", "--timeout needs a whole number of seconds (0: no limit)");
        limits.timeoutSeconds = double(seconds);
    }
    auto trace = debugger::TraceReader::open(p->trace);
    if (!trace)
        return failure("query", trace.error());
    noteUnchecked("query", **trace);
    auto table = debugger::runQuery(**trace, p->positional[0], limits);
    if (!table)
        return failure("query", table.error());
    std::cout << debugger::formatTable(*table);
    std::cout << "(" << table->rows.size() << (table->rows.size() == 1 ? " row" : " rows");
    if (table->truncated)
        std::cout << "; stopped at " << table->why << ": the rest is not shown (add LIMIT or narrow the query)";
    std::cout << ")\n";
    return 0;
}

int infoCommand(const std::vector<std::string>& args)
{
    int status = 0;
    auto p = parse("info", args, {}, {"--check"}, status);
    if (!p)
        return status;
    if (!p->positional.empty())
        return usage("info", "expected exactly one trace file");
    auto trace = debugger::TraceReader::open(p->trace);
    if (!trace)
        return failure("info", trace.error());
    if (hasFlag(*p, "--check") && !(*trace)->integrityChecked())
        if (auto c = (*trace)->checkIntegrity(); !c)
            return failure("info", c.error());
    const debugger::TraceInfo& i = (*trace)->info();
    auto row = [](const char* label, const std::string& value) {
        std::cout << label << std::string(14 - std::string_view(label).size(), ' ') << value << "\n";
    };
    row("trace:", p->trace + " (" + humanBytes(i.fileBytes) + (i.complete ? ", complete" : ", cut off: recording did not finish") + ")");
    row("program:", i.sourceName + " (hash " + hex16(i.programHash) + ")");
    row("seed:", std::to_string(i.seed));
    row("recorded:", i.startTime + ", engine " + i.engineVersion + ", schema " + std::to_string(i.schemaVersion));
    row("duration:", std::to_string(i.finalTick) + (i.finalTick == 1 ? " tick" : " ticks"));
    // The file holds more than messages (outputs, checkpoints, indexes): the
    // figure is the file's size shared out, not a message's own size.
    row("messages:", std::to_string(i.messages) +
                         (i.messages ? " (file size / messages: " + std::to_string(i.fileBytes / i.messages) + " bytes)" : ""));
    row("actors:", std::to_string(i.actors));
    row("crashes:", std::to_string(i.crashes));
    if (i.deadLetters)
        row("dead letters:", std::to_string(i.deadLetters) + " (messages to stopped actors, late answers)");
    // A row is one write (a print call, a warning, an error), which may hold
    // several lines or none.
    row("outputs:", std::to_string(i.outputs) + (i.outputs == 1 ? " write" : " writes") +
                        " to stdout and stderr (print calls, warnings, errors)");
    if (i.worldOutputs)
        row("world:", std::to_string(i.worldOutputs) + " answers to the outside world (responses, frames, calls)");
    row("effects:", std::to_string(i.effects));
    row("checkpoints:", std::to_string(i.checkpoints) +
                            (i.checkpoints ? " (every ~" + std::to_string(i.messages / i.checkpoints) + " messages)" : ""));
    if (i.exitCode)
        row("exit code:", std::to_string(*i.exitCode));
    row("integrity:", (*trace)->integrityChecked()
                          ? std::string("ok (PRAGMA quick_check)")
                          : "not checked (over " + std::to_string(debugger::TraceReader::kIntegrityCheckLimit >> 20) +
                                " MiB; --check checks it, ~10 ms per MiB)");
    return 0;
}

} // namespace aeroflow::cli
