#include "TimelineView.h"

#include "MinimapTrack.h"
#include "TimeAxisTrack.h"
#include "TraceReader.h"

#include <QApplication>
#include <QPainter>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace aeroflow::timeline {

namespace {

constexpr int kMinimapHeight = 36;
constexpr int kAxisHeight = 24;
constexpr int kScrollWidth = 12;
constexpr double kMinTicksPerPixel = 1.0 / 400; // a tick at most 400 px wide
constexpr int kOverviewColumns = 1024;

} // namespace

TimelineView::TimelineView(QWidget* parent)
    : QWidget(parent)
    , m_palette(TimelinePalette::fromPalette(QWidget::palette()))
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(320, 160);
    m_scroll = new QScrollBar(Qt::Vertical, this);
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int v) {
        m_layout.scrollY = v;
        scheduleFrame();
        update();
    });
    connect(&m_source, &TimelineDataSource::frameReady, this, &TimelineView::onFrame);
    connect(&m_source, &TimelineDataSource::navigated, this, &TimelineView::onNavigated);
    connect(&m_source, &TimelineDataSource::outsideNavigated, this, &TimelineView::onOutsideNavigated);
    connect(&m_source, &TimelineDataSource::pyramidProgress, this, &TimelineView::onPyramidProgress);
    connect(&m_source, &TimelineDataSource::failed, this, [this](const QString& message) {
        m_error = message;
        Q_EMIT errorOccurred(message);
    });
    connect(&m_source, &TimelineDataSource::damageFound, this, &TimelineView::noteDamage);
    // Any change of the lanes (filter, collapse, reorder) re-lays out and re-requests.
    connect(&m_lanes, &QAbstractItemModel::modelReset, this, &TimelineView::relayout);
    connect(&m_lanes, &QAbstractItemModel::layoutChanged, this, &TimelineView::relayout);
    connect(&m_lanes, &QAbstractItemModel::rowsMoved, this, &TimelineView::relayout);
    connect(&m_lanes, &QAbstractItemModel::dataChanged, this, &TimelineView::relayout);
    m_viewport.width = 1;
}

TimelineView::~TimelineView()
{
    m_source.close();
}

void TimelineView::setCursor(TraceCursor* cursor)
{
    for (const auto& c : m_cursorConnections)
        disconnect(c);
    m_cursorConnections.clear();
    m_cursor = cursor;
    if (!cursor) {
        closeTrace();
        return;
    }
    m_cursorConnections = {
        connect(cursor, &TraceCursor::opened, this, &TimelineView::openTrace),
        connect(cursor, &TraceCursor::closed, this, &TimelineView::closeTrace),
        connect(cursor, &TraceCursor::positionChanged, this, [this] { update(); }),
        connect(cursor, &TraceCursor::messageSelected, this, [this] { update(); }),
        connect(cursor, &TraceCursor::outsideSelected, this, [this] { update(); }),
        connect(cursor, &TraceCursor::actorSelected, this, [this] { update(); }),
        connect(cursor, &TraceCursor::extentChanged, this, [this] { update(); }),
    };
    if (cursor->isOpen())
        openTrace();
}

void TimelineView::openTrace()
{
    closeTrace();
    if (!m_cursor || !m_cursor->isOpen())
        return;
    QString error;
    // The lanes and names come from the frame worker's reader before its
    // thread starts: one open on the GUI thread, not two.
    const bool ok
        = m_source.open(m_cursor->tracePath(), &error, 1024, [this](debugger::TraceReader& reader, QString* err) {
              m_handlerNames = reader.names().messages;
              return m_lanes.load(reader, err);
          });
    if (!ok) {
        m_error = error;
        m_lanes.clear();
        Q_EMIT errorOccurred(m_error);
        update();
        return;
    }
    m_firstRequestOfTrace = m_nextRequest;
    m_world = m_source.hasWorld();
    m_outsideLane = false;
    m_error.clear();
    noteDamage(QString::fromStdString(m_source.extent().damage));
    noteDamage(m_lanes.damage());
    reloadBookmarks();
    relayout();
    zoomToFit();
}

void TimelineView::closeTrace()
{
    m_source.close();
    m_frame.reset();
    m_overview = {};
    m_bookmarks.clear();
    m_handlerNames.clear();
    m_world = false;
    m_outsideLane = false;
    m_damage.clear();
    m_damageSeen.clear();
    if (m_lanes.actorCount() > 0)
        m_lanes.clear();
    update();
}

