#include "Parser.h"
#include "ParserSupport.h"

#include "Lexer.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace aeroflow::compiler {

using namespace parser_detail;

// ------------------------------------------------------------------ tokens --

const Token& Parser::peek(size_t k) const
{
    const size_t i = m_pos + k;
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back();
}

const Token& Parser::advance()
{
    const Token& t = m_tokens[m_pos];
    if (m_pos + 1 < m_tokens.size())
        ++m_pos;
    return t;
}

bool Parser::accept(Tok t)
{
    if (!at(t))
        return false;
    advance();
    return true;
}

std::string_view Parser::text(const Token& t) const { return m_src.substr(t.range.begin, t.range.end - t.range.begin); }
Name Parser::nameOf(const Token& t)
{
    const std::string_view spelling = text(t);
    if (m_privateScope && spelling.size() > 1 && spelling[0] == '_')
        return m_names.internPrivate(spelling, m_privateScope);
    return m_names.intern(spelling);
}

bool Parser::atName() const { return at(Tok::Ident) || isContextualKeyword(kind()); }

bool Parser::usedAsName() const
{
    switch (kind(1)) {
    case Tok::Assign:
    case Tok::PlusAssign:
    case Tok::MinusAssign:
    case Tok::StarAssign:
    case Tok::SlashAssign:
    case Tok::Dot:
    case Tok::LParen:
    case Tok::LBracket:
    case Tok::Newline:
    case Tok::Semicolon:
    case Tok::RBrace:
    case Tok::Eof: return true;
    default: return binaryPrecedence(kind(1)) > 0;
    }
}

bool Parser::reservedAsName(const char* what)
{
    if (!isKeyword(kind()))
        return false;
    error(peek().range, "'" + std::string(text(peek())) + "' is a reserved word and cannot be " + what +
                            " (the reserved words are listed in LANGUAGE.md, section 2.4)");
    return true;
}

SourceRange Parser::prevRange() const
{
    return m_pos > 0 ? m_tokens[m_pos - 1].range : m_tokens[0].range;
}

void Parser::skipNewlines()
{
    while (at(Tok::Newline))
        advance();
}

void Parser::skipSeparators()
{
    while (at(Tok::Newline) || at(Tok::Semicolon) || at(Tok::Comma))
        advance();
}

// ------------------------------------------------------------------ errors --

void Parser::error(SourceRange r, std::string message)
{
    if (m_panic)
        return; // one error per broken statement; the rest would be noise
    m_panic = true;
    m_sink.error(r, std::move(message));
}

void Parser::report(SourceRange r, std::string message)
{
    if (!m_panic)
        m_sink.error(r, std::move(message));
}

void Parser::errorExpected(const char* what)
{
    const Token& t = peek();
    if (t.kind == Tok::Error) {
        m_panic = true; // the lexer already reported it
        return;
    }
    std::string message = "expected ";
    message += what;
    message += ", found ";
    SourceRange where = t.range;
    if (t.kind == Tok::Eof && m_embedded && t.range.begin < m_src.size()) {
        message += '\'';
        message += m_src[t.range.begin]; // the '}' or ':' that ends an f-string field
        message += '\'';
        where.end = where.begin + 1;
    } else if (t.kind == Tok::Eof || t.kind == Tok::Newline) {
        message += tokenSpelling(t.kind);
    } else {
        message += '\'';
        message += text(t);
        message += '\'';
    }
    error(where, std::move(message));
}

bool Parser::expect(Tok t, const char* context)
{
    if (accept(t))
        return true;
    std::string what = "'" + std::string(tokenSpelling(t)) + "'";
    if (context && *context)
        what += std::string(" ") + context;
    errorExpected(what.c_str());
    return false;
}

// Skip to the end of the broken statement: a newline or ';' at this brace
// depth, or the '}' that closes the enclosing block.
void Parser::synchronize()
{
    int depth = 0;
    while (!at(Tok::Eof)) {
        const Tok k = kind();
        if (depth == 0 && (k == Tok::Newline || k == Tok::Semicolon)) {
            advance();
            break;
        }
        if (k == Tok::LBrace)
            ++depth;
        else if (k == Tok::RBrace) {
            if (depth == 0)
                break;
            --depth;
        }
        advance();
    }
    m_panic = false;
}

// A statement ends at a newline, ';', '}' or the end of the file; one that
// ends in a block ('}') may be followed directly by the next statement.
bool Parser::endStatement()
{
    if (at(Tok::Newline) || at(Tok::Semicolon)) {
        while (at(Tok::Newline) || at(Tok::Semicolon))
            advance();
        return true;
    }
    if (at(Tok::RBrace) || at(Tok::Eof))
        return true;
    if (m_pos > 0 && m_tokens[m_pos - 1].kind == Tok::RBrace)
        return true;
    errorExpected("newline or ';' after statement");
    return false;
}

