#pragma once
// Timeline dock: the lanes view of the recorded run (timeline::TimelineView)
// with a message search bar under it, shown by Find (Ctrl+F while the
// timeline has the focus) and hidden by Escape.

#include <QDockWidget>

namespace aeroflow::timeline {
class MessageSearch;
class SearchBar;
class TimelineView;
class TraceCursor;
struct TimelinePalette;
} // namespace aeroflow::timeline

namespace aeroflow::studio {

class TimelineDock : public QDockWidget {
    Q_OBJECT
public:
    explicit TimelineDock(QWidget* parent = nullptr);

    /// Follows `cursor` (not owned); the search reads the cursor's trace.
    void setCursor(timeline::TraceCursor* cursor);
    void setPalette(const timeline::TimelinePalette& palette);
    /// Shows the search bar and focuses it.
    void showSearch();
    void hideSearch();
    /// The focus is in this dock (the view or the search bar).
    bool hasFocusInside() const;

    timeline::TimelineView* view() const { return m_view; }
    timeline::SearchBar* searchBar() const { return m_bar; }
    timeline::MessageSearch* search() const { return m_search; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    timeline::TimelineView* m_view;
    timeline::MessageSearch* m_search;
    timeline::SearchBar* m_bar;
    timeline::TraceCursor* m_cursor = nullptr;
    /// Refit the whole run on resizes until the user zooms or pans (a trace
    /// often opens while the dock is hidden or still being laid out).
    bool m_autoFit = true;
};

} // namespace aeroflow::studio
