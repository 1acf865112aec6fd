#pragma once
// `aeroflow run FILE [--seed N] [--max-messages N] [--fuel N]`.

#include <string>
#include <vector>

namespace aeroflow::cli {

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
