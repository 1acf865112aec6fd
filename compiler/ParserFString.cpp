// f-strings: the parser's side. The lexer made `f"..."` one token; here its
// layout (FString.h) gives the text between the fields and each field's
// expression, which is lexed and parsed on its own at its place in the file,
// so every diagnostic inside a field points at the right column.
#include "FString.h"
#include "FormatSpec.h"
#include "Lexer.h"
#include "Parser.h"
#include "ParserSupport.h"

namespace aeroflow::compiler {

using namespace parser_detail;

namespace {

bool isHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Decodes raw f-string text: escapes as in any string literal, `{{` and `}}`
/// as one brace each.
std::string decodeText(std::string_view src, SourceRange r, DiagnosticSink& sink)
{
    std::string out;
    uint32_t runStart = r.begin;
    auto flush = [&](uint32_t end) {
        if (end > runStart)
            out += decodeStringLiteral(src.substr(runStart, end - runStart), runStart, &sink);
    };
    for (uint32_t i = r.begin; i < r.end;) {
        const char c = src[i];
        if (c == '\\') {
            // As the scanner skips it: `\u{` hex digits `}` whole, any other
            // escape as two bytes.
            uint32_t k = i + 2;
            if (k < r.end && src[i + 1] == 'u' && src[k] == '{') {
                for (++k; k < r.end && k < i + 12 && isHexDigit(src[k]);)
                    ++k;
                if (k < r.end && src[k] == '}')
                    ++k;
            }
            i = k < r.end ? k : r.end;
        } else if ((c == '{' || c == '}') && i + 1 < r.end && src[i + 1] == c) {
            flush(i + 1);
            i += 2;
            runStart = i;
        } else {
            ++i;
        }
    }
    flush(r.end);
    return out;
}

} // namespace

// fstring := 'f' QUOTE { TEXT | '{{' | '}}' | '{' expr [':' spec] '}' } QUOTE
// spec    := { SPECTEXT | '{' expr '}' }
Expr* Parser::parseFString(const Token& t)
{
    DepthGuard guard(m_depth);
    if (m_depth > kMaxDepth) {
        error(t.range, "expression nested too deeply");
        return errorExpr(t.range);
    }
    FStringLayout layout;
    scanFString(m_src, t.range.begin, &layout); // the lexer reported its problems
    auto* e = newExpr<FStringExpr>(ExprKind::FString, t.range);
    if (layout.texts.size() != layout.fields.size() + 1)
        return errorExpr(t.range); // cannot happen for a token the lexer accepted

    std::string templ;
    std::vector<FStringField> fields;
    fields.reserve(layout.fields.size());
    for (size_t i = 0; i < layout.fields.size(); ++i) {
        appendTemplateEscaped(templ, decodeText(m_src, layout.texts[i], m_sink));
        const auto& f = layout.fields[i];
        FStringField out;
        out.range = {f.open, f.close + 1};
        out.value = parseEmbedded(f.expr);
        templ += '{';
        if (f.hasSpec) {
            out.specRange = f.spec;
            // The spec with its fields as `{}`, in the order format() numbers them.
            std::string spec;
            std::vector<Expr*> specArgs;
            uint32_t at = f.spec.begin;
            for (uint32_t k = f.firstNested; k < f.firstNested + f.nestedCount; ++k) {
                const SourceRange whole = layout.nestedFields[k];
                spec.append(m_src.substr(at, whole.begin - at));
                spec += "{}";
                specArgs.push_back(parseEmbedded(layout.nested[k]));
                at = whole.end;
            }
            spec.append(m_src.substr(at, f.spec.end - at));
            out.spec = m_arena.copyString(spec);
            out.specArgs = m_arena.copy(specArgs);
            templ += ':';
            templ += spec;
        }
        templ += '}';
        fields.push_back(out);
    }
    appendTemplateEscaped(templ, decodeText(m_src, layout.texts.back(), m_sink));
    e->fields = m_arena.copy(fields);
    e->templ = m_arena.copyString(templ);
    return e;
}

Expr* Parser::parseEmbedded(SourceRange range)
{
    Lexer lexer(m_file, m_sink);
    const std::vector<Token> tokens = lexer.tokenize(range);
    if (tokens.front().kind == Tok::Eof)
        return errorExpr(range); // an empty field: the lexer reported it
    Parser sub(m_file, tokens, m_arena, m_names, m_sink);
    sub.m_depth = m_depth;
    sub.m_embedded = true;
    sub.m_privateScope = m_privateScope;
    sub.m_part = m_part;
    sub.m_hasPart = m_hasPart;
    Expr* e = sub.parseExpr();
    if (!sub.m_panic && !sub.at(Tok::Eof)) {
        const Token& extra = sub.peek();
        if (extra.kind != Tok::Error)
            sub.error(extra.range, "unexpected '" + std::string(sub.text(extra))
                    + "' in an f-string field (expected '}', or ':' and a format spec)");
    }
    return e;
}

} // namespace aeroflow::compiler
