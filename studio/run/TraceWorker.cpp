#include "TraceWorker.h"

#include "Payload.h"
#include "Program.h"
#include "TimeTravel.h"
#include "TraceReader.h"
#include "TraceSchema.h"
#include "BreakpointCondition.h"
#include "editor/EditorText.h"

#include <QFileInfo>

namespace aeroflow::studio {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }

OutputKind kindOf(uint8_t stream)
{
    switch (debugger::TraceStream(stream)) {
    case debugger::TraceStream::Error: return OutputKind::Error;
    case debugger::TraceStream::Warning: return OutputKind::Warning;
    default: return OutputKind::Output;
    }
}
} // namespace

TraceWorker::TraceWorker() = default;
TraceWorker::~TraceWorker() = default;

void TraceWorker::close()
{
    m_cursor.reset();
    m_hitLine = 0;
    m_tt.reset();
    m_actors.clear();
    m_end = 0;
}

void TraceWorker::open(const QString& path)
{
    close();
    auto tt = debugger::TimeTravel::open(path.toStdString());
    if (!tt) {
        Q_EMIT openFailed(path, qs(tt.error()));
        return;
    }
    // Sized by the trace's own counts: the actors with valid ids, the
    // deliveries up to the checked extent (a forged last seq is not a count).
    auto extent = (*tt)->trace().extent();
    if (!extent) {
        Q_EMIT openFailed(path, qs(extent.error()));
        return;
    }
    auto actors = (*tt)->trace().viewActors();
    auto source = (*tt)->trace().sourceFiles();
    if (!actors || !source) {
        Q_EMIT openFailed(path, qs(!actors ? actors.error() : source.error()));
        return;
    }
    m_tt = std::move(*tt);
    m_actors = std::move(actors->actors);
    m_end = std::min<quint64>(extent->messages, m_tt->end());
    const debugger::TraceInfo& info = m_tt->trace().info();
    TraceSummary s;
    s.path = path;
    s.fileName = QFileInfo(path).fileName();
    s.sourceName = QFileInfo(qs(info.sourceName)).fileName();
    // Cut here, on the trace thread: a source of megabytes on one line
    // would hold the GUI thread for a minute (EditorText).
    // A program of several files: each file is shown on its own (the entry
    // file first); positions come as (file, line) (report()).
    for (const auto& [name, text] : *source) {
        EditorText shown = editorTextOf(qs(text));
        if (s.fileNames.isEmpty()) {
            s.source = shown.text;
            s.sourceNotice = shown.notice;
        }
        s.fileNames << qs(name);
        s.fileTexts << std::move(shown.text);
    }
    s.messages = m_end;
    s.finalTick = extent->finalTick;
    s.complete = info.complete;
    s.exitCode = info.exitCode.value_or(0);
    s.damage = qs(!extent->damage.empty() ? extent->damage : actors->damage);
    s.description = tr("%1: %2 recorded, %3 messages, %4 ticks, %5 actors%6")
                        .arg(s.fileName, s.sourceName)
                        .arg(s.messages)
                        .arg(s.finalTick)
                        .arg(m_actors.size())
                        .arg(info.complete ? tr(", exit status %1").arg(s.exitCode) : tr(", incomplete (the run did not finish)"));
    Q_EMIT opened(s);
    loadOutput(path);
    // Start at the end of the recorded run: its final state and output.
    if (auto r = m_tt->seek(m_end); !r) {
        Q_EMIT failed(tr("Cannot rebuild the recorded state: %1").arg(qs(r.error())));
        Q_EMIT positioned(SessionSnapshot{}, 0);
        return;
    }
    report();
}

void TraceWorker::loadOutput(const QString& path)
{
    // The last lines, bounded however much was printed: a 20 MB line or a
    // million lines cost Output what a screenful does.
    auto tail = m_tt->trace().outputTail(kMaxOutputLines, kMaxOutputLineBytes, kMaxOutputBytes);
    if (!tail) {
        Q_EMIT failed(qs(tail.error()));
        return;
    }
    const QString file = QFileInfo(path).fileName();
    QVector<OutputLine> lines;
    lines.reserve(qsizetype(tail->lines.size()));
    for (const debugger::TraceOutputLine& l : tail->lines) {
        QString text = qs(l.text);
        if (l.text.size() < l.bytes)
            text += tr("… (%1 bytes in all; the whole line: aeroflow query %2 \"SELECT text FROM outputs WHERE "
                       "rowid = %3\")\n")
                        .arg(l.bytes)
                        .arg(file)
                        .arg(l.row);
        lines.push_back({qMin<quint64>(l.seq, m_end), kindOf(l.stream), text});
    }
    Q_EMIT outputLoaded(lines, tail->leftOut);
}

QString TraceWorker::actorName(int64_t id) const
{
    if (id == debugger::kTraceOutsideSender)
        return tr("outside (UI)");
    for (const auto& a : m_actors)
        if (int64_t(a.id) == id)
            return qs(a.name);
    return QStringLiteral("#%1").arg(id);
}

