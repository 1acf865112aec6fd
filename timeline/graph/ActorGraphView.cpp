#include "ActorGraphView.h"

#include "TraceCursor.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>
#include <mutex>

namespace aeroflow::timeline {

// What the jobs of one loaded trace share. Jobs run one at a time on the
// view's single-thread pool; the mutex makes that invariant explicit.
struct ActorGraphView::Worker {
    std::mutex mutex;
    std::unique_ptr<debugger::TraceReader> reader;
    ActorGraphModel::Ptr model;
    std::atomic<bool> cancelled {false};
};

ActorGraphView::ActorGraphView(QWidget* parent) : QWidget(parent)
{
    m_pool.setMaxThreadCount(1);
    setFocusPolicy(Qt::ClickFocus);
    setMouseTracking(false);
    setMinimumSize(200, 150);
    connect(&m_layoutWatcher, &QFutureWatcher<LayoutResult>::finished, this, &ActorGraphView::layoutFinished);
}

ActorGraphView::~ActorGraphView()
{
    // Jobs post their results to this object: none may outlive it.
    if (m_worker)
        m_worker->cancelled = true;
    m_pool.clear();
    m_pool.waitForDone();
}

void ActorGraphView::setCursor(TraceCursor* cursor)
{
    detach();
    m_cursor = cursor;
    if (cursor) {
        m_connections << connect(cursor, &TraceCursor::opened, this, &ActorGraphView::reload)
                      << connect(cursor, &TraceCursor::closed, this, &ActorGraphView::reload)
                      << connect(cursor, &TraceCursor::positionChanged, this,
                                 [this](uint64_t seq, uint64_t) { requestFrame(seq); })
                      << connect(cursor, &TraceCursor::actorSelected, this, [this](int64_t actor) {
                             m_scene.setSelectedActor(actor);
                             update();
                         });
        m_scene.setSelectedActor(cursor->selectedActor());
    }
    reload();
}

void ActorGraphView::detach()
{
    for (const auto& c : m_connections)
        disconnect(c);
    m_connections.clear();
    m_cursor = nullptr;
}

void ActorGraphView::setPalette(const TimelinePalette& palette)
{
    m_scene.setPalette(palette);
    update();
}

void ActorGraphView::setAggregated(bool aggregated)
{
    m_aggregatedChoice = aggregated;
    if (m_scene.model() && aggregated != m_scene.aggregated())
        applyMode(aggregated);
}

void ActorGraphView::resetAggregation()
{
    m_aggregatedChoice.reset();
    if (m_scene.model())
        applyMode(m_scene.model()->defaultAggregated());
}

void ActorGraphView::setState(State state, const QString& error)
{
    m_state = state;
    m_error = error;
    update();
    Q_EMIT stateChanged(state);
}

void ActorGraphView::reload()
{
    ++m_generation;
    if (m_worker)
        m_worker->cancelled = true;
    m_worker.reset();
    m_pool.clear();
    m_scene.clear();
    m_damage.clear();
    m_layoutWatcher.cancel();
    m_layoutKey.clear();
    m_frameBusy = false;
    m_pendingSeq.reset();
    m_fitPending = true;
    if (!m_cursor || !m_cursor->isOpen()) {
        setState(State::Empty);
        return;
    }
    setState(State::Loading);
    auto worker = std::make_shared<Worker>();
    m_worker = worker;
    const uint64_t generation = m_generation;
    const std::string path = m_cursor->tracePath().toStdString();
    m_pool.start([this, worker, generation, path] {
        std::lock_guard lock(worker->mutex);
        QString error;
        auto reader = debugger::TraceReader::open(path);
        if (!reader) {
            error = QString::fromStdString(reader.error());
        } else {
            ActorGraphOptions options;
            options.cancelled = [worker] { return worker->cancelled.load(); };
            auto model = ActorGraphModel::build(**reader, options);
            if (model) {
                worker->reader = std::move(*reader);
                worker->model = *model;
            } else {
                error = QString::fromStdString(model.error());
            }
        }
        ActorGraphModel::Ptr model = worker->model;
        QMetaObject::invokeMethod(
            this, [this, generation, model, error] { modelBuilt(generation, model, error); }, Qt::QueuedConnection);
    });
}

void ActorGraphView::modelBuilt(uint64_t generation, ActorGraphModel::Ptr model, QString error)
{
    if (generation != m_generation)
        return;
    if (!model) {
        setState(State::Failed, error.isEmpty() ? tr("cannot read the trace") : error);
        return;
    }
    m_damage = QString::fromStdString(model->damage());
    if (!m_damage.isEmpty())
        Q_EMIT damageFound(m_damage);
    m_scene.setGraph(model, m_aggregatedChoice.value_or(model->defaultAggregated()));
    applyMode(m_scene.aggregated());
}

void ActorGraphView::applyMode(bool aggregated)
{
    ActorGraphModel::Ptr model = m_scene.model();
    if (!model || !m_cursor)
        return;
    m_scene.setGraph(model, aggregated);
    m_fitPending = true;
    setState(State::LayingOut);
    std::shared_ptr<const GraphTopology> topology(model, &model->topology(aggregated));
    m_layoutKey = GraphLayoutEngine::cacheKey(m_cursor->tracePath(), model->programHash(), *topology);
    m_layoutWatcher.setFuture(GraphLayoutEngine::layoutAsync(m_layoutKey, topology));
    requestFrame(m_cursor->seq());
}

void ActorGraphView::layoutFinished()
{
    if (m_layoutWatcher.isCanceled() || m_layoutKey.isEmpty() || !m_scene.model())
        return;
    const LayoutResult result = m_layoutWatcher.result();
    if (!result) {
        setState(State::Failed, QString::fromStdString(result.error()));
        return;
    }
    m_scene.setLayout(*result);
    if (!m_scene.layout())
        return; // a layout of a graph no longer shown
    if (m_fitPending)
        zoomToFit();
    m_fitPending = false;
    setState(State::Ready);
}

void ActorGraphView::requestFrame(uint64_t seq)
{
    if (!m_worker || !m_scene.model())
        return;
    if (m_frameBusy) {
        m_pendingSeq = seq; // only the latest position matters
        return;
    }
    m_frameBusy = true;
    const bool aggregated = m_scene.aggregated();
    const uint64_t generation = m_generation;
    auto worker = m_worker;
    m_pool.start([this, worker, generation, seq, aggregated] {
        std::lock_guard lock(worker->mutex);
        GraphFrame frame;
        QString error;
        if (worker->cancelled || !worker->reader || !worker->model)
            return; // a reload followed; its own requests take over
        auto r = worker->model->frameAt(*worker->reader, seq, aggregated);
        if (r)
            frame = std::move(*r);
        else
            error = QString::fromStdString(r.error());
        QMetaObject::invokeMethod(
            this, [this, generation, frame = std::move(frame), error]() mutable {
                frameComputed(generation, std::move(frame), error);
            },
            Qt::QueuedConnection);
    });
}

void ActorGraphView::frameComputed(uint64_t generation, GraphFrame frame, QString error)
{
    if (generation != m_generation)
        return;
    m_frameBusy = false;
    if (!error.isEmpty()) {
        setState(State::Failed, error);
        return;
    }
    const uint64_t seq = frame.seq;
    const bool stale = frame.aggregated != m_scene.aggregated();
    m_scene.setFrame(std::move(frame));
    if (stale && !m_pendingSeq && m_cursor)
        m_pendingSeq = m_cursor->seq();
    if (m_pendingSeq) {
        const uint64_t next = *m_pendingSeq;
        m_pendingSeq.reset();
        requestFrame(next);
    }
    update();
    if (!stale)
        Q_EMIT frameShown(seq);
}

void ActorGraphView::zoomToFit()
{
    const QRectF b = m_scene.bounds();
    if (b.isEmpty() && b.width() <= 0 && b.height() <= 0)
        return;
    const double w = std::max(1.0, double(width()) - 40), h = std::max(1.0, double(height()) - 60);
    m_scale = std::clamp(std::min(w / std::max(1.0, b.width()), h / std::max(1.0, b.height())), 0.005, 1.6);
    // Centre the graph below the status line.
    m_origin = b.center() - QPointF(width() / 2.0, (height() + 20) / 2.0) / m_scale;
    update();
}

QPointF ActorGraphView::toWorld(QPointF widget) const
{
    return widget / m_scale + m_origin;
}

QPointF ActorGraphView::toWidget(QPointF world) const
{
    return (world - m_origin) * m_scale;
}

std::optional<QPointF> ActorGraphView::actorWidgetPosition(int64_t actor) const
{
    auto p = m_scene.actorPosition(actor);
    if (!p)
        return std::nullopt;
    return toWidget(*p);
}

void ActorGraphView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const TimelinePalette& pal = m_scene.palette();
    p.fillRect(rect(), pal.background);
    m_scene.paint(p, m_origin, m_scale, size());

