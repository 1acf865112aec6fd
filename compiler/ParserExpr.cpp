// Expression parsing: the half of the Parser that reads expressions,
// literals, patterns and render blocks. Each function opens with its rule.
#include "Lexer.h"
#include "Parser.h"
#include "ParserSupport.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace aeroflow::compiler {

using namespace parser_detail;

namespace {

BinaryOp binaryOp(Tok t)
{
    switch (t) {
    case Tok::KwOr:
    case Tok::OrOr: return BinaryOp::Or;
    case Tok::KwAnd:
    case Tok::AndAnd: return BinaryOp::And;
    case Tok::Eq: return BinaryOp::Eq;
    case Tok::Ne: return BinaryOp::Ne;
    case Tok::Lt: return BinaryOp::Lt;
    case Tok::Le: return BinaryOp::Le;
    case Tok::Gt: return BinaryOp::Gt;
    case Tok::Ge: return BinaryOp::Ge;
    case Tok::DotDot: return BinaryOp::Range;
    case Tok::KwIn: return BinaryOp::In;
    case Tok::Plus: return BinaryOp::Add;
    case Tok::Minus: return BinaryOp::Sub;
    case Tok::Star: return BinaryOp::Mul;
    case Tok::Slash: return BinaryOp::Div;
    default: return BinaryOp::Mod;
    }
}

} // namespace

const char* binaryOpSpelling(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Sub: return "-";
    case BinaryOp::Mul: return "*";
    case BinaryOp::Div: return "/";
    case BinaryOp::Mod: return "%";
    case BinaryOp::Eq: return "==";
    case BinaryOp::Ne: return "!=";
    case BinaryOp::Lt: return "<";
    case BinaryOp::Le: return "<=";
    case BinaryOp::Gt: return ">";
    case BinaryOp::Ge: return ">=";
    case BinaryOp::And: return "and";
    case BinaryOp::Or: return "or";
    case BinaryOp::Range: return "..";
    case BinaryOp::In: return "in";
    }
    return "?";
}

Parser::Parser(const SourceFile& file, const std::vector<Token>& tokens, Arena& arena, Interner& names,
    DiagnosticSink& sink)
    : m_file(file), m_src(file.text()), m_tokens(tokens), m_arena(arena), m_names(names), m_sink(sink)
{
    m_nameOk = names.intern("Ok");
    m_nameErr = names.intern("Err");
    m_nameUnderscore = names.intern("_");
    m_nameModel = names.intern("model");
    m_nameTensor = names.intern("tensor");
    m_nameLambda = names.intern("lambda");
}

// ------------------------------------------------------------- expressions --

// An int literal, negated when it directly follows a unary minus; only then
// may it be 9223372036854775808 (to spell the most negative int).
Expr* Parser::parseIntLiteral(const Token& t, bool negate)
{
    std::string digits;
    std::string_view s = text(t);
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    }
    for (char c : s)
        if (c != '_')
            digits += c;
    auto* e = newExpr<IntExpr>(ExprKind::Int, t.range);
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    const uint64_t limit = negate ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || v > limit) {
        error(t.range, "integer literal is too large for a 64-bit int");
        return e;
    }
    // Two's complement negation in unsigned arithmetic: no overflow for 2^63.
    e->value = static_cast<int64_t>(negate ? ~v + 1 : v);
    return e;
}

Expr* Parser::errorExpr(SourceRange r)
{
    auto* e = newExpr<Expr>(ExprKind::Error, r);
    return e;
}

Expr* Parser::parseHeadExpr()
{
    const bool saved = m_inHead;
    m_inHead = true;
    Expr* e = parseExpr();
    m_inHead = saved;
    return e;
}

Expr* Parser::parseExpr()
{
    DepthGuard guard(m_depth);
    if (m_depth > kMaxDepth) {
        error(peek().range, "expression nested too deeply");
        return errorExpr(peek().range);
    }
    return parseBinary(1);
}

