#pragma once
// The snapshot explorer pane: a filter box, a "last changed" button and a
// tree of every actor's state at the cursor (SnapshotModel). The filter
// keeps rows whose name or value contains the text, with their ancestors.

#include "TimelinePalette.h"

#include <QWidget>

class QLineEdit;
class QTreeView;
class QSortFilterProxyModel;
class QAction;
class QLabel;

namespace aeroflow::timeline {

class SnapshotModel;

class SnapshotExplorer : public QWidget {
    Q_OBJECT
public:
    /// Shows `model` (not owned).
    explicit SnapshotExplorer(SnapshotModel* model, QWidget* parent = nullptr);

    void setPalette(const TimelinePalette& palette);
    void setFilterText(const QString& text);
    QTreeView* view() const { return m_view; }
    /// "Go to last change" for the current row (also on the context menu).
    QAction* lastChangeAction() const { return m_lastChange; }
    SnapshotModel* model() const { return m_model; }

private:
    void goToLastChange();
    void updateStatus();

    SnapshotModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QLineEdit* m_filter;
    QTreeView* m_view;
    QAction* m_lastChange;
    QLabel* m_status;
};

} // namespace aeroflow::timeline