void TimelineView::noteDamage(const QString& message)
{
    if (message.isEmpty() || m_damageSeen.contains(message))
        return;
    m_damageSeen << message;
    if (m_damage.isEmpty()) {
        m_damage = message;
        relayout(); // the banner takes a row under the lanes
    }
    update();
    Q_EMIT damageFound(message);
}

void TimelineView::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    update();
}

QRect TimelineView::minimapRect() const
{
    return QRect(m_layout.labelWidth, 0, width() - m_layout.labelWidth - kScrollWidth, kMinimapHeight);
}

QRect TimelineView::axisRect() const
{
    return QRect(m_layout.labelWidth, kMinimapHeight, width() - m_layout.labelWidth - kScrollWidth, kAxisHeight);
}

QRect TimelineView::damageRect() const
{
    if (m_damage.isEmpty())
        return {};
    const int h = m_layout.rowHeight + 6;
    return QRect(0, height() - h, width(), h);
}

QRect TimelineView::outsideRect() const
{
    if (!m_world)
        return {};
    return QRect(0, kMinimapHeight + kAxisHeight, width() - kScrollWidth, OutsideTrack::height(m_layout.rowHeight));
}

void TimelineView::relayout()
{
    const int top = kMinimapHeight + kAxisHeight + outsideRect().height();
    m_layout.area = QRect(0, top, width() - kScrollWidth, height() - top - damageRect().height());
    m_layout.rows = m_lanes.rows();
    m_scroll->setGeometry(width() - kScrollWidth, m_layout.area.top(), kScrollWidth, m_layout.area.height());
    m_scroll->setRange(0, std::max(0, m_layout.contentHeight() - m_layout.area.height()));
    m_scroll->setPageStep(m_layout.area.height());
    m_scroll->setSingleStep(m_layout.rowHeight);
    m_layout.scrollY = m_scroll->value();
    const int plotWidth = std::max(1, m_layout.plot().width());
    if (plotWidth != m_viewport.width) {
        // Keep the ticks per pixel; the right edge moves.
        m_viewport.width = plotWidth;
    }
    scheduleFrame();
    update();
}

void TimelineView::resizeEvent(QResizeEvent*)
{
    const bool wasFit = m_viewport.width <= 1;
    relayout();
    if (wasFit && m_cursor && m_cursor->isOpen())
        zoomToFit();
}

void TimelineView::zoomToFit()
{
    // Inputs that arrive after the last delivery (a shutdown, the halt) are
    // stamped one tick later: the outside lane shows that tick too.
    const double end = m_cursor && m_cursor->isOpen() ? double(m_cursor->endTick()) + (m_world ? 2 : 1) : 1;
    setViewport(TimelineViewport::fit(0, end, std::max(1, m_layout.plot().width())));
}

void TimelineView::showTicks(double first, double last)
{
    setViewport(TimelineViewport::fit(first, std::max(first + 1e-3, last), std::max(1, m_layout.plot().width())));
}

void TimelineView::setLaneFilter(const QString& text)
{
    m_lanes.setFilter(text);
}

void TimelineView::setViewport(TimelineViewport vp)
{
    const double end = m_cursor && m_cursor->isOpen() ? double(m_cursor->endTick()) + (m_world ? 2 : 1) : 1;
    vp.width = std::max(1, m_layout.plot().width());
    vp.ticksPerPixel
        = std::clamp(vp.ticksPerPixel, kMinTicksPerPixel, std::max(kMinTicksPerPixel, end * 1.5 / vp.width));
    // Keep some of the run on screen.
    const double span = vp.ticksPerPixel * vp.width;
    vp.startTick = std::clamp(vp.startTick, -span * 0.5, std::max(-span * 0.5, end - span * 0.5));
    if (vp == m_viewport)
        return;
    m_viewport = vp;
    scheduleFrame();
    update();
}

void TimelineView::zoom(double factor, double anchorX)
{
    TimelineViewport vp = m_viewport;
    vp.zoomAround(anchorX, factor, kMinTicksPerPixel, 1e18);
    setViewport(vp);
}

void TimelineView::pan(double pixels)
{
    TimelineViewport vp = m_viewport;
    vp.startTick += pixels * vp.ticksPerPixel;
    setViewport(vp);
}

void TimelineView::ensureTickVisible(uint64_t tick)
{
    const double t = double(tick) + 0.5;
    if (t >= m_viewport.startTick && t <= m_viewport.endTick())
        return;
    TimelineViewport vp = m_viewport;
    vp.startTick = t - vp.ticksPerPixel * vp.width / 2;
    setViewport(vp);
}

