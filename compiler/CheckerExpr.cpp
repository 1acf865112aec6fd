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

std::string arityText(int minArgs, int maxArgs)
{
    if (maxArgs < 0)
        return "at least " + plural(size_t(minArgs), "argument");
    if (minArgs == maxArgs)
        return plural(size_t(minArgs), "argument");
    return std::to_string(minArgs) + " to " + std::to_string(maxArgs) + " arguments";
}

const char* effectKeyword(BuiltinEffect e)
{
    switch (e) {
    case BuiltinEffect::Env: return "env";
    case BuiltinEffect::Io: return "io";
    case BuiltinEffect::Http: return "http";
    default: return "";
    }
}

EffectSet effectBit(BuiltinEffect e)
{
    switch (e) {
    case BuiltinEffect::Env: return EffectSet(Effect::Env);
    case BuiltinEffect::Io: return EffectSet(Effect::Io);
    case BuiltinEffect::Http: return EffectSet(Effect::Http);
    default: return 0;
    }
}

std::string effectList(EffectSet s)
{
    std::string out;
    if (s & EffectSet(Effect::Env))
        out += "env";
    if (s & EffectSet(Effect::Io))
        out += out.empty() ? "io" : ", io";
    if (s & EffectSet(Effect::Http))
        out += out.empty() ? "http" : ", http";
    return out;
}

} // namespace

bool Checker::inActorCode() const { return m_fn && m_fn->actor; }

// Builtins that reach outside the run need a `uses` clause; pure functions may
// use none of them. The main program may use every effect.
bool Checker::requireEffect(uint8_t effect, SourceRange where, std::string_view what)
{
    const auto e = BuiltinEffect(effect);
    if (e == BuiltinEffect::None)
        return true;
    const std::string fnName = nameText(m_fn->fn->name);
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
        const char* kind = m_fn->fn->fnKind == FnKind::Handler ? "handler" : "function";
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
            error(e->range, "pure function '" + nameText(m_fn->fn->name) + "' cannot read 'time'");
        t = m_types.integer();
        break;
    case ExprKind::List: {
        auto* l = as<ListExpr>(e);
        TypeId elem = 0;
        bool first = true;
        for (Expr* item : l->items) {
            const TypeId it = checkExpr(item);
            if (first)
                elem = it;
            else if (elem != it)
                elem = (m_types.isNumeric(elem) && m_types.isNumeric(it)) ? m_types.floating() : TypeTable::kAny;
            first = false;
        }
        t = m_types.list(elem);
        break;
    }
    case ExprKind::Map: {
        auto* m = as<MapExpr>(e);
        TypeId value = 0;
        for (uint32_t i = 0; i < m->values.size(); ++i) {
            const TypeId vt = checkExpr(m->values[i]);
            value = i == 0 ? vt : (value == vt ? value : TypeTable::kAny);
            for (uint32_t j = 0; j < i; ++j)
                if (m->keys[j].key == m->keys[i].key) {
                    error(m->keys[i].keyRange, "duplicate key '" + std::string(m->keys[i].key) + "' in map");
                    break;
                }
        }
        // `{}` has no keys yet, so it fits any map type.
        t = m->values.empty() ? m_types.map(TypeTable::kAny, TypeTable::kAny) : m_types.map(m_types.string(), value);
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
    case ExprKind::RenderBlock:
        if (inPure())
            error(e->range, "a pure function cannot render");
        for (Expr* item : as<RenderBlockExpr>(e)->items)
            checkExpr(item);
        t = m_types.ui();
        break;
    case ExprKind::Error: break;
    }
    e->type = t;
    return t;
}