// -------------------------------------------------------------- statements --

Module parseSource(const SourceFile& file, Arena& arena, Interner& names, DiagnosticSink& sink)
{
    Lexer lexer(file, sink);
    const std::vector<Token> tokens = lexer.tokenize();
    Parser parser(file, tokens, arena, names, sink);
    return parser.parseModule();
}

Module parseSourcePart(const SourceFile& file, SourceRange part, uint32_t privateScope, Arena& arena, Interner& names,
    DiagnosticSink& sink)
{
    Lexer lexer(file, sink);
    const std::vector<Token> tokens = lexer.tokenize(part);
    Parser parser(file, tokens, arena, names, sink);
    return parser.parseModule(part, privateScope);
}

Module Parser::parseModule(SourceRange part, uint32_t privateScope)
{
    m_part = part;
    m_hasPart = true;
    m_privateScope = privateScope;
    return parseModule();
}

// module := { statement sep }
Module Parser::parseModule()
{
    if (!m_hasPart)
        m_part = {0, static_cast<uint32_t>(m_src.size())};
    auto* main = newStmt<FnDecl>(StmtKind::Fn, m_part);
    main->fnKind = FnKind::Main;
    main->name = m_names.intern("<main>");
    std::vector<Stmt*> stmts;
    skipSeparators();
    while (!at(Tok::Eof)) {
        m_unwinding = false;
        parseStatementList(stmts, Context::TopLevel, false);
        if (at(Tok::RBrace)) {
            error(peek().range, "unmatched '}'");
            advance();
            m_panic = false;
            skipSeparators();
        }
    }
    auto* body = newStmt<Block>(StmtKind::Block, main->range);
    body->stmts = m_arena.copy(stmts);
    main->body = body;
    return Module{main};
}

void Parser::parseStatementList(std::vector<Stmt*>& out, Context ctx, bool untilBrace)
{
    while (!at(Tok::Eof) && !at(Tok::RBrace)) {
        // A handler or field of the enclosing actor, or a new top-level
        // declaration, inside a block: a '}' is missing before it. End the
        // block here (it reports the missing brace) instead of reporting
        // "'on' is only allowed inside an actor" inside an actor.
        if (ctx == Context::Function && atForeignMember())
            break;
        if (ctx == Context::TopLevel)
            m_unwinding = false;
        const size_t start = m_pos;
        Stmt* s = parseStatement(ctx);
        if (s && m_panic) {
            // A broken statement would only add follow-up errors in the
            // checker. Keep what declares a name, without its broken parts.
            if (s->kind == StmtKind::Let) {
                auto* let = as<LetStmt>(s);
                let->typeAnn = nullptr;
                let->init = errorExpr(let->range);
            } else if (s->kind != StmtKind::Fn && s->kind != StmtKind::Actor) {
                s = nullptr;
            }
        }
        if (s)
            out.push_back(s);
        // After an unclosed block that stopped at the next member or
        // declaration there is no separator to expect: that is parsed next.
        if (m_panic || (!m_unwinding && !endStatement()))
            synchronize();
        if (m_pos == start)
            advance(); // guarantee progress on any input
        skipSeparators();
    }
    (void)untilBrace;
}

// block := '{' { statement sep } '}'
Block* Parser::parseBlock()
{
    DepthGuard guard(m_depth);
    const SourceRange open = peek().range;
    auto* block = newStmt<Block>(StmtKind::Block, open);
    if (!expect(Tok::LBrace, "to open a block"))
        return block;
    if (m_depth > kMaxDepth) {
        error(open, "blocks nested too deeply");
        m_pos -= 1; // back to the '{' and skip the whole nested block
        skipBalanced(Tok::LBrace, Tok::RBrace);
        m_panic = false;
        return block;
    }
    std::vector<Stmt*> stmts;
    skipSeparators();
    const uint32_t outerIndent = m_blockIndent;
    m_blockIndent = indentOf(open.begin);
    parseStatementList(stmts, Context::Function, true);
    m_blockIndent = outerIndent;
    if (!at(Tok::RBrace)) {
        m_panic = false;
        if (!m_unwinding)
            reportUnclosed(open);
        m_unwinding = true;
        // Stopped at the next member or declaration (or the end): parse it
        // normally rather than skip it as part of a broken statement.
        m_panic = false;
    } else {
        // A '}' that starts its line with another indentation than the line
        // of its '{' probably closes something else.
        const Token& close = peek();
        if (indentOf(close.range.begin) == m_file.lineCol(close.range.begin).col
            && indentOf(close.range.begin) != indentOf(open.begin))
            m_misindented.push_back({open.begin, close.range.begin});
        advance();
    }
    block->stmts = m_arena.copy(stmts);
    block->range = cover(open, prevRange());
    return block;
}

