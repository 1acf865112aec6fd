#include "MinimapTrack.h"

#include <algorithm>
#include <cmath>

namespace aeroflow::timeline {

void MinimapTrack::paint(QPainter& p, const QRect& rect, const Overview& overview, const TimelineViewport& vp,
    double cursorTick, const TimelinePalette& palette)
{
    p.fillRect(rect, palette.minimapBackground);
    const double span = double(overview.endTick + 1);
    const auto xOf = [&](double tick) { return rect.left() + tick / span * rect.width(); };
    if (!overview.columns.empty()) {
        const uint32_t peak = *std::max_element(overview.columns.begin(), overview.columns.end());
        const double colWidth = double(rect.width()) / double(overview.columns.size());
        const double logPeak = std::log1p(double(std::max<uint32_t>(1, peak)));
        for (size_t i = 0; i < overview.columns.size(); ++i) {
            if (overview.columns[i] == 0)
                continue;
            const double h = (rect.height() - 4) * std::log1p(double(overview.columns[i])) / logPeak;
            p.fillRect(
                QRectF(rect.left() + i * colWidth, rect.bottom() - h, std::max(1.0, colWidth), h), palette.density);
        }
    }
    if (!overview.complete) {
        const double x = xOf(double(overview.readyTick));
        p.fillRect(QRectF(x, rect.top(), rect.right() - x, rect.height()), QBrush(palette.textDim, Qt::BDiagPattern));
    }
    // The visible window.
    const double x0 = std::clamp(xOf(vp.startTick), double(rect.left()), double(rect.right()));
    const double x1 = std::clamp(xOf(vp.endTick()), double(rect.left()), double(rect.right()));
    QColor fill = palette.minimapWindow;
    fill.setAlpha(60);
    p.fillRect(QRectF(x0, rect.top(), std::max(2.0, x1 - x0), rect.height()), fill);
    p.setPen(QPen(palette.minimapWindow, 1.5));
    p.drawRect(QRectF(x0, rect.top() + 0.5, std::max(2.0, x1 - x0), rect.height() - 1));
    p.setPen(QPen(palette.cursor, 1.5));
    const double cx = xOf(cursorTick);
    p.drawLine(QPointF(cx, rect.top()), QPointF(cx, rect.bottom()));
}

} // namespace aeroflow::timeline
