#include "EngineLane.h"

#include "Print.h"
#include "Program.h"
#include "Recorder.h"
#include "TraceReader.h"

#include <algorithm>

namespace aeroflow::studio {

namespace {

engine::RunOptions withObserver(engine::RunOptions options, engine::RunObserver* observer)
{
    options.observer = observer;
    return options;
}

QString repr(const engine::Value& v, const compiler::Program* p)
{
    std::string s;
    engine::appendRepr(s, v, p);
    return QString::fromStdString(s);
}

/// A state field as the Actors dock shows it: a value of megabytes is cut
/// (its start and its size), or laying out the row holds the GUI thread.
QString shownField(const engine::Value& v, const compiler::Program* p)
{
    std::string s;
    engine::appendRepr(s, v, p);
    return QString::fromStdString(s.size() > kMaxShownFieldBytes ? debugger::clipText(s, kMaxShownFieldBytes) : s);
}

OutputKind kindOf(engine::Stream s)
{
    switch (s) {
    case engine::Stream::Output: return OutputKind::Output;
    case engine::Stream::Error: return OutputKind::Error;
    case engine::Stream::Warning: return OutputKind::Warning;
    }
    return OutputKind::Output;
}

} // namespace

EngineLane::EngineLane(std::shared_ptr<const compiler::Program> program, engine::RunOptions options, bool keepOutput)
    : m_program(program), m_options(withObserver(std::move(options), this)),
      m_sched(std::move(program), m_options, engine::OutputFn{}), m_keepOutput(keepOutput)
{
}

EngineLane::~EngineLane()
{
    // finish() releases every engine value under the run's own heap account.
    m_recorder = nullptr; // the recorder was finished (or dropped) by its owner
    if (m_started)
        m_sched.finish();
}

void EngineLane::start()
{
    if (m_started)
        return;
    m_started = true;
    m_sched.start();
    if (m_sched.over())
        m_failed = true; // start() only ends the run when the main program failed
}

bool EngineLane::step(const std::vector<Injection>& injections)
{
    applyDue(injections);
    const quint64 before = delivered();
    const bool more = m_sched.step();
    if (m_recorder && !m_recorder->failed())
        m_recorder->afterStep();
    if (!more && m_sched.over() && delivered() == before) {
        // Distinguish "idle" (nothing pending; a UI event may wake it) from a
        // failure: only a failed run reports an error line at this point.
        return false;
    }
    return delivered() > before;
}

void EngineLane::applyDue(const std::vector<Injection>& injections)
{
    start();
    while (m_nextInjection < injections.size() && injections[m_nextInjection].atDelivered <= delivered())
        inject(injections[m_nextInjection++]);
}

void EngineLane::runTo(quint64 target, const std::vector<Injection>& injections)
{
    start();
    while (delivered() < target && step(injections)) {
    }
}

bool EngineLane::inject(const Injection& injection)
{
    start();
    if (!injection.field.isEmpty())
        return m_sched.injectInput(injection.actor, injection.field.toStdString(),
                                   injection.args.value(0).toStdString());
    std::vector<engine::Value> args;
    for (const QString& a : injection.args)
        args.push_back(engine::makeString(a.toStdString()));
    const engine::Value message = engine::makeMessage(uint32_t(injection.message), std::move(args));
    return m_sched.injectMessage(injection.actor, message);
}

void EngineLane::setRecorder(debugger::Recorder* recorder)
{
    m_recorder = recorder;
    if (recorder)
        recorder->attach(m_sched);
}

engine::RunStats EngineLane::statsSoFar() const
{
    engine::RunStats stats;
    stats.exitCode = m_failed ? 1 : 0;
    stats.messagesDelivered = delivered();
    stats.finalTime = m_sched.now();
    return stats;
}

void EngineLane::onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent)
{
    if (m_recorder)
        m_recorder->onSpawn(seq, actor, type, parent);
}

void EngineLane::onEffect(uint64_t seq, std::string_view kind, std::string_view value)
{
    if (m_recorder)
        m_recorder->onEffect(seq, kind, value);
}

void EngineLane::onStopped(uint64_t seq, uint32_t actor)
{
    if (m_recorder)
        m_recorder->onStopped(seq, actor);
}

std::vector<OutputLine> EngineLane::takeNewOutput()
{
    std::vector<OutputLine> out(m_output.begin() + qsizetype(m_taken), m_output.end());
    m_taken = m_output.size();
    return out;
}

void EngineLane::onOutput(uint64_t seq, engine::Stream stream, std::string_view text)
{
    if (m_recorder)
        m_recorder->onOutput(seq, stream, text);
    if (m_keepOutput)
        m_output.push_back({seq, kindOf(stream), QString::fromUtf8(text.data(), qsizetype(text.size()))});
}

void EngineLane::onCrash(uint64_t seq, uint32_t actor, std::string_view error)
{
    if (m_recorder)
        m_recorder->onCrash(seq, actor, error);
    if (actor == 0)
        m_failed = true;
}

