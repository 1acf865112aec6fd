#pragma once
// File writing shared by the `aeroflow` commands.

#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace aeroflow::cli {

/// Writes through a temporary file and renames, so a failed write never
/// leaves half a file under the user's name. `error` says why on failure.
/// The whole content of `file`; nullopt when it cannot be read (or is a directory).
std::optional<std::string> readWholeFile(const std::string& file);

bool writeAtomically(const std::string& path, const std::function<bool(std::ostream&)>& write, std::string& error);

} // namespace aeroflow::cli
