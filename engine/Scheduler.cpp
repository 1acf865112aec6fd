#include "Scheduler.h"

#include <algorithm>

#include "Hash.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Vm.h"
#include "WorldBridge.h"

namespace aeroflow::engine {

/// Makes `actor` the running one (for state, self, random, emit and memory
/// accounting) until the guard goes out of scope.
class Scheduler::ContextGuard {
public:
    ContextGuard(Scheduler& s, uint32_t actor, std::optional<uint32_t> replyTo, uint64_t ask = 0) : m_s(s)
    {
        m_s.m_ctx.push_back({actor, replyTo, ask});
        m_s.m_heap.current = actor;
    }
    ~ContextGuard()
    {
        m_s.m_ctx.pop_back();
        m_s.m_heap.current = m_s.m_ctx.empty() ? 0 : m_s.m_ctx.back().actor;
    }

private:
    Scheduler& m_s;
};

void Scheduler::EventQueue::push(Envelope&& e)
{
    if (m_heap) {
        c.push_back(std::move(e));
        std::push_heap(c.begin(), c.end(), std::greater<Envelope>());
        return;
    }
    // Only a message for the batch's own tick (or earlier) could belong in
    // the batch; none arrives while it is delivered (sends stamp now + 1 or
    // later), but stay correct anyway: dissolve it and gather again.
    if (m_batch > 0 && e.time <= m_batchTime)
        m_batch = 0;
    c.push_back(std::move(e));
}

void Scheduler::EventQueue::gather()
{
    uint64_t t = UINT64_MAX;
    for (const Envelope& e : c)
        t = std::min(t, e.time);
    auto mid = std::partition(c.begin(), c.end(), [t](const Envelope& e) { return e.time == t; });
    // Senders handled in order usually push in key order already (a parent's
    // children have increasing ids): then reversing is enough.
    if (std::is_sorted(c.begin(), mid, [](const Envelope& a, const Envelope& b) { return b > a; }))
        std::reverse(c.begin(), mid);
    else if (!std::is_sorted(c.begin(), mid, std::greater<Envelope>()))
        std::sort(c.begin(), mid, std::greater<Envelope>());
    m_batch = size_t(mid - c.begin());
    m_batchTime = t;
    // Envelopes looked at without being delivered now: if that outgrows the
    // deliveries (plus slack), switch to the heap.
    m_scanned += c.size() - m_batch;
    if (m_scanned > 4 * m_popped + 65536) {
        m_heap = true;
        m_batch = 0;
        std::make_heap(c.begin(), c.end(), std::greater<Envelope>());
    }
}

Scheduler::Envelope& Scheduler::EventQueue::top()
{
    if (m_heap)
        return c.front();
    if (m_batch == 0)
        gather();
    return m_heap ? c.front() : c[m_batch - 1];
}

void Scheduler::EventQueue::pop()
{
    if (m_heap) {
        std::pop_heap(c.begin(), c.end(), std::greater<Envelope>());
        c.pop_back();
        return;
    }
    if (m_batch == 0)
        gather();
    if (m_heap) {
        pop();
        return;
    }
    ++m_popped;
    // The hole at m_batch - 1 becomes the first slot after the batch: fill it
    // with the last envelope (any order is fine there).
    const size_t hole = --m_batch;
    if (hole + 1 != c.size())
        c[hole] = std::move(c.back());
    c.pop_back();
}

void Scheduler::EventQueue::clear()
{
    c.clear();
    m_batch = 0;
}

Scheduler::Scheduler(std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output)
    : m_program(std::move(program)), m_options(std::move(options)), m_output(std::move(output))
{
    if (m_options.fuel == 0)
        m_options.fuel = 1;
    if (m_options.maxCallDepth == 0)
        m_options.maxCallDepth = 1;
    m_heap.limit = m_options.memoryLimit;
    m_vm = std::make_unique<Vm>(*this);
    m_world = std::make_unique<WorldBridge>(*this);
    auto main = std::make_unique<ActorRecord>();
    main->id = 0;
    main->type = -1;
    main->rng = Random(m_options.seed, 0);
    m_actors.push_back(std::move(main));
    m_heap.bytesByActor.assign(1, 0);
    m_globals.resize(m_program->globals.size());
    m_replyMessage = m_program->findMessage("reply");
    m_downMessage = m_program->findMessage("Down");
    m_answerMessage = m_program->findMessage("answer");
    const size_t types = m_program->actors.size(), messages = m_program->messages.size();
    if (types * messages <= (size_t(1) << 20)) {
        m_handlerTable.assign(types * messages, -1);
        for (size_t t = 0; t < types; ++t)
            for (size_t m = 0; m < messages; ++m)
                m_handlerTable[t * messages + m] = m_program->actors[t].handlerFor(uint32_t(m));
    }
}

int32_t Scheduler::handlerOf(int32_t actorType, uint32_t message) const
{
    const size_t messages = m_program->messages.size();
    if (!m_handlerTable.empty() && message < messages)
        return m_handlerTable[size_t(actorType) * messages + message];
    return m_program->actors[size_t(actorType)].handlerFor(message);
}

Scheduler::~Scheduler()
{
    // Free this run's values under its own account, never another run's.
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    m_queue.clear();
    m_mainInbox.clear();
    m_globals.clear();
    m_mainFiber.reset();
    m_world.reset();
    m_actors.clear();
    m_vm.reset();
    setCurrentHeapAccount(saved);
}

std::string Scheduler::actorName(uint32_t id) const
{
    if (id == 0)
        return "main";
    if (id >= m_actors.size())
        return "?";
    const auto& a = *m_actors[id];
    return m_program->actors[size_t(a.type)].name + "#" + std::to_string(id);
}

uint64_t Scheduler::stateHash(uint32_t id) const
{
    if (id == kOutsideSender || id >= m_actors.size())
        return 0;
    if (id == 0)
        return hashValues(m_globals, 0x6D61696E);
    const auto& a = *m_actors[id];
    return hashValues(a.state, a.alive ? 0xA11FE : 0xDEAD);
}

Value& Scheduler::global(uint32_t slot)
{
    if (slot >= m_globals.size())
        fail("global slot " + std::to_string(slot) + " out of range");
    return m_globals[slot];
}

std::string Scheduler::where(uint32_t function, uint32_t pc) const
{
    const auto& fn = m_program->functions[function];
    return m_program->where(fn.positionAt(pc));
}

std::string Scheduler::actorLabel(uint32_t id) const
{
    if (id == 0)
        return "main program";
    const auto& a = *m_actors[id];
    return "actor " + m_program->actors[size_t(a.type)].name + "#" + std::to_string(id);
}

void Scheduler::emitText(Stream stream, std::string_view text)
{
    if (m_output)
        m_output(stream, text);
    if (m_options.observer)
        m_options.observer->onOutput(m_currentSeq, stream, text);
}

void Scheduler::output(std::string text)
{
    emitText(Stream::Output, text);
}

void Scheduler::warn(std::string text, std::string_view kind)
{
    uint64_t& seen = m_warningCounts[std::string(kind.empty() ? std::string_view(text) : kind)];
    if (++seen > kWarningsShown) {
        ++m_warningsHeld;
        return;
    }
    emitText(Stream::Warning, "warning: " + text + " (tick " + std::to_string(m_now) + ")\n");
    if (seen == kWarningsShown)
        emitText(Stream::Warning, "warning: (the next warnings like the one above are counted, not shown)\n");
    m_stats.warnings.push_back(std::move(text));
}

void Scheduler::flushHeldWarnings()
{
    if (m_warningsHeld == 0)
        return;
    for (const auto& [kind, count] : m_warningCounts)
        if (count > kWarningsShown)
            emitText(Stream::Warning, "warning: ... and " + std::to_string(count - kWarningsShown) +
                                          " more warnings like: " + kind + "\n");
    m_warningsHeld = 0;
}

int64_t Scheduler::actorCost(const ActorRecord& a) const
{
    const size_t fields = a.type >= 0 ? m_program->actors[size_t(a.type)].stateFields.size() : 0;
    return int64_t(sizeof(ActorRecord) + sizeof(std::unique_ptr<ActorRecord>) + fields * sizeof(Value));
}

int64_t Scheduler::queuedCost(const Value& payload)
{
    // The envelope in the queue and the message object; what the arguments
    // hold is charged to the receiver (its copy).
    int64_t n = int64_t(sizeof(Envelope));
    if (payload.type() == ValueType::Message)
        n += int64_t(sizeof(MessageObj) + asMessage(payload).args.size() * sizeof(Value));
    return n;
}

void Scheduler::charge(uint32_t who, int64_t bytes, const char* what)
{
    if (who >= m_heap.bytesByActor.size())
        return;
    int64_t& account = m_heap.bytesByActor[who];
    if (bytes > 0 && account + bytes > m_heap.limit)
        fail("out of memory: the actor's memory limit of " + std::to_string(m_heap.limit) + " bytes is exceeded " +
                 what,
             ErrorKind::Memory);
    account += bytes;
}

void Scheduler::retire(ActorRecord& actor)
{
    if (!actor.alive)
        return;
    actor.alive = false;
    actor.state.clear();
    actor.state.shrink_to_fit();
    actor.lastRender.clear();
    actor.lastRender.shrink_to_fit();
    if (m_liveActors > 0)
        --m_liveActors;
    if (actor.parent != kNoParent && actor.parent < m_heap.bytesByActor.size())
        m_heap.bytesByActor[actor.parent] -= actorCost(actor);
}

void Scheduler::recordEffect(std::string kind, std::string value)
{
    if (m_options.observer)
        m_options.observer->onEffect(m_currentSeq, kind, value);
    m_stats.effects.emplace_back(std::move(kind), std::move(value));
}

std::optional<std::string> Scheduler::env(std::string_view name)
{
    std::optional<std::string> v = m_options.env ? m_options.env(name) : std::nullopt;
    recordEffect("env:" + std::string(name), v.value_or("<unset>"));
    return v;
}

std::optional<std::string> Scheduler::readLine()
{
    std::optional<std::string> v = m_options.readLine ? m_options.readLine() : std::nullopt;
    recordEffect("read_line", v.value_or("<eof>"));
    return v;
}

void Scheduler::recordWorldEffect(std::string_view kind, std::string_view value)
{
    if (m_options.observer)
        m_options.observer->onEffect(m_currentSeq, kind, value);
}

void Scheduler::reportWorldOutput(std::string_view bytes)
{
    if (m_options.observer)
        m_options.observer->onOutput(m_currentSeq, Stream::World, bytes);
}

void Scheduler::reportIdle()
{
    if (m_options.observer)
        m_options.observer->onIdle();
}

void Scheduler::noteServing()
{
    m_serving = true;
}

void Scheduler::enqueueOutside(uint32_t receiver, Value payload)
{
    if (m_options.observer)
        m_options.observer->onOutsideQueued(m_currentSeq, m_outsideSeq);
    m_queue.push(Envelope{m_now + 1, receiver, kOutsideSender, m_outsideSeq++, std::move(payload), 0});
}

namespace {

/// The runtime error of a message (or a reply) that holds a function.
[[noreturn]] void refuseFunction(const Value& v, const compiler::Program* program)
{
    std::string what = "this value";
    if (v.type() == ValueType::Message) {
        const uint32_t id = asMessage(v).message;
        what = "message '" + (program && id < program->messages.size() ? program->messages[id].name : std::string("?")) +
               "'";
    }
    fail(what + " holds a function: functions cannot cross actors, so messages cannot carry them");
}

} // namespace

Value Scheduler::copyFor(uint32_t owner, const Value& v, bool message)
{
    ChargeGuard guard(*this, owner);
    try {
        return deepCopy(v, message);
    } catch (HoldsFunction&) {
        refuseFunction(v, m_program.get());
    }
}

void Scheduler::injectOutside(const InputEvent& event)
{
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    try {
        m_world->inject(event);
    } catch (const RuntimeError& e) {
        // Inputs are built by the engine itself; a failure here (memory) is
        // reported like an engine warning and the input is dropped.
        warn("an input from outside was dropped: " + e.message);
    }
    setCurrentHeapAccount(saved);
    if (m_over && !m_failed && !m_world->halted())
        m_over = false; // a finished run wakes up for the input
}

std::string Scheduler::reopenWorld()
{
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    std::string error;
    try {
        error = m_world->reopen();
    } catch (const RuntimeError& e) {
        error = e.message;
    }
    setCurrentHeapAccount(saved);
    if (error.empty() && m_over && !m_failed && !m_queue.empty())
        m_over = false;
    return error;
}

bool Scheduler::takeMainInbox(Value& out)
{
    if (m_mainInbox.empty())
        return false;
    out = std::move(m_mainInbox.front());
    m_mainInbox.erase(m_mainInbox.begin());
    return true;
}

void Scheduler::enqueue(uint32_t receiver, uint64_t time, Value payload, Envelope::Kind kind, uint64_t ask)
{
    ActorRecord& sender = currentActor();
    // The sender pays for what it has queued until it is delivered, so a send
    // loop ends in the sender's memory error.
    charge(sender.id, queuedCost(payload), "(by the messages it has queued and not yet delivered)");
    m_queue.push(Envelope{time, receiver, sender.id, sender.nextSeq++, std::move(payload), m_currentSeq, ask, uint64_t(kind)});
}

Value Scheduler::spawn(uint32_t type)
{
    if (type >= m_program->actors.size())
        fail("unknown actor type " + std::to_string(type));
    const auto& at = m_program->actors[type];
    const uint32_t id = uint32_t(m_actors.size());
    if (m_liveActors >= m_options.maxActors)
        fail("actor limit reached: " + std::to_string(m_options.maxActors) +
             " actors are alive in this run (raise it with --max-actors)");
    if (id == UINT32_MAX - 1)
        fail("actor ids are exhausted (4294967294 actors spawned in this run)");
    const uint32_t parent = m_ctx.empty() ? 0 : m_ctx.back().actor;
    auto rec = std::make_unique<ActorRecord>();
    rec->id = id;
    rec->type = int32_t(type);
    rec->parent = parent;
    // The spawner pays for the record while the actor lives, so a spawn loop
    // ends in the spawner's memory error, not in the host running out.
    charge(parent, actorCost(*rec), "(by the actors it spawned)");
    ++m_liveActors;
    rec->rng = Random(m_options.seed, id);
    rec->state.resize(at.stateFields.size());
    m_actors.push_back(std::move(rec));
    m_heap.bytesByActor.resize(m_actors.size(), 0);
    ++m_stats.actorsSpawned;
    if (m_options.observer)
        m_options.observer->onSpawn(m_currentSeq, id, type, m_ctx.empty() ? 0 : m_ctx.back().actor);
    ActorRecord& actor = *m_actors[id];
    runInitialiser(actor);
    if (actor.alive && at.renderFunction >= 0)
        renderScreen(actor);
    return Value::actor(id, type);
}

void Scheduler::runInitialiser(ActorRecord& actor)
{
    ContextGuard guard(*this, actor.id, std::nullopt);
    try {
        m_vm->call(m_program->actors[size_t(actor.type)].initFunction, {});
    } catch (const VmError& e) {
        crash(actor, e.where + ": runtime error: " + e.message, e.message);
    }
}

void Scheduler::send(const Value& target, const Value& message, int64_t delay)
{
    if (target.type() != ValueType::Actor)
        fail("send() needs an actor reference, found " + std::string(valueTypeName(target.type())));
    if (message.type() != ValueType::Message)
        fail("the message argument must be a message such as Increment or Add(1), found " +
             std::string(valueTypeName(message.type())));
    if (delay < 0)
        fail("the delay of after() must not be negative, found " + std::to_string(delay));
    if (uint64_t(delay) > kMaxDelay)
        fail("the delay of after() must be at most " + std::to_string(kMaxDelay) + " ticks, found " +
             std::to_string(delay));
    if (m_now + uint64_t(delay == 0 ? 1 : delay) > kMaxTime)
        fail("logical time would pass its limit of " + std::to_string(kMaxTime) + " ticks");
    if (target.actorId() >= m_actors.size())
        fail("invalid actor reference");
    const uint64_t time = m_now + uint64_t(delay == 0 ? 1 : delay);
    Value copy;
    {
        // The receiver's copy is charged to the receiver (isolation).
        const uint32_t saved = m_heap.current;
        m_heap.current = target.actorId();
        try {
            copy = deepCopy(message, true);
        } catch (HoldsFunction&) {
            m_heap.current = saved;
            refuseFunction(message, m_program.get());
        } catch (...) {
            m_heap.current = saved;
            throw;
        }
        m_heap.current = saved;
    }
    enqueue(target.actorId(), time, std::move(copy));
}

void Scheduler::emit(const Value& value)
{
    Context& ctx = m_ctx.back();
    if (ctx.actor == 0)
        fail("emit() replies to the sender of the message being handled; the main program has no sender");
    if (!ctx.replyTo)
        fail("emit() needs a message being handled (there is none in a state initialiser or a render block)");
    const uint32_t to = *ctx.replyTo;
    const uint32_t saved = m_heap.current;
    m_heap.current = to;
    Value copy;
    try {
        copy = deepCopy(value, true);
    } catch (HoldsFunction&) {
        m_heap.current = saved;
        fail(std::string(value.type() == ValueType::Function ? "emit() of a function" : "emit() of a value that holds a function") +
             ": functions cannot cross actors, so replies cannot carry them");
    } catch (...) {
        m_heap.current = saved;
        throw;
    }
    m_heap.current = saved;
    if (to == 0) {
        enqueue(0, m_now + 1, std::move(copy));
        return;
    }
    if (ctx.ask != 0 && m_answerMessage >= 0) {
        // The first emit() of a request answers its ask (Supervision.cpp).
        const uint64_t id = ctx.ask;
        ctx.ask = 0;
        Value answer;
        {
            ChargeGuard charge(*this, to);
            std::vector<Value> args;
            args.push_back(Value::integer(int64_t(id)));
            args.push_back(makeResult(true, std::move(copy)));
            answer = makeMessage(uint32_t(m_answerMessage), std::move(args));
        }
        enqueue(to, m_now + 1, std::move(answer), Envelope::Kind::Answer, id);
        return;
    }
    const ActorRecord& target = *m_actors[to];
    const int32_t reply = m_replyMessage;
    if (reply < 0 || handlerOf(target.type, uint32_t(reply)) < 0) {
        warn("emit() from " + actorLabel(currentActor().id) + " to " + actorLabel(to) +
             ", which has no 'on reply' handler: value dropped",
             "an emitted value without an 'on reply' handler was dropped");
        return;
    }
    std::vector<Value> args;
    args.push_back(std::move(copy));
    enqueue(to, m_now + 1, makeMessage(uint32_t(reply), std::move(args)));
}

void Scheduler::stopCurrent()
{
    // The handler runs to its end; the actor is gone once it returns.
    currentActor().stopRequested = true;
}

void Scheduler::crash(ActorRecord& actor, const std::string& message, const std::string& reason)
{
    emitText(Stream::Error, message + " (" + actorLabel(actor.id) + ", tick " + std::to_string(m_now) + ")\n");
    if (m_options.observer)
        m_options.observer->onCrash(m_currentSeq, actor.id, message);
    ++m_stats.crashes;
    // One crash can cause others (links, a supervisor giving up): they are
    // handled one after another, in the order they happen, never nested.
    m_crashQueue.emplace_back(actor.id, reason);
    if (m_crashing)
        return;
    m_crashing = true;
    for (size_t i = 0; i < m_crashQueue.size(); ++i) {
        const auto [id, why] = m_crashQueue[i];
        afterCrash(*m_actors[id], why);
    }
    m_crashQueue.clear();
    m_crashing = false;
}

void Scheduler::renderScreen(ActorRecord& actor)
{
    const auto& at = m_program->actors[size_t(actor.type)];
    Value tree;
    {
        ContextGuard guard(*this, actor.id, std::nullopt);
        try {
            tree = m_vm->call(uint32_t(at.renderFunction), {});
        } catch (const VmError& e) {
            crash(actor, e.where + ": runtime error: " + e.message, e.message);
            return;
        }
    }
    std::string text = formatRenderBlock(tree, m_program.get());
    if (actor.hasRendered && text == actor.lastRender)
        return; // unchanged: nothing new to show
    actor.hasRendered = true;
    actor.lastRender = text;
    output(std::move(text));
}

bool Scheduler::runMain()
{
    ContextGuard guard(*this, 0, std::nullopt);
    m_mainFiber->fuel = m_options.fuel;
    try {
        if (m_vm->resume(*m_mainFiber) == Vm::Status::Finished)
            m_mainDone = true;
        return true;
    } catch (const VmError& e) {
        const std::string text = e.where + ": runtime error: " + e.message;
        emitText(Stream::Error, text + " (main program, tick " + std::to_string(m_now) + ")\n");
        if (m_options.observer)
            m_options.observer->onCrash(m_currentSeq, 0, text);
        m_failed = true;
        return false;
    }
}

void Scheduler::deliver(Envelope env)
{
    const uint64_t seq = ++m_stats.messagesDelivered;
    m_currentSeq = seq;
    if (m_options.recordDeliveries)
        m_stats.deliveries.push_back(
            {env.time, env.receiver, env.sender, env.seq, toDisplay(env.payload, m_program.get())});
    DeliveryEvent ev;
    ev.seq = seq;
    ev.time = env.time;
    ev.sender = env.sender;
    ev.receiver = env.receiver;
    ev.senderSeq = env.seq;
    ev.causeSeq = env.cause;
    ev.payload = &env.payload;
    auto report = [&](DeliveryEvent::Outcome outcome) {
        if (!m_options.observer)
            return;
        ev.outcome = outcome;
        ev.stateHash = stateHash(env.receiver);
        m_options.observer->onDelivered(ev);
    };
    if (env.receiver == 0) {
        if (env.sender == kOutsideSender && m_world->takeMainResult(env.payload)) {
            const bool ok = runMain();
            report(ok ? DeliveryEvent::Outcome::Handled : DeliveryEvent::Outcome::Crashed);
            return;
        }
        if (m_mainDone) {
            warn("a value emitted to the main program after it finished was dropped");
            report(DeliveryEvent::Outcome::Dropped);
            return;
        }
        m_mainInbox.push_back(env.payload);
        const bool ok = runMain();
        report(ok ? DeliveryEvent::Outcome::Handled : DeliveryEvent::Outcome::Crashed);
        return;
    }
    ActorRecord& actor = *m_actors[env.receiver];
    const auto& msg = asMessage(env.payload);
    ev.message = int32_t(msg.message);
    if (env.kind() == Envelope::Kind::Answer || env.kind() == Envelope::Kind::Timeout) {
        // An answer counts once: the first of the answer and the timeout
        // settles the ask (step() drops a void timeout before it gets here).
        const bool pending = actor.alive && actor.ties && actor.ties->asks.erase(env.ask) > 0;
        if (!pending && actor.alive) {
            warn("dead letter: the answer to ask " + std::to_string(env.ask) + " of " + actorLabel(actor.id) +
                     " came after its timeout (or its restart) and was dropped",
                 "a late answer to an ask was dropped (dead letters)");
            report(DeliveryEvent::Outcome::DeadLetter);
            return;
        }
    }
    if (!actor.alive) {
        // A dead letter: the mailbox of a stopped actor drains here, one
        // message at a time, each recorded; an ask learns it at once.
        warn("dead letter: message " + m_program->messages[msg.message].name + " to stopped " + actorLabel(actor.id) +
                 " dropped",
             "a message to a stopped actor was dropped (dead letters)");
        if (env.kind() == Envelope::Kind::Request)
            failAsk(actor.id, env.sender, env.ask, "stopped");
        report(DeliveryEvent::Outcome::DeadLetter);
        return;
    }
    const auto& at = m_program->actors[size_t(actor.type)];
    const int32_t handler = handlerOf(actor.type, msg.message);
    if (handler < 0) {
        warn(actorLabel(actor.id) + " has no handler for message " + m_program->messages[msg.message].name +
                 ": dropped",
             "a message without a handler was dropped");
        if (env.kind() == Envelope::Kind::Request)
            failAsk(actor.id, env.sender, env.ask, "not handled");
        report(DeliveryEvent::Outcome::Dropped);
        return;
    }
    const uint32_t crashesBefore = m_stats.crashes;
    {
        ContextGuard guard(*this, actor.id,
                           env.sender == kOutsideSender ? std::nullopt : std::optional<uint32_t>(env.sender),
                           env.kind() == Envelope::Kind::Request ? env.ask : 0);
        try {
            m_vm->call(uint32_t(handler), msg.args);
        } catch (const VmError& e) {
            m_world->actorCrashed(actor, msg.args);
            // A request whose handler crashed before answering fails its ask.
            const uint64_t unanswered = m_ctx.back().ask;
            crash(actor, e.where + ": runtime error: " + e.message, e.message);
            if (unanswered != 0)
                failAsk(actor.id, env.sender, unanswered, e.message);
        }
    }
    if (actor.alive && actor.ties && !actor.ties->pendingCrash.empty()) {
        const std::string why = std::move(actor.ties->pendingCrash);
        actor.ties->pendingCrash.clear();
        crash(actor, "runtime error: " + why, why);
    }
    if (m_stats.crashes != crashesBefore && !actor.alive)
        m_world->restartHandler(actor.id);
    if (actor.stopRequested && actor.alive) {
        actorGone(actor, "normal");
        if (m_options.observer)
            m_options.observer->onStopped(seq, actor.id);
    }
    if (actor.alive && at.renderFunction >= 0)
        renderScreen(actor);
    report(m_stats.crashes != crashesBefore ? DeliveryEvent::Outcome::Crashed : DeliveryEvent::Outcome::Handled);
}

void Scheduler::start()
{
    if (m_started)
        return;
    m_started = true;
    m_savedHeap = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    m_mainFiber = std::make_unique<Fiber>();
    m_now = 0;
    m_currentSeq = 0;
    m_vm->start(*m_mainFiber, m_program->mainFunction, {});
    runMain();
    setCurrentHeapAccount(m_savedHeap);
    if (m_failed)
        m_over = true;
}

std::optional<uint64_t> Scheduler::nextTime() const
{
    if (m_queue.empty())
        return std::nullopt;
    // top() may gather the next batch: a change of layout, not of content.
    return const_cast<EventQueue&>(m_queue).top().time;
}

bool Scheduler::step()
{
    if (!m_started)
        start();
    if (m_over)
        return false;
    if (!m_failed && m_world->attached()) {
        HeapAccount* saved = currentHeapAccount();
        setCurrentHeapAccount(&m_heap);
        m_world->pump();
        // Some inputs deliver nothing (a request finished on the wire, a
        // cancelled timer firing): keep waiting until one does.
        while (m_queue.empty() && !m_world->halted() && m_world->waitForInput()) {
        }
        setCurrentHeapAccount(saved);
    }
    if (!m_queue.empty() && m_queue.top().kind() == Envelope::Kind::Timeout) {
        HeapAccount* saved = currentHeapAccount();
        setCurrentHeapAccount(&m_heap);
        dropVoidTimeouts();
        setCurrentHeapAccount(saved);
    }
    if (m_failed || m_queue.empty() || m_world->halted()) {
        m_over = true;
        return false;
    }
    if (m_stats.messagesDelivered >= m_options.maxMessages && !(m_serving && m_options.servingLiftsMessageLimit)) {
        emitText(Stream::Error, "runtime error: message limit of " + std::to_string(m_options.maxMessages) +
                                    " deliveries reached at tick " + std::to_string(m_now) +
                                    " (raise it with --max-messages)\n");
        m_failed = true;
        m_over = true;
        return false;
    }
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    // Moved out before pop(): pop() only moves the (moved-from) top aside; its
    // key fields stay intact for the heap's comparisons.
    Envelope env = std::move(m_queue.top());
    m_queue.pop();
    if (env.sender != kOutsideSender && env.sender < m_heap.bytesByActor.size())
        m_heap.bytesByActor[env.sender] -= queuedCost(env.payload);
    m_now = env.time;
    deliver(std::move(env));
    if (m_world->unflushed())
        m_world->afterDelivery(m_queue.empty() || m_queue.top().time != m_now);
    setCurrentHeapAccount(saved);
    if (m_failed)
        m_over = true;
    return !m_over;
}

bool Scheduler::injectMessage(uint32_t actorId, const Value& message)
{
    if (actorId == 0 || actorId >= m_actors.size() || !m_actors[actorId]->alive ||
        message.type() != ValueType::Message)
        return false;
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    const uint32_t savedCurrent = m_heap.current;
    m_heap.current = actorId;
    Value copy = deepCopy(message);
    m_heap.current = savedCurrent;
    recordEffect("ui_event", std::to_string(actorId) + " " + toDisplay(message, m_program.get()));
    if (m_options.observer)
        m_options.observer->onOutsideQueued(m_currentSeq, m_outsideSeq);
    m_queue.push(Envelope{m_now + 1, actorId, kOutsideSender, m_outsideSeq++, std::move(copy), 0});
    setCurrentHeapAccount(saved);
    if (m_over && !m_failed)
        m_over = false; // a finished run wakes up for the event
    return true;
}

bool Scheduler::injectInput(uint32_t actorId, const std::string& field, const std::string& text)
{
    if (actorId == 0 || actorId >= m_actors.size() || !m_actors[actorId]->alive)
        return false;
    ActorRecord& a = *m_actors[actorId];
    if (a.type < 0 || size_t(a.type) >= m_program->actors.size())
        return false;
    const auto& names = m_program->actors[size_t(a.type)].stateFields;
    const auto it = std::find(names.begin(), names.end(), field);
    const size_t index = size_t(it - names.begin());
    if (it == names.end() || index >= a.state.size())
        return false;
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    const uint32_t savedCurrent = m_heap.current;
    m_heap.current = actorId; // the new string lives in the actor's arena
    a.state[index] = makeString(text);
    m_heap.current = savedCurrent;
    setCurrentHeapAccount(saved);
    recordEffect("ui_input", std::to_string(actorId) + " " + field + " " + text);
    return true;
}

RunStats Scheduler::finish()
{
    if (!m_started)
        start();
    HeapAccount* saved = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    if (!m_failed && m_queue.empty() && !m_mainDone && !m_world->halted()) {
        const std::string text = m_vm->where(*m_mainFiber) + ": runtime error: " +
                                 (m_world->mainWaiting()
                                      ? "the main program waited for an HTTP call that never answered"
                                      : "deadlock: recv() with no message pending");
        emitText(Stream::Error, text + " (main program, tick " + std::to_string(m_now) + ")\n");
        if (m_options.observer)
            m_options.observer->onCrash(m_currentSeq, 0, text);
        m_failed = true;
    }
    flushHeldWarnings();
    m_over = true;
    m_stats.exitCode = m_failed ? 1 : 0;
    m_stats.finalTime = m_now;
    m_world->finish();
    // Release every value while this run's account is installed.
    m_queue.clear();
    m_mainInbox.clear();
    m_globals.clear();
    m_mainFiber.reset();
    for (auto& a : m_actors)
        a->state.clear();
    setCurrentHeapAccount(saved);
    return std::move(m_stats);
}

RunStats Scheduler::run()
{
    start();
    while (step()) {
    }
    return finish();
}

RunStats runProgram(std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output)
{
    Scheduler s(std::move(program), std::move(options), std::move(output));
    return s.run();
}

} // namespace aeroflow::engine
