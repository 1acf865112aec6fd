#pragma once
// Names for the rows of a trace: actors ("Counter#1", "outside"), handlers
// ("Add", "(emit)"), printed payloads and outcomes. Loaded once from a
// trace's tables; plain data, usable from any thread after load().

#include "TraceReader.h"

#include <QString>

#include <map>
#include <optional>
#include <vector>

namespace aeroflow::timeline {

class TraceLabels {
public:
    /// Reads the actor table (the message names come with the reader).
    debugger::Result<void> load(debugger::TraceReader& trace);

    QString actor(int64_t id) const;
    QString handler(const std::optional<int64_t>& handler) const;
    /// The printed payload (strings quoted), or "<error>" for a damaged blob;
    /// past `maxBytes` cut with its size (debugger::clipText).
    QString payload(const debugger::TraceMessage& m, size_t maxBytes = SIZE_MAX) const;
    std::string payloadText(const debugger::TraceMessage& m) const;
    static QString outcome(uint8_t outcome);

    /// Ids of actors / message types whose name equals `name` (case-insensitive).
    std::vector<int64_t> actorsNamed(const QString& name) const;
    std::vector<int64_t> handlersNamed(const QString& name) const;

    const debugger::PayloadNames& names() const { return m_names; }
    size_t actorCount() const { return m_actors.size(); }

private:
    debugger::PayloadNames m_names;
    std::map<uint32_t, QString> m_actors;
};

} // namespace aeroflow::timeline