bool Parser::atForeignMember() const
{
    const Token& t = m_tokens[m_pos];
    bool member = false;
    switch (t.kind) {
    case Tok::KwOn: member = m_actorBodies > 0; break;
    case Tok::KwState: member = m_actorBodies > 0 && kind(1) == Tok::Ident; break;
    case Tok::KwActor:
    case Tok::KwScreen:
    case Tok::KwAgent: member = kind(1) == Tok::Ident; break;
    default: return false;
    }
    // Only as the first token of its line, and not indented deeper than the
    // line that opened the block (a deeper `state x` is a misplaced field,
    // reported as such, not a missing '}'). The rare case: the cost is here.
    if (!member)
        return false;
    const uint32_t indent = indentOf(t.range.begin);
    return indent == m_file.lineCol(t.range.begin).col && indent <= m_blockIndent;
}

void Parser::reportUnclosed(SourceRange open)
{
    // The last block inside this one whose '}' is indented like this
    // block's line is where the '}' went missing: that '}' was meant for us.
    const uint32_t indent = indentOf(open.begin);
    for (auto it = m_misindented.rbegin(); it != m_misindented.rend(); ++it) {
        if (it->open > open.begin && indentOf(it->close) == indent) {
            const uint32_t closeLine = m_file.locate(it->close).line;
            const uint32_t openLine = m_file.locate(open.begin).line;
            error({it->open, it->open + 1},
                  "unclosed '{' (missing '}'): the '}' on line " + std::to_string(closeLine) +
                      " is indented like line " + std::to_string(openLine) + " and seems meant to close that block");
            return;
        }
    }
    error(open, "unclosed '{' (missing '}')");
}

Stmt* Parser::parseStatement(Context ctx)
{
    switch (kind()) {
    case Tok::KwLet:
    case Tok::KwMut:
        return parseLet();
    case Tok::KwFn:
    case Tok::KwPure:
        // `fn(x) ...` and `pure fn(x) ...` are anonymous functions: expressions.
        if (kind(1) == Tok::LParen || (kind(1) == Tok::KwFn && kind(2) == Tok::LParen))
            break;
        return parseFn(FnKind::Function);
    case Tok::KwActor:
    case Tok::KwScreen:
    case Tok::KwAgent:
        if (ctx != Context::TopLevel) {
            error(peek().range, std::string(text(peek())) + " declarations are only allowed at the top level");
            return nullptr;
        }
        return parseActor();
    case Tok::KwModel:
        if (ctx != Context::TopLevel || usedAsName())
            break; // `model.run(x)` inside an agent handler, or a variable named model
        return parseModel();
    case Tok::KwFrom:
        if (usedAsName())
            break; // `from` as a name: `from = 3`, `from + 1`
        [[fallthrough]];
    case Tok::KwImport:
        if (ctx != Context::TopLevel) {
            error(peek().range, "imports are only allowed at the top level");
            return nullptr;
        }
        return parseImport();
    case Tok::Ident:
        // `record Name {`: `record` is special only there (a contextual keyword).
        if (kind(1) == Tok::Ident && kind(2) == Tok::LBrace && text(peek()) == "record") {
            if (ctx != Context::TopLevel) {
                error(peek().range, "record declarations are only allowed at the top level");
                return nullptr;
            }
            return parseRecord();
        }
        break;
    case Tok::KwIf: return parseIf();
    case Tok::KwWhile: return parseWhile();
    case Tok::KwFor: return parseFor();
    case Tok::KwReturn: return parseReturn();
    case Tok::KwBreak: return newStmt<Stmt>(StmtKind::Break, advance().range);
    case Tok::KwContinue: return newStmt<Stmt>(StmtKind::Continue, advance().range);
    case Tok::KwRender: return parseRender();
    case Tok::LBrace: return parseBlock();
    case Tok::KwState:
        if (usedAsName())
            break; // `state` as a name: `state += 1` with a parameter named state
        [[fallthrough]];
    case Tok::KwOn:
        if (m_actorBodies > 0)
            error(peek().range, std::string(kind() == Tok::KwOn ? "a handler ('on')" : "a field ('state')") +
                                    " belongs in the body of the actor, not inside a function, handler or block");
        else
            error(peek().range, "'" + std::string(text(peek())) + "' is only allowed inside an actor, screen or agent");
        return nullptr;
    case Tok::KwElse:
        error(peek().range, "'else' without a matching 'if'");
        return nullptr;
    default:
        break;
    }
    return parseExprStatement(ctx);
}

