#include "AeroFlowScanner.h"

#include "Builtins.h"
#include "FString.h"
#include "Lexer.h"

#include <array>

namespace aeroflow::studio {

namespace {

using compiler::Tok;

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (unsigned char)c >= 0x80; }
bool isIdentChar(char c) { return isIdentStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Keywords after which the next identifier is a declared name, and its style.
TokenStyle nameStyleAfter(Tok kw)
{
    switch (kw) {
    case Tok::KwActor:
    case Tok::KwScreen:
    case Tok::KwAgent:
    case Tok::KwModel:
    case Tok::KwSpawn: return TokenStyle::TypeName;
    case Tok::KwOn: return TokenStyle::HandlerName;
    case Tok::KwFn: return TokenStyle::FunctionName;
    default: return TokenStyle::Default;
    }
}

class LineScanner {
public:
    LineScanner(std::string_view line, ScanState state) : m_line(line), m_state(state) {}

    ScannedLine run()
    {
        ScannedLine out;
        out.depthAtStart = m_state.braceDepth;
        int32_t minDepth = m_state.braceDepth;
        while (m_pos < m_line.size()) {
            if (m_state.inBlockComment) {
                blockCommentBody();
                continue;
            }
            const char c = m_line[m_pos];
            const char n = m_pos + 1 < m_line.size() ? m_line[m_pos + 1] : '\0';
            if (c == '#' || (c == '/' && n == '/')) {
                add(m_line.size() - m_pos, TokenStyle::Comment);
            } else if (c == '/' && n == '*') {
                m_state.inBlockComment = true;
                const size_t begin = m_pos;
                m_pos += 2;
                blockCommentBody(begin);
            } else if (c == '"' || c == '\'') {
                string(c);
            } else if (c == 'f' && (n == '"' || n == '\'')) {
                fstring();
            } else if (isDigit(c)) {
                number();
            } else if (isIdentStart(c)) {
                word();
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                size_t e = m_pos;
                while (e < m_line.size() && (m_line[e] == ' ' || m_line[e] == '\t' || m_line[e] == '\r' || m_line[e] == '\n'))
                    ++e;
                add(e - m_pos, TokenStyle::Default);
            } else {
                if (c == '{')
                    ++m_state.braceDepth;
                else if (c == '}') {
                    --m_state.braceDepth;
                    minDepth = std::min(minDepth, m_state.braceDepth);
                }
                if (c != '(') // `spawn(Counter)`: keep naming across the paren
                    m_state.nameNext = TokenStyle::Default;
                add(1, TokenStyle::Operator);
            }
        }
        out.tokens = std::move(m_tokens);
        out.end = m_state;
        // A line like `} else {` closes and reopens: it heads a fold too.
        out.opensFold = m_state.braceDepth > minDepth;
        if (m_state.braceDepth < 0)
            out.end.braceDepth = 0;
        return out;
    }

private:
    void add(size_t length, TokenStyle style)
    {
        m_tokens.push_back({uint32_t(m_pos), uint32_t(length), style});
        m_pos += length;
    }

    void blockCommentBody(size_t begin = std::string_view::npos)
    {
        if (begin == std::string_view::npos)
            begin = m_pos;
        const size_t close = m_line.find("*/", m_pos);
        const size_t end = close == std::string_view::npos ? m_line.size() : close + 2;
        if (close != std::string_view::npos)
            m_state.inBlockComment = false;
        m_pos = begin;
        add(end - begin, TokenStyle::Comment);
    }

    void string(char quote)
    {
        size_t e = m_pos + 1;
        while (e < m_line.size() && m_line[e] != quote && m_line[e] != '\n' && m_line[e] != '\r')
            e += m_line[e] == '\\' && e + 1 < m_line.size() ? 2 : 1;
        const bool closed = e < m_line.size() && m_line[e] == quote;
        add((closed ? e + 1 : e) - m_pos, closed ? TokenStyle::String : TokenStyle::Error);
        m_state.nameNext = TokenStyle::Default;
    }

    /// `f"..."` ends where the compiler says: quotes, braces and `#` inside
    /// its fields (`f"{m["k"]} {n:#x}"`) are part of it.
    void fstring()
    {
        const compiler::FStringScan scan = compiler::scanFString(m_line, uint32_t(m_pos), nullptr);
        add(scan.end - m_pos, scan.terminated ? TokenStyle::String : TokenStyle::Error);
        m_state.nameNext = TokenStyle::Default;
    }

    void number()
    {
        size_t e = m_pos;
        while (e < m_line.size() && (isIdentChar(m_line[e])
                                     || (m_line[e] == '.' && e + 1 < m_line.size() && isDigit(m_line[e + 1]))
                                     || ((m_line[e] == '-' || m_line[e] == '+') && (m_line[e - 1] == 'e' || m_line[e - 1] == 'E')
                                         && !(m_line[m_pos] == '0' && m_pos + 1 < m_line.size() && (m_line[m_pos + 1] == 'x' || m_line[m_pos + 1] == 'X')))))
            ++e;
        add(e - m_pos, TokenStyle::Number);
        m_state.nameNext = TokenStyle::Default;
    }

    void word()
    {
        size_t e = m_pos;
        while (e < m_line.size() && isIdentChar(m_line[e]))
            ++e;
        const std::string_view w = m_line.substr(m_pos, e - m_pos);
        const Tok kind = compiler::Lexer::keywordKind(w);
        if (kind != Tok::Ident) {
            add(w.size(), TokenStyle::Keyword);
            m_state.nameNext = nameStyleAfter(kind);
            return;
        }
        TokenStyle style = TokenStyle::Identifier;
        if (m_state.nameNext != TokenStyle::Default)
            style = m_state.nameNext;
        else if (isBuiltinName(w))
            style = TokenStyle::Builtin;
        add(w.size(), style);
        m_state.nameNext = TokenStyle::Default;
    }

    std::string_view m_line;
    ScanState m_state;
    size_t m_pos = 0;
    std::vector<ScannedToken> m_tokens;
};

} // namespace

const char* tokenStyleName(TokenStyle style)
{
    static constexpr std::array<const char*, size_t(TokenStyle::Count)> names = {
        "default", "comment", "keyword", "string", "number", "operator",
        "identifier", "typeName", "handlerName", "functionName", "builtin", "error"};
    return size_t(style) < names.size() ? names[size_t(style)] : "default";
}

ScannedLine scanLine(std::string_view line, ScanState state) { return LineScanner(line, state).run(); }

bool isBuiltinName(std::string_view word)
{
#define AEROFLOW_STUDIO_GLOBAL(id, name, ...) name,
    static constexpr std::string_view globals[] = {AEROFLOW_GLOBAL_BUILTINS(AEROFLOW_STUDIO_GLOBAL)};
#undef AEROFLOW_STUDIO_GLOBAL
#define AEROFLOW_STUDIO_MODULE(id, module, ...) module,
    static constexpr std::string_view modules[] = {AEROFLOW_MODULE_BUILTINS(AEROFLOW_STUDIO_MODULE)};
#undef AEROFLOW_STUDIO_MODULE
    for (std::string_view g : globals)
        if (g == word)
            return true;
    for (std::string_view m : modules)
        if (m == word)
            return true;
    return false;
}

} // namespace aeroflow::studio
