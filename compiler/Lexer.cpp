#include "Lexer.h"

#include "FString.h"
#include "Text.h"

#include <array>

namespace aeroflow::compiler {

namespace {

bool isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

constexpr std::string_view kSpellings[] = {
#define AEROFLOW_TOKEN_SPELLING(name, spelling) spelling,
    AEROFLOW_TOKENS(AEROFLOW_TOKEN_SPELLING)
#undef AEROFLOW_TOKEN_SPELLING
};

} // namespace

bool beginsStatement(Tok t)
{
    switch (t) {
    case Tok::KwLet:
    case Tok::KwMut:
    case Tok::KwFn:
    case Tok::KwPure:
    case Tok::KwActor:
    case Tok::KwScreen:
    case Tok::KwAgent:
    case Tok::KwImport:
    case Tok::KwFrom:
    case Tok::KwIf:
    case Tok::KwWhile:
    case Tok::KwFor:
    case Tok::KwReturn:
    case Tok::KwState:
    case Tok::KwOn:
        return true;
    default:
        return false;
    }
}

std::string_view tokenSpelling(Tok kind)
{
    return kind < Tok::Count ? kSpellings[size_t(kind)] : std::string_view("?");
}

Tok Lexer::keywordKind(std::string_view w)
{
    // Keywords are few; switch on length and first letter before comparing.
    if (w.size() < 2 || w.size() > 8)
        return Tok::Ident;
    for (size_t k = size_t(Tok::KwFirst); k <= size_t(Tok::KwLast); ++k) {
        if (kSpellings[k].size() == w.size() && kSpellings[k][0] == w[0] && kSpellings[k] == w)
            return Tok(k);
    }
    return Tok::Ident;
}

Lexer::Lexer(const SourceFile& file, DiagnosticSink& sink)
    : m_file(file), m_src(file.text()), m_sink(sink)
{
}

void Lexer::skipSpaceAndComments()
{
    while (m_pos < m_src.size()) {
        const char c = m_src[m_pos];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++m_pos;
        } else if (c == '#' || (c == '/' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] == '/')) {
            while (m_pos < m_src.size() && m_src[m_pos] != '\n')
                ++m_pos;
        } else if (c == '/' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] == '*') {
            const uint32_t begin = m_pos;
            m_pos += 2;
            bool closed = false;
            while (m_pos + 1 < m_src.size()) {
                if (m_src[m_pos] == '*' && m_src[m_pos + 1] == '/') {
                    m_pos += 2;
                    closed = true;
                    break;
                }
                ++m_pos;
            }
            if (!closed) {
                m_pos = static_cast<uint32_t>(m_src.size());
                m_sink.error({begin, begin + 2}, "unterminated block comment (missing '*/')");
            }
        } else if (c == '\\' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] == '\n') {
            m_pos += 2; // explicit line continuation
        } else if (c == '\\' && m_pos + 2 < m_src.size() && m_src[m_pos + 1] == '\r' && m_src[m_pos + 2] == '\n') {
            m_pos += 3; // the same with CRLF line endings
        } else {
            return;
        }
    }
}

std::vector<Token> Lexer::tokenize()
{
    if (m_src.substr(0, 3) == "\xEF\xBB\xBF")
        m_pos = 3; // a UTF-8 byte order mark, as some editors write
    return run();
}

std::vector<Token> Lexer::tokenize(SourceRange range)
{
    m_src = m_file.text().substr(0, range.end);
    m_pos = range.begin;
    return run();
}

std::vector<Token> Lexer::run()
{
    std::vector<Token> out;
    out.reserve((m_src.size() - m_pos) / 3 + 8); // typical code: one token per ~3 bytes (measured)
    for (;;) {
        skipSpaceAndComments();
        if (m_pos >= m_src.size())
            break;
        const char c = m_src[m_pos];
        if (c == '\n') {
            const uint32_t begin = m_pos++;
            bool inParens = !m_delims.empty() && m_delims.back() != '{';
            if (inParens && nextLineStartsDeclaration()) {
                // An unclosed '(' or '[' (typing in the editor): a line that
                // starts a declaration cannot continue the expression, so
                // newlines count again from here.
                while (!m_delims.empty() && m_delims.back() != '{')
                    m_delims.pop_back();
                inParens = false;
            }
            // Collapse blank lines; never start the file with a newline.
            if (!inParens && !out.empty() && out.back().kind != Tok::Newline)
                out.push_back({Tok::Newline, {begin, begin + 1}});
            continue;
        }
        Token t;
        if (isDigit(c))
            t = lexNumber();
        else if (isIdentStart(c))
            t = c == 'f' && m_pos + 1 < m_src.size() && (m_src[m_pos + 1] == '"' || m_src[m_pos + 1] == '\'')
                ? lexFString(m_pos)
                : lexIdent();
        else if (c == '"' || c == '\'')
            t = lexString(c);
        else
            t = lexPunct();
        out.push_back(t);
    }
    const auto end = static_cast<uint32_t>(m_src.size());
    out.push_back({Tok::Eof, {end, end}});
    return out;
}

