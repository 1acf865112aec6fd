// Supervision (monitor, link, supervise) and request/reply with correlation
// (ask) for the Scheduler. docs/LANGUAGE.md §9.9 and §9.10 give the rules;
// this file keeps them deterministic: every list is in insertion order, every
// notice is an ordinary queued message stamped now + 1 from the actor it is
// about, and crashes caused by crashes are handled one after another in the
// order they happen (Scheduler::crash).

#include "Scheduler.h"

#include <algorithm>

#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Vm.h"

namespace aeroflow::engine {

namespace {

constexpr uint32_t kMaxRestartsLimit = 1000;

void addOnce(std::vector<uint32_t>& list, uint32_t id)
{
    if (std::find(list.begin(), list.end(), id) == list.end())
        list.push_back(id);
}

void removeFrom(std::vector<uint32_t>& list, uint32_t id)
{
    list.erase(std::remove(list.begin(), list.end(), id), list.end());
}

const char* strategyName(ActorTies::Strategy s)
{
    return s == ActorTies::Strategy::OneForAll ? "one_for_all" : "one_for_one";
}

} // namespace

ActorTies& Scheduler::ties(ActorRecord& a)
{
    if (!a.ties)
        a.ties = std::make_unique<ActorTies>();
    return *a.ties;
}

bool Scheduler::onStack(uint32_t actor) const
{
    return std::any_of(m_ctx.begin(), m_ctx.end(), [actor](const Context& c) { return c.actor == actor; });
}

uint32_t Scheduler::actorArgument(const Value& target, const char* what) const
{
    if (target.type() != ValueType::Actor)
        fail(std::string(what) + " needs an actor reference, found " + describeType(target));
    const uint32_t id = target.actorId();
    if (id == 0 || id >= m_actors.size())
        fail(std::string(what) + " needs a spawned actor (the main program is not one)");
    return id;
}

void Scheduler::requireHandler(const ActorRecord& a, int32_t message, const char* what, const char* handler) const
{
    if (message < 0 || handlerOf(a.type, uint32_t(message)) < 0 ||
        m_program->messages[size_t(message)].arity != 2)
        fail(std::string(what) + " needs a handler '" + handler + "' in " + actorLabel(a.id) + " to receive the " +
             (message == m_downMessage ? "notice" : "answer"));
}

void Scheduler::post(uint32_t from, uint32_t to, Value payload, Envelope::Kind kind, uint64_t ask)
{
    // Like enqueue(), but not on behalf of running code: the cost is
    // accounted (and returned on delivery) without a limit to fail on.
    ActorRecord& sender = *m_actors[from];
    if (from < m_heap.bytesByActor.size())
        m_heap.bytesByActor[from] += queuedCost(payload);
    m_queue.push(Envelope{m_now + 1, to, from, sender.nextSeq++, std::move(payload), m_currentSeq, ask, uint64_t(kind)});
}

std::optional<Value> Scheduler::notice(uint32_t owner, int32_t message, Value first, const std::string& text, bool error)
{
    // Made outside any handler: a failure (the receiver's memory limit) must
    // not escape. The notice is dropped with a warning instead.
    ChargeGuard charge(*this, owner);
    try {
        std::vector<Value> args;
        args.push_back(std::move(first));
        args.push_back(error ? makeResult(false, makeString(text)) : makeString(text));
        return makeMessage(uint32_t(message), std::move(args));
    } catch (const RuntimeError& e) {
        warn("a " + m_program->messages[size_t(message)].name + " notice for " + actorLabel(owner) +
             " was dropped: " + e.message);
        return std::nullopt;
    }
}

void Scheduler::failAsk(uint32_t from, uint32_t asker, uint64_t ask, const std::string& text)
{
    if (asker >= m_actors.size() || !m_actors[asker]->alive || m_answerMessage < 0)
        return;
    if (auto message = notice(asker, m_answerMessage, Value::integer(int64_t(ask)), text, true))
        post(from, asker, std::move(*message), Envelope::Kind::Answer, ask);
}

// --- builtins -------------------------------------------------------------------

void Scheduler::monitor(const Value& target)
{
    ActorRecord& me = currentActor();
    if (me.id == 0)
        fail("monitor() needs an actor to receive Down(ref, reason); the main program cannot monitor");
    requireHandler(me, m_downMessage, "monitor()", "on Down(ref, reason)");
    const uint32_t id = actorArgument(target, "monitor()");
    if (id == me.id)
        fail("an actor cannot monitor itself");
    ActorRecord& t = *m_actors[id];
    if (!t.alive) {
        // Erlang's answer: monitoring what is already gone tells so at once.
        Value down;
        {
            ChargeGuard charge(*this, me.id);
            std::vector<Value> args;
            args.push_back(Value::actor(id, uint32_t(t.type)));
            args.push_back(makeString("noproc"));
            down = makeMessage(uint32_t(m_downMessage), std::move(args));
        }
        post(id, me.id, std::move(down));
        return;
    }
    addOnce(ties(t).watchers, me.id);
}

void Scheduler::link(const Value& target)
{
    ActorRecord& me = currentActor();
    if (me.id == 0)
        fail("link() links two actors; the main program cannot be linked");
    const uint32_t id = actorArgument(target, "link()");
    if (id == me.id)
        fail("an actor cannot link to itself");
    ActorRecord& t = *m_actors[id];
    if (!t.alive)
        fail("link(): " + actorLabel(id) + " has already stopped (monitor() it to learn why)");
    addOnce(ties(me).links, id);
    addOnce(ties(t).links, me.id);
}

Value Scheduler::supervise(const Value& child, const Value* strategy, int64_t maxRestarts, int64_t window)
{
    ActorRecord& me = currentActor();
    if (me.id == 0)
        fail("supervise() makes the running actor a supervisor; the main program cannot supervise (spawn a "
             "supervisor actor)");
    const uint32_t id = actorArgument(child, "supervise()");
    if (id == me.id)
        fail("an actor cannot supervise itself");
    ActorRecord& c = *m_actors[id];
    if (!c.alive)
        fail("supervise(): " + actorLabel(id) + " has already stopped");
    ActorTies::Strategy s = ActorTies::Strategy::OneForOne;
    if (strategy) {
        if (strategy->type() != ValueType::String)
            fail("the strategy of supervise() is \"one_for_one\" or \"one_for_all\", found " + describeType(*strategy));
        const std::string name = toDisplay(*strategy, m_program.get());
        if (name == "one_for_all")
            s = ActorTies::Strategy::OneForAll;
        else if (name != "one_for_one")
            fail("unknown restart strategy '" + name + "': use \"one_for_one\" or \"one_for_all\"");
        if (maxRestarts < 0 || maxRestarts > int64_t(kMaxRestartsLimit))
            fail("the restart limit of supervise() must be between 0 and " + std::to_string(kMaxRestartsLimit) +
                 ", found " + std::to_string(maxRestarts));
        if (window < 1 || uint64_t(window) > kMaxDelay)
            fail("the window of supervise() must be between 1 and " + std::to_string(kMaxDelay) + " ticks, found " +
                 std::to_string(window));
    }
    const uint32_t current = c.ties ? c.ties->supervisor : kNoParent;
    if (current != kNoParent && current != me.id && m_actors[current]->alive)
        fail("supervise(): " + actorLabel(id) + " is already supervised by " + actorLabel(current));
    // No cycles: the child must not be above the supervisor in its chain.
    // (Bounded by the actor count, so even a damaged snapshot cannot loop.)
    size_t steps = 0;
    for (uint32_t up = me.ties ? me.ties->supervisor : kNoParent; up != kNoParent && up < m_actors.size() &&
                                                                  steps++ < m_actors.size();
         up = m_actors[up]->ties ? m_actors[up]->ties->supervisor : kNoParent)
        if (up == id)
            fail("supervise(): " + actorLabel(id) + " supervises " + actorLabel(me.id) +
                 " already (supervision cannot form a cycle)");
    ties(c).supervisor = me.id;
    ActorTies& mine = ties(me);
    addOnce(mine.children, id);
    if (strategy) {
        mine.strategy = s;
        mine.maxRestarts = uint32_t(maxRestarts);
        mine.window = uint64_t(window);
    }
    return child;
}

Value Scheduler::ask(const Value& target, const Value& message, int64_t timeout)
{
    ActorRecord& me = currentActor();
    if (me.id == 0)
        fail("ask() needs an actor to receive answer(id, result); the main program uses send() and recv()");
    requireHandler(me, m_answerMessage, "ask()", "on answer(id, result)");
    if (timeout < 1 || uint64_t(timeout) > kMaxDelay)
        fail("the timeout of ask() must be between 1 and " + std::to_string(kMaxDelay) + " ticks, found " +
             std::to_string(timeout));
    if (m_now + uint64_t(timeout) > kMaxTime)
        fail("logical time would pass its limit of " + std::to_string(kMaxTime) + " ticks");
    const uint32_t id = actorArgument(target, "ask()");
    if (message.type() != ValueType::Message)
        fail("the message argument must be a message such as Increment or Add(1), found " + describeType(message));
    ActorTies& mine = ties(me);
    const uint64_t ask = ++mine.lastAsk;
    Value copy = copyFor(id, message, true);
    enqueue(id, m_now + 1, std::move(copy), Envelope::Kind::Request, ask);
    Value timedOut;
    {
        ChargeGuard charge(*this, me.id);
        std::vector<Value> args;
        args.push_back(Value::integer(int64_t(ask)));
        args.push_back(makeResult(false, makeString("timeout")));
        timedOut = makeMessage(uint32_t(m_answerMessage), std::move(args));
    }
    enqueue(me.id, m_now + uint64_t(timeout), std::move(timedOut), Envelope::Kind::Timeout, ask);
    mine.asks[ask] = id;
    return Value::integer(int64_t(ask));
}

// --- crashes, restarts and ends ---------------------------------------------------

void Scheduler::afterCrash(ActorRecord& actor, const std::string& reason)
{
    if (!actor.alive)
        return;
    const std::string name = actorName(actor.id);
    // Links carry the crash, and end with it (in both directions).
    if (actor.ties) {
        const std::vector<uint32_t> links = std::move(actor.ties->links);
        actor.ties->links.clear();
        for (uint32_t l : links) {
            ActorRecord& other = *m_actors[l];
            if (other.ties)
                removeFrom(other.ties->links, actor.id);
            if (!other.alive)
                continue;
            const std::string why = "linked actor " + name + " crashed: " + reason;
            if (onStack(l) && m_ctx.back().actor != l) {
                // Its handler is running further up (it spawned the actor
                // that crashed): it crashes when that handler returns.
                if (ties(other).pendingCrash.empty())
                    other.ties->pendingCrash = why;
                continue;
            }
            crash(other, "runtime error: " + why, why);
        }
    }
    const uint32_t supId = actor.ties ? actor.ties->supervisor : kNoParent;
    if (supId == kNoParent || !m_actors[supId]->alive) {
        actorGone(actor, reason);
        return;
    }
    ActorRecord& sup = *m_actors[supId];
    ActorTies& st = ties(sup);
    // Restart intensity: at most maxRestarts within the last `window` ticks.
    std::erase_if(st.restarts, [&](uint64_t t) { return t + st.window <= m_now; });
    if (st.restarts.size() >= st.maxRestarts) {
        actorGone(actor, reason);
        const std::string why = "supervisor gave up: " + name + " crashed after " +
                                std::to_string(st.restarts.size()) + " restart" +
                                (st.restarts.size() == 1 ? "" : "s") + " within " + std::to_string(st.window) +
                                " ticks (" + reason + ")";
        crash(sup, "runtime error: " + why, why);
        return;
    }
    st.restarts.push_back(m_now);
    std::vector<uint32_t> group = {actor.id};
    if (st.strategy == ActorTies::Strategy::OneForAll)
        for (uint32_t c : st.children)
            if (c != actor.id && m_actors[c]->alive)
                group.push_back(c);
    emitText(Stream::Error, "restart: " + actorLabel(sup.id) + " restarts " + name +
                                (group.size() > 1 ? " and its " + std::to_string(group.size() - 1) + " sibling" +
                                                        (group.size() == 2 ? "" : "s")
                                                  : std::string()) +
                                " (" + strategyName(st.strategy) + ", restart " + std::to_string(st.restarts.size()) +
                                " of at most " + std::to_string(st.maxRestarts) + " within " +
                                std::to_string(st.window) + " ticks) (tick " + std::to_string(m_now) + ")\n");
    for (uint32_t c : group)
        if (m_actors[c]->alive)
            restart(*m_actors[c]);
}

void Scheduler::restart(ActorRecord& actor)
{
    const auto& at = m_program->actors[size_t(actor.type)];
    if (actor.ties) {
        ActorTies& t = *actor.ties;
        // A restarted supervisor starts without children: its old ones are
        // shut down (its initialiser may spawn and supervise new ones).
        const std::vector<uint32_t> children = std::move(t.children);
        t.children.clear();
        t.restarts.clear();
        t.strategy = ActorTies::Strategy::OneForOne;
        t.maxRestarts = 3;
        t.window = 100;
        for (uint32_t c : children) {
            ActorRecord& child = *m_actors[c];
            if (child.ties && child.ties->supervisor == actor.id)
                child.ties->supervisor = kNoParent;
            if (child.alive) {
                actorGone(child, "shutdown");
                if (m_options.observer)
                    m_options.observer->onStopped(m_currentSeq, c);
            }
        }
        // Asks of the old state are void: their answers become dead letters.
        t.asks.clear();
        t.pendingCrash.clear();
    }
    {
        ChargeGuard charge(*this, actor.id);
        actor.state.clear();
        actor.state.resize(at.stateFields.size());
    }
    actor.stopRequested = false;
    actor.hasRendered = false;
    actor.lastRender.clear();
    runInitialiser(actor);
    if (actor.alive && at.renderFunction >= 0)
        renderScreen(actor);
}

void Scheduler::actorGone(ActorRecord& actor, const std::string& reason)
{
    if (!actor.alive)
        return;
    retire(actor);
    if (!actor.ties)
        return;
    ActorTies& t = *actor.ties;
    t.asks.clear();
    t.pendingCrash.clear();
    // Links end silently unless a crash ends them (afterCrash).
    for (uint32_t l : t.links)
        if (m_actors[l]->ties)
            removeFrom(m_actors[l]->ties->links, actor.id);
    t.links.clear();
    if (t.supervisor != kNoParent && m_actors[t.supervisor]->ties)
        removeFrom(m_actors[t.supervisor]->ties->children, actor.id);
    t.supervisor = kNoParent;
    const std::vector<uint32_t> children = std::move(t.children);
    t.children.clear();
    for (uint32_t c : children) {
        ActorRecord& child = *m_actors[c];
        if (child.ties)
            child.ties->supervisor = kNoParent;
        if (child.alive) {
            actorGone(child, "shutdown");
            if (m_options.observer)
                m_options.observer->onStopped(m_currentSeq, c);
        }
    }
    const std::vector<uint32_t> watchers = std::move(t.watchers);
    t.watchers.clear();
    if (m_downMessage < 0)
        return;
    for (uint32_t w : watchers) {
        if (!m_actors[w]->alive)
            continue;
        if (auto down = notice(w, m_downMessage, Value::actor(actor.id, uint32_t(actor.type)), reason, false))
            post(actor.id, w, std::move(*down));
    }
}

void Scheduler::dropVoidTimeouts()
{
    while (!m_queue.empty()) {
        Envelope& top = m_queue.top();
        if (top.kind() != Envelope::Kind::Timeout)
            return;
        const ActorRecord& a = *m_actors[top.receiver];
        if (a.alive && a.ties && a.ties->asks.count(top.ask))
            return;
        if (top.sender < m_heap.bytesByActor.size())
            m_heap.bytesByActor[top.sender] -= queuedCost(top.payload);
        m_queue.pop();
    }
}

} // namespace aeroflow::engine