// let := ('let' | 'mut') NAME [':' type] '=' expr
Stmt* Parser::parseLet()
{
    const Token& kw = advance();
    auto* s = newStmt<LetStmt>(StmtKind::Let, kw.range);
    s->isMutable = kw.kind == Tok::KwMut;
    if (!atName()) {
        if (reservedAsName("a variable name"))
            return nullptr;
        errorExpected(s->isMutable ? "a variable name after 'mut'" : "a variable name after 'let'");
        return nullptr;
    }
    const Token& name = advance();
    s->name = nameOf(name);
    s->nameRange = name.range;
    if (accept(Tok::Colon))
        s->typeAnn = parseType();
    if (m_panic) {
        s->range = cover(kw.range, prevRange());
        return s; // a broken type; the statement list drops the broken parts
    }
    if (at(Tok::Assign)) {
        advance();
        skipNewlines();
        s->init = parseExpr();
    } else {
        errorExpected("'=' and an initial value");
        return s;
    }
    s->range = cover(kw.range, prevRange());
    return s;
}

// type := NAME ['[' type {',' type} ']']
TypeExpr* Parser::parseType()
{
    DepthGuard guard(m_depth);
    auto* t = m_arena.make<TypeExpr>();
    t->range = peek().range;
    if (!at(Tok::Ident) && !at(Tok::KwModel) && !at(Tok::KwActor) && !at(Tok::KwNil)) {
        errorExpected("a type");
        return t;
    }
    t->name = nameOf(advance());
    if (m_depth > kMaxDepth) {
        error(t->range, "type nested too deeply");
        return t;
    }
    if (accept(Tok::LBracket)) {
        std::vector<TypeExpr*> args;
        while (!at(Tok::RBracket) && !at(Tok::Eof)) {
            const size_t start = m_pos;
            args.push_back(parseType());
            if (!accept(Tok::Comma) || m_pos == start)
                break;
        }
        expect(Tok::RBracket, "to close the type arguments");
        t->args = m_arena.copy(args);
    }
    t->range = cover(t->range, prevRange());
    return t;
}

// params := '(' [NAME [':' type] {',' NAME [':' type]}] ')'
void Parser::parseParams(std::vector<Param>& out)
{
    if (!expect(Tok::LParen, "to open the parameter list"))
        return;
    while (!at(Tok::RParen) && !at(Tok::Eof)) {
        if (!atName()) {
            if (!reservedAsName("a parameter name"))
                errorExpected("a parameter name");
            return;
        }
        Param p;
        const Token& name = advance();
        p.name = nameOf(name);
        p.range = name.range;
        if (accept(Tok::Colon))
            p.typeAnn = parseType();
        out.push_back(p);
        if (!accept(Tok::Comma))
            break;
    }
    expect(Tok::RParen, "to close the parameter list");
}

// uses := 'uses' EFFECT {',' EFFECT}     EFFECT := env | io | http | clock
EffectSet Parser::parseUses(SourceRange& range)
{
    EffectSet set = 0;
    range = advance().range;
    do {
        if (!at(Tok::Ident)) {
            errorExpected("an effect name after 'uses' (env, io, http or clock)");
            return set;
        }
        const Token& e = advance();
        const std::string_view name = text(e);
        if (name == "env")
            set |= EffectSet(Effect::Env);
        else if (name == "io")
            set |= EffectSet(Effect::Io);
        else if (name == "http" || name == "net")
            set |= EffectSet(Effect::Http);
        else if (name == "clock")
            set |= EffectSet(Effect::Clock);
        else
            report(e.range, "unknown effect '" + std::string(name) + "' (expected env, io, http or clock)");
        range = cover(range, e.range);
    } while (accept(Tok::Comma));
    return set;
}

// fn := ['pure'] 'fn' NAME params ['->' type] ['uses' effects] block
FnDecl* Parser::parseFn(FnKind fnKind)
{
    const SourceRange start = peek().range;
    auto* fn = newStmt<FnDecl>(StmtKind::Fn, start);
    fn->fnKind = fnKind;
    if (accept(Tok::KwPure)) {
        fn->isPure = true;
        if (!at(Tok::KwFn)) {
            errorExpected("'fn' after 'pure'");
            return nullptr;
        }
    }
    advance(); // fn
    if (!atName()) {
        if (reservedAsName("a function name"))
            return nullptr;
        errorExpected("a function name after 'fn'");
        return nullptr;
    }
    const Token& name = advance();
    fn->name = nameOf(name);
    fn->nameRange = name.range;
    std::vector<Param> params;
    parseParams(params);
    fn->params = m_arena.copy(params);
    if (m_panic)
        return nullptr;
    for (int i = 0; i < 2; ++i) { // '-> T' and 'uses' in either order
        if (accept(Tok::Arrow))
            fn->returnAnn = parseType();
        else if (at(Tok::KwUses))
            fn->uses |= parseUses(fn->usesRange);
    }
    if (m_panic)
        return nullptr;
    if (!at(Tok::LBrace)) {
        errorExpected("'{' to open the function body");
        return nullptr;
    }
    fn->body = parseBlock();
    fn->range = cover(start, prevRange());
    return fn;
}

