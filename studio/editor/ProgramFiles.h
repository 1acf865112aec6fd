#pragma once
// Programs of several files (`import "./orders.aefl"`) in the Studio: an
// editor's file is the entry file of its program, and the files it imports
// are read from its folder on disk, never from above it, as `aeroflow` does.

#include "Project.h"

#include <QString>

#include <string>

namespace aeroflow::studio {

/// Reads the files a program imports from the folder of `entryPath` (an
/// absolute path of a file on disk). Thread-safe: each call reads anew.
compiler::SourceLoader diskSourceLoader(const QString& entryPath);

/// Compiles the program whose entry file is `fileName` with text `text` (the
/// editor's, maybe unsaved): when `fileName` is a file on disk, the files it
/// imports are read beside it; otherwise the text is compiled alone. The
/// program is named by the file's name (no folders). Any thread.
compiler::CompileResult compileProgram(const QString& fileName, std::string text,
                                       const compiler::CompileOptions& options = {});

} // namespace aeroflow::studio
