#include "TimelinePalette.h"

namespace aeroflow::timeline {

QColor TimelinePalette::typeColor(int64_t type) const
{
    if (type < 0)
        return textDim; // main program
    return types[static_cast<size_t>(type) % types.size()];
}

TimelinePalette TimelinePalette::fromColors(const QHash<QString, QColor>& colors, const QPalette& app)
{
    TimelinePalette p = fromPalette(app);
    auto pick = [&](QColor& field, const char* key) {
        const QColor c = colors.value(QStringLiteral("timeline.") + QLatin1String(key));
        if (c.isValid())
            field = c;
    };
    pick(p.background, "background");
    pick(p.grid, "grid");
    pick(p.text, "text");
    pick(p.textDim, "textDim");
    pick(p.laneHeader, "laneHeader");
    pick(p.laneAlternate, "laneAlternate");
    pick(p.slice, "slice");
    pick(p.sliceBorder, "sliceBorder");
    pick(p.sliceText, "sliceText");
    pick(p.message, "message");
    pick(p.density, "density");
    pick(p.crash, "crash");
    pick(p.output, "output");
    pick(p.cursor, "cursor");
    pick(p.selection, "selection");
    pick(p.bookmark, "bookmark");
    pick(p.minimapBackground, "minimapBackground");
    pick(p.minimapWindow, "minimapWindow");
    pick(p.graphNode, "graphNode");
    pick(p.graphNodeBorder, "graphNodeBorder");
    pick(p.graphEdge, "graphEdge");
    pick(p.graphActive, "graphActive");
    pick(p.changed, "changed");
    pick(p.changedText, "changedText");
    pick(p.dimmed, "dimmed");
    pick(p.worldBackground, "worldBackground");
    pick(p.worldHttp, "worldHttp");
    pick(p.worldWebSocket, "worldWebSocket");
    pick(p.worldCall, "worldCall");
    pick(p.worldTimer, "worldTimer");
    pick(p.worldRun, "worldRun");
    pick(p.worldOk, "worldOk");
    pick(p.worldClientError, "worldClientError");
    pick(p.worldServerError, "worldServerError");
    pick(p.worldVanished, "worldVanished");
    pick(p.worldArrow, "worldArrow");
    for (size_t i = 0; i < p.types.size(); ++i) {
        const QByteArray key = "type" + QByteArray::number(static_cast<int>(i));
        pick(p.types[i], key.constData());
    }
    return p;
}

TimelinePalette TimelinePalette::fromPalette(const QPalette& app)
{
    TimelinePalette p;
    p.background = app.color(QPalette::Base);
    p.grid = app.color(QPalette::Mid);
    p.text = app.color(QPalette::Text);
    p.textDim = app.color(QPalette::PlaceholderText);
    p.laneHeader = app.color(QPalette::Window);
    p.laneAlternate = app.color(QPalette::AlternateBase);
    p.slice = app.color(QPalette::Highlight);
    p.sliceBorder = app.color(QPalette::Highlight).lighter(130);
    p.sliceText = app.color(QPalette::HighlightedText);
    p.message = app.color(QPalette::Link);
    p.density = app.color(QPalette::Highlight).lighter(115);
    p.crash = QColor(0xe5, 0x14, 0x00);
    p.output = QColor(0x2e, 0x7d, 0x32);
    p.cursor = QColor(0xf0, 0xc0, 0x00);
    p.selection = QColor(0xd3, 0x54, 0x00);
    p.bookmark = QColor(0x8e, 0x44, 0xad);
    p.minimapBackground = app.color(QPalette::Window);
    p.minimapWindow = app.color(QPalette::Text);
    p.graphNode = app.color(QPalette::Button);
    p.graphNodeBorder = app.color(QPalette::Mid);
    p.graphEdge = app.color(QPalette::Mid);
    p.graphActive = p.cursor;
    p.changed = QColor(0xff, 0xf3, 0xc4);
    p.changedText = app.color(QPalette::Text);
    p.dimmed = app.color(QPalette::PlaceholderText);
    p.worldBackground = app.color(QPalette::AlternateBase);
    p.worldHttp = QColor(0x2b, 0x8c, 0xbe);
    p.worldWebSocket = QColor(0x88, 0x56, 0xa7);
    p.worldCall = QColor(0x0f, 0x9d, 0x8a);
    p.worldTimer = QColor(0xb0, 0x8a, 0x1e);
    p.worldRun = app.color(QPalette::PlaceholderText);
    p.worldOk = QColor(0x2e, 0x9e, 0x44);
    p.worldClientError = QColor(0xe0, 0x8a, 0x00);
    p.worldServerError = p.crash;
    p.worldVanished = app.color(QPalette::PlaceholderText);
    p.worldArrow = app.color(QPalette::Link);
    p.types = {QColor(0x4e79a7), QColor(0xf28e2b), QColor(0x59a14f), QColor(0xe15759),
               QColor(0x76b7b2), QColor(0xedc948), QColor(0xb07aa1), QColor(0xff9da7)};
    return p;
}

} // namespace aeroflow::timeline
