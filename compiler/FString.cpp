// The f-string scanner (FString.h). It only finds boundaries: the text, the
// fields and their specs. Expressions are left to the lexer and parser, which
// see them at their place in the file; strings and brackets inside a field are
// skipped so that `{m["}"]}` and `{ {a: 1}.a }` end at the right brace.
#include "FString.h"

namespace aeroflow::compiler {

namespace {

bool isIdentChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool isHexDigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class Scanner {
public:
    Scanner(std::string_view src, FStringLayout* layout, int depth, FStringScan& out)
        : m_src(src), m_layout(layout), m_depth(depth), m_out(out)
    {
    }

    // fstring := 'f' QUOTE { TEXT | ESCAPE | '{{' | '}}' | field } QUOTE
    void fstring(uint32_t begin)
    {
        const char quote = m_src[begin + 1];
        uint32_t i = begin + 2, textStart = i;
        for (;;) {
            if (i >= m_src.size() || m_src[i] == '\n') {
                fatal({begin, i}, "unterminated string literal", i);
                return;
            }
            const char c = m_src[i];
            if (c == quote) {
                addText(textStart, i);
                m_out.end = i + 1;
                m_out.terminated = true;
                return;
            }
            if (c == '\\') {
                i = skipEscape(i);
            } else if ((c == '{' || c == '}') && i + 1 < m_src.size() && m_src[i + 1] == c) {
                i += 2;
            } else if (c == '{') {
                addText(textStart, i);
                if (!field(i, quote, false, i))
                    return;
                textStart = i;
            } else if (c == '}') {
                problem({i, i + 1}, "single '}' in f-string (write '}}' for a literal brace)");
                ++i;
            } else {
                ++i;
            }
        }
    }

private:
    // field := '{' expr [':' { SPECTEXT | '{' expr '}' }] '}'
    // On success `next` is past the '}'. A field inside a spec (`nested`) has no spec.
    bool field(uint32_t open, char quote, bool nested, uint32_t& next)
    {
        uint32_t j = open + 1;
        std::vector<char> brackets;
        for (;;) {
            if (j >= m_src.size() || m_src[j] == '\n')
                return unclosed(open, j);
            const char c = m_src[j];
            if (c == '"' || c == '\'') {
                const bool isF = j > open + 1 && m_src[j - 1] == 'f' && !(j > open + 2 && isIdentChar(m_src[j - 2]));
                if (!(isF ? nestedFString(j - 1, j) : skipString(j, j)))
                    return unclosed(open, j);
                continue;
            }
            if (c == '(' || c == '[' || c == '{') {
                brackets.push_back(c);
            } else if (c == ')' || c == ']') {
                if (!brackets.empty() && brackets.back() == (c == ')' ? '(' : '['))
                    brackets.pop_back();
            } else if (c == '}') {
                // As the lexer does: a '}' closes up to the matching '{'.
                while (!brackets.empty() && brackets.back() != '{')
                    brackets.pop_back();
                if (brackets.empty())
                    break;
                brackets.pop_back();
            } else if (c == ':' && brackets.empty()) {
                break;
            }
            ++j;
        }
        const SourceRange expr{open + 1, j};
        bool blank = true;
        for (uint32_t k = expr.begin; k < expr.end && blank; ++k)
            blank = m_src[k] == ' ' || m_src[k] == '\t' || m_src[k] == '\r';
        FStringSlot f;
        f.open = open;
        f.expr = expr;
        if (m_src[j] == ':') {
            if (nested) {
                // `{x:>{w:3}}`: skip to the brace that closes the inner field.
                const uint32_t colon = j;
                while (j < m_src.size() && m_src[j] != '}' && m_src[j] != '\n' && m_src[j] != quote)
                    ++j;
                if (j >= m_src.size() || m_src[j] != '}')
                    return unclosed(open, j);
                problem({colon, j}, "a field inside a format spec cannot have a spec of its own");
            } else {
                f.hasSpec = true;
                if (!spec(open, j + 1, quote, f, j))
                    return false;
            }
        }
        f.close = j;
        if (blank)
            problem({open, j + 1}, "empty field in f-string: write an expression in the braces, or '{{' and '}}' for braces");
        if (m_layout) {
            if (nested) {
                m_layout->nestedFields.push_back({open, j + 1});
                m_layout->nested.push_back(expr);
            } else {
                m_layout->fields.push_back(f);
            }
        }
        next = j + 1;
        return true;
    }

    // The spec runs from `begin` to the '}' that closes the field.
    bool spec(uint32_t open, uint32_t begin, char quote, FStringSlot& f, uint32_t& end)
    {
        uint32_t k = begin;
        f.firstNested = m_layout ? uint32_t(m_layout->nested.size()) : 0;
        for (;;) {
            if (k >= m_src.size() || m_src[k] == '\n' || m_src[k] == quote)
                return unclosed(open, k);
            const char c = m_src[k];
            if (c == '}')
                break;
            if (c == '{') {
                if (!field(k, quote, true, k))
                    return false;
                ++f.nestedCount;
                continue;
            }
            ++k;
        }
        f.spec = {begin, k};
        end = k;
        return true;
    }

    /// A string literal inside a field; `next` is past its closing quote.
    bool skipString(uint32_t at, uint32_t& next)
    {
        const char quote = m_src[at];
        uint32_t k = at + 1;
        while (k < m_src.size() && m_src[k] != quote && m_src[k] != '\n') {
            if (m_src[k] == '\\' && k + 1 < m_src.size() && m_src[k + 1] != '\n')
                ++k;
            ++k;
        }
        if (k >= m_src.size() || m_src[k] != quote)
            return false;
        next = k + 1;
        return true;
    }

    /// An f-string inside a field. Its own problems are reported when the
    /// field's expression is lexed; only a fatal one matters here.
    bool nestedFString(uint32_t begin, uint32_t& next)
    {
        if (m_depth + 1 >= kMaxFStringNesting) {
            fatal({begin, begin + 2}, "f-strings nested too deeply", begin + 2);
            return false;
        }
        FStringScan inner;
        Scanner(m_src, nullptr, m_depth + 1, inner).fstring(begin);
        if (!inner.terminated) {
            for (auto& p : inner.problems)
                m_out.problems.push_back(std::move(p));
            m_innerFatal = true;
            return false;
        }
        next = inner.end;
        return true;
    }

    /// `\n`, `\"`, `\u{1F600}`: skipped whole, so that the braces of `\u{..}`
    /// are not fields. Decoding (and its errors) is the parser's.
    uint32_t skipEscape(uint32_t i) const
    {
        if (i + 1 >= m_src.size() || m_src[i + 1] == '\n')
            return i + 1;
        if (m_src[i + 1] == 'u' && i + 2 < m_src.size() && m_src[i + 2] == '{') {
            uint32_t k = i + 3;
            while (k < m_src.size() && k < i + 12 && isHexDigit(m_src[k]))
                ++k;
            return k < m_src.size() && m_src[k] == '}' ? k + 1 : k;
        }
        return i + 2;
    }

    bool unclosed(uint32_t open, uint32_t at)
    {
        if (!m_innerFatal)
            fatal({open, open + 1}, "unterminated '{' in f-string (missing '}')", at);
        else
            stopAtEndOfLine(at);
        return false;
    }

    void fatal(SourceRange r, std::string message, uint32_t at)
    {
        problem(r, std::move(message));
        m_innerFatal = true;
        stopAtEndOfLine(at);
    }

    void stopAtEndOfLine(uint32_t at)
    {
        while (at < m_src.size() && m_src[at] != '\n')
            ++at;
        m_out.end = at;
        m_out.terminated = false;
    }

    void problem(SourceRange r, std::string message) { m_out.problems.push_back({r, std::move(message)}); }

    void addText(uint32_t begin, uint32_t end)
    {
        if (m_layout)
            m_layout->texts.push_back({begin, end});
    }

    std::string_view m_src;
    FStringLayout* m_layout;
    int m_depth;
    FStringScan& m_out;
    bool m_innerFatal = false;
};

} // namespace

FStringScan scanFString(std::string_view src, uint32_t begin, FStringLayout* layout)
{
    FStringScan out;
    if (layout)
        *layout = {};
    if (begin + 1 >= src.size()) {
        out.end = uint32_t(src.size());
        return out;
    }
    Scanner(src, layout, 0, out).fstring(begin);
    return out;
}

} // namespace aeroflow::compiler