// actor := ('actor' | 'screen' | 'agent') NAME '{' { member sep } '}'
// member := ('state' | 'let' | 'mut') NAME [':' type] ['=' expr]
//         | fn | 'on' NAME [params] ['uses' effects] block
//         | 'render' renderblock | 'model' STRING   (agent)
Stmt* Parser::parseActor()
{
    const Token& kw = advance();
    auto* a = newStmt<ActorDecl>(StmtKind::Actor, kw.range);
    a->actorKind = kw.kind == Tok::KwActor ? ActorKind::Actor
        : kw.kind == Tok::KwScreen         ? ActorKind::Screen
                                           : ActorKind::Agent;
    if (!at(Tok::Ident)) {
        errorExpected("a name");
        return nullptr;
    }
    const Token& name = advance();
    a->name = nameOf(name);
    a->nameRange = name.range;
    const SourceRange open = peek().range;
    if (!expect(Tok::LBrace, "to open the body"))
        return nullptr;
    std::vector<StateDecl> state;
    std::vector<FnDecl*> methods;
    std::vector<OnDecl> handlers;
    bool pureHandler = false; // `pure on ...`
    skipSeparators();
    ++m_actorBodies;
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        if (atForeignMember() && kind() != Tok::KwOn && kind() != Tok::KwState)
            break; // `actor B` inside this body: our '}' is missing
        m_unwinding = false; // a member of this body: back on track
        if (kind() != Tok::KwOn)
            pureHandler = false;
        switch (kind()) {
        case Tok::KwState:
        case Tok::KwLet:
        case Tok::KwMut: {
            const Token& skw = advance();
            StateDecl sd;
            // `let` declares a constant field, except in screens, whose `let`
            // fields are the state their inputs bind to (as the published examples write).
            sd.isMutable = skw.kind != Tok::KwLet || a->actorKind == ActorKind::Screen;
            if (!atName()) {
                if (reservedAsName("a field name"))
                    break;
                errorExpected("a field name");
                break;
            }
            const Token& fname = advance();
            sd.name = nameOf(fname);
            sd.nameRange = fname.range;
            if (accept(Tok::Colon)) {
                sd.typeAnn = parseType();
                if (m_panic)
                    break; // the field is dropped; its error is reported
            }
            if (accept(Tok::Assign)) {
                skipNewlines();
                sd.init = parseExpr();
            } else if (!sd.typeAnn) {
                errorExpected("'=' and an initial value");
            }
            sd.range = cover(skw.range, prevRange());
            state.push_back(sd);
            break;
        }
        case Tok::KwFn:
        case Tok::KwPure:
            if (kind() == Tok::KwPure && kind(1) == Tok::KwOn) {
                advance();
                pureHandler = true;
                continue; // the checker rejects it with a clear message
            }
            if (FnDecl* m = parseFn(FnKind::Method))
                methods.push_back(m);
            break;
        case Tok::KwOn: {
            const Token& okw = advance();
            OnDecl h;
            if (!isNameLike(kind())) {
                errorExpected("a message name after 'on'");
                break;
            }
            const Token& mname = advance();
            h.message = nameOf(mname);
            h.nameRange = mname.range;
            auto* fn = newStmt<FnDecl>(StmtKind::Fn, okw.range);
            fn->fnKind = FnKind::Handler;
            fn->isPure = pureHandler;
            fn->name = h.message;
            fn->nameRange = mname.range;
            std::vector<Param> params;
            if (at(Tok::LParen))
                parseParams(params);
            fn->params = m_arena.copy(params);
            if (at(Tok::KwUses))
                fn->uses = parseUses(fn->usesRange);
            if (m_panic)
                break;
            if (!at(Tok::LBrace)) {
                errorExpected("'{' to open the handler body");
                break;
            }
            fn->body = parseBlock();
            fn->range = cover(okw.range, prevRange());
            h.fn = fn;
            h.range = fn->range;
            handlers.push_back(h);
            break;
        }
        case Tok::KwRender: {
            const Token& rkw = advance();
            if (a->render) {
                report(rkw.range, "only one render block is allowed per " + std::string(text(kw)));
            }
            if (!at(Tok::LBrace)) {
                errorExpected("'{' after 'render'");
                break;
            }
            Expr* tree = parseRenderBlock();
            auto* fn = newStmt<FnDecl>(StmtKind::Fn, cover(rkw.range, prevRange()));
            fn->fnKind = FnKind::Render;
            fn->name = m_names.intern("render");
            fn->nameRange = rkw.range;
            auto* rs = newStmt<RenderStmt>(StmtKind::Render, fn->range);
            rs->value = tree;
            auto* body = newStmt<Block>(StmtKind::Block, fn->range);
            Stmt* one[] = {rs};
            body->stmts = m_arena.copy(one, 1);
            fn->body = body;
            if (!a->render)
                a->render = fn;
            break;
        }
        case Tok::KwModel: {
            const Token& mkw = advance();
            if (a->actorKind != ActorKind::Agent) {
                error(mkw.range, "'model' inside a body is only allowed in an agent");
                break;
            }
            if (!at(Tok::String)) {
                errorExpected("a model name string after 'model'");
                break;
            }
            const Token& s = advance();
            if (!a->modelName.empty())
                report(mkw.range, "only one model is allowed per agent");
            a->modelName = m_arena.copyString(text(s).substr(1, s.range.end - s.range.begin - 2));
            a->modelRange = cover(mkw.range, s.range);
            break;
        }
        default:
            errorExpected(a->actorKind == ActorKind::Agent ? "'state', 'let', 'mut', 'fn', 'on', 'render' or 'model' in the body"
                                                           : "'state', 'let', 'mut', 'fn', 'on' or 'render' in the body");
            break;
        }
        if (m_panic)
            synchronize();
        if (m_pos == start)
            advance();
        skipSeparators();
    }
    --m_actorBodies;
    if (!accept(Tok::RBrace)) {
        m_panic = false;
        if (!m_unwinding)
            reportUnclosed(open);
        m_unwinding = true;
        m_panic = false;
    }
    a->state = m_arena.copy(state);
    a->methods = m_arena.copy(methods);
    a->handlers = m_arena.copy(handlers);
    a->range = cover(kw.range, prevRange());
    return a;
}

