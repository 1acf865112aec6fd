// f-strings and format(): the templates and specs the program spells out are
// checked here, with the rules the engine applies at run time (FormatSpec.h),
// against the static types of the values where they are known.
#include "Builtins.h"
#include "Checker.h"
#include "FormatSpec.h"

namespace aeroflow::compiler {

/// Maps offsets in a template or spec to the file. A literal with escapes
/// (`"\t{}"`) is longer in the file than its text: `raw` is then its body as
/// written, walked to find where a decoded offset came from.
struct FormatTextMap {
    uint32_t base = 0;      ///< file offset of the text's first byte
    std::string_view raw;   ///< set when offsets must be mapped through escapes

    uint32_t offset(uint32_t decoded) const
    {
        if (raw.empty())
            return base + decoded;
        uint32_t d = 0, r = 0;
        while (r < raw.size() && d < decoded) {
            if (raw[r] != '\\' || r + 1 >= raw.size()) {
                ++r;
                ++d;
                continue;
            }
            if (raw[r + 1] == 'u') { // `\u{HHHH}`: as many bytes as its UTF-8 form
                uint32_t cp = 0, k = r + 3;
                for (; k < raw.size() && raw[k] != '}'; ++k)
                    cp = cp * 16 + uint32_t(raw[k] <= '9' ? raw[k] - '0' : (raw[k] | 0x20) - 'a' + 10);
                d += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                r = k + 1;
            } else {
                r += 2;
                ++d;
            }
        }
        return base + r;
    }
    SourceRange range(uint32_t begin, uint32_t end) const
    {
        const uint32_t b = offset(begin);
        return {b, std::max(offset(end), b + 1)};
    }
};

namespace {

/// The class of values of static type `t`, or nullopt when unknown (`any`).
std::optional<FormatClass> formatClassOf(const TypeTable& types, TypeId t)
{
    switch (types.kind(t)) {
    case TypeKind::Any: return std::nullopt;
    case TypeKind::Int: return FormatClass::Int;
    case TypeKind::Float: return FormatClass::Float;
    default: return FormatClass::Text;
    }
}

} // namespace

void Checker::checkFormatSpec(std::string_view spec, const FormatTextMap& where, uint32_t specOffset, const Expr* value)
{
    FormatSpec parsed;
    if (auto e = parseFormatSpec(spec, parsed)) {
        error(where.range(specOffset + e->begin, specOffset + e->end), std::move(e->message));
        return;
    }
    if (!value || value->kind == ExprKind::Error)
        return;
    const auto c = formatClassOf(m_types, value->type);
    if (!c)
        return;
    if (auto why = formatMismatch(parsed, *c, typeName(value->type)))
        error(where.range(specOffset, specOffset + uint32_t(spec.size())), "format spec '" + std::string(spec) + "': " + *why);
}

TypeId Checker::checkFString(FStringExpr* e)
{
    for (FStringField& f : e->fields) {
        checkExpr(f.value);
        for (Expr* a : f.specArgs)
            checkExpr(a);
        // A spec with fields of its own is known only at run time.
        if (f.specRange.end > f.specRange.begin && f.specArgs.empty())
            checkFormatSpec(f.spec, FormatTextMap{f.specRange.begin, {}}, 0, f.value);
    }
    return m_types.string();
}

void Checker::checkFormatCall(CallExpr* e)
{
    const Expr* t = e->args[0];
    if (t->kind != ExprKind::String) {
        const TypeKind k = m_types.kind(t->type);
        if (k != TypeKind::Any && k != TypeKind::String)
            error(t->range, "format() needs a template string, found " + typeName(t->type));
        return;
    }
    // A literal template: checked now, as an f-string is.
    const std::string_view text = as<StringExpr>(t)->value;
    const std::string_view src = m_file.text();
    FormatTextMap where{t->range.begin, {}};
    const bool quoted = t->range.end >= t->range.begin + 2 && (src[t->range.begin] == '"' || src[t->range.begin] == '\'');
    if (quoted) {
        where.base = t->range.begin + 1;
        const std::string_view body = src.substr(where.base, t->range.end - 1 - where.base);
        if (body.size() != text.size() || body.find('\\') != std::string_view::npos)
            where.raw = body;
    }
    std::vector<TemplatePiece> pieces;
    uint32_t needed = 0;
    if (auto err = parseTemplate(text, pieces, needed)) {
        error(quoted ? where.range(err->begin, err->end) : t->range, std::move(err->message));
        return;
    }
    const uint32_t given = e->args.size() - 1;
    if (needed != given) {
        error(t->range, "format template takes " + std::to_string(needed) + " argument" + (needed == 1 ? "" : "s")
                + ", found " + std::to_string(given));
        return;
    }
    for (const TemplatePiece& p : pieces) {
        if (p.kind != TemplatePiece::Kind::Field || p.nested > 0)
            continue;
        checkFormatSpec(text.substr(p.specBegin, p.specEnd - p.specBegin), quoted ? where : FormatTextMap{t->range.begin, {}},
            quoted ? p.specBegin : 0, e->args[p.arg + 1]);
    }
}

} // namespace aeroflow::compiler
