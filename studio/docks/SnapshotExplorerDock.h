#pragma once
// Snapshot Explorer dock: every actor's state at the cursor (timeline::
// SnapshotExplorer) above the details of the selection, in one splitter:
// the selected message's (before/after state, causal chain), or, when an
// input from or output to the outside world is selected, that event's
// (timeline::WorldDetails: the HTTP exchange, its deliveries).

#include <QDockWidget>

class QSplitter;
class QStackedWidget;

namespace aeroflow::timeline {
class MessageDetails;
class MessageDetailsModel;
class SnapshotExplorer;
class SnapshotModel;
class TimeTravelWorker;
class TraceCursor;
class WorldDetails;
class WorldDetailsModel;
struct TimelinePalette;
} // namespace aeroflow::timeline

namespace aeroflow::studio {

class SnapshotExplorerDock : public QDockWidget {
    Q_OBJECT
public:
    explicit SnapshotExplorerDock(QWidget* parent = nullptr);

    /// Follows `cursor` and builds state on `worker` (neither owned).
    void setSources(timeline::TraceCursor* cursor, timeline::TimeTravelWorker* worker);
    void setPalette(const timeline::TimelinePalette& palette);

    timeline::SnapshotExplorer* explorer() const { return m_explorer; }
    timeline::MessageDetails* details() const { return m_details; }
    timeline::SnapshotModel* snapshotModel() const { return m_snapshots; }
    timeline::MessageDetailsModel* detailsModel() const { return m_detailsModel; }
    timeline::WorldDetails* worldDetails() const { return m_worldDetails; }
    timeline::WorldDetailsModel* worldDetailsModel() const { return m_worldModel; }
    /// Shows the outside event's details (true) or the message's.
    bool showsWorldDetails() const;
    QSplitter* splitter() const { return m_splitter; }

private:
    timeline::SnapshotModel* m_snapshots;
    timeline::MessageDetailsModel* m_detailsModel;
    timeline::SnapshotExplorer* m_explorer;
    timeline::MessageDetails* m_details;
    timeline::WorldDetailsModel* m_worldModel;
    timeline::WorldDetails* m_worldDetails;
    QStackedWidget* m_detailsStack;
    QSplitter* m_splitter;
};

} // namespace aeroflow::studio
