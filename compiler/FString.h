#pragma once
// The layout of an f-string literal, `f"total: {sum:>8.2f}"`: where its text,
// fields, expressions and format specs are. The lexer scans an f-string with it
// to find where the token ends (and reports what is wrong with its braces);
// the parser scans it again to parse each field's expression with the real
// parser, at its own position in the file.

#include "Source.h"

#include <string>
#include <vector>

namespace aeroflow::compiler {

struct FStringSlot {
    uint32_t open = 0;        ///< offset of its '{'
    uint32_t close = 0;       ///< offset of its '}'
    SourceRange expr;         ///< the expression's text
    bool hasSpec = false;
    SourceRange spec;         ///< the spec's text, after ':' (fields in it included)
    uint32_t firstNested = 0; ///< index into FStringLayout::nested
    uint32_t nestedCount = 0;
};

struct FStringLayout {
    /// The text around the fields, raw (escapes and `{{` `}}` undecoded):
    /// one more than there are fields.
    std::vector<SourceRange> texts;
    std::vector<FStringSlot> fields;
    /// Fields inside specs (`{x:>{w}}`): each one's `{` to its `}` inclusive,
    /// and its expression.
    std::vector<SourceRange> nestedFields;
    std::vector<SourceRange> nested;
};

struct FStringProblem {
    SourceRange range;
    std::string message;
};

struct FStringScan {
    uint32_t end = 0;         ///< one past the closing quote, or the end of the line when unterminated
    bool terminated = false;  ///< false: a fatal problem (the literal or a field never ends)
    std::vector<FStringProblem> problems;
};

/// f-strings nested inside fields of f-strings, at most.
inline constexpr int kMaxFStringNesting = 32;

/// Scans the f-string whose `f` is at `begin` in `src` (its quote follows).
/// Fills `layout` when given. Never reads past the end of the line.
FStringScan scanFString(std::string_view src, uint32_t begin, FStringLayout* layout);

} // namespace aeroflow::compiler
