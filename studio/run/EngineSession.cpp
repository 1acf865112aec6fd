#include "EngineSession.h"

#include "Program.h"
#include "Recorder.h"

#include <tuple>

namespace aeroflow::studio {

EngineSession::EngineSession(std::shared_ptr<const compiler::Program> program, engine::RunOptions options)
    : m_program(std::move(program)), m_options(std::move(options)),
      m_functionLines(EngineLane::functionLineRanges(*m_program))
{
    m_lane = makeLane(true);
}

EngineSession::~EngineSession()
{
    finishRecording();
}

QString EngineSession::startRecording(const QString& path, const QByteArray& source)
{
    finishRecording();
    auto rec = debugger::Recorder::create(path.toStdString(), m_program, source.toStdString(), m_options);
    if (!rec)
        return QString::fromStdString(rec.error());
    m_recorder = std::move(*rec);
    m_tracePath = path;
    m_lane->setRecorder(m_recorder.get());
    return {};
}

QString EngineSession::finishRecording()
{
    if (!m_recorder)
        return {};
    EngineLane* lane = recordedLane();
    const engine::RunStats stats = lane->statsSoFar();
    lane->setRecorder(nullptr);
    QString error;
    if (!m_recorder->finish(stats))
        error = QString::fromStdString(m_recorder->error());
    m_recorder.reset();
    m_frontier.reset();
    return error;
}

void EngineSession::checkRecorder()
{
    if (!m_recorder || !m_recorder->failed())
        return;
    m_recordingProblem = QStringLiteral("The recording stopped: %1").arg(QString::fromStdString(m_recorder->error()));
    recordedLane()->setRecorder(nullptr);
    m_recorder.reset(); // keeps what was written; meta.complete stays absent
    m_frontier.reset();
}

void EngineSession::followFrontier()
{
    if (!m_frontier)
        return;
    while (m_frontier->delivered() < m_lane->delivered() && m_frontier->step(m_injections)) {
    }
    m_frontier->takeNewDeliveries(); // nobody shows the frontier's rows
    m_frontier->takeNewOutput();
    checkRecorder();
}

std::unique_ptr<EngineLane> EngineSession::makeLane(bool keepOutput) const
{
    return std::make_unique<EngineLane>(m_program, m_options, keepOutput);
}

void EngineSession::setBreakpoints(const QVector<BreakpointSpec>& breakpoints)
{
    m_breakpoints.clear();
    for (const BreakpointSpec& b : breakpoints)
        m_breakpoints.push_back({b.line, BreakpointCondition::parse(b.condition)});
    m_collectForBreakpoints = !m_breakpoints.empty();
    m_aheadStopsSeq = 0; // collected without (or with other) breakpoints in mind
}

void EngineSession::start() { m_lane->start(); }

int EngineSession::breakpointHit(const DeliveryInfo& d, const EngineLane& before) const
{
    if (d.seq == 0 || d.handlerFunction < 0 || size_t(d.handlerFunction) >= m_functionLines.size())
        return 0;
    // The main program "handles" emitted values by resuming after recv();
    // a breakpoint in top-level code would hit on every one, so only
    // handlers count.
    if (d.receiver == 0)
        return 0;
    const auto [lo, hi] = m_functionLines[size_t(d.handlerFunction)];
    for (const CheckedBreakpoint& b : m_breakpoints) {
        if (b.line < lo || b.line > hi || !b.condition)
            continue;
        const bool holds = b.condition->evaluate([&](const QString& name) -> std::optional<QString> {
            const qsizetype arg = d.argNames.indexOf(name);
            if (arg >= 0 && arg < d.argValues.size())
                return d.argValues[arg];
            if (name == QLatin1String("seq"))
                return QString::number(d.seq);
            if (name == QLatin1String("tick"))
                return QString::number(d.tick);
            return before.stateValue(d.receiver, name);
        });
        if (holds)
            return b.line;
    }
    return 0;
}

int EngineSession::statementBreakpointHit(const DeliveryInfo& d)
{
    if (d.seq == 0 || m_breakpoints.empty())
        return 0;
    if (m_aheadStopsSeq != d.seq) {
        // The look-ahead ran before the breakpoints were set: collect now
        // (one re-execution; later deliveries are collected as they go).
        m_aheadStops = statementsOfNext();
        m_aheadStopsSeq = d.seq;
    }
    return statementBreakpointHit(d, m_aheadStops);
}

int EngineSession::statementBreakpointHit(const DeliveryInfo& d,
                                          const std::vector<debugger::StatementStop>& stops) const
{
    int lo = 0, hi = -1; // the handler's own lines are breakpointHit's
    if (d.receiver != 0 && d.handlerFunction >= 0 && size_t(d.handlerFunction) < m_functionLines.size())
        std::tie(lo, hi) = m_functionLines[size_t(d.handlerFunction)];
    for (const debugger::StatementStop& stop : stops) {
        const int line = int(stop.line);
        if (line >= lo && line <= hi)
            continue;
        for (const CheckedBreakpoint& b : m_breakpoints) {
            if (b.line != line || !b.condition)
                continue;
            const bool holds = b.condition->evaluate([&](const QString& name) -> std::optional<QString> {
                const std::string key = name.toStdString();
                for (const auto& [local, value] : stop.locals)
                    if (local == key)
                        return QString::fromStdString(value);
                for (const auto& [field, value] : stop.state)
                    if (field == key)
                        return QString::fromStdString(value);
                if (name == QLatin1String("seq"))
                    return QString::number(d.seq);
                if (name == QLatin1String("tick"))
                    return QString::number(d.tick);
                return std::nullopt;
            });
            if (holds)
                return b.line;
        }
    }
    return 0;
}

void EngineSession::ensureLookahead()
{
    const quint64 want = m_lane->delivered() + 1;
    if (m_ahead && m_ahead->delivered() == want)
        return;
    // A look-ahead that stalled (idle) may move on now that an event arrived.
    if (m_ahead && m_ahead->delivered() == m_lane->delivered() && stepAhead())
        return;
    m_ahead = makeLane(false);
    m_ahead->runTo(want - 1, m_injections);
    stepAhead();
}

bool EngineSession::stepAhead()
{
    if (!m_collectAhead && !m_collectForBreakpoints)
        return m_ahead->step(m_injections);
    debugger::StatementCollector collector(*m_program);
    m_ahead->setStatementObserver(&collector);
    const bool stepped = m_ahead->step(m_injections);
    m_ahead->setStatementObserver(nullptr);
    if (stepped) {
        m_aheadStops = std::move(collector.stops);
        m_aheadStopsSeq = m_ahead->delivered();
    }
    return stepped;
}

std::vector<debugger::StatementStop> EngineSession::statementsOfNext()
{
    const quint64 seq = m_lane->delivered() + 1;
    if (m_aheadStopsSeq == seq) {
        m_aheadStopsSeq = 0;
        return std::exchange(m_aheadStops, {});
    }
    // Re-execute to just before the delivery, then run it observed. The run
    // is deterministic and injections replay, so these are its statements.
    auto lane = makeLane(false);
    lane->runTo(seq - 1, m_injections);
    debugger::StatementCollector collector(*m_program);
    lane->setStatementObserver(&collector);
    const bool stepped = lane->step(m_injections) && lane->delivered() == seq;
    lane->setStatementObserver(nullptr);
    return stepped ? std::move(collector.stops) : std::vector<debugger::StatementStop>{};
}

void EngineSession::loadStatements()
{
    const quint64 seq = m_lane->delivered() + 1;
    if (m_cursor.holds(seq))
        return;
    if (next().seq != seq) { // nothing pending
        m_cursor.reset();
        return;
    }
    m_cursor.load(seq, statementsOfNext());
    if (m_hitLine > 0)
        m_cursor.toLine(m_hitLine);
}

bool EngineSession::insideDelivery() const
{
    return m_hitLine > 0 || (m_cursor.holds(m_lane->delivered() + 1) && m_cursor.index() > 0);
}

EngineSession::Result EngineSession::stepStatement(debugger::StepKind kind, bool forward)
{
    loadStatements();
    if (m_cursor.holds(m_lane->delivered() + 1) && m_cursor.step(kind, forward)) {
        m_hitLine = 0;
        return Result::Delivered;
    }
    if (forward) {
        m_collectAhead = true;
        const Result r = advance(false);
        m_collectAhead = false;
        loadStatements();
        return r;
    }
    if (m_lane->delivered() == 0)
        return Result::Idle; // the top-level code is not stepped back into
    rewindTo(m_lane->delivered() - 1);
    loadStatements();
    m_cursor.toLast(kind);
    return Result::Delivered;
}

DeliveryInfo EngineSession::next()
{
    ensureLookahead();
    if (m_ahead->delivered() != m_lane->delivered() + 1)
        return {};
    return m_ahead->last();
}

EngineSession::Result EngineSession::advance(bool checkBreakpoints)
{
    m_hitLine = 0;
    const bool check = checkBreakpoints && !m_breakpoints.empty();
    if (check || m_ahead) {
        const DeliveryInfo n = next();
        if (check && !m_skipOnce) {
            int line = breakpointHit(n, *m_lane);
            if (!line)
                line = statementBreakpointHit(n);
            if (line) {
                m_hitLine = line;
                return Result::BreakpointHit;
            }
        }
    }
    m_skipOnce = false;
    if (!m_lane->step(m_injections))
        return Result::Idle;
    if (m_frontier)
        followFrontier();
    else
        checkRecorder();
    if (m_ahead && m_ahead->delivered() == m_lane->delivered())
        stepAhead(); // stay one ahead (stalls when idle)
    return Result::Delivered;
}

EngineSession::Result EngineSession::stepInto()
{
    const DeliveryInfo target = next();
    Result r = advance(false);
    if (r != Result::Delivered)
        return r;
    // Messages sent while handling at tick t arrive at t+1 (timers later):
    // look that far for one the target caused.
    while (!interrupted()) {
        const DeliveryInfo n = next();
        if (n.seq == 0 || n.tick > target.tick + 1)
            break;
        if (n.causeSeq == target.seq)
            return Result::Delivered;
        if ((r = advance(false)) != Result::Delivered)
            break;
    }
    if (interrupted())
        return Result::Interrupted;
    rewindTo(target.seq); // it sent nothing soon: behave like step over
    return Result::Delivered;
}

EngineSession::Result EngineSession::stepOut()
{
    const DeliveryInfo current = next();
    if (current.seq == 0)
        return Result::Idle;
    Result r = advance(false);
    if (r != Result::Delivered || current.sender == engine::kOutsideSender)
        return r;
    while (!interrupted()) {
        const DeliveryInfo n = next();
        if (n.seq == 0)
            return Result::Idle;
        if (n.receiver == current.sender)
            return Result::Delivered;
        if ((r = advance(true)) != Result::Delivered)
            return r;
    }
    return Result::Interrupted;
}

void EngineSession::rewindTo(quint64 target)
{
    m_hitLine = 0;
    auto lane = makeLane(true);
    lane->runTo(target, m_injections);
    lane->takeNewOutput(); // views reset their output from output()
    // Views keep the rows they saw up to `target`; hand over only the ones
    // they never saw (a step that went forward, then settled back).
    m_pendingRows.clear();
    for (DeliveryInfo& d : lane->takeNewDeliveries())
        if (d.seq > m_reported)
            m_pendingRows.push_back(std::move(d));
    m_reported = std::min(m_reported, target);
    // The recorded run stays where it got to; the presented one re-executes.
    if (m_recorder && !m_frontier)
        m_frontier = std::move(m_lane);
    m_lane = std::move(lane);
    m_ahead.reset();
    m_rewound = true;
}

std::vector<DeliveryInfo> EngineSession::takeNewDeliveries()
{
    std::vector<DeliveryInfo> out = std::exchange(m_pendingRows, {});
    for (DeliveryInfo& d : m_lane->takeNewDeliveries())
        out.push_back(std::move(d));
    if (!out.empty())
        m_reported = std::max(m_reported, out.back().seq);
    return out;
}

bool EngineSession::stepBack()
{
    if (m_lane->delivered() == 0)
        return false;
    rewindTo(m_lane->delivered() - 1);
    return true;
}

bool EngineSession::reverseContinue()
{
    const quint64 current = m_lane->delivered();
    if (current == 0)
        return false;
    // Two scanning lanes, one delivery apart: `before` holds the state a
    // condition is evaluated in, `after` tells which delivery comes next.
    auto before = makeLane(false);
    auto after = makeLane(false);
    before->start();
    quint64 lastHit = 0;
    int lastLine = 0;
    while (after->delivered() < current && !interrupted()) {
        // Lines outside handlers need the delivery's statements (as forward).
        debugger::StatementCollector collector(*m_program);
        if (m_collectForBreakpoints)
            after->setStatementObserver(&collector);
        const bool stepped = after->step(m_injections);
        after->setStatementObserver(nullptr);
        if (!stepped)
            break;
        int line = breakpointHit(after->last(), *before);
        if (!line && m_collectForBreakpoints)
            line = statementBreakpointHit(after->last(), collector.stops);
        if (line) {
            lastHit = after->delivered();
            lastLine = line;
        }
        before->step(m_injections);
    }
    rewindTo(lastHit == 0 ? 0 : lastHit - 1);
    m_hitLine = lastLine;
    return true;
}

bool EngineSession::inject(quint32 actor, const QString& messageName, const QStringList& args)
{
    const int32_t message = m_program->findMessage(messageName.toStdString());
    if (message < 0 || actor == 0 || actor >= m_lane->actorCount())
        return false;
    addInjection({m_lane->delivered(), actor, message, args, {}});
    return true;
}

bool EngineSession::injectInput(quint32 actor, const QString& field, const QString& text)
{
    const int type = m_lane->actorType(actor);
    if (type < 0 || size_t(type) >= m_program->actors.size())
        return false;
    const auto& fields = m_program->actors[size_t(type)].stateFields;
    if (std::find(fields.begin(), fields.end(), field.toStdString()) == fields.end())
        return false;
    addInjection({m_lane->delivered(), actor, -1, {text}, field});
    // Applied now (not with the next delivery): the state shows it at once.
    m_lane->applyDue(m_injections);
    return true;
}

void EngineSession::addInjection(Injection injection)
{
    // A new event after going back starts a new future: forget the old one.
    // The recording holds the old future, so it ends where that one forked.
    if (m_frontier && m_frontier->delivered() > m_lane->delivered()) {
        const quint64 at = m_frontier->delivered();
        const QString error = finishRecording();
        m_recordingProblem = error.isEmpty()
            ? QStringLiteral("The recording ends at message %1: a UI event after going back started a different run").arg(at)
            : QStringLiteral("The recording failed: %1").arg(error);
    }
    m_injections.resize(m_lane->appliedInjections());
    m_injections.push_back(std::move(injection));
    m_ahead.reset();
    m_cursor.reset(); // the next delivery may differ now
    m_aheadStopsSeq = 0;
}

QString EngineSession::uiEventMessage(quint32 actor, const QString& key, int ordinal) const
{
    const int type = m_lane->actorType(actor);
    if (type < 0)
        return {};
    const std::string marker = "." + key.toStdString() + "@";
    std::vector<const compiler::Function*> events;
    for (const compiler::Function& f : m_program->functions)
        if (f.kind == compiler::FunctionKind::Event && f.actor == type && f.name.find(marker) != std::string::npos)
            events.push_back(&f);
    std::sort(events.begin(), events.end(), [](auto* a, auto* b) {
        return std::pair(a->position.line, a->position.col) < std::pair(b->position.line, b->position.col);
    });
    if (ordinal < 0 || size_t(ordinal) >= events.size())
        return {};
    const auto& code = events[size_t(ordinal)]->code;
    // `onClick: Clear` lowers to: MSG r, Clear, 0; RETURN r.
    if (code.size() >= 2 && code[0].op == compiler::Op::MSG && code[0].c == 0 && code[1].op == compiler::Op::RETURN
        && code[1].a == code[0].a && code[0].b < m_program->messages.size())
        return QString::fromStdString(m_program->messages[code[0].b].name);
    return {};
}

int EngineSession::executionLine()
{
    if (m_cursor.holds(m_lane->delivered() + 1) && !m_cursor.empty())
        return m_cursor.line();
    if (m_hitLine > 0)
        return m_hitLine;
    return next().handlerLine;
}

SessionSnapshot EngineSession::snapshot()
{
    SessionSnapshot s = m_lane->snapshot();
    if (m_ahead)
        s.next = next();
    if (m_cursor.holds(m_lane->delivered() + 1))
        m_cursor.applyTo(s);
    return s;
}

} // namespace aeroflow::studio