bool Lexer::nextLineStartsDeclaration() const
{
    uint32_t p = m_pos;
    while (p < m_src.size() && (m_src[p] == ' ' || m_src[p] == '\t' || m_src[p] == '\r'))
        ++p;
    const uint32_t begin = p;
    while (p < m_src.size() && isIdentChar(m_src[p]))
        ++p;
    return beginsStatement(keywordKind(m_src.substr(begin, p - begin)));
}

// Letters glued to a number (`12abc`, `0x1g`): one error for the whole suffix.
bool Lexer::rejectSuffix()
{
    if (m_pos >= m_src.size() || !isIdentStart(m_src[m_pos]))
        return false;
    const uint32_t bad = m_pos;
    while (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
        ++m_pos;
    m_sink.error({bad, m_pos}, "invalid suffix '" + std::string(m_src.substr(bad, m_pos - bad)) + "' on number");
    return true;
}

Token Lexer::lexNumber()
{
    const uint32_t begin = m_pos;
    if (m_src[m_pos] == '0' && m_pos + 1 < m_src.size() && (m_src[m_pos + 1] == 'x' || m_src[m_pos + 1] == 'X')) {
        m_pos += 2;
        bool anyDigit = false;
        while (m_pos < m_src.size() && (isHexDigit(m_src[m_pos]) || m_src[m_pos] == '_')) {
            anyDigit = anyDigit || m_src[m_pos] != '_';
            ++m_pos;
        }
        if (!anyDigit) {
            m_sink.error({begin, m_pos}, "hexadecimal literal needs at least one digit after '0x'");
            return make(Tok::Error, begin);
        }
        return rejectSuffix() ? make(Tok::Error, begin) : make(Tok::Int, begin);
    }
    bool isFloat = false;
    while (m_pos < m_src.size() && (isDigit(m_src[m_pos]) || m_src[m_pos] == '_'))
        ++m_pos;
    // `1.5` is a float; `0..10` is 0 then `..`; `1.foo` is 1 then `.foo`.
    if (m_pos + 1 < m_src.size() && m_src[m_pos] == '.' && isDigit(m_src[m_pos + 1])) {
        isFloat = true;
        ++m_pos;
        while (m_pos < m_src.size() && (isDigit(m_src[m_pos]) || m_src[m_pos] == '_'))
            ++m_pos;
    }
    if (m_pos < m_src.size() && (m_src[m_pos] == 'e' || m_src[m_pos] == 'E')) {
        uint32_t p = m_pos + 1;
        if (p < m_src.size() && (m_src[p] == '+' || m_src[p] == '-'))
            ++p;
        if (p < m_src.size() && isDigit(m_src[p])) {
            isFloat = true;
            m_pos = p;
            while (m_pos < m_src.size() && isDigit(m_src[m_pos]))
                ++m_pos;
        }
    }
    if (rejectSuffix())
        return make(Tok::Error, begin);
    return make(isFloat ? Tok::Float : Tok::Int, begin);
}

Token Lexer::lexString(char quote)
{
    const uint32_t begin = m_pos++;
    while (m_pos < m_src.size()) {
        const char c = m_src[m_pos];
        if (c == quote) {
            ++m_pos;
            return make(Tok::String, begin);
        }
        if (c == '\n')
            break;
        if (c == '\\' && m_pos + 1 < m_src.size() && m_src[m_pos + 1] != '\n')
            ++m_pos;
        ++m_pos;
    }
    m_sink.error({begin, m_pos}, "unterminated string literal");
    return make(Tok::Error, begin);
}

Token Lexer::lexIdent()
{
    const uint32_t begin = m_pos;
    while (m_pos < m_src.size() && isIdentChar(m_src[m_pos]))
        ++m_pos;
    return make(keywordKind(m_src.substr(begin, m_pos - begin)), begin);
}

// `f"..."`: one token; its fields are lexed and parsed by the parser
// (Parser::parseFString), which scans it again for their places.
Token Lexer::lexFString(uint32_t begin)
{
    FStringScan scan = scanFString(m_src, begin, nullptr);
    for (auto& p : scan.problems)
        m_sink.error(p.range, std::move(p.message));
    m_pos = scan.end;
    return make(scan.terminated ? Tok::FString : Tok::Error, begin);
}

Token Lexer::lexPunct()
{
    const uint32_t begin = m_pos;
    const char c = m_src[m_pos++];
    const char n = m_pos < m_src.size() ? m_src[m_pos] : '\0';
    auto two = [&](Tok kind) {
        ++m_pos;
        return make(kind, begin);
    };
    auto closeDelim = [&](char open) {
        // Pop up to the matching opener so an unbalanced ')' cannot make the
        // rest of the file one long line.
        for (size_t i = m_delims.size(); i-- > 0;) {
            if (m_delims[i] == open) {
                m_delims.resize(i);
                break;
            }
            if (m_delims[i] == '{' && open != '{')
                break;
        }
    };
    switch (c) {
    case '(': m_delims.push_back('('); return make(Tok::LParen, begin);
    case ')': closeDelim('('); return make(Tok::RParen, begin);
    case '[': m_delims.push_back('['); return make(Tok::LBracket, begin);
    case ']': closeDelim('['); return make(Tok::RBracket, begin);
    case '{': m_delims.push_back('{'); return make(Tok::LBrace, begin);
    case '}': closeDelim('{'); return make(Tok::RBrace, begin);
    case ',': return make(Tok::Comma, begin);
    case ':': return make(Tok::Colon, begin);
    case ';': return make(Tok::Semicolon, begin);
    case '.': return n == '.' ? two(Tok::DotDot) : make(Tok::Dot, begin);
    case '+': return n == '=' ? two(Tok::PlusAssign) : make(Tok::Plus, begin);
    case '-':
        if (n == '>')
            return two(Tok::Arrow);
        return n == '=' ? two(Tok::MinusAssign) : make(Tok::Minus, begin);
    case '*': return n == '=' ? two(Tok::StarAssign) : make(Tok::Star, begin);
    case '/': return n == '=' ? two(Tok::SlashAssign) : make(Tok::Slash, begin);
    case '%': return n == '=' ? two(Tok::PercentAssign) : make(Tok::Percent, begin);
    case '=':
        if (n == '=')
            return two(Tok::Eq);
        return n == '>' ? two(Tok::FatArrow) : make(Tok::Assign, begin);
    case '!': return n == '=' ? two(Tok::Ne) : make(Tok::Bang, begin);
    case '<': return n == '=' ? two(Tok::Le) : make(Tok::Lt, begin);
    case '>': return n == '=' ? two(Tok::Ge) : make(Tok::Gt, begin);
    case '&':
        if (n == '&')
            return two(Tok::AndAnd);
        break;
    case '|':
        if (n == '|')
            return two(Tok::OrOr);
        break;
    default: break;
    }
    // Skip the rest of a UTF-8 sequence so one bad character is one error.
    while (m_pos < m_src.size() && (static_cast<unsigned char>(m_src[m_pos]) & 0xC0) == 0x80)
        ++m_pos;
    std::string shown;
    if (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f)
        shown = std::string("'") + c + "'";
    else
        shown = "byte 0x" + std::string(1, "0123456789abcdef"[(static_cast<unsigned char>(c) >> 4) & 15])
            + std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) & 15]);
    if (c == '&' || c == '|')
        m_sink.error({begin, m_pos}, "unexpected " + shown + " (did you mean '" + std::string(2, c) + "'?)");
    else
        m_sink.error({begin, m_pos}, "unexpected character " + shown);
    return make(Tok::Error, begin);
}

