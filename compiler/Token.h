#pragma once
// Tokens of AeroFlow. One X-macro list drives the enum and the spellings.

#include "Source.h"

#include <cstdint>
#include <string_view>

namespace aeroflow::compiler {

// X(Name, spelling). Keywords come in one contiguous block (KwFirst..KwLast).
#define AEROFLOW_TOKENS(X)                                                     \
    X(Eof, "end of file")                                                      \
    X(Newline, "newline")                                                      \
    X(Error, "invalid token")                                                  \
    X(Ident, "identifier")                                                     \
    X(Int, "integer")                                                          \
    X(Float, "float")                                                          \
    X(String, "string")                                                        \
    X(FString, "f-string")                                                     \
    X(LParen, "(")                                                             \
    X(RParen, ")")                                                             \
    X(LBrace, "{")                                                             \
    X(RBrace, "}")                                                             \
    X(LBracket, "[")                                                           \
    X(RBracket, "]")                                                           \
    X(Comma, ",")                                                              \
    X(Colon, ":")                                                              \
    X(Semicolon, ";")                                                          \
    X(Dot, ".")                                                                \
    X(DotDot, "..")                                                            \
    X(Arrow, "->")                                                             \
    X(FatArrow, "=>")                                                          \
    X(Plus, "+")                                                               \
    X(Minus, "-")                                                              \
    X(Star, "*")                                                               \
    X(Slash, "/")                                                              \
    X(Percent, "%")                                                            \
    X(Assign, "=")                                                             \
    X(PlusAssign, "+=")                                                        \
    X(MinusAssign, "-=")                                                       \
    X(StarAssign, "*=")                                                        \
    X(SlashAssign, "/=")                                                       \
    X(PercentAssign, "%=")                                                     \
    X(Eq, "==")                                                                \
    X(Ne, "!=")                                                                \
    X(Lt, "<")                                                                 \
    X(Le, "<=")                                                                \
    X(Gt, ">")                                                                 \
    X(Ge, ">=")                                                                \
    X(AndAnd, "&&")                                                            \
    X(OrOr, "||")                                                              \
    X(Bang, "!")                                                               \
    X(KwLet, "let")                                                            \
    X(KwMut, "mut")                                                            \
    X(KwFn, "fn")                                                              \
    X(KwPure, "pure")                                                          \
    X(KwUses, "uses")                                                          \
    X(KwReturn, "return")                                                      \
    X(KwActor, "actor")                                                        \
    X(KwState, "state")                                                        \
    X(KwOn, "on")                                                              \
    X(KwSpawn, "spawn")                                                        \
    X(KwScreen, "screen")                                                      \
    X(KwRender, "render")                                                      \
    X(KwAgent, "agent")                                                        \
    X(KwModel, "model")                                                        \
    X(KwFrom, "from")                                                          \
    X(KwImport, "import")                                                      \
    X(KwIf, "if")                                                              \
    X(KwElse, "else")                                                          \
    X(KwFor, "for")                                                            \
    X(KwIn, "in")                                                              \
    X(KwWhile, "while")                                                        \
    X(KwBreak, "break")                                                        \
    X(KwContinue, "continue")                                                  \
    X(KwMatch, "match")                                                        \
    X(KwTrue, "true")                                                          \
    X(KwFalse, "false")                                                        \
    X(KwNil, "nil")                                                            \
    X(KwAnd, "and")                                                            \
    X(KwOr, "or")                                                              \
    X(KwNot, "not")                                                            \
    X(KwSelf, "self")                                                          \
    X(KwTime, "time")

enum class Tok : uint8_t {
#define AEROFLOW_TOKEN_ENUM(name, spelling) name,
    AEROFLOW_TOKENS(AEROFLOW_TOKEN_ENUM)
#undef AEROFLOW_TOKEN_ENUM
        Count,
    KwFirst = KwLet,
    KwLast = KwTime,
};

/// How a token kind reads in a message: `')'`, `identifier`, `keyword 'let'`.
std::string_view tokenSpelling(Tok kind);
inline bool isKeyword(Tok kind) { return kind >= Tok::KwFirst && kind <= Tok::KwLast; }

struct Token {
    Tok kind = Tok::Eof;
    SourceRange range;
};

} // namespace aeroflow::compiler