void TimelineView::scheduleFrame()
{
    // Coalesce the many changes of one event into one request.
    if (m_framePending || !m_source.isOpen())
        return;
    m_framePending = true;
    QTimer::singleShot(0, this, &TimelineView::requestFrame);
}

void TimelineView::requestFrame()
{
    m_framePending = false;
    if (!m_source.isOpen())
        return;
    FrameRequest r;
    r.id = m_nextRequest++;
    r.viewport = m_viewport;
    r.world = m_world;
    // The lanes on screen, plus a few rows around them for small scrolls.
    const int first = std::max(0, m_layout.firstVisibleRow() - 8);
    const int last = std::min(int(m_layout.rows.size()) - 1, m_layout.lastVisibleRow() + 8);
    for (int i = first; i <= last; ++i)
        if (!m_layout.rows[size_t(i)].group)
            r.lanes.push_back(m_layout.rows[size_t(i)].actor);
    m_source.requestFrame(r);
}

void TimelineView::onFrame(std::shared_ptr<const FrameList> frame)
{
    if (frame->requestId < m_firstRequestOfTrace || (m_frame && frame->requestId <= m_frame->requestId))
        return; // stale: an older request, or one for the trace open before
    m_frame = std::move(frame);
    update();
    Q_EMIT frameApplied(m_frame->requestId);
}

void TimelineView::onPyramidProgress()
{
    auto pyramid = m_source.pyramid();
    if (!pyramid || !m_cursor)
        return;
    m_overview.endTick = m_cursor->endTick();
    m_overview.columns = pyramid->overview(
        int(std::min<uint64_t>(kOverviewColumns, m_overview.endTick + 1)), m_overview.endTick, &m_overview.readyTick);
    m_overview.complete = pyramid->complete();
    // A frame built while the pyramid filled may hold estimates: rebuild it.
    if (m_frame && m_frame->mode == FrameList::Mode::Aggregate)
        scheduleFrame();
    update();
}

QString TimelineView::handlerName(int64_t handler) const
{
    if (handler < 0)
        return QStringLiteral("(emit)");
    return size_t(handler) < m_handlerNames.size() ? QString::fromStdString(m_handlerNames[size_t(handler)])
                                                   : QStringLiteral("#%1").arg(handler);
}

OutsideTrack::Context TimelineView::outsideContext() const
{
    OutsideTrack::Context c;
    c.band = outsideRect();
    c.labelWidth = m_layout.labelWidth;
    c.layout = &m_layout;
    c.frame = m_frame.get();
    c.viewport = m_viewport;
    c.palette = &m_palette;
    c.selected = m_cursor ? m_cursor->selectedOutside() : OutsideRef {};
    c.selectedMessage = m_cursor ? m_cursor->selectedMessage() : 0;
    c.laneSelected = m_outsideLane;
    return c;
}

std::optional<QPoint> TimelineView::outsideMarkPosition(OutsideRef ref) const
{
    if (!m_world)
        return std::nullopt;
    auto pos = OutsideTrack::markPosition(outsideContext(), ref);
    if (!pos)
        return std::nullopt;
    return pos->toPoint();
}

LaneTrack::Context TimelineView::trackContext() const
{
    LaneTrack::Context c;
    c.layout = &m_layout;
    c.lanes = &m_lanes;
    c.frame = m_frame.get();
    c.viewport = m_viewport;
    c.palette = &m_palette;
    c.selectedMessage = m_cursor ? m_cursor->selectedMessage() : 0;
    c.selectedActor = m_cursor ? m_cursor->selectedActor() : -1;
    c.handlerName = [this](int64_t h) { return handlerName(h); };
    return c;
}

