#pragma once
// Internal to the parser (Parser.cpp, ParserExpr.cpp): depth accounting and
// node construction shared by the statement and expression halves.

#include "Parser.h"

namespace aeroflow::compiler::parser_detail {

/// Raises the nesting depth for the lifetime of a parse function.
struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(++d) {}
    ~DepthGuard() { --depth; }
};

/// Each operator of a left-associative chain (`a + b + c`, `a.b.c`, `f()()`)
/// makes the tree one level deeper without the parser recursing, but the
/// Checker and Lowering recurse over the tree. A chain therefore counts one
/// nesting level per kChainPerLevel operators, which keeps every tree within
/// kChainPerLevel * kMaxDepth levels. (Found while fuzzing: `1+1+...+1` with
/// 4,000 operators, an 8 KB input, overflowed the Checker's stack under ASan,
/// and 15,000 did in a release build; tests/fuzz/corpus/regress_long_*.aefl.)
constexpr int kChainPerLevel = 8;

/// Restores the nesting depth a chain raised, on every way out.
struct ChainDepth {
    int& depth;
    const int saved;
    int operators = 0;
    explicit ChainDepth(int& d) : depth(d), saved(d) {}
    ~ChainDepth() { depth = saved; }
    /// Counts one more operator; false when the chain is now too deep.
    bool add(int limit) { return ++operators % kChainPerLevel != 0 || ++depth <= limit; }
};

/// Precedence of a binary operator token (higher binds tighter), 0 if none.
inline int binaryPrecedence(Tok t)
{
    switch (t) {
    case Tok::KwOr:
    case Tok::OrOr: return 1;
    case Tok::KwAnd:
    case Tok::AndAnd: return 2;
    case Tok::Eq:
    case Tok::Ne:
    case Tok::Lt:
    case Tok::Le:
    case Tok::Gt:
    case Tok::Ge:
    case Tok::KwIn: return 3;
    case Tok::DotDot: return 4;
    case Tok::Plus:
    case Tok::Minus: return 5;
    case Tok::Star:
    case Tok::Slash:
    case Tok::Percent: return 6;
    default: return 0;
    }
}

/// A name after `.` or as a map key may be any identifier or keyword.
inline bool isNameLike(Tok t) { return t == Tok::Ident || isKeyword(t); }
/// Words that are special only in one position (`from M import x`, `state x`
/// in an actor, `model "..."` in an agent, `time` where no variable of that
/// name is visible): anywhere a name is expected they are names.
inline bool isContextualKeyword(Tok t)
{
    return t == Tok::KwFrom || t == Tok::KwTime || t == Tok::KwState || t == Tok::KwModel;
}

} // namespace aeroflow::compiler::parser_detail

namespace aeroflow::compiler {

template <class T>
T* Parser::newExpr(ExprKind k, SourceRange r)
{
    T* n = m_arena.make<T>();
    n->kind = k;
    n->range = r;
    return n;
}

template <class T>
T* Parser::newStmt(StmtKind k, SourceRange r)
{
    T* n = m_arena.make<T>();
    n->kind = k;
    n->range = r;
    return n;
}

} // namespace aeroflow::compiler
