#include "ActorGraphModel.h"

#include <algorithm>
#include <map>

namespace aeroflow::timeline {

using debugger::Result;

namespace {

uint64_t pairKey(uint32_t from, uint32_t to)
{
    return (uint64_t(from) << 32) | to;
}

size_t bytesOf(const std::vector<uint32_t>& v)
{
    return v.capacity() * sizeof(uint32_t) + sizeof(v);
}

} // namespace

uint32_t ActorGraphModel::nodeFor(int64_t actor)
{
    auto it = m_nodeOf.find(actor);
    if (it != m_nodeOf.end())
        return it->second;
    // An actor the actors table lacks: the outside (-1) or a damaged trace.
    // It still gets a node so that every message is counted somewhere.
    GraphNode n;
    n.actor = actor;
    n.type = actor == kOutsideActor ? kOutsideType : kMainType;
    n.label = actor == kOutsideActor ? std::string("outside") : "?#" + std::to_string(actor);
    const auto index = uint32_t(m_actors.nodes.size());
    m_actors.nodes.push_back(std::move(n));
    m_life.push_back({});
    m_nodeOf.emplace(actor, index);
    return index;
}

Result<ActorGraphModel::Ptr> ActorGraphModel::build(debugger::TraceReader& reader, const ActorGraphOptions& options)
{
    auto model = std::shared_ptr<ActorGraphModel>(new ActorGraphModel());
    ActorGraphModel& m = *model;
    m.m_threshold = options.aggregateThreshold;
    m.m_stride = std::max<uint64_t>(1, options.stride);
    m.m_programHash = reader.info().programHash;

    // Sized by the trace's own counts: only actors with ids below the actors
    // table's row count get nodes, and only messages between them count.
    auto extent = reader.extent();
    if (!extent)
        return std::unexpected(extent.error());
    auto table = reader.viewActors();
    if (!table)
        return std::unexpected(table.error());
    m.m_damage = !extent->damage.empty() ? extent->damage : table->damage;
    for (const debugger::TraceActor& a : table->actors) {
        if (m.m_nodeOf.contains(a.id))
            continue;
        GraphNode n;
        n.actor = a.id;
        n.type = a.id == 0 ? kMainType : std::max<int64_t>(a.type, kMainType);
        n.label = a.name.empty() ? "#" + std::to_string(a.id) : a.name;
        m.m_nodeOf.emplace(a.id, uint32_t(m.m_actors.nodes.size()));
        m.m_actors.nodes.push_back(std::move(n));
        m.m_life.push_back({a.spawnedAtSeq, a.stoppedAtSeq.value_or(UINT64_MAX)});
    }
    auto crashes = reader.crashes();
    if (!crashes)
        return std::unexpected(crashes.error());
    for (const debugger::TraceCrash& c : *crashes) {
        if (auto it = m.m_nodeOf.find(c.actor); it != m.m_nodeOf.end())
            m.m_life[it->second].stoppedAt = std::min(m.m_life[it->second].stoppedAt, c.seq);
    }

    // One pass over the deliveries: discover the edges in order of first
    // use (deterministic) and keep the running counts every `stride` seqs.
    debugger::Statement st = reader.database().prepare(
        "SELECT seq, sender, receiver FROM messages WHERE seq BETWEEN 1 AND ?1 ORDER BY seq");
    if (!st.valid())
        return std::unexpected("trace '" + reader.path() + "': cannot read messages: " + reader.database().lastError());
    st.bind(1, int64_t(std::min<uint64_t>(extent->messages, INT64_MAX)));
    std::vector<uint32_t> running;
    m.m_prefix.push_back({0, {}});
    uint64_t nextMark = m.m_stride, last = 0, rows = 0;
    size_t prefixBytes = 0;
    while (st.step()) {
        const uint64_t seq = uint64_t(st.columnInt(0));
        if (seq <= last)
            return std::unexpected("trace '" + reader.path() + "': messages out of order at seq " + std::to_string(seq));
        if (seq > nextMark) {
            m.m_prefix.push_back({seq - 1, running});
            prefixBytes += bytesOf(m.m_prefix.back().counts);
            nextMark = ((seq - 1) / m.m_stride + 1) * m.m_stride;
            // Over budget: double the stride and keep every other prefix.
            while (prefixBytes > options.prefixBudgetBytes && m.m_stride < 65536) {
                m.m_stride *= 2;
                std::vector<Prefix> kept;
                prefixBytes = 0;
                for (size_t i = 0; i < m.m_prefix.size(); i += 2) {
                    prefixBytes += bytesOf(m.m_prefix[i].counts);
                    kept.push_back(std::move(m.m_prefix[i]));
                }
                m.m_prefix = std::move(kept);
                nextMark = ((seq - 1) / m.m_stride + 1) * m.m_stride;
            }
        }
        const int64_t sender = st.columnInt(1), receiver = st.columnInt(2);
        if (!extent->isSender(sender) || !extent->isActor(receiver)) {
            // A node per forged id would be a node per row: count it nowhere, say so.
            if (m.m_skipped++ == 0 && m.m_damage.empty())
                m.m_damage = debugger::damagedTrace(extent->isSender(sender)
                        ? extent->badActor(seq, "receiver", receiver)
                        : extent->badActor(seq, "sender", sender));
            last = seq;
            continue;
        }
        const uint32_t from = m.nodeFor(sender);
        const uint32_t to = m.nodeFor(receiver);
        auto [it, fresh] = m.m_edgeOf.try_emplace(pairKey(from, to), uint32_t(m.m_actors.edges.size()));
        if (fresh) {
            m.m_actors.edges.push_back({from, to, 0});
            running.push_back(0);
        }
        ++running[it->second];
        ++m.m_actors.edges[it->second].total;
        last = seq;
        if ((rows++ & 0xffff) == 0 && options.cancelled && options.cancelled())
            return std::unexpected(std::string("cancelled"));
    }
    if (!st.ok())
        return std::unexpected("trace '" + reader.path() + "': cannot read messages: " + reader.database().lastError());
    m.m_endSeq = last;
    if (m.m_prefix.back().seq != last)
        m.m_prefix.push_back({last, running});
    m.aggregate(reader.names());
    return Ptr(std::move(model));
}

void ActorGraphModel::aggregate(const debugger::PayloadNames& names)
{
    // One node per type, ordered outside, main, then by type id.
    std::map<int64_t, uint32_t> byType;
    for (const GraphNode& n : m_actors.nodes)
        byType.try_emplace(n.type, 0);
    m_types = {};
    m_types.aggregated = true;
    for (auto& [type, index] : byType) {
        index = uint32_t(m_types.nodes.size());
        GraphNode n;
        n.type = type;
        n.members = 0;
        n.actor = INT64_MAX;
        m_types.nodes.push_back(n);
    }
    m_fineToType.resize(m_actors.nodes.size());
    for (size_t i = 0; i < m_actors.nodes.size(); ++i) {
        const GraphNode& f = m_actors.nodes[i];
        const uint32_t t = byType.at(f.type);
        m_fineToType[i] = t;
        GraphNode& n = m_types.nodes[t];
        ++n.members;
        n.actor = std::min(n.actor, f.actor);
    }
    for (GraphNode& n : m_types.nodes) {
        if (n.type == kOutsideType)
            n.label = "outside";
        else if (n.type == kMainType)
            n.label = n.members == 1 ? std::string("main") : "main ×" + std::to_string(n.members);
        else {
            const auto t = size_t(n.type);
            n.label = t < names.actorTypes.size() ? names.actorTypes[t] : "type " + std::to_string(n.type);
            n.label += " ×" + std::to_string(n.members);
        }
    }
    std::unordered_map<uint64_t, uint32_t> edgeOf;
    m_edgeToType.resize(m_actors.edges.size());
    for (size_t e = 0; e < m_actors.edges.size(); ++e) {
        const GraphEdge& f = m_actors.edges[e];
        const uint32_t from = m_fineToType[f.from], to = m_fineToType[f.to];
        auto [it, fresh] = edgeOf.try_emplace(pairKey(from, to), uint32_t(m_types.edges.size()));
        if (fresh)
            m_types.edges.push_back({from, to, 0});
        m_types.edges[it->second].total += f.total;
        m_edgeToType[e] = it->second;
    }
}

size_t ActorGraphModel::prefixBytes() const
{
    size_t bytes = 0;
    for (const Prefix& p : m_prefix)
        bytes += bytesOf(p.counts);
    return bytes;
}

int64_t ActorGraphModel::nodeOfActor(int64_t actor, bool aggregated) const
{
    auto it = m_nodeOf.find(actor);
    if (it == m_nodeOf.end())
        return -1;
    return aggregated ? int64_t(m_fineToType[it->second]) : int64_t(it->second);
}

int64_t ActorGraphModel::edgeOf(int64_t from, int64_t to) const
{
    const int64_t a = nodeOfActor(from, false), b = nodeOfActor(to, false);
    if (a < 0 || b < 0)
        return -1;
    auto it = m_edgeOf.find(pairKey(uint32_t(a), uint32_t(b)));
    return it == m_edgeOf.end() ? -1 : int64_t(it->second);
}

Result<std::vector<uint64_t>> ActorGraphModel::countsAt(debugger::TraceReader& reader, uint64_t seq) const
{
    seq = std::min(seq, m_endSeq);
    // The nearest prefix on either side; the rows between it and `seq` are
    // added (prefix before) or subtracted (prefix after): at most stride/2.
    auto after = std::upper_bound(m_prefix.begin(), m_prefix.end(), seq,
                                  [](uint64_t s, const Prefix& p) { return s < p.seq; });
    const Prefix* below = &*(after - 1);
    const Prefix* above = after == m_prefix.end() ? nullptr : &*after;
    const bool forward = !above || seq - below->seq <= above->seq - seq;
    const Prefix& base = forward ? *below : *above;

    std::vector<uint64_t> counts(m_actors.edges.size(), 0);
    std::copy(base.counts.begin(), base.counts.end(), counts.begin());
    const uint64_t lo = forward ? base.seq : seq, hi = forward ? seq : base.seq;
    if (lo == hi)
        return counts;
    debugger::Statement st =
        reader.database().prepare("SELECT sender, receiver FROM messages WHERE seq > ?1 AND seq <= ?2");
    if (!st.valid())
        return std::unexpected("cannot read messages: " + reader.database().lastError());
    st.bind(1, int64_t(lo));
    st.bind(2, int64_t(hi));
    while (st.step()) {
        const int64_t e = edgeOf(st.columnInt(0), st.columnInt(1));
        if (e < 0)
            continue; // recorded after the model was built
        if (forward)
            ++counts[size_t(e)];
        else if (counts[size_t(e)] > 0)
            --counts[size_t(e)];
    }
    if (!st.ok())
        return std::unexpected("cannot read messages: " + reader.database().lastError());
    return counts;
}

std::vector<uint64_t> ActorGraphModel::aggregateCounts(const std::vector<uint64_t>& fine) const
{
    std::vector<uint64_t> out(m_types.edges.size(), 0);
    for (size_t e = 0; e < fine.size() && e < m_edgeToType.size(); ++e)
        out[m_edgeToType[e]] += fine[e];
    return out;
}

Result<std::vector<int64_t>> ActorGraphModel::activeActorsAt(debugger::TraceReader& reader, uint64_t seq,
                                                             size_t limit) const
{
    std::vector<int64_t> out;
    seq = std::min(seq, m_endSeq);
    if (seq == 0 || limit == 0)
        return out;
    auto tick = reader.tickOf(seq);
    if (!tick)
        return std::unexpected(tick.error());
    uint64_t first = 1;
    if (*tick > 0) {
        auto before = reader.seqAtTick(*tick - 1, m_endSeq);
        if (!before)
            return std::unexpected(before.error());
        first = *before + 1;
    }
    if (seq >= limit)
        first = std::max(first, seq - limit + 1);
    debugger::Statement st = reader.database().prepare(
        "SELECT DISTINCT receiver FROM messages WHERE seq >= ?1 AND seq <= ?2 AND outcome NOT IN (1, 3)");
    if (!st.valid())
        return std::unexpected("cannot read messages: " + reader.database().lastError());
    st.bind(1, int64_t(first));
    st.bind(2, int64_t(seq));
    while (st.step())
        out.push_back(st.columnInt(0));
    if (!st.ok())
        return std::unexpected("cannot read messages: " + reader.database().lastError());
    std::sort(out.begin(), out.end());
    return out;
}

Result<GraphFrame> ActorGraphModel::frameAt(debugger::TraceReader& reader, uint64_t seq, bool aggregated) const
{
    GraphFrame f;
    f.seq = std::min(seq, m_endSeq);
    f.aggregated = aggregated;
    auto tick = reader.tickOf(f.seq);
    if (!tick)
        return std::unexpected(tick.error());
    f.tick = *tick;
    auto counts = countsAt(reader, f.seq);
    if (!counts)
        return std::unexpected(counts.error());
    f.edgeCounts = aggregated ? aggregateCounts(*counts) : std::move(*counts);

    const size_t n = topology(aggregated).nodes.size();
    f.spawned.assign(n, 0);
    f.alive.assign(n, 0);
    f.active.assign(n, 0);
    for (size_t i = 0; i < m_actors.nodes.size(); ++i) {
        const size_t node = aggregated ? m_fineToType[i] : i;
        if (m_life[i].spawnedAt <= f.seq) {
            ++f.spawned[node];
            if (f.seq < m_life[i].stoppedAt)
                ++f.alive[node];
        }
    }
    auto active = activeActorsAt(reader, f.seq);
    if (!active)
        return std::unexpected(active.error());
    for (int64_t actor : *active) {
        const int64_t node = nodeOfActor(actor, aggregated);
        if (node >= 0)
            f.active[size_t(node)] = 1;
    }
    return f;
}

} // namespace aeroflow::timeline
