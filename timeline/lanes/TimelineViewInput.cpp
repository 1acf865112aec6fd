// TimelineView: keyboard, mouse and navigation (the painting and data side
// are in TimelineView.cpp).
#include "TimelineView.h"

#include "LaneTrack.h"
#include "MinimapTrack.h"
#include "TimeAxisTrack.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>

namespace aeroflow::timeline {

namespace {

constexpr double kKeyZoom = 1.25;
constexpr double kKeyPan = 0.1; // of the width

} // namespace

void TimelineView::keyPressEvent(QKeyEvent* event)
{
    if (!m_cursor || !m_cursor->isOpen()) {
        QWidget::keyPressEvent(event);
        return;
    }
    const QPoint mouse = mapFromGlobal(QCursor::pos());
    const double anchor = m_layout.plot().contains(mouse) ? mouse.x() - m_layout.plot().left() : m_viewport.width / 2.0;
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    switch (event->key()) {
    case Qt::Key_W:
        zoom(kKeyZoom, anchor);
        break;
    case Qt::Key_S:
        zoom(1 / kKeyZoom, anchor);
        break;
    case Qt::Key_A:
        pan(-kKeyPan * m_viewport.width);
        break;
    case Qt::Key_D:
        pan(kKeyPan * m_viewport.width);
        break;
    case Qt::Key_F:
        zoomToFit();
        break;
    case Qt::Key_BracketLeft:
        if (const OutsideRef ref = m_cursor->selectedOutside(); !ref.isNull()) {
            if (ref.output) // a response: the delivery that sent it
                m_source.requestOutsideNavigation(TimelineDataSource::Navigation::DeliveryOf, ref, 0);
        } else {
            navigate(TimelineDataSource::Navigation::Cause);
        }
        break;
    case Qt::Key_BracketRight:
        if (const OutsideRef ref = m_cursor->selectedOutside(); !ref.isNull()) {
            if (!ref.output) // an input: the delivery it queued
                m_source.requestOutsideNavigation(TimelineDataSource::Navigation::DeliveryOf, ref, 0);
        } else {
            navigate(TimelineDataSource::Navigation::FirstEffect);
        }
        break;
    case Qt::Key_Period:
        navigate(TimelineDataSource::Navigation::NextOnLane);
        break;
    case Qt::Key_Comma:
        navigate(TimelineDataSource::Navigation::PreviousOnLane);
        break;
    case Qt::Key_Home:
        m_cursor->setSeq(0);
        ensureTickVisible(0);
        break;
    case Qt::Key_End:
        m_cursor->setSeq(m_cursor->endSeq());
        ensureTickVisible(m_cursor->endTick());
        break;
    case Qt::Key_B:
        if (!ctrl) {
            QWidget::keyPressEvent(event);
            return;
        } else {
            const uint64_t tick = m_cursor->tick();
            std::optional<QString> note = m_notePrompt ? m_notePrompt(tick) : std::optional<QString>(QString());
            if (note)
                addBookmark(tick, *note);
        }
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimelineView::navigate(TimelineDataSource::Navigation kind)
{
    using N = TimelineDataSource::Navigation;
    const uint64_t selected = m_cursor->selectedMessage();
    if ((kind == N::NextOnLane || kind == N::PreviousOnLane) && m_outsideLane) {
        // The outside lane: the next / previous event of the selected one's
        // half, or the first input after (last at or before) the cursor.
        m_source.requestOutsideNavigation(
            kind == N::NextOnLane ? N::NextOutside : N::PreviousOutside, m_cursor->selectedOutside(), m_cursor->seq());
        return;
    }
    if (kind == N::NextOnLane || kind == N::PreviousOnLane) {
        // The selected lane: the selected actor, else the selected message's receiver.
        int64_t actor = m_cursor->selectedActor();
        if (actor < 0 && m_frame)
            for (const FrameSlice& s : m_frame->slices)
                if (s.seq == selected)
                    actor = s.actor;
        if (actor < 0)
            return;
        m_source.requestNavigation(kind, selected ? selected : m_cursor->seq(), uint32_t(actor));
        return;
    }
    if (selected)
        m_source.requestNavigation(kind, selected);
}

void TimelineView::onNavigated(TimelineDataSource::Navigation, uint64_t from, uint64_t seq)
{
    if (!m_cursor || seq == 0)
        return;
    // Ignore an answer about a selection that has moved on meanwhile.
    if (m_cursor->selectedMessage() != 0 && m_cursor->selectedMessage() != from)
        return;
    selectSeq(seq);
}

void TimelineView::onOutsideNavigated(TimelineDataSource::Navigation, uint64_t fromSeq, OutsideRef to, uint64_t seq)
{
    if (!m_cursor || to.isNull())
        return;
    // Ignore an answer about a message that is no longer selected.
    if (fromSeq != 0 && m_cursor->selectedMessage() != fromSeq)
        return;
    selectOutside(to, seq);
}

void TimelineView::selectOutside(OutsideRef ref, uint64_t seq)
{
    m_outsideLane = true;
    m_cursor->selectActor(-1);
    m_cursor->selectOutside(ref);
    m_cursor->setSeq(seq);
    // An output sits in the tick of the delivery that sent it; an input in
    // the next one (where it was stamped).
    ensureTickVisible(m_cursor->tick() + (ref.output ? 0 : 1));
    update();
}

QString TimelineView::outsideTooltip(QPoint pos) const
{
    if (!m_world || !outsideRect().contains(pos))
        return {};
    const OutsideTrack::Context c = outsideContext();
    if (const FrameWorldMark* m = OutsideTrack::markAt(c, pos)) {
        QString text = QString::fromStdString(m->label);
        if (m->id != 0)
            text += tr(" (#%1)").arg(m->id);
        if (m->flags & FrameWorldMark::TimedOut)
            text += tr("\n504 sent: the program did not answer in time");
        if (m->flags & FrameWorldMark::Vanished)
            text += tr("\nthe client was gone when the answer left");
        text += m->output ? tr("\nsent during delivery #%1").arg(m->seq)
                          : tr("\narrived after delivery #%1, tick %2").arg(m->seq).arg(qulonglong(m->tick0));
        if (m->deliveredSeq != 0)
            text += tr("\ndelivered as #%1").arg(m->deliveredSeq);
        return text + tr("\nclick for details");
    }
    if (const FrameWorldDensity* d = OutsideTrack::densityAt(c, pos)) {
        QString text = tr("%1%2 %3, ticks %4–%5")
                           .arg(d->estimated ? QStringLiteral("~") : QString())
                           .arg(d->count)
                           .arg(d->output ? tr("sent out") : tr("inputs"))
                           .arg(qulonglong(d->tick0))
                           .arg(qulonglong(std::ceil(d->tick1) - 1));
        if (d->alerts > 0)
            text += tr("\n%1%2 failed (5xx, timed out, vanished or damaged)")
                        .arg(d->estimated ? QStringLiteral("~") : QString())
                        .arg(d->alerts);
        return text + tr("\nzoom in (W) to see them one by one");
    }
    return pos.x() < m_layout.labelWidth
        ? tr("Inputs from outside (HTTP, WebSocket, call answers, timers) and what the program sent out")
        : QString();
}

void TimelineView::selectSeq(uint64_t seq)
{
    m_outsideLane = false;
    m_cursor->selectMessage(seq);
    m_cursor->setSeq(seq);
    ensureTickVisible(m_cursor->tick());
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    const QPoint pos = event->position().toPoint();
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ShiftModifier) {
        m_scroll->setValue(m_scroll->value() - delta.y() / 2);
    } else {
        if (delta.y() != 0) {
            const double anchor = std::clamp(double(pos.x() - m_layout.plot().left()), 0.0, double(m_viewport.width));
            zoom(std::pow(1.0015, delta.y()), anchor);
        }
        if (delta.x() != 0)
            pan(-delta.x() / 2.0);
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    setFocus(Qt::MouseFocusReason);
    if (!m_cursor || !m_cursor->isOpen() || event->button() != Qt::LeftButton)
        return;
    const QPoint pos = event->position().toPoint();
    m_pressPos = m_lastPos = pos;
    m_moved = false;
    m_drag = Drag::None;
    if (minimapRect().contains(pos)) {
        m_drag = Drag::Minimap;
        mouseMoveEvent(event);
    } else if (axisRect().contains(pos)) {
        const int b = TimeAxisTrack::bookmarkAt(pos.x() - axisRect().left(), m_viewport, m_bookmarks);
        if (b >= 0) {
            m_cursor->setTick(m_bookmarks[size_t(b)].tick);
            return;
        }
        m_drag = Drag::Scrub;
        mouseMoveEvent(event);
    } else if (outsideRect().contains(pos)) {
        if (pos.x() < m_layout.labelWidth) {
            m_outsideLane = true;
            m_cursor->selectActor(-1);
            update();
        } else {
            m_drag = Drag::Pan;
        }
    } else if (m_layout.area.contains(pos) && pos.x() < m_layout.labelWidth) {
        m_drag = Drag::Label;
        m_pressRow = m_layout.rowAt(pos.y());
    } else if (m_layout.plot().contains(pos)) {
        m_drag = Drag::Pan;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (!(event->buttons() & Qt::LeftButton) || !m_cursor || !m_cursor->isOpen())
        return;
    if ((pos - m_pressPos).manhattanLength() > 3)
        m_moved = true;
    switch (m_drag) {
    case Drag::Minimap: {
        const QRect mini = minimapRect();
        const double tick = MinimapTrack::tickAt(pos.x() - mini.left(), mini.width(), m_cursor->endTick());
        TimelineViewport vp = m_viewport;
        vp.startTick = tick - vp.ticksPerPixel * vp.width / 2;
        setViewport(vp);
        break;
    }
    case Drag::Scrub: {
        const double tick = m_viewport.tickAt(pos.x() - axisRect().left());
        m_cursor->setTick(uint64_t(std::max(0.0, std::floor(tick))));
        break;
    }
    case Drag::Pan:
        if (m_moved) {
            pan(m_lastPos.x() - pos.x());
            m_scroll->setValue(m_scroll->value() + m_lastPos.y() - pos.y());
        }
        break;
    default:
        break;
    }
    m_lastPos = pos;
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    const Drag drag = m_drag;
    m_drag = Drag::None;
    if (!m_cursor || !m_cursor->isOpen() || event->button() != Qt::LeftButton)
        return;
    if (drag == Drag::Pan && !m_moved && outsideRect().contains(pos)) {
        if (const FrameWorldMark* m = OutsideTrack::markAt(outsideContext(), pos))
            selectOutside({ m->output, m->row }, m->seq);
        else {
            m_outsideLane = true;
            update();
        }
    } else if (drag == Drag::Pan && !m_moved) {
        m_outsideLane = false;
        if (const FrameSlice* s = LaneTrack::sliceAt(trackContext(), pos)) {
            m_cursor->selectActor(s->actor);
            selectSeq(s->seq);
        } else if (const int row = m_layout.rowAt(pos.y()); row >= 0 && !m_layout.rows[size_t(row)].group) {
            m_cursor->selectActor(m_layout.rows[size_t(row)].actor);
        }
    } else if (drag == Drag::Label) {
        const int row = m_layout.rowAt(pos.y());
        if (row < 0 || m_pressRow < 0)
            return;
        const LaneModel::Row& from = m_layout.rows[size_t(m_pressRow)];
        const LaneModel::Row& to = m_layout.rows[size_t(row)];
        if (!m_moved || row == m_pressRow) {
            if (from.group) { // click a header: collapse / expand
                m_lanes.setCollapsed(
                    from.groupRow, !m_lanes.index(from.groupRow, 0).data(LaneModel::CollapsedRole).toBool());
            } else {
                m_outsideLane = false;
                m_cursor->selectActor(from.actor);
            }
        } else if (from.group && to.group) {
            m_lanes.moveGroup(from.groupRow, to.groupRow);
        } else if (!from.group && !to.group && from.groupRow == to.groupRow) {
            // Rows of a group's actors follow its header, in order.
            int header = m_pressRow;
            while (header > 0 && !m_layout.rows[size_t(header)].group)
                --header;
            m_lanes.moveActor(from.groupRow, m_pressRow - header - 1, row - header - 1);
        }
    }
}

bool TimelineView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const LaneTrack::Context c = trackContext();
        QString text = outsideTooltip(help->pos());
        if (!text.isEmpty()) {
        } else if (const FrameSlice* s = LaneTrack::sliceAt(c, help->pos())) {
            text = tr("#%1 %2 → %3\ntick %4, cause #%5%6")
                       .arg(s->seq)
                       .arg(handlerName(s->handler))
                       .arg(m_lanes.actorName(s->actor))
                       .arg(qulonglong(std::floor(s->tick0)))
                       .arg(s->causeSeq)
                       .arg(s->outcome == 2      ? tr(", crashed")
                               : s->outcome == 1 ? tr(", dropped")
                               : s->outcome == 3 ? tr(", dead letter")
                                                 : QString());
        } else if (const FrameMark* m = LaneTrack::markAt(c, help->pos())) {
            text = tr("%1%2 messages to %3, ticks %4–%5")
                       .arg(m->estimated ? QStringLiteral("~") : QString())
                       .arg(m->count)
                       .arg(m_lanes.actorName(m->actor))
                       .arg(qulonglong(m->tick0))
                       .arg(qulonglong(std::ceil(m->tick1) - 1));
        } else if (axisRect().contains(help->pos())) {
            const int b = TimeAxisTrack::bookmarkAt(help->pos().x() - axisRect().left(), m_viewport, m_bookmarks);
            if (b >= 0)
                text = tr("bookmark at tick %1: %2")
                           .arg(m_bookmarks[size_t(b)].tick)
                           .arg(QString::fromStdString(m_bookmarks[size_t(b)].note));
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace aeroflow::timeline