// model := 'model' NAME '{' 'input' type 'output' type '}'
Stmt* Parser::parseModel()
{
    const Token& kw = advance();
    auto* m = newStmt<ModelDecl>(StmtKind::Model, kw.range);
    if (!at(Tok::Ident)) {
        errorExpected("a model name");
        return nullptr;
    }
    const Token& name = advance();
    m->name = nameOf(name);
    m->nameRange = name.range;
    if (!expect(Tok::LBrace, "to open the model"))
        return nullptr;
    skipSeparators();
    while (at(Tok::Ident)) {
        const Token& field = advance();
        const std::string_view f = text(field);
        TypeExpr* t = parseType();
        if (f == "input")
            m->input = t;
        else if (f == "output")
            m->output = t;
        else
            report(field.range, "unknown model field '" + std::string(f) + "' (expected input or output)");
        skipSeparators();
    }
    if (!expect(Tok::RBrace, "to close the model")) {
        recoverAtClosingBrace(kw.range.begin);
        return nullptr;
    }
    m->range = cover(kw.range, prevRange());
    return m;
}

// record := 'record' NAME '{' [field {sep field}] '}'
// field  := NAME ':' type ['=' expr]        (sep: ',' or newlines)
Stmt* Parser::parseRecord()
{
    const Token& kw = advance();
    auto* r = newStmt<RecordDecl>(StmtKind::Record, kw.range);
    const Token& name = advance();
    r->name = nameOf(name);
    r->nameRange = name.range;
    advance(); // '{'
    std::vector<RecordField> fields;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        if (!atName()) {
            if (!reservedAsName("a field name"))
                errorExpected("a field name ('qty: int') or '}' to close the record");
            recoverAtClosingBrace(kw.range.begin);
            return nullptr;
        }
        const Token& f = advance();
        RecordField field;
        field.name = nameOf(f);
        field.range = f.range;
        if (!at(Tok::Colon)) {
            error(f.range, "field '" + std::string(text(f)) + "' needs a type ('" + std::string(text(f)) + ": int')");
            recoverAtClosingBrace(kw.range.begin);
            return nullptr;
        }
        advance();
        field.typeAnn = parseType();
        if (m_panic) {
            recoverAtClosingBrace(kw.range.begin);
            return nullptr;
        }
        if (accept(Tok::Assign))
            field.init = parseExpr();
        fields.push_back(field);
        if (m_panic) {
            recoverAtClosingBrace(kw.range.begin);
            return nullptr;
        }
        const bool comma = accept(Tok::Comma);
        if (!comma && !at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace)) {
            errorExpected("',' or a new line between record fields");
            recoverAtClosingBrace(kw.range.begin);
            return nullptr;
        }
        skipSeparators();
    }
    if (!expect(Tok::RBrace, "to close the record")) {
        recoverAtClosingBrace(kw.range.begin);
        return nullptr;
    }
    r->fields = m_arena.copy(fields);
    r->range = cover(kw.range, prevRange());
    return r;
}

