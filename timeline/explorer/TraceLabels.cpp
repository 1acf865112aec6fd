// Row labels (see TraceLabels.h).

#include "TraceLabels.h"

#include "TraceSchema.h"

namespace aeroflow::timeline {

debugger::Result<void> TraceLabels::load(debugger::TraceReader& trace)
{
    m_names = trace.names();
    m_actors.clear();
    // The actors with ids the trace can have, names bounded: a label per row
    // of a forged table would cost what the forger chose.
    auto table = trace.viewActors();
    if (!table)
        return std::unexpected(table.error());
    for (const auto& a : table->actors)
        m_actors[a.id] = QString::fromStdString(a.name);
    return {};
}

QString TraceLabels::actor(int64_t id) const
{
    if (id == debugger::kTraceOutsideSender)
        return QStringLiteral("outside");
    auto it = id >= 0 ? m_actors.find(uint32_t(id)) : m_actors.end();
    return it != m_actors.end() ? it->second : QStringLiteral("actor#%1").arg(id);
}

QString TraceLabels::handler(const std::optional<int64_t>& h) const
{
    if (!h)
        return QStringLiteral("(emit)");
    if (*h >= 0 && size_t(*h) < m_names.messages.size())
        return QString::fromStdString(m_names.messages[size_t(*h)]);
    return QStringLiteral("message#%1").arg(*h);
}

std::string TraceLabels::payloadText(const debugger::TraceMessage& m) const
{
    auto v = debugger::decodeRowPayload(m.handler, m.payload);
    return v ? debugger::formatPayload(*v, m_names, true) : "<" + v.error() + ">";
}

QString TraceLabels::payload(const debugger::TraceMessage& m, size_t maxBytes) const
{
    return QString::fromStdString(debugger::clipText(payloadText(m), maxBytes));
}

QString TraceLabels::outcome(uint8_t o)
{
    return o == 0   ? QStringLiteral("handled")
           : o == 1 ? QStringLiteral("dropped")
           : o == 3 ? QStringLiteral("dead letter")
                    : QStringLiteral("crashed");
}

std::vector<int64_t> TraceLabels::actorsNamed(const QString& name) const
{
    std::vector<int64_t> out;
    if (name.compare(QStringLiteral("outside"), Qt::CaseInsensitive) == 0)
        out.push_back(debugger::kTraceOutsideSender);
    for (const auto& [id, n] : m_actors)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            out.push_back(id);
    return out;
}

std::vector<int64_t> TraceLabels::handlersNamed(const QString& name) const
{
    std::vector<int64_t> out;
    for (size_t i = 0; i < m_names.messages.size(); ++i)
        if (QString::fromStdString(m_names.messages[i]).compare(name, Qt::CaseInsensitive) == 0)
            out.push_back(int64_t(i));
    return out;
}

} // namespace aeroflow::timeline
