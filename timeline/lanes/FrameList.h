#pragma once
// A prepared frame: what the lane track paints for one viewport, built off
// the GUI thread by FrameBuilder. Positions are in ticks (not pixels), so the
// newest list can be painted under a newer viewport, scaled and shifted,
// while the next one is being prepared.
//
// A message is a slice [tick + i/k, tick + (i+1)/k) on its receiver's lane,
// where k is the number of messages that lane handled at that tick and i the
// message's rank among them. Slices narrower than kMinSlicePixels fold into
// density marks that carry their count.

#include "TimelineViewport.h"

#include <cstdint>
#include <vector>

namespace aeroflow::timeline {

/// What the view asks for: a viewport and the lanes (actor ids) on screen.
struct FrameRequest {
    uint64_t id = 0;
    TimelineViewport viewport;
    std::vector<uint32_t> lanes;
};

struct FrameSlice {
    uint64_t seq = 0, causeSeq = 0;
    double tick0 = 0, tick1 = 0;
    uint32_t actor = 0;
    int64_t handler = -1; ///< message type id; -1: a value emitted to main
    int64_t sender = 0;
    uint8_t outcome = 0; ///< debugger::TraceOutcome
    bool output = false; ///< the handler printed something
};

struct FrameMark {
    double tick0 = 0, tick1 = 0;
    uint64_t count = 0;
    uint32_t actor = 0;
    bool estimated = false; ///< from samples (the density pyramid was not ready there)
};

/// cause slice -> effect slice; both ends on prepared lanes.
struct FrameArrow {
    uint64_t fromSeq = 0, toSeq = 0;
    double fromTick = 0, toTick = 0; ///< slice centres
    uint32_t fromActor = 0, toActor = 0;
};

/// A crash (or, in aggregate frames, any crash in range) at a tick on a lane.
struct FrameEvent {
    enum class Kind : uint8_t { Crash, Output };
    Kind kind = Kind::Crash;
    uint64_t seq = 0;
    double tick = 0;
    uint32_t actor = 0;
};

struct FrameList {
    enum class Mode : uint8_t { Empty, Direct, Aggregate };
    uint64_t requestId = 0;
    TimelineViewport viewport;
    Mode mode = Mode::Empty;
    uint64_t firstSeq = 0, lastSeq = 0; ///< the seqs in the viewport's tick range
    std::vector<uint32_t> lanes; ///< the lanes prepared (as requested)
    std::vector<FrameSlice> slices; ///< sorted by (actor, seq)
    std::vector<FrameMark> marks; ///< sorted by (actor, tick0)
    std::vector<FrameArrow> arrows;
    std::vector<FrameEvent> events;
    bool estimated = false; ///< some marks are sampled estimates

    /// Minimum on-screen slice width; anything narrower folds into marks.
    static constexpr double kMinSlicePixels = 3.0;
    /// Messages in range up to which a frame reads rows directly.
    static constexpr uint64_t kDirectLimit = 60'000;
};

} // namespace aeroflow::timeline
