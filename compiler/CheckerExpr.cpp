// Expression checking: the half of the Checker that types expressions and
// resolves calls. See Checker.h.
#include "Builtins.h"
#include "Checker.h"

#include <algorithm>
#include <cctype>

namespace aeroflow::compiler {

namespace {

std::string plural(size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}


const char* effectKeyword(BuiltinEffect e)
{
    switch (e) {
    case BuiltinEffect::Env: return "env";
    case BuiltinEffect::Io: return "io";
    case BuiltinEffect::Http: return "http";
    case BuiltinEffect::Clock: return "clock";
    default: return "";
    }
}

EffectSet effectBit(BuiltinEffect e)
{
    switch (e) {
    case BuiltinEffect::Env: return EffectSet(Effect::Env);
    case BuiltinEffect::Io: return EffectSet(Effect::Io);
    case BuiltinEffect::Http: return EffectSet(Effect::Http);
    case BuiltinEffect::Clock: return EffectSet(Effect::Clock);
    default: return 0;
    }
}


} // namespace

// Defined in CheckerCall.cpp: the standard module an expression names, if imported.
int32_t importedModuleOf(const Expr* e, Interner& names, const std::vector<std::string_view>& imports,
    Binding* (*lookupFn)(void*, Name), void* self);


bool Checker::inActorCode() const { return m_fn && m_fn->actor; }

// Builtins that reach outside the run need a `uses` clause; pure functions may
// use none of them. The main program may use every effect.
bool Checker::requireEffect(uint8_t effect, SourceRange where, std::string_view what)
{
    const auto e = BuiltinEffect(effect);
    if (e == BuiltinEffect::None)
        return true;
    const std::string fnName = fnLabel();
    if (inPure()) {
        error(where, "pure function '" + fnName + "' cannot use " + std::string(what)
                + (e == BuiltinEffect::Output ? " (printing is an effect)" : " (it is an effect)"));
        return false;
    }
    const EffectSet bit = effectBit(e);
    if (!bit || m_fn->fn->fnKind == FnKind::Main)
        return true;
    if (m_fn->fn->fnKind == FnKind::Init) {
        error(where, "a state initialiser cannot use " + std::string(what)
                + " (it reads the outside world); set the field from a handler that declares 'uses "
                + effectKeyword(e) + "'");
        return false;
    }
    if (!(m_fn->fn->uses & bit)) {
        if (infersEffects()) {
            m_fn->fn->uses |= bit; // a lambda without `uses`: its value's type will say it
            return true;
        }
        const char* kind = m_fn->fn->fnKind == FnKind::Handler ? "handler"
            : m_fn->fn->isLambda                               ? "lambda in"
                                                               : "function";
        error(where, std::string(what) + " reads the outside world: declare 'uses " + effectKeyword(e) + "' on "
                + kind + " '" + fnName + "'");
        return false;
    }
    return true;
}

TypeId Checker::checkExpr(Expr* e)
{
    TypeId t = TypeTable::kAny;
    switch (e->kind) {
    case ExprKind::Int: t = m_types.integer(); break;
    case ExprKind::Float: t = m_types.floating(); break;
    case ExprKind::String: t = m_types.string(); break;
    case ExprKind::Bool: t = m_types.boolean(); break;
    case ExprKind::Nil: t = m_types.nil(); break;
    case ExprKind::Ident: t = checkIdent(as<IdentExpr>(e), false); break;
    case ExprKind::Self:
        if (!inActorCode())
            error(e->range, "'self' is only available inside an actor, screen or agent");
        else
            t = m_types.actor(m_fn->actor);
        break;
    case ExprKind::Time:
        if (inPure())
            error(e->range, "pure function '" + fnLabel() + "' cannot read 'time'");
        t = m_types.integer();
        break;
    case ExprKind::List: {
        auto* l = as<ListExpr>(e);
        TypeId elem = 0;
        bool first = true;
        for (Expr* item : l->items) {
            const TypeId it = checkExpr(item);
            elem = first ? it : m_types.join(elem, it);
            first = false;
        }
        for (Expr* item : l->items)
            keepEffects(elem, item->type, item, "this list (its items have different types)",
                "keep functions with effects in a list of their own");
        t = m_types.list(elem);
        break;
    }
    case ExprKind::Map: {
        auto* m = as<MapExpr>(e);
        TypeId value = 0;
        TypeId key = 0;
        // Literal keys by kind and value ("s" + text, "i" + digits, "b0"/"b1"):
        // lookup only, never iterated.
        std::unordered_set<std::string> seen;
        for (uint32_t i = 0; i < m->values.size(); ++i) {
            const MapEntry& k = m->keys[i];
            TypeId kt = m_types.string();
            std::string literal;
            if (k.keyExpr) {
                kt = checkExpr(k.keyExpr);
                if (!checkKeyType(kt, k.keyRange, "map key"))
                    kt = TypeTable::kAny;
                switch (k.keyExpr->kind) {
                case ExprKind::Int: literal = "i" + std::to_string(as<IntExpr>(k.keyExpr)->value); break;
                case ExprKind::Bool: literal = as<BoolExpr>(k.keyExpr)->value ? "b1" : "b0"; break;
                case ExprKind::String: literal = "s" + std::string(as<StringExpr>(k.keyExpr)->value); break;
                default: break;
                }
            } else {
                literal = "s" + std::string(k.key);
            }
            // Keys of different types make `any` (Python-like mixed maps).
            key = i == 0 || key == kt ? kt : TypeTable::kAny;
            const TypeId vt = checkExpr(m->values[i]);
            // Values of different types make `any` (ints and floats too),
            // except functions, which keep the union of their effects.
            value = i == 0 || value == vt ? vt
                : m_types.effectsOf(value) || m_types.effectsOf(vt) ? m_types.join(value, vt)
                                                                    : TypeTable::kAny;
            if (!literal.empty() && !seen.insert(literal).second)
                error(k.keyRange, "duplicate key " + (literal[0] == 's' ? "'" + literal.substr(1) + "'"
                                                                      : literal[0] == 'i' ? literal.substr(1)
                                                                      : literal == "b1" ? std::string("true")
                                                                                        : std::string("false"))
                        + " in map");
        }
        for (Expr* v : m->values)
            keepEffects(value, v->type, v, "this map (its values have different types)",
                "keep functions with effects in a map of their own");
        // `{}` has no keys yet, so it fits any map type.
        t = m->values.empty() ? m_types.map(TypeTable::kAny, TypeTable::kAny) : m_types.map(key, value);
        break;
    }
    case ExprKind::Tensor: t = checkTensor(as<TensorExpr>(e)); break;
    case ExprKind::Unary: t = checkUnary(as<UnaryExpr>(e)); break;
    case ExprKind::Binary: t = checkBinary(as<BinaryExpr>(e)); break;
    case ExprKind::Call: t = checkCall(as<CallExpr>(e)); break;
    case ExprKind::Index: t = checkIndex(as<IndexExpr>(e)); break;
    case ExprKind::Field: t = checkField(as<FieldExpr>(e)); break;
    case ExprKind::Spawn: t = checkSpawn(as<SpawnExpr>(e)); break;
    case ExprKind::Match: t = checkMatch(as<MatchExpr>(e)); break;
    case ExprKind::Ui: t = checkUi(as<UiExpr>(e)); break;
    case ExprKind::FString: t = checkFString(as<FStringExpr>(e)); break;
    case ExprKind::RenderBlock:
        if (inPure())
            error(e->range, "a pure function cannot render");
        for (Expr* item : as<RenderBlockExpr>(e)->items)
            checkExpr(item);
        t = m_types.ui();
        break;
    case ExprKind::Lambda: t = checkLambda(as<LambdaExpr>(e)); break;
    case ExprKind::Error: break;
    }
    e->type = t;
    return t;
}

TypeId Checker::checkIdent(IdentExpr* e, bool asCallee)
{
    Binding* b = resolveName(e->name, e->range, e);
    const std::string n = nameText(e->name);
    if (!b && n == "time" && !asCallee) {
        // `time` names no variable here: it is the logical time (a
        // contextual keyword; a variable named time shadows it).
        e->kind = ExprKind::Time;
        if (inPure())
            error(e->range, "pure function '" + fnLabel() + "' cannot read 'time'");
        return m_types.integer();
    }
    if (!b) {
        // Not declared in any scope: a message constructor, a builtin, or an error.
        if (e->name < m_messageByName.size() && m_messageByName[e->name] >= 0) {
            const auto id = uint32_t(m_messageByName[e->name]);
            b = newBinding(BindingKind::Message, e->name, m_info.messages[id].firstDecl, m_types.message(), false);
            b->index = id;
            if (m_symbols && id < m_messageSymbol.size() && m_messageSymbol[id] >= 0)
                m_symbols->addRef(e->range, m_messageSymbol[id]);
        } else if (const BuiltinInfo* info = findGlobalBuiltin(n)) {
            b = newBinding(BindingKind::Builtin, e->name, e->range, 0, false);
            b->index = uint32_t(info->id);
        } else if (e->name == m_nModel) {
            error(e->range, "'model' is only available inside an agent that declares one (model \"name\")");
            return TypeTable::kAny;
        } else if (const char* advice = nondeterministicAdvice(n)) {
            error(e->range, "'" + n + "' is not available: it " + advice);
            return TypeTable::kAny;
        } else if (isStandardModule(n)) {
            error(e->range, "module '" + n + "' is not imported; add 'import " + n + "' at the top of the file");
            return TypeTable::kAny;
        } else if (e->name == m_nOk || e->name == m_nErr) {
            error(e->range, n + " needs a value: write " + n + "(value)");
            return TypeTable::kAny;
        } else {
            // A module member used without its module?
            for (const auto& info : allBuiltins()) {
                if (!info.module.empty() && info.name == n) {
                    error(e->range, "unknown name '" + n + "' (did you mean " + std::string(info.module) + "." + n
                            + " after 'import " + std::string(info.module) + "'?)");
                    return TypeTable::kAny;
                }
            }
            if (n == "tensor") {
                error(e->range, "unknown name 'tensor' (a tensor literal needs positive integer dimensions: "
                        "tensor[2, 3]{...})");
                return TypeTable::kAny;
            }
            const std::string hint = suggest(e->name);
            if (hint.empty() && std::isupper(static_cast<unsigned char>(n[0]))) {
                // A misspelled message: the closest handled message name.
                std::vector<std::string_view> messages;
                for (const auto& m : m_info.messages)
                    messages.push_back(m_names.text(m.name));
                const std::string near = suggestAmong(n, messages);
                error(e->range, "unknown name '" + n + "' (no actor has an 'on " + n + "' handler, so it is not a message" +
                                    (near.empty() ? ")" : "; " + near.substr(2)));
            } else {
                error(e->range, "unknown name '" + n + "'" + hint);
            }
            return TypeTable::kAny;
        }
    }
    e->binding = b;
    switch (b->kind) {
    case BindingKind::Local:
    case BindingKind::Param:
    case BindingKind::Global:
    case BindingKind::State:
        return b->type;
    case BindingKind::Function:
        // Its calls are checked by name; as a value it carries its effects.
        return asCallee ? m_types.function(b->fn->uses) : functionValueType(b->fn, e->range);
    case BindingKind::Actor:
        if (!asCallee)
            error(e->range, "'" + n + "' is an actor type; create one with spawn(" + n + ")");
        return m_types.actor(b->actor);
    case BindingKind::Model:
        return m_types.model();
    case BindingKind::Message: {
        const MessageInfo& m = m_info.messages[b->index];
        if (!asCallee && m.arity > 0)
            error(e->range, "message '" + n + "' takes " + plural(m.arity, "argument") + "; write " + n + "(...)");
        return m_types.message();
    }
    case BindingKind::Builtin:
        if (!asCallee)
            error(e->range, "builtin '" + n + "' is a function; call it as " + n + "(...)");
        return TypeTable::kAny;
    case BindingKind::Module:
        if (!asCallee)
            error(e->range, "module '" + n + "' is not a value; use " + n + ".NAME");
        return TypeTable::kAny;
    case BindingKind::ModuleMember: {
        const BuiltinInfo* info = findModuleMember(standardModules()[b->index], n);
        if (info && info->isValue())
            return builtinResultType(uint8_t(info->result), nullptr);
        if (!asCallee)
            error(e->range, "'" + n + "' is a function; call it as " + n + "(...)");
        return TypeTable::kAny;
    }
    case BindingKind::AgentModel:
        if (!asCallee)
            error(e->range, "the agent's model is used as model.run(input)");
        return m_types.model();
    case BindingKind::Record:
        if (!asCallee)
            error(e->range, "'" + n + "' is a record type; build one with " + n + "(field: value, ...)");
        return m_types.record(b->record);
    }
    return TypeTable::kAny;
}

TypeId Checker::checkUnary(UnaryExpr* e)
{
    const TypeId t = checkExpr(e->operand);
    const TypeKind k = m_types.kind(t);
    if (e->op == UnaryOp::Neg) {
        if (k != TypeKind::Any && k != TypeKind::Int && k != TypeKind::Float && k != TypeKind::Tensor) {
            error(e->range, "cannot negate a value of type " + typeName(t));
            return TypeTable::kAny;
        }
        return t;
    }
    if (k != TypeKind::Any && k != TypeKind::Bool)
        error(e->operand->range, "'not' needs a bool, found " + typeName(t));
    return m_types.boolean();
}

TypeId Checker::checkBinary(BinaryExpr* e)
{
    const TypeId l = checkExpr(e->lhs);
    const TypeId r = checkExpr(e->rhs);
    const TypeKind kl = m_types.kind(l);
    const TypeKind kr = m_types.kind(r);
    const bool anyL = kl == TypeKind::Any, anyR = kr == TypeKind::Any;
    const bool numL = kl == TypeKind::Int || kl == TypeKind::Float;
    const bool numR = kr == TypeKind::Int || kr == TypeKind::Float;
    auto mismatch = [&]() {
        error(e->opRange, std::string("cannot apply '") + binaryOpSpelling(e->op) + "' to " + typeName(l) + " and "
                + typeName(r));
        return TypeTable::kAny;
    };
    auto arithmetic = [&]() -> TypeId {
        if (numL && numR)
            return kl == TypeKind::Int && kr == TypeKind::Int ? m_types.integer() : m_types.floating();
        return TypeTable::kAny;
    };
    switch (e->op) {
    case BinaryOp::Add:
        if (kl == TypeKind::String || kr == TypeKind::String) {
            // Strings concatenate with strings and numbers (numbers are formatted).
            const TypeKind other = kl == TypeKind::String ? kr : kl;
            if (other == TypeKind::String || other == TypeKind::Int || other == TypeKind::Float
                || other == TypeKind::Any || other == TypeKind::Bool || other == TypeKind::Nil)
                return m_types.string();
            return mismatch();
        }
        if ((numL || anyL) && (numR || anyR))
            return arithmetic();
        if (kl == TypeKind::List && kr == TypeKind::List && (m_types.effectsOf(l) || m_types.effectsOf(r))) {
            const TypeId joined = m_types.join(l, r);
            keepEffects(joined, l, e->lhs, "this concatenation (its lists have different element types)");
            keepEffects(joined, r, e->rhs, "this concatenation (its lists have different element types)");
            return joined;
        }
        if ((kl == TypeKind::List || anyL) && (kr == TypeKind::List || anyR))
            return kl == TypeKind::List ? l : r;
        if ((kl == TypeKind::Tensor || anyL) && (kr == TypeKind::Tensor || anyR))
            return m_types.tensor();
        return mismatch();
    case BinaryOp::Sub:
    case BinaryOp::Mul:
        if ((numL || anyL) && (numR || anyR))
            return arithmetic();
        if ((kl == TypeKind::Tensor || numL || anyL) && (kr == TypeKind::Tensor || numR || anyR)
            && (kl == TypeKind::Tensor || kr == TypeKind::Tensor))
            return m_types.tensor();
        return mismatch();
    case BinaryOp::Div:
    case BinaryOp::Mod:
        if ((numL || anyL) && (numR || anyR))
            return arithmetic();
        return mismatch();
    case BinaryOp::Eq:
    case BinaryOp::Ne: {
        const bool comparable = anyL || anyR || kl == kr || (numL && numR) || kl == TypeKind::Nil
            || kr == TypeKind::Nil;
        if (!comparable)
            error(e->opRange, "comparing " + typeName(l) + " with " + typeName(r) + " using '"
                    + binaryOpSpelling(e->op) + "' is always " + (e->op == BinaryOp::Eq ? "false" : "true"));
        return m_types.boolean();
    }
    case BinaryOp::Lt:
    case BinaryOp::Le:
    case BinaryOp::Gt:
    case BinaryOp::Ge:
        if (((numL || anyL) && (numR || anyR)) || (kl == TypeKind::String && (kr == TypeKind::String || anyR))
            || (anyL && kr == TypeKind::String))
            return m_types.boolean();
        mismatch();
        return m_types.boolean();
    case BinaryOp::In:
        // Membership: a list's elements, a map's keys, a set's elements, a
        // string's substrings.
        switch (kr) {
        case TypeKind::Any:
        case TypeKind::List: break;
        case TypeKind::Map: checkKeyArg(e->lhs, m_types.get(r).arg0, "map key"); break;
        case TypeKind::Set: checkKeyArg(e->lhs, m_types.get(r).arg0, "set element"); break;
        case TypeKind::String:
            if (!anyL && kl != TypeKind::String)
                error(e->lhs->range, "'in' on a string needs a string on its left, found " + typeName(l));
            break;
        default:
            error(e->rhs->range, "'in' needs a list, map, set or string on its right, found " + typeName(r));
            break;
        }
        return m_types.boolean();
    case BinaryOp::And:
    case BinaryOp::Or:
        if (!anyL && kl != TypeKind::Bool)
            error(e->lhs->range, std::string("'") + binaryOpSpelling(e->op) + "' needs bool operands, found "
                    + typeName(l));
        else if (!anyR && kr != TypeKind::Bool)
            error(e->rhs->range, std::string("'") + binaryOpSpelling(e->op) + "' needs bool operands, found "
                    + typeName(r));
        return m_types.boolean();
    case BinaryOp::Range:
        if ((!anyL && kl != TypeKind::Int) || (!anyR && kr != TypeKind::Int))
            error(e->opRange, "range bounds must be ints, found " + typeName(l) + " and " + typeName(r));
        return m_types.list(m_types.integer());
    }
    return TypeTable::kAny;
}

TypeId Checker::checkField(FieldExpr* e)
{
    auto lookupThunk = [](void* self, Name n) { return static_cast<Checker*>(self)->lookup(n); };
    const int32_t module = importedModuleOf(e->object, m_names, m_info.imports, lookupThunk, this);
    const std::string field = nameText(e->field);
    if (module >= 0) {
        if (e->object->kind == ExprKind::Ident)
            resolveName(as<IdentExpr>(e->object)->name, e->object->range, nullptr);
        const std::string_view modName = standardModules()[size_t(module)];
        const BuiltinInfo* info = findModuleMember(modName, field);
        if (!info) {
            error(e->fieldRange, "module '" + std::string(modName) + "' has no member '" + field + "'");
            return TypeTable::kAny;
        }
        e->moduleMember = int32_t(info->id);
        if (!info->isValue())
            error(e->fieldRange, std::string(modName) + "." + field + " is a function; call it as " + std::string(modName)
                    + "." + field + "(...)");
        return builtinResultType(uint8_t(info->result), nullptr);
    }
    if (e->object->kind == ExprKind::Ident) {
        auto* obj = as<IdentExpr>(e->object);
        const std::string n = nameText(obj->name);
        if (!lookup(obj->name) && isStandardModule(n)) {
            error(obj->range, "module '" + n + "' is not imported; add 'import " + n + "' at the top of the file");
            return TypeTable::kAny;
        }
    }
    if (e->object->kind == ExprKind::Self && inActorCode()) {
        // Regression: `self.count` in the actor itself said "another actor".
        checkExpr(e->object);
        error(e->range, "write '" + field + "', not 'self." + field +
                            "': inside an actor its own state fields are read and assigned by name");
        return TypeTable::kAny;
    }
    const TypeId t = checkExpr(e->object);
    switch (m_types.kind(t)) {
    case TypeKind::Any:
        return TypeTable::kAny;
    case TypeKind::Map:
        // `m.k` is the string key "k": wrong for a map of other keys.
        if (!m_types.assignable(m_types.get(t).arg0, m_types.string()))
            error(e->fieldRange, "'." + field + "' reads the string key \"" + field + "\", but the keys of this "
                    + typeName(t) + " are " + typeName(m_types.get(t).arg0) + " (index it: m[k])");
        return m_types.get(t).arg1;
    case TypeKind::Record:
        return checkRecordField(e, const_cast<RecordDecl*>(m_types.get(t).record));
    case TypeKind::Actor:
        error(e->range, "cannot read the state of another actor ('" + field
                + "'); send it a message and have it emit the value back");
        return TypeTable::kAny;
    default:
        if (isAnyMethodName(field))
            error(e->fieldRange, typeName(t) + " has no field '" + field + "' (it is a method: call " + field + "())");
        else
            error(e->fieldRange, typeName(t) + " has no field '" + field + "'");
        return TypeTable::kAny;
    }
}

TypeId Checker::checkIndex(IndexExpr* e)
{
    const TypeId ot = checkExpr(e->object);
    const TypeId it = checkExpr(e->index);
    const Type& o = m_types.get(ot);
    const TypeKind ik = m_types.kind(it);
    auto wantInt = [&](const char* what) {
        if (ik != TypeKind::Any && ik != TypeKind::Int)
            error(e->index->range, std::string(what) + " index must be an int, found " + typeName(it));
    };
    switch (o.kind) {
    case TypeKind::Any: return TypeTable::kAny;
    case TypeKind::List: wantInt("list"); return o.arg0;
    case TypeKind::String: wantInt("string"); return m_types.string();
    case TypeKind::Tensor: wantInt("tensor"); return TypeTable::kAny;
    case TypeKind::Map:
        if (!checkKeyType(it, e->index->range, "map key"))
            return o.arg1;
        if (!m_types.assignable(o.arg0, it))
            error(e->index->range, "map key must be " + typeName(o.arg0) + ", found " + typeName(it));
        return o.arg1;
    case TypeKind::Record:
        error(e->object->range, "cannot index a record (" + typeName(ot) + "); read its fields with '.': value.field");
        return TypeTable::kAny;
    case TypeKind::Set:
        error(e->range, "cannot index a set (use has() to test an element, or for x in s)");
        return TypeTable::kAny;
    default:
        error(e->object->range, "cannot index a value of type " + typeName(ot));
        return TypeTable::kAny;
    }
}

TypeId Checker::checkSpawn(SpawnExpr* e)
{
    if (inPure())
        error(e->range, "pure function '" + fnLabel() + "' cannot spawn actors");
    Binding* b = lookup(e->actorName);
    if (b)
        requireVisible(b, e->nameRange);
    if (!b) {
        error(e->nameRange, "unknown actor '" + nameText(e->actorName) + "'" + suggest(e->actorName));
        return m_types.anyActor();
    }
    if (m_symbols && b->symbol >= 0)
        m_symbols->addRef(e->nameRange, b->symbol);
    if (b->kind != BindingKind::Actor) {
        error(e->nameRange, "'" + nameText(e->actorName) + "' is not an actor, screen or agent");
        return m_types.anyActor();
    }
    e->actor = b->actor;
    return m_types.actor(b->actor);
}

void Checker::checkPattern(Pattern* p, TypeId subject)
{
    const TypeKind sk = m_types.kind(subject);
    switch (p->kind) {
    case PatternKind::Wildcard:
        return;
    case PatternKind::Bind: {
        // A bare name that is a message (Increment) matches that message.
        const std::string n = nameText(p->name);
        const bool isMessage = p->name < m_messageByName.size() && m_messageByName[p->name] >= 0;
        if (isMessage && (std::isupper(static_cast<unsigned char>(n[0])) || sk == TypeKind::Message)) {
            p->kind = PatternKind::Message;
            checkPattern(p, subject);
            return;
        }
        Binding* b = newBinding(BindingKind::Local, p->name, p->range, subject, false);
        b->origin = 2;
        p->binding = b;
        addSymbol(b, SymbolKind::Constant, typeName(subject), p->range.end, m_scopes.back().end);
        declare(b);
        return;
    }
    case PatternKind::Literal: {
        const TypeId lt = checkExpr(p->literal);
        const TypeKind lk = m_types.kind(lt);
        const bool ok = sk == TypeKind::Any || lk == sk || lk == TypeKind::Nil
            || (m_types.isNumeric(lt) && m_types.isNumeric(subject));
        if (!ok)
            error(p->range, "a pattern of type " + typeName(lt) + " can never match a value of type " + typeName(subject));
        return;
    }
    case PatternKind::Ok:
    case PatternKind::Err: {
        const bool okp = p->kind == PatternKind::Ok;
        if (sk != TypeKind::Any && sk != TypeKind::Result)
            error(p->range, std::string(okp ? "Ok" : "Err") + "(...) pattern needs a Result, found " + typeName(subject));
        const Type& st = m_types.get(subject);
        const TypeId inner = sk == TypeKind::Result ? (okp ? st.arg0 : st.arg1) : TypeTable::kAny;
        for (Pattern* sub : p->args)
            checkPattern(sub, inner);
        return;
    }
    case PatternKind::Record:
        return; // checked once, when it was a Message pattern
    case PatternKind::Message: {
        if (RecordDecl* r = recordNamed(p->name)) {
            checkRecordPattern(p, subject, r);
            return;
        }
        const std::string n = nameText(p->name);
        if (!(p->name < m_messageByName.size() && m_messageByName[p->name] >= 0)) {
            error(p->range, "unknown message '" + n + "' in pattern");
            return;
        }
        if (sk != TypeKind::Any && sk != TypeKind::Message)
            error(p->range, "message pattern '" + n + "' needs a message, found " + typeName(subject));
        p->message = uint32_t(m_messageByName[p->name]);
        const MessageInfo& m = m_info.messages[p->message];
        if (p->args.size() != m.arity && !(p->args.empty() && m.arity == 0))
            error(p->range, "message '" + n + "' has " + plural(m.arity, "argument") + ", the pattern has "
                    + std::to_string(p->args.size()));
        for (uint32_t i = 0; i < p->args.size(); ++i)
            checkPattern(p->args[i], messageParamType(p->message, i));
        return;
    }
    }
}

TypeId Checker::checkMatch(MatchExpr* e)
{
    const TypeId subject = checkExpr(e->subject);
    TypeId result = 0;
    bool first = true;
    if (e->arms.empty())
        error(e->range, "match needs at least one arm");
    for (MatchArm& arm : e->arms) {
        pushScope(arm.range.end);
        checkPattern(arm.pattern, subject);
        TypeId t = m_types.nil();
        if (arm.body)
            checkBlock(arm.body);
        else if (arm.value)
            t = checkExpr(arm.value);
        popScope();
        result = first || result == t ? t
            : m_types.effectsOf(result) || m_types.effectsOf(t) ? m_types.join(result, t)
                                                                : TypeTable::kAny;
        first = false;
    }
    for (const MatchArm& arm : e->arms)
        if (arm.value)
            keepEffects(result, arm.value->type, arm.value, "this match (its arms give different types)");
    // Arms after a catch-all can never run.
    for (uint32_t i = 0; i + 1 < e->arms.size(); ++i) {
        const PatternKind k = e->arms[i].pattern->kind;
        if (k == PatternKind::Wildcard || k == PatternKind::Bind) {
            m_sink.warning(e->arms[i + 1].range, "this arm is never reached: the arm before it matches everything");
            break;
        }
    }
    return result;
}

TypeId Checker::checkTensor(TensorExpr* e)
{
    uint64_t count = 1;
    bool dimsKnown = true;
    if (e->dims.empty() || e->dims.size() > 4)
        error(e->range, "a tensor has 1 to 4 dimensions");
    for (Expr* d : e->dims) {
        checkExpr(d);
        if (d->kind != ExprKind::Int || as<IntExpr>(d)->value <= 0 || as<IntExpr>(d)->value > (1 << 24)) {
            error(d->range, "tensor dimensions must be positive integer literals");
            dimsKnown = false;
            continue;
        }
        count *= uint64_t(as<IntExpr>(d)->value);
    }
    for (Expr* item : e->items) {
        const TypeId t = checkExpr(item);
        if (t != TypeTable::kAny && !m_types.isNumeric(t))
            error(item->range, "tensor elements must be numbers, found " + typeName(t));
    }
    if (dimsKnown && count != e->items.size())
        error(e->range, "this tensor needs " + plural(size_t(count), "element") + ", found "
                + std::to_string(e->items.size()));
    return m_types.tensor();
}

TypeId Checker::checkUi(UiExpr* e)
{
    const std::string n = nameText(e->element);
    Binding* b = lookup(e->element);
    if (b && b->kind == BindingKind::Actor) {
        requireVisible(b, e->elementRange);
        if (m_symbols && b->symbol >= 0)
            m_symbols->addRef(e->elementRange, b->symbol);
        if (b->actor->actorKind != ActorKind::Screen)
            error(e->elementRange, "'" + n + "' is an actor; only screens can be used as UI components");
        else
            e->screen = b->actor;
    } else if (!isUiElement(n)) {
        std::string list;
        for (auto el : uiElements())
            list += (list.empty() ? "" : ", ") + std::string(el);
        error(e->elementRange, "unknown UI element '" + n + "' (expected " + list + ", or a screen)");
    }
    for (Expr* a : e->args) {
        checkExpr(a);
        keepEffects(TypeTable::kAny, a->type, a, "UI element '" + n + "' (it keeps no function types)");
    }
    for (UiProp& p : e->props) {
        if (p.key == m_nBind) {
            checkExpr(p.value);
            const bool isState = p.value->kind == ExprKind::Ident && as<IdentExpr>(p.value)->binding
                && as<IdentExpr>(p.value)->binding->kind == BindingKind::State;
            if (!isState)
                error(p.value->range, "'bind' needs a state field of this screen");
            continue;
        }
        checkExpr(p.value);
        keepEffects(TypeTable::kAny, p.value->type, p.value, "UI element '" + n + "' (it keeps no function types)");
    }
    for (Expr* c : e->children)
        checkExpr(c);
    return m_types.ui();
}

bool Checker::checkKeyType(TypeId t, SourceRange r, std::string_view what)
{
    if (m_types.isKeyType(t))
        return true;
    if (m_types.kind(t) == TypeKind::Float)
        error(r, std::string(what) + "s cannot be float; convert with int() or str()");
    else
        error(r, std::string(what) + "s must be int, string, bool or a record of them, found " + typeName(t)
                + (m_types.kind(t) == TypeKind::Record ? " (a field that is not int, string, bool or such a record)" : ""));
    return false;
}

void Checker::checkKeyArg(Expr* arg, TypeId key, std::string_view what)
{
    if (!checkKeyType(arg->type, arg->range, what))
        return;
    if (!m_types.assignable(key, arg->type))
        error(arg->range, std::string(what) + " must be " + typeName(key) + ", found " + typeName(arg->type));
}

TypeId Checker::checkSetOf(CallExpr* e)
{
    if (e->args.empty())
        return m_types.set(TypeTable::kAny);
    Expr* from = e->args[0];
    const Type& t = m_types.get(from->type);
    TypeId elem = TypeTable::kAny;
    switch (t.kind) {
    case TypeKind::Any: return m_types.set(TypeTable::kAny);
    case TypeKind::List:
    case TypeKind::Set:
    case TypeKind::Map: elem = t.arg0; break;
    default:
        error(from->range, "set() needs a list, set or map, found " + typeName(from->type));
        return m_types.set(TypeTable::kAny);
    }
    if (!checkKeyType(elem, from->range, "set element"))
        return m_types.set(TypeTable::kAny);
    return m_types.set(elem);
}

} // namespace aeroflow::compiler
