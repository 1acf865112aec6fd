#include "OutsideTrack.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace aeroflow::timeline {

namespace {

using Kind = FrameWorldMark::Kind;
using Family = FrameWorldMark::Family;

constexpr size_t kMaxArrowsDrawn = 300;
constexpr int kLevels = 8;

QColor familyColor(Family f, const TimelinePalette& pal)
{
    switch (f) {
    case Family::Http:
        return pal.worldHttp;
    case Family::WebSocket:
        return pal.worldWebSocket;
    case Family::Call:
        return pal.worldCall;
    case Family::Timer:
        return pal.worldTimer;
    case Family::Run:
        return pal.worldRun;
    case Family::Damaged:
        break;
    }
    return pal.crash;
}

QColor blend(const QColor& c, const QColor& bg, double a)
{
    return QColor::fromRgbF(float(c.redF() * a + bg.redF() * (1 - a)), float(c.greenF() * a + bg.greenF() * (1 - a)),
        float(c.blueF() * a + bg.blueF() * (1 - a)));
}

/// Drawn hollow with a dashed border: nothing reached the client.
bool hollow(const FrameWorldMark& m)
{
    return m.flags & FrameWorldMark::Vanished;
}

bool related(const FrameWorldMark& m, const FrameWorldMark& sel)
{
    if (&m == &sel || m.id == 0 || m.family() != sel.family())
        return false;
    const Family f = m.family();
    return f == Family::Http || f == Family::WebSocket || f == Family::Call || f == Family::Timer ? m.id == sel.id
                                                                                                  : false;
}

std::unordered_map<uint32_t, int> visibleLanes(const LaneLayout& l)
{
    std::unordered_map<uint32_t, int> y;
    for (int r = l.firstVisibleRow(); r <= l.lastVisibleRow(); ++r)
        if (!l.rows[size_t(r)].group)
            y.emplace(l.rows[size_t(r)].actor, l.rowTop(r));
    return y;
}

} // namespace

QRectF OutsideTrack::Context::half(bool output) const
{
    const QRect p = plot();
    const double h = (p.height() - 6) / 2.0;
    return QRectF(p.left(), p.top() + 2 + (output ? h + 2 : 0), p.width(), h);
}

QRectF OutsideTrack::markRect(const Context& c, double tick0, double tick1, bool output)
{
    const QRectF h = c.half(output);
    const double x0 = h.left() + c.viewport.x(tick0), x1 = h.left() + c.viewport.x(tick1);
    return QRectF(x0, h.top() + 1, std::max(1.0, x1 - x0), h.height() - 2);
}

QColor OutsideTrack::colorOf(const FrameWorldMark& m, const TimelinePalette& pal)
{
    switch (m.kind) {
    case Kind::Respond:
        if (m.flags & (FrameWorldMark::TimedOut | FrameWorldMark::ServerError))
            return pal.worldServerError;
        if (m.flags & FrameWorldMark::Vanished)
            return pal.worldVanished;
        return m.flags & FrameWorldMark::ClientError ? pal.worldClientError : pal.worldOk;
    case Kind::RequestDone:
        return m.flags & FrameWorldMark::Vanished ? pal.worldVanished : pal.worldServerError;
    case Kind::CallDone:
        return m.flags & FrameWorldMark::ServerError ? pal.worldServerError : pal.worldCall;
    case Kind::Unread:
        return pal.worldRun;
    default:
        break;
    }
    return familyColor(m.family(), pal);
}

