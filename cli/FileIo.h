#pragma once
// File writing shared by the `aeroflow` commands.

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace aeroflow::cli {

/// Writes through a temporary file and renames, so a failed write never
/// leaves half a file under the user's name. `error` says why on failure.
/// The whole content of `file`; nullopt when it cannot be read (or is a directory).
std::optional<std::string> readWholeFile(const std::string& file);

bool writeAtomically(const std::string& path, const std::function<bool(std::ostream&)>& write, std::string& error);

/// What a command is about to write (to check an existing file against).
enum class OutputKind { Trace, Snapshot, Executable, Object, Json, Csv };

/// Why `out` must not be written, or empty when it may: it is the same file
/// as one of `inputs` (by device and inode, so links and other spellings are
/// caught), or it exists, is not empty and is not already a file of `kind`
/// (checked by its first bytes) and `force` is not set. Never touches `out`.
std::string refuseOutput(const std::string& out, const std::vector<std::string>& inputs, OutputKind kind,
                         bool force);

} // namespace aeroflow::cli
