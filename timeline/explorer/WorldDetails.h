#pragma once
// The details pane of a selected outside event (WorldDetailsModel): a title
// and a one-line summary ("GET /balance?name=a → 200 in 1.23 ms"), the
// exchange as a tree (Request, Delivery, Response, Client sections; headers
// and query parameters as children; failures in the crash colour), and the
// selected line's full value below (a body). Clicking a line that names a
// delivery selects it and moves the cursor there.

#include "TimelinePalette.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace aeroflow::timeline {

class WorldDetailsModel;

class WorldDetails : public QWidget {
    Q_OBJECT
public:
    /// Shows `model` (not owned).
    explicit WorldDetails(WorldDetailsModel* model, QWidget* parent = nullptr);

    void setPalette(const TimelinePalette& palette);
    QTreeWidget* tree() const { return m_tree; }
    QLabel* header() const { return m_header; }
    QPlainTextEdit* valueView() const { return m_value; }
    /// The tree line named `name` in `section` (tests), or null.
    QTreeWidgetItem* item(const QString& section, const QString& name) const;

private:
    void refresh();

    WorldDetailsModel* m_model;
    TimelinePalette m_palette;
    QLabel* m_header;
    QTreeWidget* m_tree;
    QPlainTextEdit* m_value;
};

} // namespace aeroflow::timeline