void EngineLane::onDelivered(const engine::DeliveryEvent& ev)
{
    if (m_recorder)
        m_recorder->onDelivered(ev);
    const compiler::Program& p = *m_program;
    DeliveryInfo d;
    d.seq = ev.seq;
    d.tick = ev.time;
    d.sender = ev.sender;
    d.receiver = ev.receiver;
    d.causeSeq = ev.causeSeq;
    d.senderName = ev.sender == engine::kOutsideSender ? QStringLiteral("outside (UI)")
                                                       : QString::fromStdString(m_sched.actorName(ev.sender));
    d.receiverName = QString::fromStdString(m_sched.actorName(ev.receiver));
    d.crashed = ev.outcome == engine::DeliveryEvent::Outcome::Crashed;
    if (ev.payload)
        d.message = QString::fromStdString(engine::toDisplay(*ev.payload, &p));
    if (ev.receiver == 0) {
        d.handlerFunction = int(p.mainFunction);
        d.handlerName = QStringLiteral("main (recv)");
    } else if (ev.payload && ev.payload->type() == engine::ValueType::Message) {
        const auto& msg = engine::asMessage(*ev.payload);
        const auto& rec = m_sched.actor(ev.receiver);
        if (rec.type >= 0)
            d.handlerFunction = p.actors[size_t(rec.type)].handlerFor(msg.message);
        for (const auto& a : msg.args)
            d.argValues << repr(a, &p);
    }
    if (d.handlerFunction >= 0) {
        const compiler::Function& f = p.functions[size_t(d.handlerFunction)];
        d.handlerName = QString::fromStdString(f.name);
        d.handlerLine = int(f.position.line);
        std::vector<const compiler::LocalVar*> params;
        for (const auto& l : f.locals)
            if (l.reg < f.arity && l.startPc == 0)
                params.push_back(&l);
        std::sort(params.begin(), params.end(), [](auto* a, auto* b) { return a->reg < b->reg; });
        for (auto* l : params)
            d.argNames << QString::fromStdString(l->name);
    }
    if (m_keepOutput)
        m_newDeliveries.push_back(d);
    m_last = std::move(d);
}

SessionSnapshot EngineLane::snapshot() const
{
    const compiler::Program& p = *m_program;
    SessionSnapshot s;
    s.delivered = delivered();
    s.tick = m_sched.now();
    s.over = m_sched.over();
    s.failed = m_failed;
    for (quint32 id = 0; id < quint32(m_sched.actorCount()); ++id) {
        const engine::ActorRecord& rec = m_sched.actor(id);
        ActorView v;
        v.id = id;
        v.name = QString::fromStdString(m_sched.actorName(id));
        v.alive = rec.alive;
        v.stateHash = m_sched.stateHash(id);
        if (id == 0) {
            const auto& globals = m_sched.globals();
            for (size_t i = 0; i < globals.size() && i < p.globals.size(); ++i)
                v.fields.push_back({QString::fromStdString(p.globals[i].name), shownField(globals[i], &p)});
        } else if (rec.type >= 0) {
            const compiler::ActorType& at = p.actors[size_t(rec.type)];
            v.isScreen = at.kind == compiler::ActorType::Kind::Screen;
            for (size_t i = 0; i < rec.state.size() && i < at.stateFields.size(); ++i)
                v.fields.push_back({QString::fromStdString(at.stateFields[i]), shownField(rec.state[i], &p)});
            v.lastRender = QString::fromStdString(rec.lastRender);
        }
        s.actors.push_back(std::move(v));
    }
    return s;
}

std::optional<QString> EngineLane::stateValue(quint32 actor, const QString& name) const
{
    if (name == QLatin1String("tick"))
        return QString::number(m_sched.now());
    if (actor >= m_sched.actorCount())
        return std::nullopt;
    const engine::ActorRecord& rec = m_sched.actor(actor);
    const compiler::Program& p = *m_program;
    const std::string key = name.toStdString();
    if (actor == 0) {
        for (size_t i = 0; i < p.globals.size() && i < m_sched.globals().size(); ++i)
            if (p.globals[i].name == key)
                return repr(m_sched.globals()[i], &p);
        return std::nullopt;
    }
    if (rec.type < 0)
        return std::nullopt;
    const auto& fields = p.actors[size_t(rec.type)].stateFields;
    for (size_t i = 0; i < fields.size() && i < rec.state.size(); ++i)
        if (fields[i] == key)
            return repr(rec.state[i], &p);
    return std::nullopt;
}

std::vector<std::pair<int, int>> EngineLane::functionLineRanges(const compiler::Program& program)
{
    std::vector<std::pair<int, int>> out;
    out.reserve(program.functions.size());
    for (const auto& f : program.functions) {
        int lo = int(f.position.line), hi = int(f.position.line);
        for (const auto& e : f.lines) {
            lo = std::min(lo, int(e.line));
            hi = std::max(hi, int(e.line));
        }
        out.emplace_back(lo, hi);
    }
    return out;
}

} // namespace aeroflow::studio