std::string decodeStringLiteral(std::string_view body, uint32_t bodyOffset, DiagnosticSink* sink)
{
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c != '\\' || i + 1 >= body.size()) {
            out += c;
            continue;
        }
        const char e = body[++i];
        switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case '\\': out += '\\'; break;
        case '"': out += '"'; break;
        case '\'': out += '\''; break;
        case 'u': {
            // \u{1F600}
            size_t j = i + 1;
            uint32_t cp = 0;
            bool ok = j < body.size() && body[j] == '{';
            size_t digits = 0;
            if (ok) {
                for (++j; j < body.size() && body[j] != '}'; ++j, ++digits) {
                    if (!isHexDigit(body[j]) || digits >= 6) {
                        ok = false;
                        break;
                    }
                    const char h = body[j];
                    cp = cp * 16 + uint32_t(isDigit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
                }
                ok = ok && j < body.size() && digits > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
            }
            if (!ok) {
                if (sink)
                    sink->error({bodyOffset + uint32_t(i) - 1, bodyOffset + uint32_t(i) + 1},
                        "invalid unicode escape (write \\u{XXXX} with 1 to 6 hex digits)");
                break;
            }
            i = j;
            appendUtf8(out, cp);
            break;
        }
        default:
            if (sink)
                sink->error({bodyOffset + uint32_t(i) - 1, bodyOffset + uint32_t(i) + 1},
                    std::string("unknown escape sequence '\\") + e + "'");
            out += e;
        }
    }
    return out;
}

} // namespace aeroflow::compiler
