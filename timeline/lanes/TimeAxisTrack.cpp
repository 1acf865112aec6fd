#include "TimeAxisTrack.h"

#include <cmath>

namespace aeroflow::timeline {

double TimeAxisTrack::tickStep(const TimelineViewport& vp, double minPixels)
{
    const double raw = std::max(1.0, minPixels * vp.ticksPerPixel);
    const double base = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : { 1.0, 2.0, 5.0, 10.0 })
        if (base * m >= raw)
            return base * m;
    return base * 10;
}

void TimeAxisTrack::paint(QPainter& p, const QRect& rect, const TimelineViewport& vp, const TimelinePalette& palette,
    const std::vector<Bookmark>& bookmarks, double cursorX)
{
    p.fillRect(rect, palette.laneHeader);
    const double step = tickStep(vp, 80);
    p.setPen(palette.text);
    const QFontMetrics fm = p.fontMetrics();
    // Bounded by the width: near tick 2^62 a step can be below a double's
    // resolution, where `t += step` would stand still.
    const int maxLabels = rect.width() / 40 + 2;
    int labels = 0;
    for (double t = std::floor(std::max(0.0, vp.startTick) / step) * step; t <= vp.endTick() && labels < maxLabels;
         t = std::max(t + step, std::nextafter(t, HUGE_VAL)), ++labels) {
        const double x = rect.left() + vp.x(t);
        if (x < rect.left() - 1)
            continue;
        p.setPen(palette.grid);
        p.drawLine(QPointF(x, rect.bottom() - 6), QPointF(x, rect.bottom()));
        p.setPen(palette.textDim);
        p.drawText(QPointF(x + 3, rect.bottom() - 7), QString::number(qlonglong(t)));
    }
    // Bookmarks: a small flag at the start of their tick.
    for (const Bookmark& b : bookmarks) {
        const double x = rect.left() + vp.x(double(b.tick) + 1);
        if (x < rect.left() - 8 || x > rect.right() + 8)
            continue;
        p.setPen(QPen(palette.bookmark, 2));
        p.drawLine(QPointF(x, rect.top() + 2), QPointF(x, rect.bottom()));
        QPolygonF flag { QPointF(x, rect.top() + 2), QPointF(x + 9, rect.top() + 6), QPointF(x, rect.top() + 10) };
        p.setBrush(palette.bookmark);
        p.drawPolygon(flag);
        if (!b.note.empty())
            p.drawText(QPointF(x + 11, rect.top() + fm.ascent()),
                fm.elidedText(QString::fromStdString(b.note), Qt::ElideRight, 120));
    }
    // The cursor's handle, which the user drags to scrub.
    if (cursorX >= -6 && cursorX <= rect.width() + 6) {
        const double x = rect.left() + cursorX;
        p.setPen(Qt::NoPen);
        p.setBrush(palette.cursor);
        p.drawPolygon(
            QPolygonF { QPointF(x - 6, rect.top() + 12), QPointF(x + 6, rect.top() + 12), QPointF(x, rect.bottom()) });
    }
    p.setBrush(Qt::NoBrush);
}

int TimeAxisTrack::bookmarkAt(double x, const TimelineViewport& vp, const std::vector<Bookmark>& bookmarks)
{
    for (size_t i = 0; i < bookmarks.size(); ++i) {
        const double bx = vp.x(double(bookmarks[i].tick) + 1);
        if (x >= bx - 3 && x <= bx + 10)
            return int(i);
    }
    return -1;
}

} // namespace aeroflow::timeline