// binary := unary {BINOP binary}   (precedence climbing, left associative)
//           BINOP includes 'in' and 'not' 'in' (`x not in c` is `not (x in c)`)
Expr* Parser::parseBinary(int minPrec)
{
    ChainDepth chain(m_depth);
    Expr* lhs = nullptr;
    if (at(Tok::KwNot) && minPrec <= 3) {
        // `not a == b` is `not (a == b)`: the word operator binds looser than
        // comparisons (as in Python); `!` binds tightly (as in C).
        DepthGuard guard(m_depth);
        const Token& op = advance();
        if (m_depth > kMaxDepth) {
            error(op.range, "expression nested too deeply");
            return errorExpr(op.range);
        }
        Expr* operand = parseBinary(3);
        auto* u = newExpr<UnaryExpr>(ExprKind::Unary, cover(op.range, operand->range));
        u->op = UnaryOp::Not;
        u->operand = operand;
        lhs = u;
    } else {
        lhs = parseUnary();
    }
    for (;;) {
        // `x not in c`: the membership test, negated.
        const bool notIn = kind() == Tok::KwNot && kind(1) == Tok::KwIn;
        const Token* notTok = nullptr;
        if (notIn && binaryPrecedence(Tok::KwIn) >= minPrec && !m_panic)
            notTok = &advance();
        const Tok op = kind();
        const int prec = binaryPrecedence(op);
        if (prec == 0 || prec < minPrec || m_panic)
            return lhs;
        if (!chain.add(kMaxDepth)) {
            error(peek().range, "expression too long or nested too deeply (split it up with 'let')");
            return lhs;
        }
        const Token& opTok = advance();
        skipNewlines(); // an operator at the end of a line continues the expression
        Expr* rhs = parseBinary(prec + 1);
        auto* b = newExpr<BinaryExpr>(ExprKind::Binary, cover(lhs->range, rhs->range));
        b->op = binaryOp(op);
        b->opRange = opTok.range;
        b->lhs = lhs;
        b->rhs = rhs;
        lhs = b;
        if (notTok) {
            auto* u = newExpr<UnaryExpr>(ExprKind::Unary, b->range);
            u->op = UnaryOp::Not;
            u->operand = b;
            lhs = u;
        }
    }
}

// unary := ('-' | 'not' | '!') unary | postfix
Expr* Parser::parseUnary()
{
    if (at(Tok::Minus) || at(Tok::KwNot) || at(Tok::Bang)) {
        DepthGuard guard(m_depth);
        const Token& op = advance();
        if (m_depth > kMaxDepth) {
            error(op.range, "expression nested too deeply");
            return errorExpr(op.range);
        }
        // `-123` is one literal (so -9223372036854775808 is writable), unless a
        // postfix follows: `-5.abs()` is -(5.abs()).
        if (op.kind == Tok::Minus && at(Tok::Int) && kind(1) != Tok::Dot && kind(1) != Tok::LParen
            && kind(1) != Tok::LBracket) {
            const Token& lit = advance();
            Expr* e = parseIntLiteral(lit, true);
            e->range = cover(op.range, lit.range);
            return e;
        }
        Expr* operand = parseUnary();
        if (op.kind == Tok::Minus && operand->kind == ExprKind::Float) {
            as<FloatExpr>(operand)->value = -as<FloatExpr>(operand)->value;
            operand->range = cover(op.range, operand->range);
            return operand;
        }
        auto* u = newExpr<UnaryExpr>(ExprKind::Unary, cover(op.range, operand->range));
        u->op = op.kind == Tok::Minus ? UnaryOp::Neg : UnaryOp::Not;
        u->operand = operand;
        return u;
    }
    return parsePostfix(parsePrimary());
}

void Parser::parseArgs(std::vector<Expr*>& out, Tok close)
{
    skipNewlines();
    while (!at(close) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        out.push_back(parseExpr());
        skipNewlines();
        if (m_panic || m_pos == start)
            return;
        if (!accept(Tok::Comma))
            break;
        skipNewlines();
    }
}

void Parser::parseCallArgs(std::vector<Expr*>& out, std::vector<ArgName>& names)
{
    skipNewlines();
    while (!at(Tok::RParen) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        ArgName an;
        if (atName() && kind(1) == Tok::Colon) {
            const Token& n = advance();
            advance(); // ':'
            an.name = nameOf(n);
            an.range = n.range;
            skipNewlines();
            if (names.empty() && !out.empty())
                names.resize(out.size());
        }
        if (an.name || !names.empty())
            names.push_back(an);
        out.push_back(parseExpr());
        skipNewlines();
        if (m_panic || m_pos == start)
            return;
        if (!accept(Tok::Comma))
            break;
        skipNewlines();
    }
}

