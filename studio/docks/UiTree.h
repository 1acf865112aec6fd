#pragma once
// A screen's UI tree, read back from the text the engine keeps for each
// screen (ActorRecord::lastRender, engine/Print.cpp formatUiTree): one node
// per line, children indented by two spaces. Pure data; no widgets.

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace aeroflow::studio {

struct UiNode {
    QString element;                  ///< Column, Text, Button, Input, …
    QStringList args;                 ///< positional arguments, strings unquoted
    QVector<QPair<QString, QString>> props; ///< key → value (strings unquoted)
    QString bindField;                ///< `bind=field "value"`
    QString bindValue;
    QStringList events;               ///< onClick, onChange, … (keys only)
    QVector<UiNode> children;

    QString prop(const QString& key) const;
};

/// Parses formatUiTree text; lines it cannot read become Text nodes with the
/// raw line, so a preview never loses content.
QVector<UiNode> parseUiTree(const QString& text);

} // namespace aeroflow::studio
