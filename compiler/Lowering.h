#pragma once
// Lowering: a checked AST → the register bytecode of Program.h.

#include "Ast.h"
#include "Diagnostic.h"
#include "Program.h"
#include "Semantic.h"
#include "Types.h"

#include <memory>

namespace aeroflow::compiler {

/// Lowers a module the Checker accepted (no errors in `sink`). Reads the
/// Checker's annotations and writes only Binding::reg. Limits the bytecode
/// cannot express (more than 65535 registers or constants in one function)
/// are reported to `sink` as errors and yield nullptr; so do internal
/// inconsistencies of the tree (reported as "internal compiler error"). Never
/// aborts. The returned Program holds no pointer into the AST, so the arena
/// may die right after.
std::unique_ptr<Program> lower(const Module& module, const SemanticInfo& sema, TypeTable& types,
    const Interner& names, const SourceFile& file, DiagnosticSink& sink);

} // namespace aeroflow::compiler
