#include "Scheduler.h"

#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Vm.h"

namespace aeroflow::engine {

/// Makes `actor` the running one (for state, self, random, emit and memory
/// accounting) until the guard goes out of scope.
class Scheduler::ContextGuard {
public:
    ContextGuard(Scheduler& s, uint32_t actor, std::optional<uint32_t> replyTo) : m_s(s)
    {
        m_s.m_ctx.push_back({actor, replyTo});
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

bool Scheduler::Envelope::operator>(const Envelope& o) const
{
    if (time != o.time)
        return time > o.time;
    if (receiver != o.receiver)
        return receiver > o.receiver;
    if (sender != o.sender)
        return sender > o.sender;
    return seq > o.seq;
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
    auto main = std::make_unique<ActorRecord>();
    main->id = 0;
    main->type = -1;
    main->rng = Random(m_options.seed, 0);
    m_actors.push_back(std::move(main));
    m_heap.bytesByActor.assign(1, 0);
    m_globals.resize(m_program->globals.size());
}

Scheduler::~Scheduler() = default;

Value& Scheduler::global(uint32_t slot)
{
    if (slot >= m_globals.size())
        fail("global slot " + std::to_string(slot) + " out of range");
    return m_globals[slot];
}

std::string Scheduler::where(uint32_t function, uint32_t pc) const
{
    const auto& fn = m_program->functions[function];
    const auto pos = fn.positionAt(pc);
    return m_program->sourceName + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
}

std::string Scheduler::actorLabel(uint32_t id) const
{
    if (id == 0)
        return "main program";
    const auto& a = *m_actors[id];
    return "actor " + m_program->actors[size_t(a.type)].name + "#" + std::to_string(id);
}

void Scheduler::output(std::string text)
{
    if (m_output)
        m_output(Stream::Output, text);
}

void Scheduler::warn(std::string text)
{
    if (m_output)
        m_output(Stream::Warning, "warning: " + text + " (tick " + std::to_string(m_now) + ")\n");
    m_stats.warnings.push_back(std::move(text));
}

std::optional<std::string> Scheduler::env(std::string_view name)
{
    std::optional<std::string> v = m_options.env ? m_options.env(name) : std::nullopt;
    m_stats.effects.emplace_back("env:" + std::string(name), v.value_or("<unset>"));
    return v;
}

std::optional<std::string> Scheduler::readLine()
{
    std::optional<std::string> v = m_options.readLine ? m_options.readLine() : std::nullopt;
    m_stats.effects.emplace_back("read_line", v.value_or("<eof>"));
    return v;
}

bool Scheduler::takeMainInbox(Value& out)
{
    if (m_mainInbox.empty())
        return false;
    out = std::move(m_mainInbox.front());
    m_mainInbox.erase(m_mainInbox.begin());
    return true;
}

void Scheduler::enqueue(uint32_t receiver, uint64_t time, Value payload)
{
    ActorRecord& sender = currentActor();
    m_queue.push(Envelope{time, receiver, sender.id, sender.nextSeq++, std::move(payload)});
}

Value Scheduler::spawn(uint32_t type)
{
    if (type >= m_program->actors.size())
        fail("unknown actor type " + std::to_string(type));
    const auto& at = m_program->actors[type];
    const uint32_t id = uint32_t(m_actors.size());
    auto rec = std::make_unique<ActorRecord>();
    rec->id = id;
    rec->type = int32_t(type);
    rec->rng = Random(m_options.seed, id);
    rec->state.resize(at.stateFields.size());
    m_actors.push_back(std::move(rec));
    m_heap.bytesByActor.resize(m_actors.size(), 0);
    ++m_stats.actorsSpawned;
    ActorRecord& actor = *m_actors[id];
    {
        ContextGuard guard(*this, id, std::nullopt);
        try {
            m_vm->call(at.initFunction, {});
        } catch (const VmError& e) {
            crash(actor, e.where + ": runtime error: " + e.message);
        }
    }
    if (actor.alive && at.renderFunction >= 0)
        renderScreen(actor);
    return Value::actor(id, type);
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
    if (target.actorId() >= m_actors.size())
        fail("invalid actor reference");
    const uint64_t time = m_now + uint64_t(delay == 0 ? 1 : delay);
    Value copy;
    {
        // The receiver's copy is charged to the receiver (isolation).
        const uint32_t saved = m_heap.current;
        m_heap.current = target.actorId();
        try {
            copy = deepCopy(message);
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
    const Context& ctx = m_ctx.back();
    if (ctx.actor == 0)
        fail("emit() replies to the sender of the message being handled; the main program has no sender");
    if (!ctx.replyTo)
        fail("emit() needs a message being handled (there is none in a state initialiser or a render block)");
    const uint32_t to = *ctx.replyTo;
    const uint32_t saved = m_heap.current;
    m_heap.current = to;
    Value copy;
    try {
        copy = deepCopy(value);
    } catch (...) {
        m_heap.current = saved;
        throw;
    }
    m_heap.current = saved;
    if (to == 0) {
        enqueue(0, m_now + 1, std::move(copy));
        return;
    }
    const ActorRecord& target = *m_actors[to];
    const int32_t reply = m_program->findMessage("reply");
    if (reply < 0 || m_program->actors[size_t(target.type)].handlerFor(uint32_t(reply)) < 0) {
        warn("emit() from " + actorLabel(currentActor().id) + " to " + actorLabel(to) +
             ", which has no 'on reply' handler: value dropped");
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

void Scheduler::crash(ActorRecord& actor, const std::string& message)
{
    if (m_output)
        m_output(Stream::Error, message + " (" + actorLabel(actor.id) + ", tick " + std::to_string(m_now) + ")\n");
    actor.alive = false;
    actor.state.clear();
    ++m_stats.crashes;
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
            crash(actor, e.where + ": runtime error: " + e.message);
            return;
        }
    }
    std::string text = isUiTree(tree) ? formatUiTree(tree, m_program.get()) : toDisplay(tree, m_program.get()) + "\n";
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
        if (m_output)
            m_output(Stream::Error, e.where + ": runtime error: " + e.message + " (main program, tick " +
                                        std::to_string(m_now) + ")\n");
        m_failed = true;
        return false;
    }
}

void Scheduler::deliver(Envelope env)
{
    ++m_stats.messagesDelivered;
    if (m_options.recordDeliveries)
        m_stats.deliveries.push_back(
            {env.time, env.receiver, env.sender, env.seq, toDisplay(env.payload, m_program.get())});
    if (env.receiver == 0) {
        if (m_mainDone) {
            warn("a value emitted to the main program after it finished was dropped");
            return;
        }
        m_mainInbox.push_back(std::move(env.payload));
        runMain();
        return;
    }
    ActorRecord& actor = *m_actors[env.receiver];
    const auto& msg = asMessage(env.payload);
    if (!actor.alive) {
        warn("message " + m_program->messages[msg.message].name + " to stopped " + actorLabel(actor.id) + " dropped");
        return;
    }
    const auto& at = m_program->actors[size_t(actor.type)];
    const int32_t handler = at.handlerFor(msg.message);
    if (handler < 0) {
        warn(actorLabel(actor.id) + " has no handler for message " + m_program->messages[msg.message].name +
             ": dropped");
        return;
    }
    {
        ContextGuard guard(*this, actor.id, env.sender);
        try {
            m_vm->call(uint32_t(handler), msg.args);
        } catch (const VmError& e) {
            crash(actor, e.where + ": runtime error: " + e.message);
        }
    }
    if (actor.stopRequested && actor.alive) {
        actor.alive = false;
        actor.state.clear();
    }
    if (actor.alive && at.renderFunction >= 0)
        renderScreen(actor);
}

RunStats Scheduler::run()
{
    m_savedHeap = currentHeapAccount();
    setCurrentHeapAccount(&m_heap);
    m_mainFiber = std::make_unique<Fiber>();
    m_now = 0;
    m_vm->start(*m_mainFiber, m_program->mainFunction, {});
    runMain();
    while (!m_failed) {
        if (m_queue.empty()) {
            if (!m_mainDone) {
                if (m_output)
                    m_output(Stream::Error, m_vm->where(*m_mainFiber) +
                                                ": runtime error: deadlock: recv() with no message pending "
                                                "(main program, tick " + std::to_string(m_now) + ")\n");
                m_failed = true;
            }
            break;
        }
        if (m_stats.messagesDelivered >= m_options.maxMessages) {
            if (m_output)
                m_output(Stream::Error, "runtime error: message limit of " + std::to_string(m_options.maxMessages) +
                                            " deliveries reached at tick " + std::to_string(m_now) +
                                            " (raise it with --max-messages)\n");
            m_failed = true;
            break;
        }
        Envelope env = m_queue.top();
        m_queue.pop();
        m_now = env.time;
        deliver(std::move(env));
    }
    m_stats.exitCode = m_failed ? 1 : 0;
    m_stats.finalTime = m_now;
    // Release every value while this run's account is installed.
    while (!m_queue.empty())
        m_queue.pop();
    m_mainInbox.clear();
    m_globals.clear();
    m_mainFiber.reset();
    for (auto& a : m_actors)
        a->state.clear();
    setCurrentHeapAccount(m_savedHeap);
    return std::move(m_stats);
}

RunStats runProgram(std::shared_ptr<const compiler::Program> program, RunOptions options, OutputFn output)
{
    Scheduler s(std::move(program), std::move(options), std::move(output));
    return s.run();
}

} // namespace aeroflow::engine
