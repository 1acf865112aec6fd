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
#include <string>
#include <vector>

namespace aeroflow::timeline {

/// What the view asks for: a viewport and the lanes (actor ids) on screen.
struct FrameRequest {
    uint64_t id = 0;
    TimelineViewport viewport;
    std::vector<uint32_t> lanes;
    bool world = false; ///< prepare the outside-world lane too
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

/// One input from outside (the "in" half of the outside-world lane) or one
/// output to it (the "out" half), wide enough to draw on its own. Inputs of
/// one tick share it like slices do (1/k each, in arrival order), outputs
/// likewise, by the tick of the delivery that sent them.
struct FrameWorldMark {
    /// What it is; the first nine follow engine::InputEvent::Kind, the rest
    /// engine::OutputEvent::Kind (by name, not by value).
    enum class Kind : uint8_t {
        HttpRequest,
        WsOpen,
        WsText,
        WsClosed,
        CallDone,
        Timer,
        Shutdown,
        Halt,
        RequestDone, ///< only abnormal ones are marks: 504 (timed out) or 0 (client vanished)
        Respond,
        WsSend,
        WsClose,
        CallStart,
        TimerStart,
        TimerCancel,
        Damaged, ///< a row that could not be read (its error is in the details)
        Unread, ///< an output too large to read for a frame (the details read it)
    };
    enum Flag : uint8_t {
        TimedOut = 1, ///< 504 sent: the program did not answer in time
        Vanished = 2, ///< the client was gone when the answer left (status 0)
        ServerError = 4, ///< a 5xx response (or a failed call)
        ClientError = 8, ///< a 4xx response
        StatusChanged = 16, ///< the wire got another status than the program gave
    };
    double tick0 = 0, tick1 = 0;
    uint64_t row = 0; ///< effects rowid (inputs) or outputs rowid (outputs)
    uint64_t seq = 0; ///< inputs: arrived after delivery seq; outputs: sent during it
    uint64_t id = 0; ///< request / connection / call / timer id
    uint64_t deliveredSeq = 0; ///< inputs: the delivery it queued (0: none known)
    int32_t status = 0; ///< responses, call answers, request_done
    bool output = false;
    Kind kind = Kind::Damaged;
    uint8_t flags = 0;
    std::string label; ///< "GET /balance", "200", "text", shown when wide enough

    /// Marks of one conversation share a family and an id (an HTTP request,
    /// its response and request_done; a WebSocket connection's events; a
    /// call's start and answer; a timer's start, firings and cancel).
    enum class Family : uint8_t { Http, WebSocket, Call, Timer, Run, Damaged };
    Family family() const { return familyOf(kind); }
    static Family familyOf(Kind kind)
    {
        switch (kind) {
        case Kind::HttpRequest:
        case Kind::RequestDone:
        case Kind::Respond:
            return Family::Http;
        case Kind::WsOpen:
        case Kind::WsText:
        case Kind::WsClosed:
        case Kind::WsSend:
        case Kind::WsClose:
            return Family::WebSocket;
        case Kind::CallDone:
        case Kind::CallStart:
            return Family::Call;
        case Kind::Timer:
        case Kind::TimerStart:
        case Kind::TimerCancel:
            return Family::Timer;
        case Kind::Shutdown:
        case Kind::Halt:
        case Kind::Unread:
            return Family::Run;
        case Kind::Damaged:
            break;
        }
        return Family::Damaged;
    }
};

/// Inputs or outputs too narrow to draw one by one, folded per 2 px cell.
struct FrameWorldDensity {
    double tick0 = 0, tick1 = 0;
    uint64_t count = 0;
    bool output = false;
    bool estimated = false; ///< from samples (dense traffic over a wide range)
    uint8_t families = 0; ///< bit (1 << Family) of every family folded in
    uint32_t alerts = 0; ///< timed out, vanished, 5xx, damaged among them
};

/// input mark -> the delivery it queued, or the delivery that answered ->
/// the response mark (`output`). The delivery is on lane `actor`.
struct FrameWorldArrow {
    uint64_t row = 0; ///< the mark's row
    bool output = false;
    uint64_t deliverySeq = 0;
    /// The mark's centre; the delivery's end of the arrow: an input lands on
    /// the left part of its delivery's slice, an answer leaves from the right
    /// part (so the two arrows of one request-answer delivery stay apart).
    double markTick = 0, deliveryTick = 0;
    uint32_t actor = 0;
};

/// The outside-world lane of a frame (FrameRequest::world).
struct WorldFrame {
    bool enabled = false;
    std::vector<FrameWorldMark> marks; ///< inputs, then outputs, each in row order
    std::vector<FrameWorldDensity> density; ///< sorted by (output, tick0)
    std::vector<FrameWorldArrow> arrows;
    bool estimated = false;
    std::string error; ///< reading failed (the lane shows it)

    /// Rows read one by one before the lane folds sampled counts instead.
    static constexpr size_t kDirectRows = 4000;
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
    WorldFrame world;
    bool estimated = false; ///< some marks are sampled estimates

    /// Minimum on-screen slice width; anything narrower folds into marks.
    static constexpr double kMinSlicePixels = 3.0;
    /// Messages in range up to which a frame reads rows directly.
    static constexpr uint64_t kDirectLimit = 60'000;
};

} // namespace aeroflow::timeline
