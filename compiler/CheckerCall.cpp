// Call resolution: the part of the Checker that decides what a call means
// (function, builtin, module member, method, message, value) and checks its
// arguments, effects and purity. See Checker.h.
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



std::string effectList(EffectSet s)
{
    return effectNames(s);
}

} // namespace

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
    case BuiltinResult::Set: return m_types.set(TypeTable::kAny);
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
    if (info.id == BuiltinId::JsonDecode && e->args.size() == 2) {
        // json.decode(text, Order): the second argument names a record type.
        checkExpr(e->args[0]);
        auto* id = e->args[1]->kind == ExprKind::Ident ? as<IdentExpr>(e->args[1]) : nullptr;
        RecordDecl* r = id ? recordNamed(id->name) : nullptr;
        if (!r) {
            if (!id) // a bare unknown name is reported once, by the line below
                checkExpr(e->args[1]);
            error(e->args[1]->range, "the second argument of json.decode() names a record type: json.decode(text, Order)");
            return m_types.result(TypeTable::kAny, m_types.string());
        }
        id->binding = r->binding;
        id->type = m_types.record(r);
        if (m_symbols && r->binding->symbol >= 0)
            m_symbols->addRef(id->range, r->binding->symbol);
        const TypeKind k = m_types.kind(e->args[0]->type);
        if (k != TypeKind::Any && k != TypeKind::String)
            error(e->args[0]->range, "json.decode() takes the JSON text (a string), found " + typeName(e->args[0]->type));
        return m_types.result(m_types.record(r), m_types.string());
    }
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
    keepEffectsInBuiltinArgs(e, name);
    switch (info.id) {
    case BuiltinId::Emit:
        if (m_fn->fn->fnKind == FnKind::Main)
            error(nameRange, "emit() replies to the sender of the message being handled; the main program has no "
                    "sender (use print, or recv() to receive)");
        else
            refuseFunction(e->args[0], "the value of emit()");
        break;
    case BuiltinId::Map:
    case BuiltinId::Filter:
    case BuiltinId::AnyOf:
    case BuiltinId::AllOf:
    case BuiltinId::SortBy:
    case BuiltinId::Sort:
    case BuiltinId::ListSort:
        return checkCallback(callbackOf(info.id), e->args[0], e->args.size() > 1 ? e->args[1] : nullptr, nullptr);
    case BuiltinId::Reduce:
        return checkCallback(Callback::Reduce, e->args[0], e->args.back(), e->args.size() == 3 ? e->args[1] : nullptr);
    case BuiltinId::Enumerate:
        return checkPairs("enumerate", e->args[0], nullptr);
    case BuiltinId::Zip:
        return checkPairs("zip", e->args[0], e->args[1]);
    case BuiltinId::SetOf:
        return checkSetOf(e);
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
    case BuiltinId::Monitor:
    case BuiltinId::Link:
    case BuiltinId::Supervise:
    case BuiltinId::Ask:
        return checkSupervisionCall(e, uint32_t(info.id), nameRange, builtinResultType(uint8_t(info.result), e));
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
            && k != TypeKind::Tensor && k != TypeKind::Set)
            error(e->args[0]->range, "len() needs a string, list, map, set or tensor, found " + typeName(e->args[0]->type));
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
    case BuiltinId::Format:
        checkFormatCall(e);
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
            if (!m_types.assignable(sig.params[i], e->args[i]->type)) {
                error(e->args[i]->range, "argument " + std::to_string(i + 1) + " of '" + name + "' must be "
                        + typeName(sig.params[i]) + ", found " + typeName(e->args[i]->type));
                continue;
            }
            const std::string p = nameText(fn->params[i].name);
            keepEffects(sig.params[i], e->args[i]->type, e->args[i], "parameter '" + p + "' of '" + name + "'",
                "declare it '" + p + ": " + typeName(e->args[i]->type) + "'");
        }
    }
    if (inPure() && !fn->isPure)
        error(nameRange, "pure function '" + fnLabel() + "' cannot call '" + name
                + "', which is not pure");
    if (m_fn->fn->fnKind == FnKind::Init && fn->uses) {
        error(nameRange, "a state initialiser cannot call '" + name + "', which uses " + effectList(fn->uses)
                + "; set the field from a handler that declares 'uses " + effectList(fn->uses) + "'");
    } else if (m_fn->fn->fnKind != FnKind::Main && !inPure()) {
        const EffectSet missing = fn->uses & ~m_fn->fn->uses;
        if (missing && infersEffects())
            m_fn->fn->uses |= missing; // a lambda without `uses` takes them on
        else if (missing)
            error(nameRange, "'" + name + "' uses " + effectList(missing) + "; declare 'uses " + effectList(missing)
                    + "' on " + (m_fn->fn->isLambda ? "the lambda in '" : "'") + fnLabel() + "' too");
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
    bool refused = false;
    for (uint32_t i = 0; i < e->args.size(); ++i)
        refused = refuseFunction(e->args[i], "argument " + std::to_string(i + 1) + " of message '" + nameText(m.name) + "'")
            || refused;
    if (refused)
        return m_types.message();
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
int32_t importedModuleOf(const Expr* e, Interner& names, const std::vector<std::string_view>& imports,
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
    if (!e->argNames.empty()) {
        const bool recordCall = (callee->kind == ExprKind::Ident && recordNamed(as<IdentExpr>(callee)->name))
            || (callee->kind == ExprKind::Field && nameText(as<FieldExpr>(callee)->field) == "with");
        if (!recordCall)
            refuseNamedArgs(e);
    }
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
        case BindingKind::Record:
            return checkRecordConstruct(e, b->record, id->range);
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
            // A `let` holding a lambda or a function name: its call is checked like a direct one.
            FnDecl* evident = evidentFunction(id);
            if (inPure() && !(evident && evident->isPure))
                error(id->range, "pure function '" + fnLabel()
                        + "' cannot call a function value (it may have effects)");
            for (Expr* a : e->args)
                checkExpr(a);
            checkValueCall(e, ct, "'" + n + "'", id->range);
            if (!evident)
                return TypeTable::kAny;
            if (e->args.size() != evident->params.size()) {
                error(e->range, "'" + n + "' is a function that takes " + plural(evident->params.size(), "argument")
                        + ", found " + std::to_string(e->args.size()));
                return TypeTable::kAny;
            }
            const Signature& sig = signature(evident);
            for (uint32_t i = 0; i < e->args.size(); ++i)
                if (!m_types.assignable(sig.params[i], e->args[i]->type))
                    error(e->args[i]->range, "argument " + std::to_string(i + 1) + " of '" + n + "' must be "
                            + typeName(sig.params[i]) + ", found " + typeName(e->args[i]->type));
            return resultOf(evident);
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
                for (Expr* a : e->args) {
                    checkExpr(a);
                    keepEffects(TypeTable::kAny, a->type, a, "model.run (it keeps no function types)");
                }
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
    FnDecl* evident = evidentFunction(callee); // a lambda called where it is written: (fn(x) => x)(1)
    if (inPure() && !(evident && evident->isPure))
        error(callee->range, "pure function '" + fnLabel()
                + "' cannot call a function value (it may have effects)");
    if (evident && e->args.size() != evident->params.size())
        error(e->range, "this function takes " + plural(evident->params.size(), "argument") + ", found "
                + std::to_string(e->args.size()));
    checkValueCall(e, ct, "this function value", callee->range);
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
    const std::string name = nameText(f->field);
    if (m_types.kind(rt) == TypeKind::Record) {
        auto* r = const_cast<RecordDecl*>(m_types.get(rt).record);
        if (name == "with")
            return checkRecordWith(e, f, r);
        for (Expr* a : e->args)
            checkExpr(a);
        if (r->fieldIndex(f->field) >= 0)
            error(f->fieldRange, "'" + name + "' is a field of record " + nameText(r->name) + ", not a method");
        else
            error(f->fieldRange, "record " + nameText(r->name) + " has no method '" + name
                    + "' (records have fields and with(field: value))");
        e->callKind = CallKind::Method;
        e->method = f->field;
        return TypeTable::kAny;
    }
    if (name == "with" && rt == TypeTable::kAny) {
        for (Expr* a : e->args)
            checkExpr(a);
        error(f->fieldRange, "with() needs a value whose record type is known here; give it a type (o: Order)");
        e->callKind = CallKind::Method;
        e->method = f->field;
        return TypeTable::kAny;
    }
    for (Expr* a : e->args)
        checkExpr(a);
    e->callKind = CallKind::Method;
    e->method = f->field;
    const Type& t = m_types.get(rt);
    MethodReceiver receiver;
    switch (t.kind) {
    case TypeKind::String: receiver = MethodReceiver::String; break;
    case TypeKind::List: receiver = MethodReceiver::List; break;
    case TypeKind::Map: receiver = MethodReceiver::Map; break;
    case TypeKind::Tensor: receiver = MethodReceiver::Tensor; break;
    case TypeKind::Result: receiver = MethodReceiver::Result; break;
    case TypeKind::Set: receiver = MethodReceiver::Set; break;
    case TypeKind::Any: {
        if (!isAnyMethodName(name))
            error(f->fieldRange, "unknown method '" + name + "'");
        // xs.map(f) on a value of unknown type: if it is a list, f is called here.
        const MethodInfo* listMethod = findMethod(MethodReceiver::List, name);
        const Callback cb = listMethod ? callbackOf(listMethod->id) : Callback::None;
        const bool calls = cb != Callback::None && !e->args.empty() && int(e->args.size()) <= listMethod->maxArgs
            && int(e->args.size()) >= listMethod->minArgs;
        for (uint32_t i = 0; i < e->args.size(); ++i)
            if (!(calls && i + 1 == e->args.size()))
                keepEffects(TypeTable::kAny, e->args[i]->type, e->args[i],
                    "method '" + name + "' of a value of unknown type");
        if (calls)
            checkCallback(cb, nullptr, e->args.back(), e->args.size() == 2 ? e->args[0] : nullptr);
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
        std::vector<std::string_view> names;
        for (const auto& mi : allMethods())
            if (mi.receiver == receiver)
                names.push_back(mi.name);
        error(f->fieldRange, typeName(rt) + " has no method '" + name + "'" + suggestAmong(name, names));
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
    // Arguments the method keeps (stores, or may return) go to the receiver's
    // element type; the others are only compared or are not functions.
    auto keeps = [&](uint32_t arg, TypeId slot) {
        if (arg < e->args.size())
            keepEffects(slot, e->args[arg]->type, e->args[arg], "'" + name + "' on a " + typeName(rt),
                "declare the receiver with elements of type " + typeName(e->args[arg]->type));
    };
    switch (m->id) {
    case MethodId::ListMap:
    case MethodId::ListFilter:
    case MethodId::ListAny:
    case MethodId::ListAll:
    case MethodId::ListSortBy:
    case MethodId::ListSort:
    case MethodId::ListReduce:
        if (n < m->minArgs || n > m->maxArgs)
            return builtinResultType(uint8_t(m->result), nullptr);
        return checkCallback(callbackOf(m->id), f->object, e->args.empty() ? nullptr : e->args.back(),
            m->id == MethodId::ListReduce && n == 2 ? e->args[0] : nullptr);
    case MethodId::ListEnumerate:
        return checkPairs("enumerate", f->object, nullptr);
    case MethodId::ListZip:
        if (n != 1)
            return builtinResultType(uint8_t(m->result), nullptr);
        return checkPairs("zip", f->object, e->args[0]);
    case MethodId::MapItems:
        keepEffects(TypeTable::kAny, rt, f->object, "'items' (its pairs keep no function types)");
        return m_types.list(m_types.list(m_types.join(t.arg0, t.arg1)));
    case MethodId::ListPush: keeps(0, t.arg0); break;
    case MethodId::ListInsert: keeps(1, t.arg0); break;
    case MethodId::MapGet:
        if (n >= 1)
            checkKeyArg(e->args[0], t.arg0, "map key");
        keeps(1, t.arg1);
        break;
    case MethodId::ResultUnwrapOr: keeps(0, t.arg0); break;
    case MethodId::ListContains:
    case MethodId::ListIndexOf:
        break;
    case MethodId::MapHas:
    case MethodId::MapRemove:
        if (n == 1)
            checkKeyArg(e->args[0], t.arg0, "map key");
        break;
    case MethodId::SetHas:
    case MethodId::SetAdd:
    case MethodId::SetRemove:
        if (n == 1)
            checkKeyArg(e->args[0], t.arg0, "set element");
        break;
    case MethodId::SetUnion:
    case MethodId::SetIntersection:
    case MethodId::SetDifference:
        if (n == 1 && !m_types.assignable(m_types.set(t.arg0), e->args[0]->type))
            error(e->args[0]->range, "'" + name + "' needs a " + typeName(rt) + ", found " + typeName(e->args[0]->type));
        break;
    case MethodId::ListSum:
        keepEffects(TypeTable::kAny, rt, f->object, "'sum'");
        break;
    default:
        for (Expr* a : e->args)
            keepEffects(TypeTable::kAny, a->type, a, "method '" + name + "'");
        break;
    }
    switch (m->id) {
    case MethodId::ListPop:
    case MethodId::ListFirst:
    case MethodId::ListLast:
    case MethodId::ListRemoveAt:
        return t.arg0;
    case MethodId::ListReverse:
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
    case MethodId::ResultUnwrapOr:
        // The Ok value or the default: keep the effects of either.
        return m_types.effectsOf(t.arg0) ? t.arg0 : builtinResultType(uint8_t(m->result), nullptr);
    case MethodId::StrSplit:
        return m_types.list(m_types.string());
    case MethodId::SetToList:
        return m_types.list(t.arg0);
    case MethodId::SetUnion:
        // Elements of either: the receiver's type when both agree.
        return n == 1 && m_types.get(e->args[0]->type).kind == TypeKind::Set
                && m_types.get(e->args[0]->type).arg0 == t.arg0 ? rt : m_types.set(TypeTable::kAny);
    case MethodId::SetIntersection:
    case MethodId::SetDifference:
        return rt;
    default:
        return builtinResultType(uint8_t(m->result), nullptr);
    }
}

} // namespace aeroflow::compiler
