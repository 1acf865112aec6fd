#pragma once
// Snapshot Explorer dock: every actor's state at the cursor (timeline::
// SnapshotExplorer) above the selected message's details (before/after
// state, causal chain), in one splitter.

#include <QDockWidget>

class QSplitter;

namespace aeroflow::timeline {
class MessageDetails;
class MessageDetailsModel;
class SnapshotExplorer;
class SnapshotModel;
class TimeTravelWorker;
class TraceCursor;
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
    QSplitter* splitter() const { return m_splitter; }

private:
    timeline::SnapshotModel* m_snapshots;
    timeline::MessageDetailsModel* m_detailsModel;
    timeline::SnapshotExplorer* m_explorer;
    timeline::MessageDetails* m_details;
    QSplitter* m_splitter;
};

} // namespace aeroflow::studio
