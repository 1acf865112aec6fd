#pragma once
// The outside-world lane, above the actor lanes: inputs from outside (HTTP
// requests, WebSocket frames, call answers, timer firings, the shutdown) in
// its upper half, what the program sent out (responses, frames, calls,
// timers) in its lower half, each coloured by kind (responses by status;
// timeouts and vanished clients marked), folded into density cells when
// narrower than a few pixels, and the arrows from each input to the delivery
// it queued and from the delivery that answered to the response. Reads only
// the prepared WorldFrame and the layout, as LaneTrack does.

#include "FrameList.h"
#include "TimelineTrack.h"
#include "TraceCursor.h"

#include <QPainter>

#include <optional>

namespace aeroflow::timeline {

class OutsideTrack {
public:
    /// Height of the lane: an "in" and an "out" half of one row each.
    static int height(int rowHeight) { return 2 * rowHeight + 6; }

    struct Context {
        QRect band; ///< the lane, label column included
        int labelWidth = 160;
        const LaneLayout* layout = nullptr; ///< the actor lanes below (arrow ends)
        const FrameList* frame = nullptr; ///< may be null
        TimelineViewport viewport;
        const TimelinePalette* palette = nullptr;
        OutsideRef selected;
        uint64_t selectedMessage = 0;
        bool laneSelected = false; ///< the lane has the keyboard (`.` `,` step its events)

        QRect plot() const { return band.adjusted(labelWidth, 0, 0, 0); }
        /// The upper ("in") or lower ("out") half of the plot.
        QRectF half(bool output) const;
    };

    static void paint(QPainter& p, const Context& c);
    /// Arrows between the lane and the actor lanes (clipped to both).
    static void paintArrows(QPainter& p, const Context& c);

    static const FrameWorldMark* markAt(const Context& c, QPoint pos);
    static const FrameWorldDensity* densityAt(const Context& c, QPoint pos);
    /// Centre of the mark of `ref`, if it is drawn on its own.
    static std::optional<QPointF> markPosition(const Context& c, OutsideRef ref);
    static QColor colorOf(const FrameWorldMark& m, const TimelinePalette& pal);

private:
    static QRectF markRect(const Context& c, double tick0, double tick1, bool output);
};

} // namespace aeroflow::timeline
