// Lowering, part 1: the driver, function and actor tables, instruction
// emission, registers, captures and statements. Expressions are in
// LoweringExpr.cpp. The design follows Lua 5.4's lcode.c: a register machine
// whose locals have fixed registers and whose temporaries live stack-like
// above them (see LoweringImpl.h).
#include "LoweringImpl.h"

#include "Builtins.h"

#include <algorithm>
#include <cstring>

namespace aeroflow::compiler {

std::unique_ptr<Program> lower(const Module& module, const SemanticInfo& sema, TypeTable& types,
    const Interner& names, const SourceFile& file, DiagnosticSink& sink)
{
    lowering::Lowerer l(module, sema, types, names, file, sink);
    return l.run();
}

namespace lowering {

namespace {

FunctionKind functionKind(FnKind k)
{
    switch (k) {
    case FnKind::Main: return FunctionKind::Main;
    case FnKind::Function: return FunctionKind::Function;
    case FnKind::Method: return FunctionKind::Method;
    case FnKind::Handler: return FunctionKind::Handler;
    case FnKind::Render: return FunctionKind::Render;
    case FnKind::Init: return FunctionKind::Init;
    }
    return FunctionKind::Function;
}

ActorType::Kind actorKind(ActorKind k)
{
    switch (k) {
    case ActorKind::Actor: return ActorType::Kind::Actor;
    case ActorKind::Screen: return ActorType::Kind::Screen;
    case ActorKind::Agent: return ActorType::Kind::Agent;
    }
    return ActorType::Kind::Actor;
}

// A pre-order walk over the expressions of one function body. Nested `fn`
// and actor declarations are separate functions and are not entered.
template <class F>
void walkExpr(const Expr* e, F& visit);

template <class F>
void walkPattern(const Pattern* p, F& visit)
{
    if (!p)
        return;
    walkExpr(p->literal, visit);
    for (const Pattern* sub : p->args)
        walkPattern(sub, visit);
}

template <class F>
void walkStmt(const Stmt* s, F& visit)
{
    if (!s)
        return;
    switch (s->kind) {
    case StmtKind::Let: walkExpr(as<LetStmt>(s)->init, visit); break;
    case StmtKind::Assign:
        walkExpr(as<AssignStmt>(s)->target, visit);
        walkExpr(as<AssignStmt>(s)->value, visit);
        break;
    case StmtKind::Expr: walkExpr(as<ExprStmt>(s)->expr, visit); break;
    case StmtKind::If:
        walkExpr(as<IfStmt>(s)->cond, visit);
        walkStmt(as<IfStmt>(s)->then, visit);
        walkStmt(as<IfStmt>(s)->otherwise, visit);
        break;
    case StmtKind::While:
        walkExpr(as<WhileStmt>(s)->cond, visit);
        walkStmt(as<WhileStmt>(s)->body, visit);
        break;
    case StmtKind::For:
        walkExpr(as<ForStmt>(s)->iterable, visit);
        walkStmt(as<ForStmt>(s)->body, visit);
        break;
    case StmtKind::Return: walkExpr(as<ReturnStmt>(s)->value, visit); break;
    case StmtKind::Render: walkExpr(as<RenderStmt>(s)->value, visit); break;
    case StmtKind::Block:
        for (const Stmt* inner : as<Block>(s)->stmts)
            walkStmt(inner, visit);
        break;
    default: break; // Fn, Actor, Model, Import, Break, Continue
    }
}

template <class F>
void walkExpr(const Expr* e, F& visit)
{
    if (!e)
        return;
    visit(e);
    auto all = [&](Span<Expr*> items) {
        for (const Expr* item : items)
            walkExpr(item, visit);
    };
    switch (e->kind) {
    case ExprKind::List: all(as<ListExpr>(e)->items); break;
    case ExprKind::Map:
        for (const MapEntry& k : as<MapExpr>(e)->keys)
            walkExpr(k.keyExpr, visit);
        all(as<MapExpr>(e)->values);
        break;
    case ExprKind::Tensor:
        all(as<TensorExpr>(e)->dims);
        all(as<TensorExpr>(e)->items);
        break;
    case ExprKind::Unary: walkExpr(as<UnaryExpr>(e)->operand, visit); break;
    case ExprKind::Binary:
        walkExpr(as<BinaryExpr>(e)->lhs, visit);
        walkExpr(as<BinaryExpr>(e)->rhs, visit);
        break;
    case ExprKind::Call:
        walkExpr(as<CallExpr>(e)->callee, visit);
        all(as<CallExpr>(e)->args);
        break;
    case ExprKind::Index:
        walkExpr(as<IndexExpr>(e)->object, visit);
        walkExpr(as<IndexExpr>(e)->index, visit);
        break;
    case ExprKind::Field: walkExpr(as<FieldExpr>(e)->object, visit); break;
    case ExprKind::Match:
        walkExpr(as<MatchExpr>(e)->subject, visit);
        for (const MatchArm& arm : as<MatchExpr>(e)->arms) {
            walkPattern(arm.pattern, visit);
            walkExpr(arm.value, visit);
            walkStmt(arm.body, visit);
        }
        break;
    case ExprKind::Ui:
        all(as<UiExpr>(e)->args);
        for (const UiProp& p : as<UiExpr>(e)->props)
            walkExpr(p.value, visit);
        all(as<UiExpr>(e)->children);
        break;
    case ExprKind::RenderBlock: all(as<RenderBlockExpr>(e)->items); break;
    case ExprKind::FString:
        for (const FStringField& f : as<FStringExpr>(e)->fields) {
            walkExpr(f.value, visit);
            all(f.specArgs);
        }
        break;
    default: break;
    }
}

template <class T>
bool contains(const std::vector<T>& v, const T& x)
{
    return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace

Lowerer::Lowerer(const Module& module, const SemanticInfo& sema, TypeTable& types, const Interner& names,
    const SourceFile& file, DiagnosticSink& sink)
    : m_module(module), m_sema(sema), m_types(types), m_names(names), m_file(file), m_sink(sink)
{
}

void Lowerer::internalError(SourceRange r, const std::string& what)
{
    m_sink.error(r, "internal compiler error: " + what);
    m_failed = true;
}

// The engine's view of a declared field type (json.decode converts by it).
FieldType Lowerer::fieldType(TypeId id, int depth) const
{
    FieldType ft;
    const Type& t = m_types.get(id);
    using K = FieldType::Kind;
    switch (t.kind) {
    case TypeKind::Any: ft.kind = K::Any; break;
    case TypeKind::Nil: ft.kind = K::Nil; break;
    case TypeKind::Bool: ft.kind = K::Bool; break;
    case TypeKind::Int: ft.kind = K::Int; break;
    case TypeKind::Float: ft.kind = K::Float; break;
    case TypeKind::String: ft.kind = K::String; break;
    case TypeKind::Record:
        ft.kind = K::Record;
        ft.record = t.record ? int32_t(t.record->index) : -1;
        break;
    case TypeKind::List:
    case TypeKind::Map:
        ft.kind = t.kind == TypeKind::List ? K::List : K::Map;
        if (depth < 16) { // deeper element types are checked as `any`
            if (t.kind == TypeKind::Map)
                ft.args.push_back(fieldType(t.arg0, depth + 1));
            ft.args.push_back(fieldType(t.kind == TypeKind::List ? t.arg0 : t.arg1, depth + 1));
        }
        break;
    default: ft.kind = K::Other; break;
    }
    return ft;
}

std::unique_ptr<Program> Lowerer::run()
{
    m_program = std::make_unique<Program>();
    Program& p = *m_program;
    p.sourceName = m_file.name();
    p.programHash = fnv1a64(m_file.text());
    for (const MessageInfo& m : m_sema.messages)
        p.messages.push_back({text(m.name), m.arity});
    for (const Binding* g : m_sema.globals)
        p.globals.push_back({g ? text(g->name) : std::string(), g && g->isMutable});
    for (std::string_view imp : m_sema.imports)
        p.imports.emplace_back(imp);
    for (const RecordDecl* r : m_sema.records) {
        RecordType rt;
        rt.name = text(r->name);
        rt.index = r->index;
        for (const RecordField& f : r->fields) {
            rt.fields.push_back(text(f.name));
            rt.types.push_back(fieldType(f.type, 0));
        }
        p.records.push_back(std::move(rt));
    }
    p.functions.resize(m_sema.functions.size());
    p.actors.resize(m_sema.actors.size());
    p.mainFunction = 0;

    if (m_sema.functions.empty() || m_sema.functions[0] != m_module.main || !m_module.main) {
        internalError({}, "the checked program has no main function");
        return nullptr;
    }
    computeCaptures();
    for (const FnDecl* fn : m_sema.functions)
        lowerFunction(fn);
    for (const ActorDecl* a : m_sema.actors)
        lowerActor(a);
    if (m_failed)
        return nullptr;
    return std::move(m_program);
}

// The Checker records in FnDecl::captures the outer variables a nested fn
// reads, through every function in between. A nested fn that *references* a
// capturing sibling (or any capturing fn other than itself) must build that
// closure on the spot, so it needs the sibling's captured values too: close
// the lists under "references a fn" and "encloses a fn" until nothing changes.
void Lowerer::computeCaptures()
{
    const size_t n = m_sema.functions.size();
    m_captures.assign(n, {});
    std::vector<std::vector<const FnDecl*>> uses(n); // nested fns a function references or encloses
    for (size_t i = 0; i < n; ++i) {
        const FnDecl* fn = m_sema.functions[i];
        if (!fn)
            continue;
        for (const Binding* b : fn->captures)
            m_captures[i].push_back(b);
        // (A lambda in a state initialiser is enclosed by a synthetic function
        // that is not in the table: it is lowered with the actor.)
        if (fn->enclosing && fn->enclosing->index < n && m_sema.functions[fn->enclosing->index] == fn->enclosing
            && !contains(uses[fn->enclosing->index], fn))
            uses[fn->enclosing->index].push_back(fn);
        auto visit = [&](const Expr* e) {
            const FnDecl* target = nullptr;
            if (e->kind == ExprKind::Ident) {
                const Binding* b = as<IdentExpr>(e)->binding;
                if (b && b->kind == BindingKind::Function)
                    target = b->fn;
                else if (b && (b->kind == BindingKind::Local || b->kind == BindingKind::Param) && b->owner
                    && b->owner != fn && !contains(m_captures[i], b))
                    m_captures[i].push_back(b);
            } else if (e->kind == ExprKind::Call && as<CallExpr>(e)->callKind == CallKind::Function) {
                target = as<CallExpr>(e)->fn;
            }
            if (target && target->enclosing && target->index < n && !contains(uses[i], target))
                uses[i].push_back(target);
        };
        // Only a nested fn can need more captures; a top-level one has none to give.
        if (fn->body && fn->enclosing)
            walkStmt(fn->body, visit);
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; ++i) {
            const FnDecl* g = m_sema.functions[i];
            for (const FnDecl* h : uses[i]) {
                for (const Binding* b : m_captures[h->index]) {
                    if (b->owner != g && !contains(m_captures[i], b)) {
                        m_captures[i].push_back(b);
                        changed = true;
                    }
                }
            }
        }
    }
    for (size_t i = 0; i < n; ++i) {
        const FnDecl* fn = m_sema.functions[i];
        if (fn && !fn->enclosing && !m_captures[i].empty())
            internalError(fn->nameRange, "function '" + text(fn->name) + "' captures variables but is not nested");
    }
}

std::string Lowerer::qualifiedName(const FnDecl* fn) const
{
    const std::string actor = fn->actor ? text(fn->actor->name) : std::string("?");
    switch (fn->fnKind) {
    case FnKind::Main: return "main";
    case FnKind::Function: {
        // A lambda is named after where it is written: `lambda@3:14`.
        std::string own = text(fn->name);
        if (fn->isLambda) {
            const SourceLocation at = m_file.locate(fn->range.begin);
            own += "@" + std::to_string(at.line) + ":" + std::to_string(at.col);
        }
        return fn->enclosing && fn->enclosing->fnKind != FnKind::Main ? qualifiedName(fn->enclosing) + "." + own
                                                                       : own;
    }
    case FnKind::Method: return actor + "." + text(fn->name);
    case FnKind::Handler: return actor + ".on " + text(fn->name);
    case FnKind::Render: return actor + ".render";
    case FnKind::Init: return actor + ".init";
    }
    return text(fn->name);
}

// ---------------------------------------------------------------- functions --

void Lowerer::beginFunction(FunctionState& fs, FunctionState* parent)
{
    fs.parent = parent;
    m_fs = &fs;
}

void Lowerer::finishFunction(FunctionState& fs, uint32_t endOffset)
{
    const uint32_t at = endOffset > 0 ? endOffset - 1 : 0;
    std::vector<Instr>& code = fs.out.code;
    bool needReturn = code.empty() || (code.back().op != Op::RETURN && code.back().op != Op::RETURNNIL);
    for (uint32_t i = 0; i < code.size() && !needReturn; ++i)
        needReturn = isJump(code[i].op) && int64_t(i) + 1 + code[i].sbc() == int64_t(code.size());
    if (needReturn)
        emit(Op::RETURNNIL, 0, 0, 0, at);
    closeScope(0, 0);
    fs.out.numRegs = std::max(fs.maxRegs, fs.out.arity);
    for (const Binding* b : fs.captures)
        fs.out.captures.push_back(text(b->name));
    m_program->functions[fs.index] = std::move(fs.out);
    m_fs = fs.parent;
}

void Lowerer::lowerFunction(const FnDecl* fn)
{
    FunctionState fs;
    fs.index = fn->index;
    fs.decl = fn;
    fs.range = fn->nameRange.end > fn->nameRange.begin ? fn->nameRange : fn->range;
    fs.captures = m_captures[fn->index];
    fs.renderReturns = fn->fnKind == FnKind::Render;
    fs.out.name = qualifiedName(fn);
    fs.out.kind = functionKind(fn->fnKind);
    fs.out.arity = fn->params.size();
    fs.out.actor = fn->actor ? int32_t(fn->actor->index) : -1;
    fs.out.position = fn->fnKind == FnKind::Main ? LineCol{} : lineCol(fs.range.begin);
    beginFunction(fs, nullptr);
    fs.out.code.reserve(16);
    fs.out.lines.reserve(16);
    for (const Param& p : fn->params) {
        const Reg r = allocReg();
        if (p.binding)
            bindLocal(p.binding, r, text(p.name));
    }
    if (fn->body)
        for (const Stmt* s : fn->body->stmts)
            stmt(s);
    finishFunction(fs, fn->range.end);
}

void Lowerer::lowerActor(const ActorDecl* a)
{
    ActorType t;
    t.name = text(a->name);
    t.kind = actorKind(a->actorKind);
    t.modelName = std::string(a->modelName);
    for (const StateDecl& sd : a->state)
        t.stateFields.push_back(text(sd.name));

    // The state initialisers, in order, as one synthetic function.
    FunctionState fs;
    fs.index = uint32_t(m_program->functions.size());
    m_program->functions.emplace_back();
    fs.range = a->nameRange;
    fs.out.name = t.name + ".init";
    fs.out.kind = FunctionKind::Init;
    fs.out.actor = int32_t(a->index);
    fs.out.position = lineCol(a->nameRange.begin);
    beginFunction(fs, nullptr);
    for (uint32_t i = 0; i < a->state.size(); ++i) {
        const StateDecl& sd = a->state[i];
        const Reg r = allocReg();
        if (sd.init)
            exprTo(sd.init, r);
        else
            emit(Op::LOADNIL, r, 0, 0, sd.range.begin);
        emitBx(Op::SETSTATE, r, sd.binding ? sd.binding->index : i, sd.range.begin);
        freeTo(r);
    }
    finishFunction(fs, a->range.end);
    t.initFunction = fs.index;

    for (const OnDecl& h : a->handlers)
        if (h.fn)
            t.handlers.push_back({h.messageId, h.fn->index});
    std::stable_sort(t.handlers.begin(), t.handlers.end(),
        [](const HandlerEntry& x, const HandlerEntry& y) { return x.message < y.message; });
    t.handlers.erase(std::unique(t.handlers.begin(), t.handlers.end(),
                         [](const HandlerEntry& x, const HandlerEntry& y) { return x.message == y.message; }),
        t.handlers.end());
    for (const FnDecl* m : a->methods)
        t.methods.push_back(m->index);
    t.renderFunction = a->render ? int32_t(a->render->index) : -1;
    m_program->actors[a->index] = std::move(t);
}

// ----------------------------------------------------------------- emission --

uint32_t Lowerer::emit(Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t at)
{
    if ((a | b | c) > 0xffff)
        internalError(m_fs->range, std::string("operand of ") + opName(op) + " does not fit in 16 bits");
    Instr in;
    in.op = op;
    in.a = uint16_t(a);
    in.b = uint16_t(b);
    in.c = uint16_t(c);
    FunctionState& fs = *m_fs;
    const uint32_t where = uint32_t(fs.out.code.size());
    fs.out.code.push_back(in);
    if (at != fs.lastOffset) {
        fs.lastOffset = at;
        fs.lastPos = lineCol(at);
    }
    std::vector<LineEntry>& lines = fs.out.lines;
    if (lines.empty() || lines.back().line != fs.lastPos.line || lines.back().col != fs.lastPos.col)
        lines.push_back({where, fs.lastPos.line, fs.lastPos.col});
    return where;
}

uint32_t Lowerer::emitBx(Op op, uint32_t a, uint32_t bx, uint32_t at)
{
    const uint32_t where = emit(op, a, 0, 0, at);
    m_fs->out.code[where].setBc(bx);
    return where;
}

uint32_t Lowerer::emitJump(Op op, uint32_t a, uint32_t at) { return emit(op, a, 0, 0, at); }

void Lowerer::jumpTo(Op op, uint32_t a, uint32_t target, uint32_t at) { patchJump(emitJump(op, a, at), target); }

void Lowerer::patchJump(uint32_t jumpPc, uint32_t target)
{
    m_fs->out.code[jumpPc].setSbc(int32_t(int64_t(target) - int64_t(jumpPc) - 1));
}

void Lowerer::patchHere(JumpList& jumps)
{
    for (uint32_t j : jumps)
        patchJump(j, pc());
    jumps.clear();
}

namespace {

// Identity of a constant for deduplication: kind plus exact value (floats
// by bit pattern, so 0.0 and -0.0 stay apart).
std::string constantKey(Constant::Kind kind, uint64_t bits, std::string_view s)
{
    std::string key(1, char('0' + int(kind)));
    key += kind == Constant::Kind::String ? std::string(s) : std::to_string(bits);
    return key;
}

uint64_t constantBits(const Constant& k)
{
    uint64_t bits = 0;
    if (k.kind == Constant::Kind::Float)
        std::memcpy(&bits, &k.f, sizeof bits);
    else
        bits = k.kind == Constant::Kind::Bool ? uint64_t(k.b) : uint64_t(k.i);
    return bits;
}

constexpr size_t kLinearConstants = 32; // pools up to this size are searched linearly

} // namespace

// Most pools are small: a linear scan beats hashing and allocates nothing;
// large pools switch to an index keyed by constantKey.
uint32_t Lowerer::addConstant(Constant::Kind kind, uint64_t bits, std::string_view s)
{
    FunctionState& fs = *m_fs;
    std::vector<Constant>& pool = fs.out.constants;
    if (pool.size() <= kLinearConstants) {
        for (uint32_t i = 0; i < pool.size(); ++i)
            if (pool[i].kind == kind && (kind == Constant::Kind::String ? pool[i].s == s : constantBits(pool[i]) == bits))
                return i;
    } else {
        if (fs.constantIndex.empty())
            for (uint32_t i = 0; i < pool.size(); ++i)
                fs.constantIndex.emplace(constantKey(pool[i].kind, constantBits(pool[i]), pool[i].s), i);
        auto it = fs.constantIndex.find(constantKey(kind, bits, s));
        if (it != fs.constantIndex.end())
            return it->second;
    }
    if (pool.size() >= kMaxConstants) {
        if (!fs.constsReported)
            m_sink.error(fs.range, "function '" + fs.out.name + "' needs more than 65535 constants; split it up");
        fs.constsReported = true;
        m_failed = true;
        return 0;
    }
    Constant k;
    k.kind = kind;
    switch (kind) {
    case Constant::Kind::Int: k.i = int64_t(bits); break;
    case Constant::Kind::Float: std::memcpy(&k.f, &bits, sizeof bits); break;
    case Constant::Kind::Bool: k.b = bits != 0; break;
    case Constant::Kind::String: k.s = std::string(s); break;
    case Constant::Kind::Nil: break;
    }
    const auto index = uint32_t(pool.size());
    pool.push_back(std::move(k));
    if (!fs.constantIndex.empty())
        fs.constantIndex.emplace(constantKey(kind, bits, s), index);
    return index;
}

uint32_t Lowerer::stringConstant(std::string_view s) { return addConstant(Constant::Kind::String, 0, s); }

void Lowerer::loadInt(Reg dst, int64_t v, uint32_t at)
{
    if (v >= INT32_MIN && v <= INT32_MAX) {
        emitBx(Op::LOADI, dst, uint32_t(int32_t(v)), at);
        return;
    }
    emitBx(Op::LOADK, dst, addConstant(Constant::Kind::Int, uint64_t(v), {}), at);
}

void Lowerer::loadFloat(Reg dst, double v, uint32_t at)
{
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    emitBx(Op::LOADK, dst, addConstant(Constant::Kind::Float, bits, {}), at);
}

// ---------------------------------------------------------------- registers --

Reg Lowerer::allocReg() { return allocRegs(1); }

Reg Lowerer::allocRegs(uint32_t n)
{
    FunctionState& fs = *m_fs;
    const uint32_t r = fs.freeReg;
    if (r + n > kMaxRegs) {
        if (!fs.regsReported)
            m_sink.error(fs.range, "function '" + fs.out.name + "' needs more than 65535 registers; split it up");
        fs.regsReported = true;
        m_failed = true;
        return Reg(std::min<uint32_t>(r, kMaxRegs - 1));
    }
    fs.freeReg += n;
    fs.maxRegs = std::max(fs.maxRegs, fs.freeReg);
    if (fs.localRegs.size() < fs.freeReg)
        fs.localRegs.resize(fs.freeReg, 0);
    return Reg(r);
}

void Lowerer::bindLocal(Binding* b, Reg r, std::string name)
{
    FunctionState& fs = *m_fs;
    b->reg = r; // Binding::reg belongs to Lowering (Ast.h)
    if (!fs.decl)
        fs.bound.push_back(b);
    if (fs.localRegs.size() <= r)
        fs.localRegs.resize(size_t(r) + 1, 0);
    fs.localRegs[r] = 1;
    fs.openLocals.push_back(fs.out.locals.size());
    fs.out.locals.push_back({std::move(name), r, pc(), 0});
}

void Lowerer::closeScope(size_t openLocals, uint32_t freeReg)
{
    FunctionState& fs = *m_fs;
    for (size_t i = openLocals; i < fs.openLocals.size(); ++i) {
        LocalVar& v = fs.out.locals[fs.openLocals[i]];
        v.endPc = pc();
        if (v.reg < fs.localRegs.size())
            fs.localRegs[v.reg] = 0;
    }
    fs.openLocals.resize(std::min(openLocals, fs.openLocals.size()));
    fs.freeReg = freeReg;
}

int32_t Lowerer::captureSlot(FunctionState& fs, const Binding* b)
{
    auto it = std::find(fs.captures.begin(), fs.captures.end(), b);
    if (it != fs.captures.end())
        return int32_t(it - fs.captures.begin());
    if (!fs.lazyCaptures)
        return -1;
    fs.captures.push_back(b);
    return int32_t(fs.captures.size() - 1);
}

// Does the function being lowered hold `b` in one of its registers? A real
// function holds the bindings it owns (Binding::owner) once declared; a
// synthetic one (init, event) those it bound itself, since the Checker
// attributes their locals to another function.
bool Lowerer::inRegister(const Binding* b) const
{
    const FunctionState& fs = *m_fs;
    if (fs.decl)
        return b->owner == fs.decl && b->reg >= 0;
    return std::find(fs.bound.begin(), fs.bound.end(), b) != fs.bound.end();
}

VarRef Lowerer::resolveVar(const Binding* b, SourceRange where)
{
    if (inRegister(b))
        return {VarRef::Kind::Register, uint16_t(b->reg)};
    const int32_t slot = captureSlot(*m_fs, b);
    if (slot >= 0)
        return {VarRef::Kind::Capture, uint16_t(slot)};
    internalError(where, "variable '" + text(b->name) + "' is not available in '" + m_fs->out.name + "'");
    return {};
}

// --------------------------------------------------------------- statements --

void Lowerer::block(const Block* b)
{
    if (!b)
        return;
    const size_t scope = openScope();
    const uint32_t mark = m_fs->freeReg;
    for (const Stmt* s : b->stmts)
        stmt(s);
    closeScope(scope, mark);
}

void Lowerer::stmt(const Stmt* s)
{
    if (!s)
        return;
    const uint32_t mark = m_fs->freeReg;
    const uint32_t at = s->range.begin;
    switch (s->kind) {
    case StmtKind::Let: letStmt(as<LetStmt>(s)); return;     // may keep one register
    case StmtKind::Fn: fnStmt(as<FnDecl>(s)); return;        // may keep one register
    case StmtKind::Assign: assignStmt(as<AssignStmt>(s)); break;
    case StmtKind::Expr: exprAny(as<ExprStmt>(s)->expr); break;
    case StmtKind::If: ifStmt(as<IfStmt>(s)); break;
    case StmtKind::While: whileStmt(as<WhileStmt>(s)); break;
    case StmtKind::For: forStmt(as<ForStmt>(s)); break;
    case StmtKind::Return: returnStmt(as<ReturnStmt>(s)); break;
    case StmtKind::Render: renderStmt(as<RenderStmt>(s)); break;
    case StmtKind::Block: block(as<Block>(s)); break;
    case StmtKind::Break:
    case StmtKind::Continue: {
        if (m_fs->loops.empty()) {
            internalError(s->range, "'break'/'continue' outside a loop");
            break;
        }
        LoopContext& loop = m_fs->loops.back();
        if (s->kind == StmtKind::Break)
            loop.breaks.push_back(emitJump(Op::JMP, 0, at));
        else if (loop.continueTarget >= 0)
            jumpTo(Op::JMP, 0, uint32_t(loop.continueTarget), at);
        else
            loop.continues.push_back(emitJump(Op::JMP, 0, at));
        break;
    }
    case StmtKind::Actor:
    case StmtKind::Model:
    case StmtKind::Import:
    case StmtKind::Record:
        break; // declarations: their code is lowered from the Checker's tables
    }
    freeTo(mark);
}

void Lowerer::letStmt(const LetStmt* s)
{
    const uint32_t at = s->range.begin;
    Binding* b = s->binding;
    if (!b) {
        internalError(s->nameRange, "unresolved declaration of '" + text(s->name) + "'");
        return;
    }
    if (b->kind == BindingKind::Global) {
        const uint32_t mark = m_fs->freeReg;
        Reg r;
        if (s->init) {
            r = exprAny(s->init);
        } else {
            r = allocReg();
            emit(Op::LOADNIL, r, 0, 0, at);
        }
        emitBx(Op::SETGLOBAL, r, b->index, at);
        freeTo(mark);
        return;
    }
    // A local takes the next register; it becomes visible after its initialiser.
    const Reg r = allocReg();
    if (s->init)
        exprTo(s->init, r);
    else
        emit(Op::LOADNIL, r, 0, 0, at);
    bindLocal(b, r, text(s->name));
}

void Lowerer::fnStmt(const FnDecl* fn)
{
    // Only a nested fn that captures needs code here: its closure, built once
    // where it is declared and called through CALLVALUE afterwards.
    if (fn->index >= m_captures.size() || m_captures[fn->index].empty() || !fn->binding)
        return;
    const Reg r = allocReg();
    emitBx(Op::CLOSURE, r, closureSite(fn->index, m_captures[fn->index], fn->range.begin), fn->range.begin);
    bindLocal(fn->binding, r, text(fn->name));
}

void Lowerer::assignStmt(const AssignStmt* s) { assignTo(s->target, s->op, s->value, s->range.begin); }

void Lowerer::ifStmt(const IfStmt* s)
{
    JumpList otherwise;
    jumpIfFalse(s->cond, otherwise);
    block(s->then);
    if (s->otherwise) {
        const uint32_t skip = emitJump(Op::JMP, 0, s->otherwise->range.begin);
        patchHere(otherwise);
        stmt(s->otherwise);
        patchJump(skip, pc());
    } else {
        patchHere(otherwise);
    }
}

void Lowerer::whileStmt(const WhileStmt* s)
{
    const uint32_t top = pc();
    JumpList exit;
    jumpIfFalse(s->cond, exit);
    m_fs->loops.push_back({int64_t(top), {}, {}});
    block(s->body);
    jumpTo(Op::JMP, 0, top, s->range.begin);
    patchHere(exit);
    patchHere(m_fs->loops.back().breaks);
    m_fs->loops.pop_back();
}

// `for i in range(a, b[, step])` and `for i in a..b` run as FORPREP/FORLOOP
// over four registers (index, limit, step, variable); anything else iterates
// with ITERPREP/ITERNEXT over three (iterable, position, variable).
void Lowerer::forStmt(const ForStmt* s)
{
    const uint32_t at = s->range.begin;
    const Expr* start = nullptr;
    const Expr* limit = nullptr;
    const Expr* step = nullptr;
    if (s->iterable->kind == ExprKind::Binary && as<BinaryExpr>(s->iterable)->op == BinaryOp::Range) {
        start = as<BinaryExpr>(s->iterable)->lhs;
        limit = as<BinaryExpr>(s->iterable)->rhs;
    } else if (s->iterable->kind == ExprKind::Call) {
        const auto* c = as<CallExpr>(s->iterable);
        if (c->callKind == CallKind::Builtin && c->builtin == uint32_t(BuiltinId::Range) && !c->args.empty()
            && c->args.size() <= 3) {
            start = c->args.size() >= 2 ? c->args[0] : nullptr;
            limit = c->args.size() >= 2 ? c->args[1] : c->args[0];
            step = c->args.size() == 3 ? c->args[2] : nullptr;
        }
    }
    const bool intLoop = limit != nullptr && !s->value;
    const size_t scope = openScope();
    const uint32_t mark = m_fs->freeReg;
    // `for k, v in m`: a fourth register holds the value of each entry.
    const Reg base = allocRegs(intLoop || s->value ? 4 : 3);
    uint32_t prep;
    if (intLoop) {
        if (start)
            exprTo(start, base);
        else
            loadInt(base, 0, at);
        exprTo(limit, Reg(base + 1));
        if (step)
            exprTo(step, Reg(base + 2));
        else
            loadInt(Reg(base + 2), 1, at);
        prep = emitJump(Op::FORPREP, base, at);
    } else {
        exprTo(s->iterable, base);
        prep = emitJump(Op::ITERPREP, base, at);
    }
    const Reg var = Reg(base + (intLoop ? 3 : 2));
    if (s->binding)
        bindLocal(s->binding, var, text(s->var));
    const uint32_t body = pc();
    if (s->value) {
        emit(Op::ITERVALUE, base + 3, base, 0, at);
        if (s->valueBinding)
            bindLocal(s->valueBinding, Reg(base + 3), text(s->value));
    }
    m_fs->loops.push_back({});
    block(s->body);
    patchHere(m_fs->loops.back().continues);
    if (intLoop) {
        jumpTo(Op::FORLOOP, base, body, at);
        patchJump(prep, pc());
    } else {
        patchJump(prep, pc());
        jumpTo(Op::ITERNEXT, base, body, at);
    }
    patchHere(m_fs->loops.back().breaks);
    m_fs->loops.pop_back();
    closeScope(scope, mark);
}

void Lowerer::returnStmt(const ReturnStmt* s)
{
    if (!s->value) {
        emit(Op::RETURNNIL, 0, 0, 0, s->range.begin);
        return;
    }
    const Reg r = exprAny(s->value);
    emit(Op::RETURN, r, 0, 0, s->range.begin);
}

void Lowerer::renderStmt(const RenderStmt* s)
{
    const Reg r = exprAny(s->value);
    // A screen's render body returns its tree; elsewhere `render` is output:
    // a `render { ... }` block shows its items (`render { "text" }` prints
    // text), `render value` shows the value as print would.
    const bool block = s->value && s->value->kind == ExprKind::RenderBlock;
    emit(m_fs->renderReturns ? Op::RETURN : block ? Op::RENDERBLOCK : Op::RENDER, r, 0, 0, s->range.begin);
}

} // namespace lowering
} // namespace aeroflow::compiler
