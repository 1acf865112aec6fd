#pragma once
// A one-line search bar over a MessageSearch: the text box (Enter: next,
// Shift+Enter: previous), previous/next buttons and "3 of 120" status. The
// timeline view shows it on Ctrl+F.

#include "TimelinePalette.h"

#include <QWidget>

class QLineEdit;
class QLabel;
class QToolButton;

namespace aeroflow::timeline {

class MessageSearch;

class SearchBar : public QWidget {
    Q_OBJECT
public:
    /// Drives `search` (not owned).
    explicit SearchBar(MessageSearch* search, QWidget* parent = nullptr);

    void setPalette(const TimelinePalette& palette);
    /// Focuses the text box with its text selected (what Ctrl+F does).
    void activate();
    QLineEdit* lineEdit() const { return m_edit; }
    QString statusText() const;

private:
    void updateStatus();

    MessageSearch* m_search;
    QLineEdit* m_edit;
    QLabel* m_status;
    QToolButton* m_prev;
    QToolButton* m_next;
    bool m_jumpOnResults = false; ///< Enter started a search: go to its first match
};

} // namespace aeroflow::timeline