void OutsideTrack::paint(QPainter& p, const Context& c)
{
    const TimelinePalette& pal = *c.palette;
    const QRect plot = c.plot();
    p.save();
    p.setClipRect(c.band);
    p.fillRect(plot, pal.worldBackground);
    const QRectF in = c.half(false), out = c.half(true);
    p.setPen(QPen(pal.grid, 1));
    p.drawLine(
        QPointF(plot.left(), (in.bottom() + out.top()) / 2), QPointF(plot.right(), (in.bottom() + out.top()) / 2));
    p.drawLine(QPointF(c.band.left(), c.band.bottom()), QPointF(c.band.right(), c.band.bottom()));

    // Label column: the lane's name and its halves.
    const QRect labels(c.band.left(), c.band.top(), c.labelWidth, c.band.height());
    p.fillRect(labels, pal.laneHeader);
    QFont font = p.font();
    QFont bold = font;
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(c.laneSelected ? pal.selection : pal.text);
    const QRect inLabel(labels.left() + 4, int(in.top()), labels.width() - 8, int(in.height()));
    const QRect outLabel(labels.left() + 4, int(out.top()), labels.width() - 8, int(out.height()));
    p.drawText(inLabel, Qt::AlignVCenter | Qt::AlignLeft, QObject::tr("outside world"));
    p.setFont(font);
    p.setPen(pal.textDim);
    p.drawText(inLabel, Qt::AlignVCenter | Qt::AlignRight, QObject::tr("in"));
    p.drawText(outLabel, Qt::AlignVCenter | Qt::AlignRight, QObject::tr("out"));
    p.setPen(pal.grid);
    p.drawLine(labels.topRight(), labels.bottomRight());

    p.setClipRect(plot);
    if (!c.frame || !c.frame->world.enabled) {
        p.restore();
        return;
    }
    const WorldFrame& w = c.frame->world;
    if (!w.error.empty()) {
        p.setPen(pal.crash);
        p.drawText(plot.adjusted(6, 0, -6, 0), Qt::AlignVCenter | Qt::AlignLeft,
            QObject::tr("cannot read the outside world: %1").arg(QString::fromStdString(w.error)));
    }
    const QFontMetrics fm = p.fontMetrics();

    // Density: the family's colour (the neutral density colour when mixed),
    // deeper with the log of the count; alerts as a red bar under the cell.
    uint64_t peak = 1;
    for (const FrameWorldDensity& d : w.density)
        peak = std::max(peak, d.count);
    const double logPeak = std::log1p(double(peak));
    std::unordered_map<QRgb, std::vector<QRectF>> fills;
    std::vector<QRectF> alerts;
    std::vector<std::pair<QRectF, const FrameWorldDensity*>> counted;
    for (const FrameWorldDensity& d : w.density) {
        QRectF r = markRect(c, d.tick0, d.tick1, d.output);
        if (r.right() < plot.left() || r.left() > plot.right())
            continue;
        r.setWidth(std::max(2.0, r.width()));
        QColor base = pal.density;
        for (int f = 0; f <= int(Family::Damaged); ++f)
            if (d.families == (1u << f))
                base = familyColor(Family(f), pal);
        const int level = std::clamp(int(std::log1p(double(d.count)) / logPeak * (kLevels - 1) + 0.5), 0, kLevels - 1);
        fills[blend(base, pal.worldBackground, 0.35 + 0.65 * level / (kLevels - 1)).rgba()].push_back(r);
        if (d.alerts > 0)
            alerts.emplace_back(r.left(), r.bottom() - 2, r.width(), 3);
        if (r.width() > 36)
            counted.emplace_back(r, &d);
    }
    p.setPen(Qt::NoPen);
    for (const auto& [rgb, rects] : fills) {
        p.setBrush(QColor::fromRgba(rgb));
        p.drawRects(rects.data(), int(rects.size()));
    }
    p.setBrush(pal.worldServerError);
    p.drawRects(alerts.data(), int(alerts.size()));
    p.setBrush(Qt::NoBrush);
    p.setPen(pal.sliceText);
    for (const auto& [r, d] : counted)
        p.drawText(r, Qt::AlignCenter, (d->estimated ? QStringLiteral("~%1") : QStringLiteral("%1")).arg(d->count));

    // Marks, batched per colour; hollow ones (nothing reached the client)
    // and damaged rows drawn on their own.
    fills.clear();
    std::vector<QRectF> borders, hollows, damaged;
    std::vector<std::pair<QRectF, const FrameWorldMark*>> labelled;
    const FrameWorldMark* selected = nullptr;
    for (const FrameWorldMark& m : w.marks)
        if (m.row == c.selected.row && m.output == c.selected.output && !c.selected.isNull())
            selected = &m;
    std::vector<QRectF> relatedRects;
    QRectF selectedRect;
    for (const FrameWorldMark& m : w.marks) {
        const QRectF r = markRect(c, m.tick0, m.tick1, m.output).adjusted(0.5, 0, -0.5, 0);
        if (r.right() < plot.left() || r.left() > plot.right())
            continue;
        if (m.kind == Kind::Damaged)
            damaged.push_back(r);
        else if (hollow(m))
            hollows.push_back(r);
        else
            fills[colorOf(m, pal).rgba()].push_back(r);
        borders.push_back(r);
        if (&m == selected)
            selectedRect = r;
        else if ((selected && related(m, *selected))
            || (c.selectedMessage != 0
                && ((!m.output && m.deliveredSeq == c.selectedMessage)
                    || (m.output && m.seq == c.selectedMessage && m.kind == Kind::Respond))))
            relatedRects.push_back(r);
        if (r.width() > 30)
            labelled.emplace_back(r, &m);
    }
    p.setPen(Qt::NoPen);
    for (const auto& [rgb, rects] : fills) {
        p.setBrush(QColor::fromRgba(rgb));
        p.drawRects(rects.data(), int(rects.size()));
    }
    p.setBrush(QBrush(pal.crash, Qt::BDiagPattern));
    p.drawRects(damaged.data(), int(damaged.size()));
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(
        pal.worldBackground.lightness() < 128 ? pal.worldBackground.lighter(160) : pal.worldBackground.darker(130), 1));
    p.drawRects(borders.data(), int(borders.size()));
    p.setPen(QPen(pal.worldVanished, 1, Qt::DashLine));
    p.drawRects(hollows.data(), int(hollows.size()));
    for (const auto& [r, m] : labelled) {
        p.setPen(hollow(*m) ? pal.worldVanished : pal.sliceText);
        p.drawText(r.adjusted(3, 0, -2, 0), Qt::AlignVCenter | Qt::AlignLeft,
            fm.elidedText(QString::fromStdString(m->label), Qt::ElideRight, int(r.width()) - 5));
    }
    if (!relatedRects.empty()) {
        p.setPen(QPen(pal.selection, 1));
        p.drawRects(relatedRects.data(), int(relatedRects.size()));
    }
    if (!selectedRect.isNull()) {
        p.setPen(QPen(pal.selection, 2));
        p.drawRect(selectedRect);
    }
    p.restore();
}

