#pragma once
// The overview strip: message density over the whole run (from the density
// pyramid's ready part; the rest is hatched while it fills), the visible
// window and the cursor. Clicking / dragging it moves the view (the view maps
// x to a tick with tickAt()).

#include "TimelinePalette.h"
#include "TimelineViewport.h"

#include <QPainter>
#include <QRect>

#include <cstdint>
#include <vector>

namespace aeroflow::timeline {

struct Overview {
    std::vector<uint32_t> columns; ///< message counts per equal tick range over [0, endTick]
    uint64_t endTick = 0;
    uint64_t readyTick = 0; ///< counted up to here
    bool complete = false;
};

class MinimapTrack {
public:
    static void paint(QPainter& p, const QRect& rect, const Overview& overview, const TimelineViewport& vp,
        double cursorTick, const TimelinePalette& palette);
    /// The tick at `x` (rect coordinates) of a minimap of `width` pixels.
    static double tickAt(double x, int width, uint64_t endTick) { return x / std::max(1, width) * double(endTick + 1); }
};

} // namespace aeroflow::timeline
