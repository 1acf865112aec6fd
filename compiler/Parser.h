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
    /// Parses only `part` of the file (one file of a combined program text).
    /// Names starting with '_' (other than '_' itself) become private to
    /// `privateScope` (Interner::internPrivate) unless it is 0.
    Module parseModule(SourceRange part, uint32_t privateScope);

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
    Stmt* parseRecord();
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
    Expr* parseFString(const Token& t);
    /// An expression embedded in an f-string: `range` lexed and parsed alone.
    Expr* parseEmbedded(SourceRange range);
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
    /// Call arguments: like parseArgs, and `name: value` arguments (records)
    /// whose names go to `names` (left empty when every argument is positional).
    void parseCallArgs(std::vector<Expr*>& out, std::vector<ArgName>& names);

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
    /// Inside an actor, screen or agent body (its members: `on`, `state`).
    int m_actorBodies = 0;
    /// Indentation (column) of the line that opened the innermost block.
    uint32_t m_blockIndent = 1;
    /// Set when a block was found unclosed because a member of the
    /// enclosing actor (or a top-level declaration) appeared inside it: the
    /// enclosing blocks return without an error of their own until the
    /// actor body (or the top level) takes over again.
    bool m_unwinding = false;
    /// Opening braces of blocks whose closing '}' was indented unlike the
    /// line that opened them: the likely place of a missing '}'.
    struct Misindented {
        uint32_t open;  ///< offset of the '{'
        uint32_t close; ///< offset of its '}'
    };
    std::vector<Misindented> m_misindented;
    /// Whether the next token starts a member of an actor body (`on`,
    /// `state`) or a top-level declaration at the start of a line: inside a
    /// block that means a '}' is missing.
    bool atForeignMember() const;
    /// Reports the block opened at `open` as unclosed, or rather a block
    /// nested in it whose '}' was misindented (the likelier culprit).
    void reportUnclosed(SourceRange open);
    /// Parsing the expression of an f-string field (parseEmbedded): its end is a '}' or ':'.
    bool m_embedded = false;
    Expr* parseHeadExpr();
    /// An identifier or a contextual keyword (isContextualKeyword).
    bool atName() const;
    /// At a contextual keyword that the next token makes a name (`from = 1`,
    /// `state += x`, `model.run(x)`), not the start of its declaration.
    bool usedAsName() const;
    /// At a reserved word where a name (`what`) is expected: reports that
    /// the word is reserved and returns true; otherwise false, reporting nothing.
    bool reservedAsName(const char* what);
    Name m_nameOk = 0, m_nameErr = 0, m_nameUnderscore = 0, m_nameModel = 0, m_nameTensor = 0, m_nameLambda = 0;
    /// Files of a program: the scope of this file's private names (0: none).
    uint32_t m_privateScope = 0;
    /// The text this parser reads (the whole file, or one part of it).
    SourceRange m_part;
    bool m_hasPart = false;
    /// `import "./x.aefl"`, `from "./x.aefl" import a, b` (after the keyword).
    Stmt* parseFileImport(const Token& kw, struct ImportStmt* s);
};

/// Lex and parse in one call.
Module parseSource(const SourceFile& file, Arena& arena, Interner& names, DiagnosticSink& sink);
/// The same for one part of a combined text (Parser::parseModule(part, privateScope)).
Module parseSourcePart(const SourceFile& file, SourceRange part, uint32_t privateScope, Arena& arena, Interner& names,
    DiagnosticSink& sink);

} // namespace aeroflow::compiler
