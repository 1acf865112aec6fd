#pragma once
// Completion candidates at a position: keywords, builtins, and the
// declarations the compiler's symbol index says are visible there (actors,
// handlers' messages, functions, variables, state fields). Pure; no widgets.

#include "Symbols.h"

#include <QStringList>

namespace aeroflow::studio {

/// Candidates starting with `prefix` (case-sensitive), sorted and unique.
/// `symbols` may be null (no analysis yet): keywords and builtins only.
QStringList completionsAt(const compiler::SymbolIndex* symbols, uint32_t offset, const QString& prefix);

/// Every language keyword, from the compiler's token table.
QStringList keywordList();
/// Global builtin functions and module names.
QStringList builtinList();

} // namespace aeroflow::studio
