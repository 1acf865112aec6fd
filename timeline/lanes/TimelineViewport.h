#pragma once
// The timeline's viewport as one plain value (Tracy habit): which ticks the
// lane area shows and how wide it is. Everything that maps ticks to pixels
// (painting, hit tests, frame preparation) goes through it, so a prepared
// frame can be drawn under a newer viewport by the same formulas.

#include <algorithm>
#include <cstdint>

namespace aeroflow::timeline {

struct TimelineViewport {
    double startTick = 0; ///< tick at x = 0 of the lane area
    double ticksPerPixel = 1; ///< > 0; < 1 when a tick is wider than a pixel
    int width = 1; ///< lane area width in pixels

    double endTick() const { return startTick + ticksPerPixel * width; }
    double x(double tick) const { return (tick - startTick) / ticksPerPixel; }
    double tickAt(double x) const { return startTick + x * ticksPerPixel; }
    double pixelsPerTick() const { return 1.0 / ticksPerPixel; }

    /// Zooms by `factor` (> 1 zooms in) keeping the tick under `anchorX` in place;
    /// the scale is clamped to [minTicksPerPixel, maxTicksPerPixel].
    void zoomAround(double anchorX, double factor, double minTicksPerPixel, double maxTicksPerPixel)
    {
        const double anchor = tickAt(anchorX);
        ticksPerPixel = std::clamp(ticksPerPixel / factor, minTicksPerPixel, maxTicksPerPixel);
        startTick = anchor - anchorX * ticksPerPixel;
    }
    /// Shows ticks [first, last] over `widthPx` pixels.
    static TimelineViewport fit(double first, double last, int widthPx)
    {
        TimelineViewport v;
        v.width = std::max(1, widthPx);
        v.startTick = first;
        v.ticksPerPixel = std::max(1e-9, (last - first) / double(v.width));
        return v;
    }
    bool operator==(const TimelineViewport&) const = default;
};

} // namespace aeroflow::timeline
