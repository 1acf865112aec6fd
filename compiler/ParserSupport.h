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

/// A name after `.` or as a map key may be any identifier or keyword.
inline bool isNameLike(Tok t) { return t == Tok::Ident || isKeyword(t); }

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
