// The format mini-language (FormatSpec.h). Every message here is shown both
// by the checker (on literal templates and f-strings) and at run time.
#include "FormatSpec.h"

namespace aeroflow::compiler {

namespace {

bool isAlign(char c) { return c == '<' || c == '>' || c == '^' || c == '='; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIntType(char t) { return t == 'd' || t == 'x' || t == 'X' || t == 'o' || t == 'b'; }
bool isFloatType(char t) { return t == 'f' || t == 'e' || t == 'E' || t == 'g' || t == '%'; }

/// Length of the UTF-8 sequence that starts at s[i] (1 for ASCII and for a
/// stray byte, so that any text parses).
size_t sequenceLength(std::string_view s, size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + n > s.size())
        return 1;
    for (size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
            return 1;
    return n;
}

uint32_t decode(std::string_view s, size_t i, size_t n)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (n == 1)
        return c;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return cp;
}

FormatError at(size_t begin, size_t end, std::string message)
{
    return {uint32_t(begin), uint32_t(end), std::move(message)};
}

std::string quote(char c) { return std::string("'") + c + "'"; }

constexpr const char* kSpecShape = "[[fill]align][sign][#][0][width][,|_][.precision][type]";

} // namespace

// spec := [[fill]align][sign][#][,|_][0][width][,|_][.precision][type]
std::optional<FormatError> parseFormatSpec(std::string_view t, FormatSpec& out)
{
    out = {};
    size_t i = 0;
    size_t alignAt = 0, signAt = 0, hashAt = 0, zeroAt = 0, groupAt = 0, precAt = 0, typeAt = 0;
    if (!t.empty()) {
        const size_t n = sequenceLength(t, 0);
        if (n < t.size() && isAlign(t[n])) {
            out.fill = decode(t, 0, n);
            out.hasFill = true;
            out.align = t[n];
            alignAt = n;
            i = n + 1;
        } else if (isAlign(t[0])) {
            out.align = t[0];
            i = 1;
        }
    }
    if (i < t.size() && (t[i] == '+' || t[i] == '-' || t[i] == ' ')) {
        signAt = i;
        out.sign = t[i++];
    }
    if (i < t.size() && t[i] == '#') {
        hashAt = i++;
        out.alternate = true;
    }
    auto grouping = [&]() -> std::optional<FormatError> {
        if (i >= t.size() || (t[i] != ',' && t[i] != '_'))
            return std::nullopt;
        if (out.grouping)
            return at(i, i + 1, "digits are grouped once: ',' or '_', not both");
        groupAt = i;
        out.grouping = t[i++];
        return std::nullopt;
    };
    if (auto e = grouping())
        return e;
    if (i < t.size() && t[i] == '0') {
        zeroAt = i++;
        out.zero = true;
    }
    auto number = [&](const char* what, int32_t& value) -> std::optional<FormatError> {
        const size_t begin = i;
        int64_t v = 0;
        while (i < t.size() && isDigit(t[i])) {
            if (v <= kMaxFormatWidth)
                v = v * 10 + (t[i] - '0');
            ++i;
        }
        if (v > kMaxFormatWidth) {
            const std::string_view digits = t.substr(begin, i - begin);
            return at(begin, i, std::string("format ") + what + " "
                    + (digits.size() > 12 ? std::string(digits.substr(0, 12)) + "..." : std::string(digits))
                    + " is too large (at most " + std::to_string(kMaxFormatWidth) + ")");
        }
        value = int32_t(v);
        return std::nullopt;
    };
    if (auto e = number("width", out.width))
        return e;
    if (auto e = grouping())
        return e;
    if (i < t.size() && t[i] == '.') {
        precAt = i++;
        if (i >= t.size() || !isDigit(t[i]))
            return at(precAt, i, "expected digits after '.' in a format spec");
        if (auto e = number("precision", out.precision))
            return e;
    }
    if (i < t.size()) {
        const char c = t[i];
        const bool last = i + 1 == t.size();
        if (kFormatTypes.find(c) != std::string_view::npos) {
            typeAt = i++;
            out.type = c;
        } else if (last && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            return at(i, i + 1, "unknown format type " + quote(c) + " (expected s, d, f, e, E, g, %, x, X, o or b)");
        }
    }
    if (i < t.size() && t[i] == '\\')
        return at(i, i + 1, "a format spec cannot contain '\\' (escapes are not decoded there: write the character itself)");
    if (i < t.size()) {
        const size_t n = sequenceLength(t, i);
        return at(i, i + n, "unexpected '" + std::string(t.substr(i, n)) + "' in a format spec (a spec is " + kSpecShape
                + ")");
    }

    // Combinations that fit no value at all.
    const char ty = out.type;
    if (out.alternate && !(ty == 'x' || ty == 'X' || ty == 'o' || ty == 'b'))
        return at(hashAt, hashAt + 1, "'#' (a 0x, 0o or 0b prefix) needs the type x, X, o or b");
    if (out.precision >= 0 && isIntType(ty))
        return at(precAt, typeAt + 1, "a precision cannot be used with " + quote(ty) + " (an int has no digits after the point)");
    if (out.grouping == ',' && (ty == 'x' || ty == 'X' || ty == 'o' || ty == 'b'))
        return at(groupAt, groupAt + 1, "',' cannot group " + quote(ty) + " digits (use '_', which groups them by 4)");
    if (ty == 's') {
        auto text = [&](size_t pos, const std::string& what) {
            return at(pos, pos + 1, what + " cannot be used with 's' (text)");
        };
        if (out.sign)
            return text(signAt, "a sign");
        if (out.zero)
            return text(zeroAt, "'0' padding");
        if (out.grouping)
            return text(groupAt, quote(out.grouping) + " grouping");
        if (out.align == '=')
            return text(alignAt, "'=' alignment");
    }
    return std::nullopt;
}

std::optional<std::string> formatMismatch(const FormatSpec& spec, FormatClass c, std::string_view typeName)
{
    const char ty = spec.type;
    const std::string found = ", found " + std::string(typeName);
    switch (c) {
    case FormatClass::Int:
        if (ty == 0 && spec.precision >= 0)
            return "an int takes no precision; write '." + std::to_string(spec.precision)
                + "f' to show it with digits after the point";
        return std::nullopt;
    case FormatClass::Float:
        if (isIntType(ty))
            return quote(ty) + " needs an int" + found + " (use '.0f' to show a float without decimals)";
        if (ty == 0 && spec.precision >= 0) {
            const std::string p = "'." + std::to_string(spec.precision);
            return "a precision on a float needs a type: " + p + "f' (digits after the point), " + p + "e' or " + p
                + "g' (significant digits)";
        }
        return std::nullopt;
    case FormatClass::Text:
        if (isIntType(ty))
            return quote(ty) + " needs an int" + found;
        if (isFloatType(ty))
            return quote(ty) + " needs a number" + found;
        if (spec.sign)
            return "a sign (" + quote(spec.sign) + ") needs a number" + found;
        if (spec.zero)
            return "'0' padding needs a number" + found;
        if (spec.grouping)
            return quote(spec.grouping) + " grouping needs a number" + found;
        if (spec.align == '=')
            return "'=' alignment needs a number" + found;
        return std::nullopt;
    }
    return std::nullopt;
}

// template := { TEXT | '{{' | '}}' | field }
// field    := '{' [DIGITS] [':' { SPECTEXT | '{' [DIGITS] '}' }] '}'
std::optional<FormatError> parseTemplate(std::string_view t, std::vector<TemplatePiece>& out, uint32_t& argCount)
{
    out.clear();
    argCount = 0;
    enum class Numbering : uint8_t { Unknown, Automatic, Numbered } numbering = Numbering::Unknown;
    uint32_t next = 0;     // the next automatic argument
    uint32_t highest = 0;  // 1 + the highest numbered argument
    const size_t n = t.size();

    // `{` [DIGITS] at `open`; on success `j` is past the digits and `arg` set.
    auto fieldNumber = [&](size_t open, size_t& j, uint32_t& arg) -> std::optional<FormatError> {
        j = open + 1;
        const size_t begin = j;
        uint32_t v = 0;
        while (j < n && isDigit(t[j])) {
            if (v <= 100000)
                v = v * 10 + uint32_t(t[j] - '0');
            ++j;
        }
        const Numbering kind = j > begin ? Numbering::Numbered : Numbering::Automatic;
        if (numbering != Numbering::Unknown && numbering != kind)
            return at(open, j < n ? j + 1 : j, "cannot mix automatic {} and numbered {0} fields in one template");
        numbering = kind;
        if (kind == Numbering::Numbered) {
            if (v > 9999)
                return at(begin, j, "format field number " + std::string(t.substr(begin, j - begin)) + " is too large");
            arg = v;
            highest = std::max(highest, v + 1);
        } else {
            arg = next++;
        }
        return std::nullopt;
    };
    auto unclosed = [&](size_t open) {
        return at(open, open + 1, "unterminated '{' in format template (write '{{' for a literal brace)");
    };
    auto notANumber = [&](size_t open, size_t j) {
        size_t e = j;
        while (e < n && t[e] != '}' && t[e] != ':' && t[e] != '{')
            ++e;
        return at(open, e < n && t[e] == '}' ? e + 1 : e,
            "format fields are positional: write {} or {0}, not {" + std::string(t.substr(open + 1, e - open - 1)) + "}");
    };

    size_t i = 0, textStart = 0;
    auto flushText = [&](size_t end) {
        if (end > textStart)
            out.push_back({TemplatePiece::Kind::Text, uint32_t(textStart), uint32_t(end)});
    };
    while (i < n) {
        const char c = t[i];
        if (c != '{' && c != '}') {
            ++i;
            continue;
        }
        if (i + 1 < n && t[i + 1] == c) { // `{{` or `}}`: keep one
            flushText(i + 1);
            i += 2;
            textStart = i;
            continue;
        }
        if (c == '}')
            return at(i, i + 1, "single '}' in format template (write '}}' for a literal brace)");
        flushText(i);
        const size_t open = i;
        size_t j = 0;
        TemplatePiece field{TemplatePiece::Kind::Field, uint32_t(open)};
        if (auto e = fieldNumber(open, j, field.arg))
            return e;
        if (j >= n)
            return unclosed(open);
        const size_t fieldIndex = out.size();
        out.push_back(field);
        if (t[j] == ':') {
            const size_t specBegin = ++j;
            while (j < n && t[j] != '}') {
                if (t[j] != '{') {
                    ++j;
                    continue;
                }
                const size_t nestedOpen = j;
                TemplatePiece nested{TemplatePiece::Kind::Nested, uint32_t(nestedOpen)};
                if (auto e = fieldNumber(nestedOpen, j, nested.arg))
                    return e;
                if (j >= n)
                    return unclosed(nestedOpen);
                if (t[j] != '}') {
                    if (t[j] == ':' || t[j] == '{')
                        return at(nestedOpen, j + 1, "a field inside a format spec holds only {} or {N}, with no spec of its own");
                    return notANumber(nestedOpen, j);
                }
                nested.end = uint32_t(++j);
                out.push_back(nested);
                ++out[fieldIndex].nested;
            }
            if (j >= n)
                return unclosed(open);
            out[fieldIndex].specBegin = uint32_t(specBegin);
            out[fieldIndex].specEnd = uint32_t(j);
        } else if (t[j] != '}') {
            return notANumber(open, j);
        }
        out[fieldIndex].end = uint32_t(++j);
        i = textStart = j;
    }
    flushText(n);
    argCount = numbering == Numbering::Numbered ? highest : next;
    return std::nullopt;
}

void appendTemplateEscaped(std::string& out, std::string_view text)
{
    for (char c : text) {
        out += c;
        if (c == '{' || c == '}')
            out += c;
    }
}

} // namespace aeroflow::compiler