// import := 'import' NAME {'.' NAME} | 'from' NAME {'.' NAME} ['import'] NAME
//           | 'import' STRING | 'from' STRING ['import'] NAME {',' NAME}
Stmt* Parser::parseImport()
{
    const Token& kw = advance();
    auto* s = newStmt<ImportStmt>(StmtKind::Import, kw.range);
    if (at(Tok::String))
        return parseFileImport(kw, s);
    if (!at(Tok::Ident)) {
        errorExpected("a module name");
        return nullptr;
    }
    const uint32_t begin = peek().range.begin;
    advance();
    while (at(Tok::Dot) && isNameLike(kind(1))) {
        advance();
        advance();
    }
    const uint32_t end = prevRange().end;
    s->module = m_src.substr(begin, end - begin);
    s->moduleRange = {begin, end};
    if (kw.kind == Tok::KwFrom) {
        if (at(Tok::KwImport))
            advance(); // also accept `from math import sqrt`
        if (!isNameLike(kind())) {
            errorExpected("a name to import after the module");
            return nullptr;
        }
        const Token& member = advance();
        s->member = nameOf(member);
        s->memberRange = member.range;
    }
    s->range = cover(kw.range, prevRange());
    return s;
}

Stmt* Parser::parseFileImport(const Token& kw, ImportStmt* s)
{
    const Token& lit = advance();
    s->isFile = true;
    s->pathRange = lit.range;
    const std::string_view body = text(lit).substr(1, lit.range.end - lit.range.begin - 2);
    s->path = body.find('\\') == std::string_view::npos
        ? body
        : m_arena.copyString(decodeStringLiteral(body, lit.range.begin + 1, &m_sink));
    if (kw.kind == Tok::KwFrom) {
        if (at(Tok::KwImport))
            advance();
        std::vector<Name> names;
        std::vector<SourceRange> ranges;
        do {
            if (!atName()) {
                errorExpected(names.empty() ? "a name to import after the file" : "a name to import after ','");
                return nullptr;
            }
            const Token& name = advance();
            names.push_back(nameOf(name));
            ranges.push_back(name.range);
        } while (accept(Tok::Comma));
        s->names = m_arena.copy(names);
        s->nameRanges = m_arena.copy(ranges);
    } else if (at(Tok::Ident) && text(peek()) == "as") {
        error(peek().range, "'import \"" + std::string(s->path) + "\" as ...' is not supported: a file import brings "
              "in its exported names as they are (use 'from \"" + std::string(s->path) + "\" import NAME' to pick names)");
        return nullptr;
    }
    s->range = cover(kw.range, prevRange());
    return s;
}

// if := 'if' expr block ['else' (if | block)]
Stmt* Parser::parseIf()
{
    const Token& kw = advance();
    auto* s = newStmt<IfStmt>(StmtKind::If, kw.range);
    s->cond = parseHeadExpr();
    if (m_panic)
        return nullptr;
    if (!at(Tok::LBrace)) {
        errorExpected("'{' after the condition");
        return nullptr;
    }
    s->then = parseBlock();
    // Allow `}` newline `else`.
    size_t k = 0;
    while (kind(k) == Tok::Newline)
        ++k;
    if (kind(k) == Tok::KwElse) {
        m_pos += k;
        advance();
        if (at(Tok::KwIf)) {
            DepthGuard guard(m_depth);
            if (m_depth + 8 > kMaxDepth) { // leave room for the condition and block
                error(peek().range, "else-if chain nested too deeply");
                return nullptr;
            }
            s->otherwise = parseIf();
        } else if (at(Tok::LBrace)) {
            s->otherwise = parseBlock();
        } else {
            errorExpected("'{' or 'if' after 'else'");
            return nullptr;
        }
    }
    s->range = cover(kw.range, prevRange());
    return s;
}

// while := 'while' expr block
Stmt* Parser::parseWhile()
{
    const Token& kw = advance();
    auto* s = newStmt<WhileStmt>(StmtKind::While, kw.range);
    s->cond = parseHeadExpr();
    if (m_panic)
        return nullptr;
    if (!at(Tok::LBrace)) {
        errorExpected("'{' after the loop condition");
        return nullptr;
    }
    s->body = parseBlock();
    s->range = cover(kw.range, prevRange());
    return s;
}

