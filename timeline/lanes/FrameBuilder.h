#pragma once
// Prepares frames (FrameList) for viewports from a trace's SQLite data, and
// answers the navigation questions of the view (next message on a lane, a
// message's cause and first effect). Synchronous and single-threaded: it owns
// its own read connection; TimelineDataSource runs one on a worker thread,
// tests call it directly.
//
// Narrow ranges (<= directLimit messages) read the rows of the range (only the
// columns drawn); wider ones use the DensityPyramid's per-lane counts, read
// the partial buckets at both ends directly (so counts are exact), and sample
// point lookups where the pyramid is not built yet (marks flagged estimated).
// Memory stays O(rows of one narrow range + marks on screen).

#include "DensityPyramid.h"
#include "FrameList.h"
#include "TraceReader.h"
#include "WorldFrameBuilder.h"

#include <memory>
#include <optional>
#include <string>

namespace aeroflow::timeline {

class FrameBuilder {
public:
    /// Opens `tracePath` read-only. `pyramid` may be null (sampling only) and
    /// may still be filling on another thread.
    static debugger::Result<std::unique_ptr<FrameBuilder>> open(
        const std::string& tracePath, std::shared_ptr<const DensityPyramid> pyramid);

    /// The prepared list for `request` (its lanes only).
    FrameList build(const FrameRequest& request);

    void setDirectLimit(uint64_t messages) { m_directLimit = messages; }
    void setPyramid(std::shared_ptr<const DensityPyramid> pyramid) { m_pyramid = std::move(pyramid); }
    uint64_t lastSeq() const { return m_lastSeq; }
    uint64_t lastTick() const { return m_lastTick; }
    /// The trace's checked extent: frames never read past it, lanes outside
    /// its actors are never prepared (TraceExtent).
    const debugger::TraceExtent& extent() const { return m_extent; }

    /// The next (forward) or previous message received by `actor` strictly
    /// after / before `seq`.
    std::optional<uint64_t> stepOnLane(uint32_t actor, uint64_t seq, bool forward);
    /// The delivery whose handler sent `seq` (none for top-level sends).
    std::optional<uint64_t> causeOf(uint64_t seq);
    /// The first delivery sent by `seq`'s handler.
    std::optional<uint64_t> firstEffectOf(uint64_t seq);
    /// Receiver of `seq`, if it exists.
    std::optional<uint32_t> receiverOf(uint64_t seq);

    /// The outside world: null when the trace cannot say (a SQLite error).
    WorldFrameBuilder* world() { return m_world.get(); }
    /// The trace has inputs from or outputs to the outside world.
    bool hasWorld() const { return m_world && m_world->hasWorld(); }

    debugger::TraceReader& reader() { return *m_reader; }

private:
    struct LaneAcc;
    FrameBuilder() = default;
    /// Resets every statement: a stepped statement holds a read lock, which
    /// would keep bookmark writes (rollback-journal traces) waiting.
    void releaseLocks();
    struct LockRelease {
        FrameBuilder* b;
        ~LockRelease() { b->releaseLocks(); }
    };
    void buildLanes(FrameList& out);
    void buildWorld(FrameList& out);
    void buildDirect(FrameList& out, uint64_t first, uint64_t last, std::vector<LaneAcc>& acc, bool slices);
    void buildAggregate(FrameList& out, std::vector<LaneAcc>& acc);
    void sample(FrameList& out, uint64_t first, uint64_t last, std::vector<LaneAcc>& acc);
    void addOutputs(FrameList& out, uint64_t first, uint64_t last, const std::vector<int32_t>& slot);
    /// slot[actor] = index into `acc` + 1 (0: not prepared); sized by the
    /// highest prepared lane, which is an actor of the trace.
    std::vector<int32_t> slotsFor(const std::vector<LaneAcc>& acc) const;
    uint64_t firstOutputRowAtOrAfter(uint64_t seq);

    std::unique_ptr<debugger::TraceReader> m_reader;
    std::unique_ptr<WorldFrameBuilder> m_world;
    std::shared_ptr<const DensityPyramid> m_pyramid;
    debugger::TraceExtent m_extent;
    uint64_t m_lastSeq = 0, m_lastTick = 0;
    uint64_t m_directLimit = FrameList::kDirectLimit;
    std::vector<debugger::TraceCrash> m_crashes;
    std::vector<uint64_t> m_crashTicks;
    debugger::Statement m_rows, m_point, m_outputAt, m_outputs, m_laneForward, m_laneBackward, m_effect;
};

} // namespace aeroflow::timeline
