#pragma once
// File writing shared by the `aeroflow` commands.

#include "Project.h"

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

/// Reads the other files of a program whose entry file is `entryPath` ("-"
/// for standard input: the current folder) from the disk. Paths stay inside
/// the entry file's folder, also through symbolic links.
compiler::SourceLoader diskSourceLoader(const std::string& entryPath);

/// Compiles the program whose entry file is `path` (with text `text`),
/// reading the files it imports from the disk.
compiler::CompileResult compileEntryFile(const std::string& path, std::string text,
                                         const compiler::CompileOptions& options);

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
