#pragma once
// `aeroflow run FILE [--seed N] [--max-messages N] [--fuel N]`.

#include <memory>
#include <string>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::cli {

/// Compiles the entry file `name` with text `text` (reading the files it
/// imports beside it) and verifies its bytecode, printing diagnostics to
/// stderr; null when it does not compile (run, build). On success `text`
/// becomes the program's source to store (a bundle for several files).
std::shared_ptr<const compiler::Program> compileChecked(const char* command, const std::string& name,
                                                       std::string& text);

extern const char* const kRunSynopsis;
extern const char* const kRunHelp;
/// Exit status: 0 when the program ran to its end, 1 when it failed to compile,
/// its main program hit a runtime error or the run was cut off, 2 on usage errors.
int runCommand(const std::vector<std::string>& args);

extern const char* const kResumeSynopsis;
extern const char* const kResumeHelp;
/// `aeroflow resume FILE.afs`: continues a run from a snapshot.
int resumeCommand(const std::vector<std::string>& args);

} // namespace aeroflow::cli
