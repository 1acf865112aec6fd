#pragma once
// The time axis: tick labels at round steps, bookmarks as flags, the cursor's
// handle. Paints from the viewport and the bookmark list only.

#include "BookmarkStore.h"
#include "TimelinePalette.h"
#include "TimelineViewport.h"

#include <QPainter>
#include <QRect>

#include <vector>

namespace aeroflow::timeline {

class TimeAxisTrack {
public:
    /// `rect`: the axis strip over the plot (x = 0 is the viewport's x = 0).
    static void paint(QPainter& p, const QRect& rect, const TimelineViewport& vp, const TimelinePalette& palette,
        const std::vector<Bookmark>& bookmarks, double cursorX);
    /// The bookmark whose flag is at `x` (plot coordinates), or -1.
    static int bookmarkAt(double x, const TimelineViewport& vp, const std::vector<Bookmark>& bookmarks);
    /// A round tick step giving labels at least `minPixels` apart.
    static double tickStep(const TimelineViewport& vp, double minPixels);
};

} // namespace aeroflow::timeline