DeliveryInfo TraceWorker::toDelivery(const debugger::TraceMessage& m) const
{
    const compiler::Program& p = m_tt->program();
    DeliveryInfo d;
    d.seq = m.seq;
    d.tick = m.tick;
    d.sender = m.sender < 0 ? engine::kOutsideSender : quint32(m.sender);
    d.receiver = m.receiver;
    d.causeSeq = m.causeSeq;
    d.senderName = actorName(m.sender);
    d.receiverName = actorName(m.receiver);
    d.crashed = m.outcome == uint8_t(debugger::TraceOutcome::Crashed);
    if (auto v = debugger::decodeRowPayload(m.handler, m.payload))
        d.message = qs(debugger::clipText(debugger::formatPayload(*v, m_tt->trace().names()), kMaxShownFieldBytes));
    else
        d.message = tr("(unreadable payload: %1)").arg(qs(v.error()));
    if (m.receiver == 0) {
        d.handlerFunction = int(p.mainFunction);
    } else if (m.handler) {
        for (const auto& a : m_actors)
            if (a.id == m.receiver && a.type >= 0 && size_t(a.type) < p.actors.size())
                d.handlerFunction = p.actors[size_t(a.type)].handlerFor(uint32_t(*m.handler));
    }
    if (d.handlerFunction >= 0 && size_t(d.handlerFunction) < p.functions.size()) {
        const compiler::Function& f = p.functions[size_t(d.handlerFunction)];
        d.handlerName = m.receiver == 0 ? tr("main (recv)") : qs(f.name);
        d.handlerLine = int(f.position.line);
    }
    return d;
}

void TraceWorker::fetchMessages(quint64 first, int count)
{
    if (!m_tt)
        return;
    const quint64 end = m_end;
    if (first == 0)
        first = 1;
    if (first > end || count <= 0) {
        Q_EMIT messagesFetched(first, {}, false);
        return;
    }
    const quint64 last = std::min<quint64>(end, first + quint64(count) - 1);
    auto rows = m_tt->trace().messages(first, last, size_t(count));
    if (!rows) {
        Q_EMIT failed(qs(rows.error()));
        Q_EMIT messagesFetched(first, {}, false);
        return;
    }
    QVector<DeliveryInfo> out;
    out.reserve(qsizetype(rows->size()));
    for (const auto& m : *rows)
        out.push_back(toDelivery(m));
    Q_EMIT messagesFetched(first, out, last < end);
}

void TraceWorker::loadStatements(quint64 seq)
{
    auto h = m_tt->statementsOf(seq);
    if (h)
        m_cursor.load(seq, std::move(h->stops));
    else {
        m_cursor.load(seq, {});
        Q_EMIT failed(qs(h.error()));
    }
    if (auto r = m_tt->seek(seq - 1); !r)
        Q_EMIT failed(qs(r.error()));
}

void TraceWorker::report()
{
    if (m_tt->position() < m_end && !m_cursor.holds(m_tt->position() + 1)) {
        loadStatements(m_tt->position() + 1);
        if (m_hitLine > 0)
            m_cursor.toLine(m_hitLine);
    }
    m_hitLine = 0;
    const compiler::Program& p = m_tt->program();
    const engine::Scheduler& sched = m_tt->scheduler();
    SessionSnapshot s;
    s.delivered = m_tt->position();
    if (auto t = m_tt->trace().tickOf(s.delivered))
        s.tick = *t;
    s.over = s.delivered >= m_end;
    for (const auto& a : m_actors) {
        const debugger::ActorState st = m_tt->state(a.id);
        if (!st.exists)
            continue;
        ActorView v;
        v.id = a.id;
        v.name = qs(st.name.empty() ? a.name : st.name);
        v.alive = st.alive;
        v.stateHash = st.hash;
        for (const auto& [field, value] : st.fields)
            v.fields.push_back({qs(field), qs(debugger::clipText(value, kMaxShownFieldBytes))});
        if (a.type >= 0 && size_t(a.type) < p.actors.size())
            v.isScreen = p.actors[size_t(a.type)].kind == compiler::ActorType::Kind::Screen;
        if (a.id < sched.actorCount())
            v.lastRender = qs(sched.actor(a.id).lastRender);
        s.actors.push_back(std::move(v));
    }
    int line = 0;
    if (!s.over) {
        if (auto next = m_tt->trace().message(s.delivered + 1); next && *next) {
            s.next = toDelivery(**next);
            line = s.next.handlerLine;
        }
        if (m_cursor.holds(s.delivered + 1)) {
            m_cursor.applyTo(s);
            if (s.statement.valid)
                line = s.statement.line;
        }
    }
    if (line > 0) {
        // Lines count in the program's combined text; show them in their file.
        const compiler::SourcePlace place = m_tt->program().locate(uint32_t(line));
        s.sourceFile = int(place.fileIndex);
        line = int(place.line);
    }
    Q_EMIT positioned(s, line);
}

