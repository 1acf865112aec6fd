#include "StatementCursor.h"

#include "TraceReader.h"

#include <algorithm>

namespace aeroflow::studio {

namespace {
QVector<ActorField> toFields(const std::vector<std::pair<std::string, std::string>>& in)
{
    QVector<ActorField> out;
    out.reserve(qsizetype(in.size()));
    for (const auto& [k, v] : in) // a value of megabytes is shown cut (its start and its size)
        out.push_back({QString::fromStdString(k), QString::fromStdString(debugger::clipText(v, kMaxShownFieldBytes))});
    return out;
}
} // namespace

void StatementCursor::load(quint64 seq, std::vector<debugger::StatementStop> stops)
{
    m_seq = seq;
    m_loaded = true;
    m_stops = std::move(stops);
    m_index = 0;
}

bool StatementCursor::step(debugger::StepKind kind, bool forward)
{
    if (m_stops.empty())
        return false;
    const auto to = debugger::stepStatement(m_stops, m_index, kind, forward);
    if (!to)
        return false;
    m_index = *to;
    return true;
}

void StatementCursor::toLast(debugger::StepKind kind)
{
    if (m_stops.empty())
        return;
    m_index = m_stops.size() - 1;
    if (kind == debugger::StepKind::Into)
        return;
    uint32_t shallowest = UINT32_MAX;
    for (const auto& s : m_stops)
        shallowest = std::min(shallowest, s.depth);
    while (m_index > 0 && m_stops[m_index].depth != shallowest)
        --m_index;
}

bool StatementCursor::toLine(int line)
{
    for (size_t i = 0; i < m_stops.size(); ++i)
        if (int(m_stops[i].line) == line) {
            m_index = i;
            return true;
        }
    return false;
}

int StatementCursor::line() const
{
    return m_stops.empty() ? 0 : int(m_stops[m_index].line);
}

StatementPoint StatementCursor::point() const
{
    StatementPoint p;
    if (!m_loaded || m_stops.empty())
        return p;
    const debugger::StatementStop& s = m_stops[m_index];
    p.valid = true;
    p.seq = m_seq;
    p.index = int(m_index);
    p.count = int(m_stops.size());
    p.line = int(s.line);
    p.depth = int(s.depth);
    p.actor = s.actor;
    p.function = QString::fromStdString(s.functionName);
    p.locals = toFields(s.locals);
    p.state = toFields(s.state);
    return p;
}

void StatementCursor::applyTo(SessionSnapshot& s) const
{
    s.statement = point();
    if (!s.statement.valid)
        return;
    for (ActorView& a : s.actors)
        if (a.id == s.statement.actor) {
            s.statement.actorName = a.name;
            a.fields = s.statement.state;
        }
}

} // namespace aeroflow::studio
