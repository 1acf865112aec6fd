#pragma once
// Recursive-descent parser with error recovery. Each parse function opens with
// the grammar rule it implements (STYLE.md, after Lua's lparser.c).

#include "Ast.h"
#include "Diagnostic.h"
#include "Token.h"

#include <vector>

namespace aeroflow::compiler {

class Parser {
public:
    /// All references must outlive the parser; nodes are allocated in `arena`.
    Parser(const SourceFile& file, const std::vector<Token>& tokens, Arena& arena, Interner& names, DiagnosticSink& sink);

    /// Parses the whole file. Never fails: syntax errors are reported to the
    /// sink and the parser resynchronises at the next statement.
    Module parseModule();

    /// Deepest nesting of blocks and expressions accepted (deeper input is an error, never a stack overflow).
    static constexpr int kMaxDepth = 200;

private:
    enum class Context : uint8_t { TopLevel, Function, ActorBody };

    // tokens
    const Token& peek(size_t k = 0) const;
    Tok kind(size_t k = 0) const { return peek(k).kind; }
    bool at(Tok t) const { return kind() == t; }
    bool accept(Tok t);
    const Token& advance();
    bool expect(Tok t, const char* context);
    std::string_view text(const Token& t) const;
    Name nameOf(const Token& t);
    SourceRange prevRange() const;
    void skipNewlines();
    void skipSeparators();

    // errors
    void error(SourceRange r, std::string message);
    /// An error that leaves the parse structure intact (no resynchronising).
    void report(SourceRange r, std::string message);
    void errorExpected(const char* what);
    void synchronize();
    bool endStatement();

    // statements
    Block* parseBlock();
    void parseStatementList(std::vector<Stmt*>& out, Context ctx, bool untilBrace);
    Stmt* parseStatement(Context ctx);
    Stmt* parseLet();
    FnDecl* parseFn(FnKind fnKind);
    void parseParams(std::vector<Param>& out);
    EffectSet parseUses(SourceRange& range);
    Stmt* parseActor();
    Stmt* parseModel();
    Stmt* parseImport();
    Stmt* parseIf();
    Stmt* parseWhile();
    Stmt* parseFor();
    Stmt* parseReturn();
    Stmt* parseRender();
    Stmt* parseExprStatement(Context ctx);
    TypeExpr* parseType();

    // expressions
    Expr* parseExpr();
    Expr* parseBinary(int minPrec);
    Expr* parseUnary();
    Expr* parsePostfix(Expr* e);
    Expr* parsePrimary();
    Expr* parseListLit();
    Expr* parseMapLit();
    Expr* parseTensorLit();
    Expr* parseSpawn();
    Expr* parseMatch();
    Expr* parseLambda();
    Pattern* parsePattern();
    Expr* parseRenderBlock();
    Expr* parseUiElement();
    Expr* errorExpr(SourceRange r);
    Expr* parseIntLiteral(const Token& t, bool negate);
    /// After an error inside `{ ... }` (match arms, map, render, UI element):
    /// skip to the brace that closes the construct, consume it and leave panic
    /// mode, so the error does not cascade into the enclosing block.
    void recoverAtClosingBrace(uint32_t constructBegin);
    /// Skip a balanced construct that is nested deeper than kMaxDepth.
    void skipBalanced(Tok open, Tok close);
    /// Column of the first non-blank character on the line of `offset`.
    uint32_t indentOf(uint32_t offset) const;
    void parseArgs(std::vector<Expr*>& out, Tok close);

    template <class T>
    T* newExpr(ExprKind k, SourceRange r);
    template <class T>
    T* newStmt(StmtKind k, SourceRange r);

    const SourceFile& m_file;
    std::string_view m_src;
    const std::vector<Token>& m_tokens;
    Arena& m_arena;
    Interner& m_names;
    DiagnosticSink& m_sink;
    size_t m_pos = 0;
    int m_depth = 0;
    bool m_panic = false;
    /// Parsing the head of if/while/for/match, where a '{' opens the body:
    /// there `tensor[i] {` is an index followed by the body.
    bool m_inHead = false;
    Expr* parseHeadExpr();
    Name m_nameOk = 0, m_nameErr = 0, m_nameUnderscore = 0, m_nameModel = 0, m_nameTensor = 0, m_nameLambda = 0;
};

/// Lex and parse in one call.
Module parseSource(const SourceFile& file, Arena& arena, Interner& names, DiagnosticSink& sink);

} // namespace aeroflow::compiler
