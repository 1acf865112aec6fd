#pragma once
// The front end in one call: lex, parse, check and lower a source text.
// Pure function of its input; safe to call from any thread (each call has its
// own arena and tables), fast enough to run on every edit in the IDE.

#include "Diagnostic.h"
#include "Program.h"
#include "Symbols.h"

#include <memory>
#include <string>
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

    bool ok() const { return errorCount == 0; }
    /// Every diagnostic as gcc/clang print them, with source line and caret.
    std::string formatDiagnostics(bool withSnippets = true) const;
};

/// Compiles `text`, shown in messages as `name`.
CompileResult compile(std::string name, std::string text, const CompileOptions& options = {});

/// True for the source file extensions the tools accept (`.aefl`, `.af`).
bool isSourceFileName(const std::string& path);

} // namespace aeroflow::compiler
