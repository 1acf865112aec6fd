#pragma once
// The AeroFlow lexer: source text → tokens. Newlines are tokens (they end
// statements) except inside parentheses and brackets.

#include "Diagnostic.h"
#include "Token.h"

#include <vector>

namespace aeroflow::compiler {

class Lexer {
public:
    /// `file` and `sink` must outlive the lexer.
    Lexer(const SourceFile& file, DiagnosticSink& sink);

    /// The whole file as tokens; always ends with exactly one Eof. Lexical
    /// errors are reported to the sink and produce Tok::Error tokens.
    std::vector<Token> tokenize();
    /// The tokens of `range` alone (the expression of an f-string field),
    /// at their offsets in the file; ends with one Eof at `range.end`.
    std::vector<Token> tokenize(SourceRange range);

    /// Keyword kind for a spelling, or Tok::Ident.
    static Tok keywordKind(std::string_view word);

private:
    std::vector<Token> run();
    void skipSpaceAndComments();
    bool nextLineStartsDeclaration() const;
    Token lexNumber();
    bool rejectSuffix();
    Token lexString(char quote);
    Token lexFString(uint32_t begin);
    Token lexIdent();
    Token lexPunct();
    Token make(Tok kind, uint32_t begin) const { return {kind, {begin, m_pos}}; }

    const SourceFile& m_file;
    std::string_view m_src;
    DiagnosticSink& m_sink;
    uint32_t m_pos = 0;
    std::vector<char> m_delims; // open ( [ { to decide whether a newline counts
};

/// Keywords that can only begin a statement or declaration (never continue an
/// expression): the lexer and the parser resynchronise on them.
bool beginsStatement(Tok t);

/// Decode the body of a string token (between its quotes); reports bad escapes.
std::string decodeStringLiteral(std::string_view body, uint32_t bodyOffset, DiagnosticSink* sink);

} // namespace aeroflow::compiler
