#include "LaneTrack.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace aeroflow::timeline {

namespace {

constexpr size_t kMaxArrowsDrawn = 300;

/// Lane rows on screen: actor -> top y.
std::unordered_map<uint32_t, int> visibleLanes(const LaneLayout& l)
{
    std::unordered_map<uint32_t, int> y;
    for (int r = l.firstVisibleRow(); r <= l.lastVisibleRow(); ++r)
        if (!l.rows[size_t(r)].group)
            y.emplace(l.rows[size_t(r)].actor, l.rowTop(r));
    return y;
}

QRectF sliceRect(const LaneTrack::Context& c, double tick0, double tick1, int top)
{
    // Kept near the plot: a mark over ticks up to 2^62 zoomed in is ~1e18 px
    // wide, which the raster engine's fixed-point coordinates cannot take.
    const QRect plot = c.layout->plot();
    const double lo = plot.left() - 16.0, hi = plot.right() + 16.0;
    const double x0 = std::clamp(plot.left() + c.viewport.x(tick0), lo, hi);
    const double x1 = std::clamp(plot.left() + c.viewport.x(tick1), lo, hi);
    return QRectF(x0, top + 2, std::max(1.0, x1 - x0), c.layout->rowHeight - 4);
}

} // namespace

void LaneTrack::paint(QPainter& p, const Context& c)
{
    const LaneLayout& l = *c.layout;
    const TimelinePalette& pal = *c.palette;
    const QRect plot = l.plot();
    p.save();
    p.setClipRect(l.area);
    p.fillRect(l.area, pal.background);
    for (int r = l.firstVisibleRow(); r <= l.lastVisibleRow(); ++r) {
        const QRect row(plot.left(), l.rowTop(r), plot.width(), l.rowHeight);
        if (l.rows[size_t(r)].group)
            p.fillRect(row, pal.laneHeader);
        else if (r % 2)
            p.fillRect(row, pal.laneAlternate);
        if (!l.rows[size_t(r)].group && int64_t(l.rows[size_t(r)].actor) == c.selectedActor) {
            QColor sel = pal.selection;
            sel.setAlpha(40);
            p.fillRect(row, sel);
        }
    }
    p.setClipRect(plot);
    const auto lanes = visibleLanes(l);
    if (c.frame) {
        const FrameList& f = *c.frame;
        // Density marks: the colour deepens with the log of the count, in
        // kLevels opaque steps (pre-blended over the lane background, so the
        // rects are solid fills), drawn as one batch per step.
        constexpr int kLevels = 12;
        uint64_t peak = 1;
        for (const FrameMark& m : f.marks)
            peak = std::max(peak, m.count);
        const double logPeak = std::log1p(double(peak));
        const QFontMetrics fm = p.fontMetrics();
        std::vector<QRectF> byLevel[kLevels];
        std::vector<std::pair<QRectF, const FrameMark*>> labelled;
        for (const FrameMark& m : f.marks) {
            const auto it = lanes.find(m.actor);
            if (it == lanes.end())
                continue;
            const QRectF r = sliceRect(c, m.tick0, m.tick1, it->second);
            if (r.right() < plot.left() || r.left() > plot.right())
                continue;
            const int level
                = std::clamp(int(std::log1p(double(m.count)) / logPeak * (kLevels - 1) + 0.5), 0, kLevels - 1);
            byLevel[level].push_back(r);
            if (r.width() > 36)
                labelled.emplace_back(r, &m);
        }
        p.setPen(Qt::NoPen);
        for (int level = 0; level < kLevels; ++level) {
            if (byLevel[level].empty())
                continue;
            const double a = 0.3 + 0.7 * level / (kLevels - 1);
            const QColor& bg = pal.background;
            const QColor& d = pal.density;
            p.setBrush(QColor::fromRgbF(float(d.redF() * a + bg.redF() * (1 - a)),
                float(d.greenF() * a + bg.greenF() * (1 - a)), float(d.blueF() * a + bg.blueF() * (1 - a))));
            p.drawRects(byLevel[level].data(), int(byLevel[level].size()));
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(pal.sliceText);
        for (const auto& [r, m] : labelled)
            p.drawText(r, Qt::AlignCenter, (m->estimated ? QStringLiteral("~%1") : QStringLiteral("%1")).arg(m->count));
        // Slices: fills batched per colour, then the borders in one batch.
        std::vector<QRectF> borders;
        std::vector<const FrameSlice*> named;
        std::unordered_map<QRgb, std::vector<QRectF>> fills;
        QRectF selectedRect;
        for (const FrameSlice& s : f.slices) {
            const auto it = lanes.find(s.actor);
            if (it == lanes.end())
                continue;
            const QRectF r = sliceRect(c, s.tick0, s.tick1, it->second).adjusted(0.5, 0, -0.5, 0);
            if (r.right() < plot.left() || r.left() > plot.right())
                continue;
            fills[(s.outcome == 2 ? pal.crash : pal.typeColor(c.lanes->actorType(s.actor))).rgba()].push_back(r);
            borders.push_back(r);
            if (s.seq == c.selectedMessage)
                selectedRect = r;
            if (r.width() > 40 || s.outcome == 1)
                named.push_back(&s);
        }
        p.setPen(Qt::NoPen);
        for (const auto& [rgb, rects] : fills) {
            p.setBrush(QColor::fromRgba(rgb));
            p.drawRects(rects.data(), int(rects.size()));
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(pal.sliceBorder, 1));
        p.drawRects(borders.data(), int(borders.size()));
        for (const FrameSlice* s : named) {
            const QRectF r = sliceRect(c, s->tick0, s->tick1, lanes.at(s->actor)).adjusted(0.5, 0, -0.5, 0);
            if (r.width() > 40 && c.handlerName) {
                p.setPen(pal.sliceText);
                p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
                    fm.elidedText(c.handlerName(s->handler), Qt::ElideRight, int(r.width()) - 5));
            }
            if (s->outcome == 1) { // dropped: struck through
                p.setPen(QPen(pal.textDim, 1));
                p.drawLine(r.bottomLeft(), r.topRight());
            }
        }
        if (!selectedRect.isNull()) {
            p.setPen(QPen(pal.selection, 2));
            p.drawRect(selectedRect);
        }
        // Crash and output markers.
        for (const FrameEvent& e : f.events) {
            const auto it = lanes.find(e.actor);
            if (it == lanes.end())
                continue;
            const double x = plot.left() + c.viewport.x(e.tick);
            const double y = it->second;
            if (e.kind == FrameEvent::Kind::Crash) {
                p.setPen(QPen(pal.crash, 2));
                p.drawLine(QPointF(x - 4, y + 3), QPointF(x + 4, y + 11));
                p.drawLine(QPointF(x + 4, y + 3), QPointF(x - 4, y + 11));
            } else {
                p.setPen(Qt::NoPen);
                p.setBrush(pal.output);
                p.drawEllipse(QPointF(x, y + l.rowHeight - 4), 2.5, 2.5);
                p.setBrush(Qt::NoBrush);
            }
        }
        // Arrows: cause slice -> effect slice, as batched lines (antialiased
        // only while there are few).
        std::vector<QLineF> lines, selected;
        for (const FrameArrow& a : f.arrows) {
            const auto from = lanes.find(a.fromActor), to = lanes.find(a.toActor);
            if (from == lanes.end() || to == lanes.end())
                continue;
            const QPointF p0(plot.left() + c.viewport.x(a.fromTick), from->second + l.rowHeight / 2.0);
            const QPointF p1(plot.left() + c.viewport.x(a.toTick), to->second + l.rowHeight / 2.0);
            if (std::max(p0.x(), p1.x()) < plot.left() || std::min(p0.x(), p1.x()) > plot.right())
                continue;
            auto& out = a.toSeq == c.selectedMessage || a.fromSeq == c.selectedMessage ? selected : lines;
            const double angle = std::atan2(p1.y() - p0.y(), p1.x() - p0.x());
            out.emplace_back(p0, p1);
            out.emplace_back(p1, p1 - QPointF(std::cos(angle - 0.4) * 6, std::sin(angle - 0.4) * 6));
            out.emplace_back(p1, p1 - QPointF(std::cos(angle + 0.4) * 6, std::sin(angle + 0.4) * 6));
        }
        // Past a few hundred arrows the lanes drown in lines: then only the
        // selected message's arrows are drawn (as Perfetto shows flows).
        if (lines.size() <= 3 * kMaxArrowsDrawn) {
            p.setRenderHint(QPainter::Antialiasing, true);
            p.setPen(QPen(pal.message, 1));
            p.drawLines(lines.data(), int(lines.size()));
        }
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(QPen(pal.selection, 2));
        p.drawLines(selected.data(), int(selected.size()));
        p.setRenderHint(QPainter::Antialiasing, false);
    }
    paintLabels(p, c);
    p.restore();
}

