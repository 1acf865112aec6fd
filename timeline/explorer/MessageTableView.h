#pragma once
// The message table pane: a filter box ("actor:NAME handler:NAME text") over
// a MessageTableModel. It follows the cursor (scrolls to the row at the
// cursor, selects the selected message) and, on a click, selects that
// message and moves the cursor after it.

#include "TimelinePalette.h"

#include "TraceCursor.h"

#include <QPointer>
#include <QWidget>

class QLineEdit;
class QTableView;
class QTimer;
class QLabel;

namespace aeroflow::timeline {

class MessageTableModel;

class MessageTableView : public QWidget {
    Q_OBJECT
public:
    /// Shows `model` (not owned).
    explicit MessageTableView(MessageTableModel* model, QWidget* parent = nullptr);

    void setCursor(TraceCursor* cursor);
    void setPalette(const TimelinePalette& palette);
    /// Sets the filter line and applies it at once (no typing delay).
    void setFilterText(const QString& text);
    QTableView* view() const { return m_view; }

private:
    void applyFilter();
    void follow(uint64_t seq);
    void clicked(const QModelIndex& index);

    MessageTableModel* m_model;
    QPointer<TraceCursor> m_cursor;
    QLineEdit* m_filter;
    QTableView* m_view;
    QTimer* m_delay;
    QLabel* m_status;
};

} // namespace aeroflow::timeline
