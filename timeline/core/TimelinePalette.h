#pragma once
// The colours of the time-travel views, from the "timeline" group of a theme
// in themes/*.json (DESIGN.md: themes are data). The Studio builds one from
// its current theme and hands it to every view on each theme switch; views
// never read theme files themselves.

#include <QColor>
#include <QHash>
#include <QPalette>
#include <QString>

#include <array>

namespace aeroflow::timeline {

struct TimelinePalette {
    QColor background, grid, text, textDim;
    QColor laneHeader, laneAlternate;
    QColor slice, sliceBorder, sliceText;
    QColor message, density, crash, output;
    QColor cursor, selection, bookmark;
    QColor minimapBackground, minimapWindow;
    QColor graphNode, graphNodeBorder, graphEdge, graphActive;
    QColor changed, changedText, dimmed;
    /// The outside-world lane: its background, a colour per kind of input
    /// (HTTP, WebSocket, outbound calls, timers, shutdown / halt), responses
    /// by status, a client that vanished, and the arrows to and from it.
    QColor worldBackground, worldHttp, worldWebSocket, worldCall, worldTimer, worldRun;
    QColor worldOk, worldClientError, worldServerError, worldVanished, worldArrow;
    /// Colours for actor types (lanes, graph nodes), cycled by type index.
    std::array<QColor, 8> types;

    QColor typeColor(int64_t type) const;
    bool isDark() const { return background.lightness() < 128; }

    /// From a theme's flat colour map ("timeline.background", …); a key the
    /// theme lacks falls back to a colour derived from `app`.
    static TimelinePalette fromColors(const QHash<QString, QColor>& colors, const QPalette& app);
    /// Derived from an application palette only (tests, no theme loaded).
    static TimelinePalette fromPalette(const QPalette& app);
};

} // namespace aeroflow::timeline
