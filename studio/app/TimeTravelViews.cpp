#include "TimeTravelViews.h"

#include "docks/SnapshotExplorerDock.h"
#include "docks/TimelineDock.h"
#include "run/TraceController.h"
#include "theme/Theme.h"

#include "ActorGraphView.h"
#include "MessageTableModel.h"
#include "MessageTableView.h"
#include "TimeTravelWorker.h"
#include "TimelineView.h"
#include "TraceCursor.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QInputDialog>

namespace aeroflow::studio {

TimeTravelViews::TimeTravelViews(QWidget* window)
    : QObject(window)
    , m_window(window)
    , m_cursor(new timeline::TraceCursor(this))
    , m_worker(new timeline::TimeTravelWorker(this))
    , m_tableModel(new timeline::MessageTableModel(this))
    , m_table(new timeline::MessageTableView(m_tableModel))
    , m_timelineDock(new TimelineDock(window))
    , m_graphDock(new QDockWidget(tr("Actor Graph"), window))
    , m_graph(new timeline::ActorGraphView)
    , m_explorerDock(new SnapshotExplorerDock(window))
    , m_palette(timeline::TimelinePalette::fromPalette(window->palette()))
{
    m_graphDock->setObjectName(QStringLiteral("ActorGraphDock"));
    m_graph->setObjectName(QStringLiteral("actorGraphView"));
    m_graph->setFocusPolicy(Qt::StrongFocus);
    m_graphDock->setWidget(m_graph);
    m_table->setObjectName(QStringLiteral("traceMessageTable"));

    m_timelineDock->setCursor(m_cursor);
    m_timelineDock->view()->setBookmarkNotePrompt([this](uint64_t tick) { return askBookmarkNote(tick); });
    connect(m_timelineDock->view(), &timeline::TimelineView::errorOccurred, this, &TimeTravelViews::message);
    connect(m_timelineDock->view(), &timeline::TimelineView::damageFound, this, &TimeTravelViews::damaged);
    connect(m_graph, &timeline::ActorGraphView::damageFound, this, &TimeTravelViews::damaged);
    m_graph->setCursor(m_cursor);
    m_explorerDock->setSources(m_cursor, m_worker);
    m_table->setCursor(m_cursor);
    connect(m_cursor, &timeline::TraceCursor::positionChanged, this,
        [this](uint64_t seq, uint64_t) { onCursorMoved(seq); });
    // Selecting an input or output of the outside world shows its details:
    // bring the explorer's tab forward unless the user closed the dock.
    connect(m_cursor, &timeline::TraceCursor::outsideSelected, this, [this](timeline::OutsideRef ref) {
        if (!ref.isNull() && m_explorerDock->toggleViewAction()->isChecked())
            m_explorerDock->raise();
    });
}

TimeTravelViews::~TimeTravelViews() = default;

bool TimeTravelViews::open(const QString& tracePath, QString* error)
{
    const QString path = QFileInfo(tracePath).absoluteFilePath();
    QString why;
    // The worker first: jobs the cursor's opened() triggers must see this trace.
    m_worker->open(path);
    if (!m_tableModel->open(path, &why) || !m_cursor->open(path, &why)) {
        m_cursor->close();
        m_worker->close();
        if (error)
            *error = why;
        return false;
    }
    return true;
}

void TimeTravelViews::close()
{
    m_follow = false;
    m_cursor->close();
    m_worker->close();
}

bool TimeTravelViews::isOpen() const
{
    return m_cursor->isOpen();
}

QString TimeTravelViews::tracePath() const
{
    return m_cursor->tracePath();
}

bool TimeTravelViews::settled() const
{
    if (!m_cursor->isOpen())
        return true;
    timeline::TimelineView* view = m_timelineDock->view();
    const bool timeline = !view->errorString().isEmpty() || (view->dataSource()->pyramidFinished() && view->frame());
    using State = timeline::ActorGraphView::State;
    const State graph = m_graph->state();
    const bool graphDone = m_graph->isReady() || graph == State::Failed || graph == State::Empty;
    return timeline && graphDone && m_worker->pending() == 0;
}

void TimeTravelViews::setTraceController(TraceController* trace)
{
    m_trace = trace;
    connect(trace, &TraceController::positioned, this,
        [this](const SessionSnapshot& s, int) { onTracePositioned(s.delivered); });
    connect(trace, &TraceController::failed, this, [this] {
        m_ownSeeks = 0; // a failed seek answers with failed(), not positioned()
        m_pendingSeek.reset();
    });
    connect(trace, &TraceController::openFailed, this, [this] { m_ownSeeks = 0; });
}

void TimeTravelViews::setFollowTrace(bool follow)
{
    m_follow = follow;
    m_ownSeeks = 0;
    m_pendingSeek.reset();
}

void TimeTravelViews::onTracePositioned(quint64 delivered)
{
    if (!m_follow || !m_cursor->isOpen())
        return;
    if (m_ownSeeks > 0 && --m_ownSeeks > 0)
        return; // more of our seeks are on their way: the cursor is already ahead
    if (m_pendingSeek) {
        // The cursor moved on while the trace was seeking: catch up, once.
        const quint64 seq = *m_pendingSeek;
        m_pendingSeek.reset();
        if (seq != delivered) {
            ++m_ownSeeks;
            m_trace->seek(seq);
            return;
        }
    }
    if (m_cursor->seq() == delivered)
        return;
    m_syncing = true; // the trace moved (stepping, opening): the cursor follows
    m_cursor->setSeq(delivered);
    m_syncing = false;
}

void TimeTravelViews::onCursorMoved(uint64_t seq)
{
    if (m_syncing || !m_follow || !m_trace || !m_trace->isOpen())
        return;
    if (m_ownSeeks > 0) {
        m_pendingSeek = seq; // one seek in flight at a time: scrubbing never queues work
        return;
    }
    if (m_trace->position() == seq && !m_trace->busy())
        return;
    ++m_ownSeeks;
    m_trace->seek(seq);
}

void TimeTravelViews::applyTheme(const Theme& theme)
{
    m_palette = timeline::TimelinePalette::fromColors(theme.colors, theme.palette);
    m_timelineDock->setPalette(m_palette);
    m_graph->setPalette(m_palette);
    m_explorerDock->setPalette(m_palette);
    m_table->setPalette(m_palette);
    m_tableModel->setPalette(m_palette);
}

std::optional<QString> TimeTravelViews::askBookmarkNote(uint64_t tick)
{
    bool ok = false;
    const QString note = QInputDialog::getText(
        m_window, tr("Bookmark"), tr("Note for the bookmark at tick %1:").arg(tick), QLineEdit::Normal, QString(), &ok);
    if (!ok)
        return std::nullopt;
    return note;
}

} // namespace aeroflow::studio
