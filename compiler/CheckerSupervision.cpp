// The Checker's part of supervision and request/reply: monitor(ref),
// link(ref), supervise(child[, strategy, max_restarts, window]) and
// ask(ref, msg, timeout), and the handlers that receive the engine's
// notices, `on Down(ref, reason)` and `on answer(id, result)`
// (docs/LANGUAGE.md §9.9, §9.10).
#include "Builtins.h"
#include "Checker.h"

#include <algorithm>

namespace aeroflow::compiler {

namespace {

const char* builtinName(BuiltinId id)
{
    switch (id) {
    case BuiltinId::Monitor: return "monitor";
    case BuiltinId::Link: return "link";
    case BuiltinId::Supervise: return "supervise";
    default: return "ask";
    }
}

} // namespace

void Checker::checkNoticeHandler(const OnDecl& h)
{
    const std::string name = nameText(h.message);
    if (name != "Down" && name != "answer")
        return;
    const size_t n = h.fn ? h.fn->params.size() : 0;
    if (n == 2)
        return;
    const bool down = name == "Down";
    error(h.nameRange, std::string("'on ") + name + "' receives " +
            (down ? "Down(ref, reason) when a monitored actor stops" : "answer(id, result) for each ask()") +
            ": it takes 2 parameters, found " + std::to_string(n) + " (write 'on " + name +
            (down ? "(ref, reason)" : "(id, result)") + "')");
}

TypeId Checker::checkSupervisionCall(CallExpr* e, uint32_t builtin, SourceRange nameRange, TypeId result)
{
    const auto id = BuiltinId(builtin);
    const std::string name = builtinName(id);
    if (m_fn->fn->fnKind == FnKind::Main) {
        const char* why = id == BuiltinId::Ask
                              ? "ask() needs an actor to receive answer(id, result); the main program uses send() "
                                "and recv()"
                          : id == BuiltinId::Monitor
                              ? "monitor() needs an actor to receive Down(ref, reason); the main program cannot "
                                "monitor (call it from an actor's handler)"
                          : id == BuiltinId::Link
                              ? "link() links two actors; the main program cannot be linked (call it from an "
                                "actor's handler)"
                              : "supervise() makes the running actor a supervisor; the main program cannot "
                                "supervise (spawn a supervisor actor and call it there)";
        error(nameRange, why);
        return result;
    }
    // The target: an actor reference when its type is evident.
    const Expr* ref = e->args[0];
    const Type& rt = m_types.get(ref->type);
    if (ref->type != TypeTable::kAny && rt.kind != TypeKind::Actor) {
        error(ref->range, name + "() needs an actor reference, found " + typeName(ref->type));
        return result;
    }
    // The handler the running actor needs to hear back.
    const ActorDecl* self = m_fn->actor;
    auto handles = [&](const char* message) {
        return self && std::any_of(self->handlers.begin(), self->handlers.end(),
                                   [&](const OnDecl& h) { return h.fn && nameText(h.message) == message; });
    };
    if (id == BuiltinId::Monitor && self && !handles("Down"))
        error(nameRange, "actor '" + nameText(self->name) + "' calls monitor() but has no handler 'on Down(ref, "
                "reason)' to receive the notice when the actor stops");
    if (id == BuiltinId::Ask && self && !handles("answer"))
        error(nameRange, "actor '" + nameText(self->name) + "' calls ask() but has no handler 'on answer(id, "
                "result)' to receive the answer");
    if (id == BuiltinId::Supervise) {
        if (e->args.size() == 2 || e->args.size() == 3) {
            error(e->range, "supervise() takes the child, or the child, a strategy, a restart limit and a window in "
                    "ticks: supervise(child, \"one_for_one\", 3, 100); found " + std::to_string(e->args.size())
                    + " arguments");
            return result;
        }
        if (e->args.size() == 4) {
            const Expr* s = e->args[1];
            if (s->kind == ExprKind::String) {
                const std::string_view v = as<StringExpr>(s)->value;
                if (v != "one_for_one" && v != "one_for_all")
                    error(s->range, "unknown restart strategy '" + std::string(v) + "': use \"one_for_one\" or "
                            "\"one_for_all\"");
            } else if (s->type != TypeTable::kAny && m_types.kind(s->type) != TypeKind::String) {
                error(s->range, "the strategy of supervise() is \"one_for_one\" or \"one_for_all\", found "
                        + typeName(s->type));
            }
            for (size_t i = 2; i < 4; ++i) {
                const TypeId t = e->args[i]->type;
                if (t != TypeTable::kAny && m_types.kind(t) != TypeKind::Int)
                    error(e->args[i]->range, std::string(i == 2 ? "the restart limit" : "the window")
                            + " of supervise() is " + (i == 2 ? "a count" : "a number of ticks") + " (an int), found "
                            + typeName(t));
            }
        }
        // supervise(spawn(Worker)) is the child: keep its type.
        return rt.kind == TypeKind::Actor ? ref->type : result;
    }
    if (id == BuiltinId::Ask) {
        const Expr* msg = e->args[1];
        const TypeKind mk = m_types.kind(msg->type);
        if (mk != TypeKind::Any && mk != TypeKind::Message) {
            error(msg->range, "the message argument must be a message such as Increment or Add(1), found "
                    + typeName(msg->type));
        } else if (rt.kind == TypeKind::Actor && rt.actor) {
            int32_t mid = -1;
            if (msg->kind == ExprKind::Call && as<CallExpr>(msg)->callKind == CallKind::Message)
                mid = int32_t(as<CallExpr>(msg)->message);
            else if (msg->kind == ExprKind::Ident && as<IdentExpr>(msg)->binding
                     && as<IdentExpr>(msg)->binding->kind == BindingKind::Message)
                mid = int32_t(as<IdentExpr>(msg)->binding->index);
            const ActorDecl* a = rt.actor;
            if (mid >= 0 && std::none_of(a->handlers.begin(), a->handlers.end(),
                                         [&](const OnDecl& h) { return h.messageId == uint32_t(mid) && h.fn; }))
                error(msg->range, "actor '" + nameText(a->name) + "' has no handler for message '"
                        + nameText(m_info.messages[size_t(mid)].name) + "'");
        }
        const TypeId t = e->args[2]->type;
        if (t != TypeTable::kAny && m_types.kind(t) != TypeKind::Int)
            error(e->args[2]->range, "the timeout of ask() is a number of ticks (an int), found " + typeName(t));
    }
    return result;
}

} // namespace aeroflow::compiler
