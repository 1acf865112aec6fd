#pragma once
// The time-travel views of the Studio (issue 6): one TraceCursor shared by
// the Timeline, Actor Graph and Snapshot Explorer docks and the trace-mode
// message table, one TimeTravelWorker that seeks for them, the theme's
// TimelinePalette, and the link between the cursor and an open trace's
// TraceController (moving either moves the other). Also the trace exports
// (Chrome/Perfetto JSON, snapshot at the cursor; TimeTravelExport.cpp).
// MainWindow creates it, places its docks and forwards theme switches.

#include "TimelinePalette.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

class QDockWidget;
class QWidget;

namespace aeroflow::timeline {
class ActorGraphView;
class MessageTableModel;
class MessageTableView;
class TimeTravelWorker;
class TraceCursor;
} // namespace aeroflow::timeline

namespace aeroflow::studio {

class SnapshotExplorerDock;
class TimelineDock;
class TraceController;
struct Theme;

class TimeTravelViews : public QObject {
    Q_OBJECT
public:
    /// Creates the docks as children of `window` (not yet placed).
    explicit TimeTravelViews(QWidget* window);
    ~TimeTravelViews() override;

    /// Opens `tracePath` in every view (cursor, worker, message table);
    /// false with `error` when the cursor cannot read it.
    bool open(const QString& tracePath, QString* error = nullptr);
    void close();
    bool isOpen() const;
    QString tracePath() const;
    /// Every view has what it needs to draw the open trace: the timeline's
    /// density pyramid built (or failed) and a frame in, the graph laid out
    /// (or failed), no seek pending. True when nothing is open.
    bool settled() const;

    /// Links the cursor with `trace` both ways while `follow` is set (an
    /// opened trace); off for the trace of a finished Run, which the views
    /// show on their own.
    void setTraceController(TraceController* trace);
    void setFollowTrace(bool follow);
    bool followsTrace() const { return m_follow; }

    /// Restyles every view from the theme's "timeline.*" colours.
    void applyTheme(const Theme& theme);
    const timeline::TimelinePalette& palette() const { return m_palette; }

    TimelineDock* timelineDock() const { return m_timelineDock; }
    QDockWidget* graphDock() const { return m_graphDock; }
    SnapshotExplorerDock* explorerDock() const { return m_explorerDock; }
    timeline::TraceCursor* cursor() const { return m_cursor; }
    timeline::TimeTravelWorker* worker() const { return m_worker; }
    timeline::ActorGraphView* graphView() const { return m_graph; }
    timeline::MessageTableView* messageTable() const { return m_table; }
    timeline::MessageTableModel* messageTableModel() const { return m_tableModel; }

    // TimeTravelExport.cpp
    /// Asks for a file and exports the trace as Chrome/Perfetto JSON with a
    /// cancellable progress dialog.
    void exportTraceDialog();
    /// Starts exporting the open trace to `target` (no dialogs); finished via
    /// exportFinished / exportFailed. False when nothing is open or one runs.
    bool exportTrace(const QString& target);
    /// Asks for a file and writes the snapshot at the cursor, then offers to resume it.
    void exportSnapshotDialog();
    /// Starts writing the `.afs` at the cursor to `target` (no dialogs).
    bool exportSnapshot(const QString& target);

Q_SIGNALS:
    void exportProgress(double fraction);
    void exportFinished(const QString& target);
    void exportFailed(const QString& error);
    void snapshotExported(const QString& target, quint64 seq, quint64 bytes);
    void snapshotFailed(const QString& error);
    /// The user chose to resume `afsPath` (after an export).
    void resumeRequested(const QString& afsPath);
    /// A line for the status bar / Output.
    void message(const QString& text);
    /// A view found part of the open trace damaged ("this trace looks
    /// damaged: …") and shows the rest without it.
    void damaged(const QString& text);

private:
    void onTracePositioned(quint64 delivered);
    void onCursorMoved(uint64_t seq);
    std::optional<QString> askBookmarkNote(uint64_t tick);

    QWidget* m_window;
    timeline::TraceCursor* m_cursor;
    timeline::TimeTravelWorker* m_worker;
    timeline::MessageTableModel* m_tableModel;
    timeline::MessageTableView* m_table;
    TimelineDock* m_timelineDock;
    QDockWidget* m_graphDock;
    timeline::ActorGraphView* m_graph;
    SnapshotExplorerDock* m_explorerDock;
    timeline::TimelinePalette m_palette;
    QPointer<TraceController> m_trace;
    bool m_follow = false;
    bool m_syncing = false; ///< the cursor is being moved to the trace's position
    int m_ownSeeks = 0; ///< seeks this class sent and not yet answered
    std::optional<quint64> m_pendingSeek; ///< the latest cursor move while one was in flight
    QObject* m_exportJob = nullptr; ///< the running ExportJob, if any
    QObject* m_snapshotJob = nullptr;
};

} // namespace aeroflow::studio
