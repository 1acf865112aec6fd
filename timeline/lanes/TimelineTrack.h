#pragma once
// What the tracks of the timeline share: the layout of the lane area (plain
// values, computed by the view) and the palette. Each track kind is its own
// small class (TimeAxisTrack, LaneTrack, MinimapTrack) that paints from
// prepared data only and answers hit tests; none of them reads the trace.

#include "LaneModel.h"
#include "TimelinePalette.h"
#include "TimelineViewport.h"

#include <QRect>

#include <vector>

namespace aeroflow::timeline {

struct LaneLayout {
    QRect area; ///< the lane area, label column included
    int labelWidth = 160; ///< the label column on the left
    int rowHeight = 20;
    int scrollY = 0; ///< pixels scrolled down
    std::vector<LaneModel::Row> rows;

    QRect plot() const { return area.adjusted(labelWidth, 0, 0, 0); }
    int rowTop(int row) const { return area.top() + row * rowHeight - scrollY; }
    /// The row at `y`, or -1.
    int rowAt(int y) const
    {
        const int r = (y - area.top() + scrollY) / rowHeight;
        return y >= area.top() && r >= 0 && r < int(rows.size()) ? r : -1;
    }
    int firstVisibleRow() const { return std::max(0, scrollY / rowHeight); }
    int lastVisibleRow() const { return std::min(int(rows.size()) - 1, (scrollY + area.height()) / rowHeight); }
    int contentHeight() const { return int(rows.size()) * rowHeight; }
};

} // namespace aeroflow::timeline