// postfix := primary { '(' args ')' | '[' expr ']' | '.' NAME }
Expr* Parser::parsePostfix(Expr* e)
{
    ChainDepth chain(m_depth);
    for (;;) {
        if (m_panic)
            return e;
        if ((at(Tok::LParen) || at(Tok::LBracket) || at(Tok::Dot)) && !chain.add(kMaxDepth)) {
            error(peek().range, "expression too long or nested too deeply (split it up with 'let')");
            return e;
        }
        if (at(Tok::LParen)) {
            advance();
            std::vector<Expr*> args;
            std::vector<ArgName> names;
            parseCallArgs(args, names);
            expect(Tok::RParen, "to close the argument list");
            auto* c = newExpr<CallExpr>(ExprKind::Call, cover(e->range, prevRange()));
            c->callee = e;
            c->args = m_arena.copy(args);
            if (names.size() == args.size())
                c->argNames = m_arena.copy(names);
            e = c;
        } else if (at(Tok::LBracket)) {
            advance();
            auto* ix = newExpr<IndexExpr>(ExprKind::Index, e->range);
            ix->object = e;
            ix->index = parseExpr();
            expect(Tok::RBracket, "to close the index");
            ix->range = cover(e->range, prevRange());
            e = ix;
        } else if (at(Tok::Dot)) {
            advance();
            if (!isNameLike(kind())) {
                errorExpected("a field or method name after '.'");
                return e;
            }
            const Token& name = advance();
            auto* f = newExpr<FieldExpr>(ExprKind::Field, cover(e->range, name.range));
            f->object = e;
            f->field = nameOf(name);
            f->fieldRange = name.range;
            e = f;
        } else {
            return e;
        }
        if (m_panic)
            return e;
    }
}

Expr* Parser::parsePrimary()
{
    const Token& t = peek();
    switch (t.kind) {
    case Tok::Int:
        advance();
        return parseIntLiteral(t, false);
    case Tok::Float: {
        advance();
        std::string digits;
        for (char c : text(t))
            if (c != '_')
                digits += c;
        auto* e = newExpr<FloatExpr>(ExprKind::Float, t.range);
        e->value = std::strtod(digits.c_str(), nullptr);
        if (std::isinf(e->value))
            report(t.range, "float literal is out of range");
        return e;
    }
    case Tok::String: {
        advance();
        auto* e = newExpr<StringExpr>(ExprKind::String, t.range);
        const std::string_view body = text(t).substr(1, t.range.end - t.range.begin - 2);
        if (body.find('\\') == std::string_view::npos)
            e->value = body;
        else
            e->value = m_arena.copyString(decodeStringLiteral(body, t.range.begin + 1, &m_sink));
        return e;
    }
    case Tok::FString: advance(); return parseFString(t);
    case Tok::KwTrue:
    case Tok::KwFalse: {
        advance();
        auto* e = newExpr<BoolExpr>(ExprKind::Bool, t.range);
        e->value = t.kind == Tok::KwTrue;
        return e;
    }
    case Tok::KwNil: advance(); return newExpr<Expr>(ExprKind::Nil, t.range);
    case Tok::KwSelf: advance(); return newExpr<Expr>(ExprKind::Self, t.range);
    case Tok::KwTime:
    case Tok::KwFrom:
    case Tok::KwState: {
        // Contextual keywords are names in an expression; `time` is the
        // logical time unless a variable named time is visible (the checker
        // decides: an IdentExpr `time` that resolves to nothing becomes Time).
        advance();
        auto* e = newExpr<IdentExpr>(ExprKind::Ident, t.range);
        e->name = nameOf(t);
        return e;
    }
    case Tok::KwModel: {
        // `model.run(x)` inside an agent; the checker rejects it elsewhere.
        advance();
        auto* e = newExpr<IdentExpr>(ExprKind::Ident, t.range);
        e->name = m_nameModel;
        return e;
    }
    case Tok::Ident: {
        if (kind(1) == Tok::LBracket && text(t) == "tensor") {
            if (Expr* tensor = parseTensorLit())
                return tensor;
        }
        advance();
        auto* e = newExpr<IdentExpr>(ExprKind::Ident, t.range);
        e->name = nameOf(t);
        return e;
    }
    case Tok::LParen: {
        advance();
        skipNewlines();
        const bool savedHead = m_inHead;
        m_inHead = false;
        Expr* inner = parseExpr();
        m_inHead = savedHead;
        skipNewlines();
        if (expect(Tok::RParen, "to close the parenthesis"))
            inner->range = cover(t.range, prevRange()); // the parentheses belong to the operand
        return inner;
    }
    case Tok::LBracket: return parseListLit();
    case Tok::LBrace: return parseMapLit();
    case Tok::KwSpawn: return parseSpawn();
    case Tok::KwMatch: return parseMatch();
    case Tok::KwFn: return parseLambda();
    case Tok::KwPure:
        if (kind(1) == Tok::KwFn)
            return parseLambda();
        errorExpected("an expression ('pure' starts a function: pure fn(x) => ...)");
        return errorExpr(t.range);
    case Tok::KwRender: {
        advance();
        if (!at(Tok::LBrace)) {
            errorExpected("'{' after 'render'");
            return errorExpr(t.range);
        }
        return parseRenderBlock();
    }
    default:
        if (binaryPrecedence(t.kind) > 0 && t.kind != Tok::Minus
            && indentOf(t.range.begin) == m_file.lineCol(t.range.begin).col) {
            // `let y = 1` then `    + 2` on the next line: LANGUAGE.md 2.2.
            error(t.range, "expected an expression, found '" + std::string(text(t)) +
                               "' (a line does not continue the one before when it starts with an operator: "
                               "put '" + std::string(text(t)) + "' at the end of the previous line)");
            return errorExpr(t.range);
        }
        errorExpected("an expression");
        return errorExpr(t.range);
    }
}

