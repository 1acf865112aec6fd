// Anonymous functions and the builtins that call the functions they are
// given (map, filter, reduce, any, all, sort, sort_by), with enumerate and
// zip: the part of the Checker that types them. See Checker.h and
// docs/LANGUAGE.md §8.4 and §7.2.
//
// A lambda is a nested function without a name: it captures by value what it
// reads of the enclosing function, runs in the enclosing actor, and is pure
// inside a pure function. Without a `uses` clause its effects are inferred
// from its body; its value's type carries them like a named function's
// (`function[env]`), so whoever calls it, directly or through map(), needs
// them. When the function passed to a builtin is evident (a lambda, a
// function name, or a `let` holding one) its arity, parameter types and
// result are checked against what the builtin does with it.
#include "Builtins.h"
#include "Checker.h"

namespace aeroflow::compiler {

namespace {

std::string plural(size_t n, const char* word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// What a builtin passes to the function it calls, for messages.
const char* callbackArgsText(Callback cb)
{
    switch (cb) {
    case Callback::Reduce: return "2 (the result so far and an element)";
    case Callback::Sort: return "2 (the two elements it compares)";
    default: return "1 (an element)";
    }
}

} // namespace

TypeId Checker::checkLambda(LambdaExpr* e)
{
    FnDecl* fn = e->fn;
    if (fn->index == 0) { // index 0 is main's: not checked yet
        fn->index = static_cast<uint32_t>(m_info.functions.size());
        fn->enclosing = m_fn->fn;
        m_info.functions.push_back(fn);
        if (inPure())
            fn->isPure = true; // a lambda written in a pure function is pure
        checkFunction(fn, nullptr);
    }
    return functionValueType(fn, e->range);
}

FnDecl* Checker::evidentFunction(const Expr* e) const
{
    if (!e)
        return nullptr;
    if (e->kind == ExprKind::Lambda)
        return as<LambdaExpr>(e)->fn;
    if (e->kind != ExprKind::Ident)
        return nullptr;
    const Binding* b = as<IdentExpr>(e)->binding;
    if (!b)
        return nullptr;
    if (b->kind == BindingKind::Function)
        return b->fn;
    if ((b->kind == BindingKind::Local || b->kind == BindingKind::Global) && !b->isMutable)
        return b->fn;
    return nullptr;
}

TypeId Checker::resultOf(FnDecl* fn)
{
    const Signature& sig = signature(fn);
    if (sig.hasRet)
        return sig.ret;
    return fn->isLambda ? fn->resultType : TypeTable::kAny;
}

bool Checker::infersEffects() const
{
    return m_fn && m_fn->fn->isLambda && m_fn->fn->usesRange.end == 0;
}

std::string Checker::fnLabel() const
{
    for (const FnContext* c = m_fn; c; c = c->parent)
        if (!c->fn->isLambda)
            return nameText(c->fn->name);
    return "lambda";
}

void Checker::requireCallEffects(EffectSet needs, const std::string& what, SourceRange where)
{
    if (!needs || inPure())
        return; // a pure caller is refused the call itself
    FnDecl* caller = m_fn->fn;
    if (caller->fnKind == FnKind::Init) {
        error(where, "a state initialiser cannot call " + what + ", which uses " + effectNames(needs)
                + "; set the field from a handler that declares 'uses " + effectNames(needs) + "'");
        return;
    }
    if (caller->fnKind == FnKind::Main)
        return;
    const EffectSet missing = EffectSet(needs & ~caller->uses);
    if (!missing)
        return;
    if (infersEffects()) {
        caller->uses |= missing;
        return;
    }
    const char* kind = caller->fnKind == FnKind::Handler ? "handler" : caller->isLambda ? "lambda in" : "function";
    error(where, what + " uses " + effectNames(missing) + ": calling it reads the outside world; declare 'uses "
            + effectNames(missing) + "' on " + kind + " '" + fnLabel() + "'");
}

bool Checker::refuseFunction(const Expr* value, const std::string& what)
{
    if (!m_types.holdsFunction(value->type))
        return false;
    const bool fn = m_types.kind(value->type) == TypeKind::Function;
    error(value->range, what + (fn ? " is a function" : " holds functions (" + typeName(value->type) + ")")
            + ": functions cannot cross actors, so messages cannot carry them");
    return true;
}

TypeId Checker::checkCallback(Callback cb, Expr* list, Expr* fnArg, Expr* init)
{
    const std::string name = std::string(callbackName(cb)) + "()";
    TypeId listType = TypeTable::kAny;
    TypeId elem = TypeTable::kAny;
    if (list) {
        listType = list->type;
        const TypeKind lk = m_types.kind(listType);
        if (lk == TypeKind::List)
            elem = m_types.get(listType).arg0;
        else if (lk != TypeKind::Any) {
            error(list->range, name + " needs a list, found " + typeName(listType));
            listType = TypeTable::kAny;
        }
        // The elements go to the function's parameters, whose types are not known.
        keepEffects(TypeTable::kAny, listType, list, name + " (it passes the elements on as values of unknown type)");
    }
    const TypeId sameList = m_types.kind(listType) == TypeKind::List ? listType : m_types.list(TypeTable::kAny);
    auto resultType = [&](TypeId fnResult) -> TypeId {
        switch (cb) {
        case Callback::Map: return m_types.list(fnResult);
        case Callback::Any:
        case Callback::All: return m_types.boolean();
        case Callback::Reduce: {
            const TypeId start = init ? init->type : elem;
            return fnResult == start ? fnResult : TypeTable::kAny;
        }
        default: return sameList;
        }
    };
    if (!fnArg)
        return resultType(TypeTable::kAny); // sort(xs) without a comparator
    const TypeId ft = fnArg->type;
    const TypeKind fk = m_types.kind(ft);
    if (fk != TypeKind::Any && fk != TypeKind::Function) {
        error(fnArg->range, name + " needs a function, found " + typeName(ft));
        return resultType(TypeTable::kAny);
    }
    const std::string what = "the function passed to " + name;
    FnDecl* fn = evidentFunction(fnArg);
    if (inPure() && !(fn && fn->isPure))
        error(fnArg->range, "pure function '" + fnLabel() + "' cannot pass a function value to " + name
                + " (it may have effects); pass a lambda or a pure function");
    if (fk == TypeKind::Function)
        requireCallEffects(m_types.get(ft).effects, what, fnArg->range);
    if (!fn)
        return resultType(TypeTable::kAny);

    const size_t want = size_t(callbackArity(cb));
    if (fn->params.size() != want) {
        error(fnArg->range, what + " takes " + plural(fn->params.size(), "argument") + ", but " + name
                + " calls it with " + callbackArgsText(cb));
        return resultType(TypeTable::kAny);
    }
    // Annotated parameters must accept what the builtin passes.
    const Signature& sig = signature(fn);
    auto param = [&](uint32_t i, TypeId given, const char* whatGiven) {
        if (i < sig.params.size() && !m_types.assignable(sig.params[i], given))
            error(fnArg->range, "parameter '" + nameText(fn->params[i].name) + "' of " + what + " is "
                    + typeName(sig.params[i]) + ", but " + whatGiven + " " + typeName(given));
    };
    if (cb == Callback::Reduce) {
        param(0, init ? init->type : elem, init ? "the start value is" : "the elements are");
        param(1, elem, "the elements are");
    } else {
        param(0, elem, "the elements are");
        if (cb == Callback::Sort)
            param(1, elem, "the elements are");
    }
    const TypeId result = resultOf(fn);
    const TypeKind rk = m_types.kind(result);
    if (rk != TypeKind::Any) {
        switch (cb) {
        case Callback::Filter:
        case Callback::Any:
        case Callback::All:
            if (rk != TypeKind::Bool)
                error(fnArg->range, what + " must return a bool, found " + typeName(result));
            break;
        case Callback::Sort:
            if (rk != TypeKind::Bool && rk != TypeKind::Int)
                error(fnArg->range, "the comparator passed to sort() must return a bool (true: its first argument "
                        "comes first) or an int (negative, zero or positive), found " + typeName(result));
            break;
        case Callback::SortBy:
            if (rk != TypeKind::Int && rk != TypeKind::Float && rk != TypeKind::String)
                error(fnArg->range, "the key function passed to sort_by() must return a number or a string, found "
                        + typeName(result));
            break;
        default: break;
        }
    }
    return resultType(result);
}

TypeId Checker::checkPairs(std::string_view name, Expr* xs, Expr* ys)
{
    TypeId item = 0;
    bool first = true;
    for (Expr* l : {xs, ys}) {
        if (!l)
            continue;
        TypeId elem = TypeTable::kAny;
        const TypeKind k = m_types.kind(l->type);
        if (k == TypeKind::List)
            elem = m_types.get(l->type).arg0;
        else if (k != TypeKind::Any)
            error(l->range, std::string(name) + "() needs a list, found " + typeName(l->type));
        keepEffects(TypeTable::kAny, l->type, l, std::string(name) + "() (its pairs keep no function types)");
        item = first ? elem : m_types.join(item, elem);
        first = false;
    }
    // enumerate pairs an int index with each element.
    if (!ys)
        item = m_types.join(m_types.integer(), item);
    return m_types.list(m_types.list(item));
}

} // namespace aeroflow::compiler