void TraceWorker::seek(quint64 seq)
{
    if (!m_tt)
        return;
    if (auto r = m_tt->seek(std::min<quint64>(seq, m_end)); !r)
        Q_EMIT failed(qs(r.error()));
    m_cursor.reset(); // message granularity: before the delivery as a whole
    report();
}

void TraceWorker::stepForward()
{
    if (!m_tt)
        return;
    if (m_tt->position() < m_end)
        if (auto r = m_tt->stepForward(); !r)
            Q_EMIT failed(qs(r.error()));
    m_cursor.reset(); // message granularity: before the delivery as a whole
    report();
}

void TraceWorker::stepBack()
{
    if (!m_tt)
        return;
    if (m_tt->position() > 0)
        if (auto r = m_tt->stepBack(); !r)
            Q_EMIT failed(qs(r.error()));
    m_cursor.reset(); // message granularity: before the delivery as a whole
    report();
}

} // namespace aeroflow::studio

namespace aeroflow::studio {

void TraceWorker::stepStatement(debugger::StepKind kind, bool forward)
{
    if (!m_tt)
        return;
    const quint64 pos = m_tt->position();
    if (pos < m_end && !m_cursor.holds(pos + 1))
        loadStatements(pos + 1);
    if (pos < m_end && m_cursor.step(kind, forward)) {
        report();
        return;
    }
    if (forward) {
        if (pos < m_end)
            if (auto r = m_tt->seek(pos + 1); !r)
                Q_EMIT failed(qs(r.error()));
    } else if (pos > 0) {
        loadStatements(pos); // leaves the position at pos - 1
        m_cursor.toLast(kind);
    }
    report();
}

bool TraceWorker::conditionHolds(const BreakpointSpec& bp, quint64 seq, quint32 receiver)
{
    if (bp.condition.trimmed().isEmpty())
        return true;
    const auto cond = BreakpointCondition::parse(bp.condition);
    if (!cond)
        return false; // a malformed condition never hits
    // The position is seq - 1: the receiver's state before the delivery.
    const debugger::ActorState before = m_tt->state(receiver);
    std::optional<std::vector<std::pair<std::string, std::string>>> params;
    return cond->evaluate([&](const QString& name) -> std::optional<QString> {
        if (name == QLatin1String("seq"))
            return QString::number(seq);
        if (name == QLatin1String("tick")) {
            auto m = m_tt->trace().message(seq);
            return m && *m ? std::optional<QString>(QString::number((*m)->tick)) : std::nullopt;
        }
        const std::string key = name.toStdString();
        if (!params) {
            // The locals where the line first runs (a function's parameters
            // for a line in a function), else at the handler's first statement.
            params.emplace();
            if (auto h = m_tt->statementsOf(seq); h && !h->stops.empty()) {
                *params = h->stops.front().locals;
                for (const auto& stop : h->stops)
                    if (int(stop.line) == bp.line) {
                        *params = stop.locals;
                        break;
                    }
            }
            (void)m_tt->seek(seq - 1);
        }
        for (const auto& [k, v] : *params)
            if (k == key)
                return qs(v);
        for (const auto& [k, v] : before.fields)
            if (k == key)
                return qs(v);
        return std::nullopt;
    });
}

quint64 TraceWorker::nextHit(const BreakpointSpec& spec, bool forward)
{
    auto bp = m_tt->breakpoint(spec.file.toStdString(), uint32_t(spec.line));
    if (!bp)
        return 0;
    for (;;) {
        auto hit = forward ? m_tt->continueTo(*bp) : m_tt->reverseContinue(*bp);
        if (!hit) {
            Q_EMIT failed(qs(hit.error()));
            return 0;
        }
        if (!*hit)
            return 0;
        // continueTo left the position at hit - 1: the next search starts
        // past this candidate in either direction.
        if (conditionHolds(spec, (*hit)->seq, (*hit)->actor))
            return (*hit)->seq;
        if (auto r = m_tt->seek((*hit)->seq - 1); !r)
            return 0;
    }
}

void TraceWorker::continueTo(const QVector<BreakpointSpec>& breakpoints, bool forward)
{
    if (!m_tt)
        return;
    const quint64 start = m_tt->position();
    // Inside a delivery (past its first statement) going back: the delivery
    // we stand in counts as "before" too.
    quint64 best = 0;
    int bestLine = 0;
    for (const BreakpointSpec& b : breakpoints) {
        if (auto r = m_tt->seek(start); !r)
            break;
        const quint64 hit = nextHit(b, forward);
        if (hit && (best == 0 || (forward ? hit < best : hit > best))) {
            best = hit;
            // The statement cursor counts in the program's lines (a program
            // of several files: the file's line moved to its place).
            auto bp = m_tt->breakpoint(b.file.toStdString(), uint32_t(b.line));
            bestLine = bp ? int(bp->line) : b.line;
        }
    }
    if (best == 0) {
        // No hit: forward to the end, back to the start (as IDEs do).
        (void)m_tt->seek(forward ? m_end : 0);
    } else {
        (void)m_tt->seek(best - 1);
        m_hitLine = bestLine;
        m_cursor.reset();
    }
    report();
}

} // namespace aeroflow::studio
