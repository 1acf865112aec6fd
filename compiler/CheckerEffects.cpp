// Effects carried by function values: the part of the Checker that keeps a
// function's `uses` with it wherever it goes. See Checker.h and
// docs/LANGUAGE.md §8.2.
//
// The invariant: a value whose static type is `any` never holds a function
// with effects, and a value of type `function[E]` (or a list, map or result
// of such) holds only functions whose calls use at most E. Every place where
// a value goes (parameter, variable, field, element, message argument,
// builtin argument, result) keeps it: a place whose type would forget
// effects of the value is an error. So a call through a value needs exactly
// the effects of the value's type, and a call through `any` needs none.
// All of it is decided before the program runs: the interpreter, the JIT and
// AOT output are unchanged.
#include "Builtins.h"
#include "Checker.h"

namespace aeroflow::compiler {

namespace {

const char* fnKindWord(FnKind k)
{
    return k == FnKind::Handler ? "handler" : "function";
}

} // namespace

TypeId Checker::functionValueType(FnDecl* fn, SourceRange where)
{
    const Signature& sig = signature(fn);
    // A call through a value does not know the result's type, so a result
    // that holds functions with effects would lose them there.
    if (sig.hasRet && m_types.effectsOf(sig.ret))
        error(where, "'" + nameText(fn->name) + "' returns " + typeName(sig.ret)
                + ", so it cannot be used as a value (a call through a value does not know the type of its result); "
                  "call it by name");
    return m_types.function(fn->uses);
}

void Checker::keepEffects(TypeId to, TypeId from, const Expr* value, const std::string& place, const std::string& fix)
{
    if (!m_types.assignable(to, from))
        return; // a type mismatch, reported on its own
    const EffectSet lost = m_types.lostEffects(to, from);
    if (!lost)
        return;
    const bool named = value->kind == ExprKind::Ident;
    const std::string who = named ? "'" + nameText(as<IdentExpr>(value)->name) + "'" : "";
    std::string msg;
    if (m_types.kind(from) == TypeKind::Function)
        msg = (named ? who : "this function") + " uses " + effectNames(lost);
    else
        msg = (named ? who : "this value") + " holds a function that uses " + effectNames(lost);
    msg += ", but " + place + " would forget it (its type is " + typeName(to) + ")";
    if (!fix.empty())
        msg += "; " + fix;
    error(value->range, msg);
}

void Checker::checkValueCall(CallExpr* e, TypeId calleeType, const std::string& what, SourceRange where)
{
    const Type& t = m_types.get(calleeType);
    const EffectSet needs = t.kind == TypeKind::Function ? t.effects : 0;
    // A pure caller is refused any call through a value elsewhere.
    if (needs && !inPure()) {
        const FnDecl* caller = m_fn->fn;
        if (caller->fnKind == FnKind::Init) {
            error(where, "a state initialiser cannot call " + what + ", which uses " + effectNames(needs)
                    + "; set the field from a handler that declares 'uses " + effectNames(needs) + "'");
        } else if (caller->fnKind != FnKind::Main) {
            const EffectSet missing = EffectSet(needs & ~caller->uses);
            if (missing)
                error(where, what + " is a " + typeName(calleeType) + ": calling it reads the outside world; declare 'uses "
                        + effectNames(missing) + "' on " + fnKindWord(caller->fnKind) + " '" + nameText(caller->name)
                        + "'");
        }
    }
    for (Expr* a : e->args)
        keepEffects(TypeTable::kAny, a->type, a, "a call through a function value (its parameters have no known type)",
            "call the function by name");
}

void Checker::keepEffectsInBuiltinArgs(CallExpr* e, std::string_view name)
{
    // Builtins that only look at a value (print it, measure it) keep nothing.
    switch (BuiltinId(e->builtin)) {
    case BuiltinId::Print:
    case BuiltinId::Str:
    case BuiltinId::TypeOf:
    case BuiltinId::Len:
    case BuiltinId::Format:
        return;
    default:
        break;
    }
    for (Expr* a : e->args)
        keepEffects(TypeTable::kAny, a->type, a, "'" + std::string(name) + "' (a builtin keeps no function types)");
}

void Checker::keepEffectsInMessageArgs(CallExpr* e, uint32_t messageId)
{
    // A message may be handled by several actors: each handler's parameter
    // must keep what the argument holds.
    for (uint32_t i = 0; i < e->args.size(); ++i) {
        Expr* arg = e->args[i];
        if (!m_types.effectsOf(arg->type))
            continue;
        bool reported = false;
        for (ActorDecl* a : m_info.actors) {
            for (const OnDecl& h : a->handlers) {
                if (reported || h.messageId != messageId || !h.fn || i >= h.fn->params.size())
                    continue;
                const TypeId param = signature(h.fn).params[i];
                if (!m_types.lostEffects(param, arg->type))
                    continue;
                const std::string p = nameText(h.fn->params[i].name);
                keepEffects(param, arg->type, arg,
                    "parameter '" + p + "' of handler '" + nameText(h.message) + "' in '" + nameText(a->name) + "'",
                    "declare it '" + p + ": " + typeName(arg->type) + "'");
                reported = true;
            }
        }
    }
}

TypeId Checker::messageParamType(uint32_t messageId, uint32_t param)
{
    // Arguments were checked against every handler's parameters, so the
    // first handler's type bounds the effects of what arrives. Types without
    // effects stay `any` in patterns, as they always were.
    FnDecl* h = messageId < m_messageHandler.size() ? m_messageHandler[messageId] : nullptr;
    if (!h || param >= h->params.size())
        return TypeTable::kAny;
    const TypeId t = signature(h).params[param];
    return m_types.effectsOf(t) ? t : TypeTable::kAny;
}

void Checker::checkGlobalReadEarly(const Binding* global, TypeId type)
{
    const EffectSet effects = m_types.effectsOf(type);
    if (!effects)
        return;
    for (const auto& [b, where] : m_earlyGlobalReads) {
        if (b != global)
            continue;
        error(global->declRange, "'" + nameText(global->name) + "' holds a function that uses " + effectNames(effects)
                + ", but line " + std::to_string(m_file.lineCol(where.begin).line)
                + " reads it before this declaration, where its type is not known yet; declare '"
                + nameText(global->name) + "' before the functions and actors that read it");
        return;
    }
}

} // namespace aeroflow::compiler