double TimelineView::cursorX() const
{
    // The cursor stands at the end of its tick: "after delivery seq".
    if (!m_cursor || !m_cursor->isOpen())
        return -1e9;
    return m_viewport.x(double(m_cursor->tick()) + (m_cursor->seq() == 0 ? 0.0 : 1.0));
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), m_palette.background);
    const QRect mini = minimapRect(), axis = axisRect();
    p.fillRect(QRect(0, 0, m_layout.labelWidth, kMinimapHeight + kAxisHeight), m_palette.laneHeader);
    p.setPen(m_palette.textDim);
    if (!m_error.isEmpty()) {
        p.setPen(m_palette.crash);
        p.drawText(rect().adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap, m_error);
        return;
    }
    if (!m_cursor || !m_cursor->isOpen()) {
        p.drawText(rect(), Qt::AlignCenter, tr("No trace open"));
        return;
    }
    p.drawText(QRect(6, 0, m_layout.labelWidth - 8, kMinimapHeight), Qt::AlignVCenter | Qt::AlignLeft,
        tr("%1 msgs").arg(m_cursor->endSeq()));
    p.drawText(QRect(6, kMinimapHeight, m_layout.labelWidth - 8, kAxisHeight), Qt::AlignVCenter | Qt::AlignLeft,
        tr("tick %1 · seq %2").arg(m_cursor->tick()).arg(m_cursor->seq()));
    const double cx = cursorX();
    MinimapTrack::paint(
        p, mini, m_overview, m_viewport, double(m_cursor->tick()) + (m_cursor->seq() == 0 ? 0.0 : 1.0), m_palette);
    TimeAxisTrack::paint(p, axis, m_viewport, m_palette, m_bookmarks, cx);
    LaneTrack::paint(p, trackContext());
    if (m_world) {
        const OutsideTrack::Context oc = outsideContext();
        OutsideTrack::paint(p, oc);
        OutsideTrack::paintArrows(p, oc);
    }
    // Bookmarks and the cursor across the lanes (and the outside lane).
    QRect plot = m_layout.plot();
    if (m_world)
        plot.setTop(outsideRect().top());
    p.setClipRect(plot);
    for (const Bookmark& b : m_bookmarks) {
        const double x = plot.left() + m_viewport.x(double(b.tick) + 1);
        if (x < plot.left() - 1 || x > plot.right() + 1)
            continue; // off screen (a far tick would make a dashed line of ~1e18 px)
        QColor c = m_palette.bookmark;
        c.setAlpha(110);
        p.setPen(QPen(c, 1, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    p.setPen(QPen(m_palette.cursor, 2));
    p.drawLine(QPointF(plot.left() + cx, plot.top()), QPointF(plot.left() + cx, plot.bottom()));
    if (!m_damage.isEmpty()) {
        // Its own row under the lanes: the rest of the trace is drawn above.
        p.setClipping(false);
        const QRect band = damageRect();
        p.fillRect(band, m_palette.laneHeader);
        p.setPen(m_palette.crash);
        const QString text = QStringLiteral("⚠ ") + m_damage;
        p.drawText(band.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft,
            p.fontMetrics().elidedText(text, Qt::ElideRight, band.width() - 16));
    }
}

std::optional<QPoint> TimelineView::slicePosition(uint64_t seq) const
{
    auto pos = LaneTrack::slicePosition(trackContext(), seq);
    if (!pos)
        return std::nullopt;
    return pos->toPoint();
}

void TimelineView::reloadBookmarks()
{
    m_bookmarks.clear();
    if (!m_cursor || !m_cursor->isOpen())
        return;
    BookmarkStore store(m_cursor->tracePath().toStdString());
    std::string damage;
    if (auto list = store.list(&damage))
        m_bookmarks = std::move(*list);
    noteDamage(QString::fromStdString(damage));
    Q_EMIT bookmarksChanged();
    update();
}

bool TimelineView::addBookmark(uint64_t tick, const QString& note, QString* error)
{
    if (!m_cursor || !m_cursor->isOpen()) {
        if (error)
            *error = tr("no trace open");
        return false;
    }
    BookmarkStore store(m_cursor->tracePath().toStdString());
    auto id = store.add(tick, note.toStdString());
    if (!id) {
        const QString message = QString::fromStdString(id.error());
        if (error)
            *error = message;
        Q_EMIT errorOccurred(message);
        return false;
    }
    reloadBookmarks();
    return true;
}

bool TimelineView::removeBookmark(int64_t id, QString* error)
{
    if (!m_cursor || !m_cursor->isOpen())
        return false;
    BookmarkStore store(m_cursor->tracePath().toStdString());
    auto ok = store.remove(id);
    if (!ok) {
        if (error)
            *error = QString::fromStdString(ok.error());
        Q_EMIT errorOccurred(QString::fromStdString(ok.error()));
        return false;
    }
    reloadBookmarks();
    return true;
}

void TimelineView::setBookmarkNotePrompt(std::function<std::optional<QString>(uint64_t)> prompt)
{
    m_notePrompt = std::move(prompt);
}

} // namespace aeroflow::timeline
