#pragma once
// Per-lane message counts per bucket of seqs, the aggregate that lets wide
// viewports be prepared without reading rows. Bucket i covers seqs
// [i * bucketSize + 1, (i + 1) * bucketSize]; it records the tick range of its
// messages and, per receiver present, how many it got (sparse: only the
// actors that appear, sorted by actor id). A coarse level merges every
// kCoarseFactor buckets for the widest views.
//
// Built once per trace by build() on a worker thread with its own connection,
// scanning `messages` in seq order (never the whole table in memory: only the
// counts). Readers on other threads see the buckets finished so far through
// read(), under a mutex; readyBuckets() grows until complete().
//
// Sized by the trace's checked extent (debugger::TraceExtent), never by a
// value of a row: a receiver outside the actors table counts in its bucket's
// total but on no lane, a tick outside 0..extent.finalTick is clamped into
// it, and the first such row (or a gap in the seqs, or a tick going back) is
// reported by damage().

#include "Sqlite.h"
#include "TraceReader.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace aeroflow::timeline {

class DensityPyramid {
public:
    struct Entry {
        uint32_t actor = 0;
        uint32_t count = 0;
    };
    struct Bucket {
        uint64_t firstTick = 0, lastTick = 0;
        uint32_t total = 0;
        uint64_t entryBegin = 0, entryEnd = 0; ///< into the level's entries
    };
    struct Level {
        uint64_t bucketSize = 0;
        std::vector<Bucket> buckets;
        std::vector<Entry> entries;
    };
    static constexpr uint64_t kCoarseFactor = 16;

    /// For the deliveries 1..extent.messages to actors 0..extent.actors-1.
    explicit DensityPyramid(const debugger::TraceExtent& extent, uint64_t bucketSize = 1024);

    uint64_t messages() const { return m_messages; }
    uint64_t bucketSize() const { return m_bucketSize; }
    uint64_t bucketCount() const { return (m_messages + m_bucketSize - 1) / m_bucketSize; }
    /// Buckets finished so far (seqs 1..readyBuckets()*bucketSize are counted).
    uint64_t readyBuckets() const { return m_ready.load(std::memory_order_acquire); }
    bool complete() const { return readyBuckets() >= bucketCount(); }
    /// The build stopped on an error (message), or empty.
    std::string error() const;
    /// The first row found that does not fit the trace ("this trace looks
    /// damaged: message 40 names receiver 2147483647 but the trace has 5
    /// actors"), or empty. The build goes on past it.
    std::string damage() const;

    /// Scans the trace through `db` (a read connection owned by the calling
    /// thread). Calls `progress` after each chunk; stops early when `cancel`
    /// becomes true. Returns false on a SQLite error (see error()).
    bool build(debugger::Database& db, const std::atomic<bool>& cancel, const std::function<void()>& progress);

    /// Calls `visit(fine, coarse, ready)` with both levels under the lock;
    /// only buckets below `ready` (fine) / `ready / kCoarseFactor` (coarse)
    /// are complete.
    void read(const std::function<void(const Level& fine, const Level& coarse, uint64_t ready)>& visit) const;

    /// Whether the fine bucket `index` (ready) has any message for `actor`.
    bool bucketHasActor(uint64_t index, uint32_t actor) const;

    /// Message counts of `columns` equal tick ranges over [0, endTick], from
    /// the ready buckets (a bucket's count goes to the column of its first tick).
    std::vector<uint32_t> overview(int columns, uint64_t endTick, uint64_t* readyTick = nullptr) const;

private:
    void appendFine(const Bucket& b, const std::vector<Entry>& entries);
    void appendCoarse(uint64_t firstFine, uint64_t lastFine);

    void noteDamage(const std::string& what);

    const uint64_t m_messages;
    const uint64_t m_actors;
    const uint64_t m_finalTick; ///< bucket ticks are clamped to 0..this
    const uint64_t m_bucketSize;
    mutable std::mutex m_mutex;
    Level m_fine, m_coarse;
    std::atomic<uint64_t> m_ready { 0 };
    std::string m_error;
    std::string m_damage;
};

} // namespace aeroflow::timeline