// for := 'for' NAME [',' NAME] 'in' expr block
Stmt* Parser::parseFor()
{
    const Token& kw = advance();
    auto* s = newStmt<ForStmt>(StmtKind::For, kw.range);
    if (!atName()) {
        if (reservedAsName("a loop variable"))
            return nullptr;
        errorExpected("a loop variable after 'for'");
        return nullptr;
    }
    const Token& var = advance();
    s->var = nameOf(var);
    s->varRange = var.range;
    if (accept(Tok::Comma)) {
        if (!at(Tok::Ident)) {
            errorExpected("a second loop variable after ',' (for key, value in map)");
            return nullptr;
        }
        const Token& value = advance();
        s->value = nameOf(value);
        s->valueRange = value.range;
    }
    if (!expect(Tok::KwIn, "after the loop variable"))
        return nullptr;
    s->iterable = parseHeadExpr();
    if (m_panic)
        return nullptr;
    if (!at(Tok::LBrace)) {
        errorExpected("'{' to open the loop body");
        return nullptr;
    }
    s->body = parseBlock();
    s->range = cover(kw.range, prevRange());
    return s;
}

// return := 'return' [expr]
Stmt* Parser::parseReturn()
{
    const Token& kw = advance();
    auto* s = newStmt<ReturnStmt>(StmtKind::Return, kw.range);
    if (!at(Tok::Newline) && !at(Tok::Semicolon) && !at(Tok::RBrace) && !at(Tok::Eof))
        s->value = parseExpr();
    s->range = cover(kw.range, prevRange());
    return s;
}

// render := 'render' (renderblock | expr)
Stmt* Parser::parseRender()
{
    const Token& kw = advance();
    auto* s = newStmt<RenderStmt>(StmtKind::Render, kw.range);
    s->value = at(Tok::LBrace) ? parseRenderBlock() : parseExpr();
    s->range = cover(kw.range, prevRange());
    return s;
}

// exprstat := expr [assignop expr]
Stmt* Parser::parseExprStatement(Context)
{
    const SourceRange start = peek().range;
    Expr* e = parseExpr();
    AssignOp op = AssignOp::Set;
    switch (kind()) {
    case Tok::Assign: op = AssignOp::Set; break;
    case Tok::PlusAssign: op = AssignOp::Add; break;
    case Tok::MinusAssign: op = AssignOp::Sub; break;
    case Tok::StarAssign: op = AssignOp::Mul; break;
    case Tok::SlashAssign: op = AssignOp::Div; break;
    case Tok::PercentAssign: op = AssignOp::Mod; break;
    default: {
        if (e->kind == ExprKind::Lambda)
            report(e->range, "a function declaration needs a name: fn NAME(...) { ... } (an anonymous function "
                             "on its own does nothing)");
        auto* s = newStmt<ExprStmt>(StmtKind::Expr, e->range);
        s->expr = e;
        return s;
    }
    }
    const Token& opTok = advance();
    if (e->kind != ExprKind::Ident && e->kind != ExprKind::Index && e->kind != ExprKind::Field
        && e->kind != ExprKind::Error) {
        error(e->range, "cannot assign to this expression (expected a variable, element or field)");
        return nullptr;
    }
    auto* s = newStmt<AssignStmt>(StmtKind::Assign, start);
    s->op = op;
    s->target = e;
    skipNewlines();
    s->value = parseExpr();
    s->range = cover(start, prevRange());
    (void)opTok;
    return s;
}

// ---------------------------------------------------------------- recovery --

uint32_t Parser::indentOf(uint32_t offset) const
{
    const LineCol lc = m_file.lineCol(offset);
    const std::string_view line = m_file.lineText(lc.line);
    uint32_t col = 1;
    while (col <= line.size() && (line[col - 1] == ' ' || line[col - 1] == '\t'))
        ++col;
    return col;
}

void Parser::skipBalanced(Tok open, Tok close)
{
    int depth = 0;
    while (!at(Tok::Eof)) {
        const Tok k = kind();
        advance();
        if (k == open)
            ++depth;
        else if (k == close && --depth <= 0)
            return;
    }
}

void Parser::recoverAtClosingBrace(uint32_t constructBegin)
{
    const uint32_t indent = indentOf(constructBegin);
    int depth = 0;
    while (!at(Tok::Eof)) {
        const Tok k = kind();
        // A construct left open on its line: a line that starts a statement
        // ends it (the statement-level recovery takes over from here).
        if (depth == 0 && k == Tok::Newline && beginsStatement(kind(1)))
            return;
        // A '}' opening its own line, indented less than the construct, closes
        // an enclosing block: the user forgot this construct's brace.
        if (depth == 0 && k == Tok::RBrace && m_pos > 0 && m_tokens[m_pos - 1].kind == Tok::Newline
            && m_file.lineCol(peek().range.begin).col < indent) {
            m_panic = false;
            return;
        }
        advance();
        if (k == Tok::LBrace)
            ++depth;
        else if (k == Tok::RBrace && depth-- == 0) {
            m_panic = false;
            return;
        }
    }
    // End of file inside the construct: stay in panic mode so that the
    // enclosing constructs do not report the same missing brace again.
}

} // namespace aeroflow::compiler