// lambda := ['pure'] 'fn' params ['->' type] ['uses' effects] (block | '=>' expr)
Expr* Parser::parseLambda()
{
    DepthGuard guard(m_depth);
    const SourceRange start = peek().range;
    auto* fn = newStmt<FnDecl>(StmtKind::Fn, start);
    fn->fnKind = FnKind::Function;
    fn->isLambda = true;
    fn->isPure = accept(Tok::KwPure);
    fn->nameRange = advance().range; // fn
    fn->name = m_nameLambda;
    auto* e = newExpr<LambdaExpr>(ExprKind::Lambda, start);
    e->fn = fn;
    if (m_depth > kMaxDepth) {
        error(start, "expression nested too deeply");
        return errorExpr(start);
    }
    if (!at(Tok::LParen)) {
        // `fn name(...)` is a declaration, a statement of its own.
        errorExpected("'(' after 'fn' (an anonymous function is written fn(x) => x * 2 or fn(x) { ... })");
        return errorExpr(start);
    }
    std::vector<Param> params;
    parseParams(params);
    fn->params = m_arena.copy(params);
    if (m_panic)
        return errorExpr(start);
    for (int i = 0; i < 2; ++i) { // '-> T' and 'uses' in either order, as for a named fn
        if (accept(Tok::Arrow))
            fn->returnAnn = parseType();
        else if (at(Tok::KwUses))
            fn->uses |= parseUses(fn->usesRange);
    }
    if (m_panic)
        return errorExpr(start);
    const bool savedHead = m_inHead;
    m_inHead = false; // the body is not the head of an if/while/for
    if (at(Tok::FatArrow)) {
        advance();
        skipNewlines(); // `=>` at the end of a line continues the expression
        Expr* value = parseExpr();
        auto* ret = newStmt<ReturnStmt>(StmtKind::Return, value->range);
        ret->value = value;
        auto* body = newStmt<Block>(StmtKind::Block, value->range);
        Stmt* stmts[] = {ret};
        body->stmts = m_arena.copy(stmts, 1);
        fn->body = body;
    } else if (at(Tok::LBrace)) {
        fn->body = parseBlock();
    } else {
        m_inHead = savedHead;
        errorExpected("'=>' and an expression, or '{' to open the function body");
        return errorExpr(start);
    }
    m_inHead = savedHead;
    fn->range = cover(start, prevRange());
    e->range = fn->range;
    return e;
}

// list := '[' [expr {',' expr} [',']] ']'
Expr* Parser::parseListLit()
{
    const Token& open = advance();
    std::vector<Expr*> items;
    parseArgs(items, Tok::RBracket);
    expect(Tok::RBracket, "to close the list");
    auto* e = newExpr<ListExpr>(ExprKind::List, cover(open.range, prevRange()));
    e->items = m_arena.copy(items);
    return e;
}

