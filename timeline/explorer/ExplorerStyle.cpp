// Widget palettes of the explorer panes (see ExplorerStyle.h).

#include "ExplorerStyle.h"

namespace aeroflow::timeline {

namespace {

QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
        float(a.blueF() * (1 - t) + b.blueF() * t));
}

} // namespace

QPalette explorerPalette(const TimelinePalette& palette, QPalette p)
{
    for (auto group : { QPalette::Active, QPalette::Inactive }) {
        p.setColor(group, QPalette::Window, palette.laneHeader);
        p.setColor(group, QPalette::WindowText, palette.text);
        p.setColor(group, QPalette::Base, palette.background);
        p.setColor(group, QPalette::AlternateBase, palette.laneAlternate);
        p.setColor(group, QPalette::Text, palette.text);
        p.setColor(group, QPalette::Button, palette.laneHeader);
        p.setColor(group, QPalette::ButtonText, palette.text);
        p.setColor(group, QPalette::PlaceholderText, palette.textDim);
        p.setColor(group, QPalette::Highlight, mix(palette.background, palette.selection, 0.35));
        p.setColor(group, QPalette::HighlightedText, palette.text);
        p.setColor(group, QPalette::ToolTipBase, palette.laneHeader);
        p.setColor(group, QPalette::ToolTipText, palette.text);
    }
    p.setColor(QPalette::Disabled, QPalette::Text, palette.textDim);
    p.setColor(QPalette::Disabled, QPalette::ButtonText, palette.textDim);
    p.setColor(QPalette::Disabled, QPalette::WindowText, palette.textDim);
    return p;
}

} // namespace aeroflow::timeline