void OutsideTrack::paintArrows(QPainter& p, const Context& c)
{
    if (!c.frame || !c.frame->world.enabled || !c.layout)
        return;
    const WorldFrame& w = c.frame->world;
    const LaneLayout& l = *c.layout;
    const auto lanes = visibleLanes(l);
    const QRect plot = c.plot();
    p.save();
    // Across the lane and the actor lanes, never over the label columns.
    p.setClipRect(QRect(plot.left(), c.band.top(), plot.width(), l.area.bottom() - c.band.top() + 1));
    std::vector<QLineF> lines, selected;
    const FrameWorldMark* sel = nullptr;
    for (const FrameWorldMark& m : w.marks)
        if (!c.selected.isNull() && m.row == c.selected.row && m.output == c.selected.output)
            sel = &m;
    for (const FrameWorldArrow& a : w.arrows) {
        const auto lane = lanes.find(a.actor);
        if (lane == lanes.end())
            continue;
        const double mx = plot.left() + c.viewport.x(a.markTick);
        const double dx = plot.left() + c.viewport.x(a.deliveryTick);
        if (std::max(mx, dx) < plot.left() || std::min(mx, dx) > plot.right())
            continue;
        const QRectF half = c.half(a.output);
        const QPointF mark(mx, half.bottom() - 1), delivery(dx, lane->second + l.rowHeight / 2.0);
        // In: from the mark down to the delivery; out: from the delivery up.
        const QPointF from = a.output ? delivery : mark, to = a.output ? mark : delivery;
        const bool isSelected = (sel && sel->row == a.row && sel->output == a.output)
            || (c.selectedMessage != 0 && a.deliverySeq == c.selectedMessage);
        auto& out = isSelected ? selected : lines;
        const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
        out.emplace_back(from, to);
        out.emplace_back(to, to - QPointF(std::cos(angle - 0.4) * 6, std::sin(angle - 0.4) * 6));
        out.emplace_back(to, to - QPointF(std::cos(angle + 0.4) * 6, std::sin(angle + 0.4) * 6));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    if (lines.size() <= 3 * kMaxArrowsDrawn) {
        QColor arrow = c.palette->worldArrow;
        arrow.setAlpha(170);
        p.setPen(QPen(arrow, 1));
        p.drawLines(lines.data(), int(lines.size()));
    }
    p.setPen(QPen(c.palette->selection, 2));
    p.drawLines(selected.data(), int(selected.size()));
    p.restore();
}

const FrameWorldMark* OutsideTrack::markAt(const Context& c, QPoint pos)
{
    if (!c.frame || !c.plot().contains(pos))
        return nullptr;
    for (const FrameWorldMark& m : c.frame->world.marks)
        if (markRect(c, m.tick0, m.tick1, m.output).adjusted(0, -1, 0, 1).contains(pos))
            return &m;
    return nullptr;
}

const FrameWorldDensity* OutsideTrack::densityAt(const Context& c, QPoint pos)
{
    if (!c.frame || !c.plot().contains(pos))
        return nullptr;
    for (const FrameWorldDensity& d : c.frame->world.density) {
        QRectF r = markRect(c, d.tick0, d.tick1, d.output);
        r.setWidth(std::max(2.0, r.width()));
        if (r.adjusted(-1, -1, 1, 1).contains(pos))
            return &d;
    }
    return nullptr;
}

std::optional<QPointF> OutsideTrack::markPosition(const Context& c, OutsideRef ref)
{
    if (!c.frame || ref.isNull())
        return std::nullopt;
    for (const FrameWorldMark& m : c.frame->world.marks)
        if (m.row == ref.row && m.output == ref.output) {
            const QPointF centre = markRect(c, m.tick0, m.tick1, m.output).center();
            if (!c.plot().contains(centre.toPoint()))
                return std::nullopt;
            return centre;
        }
    return std::nullopt;
}

} // namespace aeroflow::timeline
