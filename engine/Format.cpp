// format() and f-strings (Format.h).
#include "Format.h"

#include "Ops.h"
#include "Print.h"
#include "RuntimeError.h"
#include "Text.h"

#include <charconv>
#include <cmath>
#include <vector>

namespace aeroflow::engine {

using compiler::FormatClass;
using compiler::FormatSpec;
using compiler::TemplatePiece;

namespace {

/// The fill repeated `count` times.
void appendFill(std::string& out, uint32_t fill, size_t count)
{
    if (fill < 0x80) {
        out.append(count, char(fill));
        return;
    }
    std::string one;
    compiler::appendUtf8(one, fill);
    for (size_t i = 0; i < count; ++i)
        out += one;
}

/// `body` padded to the spec's width (counted in code points). With '='
/// alignment the padding goes after the first `signLength` bytes (sign and prefix).
void appendPadded(std::string& out, std::string_view body, size_t signLength, const FormatSpec& spec, char align, uint32_t fill)
{
    const size_t length = utf8Length(body);
    const size_t pad = size_t(spec.width) > length ? size_t(spec.width) - length : 0;
    switch (align) {
    case '<':
        out += body;
        appendFill(out, fill, pad);
        break;
    case '^':
        appendFill(out, fill, pad / 2);
        out += body;
        appendFill(out, fill, pad - pad / 2);
        break;
    case '=':
        out += body.substr(0, signLength);
        appendFill(out, fill, pad);
        out += body.substr(signLength);
        break;
    default:
        appendFill(out, fill, pad);
        out += body;
    }
}

/// `digits` with a separator every `group` digits from the right, and, when
/// `minWidth` asks for it, leading zeros (grouped too) until the result is
/// that wide; it never starts with a separator (as Python's zero padding).
std::string grouped(std::string_view digits, char separator, size_t group, size_t minWidth)
{
    std::string r;
    size_t taken = 0, inGroup = 0;
    while (taken < digits.size() || r.size() < minWidth) {
        if (inGroup == group) {
            r += separator;
            inGroup = 0;
        }
        r += taken < digits.size() ? digits[digits.size() - 1 - taken] : '0';
        ++taken;
        ++inGroup;
    }
    return {r.rbegin(), r.rend()};
}

/// A number: sign, prefix (0x...), integer digits and the rest (".25", "e+03",
/// "%"), grouped and padded by the spec.
void appendNumber(std::string& out, std::string_view sign, std::string_view prefix, std::string_view digits,
    std::string_view rest, const FormatSpec& spec, size_t group)
{
    const char align = spec.align ? spec.align : spec.zero ? '=' : '>';
    const uint32_t fill = spec.hasFill ? spec.fill : spec.zero ? '0' : ' ';
    size_t minWidth = 0;
    if (spec.grouping && fill == '0' && align == '=' && !digits.empty()) {
        const size_t fixed = sign.size() + prefix.size() + rest.size();
        minWidth = size_t(spec.width) > fixed ? size_t(spec.width) - fixed : 0;
    }
    std::string body;
    body += sign;
    body += prefix;
    if (spec.grouping && !digits.empty())
        body += grouped(digits, spec.grouping, group, minWidth);
    else
        body += digits;
    body += rest;
    appendPadded(out, body, sign.size() + prefix.size(), spec, align, fill);
}

std::string_view signOf(bool negative, const FormatSpec& spec)
{
    if (negative)
        return "-";
    return spec.sign == '+' ? "+" : spec.sign == ' ' ? " " : "";
}

void appendInt(std::string& out, int64_t x, const FormatSpec& spec)
{
    const char type = spec.type;
    const int base = type == 'x' || type == 'X' ? 16 : type == 'o' ? 8 : type == 'b' ? 2 : 10;
    const uint64_t magnitude = x < 0 ? 0 - uint64_t(x) : uint64_t(x);
    char buf[72];
    const auto r = std::to_chars(buf, buf + sizeof buf, magnitude, base);
    if (type == 'X')
        for (char* p = buf; p != r.ptr; ++p)
            if (*p >= 'a' && *p <= 'f')
                *p = char(*p - 'a' + 'A');
    std::string_view prefix;
    if (spec.alternate)
        prefix = type == 'x' ? "0x" : type == 'X' ? "0X" : type == 'o' ? "0o" : "0b";
    appendNumber(out, signOf(x < 0, spec), prefix, std::string_view(buf, size_t(r.ptr - buf)), "", spec,
        base == 10 ? 3 : 4);
}

void appendFloat(std::string& out, double d, const FormatSpec& spec)
{
    const bool negative = std::signbit(d) && !std::isnan(d);
    const double a = std::fabs(d);
    const char type = spec.type;
    const bool upper = type == 'E';
    std::string text;
    if (std::isnan(a) || std::isinf(a)) {
        text = std::isnan(a) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        if (type == '%')
            text += '%';
        appendNumber(out, signOf(negative, spec), "", "", text, spec, 3);
        return;
    }
    if (type == 0) {
        text = formatFloat(a);
    } else {
        // Room for 309 integer digits of the largest double, the point and
        // the precision (at most kMaxFormatWidth); `%` multiplies by 100 first.
        char buf[compiler::kMaxFormatWidth + 400];
        const int precision = spec.precision >= 0 ? spec.precision : 6;
        std::to_chars_result r{};
        switch (type) {
        case 'e':
        case 'E': r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific, precision); break;
        case 'g': r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::general, precision ? precision : 1); break;
        case '%': r = std::to_chars(buf, buf + sizeof buf, a * 100, std::chars_format::fixed, precision); break;
        default: r = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, precision); break;
        }
        if (r.ec != std::errc())
            fail("format: cannot write the float " + formatFloat(d)); // unreachable: the buffer is large enough
        text.assign(buf, r.ptr);
        if (upper)
            for (char& c : text)
                if (c == 'e')
                    c = 'E';
        if (type == '%' && std::isfinite(a * 100))
            text += '%';
        else if (type == '%')
            text = "inf%";
    }
    size_t intEnd = 0;
    while (intEnd < text.size() && text[intEnd] >= '0' && text[intEnd] <= '9')
        ++intEnd;
    const std::string_view all(text);
    appendNumber(out, signOf(negative, spec), "", all.substr(0, intEnd), all.substr(intEnd), spec, 3);
}

