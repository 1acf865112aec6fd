#pragma once
// The serving options of `aeroflow run` and `aeroflow resume`: the limits of
// the outside world (io::LiveWorldOptions) on the command line, and their help.

#include "LiveWorld.h"

#include <string>
#include <vector>

namespace aeroflow::cli {

/// Parses one serving option at args[i] into `options`: 1 when consumed (i
/// moved past its value), 0 when args[i] is not one, -1 with `error` set on
/// a bad or missing value.
int parseServeOption(const std::vector<std::string>& args, size_t& i, io::LiveWorldOptions& options,
                     std::string& error);

} // namespace aeroflow::cli