void LaneTrack::paintLabels(QPainter& p, const Context& c)
{
    const LaneLayout& l = *c.layout;
    const TimelinePalette& pal = *c.palette;
    const QRect labels(l.area.left(), l.area.top(), l.labelWidth, l.area.height());
    p.setClipRect(labels);
    p.fillRect(labels, pal.laneHeader);
    const QFontMetrics fm = p.fontMetrics();
    for (int r = l.firstVisibleRow(); r <= l.lastVisibleRow(); ++r) {
        const LaneModel::Row& row = l.rows[size_t(r)];
        const QRect rect(labels.left(), l.rowTop(r), labels.width(), l.rowHeight);
        if (row.group) {
            const QModelIndex g = c.lanes->index(row.groupRow, 0);
            const bool collapsed = g.data(LaneModel::CollapsedRole).toBool();
            p.setPen(pal.text);
            QFont bold = p.font();
            bold.setBold(true);
            p.setFont(bold);
            const QString text = QStringLiteral("%1 %2 (%3)")
                                     .arg(collapsed ? QChar(0x25B8) : QChar(0x25BE))
                                     .arg(g.data().toString())
                                     .arg(g.data(LaneModel::ActorCountRole).toInt());
            p.drawText(rect.adjusted(4, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                QFontMetrics(bold).elidedText(text, Qt::ElideRight, rect.width() - 8));
            bold.setBold(false);
            p.setFont(bold);
        } else {
            p.fillRect(QRect(rect.left() + 8, rect.top() + 5, 4, rect.height() - 10),
                pal.typeColor(c.lanes->actorType(row.actor)));
            p.setPen(int64_t(row.actor) == c.selectedActor ? pal.selection : pal.text);
            p.drawText(rect.adjusted(18, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft,
                fm.elidedText(c.lanes->actorName(row.actor), Qt::ElideRight, rect.width() - 22));
        }
    }
    p.setPen(pal.grid);
    p.drawLine(labels.topRight(), labels.bottomRight());
}

const FrameSlice* LaneTrack::sliceAt(const Context& c, QPoint pos)
{
    if (!c.frame || !c.layout->plot().contains(pos))
        return nullptr;
    const int row = c.layout->rowAt(pos.y());
    if (row < 0 || c.layout->rows[size_t(row)].group)
        return nullptr;
    const uint32_t actor = c.layout->rows[size_t(row)].actor;
    const double tick = c.viewport.tickAt(pos.x() - c.layout->plot().left());
    const auto& s = c.frame->slices;
    auto it = std::lower_bound(s.begin(), s.end(), actor, [](const FrameSlice& a, uint32_t x) { return a.actor < x; });
    for (; it != s.end() && it->actor == actor; ++it)
        if (tick >= it->tick0 && tick < it->tick1)
            return &*it;
    return nullptr;
}

const FrameMark* LaneTrack::markAt(const Context& c, QPoint pos)
{
    if (!c.frame || !c.layout->plot().contains(pos))
        return nullptr;
    const int row = c.layout->rowAt(pos.y());
    if (row < 0 || c.layout->rows[size_t(row)].group)
        return nullptr;
    const uint32_t actor = c.layout->rows[size_t(row)].actor;
    const double x = pos.x() - c.layout->plot().left();
    for (const FrameMark& m : c.frame->marks)
        if (m.actor == actor && x >= c.viewport.x(m.tick0) - 1
            && x <= std::max(c.viewport.x(m.tick1), c.viewport.x(m.tick0) + 1) + 1)
            return &m;
    return nullptr;
}

std::optional<QPointF> LaneTrack::slicePosition(const Context& c, uint64_t seq)
{
    if (!c.frame)
        return std::nullopt;
    const auto lanes = visibleLanes(*c.layout);
    for (const FrameSlice& s : c.frame->slices) {
        if (s.seq != seq)
            continue;
        const auto it = lanes.find(s.actor);
        if (it == lanes.end())
            return std::nullopt;
        return sliceRect(c, s.tick0, s.tick1, it->second).center();
    }
    return std::nullopt;
}

} // namespace aeroflow::timeline