// map := '{' [KEY ':' expr {',' KEY ':' expr} [',']] '}'
// KEY := NAME | STRING                    (a string key: the name's or string's text)
//      | ['-'] INT | ['-'] FLOAT | 'true' | 'false' | '(' expr ')'   (the value is the key)
Expr* Parser::parseMapLit()
{
    DepthGuard guard(m_depth);
    const Token& open = advance();
    std::vector<MapEntry> keys;
    std::vector<Expr*> values;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        MapEntry k;
        const Token& kt = peek();
        if (kt.kind == Tok::String) {
            advance();
            const std::string_view body = text(kt).substr(1, kt.range.end - kt.range.begin - 2);
            k.key = body.find('\\') == std::string_view::npos
                ? body
                : m_arena.copyString(decodeStringLiteral(body, kt.range.begin + 1, &m_sink));
        } else if (kt.kind == Tok::Int || kt.kind == Tok::Float || kt.kind == Tok::KwTrue || kt.kind == Tok::KwFalse
                   || kt.kind == Tok::LParen || (kt.kind == Tok::Minus && (kind(1) == Tok::Int || kind(1) == Tok::Float))) {
            k.keyExpr = parseUnary();
            if (m_panic) {
                recoverAtClosingBrace(open.range.begin);
                return errorExpr(open.range);
            }
        } else if (isNameLike(kt.kind)) {
            advance();
            k.key = text(kt);
        } else {
            errorExpected("a map key (a name, a string, an int, true, false or a computed key in parentheses)");
            recoverAtClosingBrace(open.range.begin);
            return errorExpr(open.range);
        }
        k.keyRange = k.keyExpr ? k.keyExpr->range : kt.range;
        if (!expect(Tok::Colon, "after the map key")) {
            recoverAtClosingBrace(open.range.begin);
            return errorExpr(open.range);
        }
        skipNewlines();
        keys.push_back(k);
        values.push_back(parseExpr());
        if (m_panic) {
            recoverAtClosingBrace(open.range.begin);
            return errorExpr(open.range);
        }
        skipNewlines();
        if (!accept(Tok::Comma) && !at(Tok::RBrace)) {
            errorExpected("',' or '}' in the map");
            recoverAtClosingBrace(open.range.begin);
            return errorExpr(open.range);
        }
        skipSeparators();
    }
    if (!accept(Tok::RBrace)) {
        errorExpected("'}' to close the map");
        return errorExpr(open.range);
    }
    auto* e = newExpr<MapExpr>(ExprKind::Map, cover(open.range, prevRange()));
    e->keys = m_arena.copy(keys);
    e->values = m_arena.copy(values);
    return e;
}

// tensor := 'tensor' '[' expr {',' expr} ']' '{' [expr {',' expr}] '}'
// Returns null (consuming nothing) when `tensor[...]` is not followed by '{',
// so that a variable named `tensor` can still be indexed.
Expr* Parser::parseTensorLit()
{
    // Look for the '{' after the matching ']' before parsing anything: parsing
    // the dimensions and then backtracking made `tensor[tensor[tensor[...`
    // take time exponential in the nesting: 20 levels took 0.94 s (found while
    // fuzzing; tests/fuzz/corpus/regress_tensor_backtracking.aefl).
    for (size_t k = 1, depth = 0;; ++k) {
        const Tok t = kind(k);
        if (t == Tok::Eof)
            return nullptr;
        if (t == Tok::LBracket)
            ++depth;
        else if (t == Tok::RBracket && --depth == 0) {
            if (kind(k + 1) != Tok::LBrace)
                return nullptr;
            break;
        }
    }
    const size_t save = m_pos;
    const bool savePanic = m_panic;
    const size_t saveDiags = m_sink.diagnostics().size();
    const Token& kw = advance();
    advance(); // [
    std::vector<Expr*> dims;
    parseArgs(dims, Tok::RBracket);
    bool literalDims = !dims.empty();
    for (Expr* d : dims)
        literalDims = literalDims && d->kind == ExprKind::Int && as<IntExpr>(d)->value > 0;
    if (!accept(Tok::RBracket) || !at(Tok::LBrace) || (m_inHead && !literalDims)
        || m_sink.diagnostics().size() != saveDiags) {
        if (m_sink.diagnostics().size() == saveDiags) {
            m_pos = save;
            m_panic = savePanic;
            return nullptr;
        }
        return errorExpr(kw.range);
    }
    advance(); // {
    std::vector<Expr*> items;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        items.push_back(parseExpr());
        if (m_panic || m_pos == start)
            break;
        skipSeparators();
    }
    expect(Tok::RBrace, "to close the tensor elements");
    auto* e = newExpr<TensorExpr>(ExprKind::Tensor, cover(kw.range, prevRange()));
    e->dims = m_arena.copy(dims);
    e->items = m_arena.copy(items);
    return e;
}

