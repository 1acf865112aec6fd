#pragma once
// A theme as loaded from themes/*.json: the application palette, editor
// colours per highlighting style, marker colours and the colours of the
// debugger views. Plain data; ThemeManager owns the current one.

#include <QColor>
#include <QHash>
#include <QPalette>
#include <QString>

#include <optional>

namespace aeroflow::studio {

struct TextStyle {
    QColor color;
    bool bold = false;
    bool italic = false;
    bool underline = false;
};

struct Theme {
    QString name;  ///< "dark", "light": what settings and --theme store
    QString label; ///< shown in View → Theme
    QPalette palette;
    QString editorFont;
    int editorFontSize = 10;
    /// Editor colours ("paper", "caret", …) and the colours of the other
    /// groups as "group.key" ("markers.breakpoint", "actors.changed", …).
    QHash<QString, QColor> colors;
    /// Highlighting styles by TokenStyle name ("keyword", "comment", …).
    QHash<QString, TextStyle> styles;

    /// A colour by key; `fallback` when the theme does not define it.
    QColor color(const QString& key, const QColor& fallback = Qt::magenta) const { return colors.value(key, fallback); }
    TextStyle style(const QString& name) const;
    bool isDark() const { return palette.color(QPalette::Window).lightness() < 128; }

    /// Parses a theme file's JSON; an error message in `error` when it is not one.
    static std::optional<Theme> fromJson(const QByteArray& json, QString* error = nullptr);
};

} // namespace aeroflow::studio
