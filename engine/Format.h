#pragma once
// format() and f-strings at run time (docs/LANGUAGE.md §7.7). Templates and
// specs are parsed by compiler/FormatSpec, the same code the checker uses;
// numbers are written here with std::to_chars, which rounds exactly (the
// decimal nearest the double, ties to even) and reads no locale, so every
// target prints the same text.

#include "FormatSpec.h"
#include "Value.h"

#include <string>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

/// format(args[0], args[1..n)): the template's text with its fields filled.
/// A bad template, a wrong number of arguments or a spec that does not fit
/// its value is a runtime error (RuntimeError).
Value formatTemplate(const Value* args, uint32_t n, const compiler::Program* program);

/// Appends `v` formatted by `spec`, which must fit it (compiler::formatMismatch).
void appendFormatted(std::string& out, const Value& v, const compiler::FormatSpec& spec, const compiler::Program* program);

} // namespace aeroflow::engine