// spawn := 'spawn' NAME | 'spawn' '(' NAME ')'
Expr* Parser::parseSpawn()
{
    const Token& kw = advance();
    const bool paren = accept(Tok::LParen);
    if (!at(Tok::Ident)) {
        errorExpected("an actor name after 'spawn'");
        return errorExpr(kw.range);
    }
    const Token& name = advance();
    auto* e = newExpr<SpawnExpr>(ExprKind::Spawn, cover(kw.range, name.range));
    e->actorName = nameOf(name);
    e->nameRange = name.range;
    if (paren) {
        if (at(Tok::Comma)) {
            report(peek().range, "spawn takes only the actor type; send it messages to configure it");
            while (!at(Tok::RParen) && !at(Tok::Eof) && !at(Tok::Newline))
                advance();
            accept(Tok::RParen);
            return e;
        }
        expect(Tok::RParen, "after the actor name");
    }
    e->range = cover(kw.range, prevRange());
    return e;
}

// match := 'match' expr '{' { pattern '=>' (block | expr) [sep] } '}'
Expr* Parser::parseMatch()
{
    DepthGuard guard(m_depth);
    const Token& kw = advance();
    auto* m = newExpr<MatchExpr>(ExprKind::Match, kw.range);
    m->subject = parseHeadExpr();
    if (m_panic)
        return m;
    if (!expect(Tok::LBrace, "to open the match arms"))
        return errorExpr(kw.range);
    std::vector<MatchArm> arms;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        MatchArm arm;
        arm.pattern = parsePattern();
        if (m_panic || !expect(Tok::FatArrow, "after the pattern"))
            break;
        skipNewlines();
        if (at(Tok::LBrace))
            arm.body = parseBlock();
        else
            arm.value = parseExpr();
        arm.range = cover(arm.pattern->range, prevRange());
        arms.push_back(arm);
        if (m_panic || m_pos == start)
            break;
        skipSeparators();
    }
    if (m_panic) {
        recoverAtClosingBrace(kw.range.begin);
        return errorExpr(cover(kw.range, prevRange())); // no "needs an arm" follow-up
    }
    if (!accept(Tok::RBrace))
        errorExpected("'}' to close the match");
    m->arms = m_arena.copy(arms);
    m->range = cover(kw.range, prevRange());
    return m;
}

// pattern := '_' | literal | '-' NUMBER | NAME | NAME '(' [pattern {',' pattern}] ')'
Pattern* Parser::parsePattern()
{
    DepthGuard guard(m_depth);
    auto* p = m_arena.make<Pattern>();
    const Token& t = peek();
    p->range = t.range;
    if (m_depth > kMaxDepth) {
        error(t.range, "pattern nested too deeply");
        // Skip the rest of the pattern up to its arm's '=>'.
        int parens = 0;
        while (!at(Tok::Eof) && !(parens <= 0 && (at(Tok::FatArrow) || at(Tok::Newline)))) {
            if (at(Tok::LParen))
                ++parens;
            else if (at(Tok::RParen))
                --parens;
            advance();
        }
        m_panic = true; // the enclosing match recovers at its closing brace
        p->kind = PatternKind::Wildcard;
        return p;
    }
    switch (t.kind) {
    case Tok::Int:
    case Tok::Float:
    case Tok::String:
    case Tok::KwTrue:
    case Tok::KwFalse:
    case Tok::KwNil:
    case Tok::Minus:
        p->kind = PatternKind::Literal;
        p->literal = parseUnary();
        p->range = p->literal->range;
        if (p->literal->kind == ExprKind::Unary) {
            report(p->range, "a pattern may only negate a number");
            p->literal = errorExpr(p->range); // already reported; matches nothing, checks nothing
        }
        return p;
    case Tok::Ident: {
        advance();
        p->name = nameOf(t);
        if (p->name == m_nameUnderscore) {
            p->kind = PatternKind::Wildcard;
            return p;
        }
        if (!at(Tok::LParen)) {
            p->kind = PatternKind::Bind;
            return p;
        }
        advance();
        std::vector<Pattern*> args;
        std::vector<ArgName> names; // `Order(side: "buy", qty: q)`
        while (!at(Tok::RParen) && !at(Tok::Eof)) {
            ArgName an;
            if (atName() && kind(1) == Tok::Colon) {
                const Token& n = advance();
                advance();
                an.name = nameOf(n);
                an.range = n.range;
                if (names.empty() && !args.empty())
                    names.resize(args.size());
            }
            if (an.name || !names.empty())
                names.push_back(an);
            args.push_back(parsePattern());
            if (m_panic || !accept(Tok::Comma))
                break;
        }
        expect(Tok::RParen, "to close the pattern");
        p->args = m_arena.copy(args);
        if (names.size() == args.size())
            p->argNames = m_arena.copy(names);
        p->range = cover(t.range, prevRange());
        if (p->name == m_nameOk || p->name == m_nameErr) {
            p->kind = p->name == m_nameOk ? PatternKind::Ok : PatternKind::Err;
            if (args.size() != 1)
                report(p->range, std::string(text(t)) + "(...) pattern takes exactly one sub-pattern");
        } else {
            p->kind = PatternKind::Message;
        }
        return p;
    }
    default:
        errorExpected("a pattern");
        return p;
    }
}

