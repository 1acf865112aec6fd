// Effects carried by function values: the part of the Checker that keeps a
// function's `uses` with it wherever it goes. See Checker.h and
// docs/LANGUAGE.md §8.2.
//
// The invariant: a value whose static type is `any` never holds a function
// with effects, and a value of type `function[E]` (or a list, map or result
// of such) holds only functions whose calls use at most E. Every place where
// a value goes (parameter, variable, field, element, builtin argument,
// result) keeps it: a place whose type would forget effects of the value is
// an error. Messages carry no functions at all (functions cannot cross
// actors). So a call through a value needs exactly the effects of the
// value's type, and a call through `any` needs none. A lambda without `uses`
// takes on the effects its body needs (CheckerCallbacks.cpp).
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
            if (missing && infersEffects())
                m_fn->fn->uses |= missing; // a lambda without `uses` takes them on
            else if (missing)
                error(where, what + " is a " + typeName(calleeType) + ": calling it reads the outside world; declare 'uses "
                        + effectNames(missing) + "' on " + (caller->isLambda ? "lambda in" : fnKindWord(caller->fnKind))
                        + " '" + fnLabel() + "'");
        }
    }
    for (Expr* a : e->args)
        keepEffects(TypeTable::kAny, a->type, a, "a call through a function value (its parameters have no known type)",
            "call the function by name");
}

void Checker::keepEffectsInBuiltinArgs(CallExpr* e, std::string_view name)
{
    // Builtins that only look at a value (print it, measure it) keep nothing.
    const auto id = BuiltinId(e->builtin);
    switch (id) {
    case BuiltinId::Print:
    case BuiltinId::Str:
    case BuiltinId::TypeOf:
    case BuiltinId::Len:
    case BuiltinId::Format:
    case BuiltinId::Enumerate: // checkPairs reports what they would forget
    case BuiltinId::Zip:
        return;
    case BuiltinId::Emit:
        if (!e->args.empty() && m_types.holdsFunction(e->args[0]->type))
            return; // refused as it is (functions cannot cross actors)
        break;
    default:
        break;
    }
    // map(xs, f), sort(xs, cmp), ...: the function is the last argument, and
    // its effects are required where the builtin is called (checkCallback).
    const bool calls = callbackOf(id) != Callback::None && !(id == BuiltinId::Sort && e->args.size() < 2)
        && !(id == BuiltinId::ListSort && e->args.size() < 2);
    for (uint32_t i = 0; i < e->args.size(); ++i) {
        if (calls && i + 1 == e->args.size())
            continue;
        if (calls && i == 0)
            continue; // the list: checkCallback says what forgets it
        Expr* a = e->args[i];
        keepEffects(TypeTable::kAny, a->type, a, "'" + std::string(name) + "' (a builtin keeps no function types)");
    }
}

TypeId Checker::messageParamType(uint32_t /*messageId*/, uint32_t /*param*/)
{
    // Messages cannot carry functions (checkMessageArgs refuses them, and the
    // engine at send time), so what a message pattern binds holds no
    // function with effects: `any`, as every message argument.
    return TypeTable::kAny;
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
                + ", but " + m_file.lineLabel(where.begin, global->declRange.begin)
                + " reads it before this declaration, where its type is not known yet; declare '"
                + nameText(global->name) + "' before the functions and actors that read it");
        return;
    }
}

} // namespace aeroflow::compiler
