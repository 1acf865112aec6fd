#pragma once
// The front end in one call: lex, parse, check and lower a source text.
// Pure function of its input; safe to call from any thread (each call has its
// own arena and tables), fast enough to run on every edit in the IDE.

#include "Diagnostic.h"
#include "Program.h"
#include "Symbols.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {

struct CompileOptions {
    /// Produce bytecode when the program checks clean (off: diagnostics and
    /// symbols only, as the editor needs while typing).
    bool lower = true;
    /// Collect declarations and references for completion and go-to-definition.
    bool symbols = true;
};

struct CompileResult {
    std::shared_ptr<const SourceFile> file;
    std::vector<Diagnostic> diagnostics;     ///< sorted by position
    std::shared_ptr<const Program> program;  ///< null when there are errors (or lowering was off)
    std::shared_ptr<const SymbolIndex> symbols;
    size_t errorCount = 0;

    /// A program of several files (Project.h): all of them as one bundle.
    std::string bundle;

    bool ok() const { return errorCount == 0; }
    /// The text from which compile(file->name(), text) rebuilds this program,
    /// to store in traces, snapshots and builds: the source of a program of
    /// one file, the bundle of a program of several. Its fnv1a64 is the
    /// program's hash.
    std::string_view programSource() const;
    /// Every diagnostic as gcc/clang print them, with source line and caret.
    std::string formatDiagnostics(bool withSnippets = true) const;
};

/// Compiles `text`, shown in messages as `name`. A bundle of several files
/// (Project.h, as programSource() gives) compiles as the program it holds.
CompileResult compile(std::string name, std::string text, const CompileOptions& options = {});

/// Runs a compilation on a thread with a stack large enough for the deepest
/// syntax tree (the caller's may be small), and returns its result.
CompileResult compileOnBigStack(const std::function<CompileResult()>& work);

/// True for the source file extensions the tools accept (`.aefl`, `.af`).
bool isSourceFileName(const std::string& path);

} // namespace aeroflow::compiler