// renderblock := '{' { uielement | expr } '}'
Expr* Parser::parseRenderBlock()
{
    DepthGuard guard(m_depth);
    const Token& open = advance();
    std::vector<Expr*> items;
    if (m_depth > kMaxDepth) {
        error(open.range, "render block nested too deeply");
        m_pos -= 1;
        skipBalanced(Tok::LBrace, Tok::RBrace);
        m_panic = false;
        return errorExpr(open.range);
    }
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        if (at(Tok::Ident) && kind(1) == Tok::LBrace)
            items.push_back(parseUiElement());
        else
            items.push_back(parseExpr());
        if (m_panic || m_pos == start)
            break;
        skipSeparators();
    }
    if (m_panic)
        recoverAtClosingBrace(open.range.begin);
    else if (!accept(Tok::RBrace))
        errorExpected("'}' to close the render block");
    auto* e = newExpr<RenderBlockExpr>(ExprKind::RenderBlock, cover(open.range, prevRange()));
    e->items = m_arena.copy(items);
    return e;
}

// uielement := NAME '{' { NAME ':' expr | uielement | expr } '}'
Expr* Parser::parseUiElement()
{
    DepthGuard guard(m_depth);
    const Token& name = advance();
    auto* e = newExpr<UiExpr>(ExprKind::Ui, name.range);
    e->element = nameOf(name);
    e->elementRange = name.range;
    const Token& open = advance(); // {
    if (m_depth > kMaxDepth) {
        error(open.range, "UI elements nested too deeply");
        m_pos -= 1;
        skipBalanced(Tok::LBrace, Tok::RBrace);
        m_panic = false;
        return e;
    }
    std::vector<Expr*> args;
    std::vector<UiProp> props;
    std::vector<Expr*> children;
    skipSeparators();
    while (!at(Tok::RBrace) && !at(Tok::Eof)) {
        const size_t start = m_pos;
        if (isNameLike(kind()) && kind(1) == Tok::Colon) {
            const Token& key = advance();
            advance(); // :
            skipNewlines();
            UiProp prop;
            prop.key = nameOf(key);
            prop.keyRange = key.range;
            const std::string_view k = text(key);
            prop.isEvent = k.size() > 2 && k[0] == 'o' && k[1] == 'n' && k[2] >= 'A' && k[2] <= 'Z';
            prop.value = parseExpr();
            props.push_back(prop);
        } else if (at(Tok::Ident) && kind(1) == Tok::LBrace) {
            children.push_back(parseUiElement());
        } else {
            args.push_back(parseExpr());
        }
        if (m_panic || m_pos == start)
            break;
        skipSeparators();
    }
    if (m_panic)
        recoverAtClosingBrace(name.range.begin);
    else if (!accept(Tok::RBrace))
        errorExpected("'}' to close the UI element");
    e->args = m_arena.copy(args);
    e->props = m_arena.copy(props);
    e->children = m_arena.copy(children);
    e->range = cover(name.range, prevRange());
    return e;
}

} // namespace aeroflow::compiler
