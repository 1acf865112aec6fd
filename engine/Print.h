#pragma once
// Printed forms of values (docs/LANGUAGE.md §16): what print, str, string
// concatenation and join produce, and the indented text of UI trees that the
// command line shows for render. Every walk is iterative (any depth); inside
// a handler the text is charged as work while it grows (OutputMeter).

#include "Value.h"

#include <string>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

/// Shortest text that reads back as the same double, always with a `.` or an
/// exponent: 2.0, 0.1, 1e+20, inf, -inf, nan.
std::string formatFloat(double d);

/// The printed form of `v`. Strings are raw at the top level and quoted
/// inside collections. `program` names actor types and messages (may be null).
std::string toDisplay(const Value& v, const compiler::Program* program);
/// Appends the quoted form (a string as a literal, everything else as toDisplay).
void appendRepr(std::string& out, const Value& v, const compiler::Program* program);
/// Appends the printed form (toDisplay) without building it apart first.
void appendDisplay(std::string& out, const Value& v, const compiler::Program* program);

/// Whether `v` is a UI node or a non-empty list of them (what a render block yields).
bool isUiTree(const Value& v);
/// One line per UI node, children indented by two spaces:
///   Column
///     Text "Sign in"
///     Input placeholder="User name" bind=userName ""
std::string formatUiTree(const Value& v, const compiler::Program* program);
/// What `render { ... }` (and a screen's render) outputs for the block's
/// value: a UI tree as formatUiTree; a list of items one after the other,
/// each tree as a tree and any other value as print shows it (a string as
/// its text); any other value as print shows it.
std::string formatRenderBlock(const Value& v, const compiler::Program* program);

} // namespace aeroflow::engine