void appendText(std::string& out, std::string_view text, const FormatSpec& spec)
{
    if (spec.precision >= 0 && text.size() > size_t(spec.precision))
        text = text.substr(0, utf8Offset(text, uint32_t(spec.precision)));
    appendPadded(out, text, 0, spec, spec.align ? spec.align : '<', spec.hasFill ? spec.fill : ' ');
}

FormatClass classOf(const Value& v)
{
    return v.isInt() ? FormatClass::Int : v.isFloat() ? FormatClass::Float : FormatClass::Text;
}

/// At most the first 60 bytes of `t` (whole characters), and "..." when cut.
std::string cut(std::string_view t)
{
    constexpr size_t kMax = 60;
    if (t.size() <= kMax)
        return std::string(t);
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(t[n]) & 0xC0) == 0x80)
        --n;
    return std::string(t.substr(0, n)) + "...";
}

/// A template as a runtime error shows it: quoted, and cut when long.
std::string shown(std::string_view t)
{
    const std::string c = cut(t);
    return c.size() < t.size() ? compiler::quoted(c.substr(0, c.size() - 3)) + "..." : compiler::quoted(t);
}

} // namespace

void appendFormatted(std::string& out, const Value& v, const FormatSpec& spec, const compiler::Program* program)
{
    const char type = spec.type;
    const bool asText = type == 's' || !v.isNumber();
    if (asText) {
        if (v.isString())
            appendText(out, asString(v).text, spec);
        else
            appendText(out, toDisplay(v, program), spec);
    } else if (v.isInt() && (type == 0 || type == 'd' || type == 'x' || type == 'X' || type == 'o' || type == 'b')) {
        appendInt(out, v.asInt(), spec);
    } else {
        appendFloat(out, v.toDouble(), spec);
    }
}

Value formatTemplate(const Value* args, uint32_t n, const compiler::Program* program)
{
    if (!args[0].isString())
        fail("format() needs a template string, found " + describeType(args[0]));
    const std::string& t = asString(args[0]).text;
    chargeBytes(t.size());
    // Reused: a template is parsed every time it is formatted (f-strings
    // too), and most are formatted in loops. Nothing below re-enters.
    static thread_local std::vector<TemplatePiece> pieces;
    uint32_t needed = 0;
    if (auto e = compiler::parseTemplate(t, pieces, needed))
        fail("invalid format template " + shown(t) + ": " + e->message);
    if (needed != n - 1)
        fail("format template " + shown(t) + " takes " + std::to_string(needed) + " argument" + (needed == 1 ? "" : "s")
            + ", found " + std::to_string(n - 1));
    std::string out;
    std::string built;
    for (size_t i = 0; i < pieces.size(); ++i) {
        const TemplatePiece& p = pieces[i];
        if (p.kind == TemplatePiece::Kind::Text) {
            out.append(t, p.begin, p.end - p.begin);
            continue;
        }
        if (p.kind != TemplatePiece::Kind::Field)
            continue;
        const Value& v = args[1 + p.arg];
        if (p.specEnd == p.specBegin) { // no spec: the printed form
            appendDisplay(out, v, program);
            continue;
        }
        std::string_view spec = std::string_view(t).substr(p.specBegin, p.specEnd - p.specBegin);
        if (p.nested > 0) {
            // `{:>{}}`: the spec's fields are replaced by their printed forms.
            built.clear();
            uint32_t at = p.specBegin;
            for (size_t k = i + 1; k <= i + p.nested; ++k) {
                built.append(t, at, pieces[k].begin - at);
                appendDisplay(built, args[1 + pieces[k].arg], program);
                at = pieces[k].end;
            }
            built.append(t, at, p.specEnd - at);
            spec = built;
        }
        compiler::FormatSpec parsed;
        if (auto e = compiler::parseFormatSpec(spec, parsed))
            fail("format spec '" + cut(spec) + "': " + e->message);
        if (auto why = compiler::formatMismatch(parsed, classOf(v), describeType(v)))
            fail("format spec '" + cut(spec) + "': " + *why);
        appendFormatted(out, v, parsed, program);
    }
    chargeBytes(out.size());
    return makeString(std::move(out));
}

} // namespace aeroflow::engine