    QString status;
    switch (m_state) {
    case State::Empty: status = tr("No trace"); break;
    case State::Loading: status = tr("Reading the trace…"); break;
    case State::LayingOut: status = tr("Laying out…"); break;
    case State::Failed: status = tr("Cannot show the actor graph: %1").arg(m_error); break;
    case State::Ready: {
        const GraphTopology* t = m_scene.topology();
        const GraphFrame* f = m_scene.frame();
        status = tr("%1 nodes · %2 edges%3 · %4")
                     .arg(t ? t->nodes.size() : 0)
                     .arg(t ? t->edges.size() : 0)
                     .arg(m_scene.aggregated() ? tr(" · by type") : QString())
                     .arg(m_scene.layout()->algorithm == LayoutAlgorithm::Dot ? u"dot" : u"sfdp");
        if (f)
            status = tr("tick %1 · seq %2 · ").arg(f->tick).arg(f->seq) + status;
        break;
    }
    }
    QFont font = this->font();
    font.setPointSizeF(9);
    p.setFont(font);
    p.setPen(m_state == State::Failed ? pal.crash : pal.textDim);
    p.drawText(QRectF(8, 4, width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter, status);
    if (!m_damage.isEmpty() && m_state != State::Failed) {
        p.setPen(pal.crash);
        const QString text = QStringLiteral("⚠ ") + m_damage;
        p.drawText(QRectF(8, 22, width() - 16, 18), Qt::AlignLeft | Qt::AlignVCenter,
            p.fontMetrics().elidedText(text, Qt::ElideRight, width() - 16));
    }
}

void ActorGraphView::resizeEvent(QResizeEvent*)
{
    if (m_fitPending && m_scene.layout()) {
        zoomToFit();
        m_fitPending = false;
    }
}

void ActorGraphView::wheelEvent(QWheelEvent* event)
{
    const QPointF at = event->position();
    const QPointF anchor = toWorld(at);
    m_scale = std::clamp(m_scale * std::pow(1.0015, event->angleDelta().y()), 0.002, 8.0);
    m_origin = anchor - at / m_scale; // the point under the mouse stays put
    m_fitPending = false;
    update();
    event->accept();
}

void ActorGraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressPos = m_lastPos = event->position().toPoint();
    m_dragging = false;
}

void ActorGraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const QPoint pos = event->position().toPoint();
    if (!m_dragging && (pos - m_pressPos).manhattanLength() > 4) {
        m_dragging = true;
        QWidget::setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging) {
        m_origin -= QPointF(pos - m_lastPos) / m_scale;
        m_fitPending = false;
        update();
    }
    m_lastPos = pos;
}

void ActorGraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mouseReleaseEvent(event);
    if (m_dragging) {
        m_dragging = false;
        unsetCursor();
        return;
    }
    const int64_t node = m_scene.nodeAt(toWorld(event->position()));
    const GraphTopology* t = m_scene.topology();
    if (node < 0 || !t || !m_cursor)
        return;
    // An aggregated node stands for its type: select its first actor.
    const int64_t actor = t->nodes[size_t(node)].actor;
    if (actor >= 0)
        m_cursor->selectActor(actor);
}

void ActorGraphView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_F)
        zoomToFit();
    else if (event->key() == Qt::Key_A && m_scene.model())
        setAggregated(!m_scene.aggregated());
    else
        QWidget::keyPressEvent(event);
}

void ActorGraphView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    QAction* byType = menu.addAction(tr("Aggregate by type"));
    byType->setCheckable(true);
    byType->setChecked(m_scene.aggregated());
    byType->setEnabled(m_scene.model() != nullptr);
    QAction* automatic = menu.addAction(tr("Automatic aggregation"));
    automatic->setCheckable(true);
    automatic->setChecked(!m_aggregatedChoice);
    QAction* fit = menu.addAction(tr("Zoom to fit"));
    QAction* chosen = menu.exec(event->globalPos());
    if (chosen == byType)
        setAggregated(byType->isChecked());
    else if (chosen == automatic)
        resetAggregation();
    else if (chosen == fit)
        zoomToFit();
}

} // namespace aeroflow::timeline
