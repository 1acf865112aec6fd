#pragma once
// Text helpers shared by the compiler, the engine and the tools, so that every
// place that writes AeroFlow text writes it the same way.

#include <cstdint>
#include <string>
#include <string_view>

namespace aeroflow::compiler {

/// Appends the UTF-8 encoding of a Unicode code point (assumed valid).
void appendUtf8(std::string& out, uint32_t codepoint);

/// Appends `text` as an AeroFlow string literal: double quotes, with `\"`, `\\`,
/// `\n`, `\t`, `\r`, `\0` and `\u{..}` escapes, so the result reads back as `text`.
void appendQuoted(std::string& out, std::string_view text);
std::string quoted(std::string_view text);

/// Is `s` an AeroFlow identifier (a letter or `_`, then letters, digits, `_`)?
bool isIdentifier(std::string_view s);

} // namespace aeroflow::compiler
