#pragma once
// The timeline view of a recorded run: an overview strip (minimap), a time
// axis in ticks with bookmarks and the cursor's handle, and one lane per
// actor grouped by actor type. It follows a TraceCursor (draws its tick,
// highlights the selected message and actor) and asks it to move.
//
// Threading: the GUI thread only lays out, paints prepared frames and handles
// input. Frames, the density pyramid and navigation answers come from the
// view's TimelineDataSource (own threads, own connections). Painting never
// touches SQLite.
//
// A trace with inputs from outside gets the outside-world lane above the
// actor lanes (OutsideTrack): clicking one of its marks selects that input or
// output (TraceCursor::selectOutside) and moves the cursor to where it
// happened.
//
// Keys: W/S zoom in/out, A/D pan, [ / ] cause / first effect of the selected
// message (from a delivery from outside, [ goes to its input; from an input,
// ] to its delivery; from a response, [ to the delivery that sent it),
// . / , next / previous message on the selected lane (or input / output on
// the outside lane), Home/End the start / end of the run, Ctrl+B bookmark at
// the cursor, F zoom to fit.
// Mouse: wheel (with or without Ctrl) zooms around the pointer, Shift+wheel
// scrolls lanes, drag pans, click selects a slice, drag on the axis scrubs
// the cursor, click/drag on the minimap moves the view, click a group header
// collapses it, drag a label onto another reorders lanes / groups.

#include "BookmarkStore.h"
#include "FrameList.h"
#include "LaneModel.h"
#include "LaneTrack.h"
#include "MinimapTrack.h"
#include "OutsideTrack.h"
#include "TimelineDataSource.h"
#include "TimelinePalette.h"
#include "TimelineTrack.h"
#include "TraceCursor.h"

#include <QPointer>
#include <QScrollBar>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

namespace aeroflow::timeline {

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);
    ~TimelineView() override;

    using QWidget::setCursor;
    using QWidget::setPalette;
    /// Follows `cursor` (not owned; may be null). The view opens its own
    /// readers from cursor->tracePath() whenever the cursor emits opened().
    void setCursor(TraceCursor* cursor);
    TraceCursor* traceCursor() const { return m_cursor; }
    /// Restyles the view (repaints at once).
    void setPalette(const TimelinePalette& palette);
    const TimelinePalette& timelinePalette() const { return m_palette; }

    /// Shows the whole run.
    void zoomToFit();
    /// Keeps the lanes whose actor name or type contains `text`.
    void setLaneFilter(const QString& text);
    /// Shows ticks [first, last].
    void showTicks(double first, double last);
    const TimelineViewport& viewport() const { return m_viewport; }

    /// Adds a bookmark to the trace file; false with `error` (also emitted as
    /// errorOccurred) when the file cannot take it (read-only, recording).
    bool addBookmark(uint64_t tick, const QString& note, QString* error = nullptr);
    bool removeBookmark(int64_t id, QString* error = nullptr);
    const std::vector<Bookmark>& bookmarks() const { return m_bookmarks; }
    /// Ctrl+B asks this for the note (nullopt cancels); unset: an empty note.
    void setBookmarkNotePrompt(std::function<std::optional<QString>(uint64_t tick)> prompt);

    LaneModel* laneModel() { return &m_lanes; }
    TimelineDataSource* dataSource() { return &m_source; }
    /// The frame being painted (may be older than the viewport).
    std::shared_ptr<const FrameList> frame() const { return m_frame; }
    /// Where the slice of `seq` is drawn (widget coordinates), if on screen.
    std::optional<QPoint> slicePosition(uint64_t seq) const;
    /// The trace has an outside world: the outside lane is shown.
    bool hasOutsideLane() const { return m_world; }
    /// The outside lane (label column included); empty without one.
    QRect outsideRect() const;
    /// Where the mark of an outside event is drawn, if on its own on screen.
    std::optional<QPoint> outsideMarkPosition(OutsideRef ref) const;
    /// The outside lane has the keyboard (`.` `,` step its events).
    bool outsideLaneSelected() const { return m_outsideLane; }
    /// The last error (opening, bookmarks), empty when none.
    QString errorString() const { return m_error; }
    /// What the view found damaged in the trace ("this trace looks damaged:
    /// …"; the first finding), shown as a banner over the lanes; the rest of
    /// the trace is still drawn. Empty when nothing was found.
    QString damage() const { return m_damage; }

Q_SIGNALS:
    /// A prepared frame was taken for painting.
    void frameApplied(uint64_t requestId);
    void errorOccurred(const QString& message);
    /// A damaged part of the trace was found (see damage()); once per finding.
    void damageFound(const QString& message);
    void bookmarksChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    enum class Drag { None, Pan, Scrub, Minimap, Label };
    void openTrace();
    void closeTrace();
    void relayout();
    void scheduleFrame();
    void requestFrame();
    void onFrame(std::shared_ptr<const FrameList> frame);
    void onNavigated(TimelineDataSource::Navigation kind, uint64_t from, uint64_t seq);
    void onOutsideNavigated(TimelineDataSource::Navigation kind, uint64_t fromSeq, OutsideRef to, uint64_t seq);
    void selectOutside(OutsideRef ref, uint64_t seq);
    OutsideTrack::Context outsideContext() const;
    QString outsideTooltip(QPoint pos) const;
    void onPyramidProgress();
    void setViewport(TimelineViewport vp);
    void zoom(double factor, double anchorX);
    void pan(double pixels);
    void ensureTickVisible(uint64_t tick);
    void navigate(TimelineDataSource::Navigation kind);
    void selectSeq(uint64_t seq);
    void reloadBookmarks();
    void noteDamage(const QString& message);
    QString handlerName(int64_t handler) const;
    LaneTrack::Context trackContext() const;
    double cursorX() const;
    QRect minimapRect() const;
    QRect axisRect() const;
    /// The damage banner's row under the lanes; empty without damage.
    QRect damageRect() const;

    QPointer<TraceCursor> m_cursor;
    TimelinePalette m_palette;
    LaneModel m_lanes;
    TimelineDataSource m_source;
    LaneLayout m_layout;
    TimelineViewport m_viewport;
    std::shared_ptr<const FrameList> m_frame;
    Overview m_overview;
    std::vector<Bookmark> m_bookmarks;
    std::vector<std::string> m_handlerNames;
    std::function<std::optional<QString>(uint64_t)> m_notePrompt;
    QScrollBar* m_scroll = nullptr;
    QString m_error;
    QString m_damage;
    QStringList m_damageSeen; ///< findings reported since the trace opened
    uint64_t m_nextRequest = 1;
    uint64_t m_firstRequestOfTrace = 1; ///< frames from before the last open are stale
    bool m_framePending = false;
    bool m_world = false; ///< the trace has an outside world: its lane is shown
    bool m_outsideLane = false; ///< the outside lane is the selected lane
    Drag m_drag = Drag::None;
    QPoint m_pressPos, m_lastPos;
    int m_pressRow = -1;
    bool m_moved = false;
    std::vector<QMetaObject::Connection> m_cursorConnections;
};

} // namespace aeroflow::timeline