TypeId Checker::checkIdent(IdentExpr* e, bool asCallee)
{
    Binding* b = resolveName(e->name, e->range, e);
    const std::string n = nameText(e->name);
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
            if (hint.empty() && std::isupper(static_cast<unsigned char>(n[0])))
                error(e->range, "unknown name '" + n + "' (no actor has an 'on " + n + "' handler, so it is not a message)");
            else
                error(e->range, "unknown name '" + n + "'" + hint);
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
        return m_types.function();
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

TypeId Checker::builtinResultType(uint8_t result, const CallExpr* e)
{
    switch (BuiltinResult(result)) {
    case BuiltinResult::Any: return TypeTable::kAny;
    case BuiltinResult::Nil: return m_types.nil();
    case BuiltinResult::Bool: return m_types.boolean();
    case BuiltinResult::Int: return m_types.integer();
    case BuiltinResult::Float: return m_types.floating();
    case BuiltinResult::Number:
        if (e && !e->args.empty() && m_types.isNumeric(e->args[0]->type))
            return e->args[0]->type;
        return TypeTable::kAny;
    case BuiltinResult::String: return m_types.string();
    case BuiltinResult::List: return m_types.list(TypeTable::kAny);
    case BuiltinResult::Map: return m_types.map(TypeTable::kAny, TypeTable::kAny);
    case BuiltinResult::Tensor: return m_types.tensor();
    case BuiltinResult::Result: return m_types.result(TypeTable::kAny, TypeTable::kAny);
    case BuiltinResult::ActorRef: return m_types.anyActor();
    }
    return TypeTable::kAny;
}

// The message id a `send` argument constructs, when evident; -1 otherwise.
static int32_t messageIdOf(const Expr* e)
{
    if (e->kind == ExprKind::Call) {
        const auto* c = as<CallExpr>(e);
        return c->callKind == CallKind::Message ? int32_t(c->message) : -1;
    }
    if (e->kind == ExprKind::Ident) {
        const auto* id = as<IdentExpr>(e);
        return id->binding && id->binding->kind == BindingKind::Message ? int32_t(id->binding->index) : -1;
    }
    return -1;
}

void Checker::checkSendTarget(CallExpr* e)
{
    // send(ref, msg) and after(d, ref, msg)
    const bool isAfter = e->builtin == uint32_t(BuiltinId::After);
    const uint32_t refIx = isAfter ? 1 : 0;
    if (e->args.size() < refIx + 2)
        return;
    if (isAfter) {
        const TypeId d = e->args[0]->type;
        if (d != TypeTable::kAny && m_types.kind(d) != TypeKind::Int)
            error(e->args[0]->range, "the delay of after() is a number of ticks (an int), found " + typeName(d));
    }
    const Expr* ref = e->args[refIx];
    const Expr* msg = e->args[refIx + 1];
    const Type& rt = m_types.get(ref->type);
    if (ref->type != TypeTable::kAny && rt.kind != TypeKind::Actor) {
        error(ref->range, std::string(isAfter ? "after()" : "send()") + " needs an actor reference, found "
                + typeName(ref->type));
        return;
    }
    const TypeKind mk = m_types.kind(msg->type);
    if (mk != TypeKind::Any && mk != TypeKind::Message) {
        error(msg->range, "the message argument must be a message such as Increment or Add(1), found "
                + typeName(msg->type));
        return;
    }
    const int32_t id = messageIdOf(msg);
    if (rt.kind == TypeKind::Actor && rt.actor && id >= 0) {
        const ActorDecl* a = rt.actor;
        const bool handled = std::any_of(a->handlers.begin(), a->handlers.end(),
            [&](const OnDecl& h) { return h.messageId == uint32_t(id) && h.fn; });
        if (!handled)
            error(msg->range, "actor '" + nameText(a->name) + "' has no handler for message '"
                    + nameText(m_info.messages[size_t(id)].name) + "'");
    }
}

TypeId Checker::checkBuiltinCall(CallExpr* e, const BuiltinInfo& info, SourceRange nameRange)
{
    e->callKind = CallKind::Builtin;
    e->builtin = uint32_t(info.id);
    for (Expr* a : e->args)
        checkExpr(a);
    const std::string name = (info.module.empty() ? "" : std::string(info.module) + ".") + std::string(info.name);
    if (info.isValue()) {
        error(nameRange, "'" + name + "' is a value, not a function");
        return TypeTable::kAny;
    }
    const auto n = int(e->args.size());
    if (n < info.minArgs || (info.maxArgs >= 0 && n > info.maxArgs)) {
        std::string msg = "'" + name + "' takes " + arityText(info.minArgs, info.maxArgs) + ", found " + std::to_string(n);
        if (info.id == BuiltinId::Random)
            msg += " (random() draws from the run's seeded stream; its seed is given with --seed)";
        error(e->range, msg);
        return builtinResultType(uint8_t(info.result), e);
    }
    requireEffect(uint8_t(info.effect), nameRange, "'" + name + "'");
    switch (info.id) {
    case BuiltinId::Emit:
        if (m_fn->fn->fnKind == FnKind::Main)
            error(nameRange, "emit() replies to the sender of the message being handled; the main program has no "
                    "sender (use print, or recv() to receive)");
        break;
    case BuiltinId::Recv:
        if (inActorCode())
            error(nameRange, "recv() is only available in the main program; actors receive messages with 'on' handlers");
        break;
    case BuiltinId::Stop:
        if (m_fn->fn->fnKind == FnKind::Main)
            error(nameRange, "stop() stops the current actor; the main program ends when its code and all messages are done");
        break;
    case BuiltinId::Send:
    case BuiltinId::After:
        checkSendTarget(e);
        break;
    case BuiltinId::Env:
        if (m_types.kind(e->args[0]->type) != TypeKind::Any && m_types.kind(e->args[0]->type) != TypeKind::String)
            error(e->args[0]->range, "env() takes a variable name (a string), found " + typeName(e->args[0]->type));
        break;
    case BuiltinId::Range:
        for (Expr* a : e->args)
            if (a->type != TypeTable::kAny && m_types.kind(a->type) != TypeKind::Int)
                error(a->range, "range() takes ints, found " + typeName(a->type));
        return m_types.list(m_types.integer());
    case BuiltinId::Len: {
        const TypeKind k = m_types.kind(e->args[0]->type);
        if (k != TypeKind::Any && k != TypeKind::String && k != TypeKind::List && k != TypeKind::Map
            && k != TypeKind::Tensor)
            error(e->args[0]->range, "len() needs a string, list, map or tensor, found " + typeName(e->args[0]->type));
        break;
    }
    case BuiltinId::Matmul:
    case BuiltinId::Relu:
    case BuiltinId::Softmax:
    case BuiltinId::Transpose:
    case BuiltinId::Shape:
        for (Expr* a : e->args) {
            const TypeKind k = m_types.kind(a->type);
            if (k != TypeKind::Any && k != TypeKind::Tensor)
                error(a->range, "'" + name + "' needs a tensor, found " + typeName(a->type));
        }
        break;
    default:
        break;
    }
    return builtinResultType(uint8_t(info.result), e);
}

TypeId Checker::checkFunctionCall(CallExpr* e, FnDecl* fn, SourceRange nameRange)
{
    e->callKind = CallKind::Function;
    e->fn = fn;
    const std::string name = nameText(fn->name);
    for (Expr* a : e->args)
        checkExpr(a);
    if (e->args.size() != fn->params.size()) {
        error(e->range, "function '" + name + "' takes " + plural(fn->params.size(), "argument") + ", found "
                + std::to_string(e->args.size()));
    } else {
        const Signature& sig = signature(fn);
        for (uint32_t i = 0; i < e->args.size(); ++i) {
            if (!m_types.assignable(sig.params[i], e->args[i]->type))
                error(e->args[i]->range, "argument " + std::to_string(i + 1) + " of '" + name + "' must be "
                        + typeName(sig.params[i]) + ", found " + typeName(e->args[i]->type));
        }
    }
    if (inPure() && !fn->isPure)
        error(nameRange, "pure function '" + nameText(m_fn->fn->name) + "' cannot call '" + name
                + "', which is not pure");
    if (m_fn->fn->fnKind == FnKind::Init && fn->uses) {
        error(nameRange, "a state initialiser cannot call '" + name + "', which uses " + effectList(fn->uses)
                + "; set the field from a handler that declares 'uses " + effectList(fn->uses) + "'");
    } else if (m_fn->fn->fnKind != FnKind::Main && !inPure()) {
        const EffectSet missing = fn->uses & ~m_fn->fn->uses;
        if (missing)
            error(nameRange, "'" + name + "' uses " + effectList(missing) + "; declare 'uses " + effectList(missing)
                    + "' on '" + nameText(m_fn->fn->name) + "' too");
    }
    if (fn->actor && m_fn->actor != fn->actor)
        error(nameRange, "'" + name + "' is a method of '" + nameText(fn->actor->name) + "'; send that actor a message instead");
    return signature(fn).ret;
}

TypeId Checker::checkMessageArgs(CallExpr* e, uint32_t messageId, SourceRange nameRange)
{
    e->callKind = CallKind::Message;
    e->message = messageId;
    for (Expr* a : e->args)
        checkExpr(a);
    const MessageInfo& m = m_info.messages[messageId];
    if (e->args.size() != m.arity) {
        error(nameRange, "message '" + nameText(m.name) + "' takes " + plural(m.arity, "argument") + ", found "
                + std::to_string(e->args.size()));
        return m_types.message();
    }
    if (FnDecl* handler = messageId < m_messageHandler.size() ? m_messageHandler[messageId] : nullptr) {
        const Signature& sig = signature(handler);
        for (uint32_t i = 0; i < e->args.size() && i < sig.params.size(); ++i)
            if (!m_types.assignable(sig.params[i], e->args[i]->type))
                error(e->args[i]->range, "argument " + std::to_string(i + 1) + " of message '" + nameText(m.name)
                        + "' must be " + typeName(sig.params[i]) + ", found " + typeName(e->args[i]->type));
    }
    return m_types.message();
}

// The index of the standard module `e` names (`math`, or `ai.tensor` written
// as a field chain), if that module is imported; -1 otherwise.
static int32_t importedModuleOf(const Expr* e, Interner& names, const std::vector<std::string_view>& imports,
    Binding* (*lookupFn)(void*, Name), void* self)
{
    if (e->kind == ExprKind::Ident) {
        const auto* id = as<IdentExpr>(e);
        Binding* b = lookupFn(self, id->name);
        return b && b->kind == BindingKind::Module ? int32_t(b->index) : -1;
    }
    if (e->kind == ExprKind::Field) {
        const auto* f = as<FieldExpr>(e);
        if (f->object->kind != ExprKind::Ident)
            return -1;
        const std::string dotted = std::string(names.text(as<IdentExpr>(f->object)->name)) + "."
            + std::string(names.text(f->field));
        for (size_t i = 0; i < standardModules().size(); ++i)
            if (standardModules()[i] == dotted
                && std::find(imports.begin(), imports.end(), standardModules()[i]) != imports.end())
                return int32_t(i);
    }
    return -1;
}

TypeId Checker::checkCall(CallExpr* e)
{
    Expr* callee = e->callee;
    auto lookupThunk = [](void* self, Name n) { return static_cast<Checker*>(self)->lookup(n); };

    if (callee->kind == ExprKind::Ident) {
        auto* id = as<IdentExpr>(callee);
        if ((id->name == m_nOk || id->name == m_nErr) && !lookup(id->name)) {
            const bool ok = id->name == m_nOk;
            e->callKind = ok ? CallKind::Ok : CallKind::Err;
            for (Expr* a : e->args)
                checkExpr(a);
            if (e->args.size() != 1) {
                error(e->range, std::string(ok ? "Ok" : "Err") + " takes exactly one value");
                return m_types.result(TypeTable::kAny, TypeTable::kAny);
            }
            const TypeId v = e->args[0]->type;
            return ok ? m_types.result(v, TypeTable::kAny) : m_types.result(TypeTable::kAny, v);
        }
        const TypeId ct = checkIdent(id, true);
        Binding* b = id->binding;
        if (!b) {
            for (Expr* a : e->args)
                checkExpr(a);
            return TypeTable::kAny;
        }
        const std::string n = nameText(id->name);
        switch (b->kind) {
        case BindingKind::Function:
            return checkFunctionCall(e, b->fn, id->range);
        case BindingKind::Builtin:
            return checkBuiltinCall(e, builtinInfo(BuiltinId(b->index)), id->range);
        case BindingKind::Message:
            return checkMessageArgs(e, b->index, id->range);
        case BindingKind::ModuleMember:
            if (const BuiltinInfo* info = findModuleMember(standardModules()[b->index], n)) {
                id->type = TypeTable::kAny;
                return checkBuiltinCall(e, *info, id->range);
            }
            return TypeTable::kAny;
        case BindingKind::Actor:
            error(id->range, "'" + n + "' is an actor type; create one with spawn(" + n + ")");
            break;
        case BindingKind::Module:
            error(id->range, "module '" + n + "' cannot be called; call one of its functions (" + n + ".NAME(...))");
            break;
        case BindingKind::Model:
            error(id->range, "model '" + n + "' cannot be called directly; use it from an agent");
            break;
        case BindingKind::AgentModel:
            error(id->range, "the agent's model is used as model.run(input)");
            break;
        default: {
            const TypeKind k = m_types.kind(ct);
            if (k != TypeKind::Any && k != TypeKind::Function) {
                error(id->range, "'" + n + "' is not a function (it is " + typeName(ct) + ")");
                break;
            }
            e->callKind = CallKind::Value;
            if (inPure())
                error(id->range, "pure function '" + nameText(m_fn->fn->name)
                        + "' cannot call a function value (it may have effects)");
            for (Expr* a : e->args)
                checkExpr(a);
            return TypeTable::kAny;
        }
        }
        for (Expr* a : e->args)
            checkExpr(a);
        return TypeTable::kAny;
    }

    if (callee->kind == ExprKind::Field) {
        auto* f = as<FieldExpr>(callee);
        const int32_t module = importedModuleOf(f->object, m_names, m_info.imports, lookupThunk, this);
        if (module >= 0) {
            if (f->object->kind == ExprKind::Ident)
                resolveName(as<IdentExpr>(f->object)->name, f->object->range, nullptr);
            const std::string_view modName = standardModules()[size_t(module)];
            const std::string member = nameText(f->field);
            const BuiltinInfo* info = findModuleMember(modName, member);
            if (!info) {
                error(f->fieldRange, "module '" + std::string(modName) + "' has no function '" + member + "'");
                for (Expr* a : e->args)
                    checkExpr(a);
                return TypeTable::kAny;
            }
            f->moduleMember = int32_t(info->id);
            return checkBuiltinCall(e, *info, f->fieldRange);
        }
        if (f->object->kind == ExprKind::Ident) {
            auto* obj = as<IdentExpr>(f->object);
            Binding* b = lookup(obj->name);
            if (b && b->kind == BindingKind::AgentModel) {
                obj->binding = b;
                e->callKind = CallKind::AgentModel;
                for (Expr* a : e->args)
                    checkExpr(a);
                if (nameText(f->field) != "run")
                    error(f->fieldRange, "an agent's model has one operation: model.run(input)");
                else if (e->args.size() != 1)
                    error(e->range, "model.run takes 1 argument, found " + std::to_string(e->args.size()));
                return TypeTable::kAny;
            }
            if (!b && !(obj->name < m_hoistedGlobals.size() && m_hoistedGlobals[obj->name])) {
                const std::string n = nameText(obj->name);
                if (isStandardModule(n)) {
                    error(obj->range, "module '" + n + "' is not imported; add 'import " + n + "' at the top of the file");
                    for (Expr* a : e->args)
                        checkExpr(a);
                    return TypeTable::kAny;
                }
            }
        }
        return checkMethodCall(e, f);
    }

    // Calling the result of an expression: a function value.
    const TypeId ct = checkExpr(callee);
    for (Expr* a : e->args)
        checkExpr(a);
    const TypeKind k = m_types.kind(ct);
    if (k != TypeKind::Any && k != TypeKind::Function)
        error(callee->range, "this value is not a function (it is " + typeName(ct) + ")");
    e->callKind = CallKind::Value;
    return TypeTable::kAny;
}

TypeId Checker::checkMethodCall(CallExpr* e, FieldExpr* f)
{
    if (f->object->kind == ExprKind::Ident) {
        // `Counter.bump()`: one clear error rather than two.
        auto* obj = as<IdentExpr>(f->object);
        if (Binding* b = lookup(obj->name); b && b->kind == BindingKind::Actor) {
            error(f->range, "'" + nameText(obj->name) + "' is an actor type: its functions run inside it; "
                    "other code sends it messages (send(ref, Message))");
            for (Expr* a : e->args)
                checkExpr(a);
            return TypeTable::kAny;
        }
    }
    const size_t errorsBefore = m_sink.errorCount();
    const TypeId rt = checkExpr(f->object);
    if (rt == TypeTable::kAny && m_sink.errorCount() != errorsBefore) {
        // The receiver itself was wrong (already reported); say nothing more.
        for (Expr* a : e->args)
            checkExpr(a);
        e->callKind = CallKind::Method;
        e->method = f->field;
        return TypeTable::kAny;
    }
    for (Expr* a : e->args)
        checkExpr(a);
    e->callKind = CallKind::Method;
    e->method = f->field;
    const std::string name = nameText(f->field);
    const Type& t = m_types.get(rt);
    MethodReceiver receiver;
    switch (t.kind) {
    case TypeKind::String: receiver = MethodReceiver::String; break;
    case TypeKind::List: receiver = MethodReceiver::List; break;
    case TypeKind::Map: receiver = MethodReceiver::Map; break;
    case TypeKind::Tensor: receiver = MethodReceiver::Tensor; break;
    case TypeKind::Result: receiver = MethodReceiver::Result; break;
    case TypeKind::Any: {
        if (!isAnyMethodName(name))
            error(f->fieldRange, "unknown method '" + name + "'");
        // A mutating method on a value of unknown type still needs a mutable place.
        bool mutates = false;
        for (const auto& m : allMethods())
            mutates = mutates || (m.name == name && m.mutates);
        std::string why;
        if (mutates && !isAssignablePlace(f->object, why))
            error(f->object->range, "'" + name + "' changes its receiver, but " + why);
        return TypeTable::kAny;
    }
    case TypeKind::Actor:
        error(f->fieldRange, "cannot call '" + name + "' on actor " + typeName(rt)
                + ": actors only receive messages (send(ref, Message))");
        return TypeTable::kAny;
    default:
        error(f->fieldRange, typeName(rt) + " has no method '" + name + "'");
        return TypeTable::kAny;
    }
    const MethodInfo* m = findMethod(receiver, name);
    if (!m) {
        error(f->fieldRange, typeName(rt) + " has no method '" + name + "'");
        return TypeTable::kAny;
    }
    const auto n = int(e->args.size());
    if (n < m->minArgs || n > m->maxArgs)
        error(e->range, "method '" + name + "' takes " + arityText(m->minArgs, m->maxArgs) + ", found "
                + std::to_string(n));
    if (m->mutates) {
        std::string why;
        if (!isAssignablePlace(f->object, why))
            error(f->object->range, "'" + name + "' changes its receiver, but " + why);
    }
    switch (m->id) {
    case MethodId::ListPop:
    case MethodId::ListFirst:
    case MethodId::ListLast:
    case MethodId::ListRemoveAt:
        return t.arg0;
    case MethodId::ListReverse:
    case MethodId::ListSort:
    case MethodId::ListSlice:
        return rt;
    case MethodId::MapGet:
    case MethodId::MapRemove:
        return t.arg1;
    case MethodId::MapKeys:
        return m_types.list(t.arg0);
    case MethodId::MapValues:
        return m_types.list(t.arg1);
    case MethodId::ResultUnwrap:
        return t.arg0;
    case MethodId::StrSplit:
        return m_types.list(m_types.string());
    default:
        return builtinResultType(uint8_t(m->result), nullptr);
    }
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
    const TypeId t = checkExpr(e->object);
    switch (m_types.kind(t)) {
    case TypeKind::Any:
        return TypeTable::kAny;
    case TypeKind::Map:
        return m_types.get(t).arg1;
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
        if (!m_types.assignable(o.arg0, it))
            error(e->index->range, "map key must be " + typeName(o.arg0) + ", found " + typeName(it));
        return o.arg1;
    default:
        error(e->object->range, "cannot index a value of type " + typeName(ot));
        return TypeTable::kAny;
    }
}

TypeId Checker::checkSpawn(SpawnExpr* e)
{
    if (inPure())
        error(e->range, "pure function '" + nameText(m_fn->fn->name) + "' cannot spawn actors");
    Binding* b = lookup(e->actorName);
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
    case PatternKind::Message: {
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
        for (Pattern* sub : p->args)
            checkPattern(sub, TypeTable::kAny);
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
        result = first ? t : (result == t ? result : TypeTable::kAny);
        first = false;
    }
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
    for (Expr* a : e->args)
        checkExpr(a);
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
    }
    for (Expr* c : e->children)
        checkExpr(c);
    return m_types.ui();
}

} // namespace aeroflow::compiler
