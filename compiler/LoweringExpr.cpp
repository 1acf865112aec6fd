// Lowering, part 2: expressions, assignable places, calls, closures, match
// and UI trees. See LoweringImpl.h for the register discipline: exprTo(e, dst)
// leaves the value in dst and frees every temporary it allocated.
#include "LoweringImpl.h"

#include "Builtins.h"

#include <algorithm>

namespace aeroflow::compiler::lowering {

namespace {

constexpr uint32_t kListBatch = 64; // list items per NEWLIST/LISTAPPEND
constexpr uint32_t kMapBatch = 32;  // pairs in the NEWMAP of a map literal

bool methodMutates(std::string_view name)
{
    for (const MethodInfo& m : allMethods())
        if (m.name == name && m.mutates)
            return true;
    return false;
}

Op arithOp(BinaryOp op)
{
    switch (op) {
    case BinaryOp::Add: return Op::ADD;
    case BinaryOp::Sub: return Op::SUB;
    case BinaryOp::Mul: return Op::MUL;
    case BinaryOp::Div: return Op::DIV;
    case BinaryOp::Mod: return Op::MOD;
    case BinaryOp::Eq: return Op::EQ;
    case BinaryOp::Ne: return Op::NE;
    case BinaryOp::Lt: return Op::LT;
    case BinaryOp::Le: return Op::LE;
    case BinaryOp::Gt: return Op::GT;
    case BinaryOp::Ge: return Op::GE;
    case BinaryOp::In: return Op::IN;
    default: return Op::NOP;
    }
}

Op assignOp(AssignOp op)
{
    switch (op) {
    case AssignOp::Add: return Op::ADD;
    case AssignOp::Sub: return Op::SUB;
    case AssignOp::Mul: return Op::MUL;
    case AssignOp::Div: return Op::DIV;
    case AssignOp::Mod: return Op::MOD;
    case AssignOp::Set: break;
    }
    return Op::NOP;
}

// The parser spells INT64_MIN as `-` applied to 9223372036854775808, which
// it stores as INT64_MIN: negation wraps so that it stays INT64_MIN.
int64_t negated(int64_t v) { return int64_t(0 - uint64_t(v)); }

bool isLocalBinding(const Binding* b)
{
    return b && (b->kind == BindingKind::Local || b->kind == BindingKind::Param);
}

} // namespace

// ------------------------------------------------------------------ basics --

void Lowerer::exprTo(const Expr* e, Reg dst)
{
    const uint32_t mark = m_fs->freeReg;
    exprImpl(e, dst);
    freeTo(mark);
}

// The register of a variable of this frame that `e` names, or -1.
int32_t Lowerer::localRegister(const Expr* e) const
{
    if (e->kind != ExprKind::Ident)
        return -1;
    const Binding* b = as<IdentExpr>(e)->binding;
    return isLocalBinding(b) && inRegister(b) ? b->reg : -1;
}

Reg Lowerer::exprAny(const Expr* e)
{
    // A local already lives in a register: use it in place.
    if (const int32_t r = localRegister(e); r >= 0)
        return Reg(r);
    const Reg r = allocReg();
    exprTo(e, r);
    return r;
}

// The first operand of an instruction that writes dst: a local in place;
// else computed right into dst when dst is a temporary (nothing else can read
// it meanwhile), which keeps chains like `a + b + c` in one register.
Reg Lowerer::leftOperand(const Expr* e, Reg dst)
{
    if (const int32_t r = localRegister(e); r >= 0)
        return Reg(r);
    if (isTemp(dst)) {
        exprTo(e, dst);
        return dst;
    }
    return exprAny(e);
}

// Expressions that write their destination before they have read all their
// operands; assigning one to a local goes through a temporary.
bool Lowerer::writesDstEarly(const Expr* e)
{
    if (e->kind == ExprKind::Match)
        return true;
    if (e->kind == ExprKind::Binary) {
        const BinaryOp op = as<BinaryExpr>(e)->op;
        return op == BinaryOp::And || op == BinaryOp::Or;
    }
    return false;
}

void Lowerer::exprImpl(const Expr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    switch (e->kind) {
    case ExprKind::Int: loadInt(dst, as<IntExpr>(e)->value, at); return;
    case ExprKind::Float: loadFloat(dst, as<FloatExpr>(e)->value, at); return;
    case ExprKind::String: emitBx(Op::LOADK, dst, stringConstant(as<StringExpr>(e)->value), at); return;
    case ExprKind::Bool: emit(as<BoolExpr>(e)->value ? Op::LOADTRUE : Op::LOADFALSE, dst, 0, 0, at); return;
    case ExprKind::Nil: emit(Op::LOADNIL, dst, 0, 0, at); return;
    case ExprKind::Ident: identTo(as<IdentExpr>(e), dst); return;
    case ExprKind::Self: emit(Op::SELF, dst, 0, 0, at); return;
    case ExprKind::Time: emit(Op::TIME, dst, 0, 0, at); return;
    case ExprKind::List: listTo(as<ListExpr>(e)->items, dst, at); return;
    case ExprKind::RenderBlock: listTo(as<RenderBlockExpr>(e)->items, dst, at); return;
    case ExprKind::Map: mapTo(as<MapExpr>(e), dst); return;
    case ExprKind::Tensor: tensorTo(as<TensorExpr>(e), dst); return;
    case ExprKind::Unary: {
        const auto* u = as<UnaryExpr>(e);
        if (u->op == UnaryOp::Neg && u->operand->kind == ExprKind::Int) {
            loadInt(dst, negated(as<IntExpr>(u->operand)->value), at);
            return;
        }
        if (u->op == UnaryOp::Neg && u->operand->kind == ExprKind::Float) {
            loadFloat(dst, -as<FloatExpr>(u->operand)->value, at);
            return;
        }
        const Reg r = leftOperand(u->operand, dst);
        emit(u->op == UnaryOp::Neg ? Op::NEG : Op::NOT, dst, r, 0, at);
        return;
    }
    case ExprKind::Binary: binaryTo(as<BinaryExpr>(e), dst); return;
    case ExprKind::Call: callTo(as<CallExpr>(e), dst); return;
    case ExprKind::Index: {
        const auto* ix = as<IndexExpr>(e);
        const Reg o = leftOperand(ix->object, dst);
        const Reg i = exprAny(ix->index);
        emit(Op::INDEX, dst, o, i, at);
        return;
    }
    case ExprKind::Field: {
        const auto* f = as<FieldExpr>(e);
        if (f->moduleMember >= 0) { // `math.pi`: a module value
            builtinTo(uint32_t(f->moduleMember), dst, f->fieldRange.begin);
            return;
        }
        const Reg o = leftOperand(f->object, dst);
        emit(Op::FIELD, dst, o, stringConstant(m_names.text(f->field)), f->fieldRange.begin);
        return;
    }
    case ExprKind::Spawn: {
        const auto* s = as<SpawnExpr>(e);
        if (!s->actor) {
            internalError(e->range, "spawn of an unresolved actor");
            return;
        }
        emitBx(Op::SPAWN, dst, s->actor->index, at);
        return;
    }
    case ExprKind::Match: matchTo(as<MatchExpr>(e), dst); return;
    case ExprKind::Ui: uiNodeTo(as<UiExpr>(e), dst); return;
    case ExprKind::FString: fstringTo(as<FStringExpr>(e), dst); return;
    case ExprKind::Lambda: closureTo(as<LambdaExpr>(e)->fn, dst, at); return;
    case ExprKind::Error: internalError(e->range, "an error expression reached lowering"); return;
    }
}

void Lowerer::identTo(const IdentExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const Binding* b = e->binding;
    if (!b) {
        internalError(e->range, "unresolved name '" + text(e->name) + "'");
        return;
    }
    switch (b->kind) {
    case BindingKind::Local:
    case BindingKind::Param: {
        const VarRef v = resolveVar(b, e->range);
        if (v.kind == VarRef::Kind::Register && v.index != dst)
            emit(Op::MOVE, dst, v.index, 0, at);
        else if (v.kind == VarRef::Kind::Capture)
            emit(Op::GETCAPTURE, dst, v.index, 0, at);
        return;
    }
    case BindingKind::Global: emitBx(Op::GETGLOBAL, dst, b->index, at); return;
    case BindingKind::State: emitBx(Op::GETSTATE, dst, b->index, at); return;
    case BindingKind::Function:
        if (b->fn)
            closureTo(b->fn, dst, at);
        else
            internalError(e->range, "function '" + text(e->name) + "' has no declaration");
        return;
    case BindingKind::Message: emit(Op::MSG, dst, b->index, 0, at); return;
    case BindingKind::Record:
        // Only as the type argument of json.decode(text, Order): its index.
        loadInt(dst, b->index, at);
        return;
    case BindingKind::ModuleMember: {
        const auto modules = standardModules();
        const BuiltinInfo* info = b->index < modules.size()
            ? findModuleMember(modules[b->index], m_names.text(b->member ? b->member : e->name))
            : nullptr;
        if (info && info->isValue())
            builtinTo(uint32_t(info->id), dst, at);
        else
            internalError(e->range, "module member '" + text(e->name) + "' used as a value");
        return;
    }
    default:
        internalError(e->range, "'" + text(e->name) + "' is not a value");
        return;
    }
}

void Lowerer::binaryTo(const BinaryExpr* e, Reg dst)
{
    const uint32_t at = e->opRange.begin;
    switch (e->op) {
    case BinaryOp::And:
    case BinaryOp::Or: {
        // dst := lhs; if it decides the result, skip rhs.
        exprTo(e->lhs, dst);
        const uint32_t skip = emitJump(e->op == BinaryOp::And ? Op::JMPIFNOT : Op::JMPIF, dst, at);
        exprTo(e->rhs, dst);
        patchJump(skip, pc());
        return;
    }
    case BinaryOp::Range: { // a value: the list range(a, b)
        const Reg base = callBase(dst);
        exprTo(e->lhs, base);
        exprTo(e->rhs, slot(base + 1u));
        emit(Op::CALLBUILTIN, base, uint32_t(BuiltinId::Range), 2, at);
        if (base != dst)
            emit(Op::MOVE, dst, base, 0, at);
        return;
    }
    case BinaryOp::Add:
    case BinaryOp::Sub:
    case BinaryOp::Mul:
    case BinaryOp::Div:
    case BinaryOp::Mod:
        arith(arithOp(e->op), dst, leftOperand(e->lhs, dst), e->rhs, at, isNumeric(e->lhs));
        return;
    default: {
        const Reg l = leftOperand(e->lhs, dst);
        const Reg r = exprAny(e->rhs);
        emit(arithOp(e->op), dst, l, r, at);
        return;
    }
    }
}

bool Lowerer::isNumeric(const Expr* e) const
{
    const TypeKind k = m_types.kind(e->type);
    return k == TypeKind::Int || k == TypeKind::Float;
}

// `x + 1` can be ADDI, and so can `x - 1` when x is known to be a number
// (ADD also concatenates strings, so `s - 1` must stay a SUB that fails at
// run time). `x - 0` stays a SUB: -0.0 - 0 is -0.0, -0.0 + 0 is 0.0.
bool Lowerer::immediate(Op op, const Expr* rhs, bool lhsNumeric, int16_t& imm) const
{
    if (rhs->kind != ExprKind::Int || !(op == Op::ADD || (op == Op::SUB && lhsNumeric)))
        return false;
    const int64_t v = as<IntExpr>(rhs)->value;
    if (op == Op::SUB && v == 0)
        return false;
    const int64_t i = op == Op::ADD ? v : negated(v);
    if (i < INT16_MIN || i > INT16_MAX)
        return false;
    imm = int16_t(i);
    return true;
}

// dst := lhs OP rhs.
void Lowerer::arith(Op op, Reg dst, Reg lhs, const Expr* rhs, uint32_t at, bool lhsNumeric)
{
    int16_t imm = 0;
    if (immediate(op, rhs, lhsNumeric, imm)) {
        emit(Op::ADDI, dst, lhs, uint16_t(imm), at);
        return;
    }
    const Reg r = exprAny(rhs);
    emit(op, dst, lhs, r, at);
}

void Lowerer::jumpIfFalse(const Expr* e, JumpList& out)
{
    const uint32_t at = e->range.begin;
    if (e->kind == ExprKind::Bool) {
        if (!as<BoolExpr>(e)->value)
            out.push_back(emitJump(Op::JMP, 0, at));
        return;
    }
    if (e->kind == ExprKind::Unary && as<UnaryExpr>(e)->op == UnaryOp::Not) {
        jumpIfTrue(as<UnaryExpr>(e)->operand, out);
        return;
    }
    if (e->kind == ExprKind::Binary && as<BinaryExpr>(e)->op == BinaryOp::And) {
        jumpIfFalse(as<BinaryExpr>(e)->lhs, out);
        jumpIfFalse(as<BinaryExpr>(e)->rhs, out);
        return;
    }
    if (e->kind == ExprKind::Binary && as<BinaryExpr>(e)->op == BinaryOp::Or) {
        JumpList taken;
        jumpIfTrue(as<BinaryExpr>(e)->lhs, taken);
        jumpIfFalse(as<BinaryExpr>(e)->rhs, out);
        patchHere(taken);
        return;
    }
    const uint32_t mark = m_fs->freeReg;
    out.push_back(emitJump(Op::JMPIFNOT, exprAny(e), at));
    freeTo(mark);
}

void Lowerer::jumpIfTrue(const Expr* e, JumpList& out)
{
    const uint32_t at = e->range.begin;
    if (e->kind == ExprKind::Bool) {
        if (as<BoolExpr>(e)->value)
            out.push_back(emitJump(Op::JMP, 0, at));
        return;
    }
    if (e->kind == ExprKind::Unary && as<UnaryExpr>(e)->op == UnaryOp::Not) {
        jumpIfFalse(as<UnaryExpr>(e)->operand, out);
        return;
    }
    if (e->kind == ExprKind::Binary && as<BinaryExpr>(e)->op == BinaryOp::Or) {
        jumpIfTrue(as<BinaryExpr>(e)->lhs, out);
        jumpIfTrue(as<BinaryExpr>(e)->rhs, out);
        return;
    }
    if (e->kind == ExprKind::Binary && as<BinaryExpr>(e)->op == BinaryOp::And) {
        JumpList notTaken;
        jumpIfFalse(as<BinaryExpr>(e)->lhs, notTaken);
        jumpIfTrue(as<BinaryExpr>(e)->rhs, out);
        patchHere(notTaken);
        return;
    }
    const uint32_t mark = m_fs->freeReg;
    out.push_back(emitJump(Op::JMPIF, exprAny(e), at));
    freeTo(mark);
}

// ------------------------------------------------------------- collections --

// Long literals are built in batches so that they need few registers.
void Lowerer::listTo(Span<Expr*> items, Reg dst, uint32_t at)
{
    const uint32_t n = items.size();
    if (n <= kListBatch) {
        const Reg base = callBase(dst);
        for (uint32_t i = 0; i < n; ++i)
            exprTo(items[i], slot(base + i));
        emit(Op::NEWLIST, dst, n ? base : 0, n, at);
        return;
    }
    // dst holds the partial list while later items are evaluated: never a local they might read.
    const Reg target = isTemp(dst) ? dst : allocReg();
    for (uint32_t first = 0; first < n; first += kListBatch) {
        const uint32_t count = std::min(kListBatch, n - first);
        const uint32_t mark = m_fs->freeReg;
        const Reg base = slot(m_fs->freeReg);
        for (uint32_t i = 0; i < count; ++i)
            exprTo(items[first + i], slot(base + i));
        emit(first == 0 ? Op::NEWLIST : Op::LISTAPPEND, target, base, count, at);
        freeTo(mark);
    }
    if (target != dst)
        emit(Op::MOVE, dst, target, 0, at);
}

void Lowerer::mapTo(const MapExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const uint32_t n = e->values.size();
    const uint32_t first = std::min(n, kMapBatch);
    const Reg target = n <= kMapBatch || isTemp(dst) ? dst : allocReg();
    {
        const uint32_t mark = m_fs->freeReg;
        const Reg base = target == dst ? callBase(dst) : slot(m_fs->freeReg);
        for (uint32_t i = 0; i < first; ++i) {
            if (e->keys[i].keyExpr)
                exprTo(e->keys[i].keyExpr, slot(base + 2 * i));
            else
                emitBx(Op::LOADK, slot(base + 2 * i), stringConstant(e->keys[i].key), e->keys[i].keyRange.begin);
            exprTo(e->values[i], slot(base + 2 * i + 1));
        }
        emit(Op::NEWMAP, target, first ? base : 0, first, at);
        freeTo(mark);
    }
    for (uint32_t i = first; i < n; ++i) {
        const uint32_t mark = m_fs->freeReg;
        if (e->keys[i].keyExpr) {
            // Keys and values in source order, as in the first batch.
            const Reg k = allocReg();
            exprTo(e->keys[i].keyExpr, k);
            const Reg v = exprAny(e->values[i]);
            emit(Op::SETINDEX, target, k, v, e->keys[i].keyRange.begin);
        } else {
            const Reg v = exprAny(e->values[i]);
            emit(Op::SETFIELD, target, stringConstant(e->keys[i].key), v, e->keys[i].keyRange.begin);
        }
        freeTo(mark);
    }
    if (target != dst)
        emit(Op::MOVE, dst, target, 0, at);
}

void Lowerer::tensorTo(const TensorExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const Reg shape = allocReg();
    listTo(e->dims, shape, at);
    const Reg items = allocReg();
    listTo(e->items, items, at);
    emit(Op::NEWTENSOR, dst, shape, items, at);
}

// ------------------------------------------------------------------ places --

// Places are lowered in phases so that a container is changed where it is
// the only reference (the engine copies shared lists and maps on write):
//   1. place(): evaluate the keys along the path, load nothing yet;
//   2. the caller evaluates what it needs (the new value, the arguments);
//   3. open()/takePlace(): move each container out of its home, leaving nil;
//   4. modify it in place, then storePlace() puts everything back, leaf first.
// No user code runs between 3 and 4, so the nils are never observed.
Place Lowerer::place(const Expr* e)
{
    Place p;
    p.at = e->range.begin;
    if (e->kind == ExprKind::Ident && as<IdentExpr>(e)->binding) {
        const Binding* b = as<IdentExpr>(e)->binding;
        switch (b->kind) {
        case BindingKind::Local:
        case BindingKind::Param: {
            const VarRef v = resolveVar(b, e->range);
            p.kind = v.kind == VarRef::Kind::Capture ? Place::Kind::Capture : Place::Kind::Reg;
            p.slot = v.index;
            return p;
        }
        case BindingKind::Global: p.kind = Place::Kind::Global; p.slot = b->index; return p;
        case BindingKind::State: p.kind = Place::Kind::State; p.slot = b->index; return p;
        default: break;
        }
    } else if (e->kind == ExprKind::Index) {
        const auto* ix = as<IndexExpr>(e);
        p.kind = Place::Kind::Index;
        p.parent = std::make_unique<Place>(place(ix->object));
        p.key = exprAny(ix->index);
        return p;
    } else if (e->kind == ExprKind::Field && as<FieldExpr>(e)->moduleMember < 0) {
        const auto* f = as<FieldExpr>(e);
        p.kind = Place::Kind::Field;
        p.at = f->fieldRange.begin;
        p.parent = std::make_unique<Place>(place(f->object));
        p.slot = stringConstant(m_names.text(f->field));
        return p;
    }
    p.kind = Place::Kind::Value;
    p.object = exprAny(e);
    return p;
}

// Index/Field places: bring the container into a register it alone refers
// to. A local container is changed in its own register.
void Lowerer::open(Place& p)
{
    if ((p.kind != Place::Kind::Index && p.kind != Place::Kind::Field) || p.opened)
        return;
    p.opened = true;
    Place& parent = *p.parent;
    if (parent.kind == Place::Kind::Reg) {
        p.object = Reg(parent.slot);
    } else if (parent.kind == Place::Kind::Value) {
        p.object = parent.object;
    } else {
        p.object = allocReg();
        takePlace(parent, p.object);
    }
}

// dst := the place's value, which leaves its home (nil stays behind) so that
// dst holds the only reference. Captures cannot be emptied: they are copied.
void Lowerer::takePlace(Place& p, Reg dst)
{
    auto clear = [&](Op set, uint32_t a, uint32_t b, bool wide) {
        const Reg nil = allocReg();
        emit(Op::LOADNIL, nil, 0, 0, p.at);
        if (wide)
            emitBx(set, nil, b, p.at);
        else
            emit(set, a, b, nil, p.at);
    };
    open(p);
    switch (p.kind) {
    case Place::Kind::Reg:
        emit(Op::MOVE, dst, p.slot, 0, p.at);
        emit(Op::LOADNIL, p.slot, 0, 0, p.at);
        return;
    case Place::Kind::Global:
        emitBx(Op::GETGLOBAL, dst, p.slot, p.at);
        clear(Op::SETGLOBAL, 0, p.slot, true);
        return;
    case Place::Kind::State:
        emitBx(Op::GETSTATE, dst, p.slot, p.at);
        clear(Op::SETSTATE, 0, p.slot, true);
        return;
    case Place::Kind::Capture: emit(Op::GETCAPTURE, dst, p.slot, 0, p.at); return;
    case Place::Kind::Index:
        emit(Op::INDEX, dst, p.object, p.key, p.at);
        clear(Op::SETINDEX, p.object, p.key, false);
        return;
    case Place::Kind::Field:
        emit(Op::FIELD, dst, p.object, p.slot, p.at);
        clear(Op::SETFIELD, p.object, p.slot, false);
        return;
    case Place::Kind::Value:
        if (p.object != dst)
            emit(Op::MOVE, dst, p.object, 0, p.at);
        return;
    }
}

// The place's current value (its home keeps it): its own register for
// locals and plain values, else loaded into `into` (a new temporary when -1).
Reg Lowerer::loadPlace(Place& p, int32_t into)
{
    if (p.kind == Place::Kind::Reg)
        return Reg(p.slot);
    if (p.kind == Place::Kind::Value)
        return p.object;
    open(p);
    const Reg r = into >= 0 ? Reg(into) : allocReg();
    switch (p.kind) {
    case Place::Kind::Global: emitBx(Op::GETGLOBAL, r, p.slot, p.at); break;
    case Place::Kind::State: emitBx(Op::GETSTATE, r, p.slot, p.at); break;
    case Place::Kind::Capture: emit(Op::GETCAPTURE, r, p.slot, 0, p.at); break;
    case Place::Kind::Index: emit(Op::INDEX, r, p.object, p.key, p.at); break;
    case Place::Kind::Field: emit(Op::FIELD, r, p.object, p.slot, p.at); break;
    default: break;
    }
    return r;
}

// Writes value into the place, then puts each opened container back into
// its home, innermost first.
void Lowerer::storePlace(Place& p, Reg value)
{
    open(p);
    switch (p.kind) {
    case Place::Kind::Reg:
        if (p.slot != value)
            emit(Op::MOVE, p.slot, value, 0, p.at);
        return;
    case Place::Kind::Global: emitBx(Op::SETGLOBAL, value, p.slot, p.at); return;
    case Place::Kind::State: emitBx(Op::SETSTATE, value, p.slot, p.at); return;
    case Place::Kind::Capture: internalError({p.at, p.at}, "assignment to a captured variable"); return;
    case Place::Kind::Value: return; // a temporary: nothing to write back
    case Place::Kind::Index: emit(Op::SETINDEX, p.object, p.key, value, p.at); break;
    case Place::Kind::Field: emit(Op::SETFIELD, p.object, p.slot, value, p.at); break;
    }
    Place& parent = *p.parent;
    if (parent.kind != Place::Kind::Reg && parent.kind != Place::Kind::Value)
        storePlace(parent, p.object);
}

void Lowerer::assignTo(const Expr* target, AssignOp op, const Expr* value, uint32_t at)
{
    const uint32_t mark = m_fs->freeReg;
    Place p = place(target);
    const bool numeric = isNumeric(target);
    int16_t imm = 0;
    if (op == AssignOp::Set) {
        if (p.kind == Place::Kind::Reg && !writesDstEarly(value)) {
            exprTo(value, Reg(p.slot));
        } else {
            const Reg v = exprAny(value); // before any container leaves its home
            storePlace(p, v);
        }
    } else if (p.kind == Place::Kind::Reg) {
        arith(assignOp(op), Reg(p.slot), Reg(p.slot), value, at, numeric);
    } else if (p.kind == Place::Kind::Index || p.kind == Place::Kind::Field) {
        // `a[i] += v`: v first, then take the containers, read, change, store.
        const bool useImm = immediate(assignOp(op), value, numeric, imm);
        const Reg v = useImm ? 0 : exprAny(value);
        const Reg result = allocReg();
        loadPlace(p, result);
        if (useImm)
            emit(Op::ADDI, result, result, uint16_t(imm), at);
        else
            emit(assignOp(op), result, result, v, at);
        storePlace(p, result);
    } else {
        const Reg result = allocReg();
        arith(assignOp(op), result, loadPlace(p, result), value, at, numeric);
        storePlace(p, result);
    }
    freeTo(mark);
}

// ------------------------------------------------------------------- calls --

// The first register of an operand window (call arguments, list items, UI
// parts). Reuses dst when it is the topmost temporary, so `t := f(x)` needs
// no MOVE.
Reg Lowerer::callBase(Reg dst)
{
    if (isTemp(dst) && uint32_t(dst) + 1 == m_fs->freeReg)
        return dst;
    return allocReg();
}

// Register `r` of a window, allocated on first use (with any below it). While
// an operand is evaluated its slot is the topmost temporary, so a nested call
// or list is built right there (as Lua's luaK_exp2nextreg).
Reg Lowerer::slot(uint32_t r)
{
    if (r >= m_fs->freeReg)
        allocRegs(r + 1 - m_fs->freeReg);
    return Reg(r);
}

// Arguments into base.., exactly `count` of them: missing ones are nil and
// surplus ones are evaluated for their effects only (the Checker reports both).
void Lowerer::argsTo(Span<Expr*> args, Reg base, uint32_t count, uint32_t at)
{
    for (uint32_t i = 0; i < args.size(); ++i) {
        if (i < count) {
            exprTo(args[i], slot(base + i));
        } else {
            const uint32_t mark = m_fs->freeReg;
            exprAny(args[i]);
            freeTo(mark);
        }
    }
    for (uint32_t i = args.size(); i < count; ++i)
        emit(Op::LOADNIL, slot(base + i), 0, 0, at);
}

// f"..." is format(templ, value1, spec fields of value1..., value2, ...):
// the engine formats every field by the same rules as format().
void Lowerer::fstringTo(const FStringExpr* e, Reg dst)
{
    if (e->fields.empty()) { // only text: a constant
        std::string text;
        for (size_t i = 0; i < e->templ.size(); ++i) {
            text += e->templ[i];
            if ((e->templ[i] == '{' || e->templ[i] == '}') && i + 1 < e->templ.size() && e->templ[i + 1] == e->templ[i])
                ++i;
        }
        emitBx(Op::LOADK, dst, stringConstant(text), e->range.begin);
        return;
    }
    // A field the checker could not prove (a value of unknown type, or a spec
    // known only at run time) may fail: runtime errors point at it when there is one.
    uint32_t at = e->range.begin;
    int risky = 0;
    for (const FStringField& f : e->fields) {
        if (f.specRange.end > f.specRange.begin && (f.value->type == TypeTable::kAny || !f.specArgs.empty())) {
            if (++risky == 1)
                at = f.range.begin;
        }
    }
    if (risky > 1)
        at = e->range.begin;
    const Reg base = callBase(dst);
    emitBx(Op::LOADK, slot(base), stringConstant(e->templ), e->range.begin);
    uint32_t n = 1;
    for (const FStringField& f : e->fields) {
        exprTo(f.value, slot(base + n++));
        for (const Expr* a : f.specArgs)
            exprTo(a, slot(base + n++));
    }
    emit(Op::CALLBUILTIN, base, uint32_t(BuiltinId::Format), n, at);
    if (base != dst)
        emit(Op::MOVE, dst, base, 0, at);
}

// Order(id: 1, qty: 2): the fields in declaration order into a call window
// (defaults where no argument gives one), then NEWREC. Arguments are
// evaluated in the order they are written, as every call's are.
void Lowerer::recordTo(const CallExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const RecordDecl* r = e->record;
    if (!r || e->fieldArgs.size() != r->fields.size()) {
        internalError(e->range, "record construction without its fields");
        return;
    }
    const uint32_t n = r->fields.size();
    const Reg base = callBase(dst);
    bool inOrder = true;
    for (uint32_t f = 0; f < n; ++f)
        if (e->fieldArgs[f] >= 0 && uint32_t(e->fieldArgs[f]) != f)
            inOrder = false;
    if (inOrder) {
        for (uint32_t f = 0; f < n; ++f)
            exprTo(e->fieldArgs[f] >= 0 ? e->args[uint32_t(e->fieldArgs[f])] : r->fields[f].init, slot(base + f));
    } else {
        // Named arguments out of order: evaluate as written into the slot of
        // their field (each slot is written once), then the defaults.
        if (n > 0)
            slot(base + n - 1);
        for (uint32_t i = 0; i < e->args.size(); ++i)
            for (uint32_t f = 0; f < n; ++f)
                if (e->fieldArgs[f] == int32_t(i))
                    exprTo(e->args[i], slot(base + f));
        for (uint32_t f = 0; f < n; ++f)
            if (e->fieldArgs[f] < 0)
                exprTo(r->fields[f].init, slot(base + f));
    }
    emit(Op::NEWREC, base, r->index, n, at);
    if (base != dst)
        emit(Op::MOVE, dst, base, 0, at);
}

// o.with(qty: 3): a copy of o (value semantics) with those fields set.
void Lowerer::recordWithTo(const CallExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const RecordDecl* r = e->record;
    const auto* f = as<FieldExpr>(e->callee);
    if (!r || e->fieldArgs.size() != r->fields.size()) {
        internalError(e->range, "with() without its fields");
        return;
    }
    const Reg t = allocReg();
    exprTo(f->object, t);
    for (uint32_t i = 0; i < e->args.size(); ++i)
        for (uint32_t k = 0; k < r->fields.size(); ++k)
            if (e->fieldArgs[k] == int32_t(i)) {
                const uint32_t mark = m_fs->freeReg;
                const Reg v = exprAny(e->args[i]);
                emit(Op::SETFIELD, t, stringConstant(m_names.text(r->fields[k].name)), v, e->argNames[i].range.begin);
                freeTo(mark);
            }
    emit(Op::MOVE, dst, t, 0, at);
}

void Lowerer::builtinTo(uint32_t builtin, Reg dst, uint32_t at) { emit(Op::CALLBUILTIN, dst, builtin, 0, at); }

void Lowerer::callTo(const CallExpr* e, Reg dst)
{
    const uint32_t at = e->range.begin;
    const uint32_t n = e->args.size();
    Reg base = 0;
    switch (e->callKind) {
    case CallKind::Function: {
        const FnDecl* fn = e->fn;
        if (!fn || fn->index >= m_captures.size()) {
            internalError(e->range, "call of an unresolved function");
            return;
        }
        if (m_captures[fn->index].empty()) {
            base = callBase(dst);
            argsTo(e->args, base, fn->params.size(), at);
            emitBx(Op::CALL, base, fn->index, at);
        } else {
            // A callee in a new temporary sits below the window, where arguments cannot overwrite it.
            const uint32_t mark = m_fs->freeReg;
            const Reg callee = closureValue(fn, at);
            base = m_fs->freeReg == mark ? callBase(dst) : allocReg();
            argsTo(e->args, base, n, at);
            emit(Op::CALLVALUE, base, callee, n, at);
        }
        break;
    }
    case CallKind::Value: {
        const uint32_t mark = m_fs->freeReg;
        const Reg callee = exprAny(e->callee);
        base = m_fs->freeReg == mark ? callBase(dst) : allocReg();
        argsTo(e->args, base, n, at);
        emit(Op::CALLVALUE, base, callee, n, at);
        break;
    }
    case CallKind::Builtin:
    case CallKind::Message:
        base = callBase(dst);
        argsTo(e->args, base, n, at);
        if (e->callKind == CallKind::Builtin)
            emit(Op::CALLBUILTIN, base, e->builtin, n, at);
        else
            emit(Op::MSG, base, e->message, n, at);
        break;
    case CallKind::Ok:
    case CallKind::Err: {
        Reg v;
        if (n == 0) {
            v = allocReg();
            emit(Op::LOADNIL, v, 0, 0, at);
        } else {
            v = exprAny(e->args[0]);
        }
        emit(e->callKind == CallKind::Ok ? Op::MKOK : Op::MKERR, dst, v, 0, at);
        return;
    }
    case CallKind::Method: methodCallTo(e, dst); return;
    case CallKind::Record: recordTo(e, dst); return;
    case CallKind::RecordWith: recordWithTo(e, dst); return;
    case CallKind::AgentModel: {
        const Name op = e->callee->kind == ExprKind::Field ? as<FieldExpr>(e->callee)->field : 0;
        base = callBase(dst);
        argsTo(e->args, base, n, at);
        emit(Op::CALLMODEL, base, stringConstant(m_names.text(op)), n, at);
        break;
    }
    case CallKind::Unresolved:
        internalError(e->range, "unresolved call");
        return;
    }
    if (base != dst)
        emit(Op::MOVE, dst, base, 0, at);
}

// receiver.method(args): the receiver in R[base], arguments after it. A
// mutating method (push, pop, …) hands back the changed receiver in
// R[base+1], which is stored back into the receiver's place.
void Lowerer::methodCallTo(const CallExpr* e, Reg dst)
{
    if (e->callee->kind != ExprKind::Field) {
        internalError(e->range, "method call without a receiver");
        return;
    }
    const auto* f = as<FieldExpr>(e->callee);
    const uint32_t at = f->fieldRange.begin;
    const std::string_view name = m_names.text(e->method ? e->method : f->field);
    const bool mutates = methodMutates(name);
    const uint32_t n = e->args.size();
    const Reg base = callBase(dst);
    Place receiver;
    if (mutates) {
        slot(base + std::max<uint32_t>(n, 1)); // the whole window first: the place's temporaries go above it
        receiver = place(f->object);
        argsTo(e->args, Reg(base + 1), n, at);
        takePlace(receiver, base); // the receiver's only reference: changed in place
    } else {
        exprTo(f->object, base);
        argsTo(e->args, Reg(base + 1), n, at);
    }
    emit(Op::CALLMETHOD, base, stringConstant(name), n, at);
    if (mutates)
        storePlace(receiver, Reg(base + 1));
    if (base != dst)
        emit(Op::MOVE, dst, base, 0, at);
}

// ---------------------------------------------------------------- closures --

uint32_t Lowerer::closureSite(uint32_t function, const std::vector<const Binding*>& captures, uint32_t at)
{
    ClosureSite site;
    site.function = function;
    for (const Binding* b : captures) {
        const VarRef v = resolveVar(b, {at, at});
        site.sources.push_back({v.kind == VarRef::Kind::Capture, v.index});
    }
    std::vector<ClosureSite>& sites = m_fs->out.closures;
    for (uint32_t i = 0; i < sites.size(); ++i) {
        const ClosureSite& s = sites[i];
        if (s.function == site.function && s.sources.size() == site.sources.size()
            && std::equal(s.sources.begin(), s.sources.end(), site.sources.begin(),
                [](const CaptureSource& x, const CaptureSource& y) {
                    return x.fromCapture == y.fromCapture && x.index == y.index;
                }))
            return i;
    }
    sites.push_back(std::move(site));
    return uint32_t(sites.size() - 1);
}

// A function as a value. Where its declaration put the closure in a register
// of this frame, that register; inside itself, the running closure;
// elsewhere a closure built on the spot from this frame's values.
void Lowerer::closureTo(const FnDecl* fn, Reg dst, uint32_t at)
{
    const std::vector<const Binding*>& captures = m_captures[fn->index];
    if (!captures.empty()) {
        if (fn->binding) {
            if (inRegister(fn->binding)) {
                if (fn->binding->reg != dst)
                    emit(Op::MOVE, dst, fn->binding->reg, 0, at);
                return;
            }
        }
        if (m_fs->decl == fn) {
            emit(Op::CURFN, dst, 0, 0, at);
            return;
        }
    }
    emitBx(Op::CLOSURE, dst, closureSite(fn->index, captures, at), at);
}

Reg Lowerer::closureValue(const FnDecl* fn, uint32_t at)
{
    if (fn->binding) {
        if (inRegister(fn->binding))
            return Reg(fn->binding->reg);
    }
    const Reg r = allocReg();
    closureTo(fn, r, at);
    return r;
}

// ------------------------------------------------------------------- match --

// The subject is evaluated once; each arm tests its pattern and jumps to the
// next arm on failure. A catch-all arm ends the chain; without one, falling
// off the last arm is MATCHFAIL.
void Lowerer::matchTo(const MatchExpr* e, Reg dst)
{
    const Reg subject = exprAny(e->subject);
    JumpList done;
    bool exhaustive = false;
    for (const MatchArm& arm : e->arms) {
        const size_t scope = openScope();
        const uint32_t mark = m_fs->freeReg;
        JumpList fail;
        if (arm.pattern)
            pattern(arm.pattern, subject, fail);
        if (arm.value) {
            exprTo(arm.value, dst);
        } else {
            block(arm.body);
            emit(Op::LOADNIL, dst, 0, 0, arm.range.end > 0 ? arm.range.end - 1 : 0);
        }
        closeScope(scope, mark);
        if (fail.empty()) {
            exhaustive = true;
            break;
        }
        done.push_back(emitJump(Op::JMP, 0, arm.range.begin));
        patchHere(fail);
    }
    if (!exhaustive)
        emit(Op::MATCHFAIL, subject, 0, 0, e->range.begin);
    patchHere(done);
}

void Lowerer::pattern(const Pattern* p, Reg subject, JumpList& fail)
{
    const uint32_t at = p->range.begin;
    switch (p->kind) {
    case PatternKind::Wildcard: return;
    case PatternKind::Bind:
        if (!p->binding)
            return;
        // Bindings are immutable: a temporary subject can be shared; a
        // variable's register cannot (the arm may assign the variable).
        if (isTemp(subject)) {
            bindLocal(p->binding, subject, text(p->name));
        } else {
            const Reg r = allocReg();
            emit(Op::MOVE, r, subject, 0, at);
            bindLocal(p->binding, r, text(p->name));
        }
        return;
    case PatternKind::Literal: {
        if (!p->literal)
            return;
        const Reg t = allocReg();
        exprTo(p->literal, t);
        emit(Op::EQ, t, subject, t, at);
        fail.push_back(emitJump(Op::JMPIFNOT, t, at));
        return;
    }
    case PatternKind::Ok:
    case PatternKind::Err: {
        const Reg t = allocReg();
        emit(p->kind == PatternKind::Ok ? Op::ISOK : Op::ISERR, t, subject, 0, at);
        fail.push_back(emitJump(Op::JMPIFNOT, t, at));
        if (!p->args.empty() && p->args[0]->kind != PatternKind::Wildcard) {
            emit(Op::PAYLOAD, t, subject, 0, at);
            pattern(p->args[0], t, fail);
        }
        return;
    }
    case PatternKind::Record: {
        const Reg t = allocReg();
        emit(Op::ISREC, t, subject, p->record ? p->record->index : 0, at);
        fail.push_back(emitJump(Op::JMPIFNOT, t, at));
        for (uint32_t i = 0; i < p->args.size() && i < p->fields.size(); ++i) {
            if (p->args[i]->kind == PatternKind::Wildcard)
                continue;
            const Reg field = allocReg();
            emit(Op::RECFIELD, field, subject, p->fields[i], p->args[i]->range.begin);
            pattern(p->args[i], field, fail);
        }
        return;
    }
    case PatternKind::Message: {
        const Reg t = allocReg();
        emit(Op::ISMSG, t, subject, p->message, at);
        fail.push_back(emitJump(Op::JMPIFNOT, t, at));
        for (uint32_t i = 0; i < p->args.size(); ++i) {
            if (p->args[i]->kind == PatternKind::Wildcard)
                continue;
            const Reg arg = allocReg();
            emit(Op::MSGARG, arg, subject, i, p->args[i]->range.begin);
            pattern(p->args[i], arg, fail);
        }
        return;
    }
    }
}

// ---------------------------------------------------------------------- UI --

// UINODE takes its operands from consecutive registers: positional args, one
// value per prop, then the children (see Opcodes.def).
void Lowerer::uiNodeTo(const UiExpr* e, Reg dst)
{
    const uint32_t at = e->elementRange.begin;
    UiNodeDesc desc;
    desc.element = e->screen ? text(e->screen->name) : text(e->element);
    desc.screenActor = e->screen ? int32_t(e->screen->index) : -1;
    desc.argCount = uint16_t(e->args.size());
    desc.childCount = uint16_t(e->children.size());
    const uint32_t count = e->args.size() + e->props.size() + e->children.size();
    const Reg base = callBase(dst);
    uint32_t next = base;
    for (const Expr* a : e->args)
        exprTo(a, slot(next++));
    for (const UiProp& prop : e->props) {
        UiPropDesc pd;
        pd.key = text(prop.key);
        if (prop.isEvent) {
            // Not evaluated now: the engine runs it when the event fires.
            const LineCol pos = lineCol(prop.keyRange.begin);
            const std::string name = m_fs->out.name + "." + pd.key + "@" + std::to_string(pos.line) + ":"
                + std::to_string(pos.col);
            pd.eventFunction = int32_t(eventFunction(prop.value, name, slot(next)));
        } else {
            if (pd.key == "bind" && prop.value->kind == ExprKind::Ident) {
                const Binding* b = as<IdentExpr>(prop.value)->binding;
                if (b && b->kind == BindingKind::State)
                    pd.bindState = int32_t(b->index);
            }
            exprTo(prop.value, slot(next));
        }
        ++next;
        desc.props.push_back(std::move(pd));
    }
    for (const Expr* c : e->children)
        exprTo(c, slot(next++));
    if (count > 0xffff)
        internalError(e->range, "UI element with too many parts");
    const auto index = uint32_t(m_fs->out.uiNodes.size());
    m_fs->out.uiNodes.push_back(std::move(desc));
    emitBx(Op::UINODE, base, index, at);
    if (base != dst)
        emit(Op::MOVE, dst, base, 0, at);
}

// Lowers an event prop's expression as a zero-argument function of the same
// actor; the locals it reads become its captures. Leaves its closure in dst.
uint32_t Lowerer::eventFunction(const Expr* value, std::string name, Reg dst)
{
    const uint32_t at = value->range.begin;
    FunctionState fs;
    fs.index = uint32_t(m_program->functions.size());
    m_program->functions.emplace_back();
    fs.range = value->range;
    fs.lazyCaptures = true;
    fs.out.name = std::move(name);
    fs.out.kind = FunctionKind::Event;
    fs.out.actor = m_fs->out.actor;
    fs.out.position = lineCol(at);
    beginFunction(fs, m_fs);
    const Reg r = exprAny(value);
    emit(Op::RETURN, r, 0, 0, at);
    finishFunction(fs, value->range.end);
    emitBx(Op::CLOSURE, dst, closureSite(fs.index, fs.captures, at), at);
    return fs.index;
}

} // namespace aeroflow::compiler::lowering
