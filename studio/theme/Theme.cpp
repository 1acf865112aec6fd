#include "Theme.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>

namespace aeroflow::studio {

TextStyle Theme::style(const QString& name) const
{
    if (auto it = styles.find(name); it != styles.end())
        return *it;
    return styles.value(QStringLiteral("default"), TextStyle{palette.color(QPalette::Text)});
}

namespace {

QPalette paletteFrom(const QJsonObject& o)
{
    QPalette p;
    const QMetaEnum roles = QMetaEnum::fromType<QPalette::ColorRole>();
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool ok = false;
        const int role = roles.keyToValue(it.key().toLatin1().constData(), &ok);
        const QColor c(it.value().toString());
        if (!ok || !c.isValid())
            continue;
        p.setColor(QPalette::All, QPalette::ColorRole(role), c);
    }
    // Disabled text is the placeholder colour: readable, clearly dimmed.
    const QColor dim = p.color(QPalette::PlaceholderText);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    return p;
}

} // namespace

std::optional<Theme> Theme::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        if (error)
            *error = parseError.errorString();
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    Theme t;
    t.name = root.value(QStringLiteral("name")).toString();
    t.label = root.value(QStringLiteral("label")).toString(t.name);
    if (t.name.isEmpty()) {
        if (error)
            *error = QStringLiteral("theme has no name");
        return std::nullopt;
    }
    t.palette = paletteFrom(root.value(QStringLiteral("palette")).toObject());
    const QJsonObject editor = root.value(QStringLiteral("editor")).toObject();
    t.editorFont = editor.value(QStringLiteral("font")).toString(QStringLiteral("Monospace"));
    t.editorFontSize = editor.value(QStringLiteral("fontSize")).toInt(10);
    for (auto it = editor.begin(); it != editor.end(); ++it)
        if (it.value().isString() && QColor::isValidColorName(it.value().toString()))
            t.colors.insert(it.key(), QColor(it.value().toString()));
    const QJsonObject styles = editor.value(QStringLiteral("styles")).toObject();
    for (auto it = styles.begin(); it != styles.end(); ++it) {
        const QJsonObject s = it.value().toObject();
        t.styles.insert(it.key(), TextStyle{QColor(s.value(QStringLiteral("color")).toString()),
                                            s.value(QStringLiteral("bold")).toBool(),
                                            s.value(QStringLiteral("italic")).toBool(),
                                            s.value(QStringLiteral("underline")).toBool()});
    }
    // Every other group is a flat map of colours: "markers.breakpoint", …
    for (auto group = root.begin(); group != root.end(); ++group) {
        if (!group.value().isObject() || group.key() == QLatin1String("palette") || group.key() == QLatin1String("editor"))
            continue;
        const QJsonObject o = group.value().toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (QColor::isValidColorName(it.value().toString()))
                t.colors.insert(group.key() + QLatin1Char('.') + it.key(), QColor(it.value().toString()));
    }
    return t;
}

} // namespace aeroflow::studio
