// Section 7 of an `.afs` image (docs/SNAPSHOT_FORMAT.md): what supervision
// and request/reply add to a run. Only ids and counters, no values: the
// Down notices, requests and answers themselves are queued messages and live
// in the queue section. Written only when some actor has ties or some queued
// envelope is a request, an answer or a timeout.

#include "SnapshotIo.h"

namespace aeroflow::engine {

namespace {

void writeIds(ByteWriter& w, const std::vector<uint32_t>& ids)
{
    w.u32(uint32_t(ids.size()));
    for (uint32_t id : ids)
        w.u32(id);
}

bool readIds(ByteReader& r, std::vector<uint32_t>& ids, uint32_t actorCount)
{
    const uint32_t n = r.u32();
    if (r.failed || n > r.remaining() / 4)
        return false;
    ids.clear();
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t id = r.u32();
        if (r.failed || id == 0 || id >= actorCount)
            return false;
        ids.push_back(id);
    }
    return true;
}

} // namespace

void SnapshotIo::saveSupervision(const Scheduler& s, const std::vector<const Scheduler::Envelope*>& queue,
                                 std::string& out)
{
    uint32_t withTies = 0;
    for (const auto& a : s.m_actors)
        withTies += a->ties && !a->ties->empty() ? 1 : 0;
    uint64_t marked = 0;
    for (const auto* e : queue)
        marked += e->kind() != Scheduler::Envelope::Kind::Plain ? 1 : 0;
    if (withTies == 0 && marked == 0)
        return;
    ByteWriter w(out);
    w.u32(withTies);
    for (const auto& a : s.m_actors) {
        if (!a->ties || a->ties->empty())
            continue;
        const ActorTies& t = *a->ties;
        w.u32(a->id);
        writeIds(w, t.watchers);
        writeIds(w, t.links);
        w.u32(t.supervisor);
        writeIds(w, t.children);
        w.u8(uint8_t(t.strategy));
        w.u32(t.maxRestarts);
        w.u64(t.window);
        w.u64(t.restarts.size());
        for (uint64_t tick : t.restarts)
            w.u64(tick);
        w.u64(t.lastAsk);
        w.u64(t.asks.size());
        for (const auto& [id, target] : t.asks) {
            w.u64(id);
            w.u32(target);
        }
    }
    w.u64(marked);
    for (size_t i = 0; i < queue.size(); ++i) {
        if (queue[i]->kind() == Scheduler::Envelope::Kind::Plain)
            continue;
        w.u64(i);
        w.u8(uint8_t(queue[i]->kind()));
        w.u64(queue[i]->ask);
    }
}

std::expected<void, std::string> SnapshotIo::loadSupervision(Scheduler& s, std::string_view section,
                                                             std::vector<Scheduler::Envelope>& queue)
{
    auto bad = [](std::string what) { return std::unexpected("corrupt snapshot: " + std::move(what)); };
    const uint32_t actorCount = uint32_t(s.m_actors.size());
    ByteReader r(section);
    const uint32_t n = r.u32();
    if (r.failed || n >= actorCount)
        return bad("bad supervision count");
    uint32_t previous = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t id = r.u32();
        if (r.failed || id == 0 || id >= actorCount || id <= previous)
            return bad("supervision records out of order");
        previous = id;
        auto t = std::make_unique<ActorTies>();
        if (!readIds(r, t->watchers, actorCount) || !readIds(r, t->links, actorCount))
            return bad("bad monitor or link list");
        t->supervisor = r.u32();
        if (!readIds(r, t->children, actorCount))
            return bad("bad child list");
        const uint8_t strategy = r.u8();
        t->maxRestarts = r.u32();
        t->window = r.u64();
        const uint64_t restarts = r.u64();
        if (r.failed || strategy > 1 || t->window == 0 || restarts > r.remaining() / 8 ||
            (t->supervisor != kNoParent && (t->supervisor == 0 || t->supervisor >= actorCount)))
            return bad("bad supervisor record");
        t->strategy = ActorTies::Strategy(strategy);
        for (uint64_t k = 0; k < restarts; ++k)
            t->restarts.push_back(r.u64());
        t->lastAsk = r.u64();
        const uint64_t asks = r.u64();
        if (r.failed || asks > r.remaining() / 12)
            return bad("bad ask table");
        for (uint64_t k = 0; k < asks; ++k) {
            const uint64_t ask = r.u64();
            const uint32_t target = r.u32();
            if (r.failed || ask == 0 || ask > t->lastAsk || target == 0 || target >= actorCount)
                return bad("bad pending ask");
            t->asks[ask] = target;
        }
        s.m_actors[id]->ties = std::move(t);
    }
    const uint64_t marked = r.u64();
    if (r.failed || marked > queue.size())
        return bad("bad queued request count");
    for (uint64_t k = 0; k < marked; ++k) {
        const uint64_t index = r.u64();
        const uint8_t kind = r.u8();
        const uint64_t ask = r.u64();
        if (r.failed || index >= queue.size() || kind == 0 || kind > 3 || ask == 0 || (ask >> 62) != 0)
            return bad("bad queued request record");
        queue[index].kindBits = kind;
        queue[index].ask = ask;
    }
    if (!r.atEnd())
        return bad("trailing bytes after the supervision record");
    return {};
}

} // namespace aeroflow::engine
