#pragma once
// `aeroflow build FILE --target T --out OUT`: ahead-of-time compilation.

#include <string>
#include <vector>

namespace aeroflow::cli {

extern const char* const kBuildSynopsis;
extern const char* const kBuildHelp;
/// Exit status: 0 when OUT was written, 1 when the program does not compile or
/// the object cannot be emitted or linked, 2 on usage errors.
int buildCommand(const std::vector<std::string>& args);

} // namespace aeroflow::cli
