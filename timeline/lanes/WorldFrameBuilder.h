#pragma once
// Prepares the outside-world lane of a frame (WorldFrame) from the trace's
// inputs and outputs (debugger::TraceWorld: typed queries, no SQL here).
// Runs on the frame worker with FrameBuilder, on its reader.
//
// Per half (inputs / outputs) of the viewport's tick range: when the range
// holds at most WorldFrame::kDirectRows rows they are read one by one and
// placed like slices (k events of one tick share it); events narrower than
// FrameList::kMinSlicePixels fold into density cells of 2 px. A denser range
// is sampled (about one row per density cell) and drawn as estimated
// density, so the cost of a frame does not grow with the traffic.

#include "FrameList.h"
#include "TraceWorld.h"

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace aeroflow::timeline {

class WorldFrameBuilder {
public:
    /// Reads through `reader` (not owned; the frame worker's).
    static debugger::Result<std::unique_ptr<WorldFrameBuilder>> open(debugger::TraceReader& reader);

    /// The trace holds inputs from or outputs to the outside world.
    bool hasWorld() const { return m_world->hasWorld(); }
    debugger::TraceWorld& world() { return *m_world; }

    /// Where delivery `seq` is drawn: its ticks [tick0, tick1) and lane, or
    /// nullopt when it is not on a prepared lane.
    struct DeliverySpot {
        double tick0 = 0, tick1 = 0;
        uint32_t actor = 0;
    };
    using DeliveryAt = std::function<std::optional<DeliverySpot>(uint64_t seq)>;
    /// Fills `out` for viewport `vp` of a run whose last delivery is at `lastTick`.
    void build(WorldFrame& out, const TimelineViewport& vp, uint64_t lastTick, const DeliveryAt& deliveryAt);

    /// Rows read one by one below this many rows in a span (all effects or
    /// outputs rows count, world or not); tests lower it to force sampling.
    void setDirectRows(size_t rows) { m_directRows = rows; }

private:
    WorldFrameBuilder() = default;
    struct Half;
    struct Item;
    void readInputs(Half& in, Half& out, uint64_t t0, uint64_t t1, WorldFrame& frame);
    void readOutputs(Half& out, uint64_t t0, uint64_t t1, WorldFrame& frame);
    void place(Half& half, WorldFrame& frame, const TimelineViewport& vp);

    std::unique_ptr<debugger::TraceWorld> m_world;
    size_t m_directRows = WorldFrame::kDirectRows;
    size_t m_samples = 1000; ///< rows sampled per half in a dense range (set per frame)
};

} // namespace aeroflow::timeline
