#pragma once
// The trace commands of `aeroflow` (issue 4): replay, snapshot, export,
// query, info; and openRecorder() for `aeroflow run --record TRACE`.

#include "Recorder.h"

#include <memory>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::cli {

extern const char* const kReplaySynopsis;
extern const char* const kReplayHelp;
int replayCommand(const std::vector<std::string>& args);

extern const char* const kSnapshotSynopsis;
extern const char* const kSnapshotHelp;
int snapshotCommand(const std::vector<std::string>& args);

extern const char* const kExportSynopsis;
extern const char* const kExportHelp;
int exportCommand(const std::vector<std::string>& args);

extern const char* const kQuerySynopsis;
extern const char* const kQueryHelp;
int queryCommand(const std::vector<std::string>& args);

extern const char* const kInfoSynopsis;
extern const char* const kInfoHelp;
int infoCommand(const std::vector<std::string>& args);

/// For `aeroflow run FILE --record TRACE` (and its spelling `--log TRACE`):
/// creates TRACE (replacing it) with the program's source, seed and limits.
/// Null with `error` set ("cannot write trace 'x': ...") when it cannot.
///
///   auto rec = openRecorder(path, program, sourceText, options, error);
///   if (!rec) { std::cerr << "aeroflow run: " << error << "\n"; return 1; }
///   options.observer = rec.get();                 // before building the Scheduler
///   engine::Scheduler s(program, std::move(options), output);
///   rec->attach(s);                               // checkpoints need the scheduler
///   s.start();
///   while (!rec->failed() && s.step())
///       rec->afterStep();                         // takes checkpoints between steps
///   auto stats = s.finish();
///   if (!rec->finish(stats)) { std::cerr << "aeroflow run: " << rec->error() << "\n"; return 1; }
///
/// `sourceText` must be exactly the text that was compiled (its hash is the
/// program hash). `options` must already hold seed and limits.
std::unique_ptr<debugger::Recorder> openRecorder(const std::string& path,
                                                 std::shared_ptr<const compiler::Program> program,
                                                 const std::string& sourceText, const engine::RunOptions& options,
                                                 std::string& error);

} // namespace aeroflow::cli
