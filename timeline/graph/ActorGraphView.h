#pragma once
// The Actor Graph view (issue 6): a recorded run as a graph of actors, edges
// labelled with message counts up to the cursor. Follows a TraceCursor: on
// opened() it builds the ActorGraphModel on its own worker (its own read
// connection), asks GraphLayoutEngine for the layout (one Graphviz worker,
// cached per trace and mode), and on every cursor move computes the frame
// (counts, spawned/alive, active nodes) on the same worker, coalescing moves
// that arrive while one is computed. The GUI thread only paints prepared
// data and handles input: drag pans, the wheel zooms, a click on a node
// selects its actor in the cursor, F fits, A toggles aggregation.

#include "ActorGraphScene.h"
#include "TraceCursor.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QThreadPool>
#include <QWidget>

#include <atomic>
#include <memory>
#include <optional>

namespace aeroflow::timeline {

class ActorGraphView : public QWidget {
    Q_OBJECT
public:
    enum class State { Empty, Loading, LayingOut, Ready, Failed };

    explicit ActorGraphView(QWidget* parent = nullptr);
    ~ActorGraphView() override;

    /// Follows `cursor` (not owned; null detaches). Opens its own reader of
    /// cursor->tracePath() whenever the cursor emits opened() (and at once
    /// when it is already open).
    void setCursor(TraceCursor* cursor);
    TraceCursor* traceCursor() const { return m_cursor; }
    /// Restyles at once (theme switch).
    void setPalette(const TimelinePalette& palette);
    /// Actors folded by type (true) or one node per actor (false); until
    /// called, the model's automatic default (aggregated past 300 actors).
    void setAggregated(bool aggregated);
    /// Back to the automatic default.
    void resetAggregation();
    bool isAggregated() const { return m_scene.aggregated(); }
    /// Fits the whole graph into the widget.
    void zoomToFit();

    State state() const { return m_state; }
    /// Laid out and a frame at the cursor is shown.
    bool isReady() const { return m_state == State::Ready && m_scene.frame(); }
    /// The error of the last load or layout ("" when none).
    QString errorText() const { return m_error; }
    /// What the model's build found damaged in the trace (shown under the
    /// status line; ActorGraphModel::damage), or empty.
    QString damage() const { return m_damage; }
    const ActorGraphScene& scene() const { return m_scene; }
    /// Where `actor`'s node is drawn, in widget coordinates, if laid out.
    std::optional<QPointF> actorWidgetPosition(int64_t actor) const;
    double zoom() const { return m_scale; }

Q_SIGNALS:
    /// After each state change (loading, laying out, ready, failed).
    void stateChanged(ActorGraphView::State state);
    /// The graph of a damaged trace was built without the rows that do not
    /// fit it (see damage()).
    void damageFound(const QString& message);
    /// A new frame is shown.
    void frameShown(uint64_t seq);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct Worker;

    void reload();
    void detach();
    void setState(State state, const QString& error = {});
    void modelBuilt(uint64_t generation, ActorGraphModel::Ptr model, QString error);
    void applyMode(bool aggregated);
    void layoutFinished();
    void requestFrame(uint64_t seq);
    void frameComputed(uint64_t generation, GraphFrame frame, QString error);
    QPointF toWorld(QPointF widget) const;
    QPointF toWidget(QPointF world) const;

    QPointer<TraceCursor> m_cursor;
    QList<QMetaObject::Connection> m_connections;
    ActorGraphScene m_scene;
    State m_state = State::Empty;
    QString m_error;
    QString m_damage;
    std::optional<bool> m_aggregatedChoice; ///< set by setAggregated; none: automatic

    // The worker owns the frame reader; jobs run one at a time on m_pool.
    QThreadPool m_pool;
    std::shared_ptr<Worker> m_worker;
    uint64_t m_generation = 0; ///< bumped on every reload: stale results are dropped
    bool m_frameBusy = false;
    std::optional<uint64_t> m_pendingSeq;
    QFutureWatcher<LayoutResult> m_layoutWatcher;
    QString m_layoutKey;
    bool m_fitPending = true;

    // View transform: widget = (world - m_origin) * m_scale.
    double m_scale = 1.0;
    QPointF m_origin;
    QPoint m_pressPos, m_lastPos;
    bool m_dragging = false;
};

} // namespace aeroflow::timeline
