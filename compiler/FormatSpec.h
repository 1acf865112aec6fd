#pragma once
// The format mini-language of f-strings and format() (docs/LANGUAGE.md §7.7):
// templates (`"{} has {:>8.2f}"`), specs (`>8.2f`) and which specs fit which
// values. The Checker uses it on literal templates and f-strings, the engine
// at run time, so both accept the same texts and say the same words.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {

/// One parsed spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`
/// (the grouping option may also come before `0` and the width).
struct FormatSpec {
    uint32_t fill = ' ';      ///< a code point; only meaningful with `align`
    bool hasFill = false;
    char align = 0;           ///< '<' '>' '^' '=' or 0 (numbers right, text left)
    char sign = 0;            ///< '+' '-' ' ' or 0 (same as '-')
    bool alternate = false;   ///< '#': 0x / 0X / 0o / 0b before the digits
    bool zero = false;        ///< '0' before the width: fill '0', align '='
    char grouping = 0;        ///< ',' '_' or 0
    int32_t width = 0;        ///< in code points; 0 = none
    int32_t precision = -1;   ///< -1 = none
    char type = 0;            ///< one of kFormatTypes, or 0
};

/// The types a spec may end with.
inline constexpr std::string_view kFormatTypes = "sdfeEg%xXob";
/// Widths and precisions above this are errors (they would only make huge strings).
inline constexpr int32_t kMaxFormatWidth = 1000;

/// Where a template or spec is wrong: a byte range of its text, and why.
struct FormatError {
    uint32_t begin = 0;
    uint32_t end = 0;
    std::string message;
};

/// Parses the text of a spec (what follows ':' in a field, nested fields
/// already replaced). Checks the spec on its own (`#` only with x/X/o/b, no
/// precision for ints, ...); whether it fits a value is formatMismatch's.
std::optional<FormatError> parseFormatSpec(std::string_view text, FormatSpec& out);

/// How the formatting rules see a value: ints, floats, and everything else,
/// which is formatted as its printed form (strings, bools, nil, lists, ...).
enum class FormatClass : uint8_t { Int, Float, Text };

/// Why `spec` cannot format a value of class `c` whose type is called
/// `typeName` ("'f' needs a number, found string"), or nullopt when it can.
std::optional<std::string> formatMismatch(const FormatSpec& spec, FormatClass c, std::string_view typeName);

/// One piece of a parsed template, all offsets into the template text.
struct TemplatePiece {
    enum class Kind : uint8_t {
        Text,   ///< literal text [begin, end) with no brace escapes left in it
        Field,  ///< a field: argument `arg`, spec [specBegin, specEnd); its `nested` fields follow it
        Nested, ///< a field inside the preceding Field's spec: [begin, end) is `{...}`
    } kind = Kind::Text;
    uint32_t begin = 0;
    uint32_t end = 0;
    uint32_t arg = 0;
    uint32_t specBegin = 0;
    uint32_t specEnd = 0;
    uint32_t nested = 0;      ///< Field: how many Nested pieces follow
};

/// Parses a format() template: `{{` and `}}` are braces, `{}` / `{N}` a field
/// with an optional `:spec`, and a spec may hold fields of its own (one level:
/// `{:>{}}`). Fields are all automatic or all numbered. On success `out` holds
/// the pieces and `argCount` how many arguments the template takes.
std::optional<FormatError> parseTemplate(std::string_view text, std::vector<TemplatePiece>& out, uint32_t& argCount);

/// `text` as template text: braces doubled.
void appendTemplateEscaped(std::string& out, std::string_view text);

} // namespace aeroflow::compiler
