#include "DensityPyramid.h"

#include <algorithm>

namespace aeroflow::timeline {

DensityPyramid::DensityPyramid(const debugger::TraceExtent& extent, uint64_t bucketSize)
    : m_messages(extent.messages)
    , m_actors(extent.actors)
    , m_finalTick(extent.finalTick)
    , m_bucketSize(std::max<uint64_t>(1, bucketSize))
{
    m_fine.bucketSize = m_bucketSize;
    m_coarse.bucketSize = m_bucketSize * kCoarseFactor;
    m_fine.buckets.reserve(bucketCount());
}

std::string DensityPyramid::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

std::string DensityPyramid::damage() const
{
    std::lock_guard lock(m_mutex);
    return m_damage;
}

void DensityPyramid::noteDamage(const std::string& what)
{
    std::lock_guard lock(m_mutex);
    if (m_damage.empty())
        m_damage = debugger::damagedTrace(what);
}

bool DensityPyramid::build(
    debugger::Database& db, const std::atomic<bool>& cancel, const std::function<void()>& progress)
{
    debugger::Statement st = db.prepare("SELECT seq, tick, receiver FROM messages WHERE seq BETWEEN ? AND ?", true);
    if (!st.valid()) {
        std::lock_guard lock(m_mutex);
        m_error = db.lastError();
        return false;
    }
    // Dense counts by actor for the bucket being filled; `touched` lists the
    // actors to emit and reset, so a bucket costs O(its messages). Only
    // receivers of the actors table count: the vector never grows past it.
    debugger::TraceExtent extent;
    extent.actors = m_actors;
    bool damaged = false;
    uint64_t prevSeq = 0;
    int64_t prevTick = 0;
    std::vector<uint32_t> counts;
    std::vector<uint32_t> touched;
    std::vector<Entry> entries;
    constexpr uint64_t kChunkBuckets = 64;
    const uint64_t total = bucketCount();
    for (uint64_t first = 0; first < total && !cancel.load(std::memory_order_relaxed); first += kChunkBuckets) {
        const uint64_t last = std::min(total, first + kChunkBuckets);
        st.reset();
        st.bind(1, int64_t(first * m_bucketSize + 1));
        st.bind(2, int64_t(std::min(m_messages, last * m_bucketSize)));
        uint64_t bucket = first;
        Bucket b;
        bool any = false;
        auto flush = [&] {
            std::sort(touched.begin(), touched.end());
            entries.clear();
            for (uint32_t a : touched) {
                entries.push_back({ a, counts[a] });
                counts[a] = 0;
            }
            touched.clear();
            appendFine(b, entries);
            b = Bucket {};
            any = false;
            ++bucket;
        };
        while (st.step()) {
            const uint64_t seq = uint64_t(st.columnInt(0));
            const int64_t rawTick = st.columnInt(1);
            // Ticks never decrease, so every row is at or before the last
            // one: a forged tick spans no bucket over the whole run.
            const auto lastTick = int64_t(std::min<uint64_t>(m_finalTick, INT64_MAX));
            const uint64_t tick = uint64_t(std::clamp<int64_t>(rawTick, 0, lastTick));
            const int64_t receiver = st.columnInt(2);
            const uint64_t index = (seq - 1) / m_bucketSize;
            if (!damaged) {
                if (!extent.isActor(receiver)) {
                    noteDamage(extent.badActor(seq, "receiver", receiver));
                    damaged = true;
                } else if (seq != prevSeq + 1) {
                    noteDamage(prevSeq == 0
                            ? "the first message is numbered " + std::to_string(seq) + " (messages are numbered from 1)"
                            : "message " + std::to_string(seq) + " follows message " + std::to_string(prevSeq)
                                + " (messages are numbered 1, 2, 3, … without gaps)");
                    damaged = true;
                } else if (prevSeq > 0 && rawTick < prevTick) {
                    noteDamage("messages " + std::to_string(prevSeq) + " and " + std::to_string(seq)
                        + " go back in time (tick " + std::to_string(prevTick) + ", then " + std::to_string(rawTick)
                        + "; ticks never decrease)");
                    damaged = true;
                }
            }
            prevSeq = seq;
            prevTick = rawTick;
            while (bucket < index) // a gap in seqs (damaged trace): close empty buckets
                flush();
            if (!any) {
                b.firstTick = tick;
                any = true;
            }
            b.lastTick = std::max(b.lastTick, tick);
            ++b.total;
            if (extent.isActor(receiver)) {
                const auto a = uint32_t(receiver);
                if (a >= counts.size())
                    counts.resize(size_t(a) + 1, 0);
                if (counts[a]++ == 0)
                    touched.push_back(a);
            }
        }
        if (!st.ok()) {
            std::lock_guard lock(m_mutex);
            m_error = db.lastError();
            return false;
        }
        while (bucket < last)
            flush();
        if (progress)
            progress();
    }
    return !cancel.load();
}

void DensityPyramid::appendFine(const Bucket& bucket, const std::vector<Entry>& entries)
{
    std::lock_guard lock(m_mutex);
    Bucket b = bucket;
    if (b.total == 0 && !m_fine.buckets.empty()) // keep ticks monotonic across empty buckets
        b.firstTick = b.lastTick = m_fine.buckets.back().lastTick;
    b.entryBegin = m_fine.entries.size();
    m_fine.entries.insert(m_fine.entries.end(), entries.begin(), entries.end());
    b.entryEnd = m_fine.entries.size();
    m_fine.buckets.push_back(b);
    const uint64_t ready = m_fine.buckets.size();
    if (ready % kCoarseFactor == 0 || ready == bucketCount())
        appendCoarse((ready - 1) / kCoarseFactor * kCoarseFactor, ready);
    m_ready.store(ready, std::memory_order_release);
}

void DensityPyramid::appendCoarse(uint64_t firstFine, uint64_t lastFine)
{
    Bucket c;
    c.firstTick = m_fine.buckets[firstFine].firstTick;
    std::vector<Entry> merged;
    for (uint64_t i = firstFine; i < lastFine; ++i) {
        const Bucket& f = m_fine.buckets[i];
        c.lastTick = std::max(c.lastTick, f.lastTick);
        c.total += f.total;
        merged.insert(merged.end(), m_fine.entries.begin() + f.entryBegin, m_fine.entries.begin() + f.entryEnd);
    }
    std::sort(merged.begin(), merged.end(), [](const Entry& a, const Entry& b) { return a.actor < b.actor; });
    c.entryBegin = m_coarse.entries.size();
    for (const Entry& e : merged) {
        if (m_coarse.entries.size() > c.entryBegin && m_coarse.entries.back().actor == e.actor)
            m_coarse.entries.back().count += e.count;
        else
            m_coarse.entries.push_back(e);
    }
    c.entryEnd = m_coarse.entries.size();
    m_coarse.buckets.push_back(c);
}

void DensityPyramid::read(const std::function<void(const Level&, const Level&, uint64_t)>& visit) const
{
    std::lock_guard lock(m_mutex);
    visit(m_fine, m_coarse, m_fine.buckets.size());
}

bool DensityPyramid::bucketHasActor(uint64_t index, uint32_t actor) const
{
    std::lock_guard lock(m_mutex);
    if (index >= m_fine.buckets.size())
        return true; // unknown yet: the caller must look
    const Bucket& b = m_fine.buckets[index];
    const auto first = m_fine.entries.begin() + b.entryBegin, last = m_fine.entries.begin() + b.entryEnd;
    const auto it = std::lower_bound(first, last, actor, [](const Entry& e, uint32_t a) { return e.actor < a; });
    return it != last && it->actor == actor;
}

std::vector<uint32_t> DensityPyramid::overview(int columns, uint64_t endTick, uint64_t* readyTick) const
{
    std::vector<uint32_t> out(size_t(std::max(1, columns)), 0);
    std::lock_guard lock(m_mutex);
    const double scale = double(out.size()) / double(endTick + 1);
    // A bucket's messages are spread evenly over the columns its ticks cover
    // (exact integer split, so the columns still sum to the messages).
    for (const Bucket& b : m_fine.buckets) {
        const auto c0 = std::min(out.size() - 1, size_t(double(b.firstTick) * scale));
        const auto c1 = std::max(c0, std::min(out.size() - 1, size_t(double(b.lastTick + 1) * scale - 1e-9)));
        const uint64_t k = c1 - c0 + 1;
        for (uint64_t c = 0; c < k; ++c)
            out[c0 + c] += uint32_t((c + 1) * b.total / k - c * b.total / k);
    }
    if (readyTick)
        *readyTick = m_fine.buckets.empty() ? 0 : m_fine.buckets.back().lastTick;
    return out;
}

} // namespace aeroflow::timeline
