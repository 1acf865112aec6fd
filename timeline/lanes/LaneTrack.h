#pragma once
// The lanes: the label column (group headers, actor names), then per lane the
// prepared frame's slices, folded density marks (with counts), crash and
// output markers, and the cause -> effect arrows. Reads only the FrameList
// and the layout; positions are mapped through the current viewport, so an
// older frame is drawn scaled while a newer one is prepared.

#include "FrameList.h"
#include "TimelineTrack.h"

#include <QPainter>
#include <QString>

#include <functional>
#include <optional>

namespace aeroflow::timeline {

class LaneTrack {
public:
    struct Context {
        const LaneLayout* layout = nullptr;
        const LaneModel* lanes = nullptr;
        const FrameList* frame = nullptr; ///< may be null
        TimelineViewport viewport;
        const TimelinePalette* palette = nullptr;
        uint64_t selectedMessage = 0;
        int64_t selectedActor = -1;
        std::function<QString(int64_t handler)> handlerName;
    };

    static void paint(QPainter& p, const Context& c);

    /// The slice under `pos` (widget coordinates).
    static const FrameSlice* sliceAt(const Context& c, QPoint pos);
    /// The density mark under `pos`.
    static const FrameMark* markAt(const Context& c, QPoint pos);
    /// Centre of the slice of `seq` when it is prepared and its lane on screen.
    static std::optional<QPointF> slicePosition(const Context& c, uint64_t seq);

private:
    static void paintLabels(QPainter& p, const Context& c);
};

} // namespace aeroflow::timeline
