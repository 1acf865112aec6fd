#pragma once
// Owns the available themes (embedded from themes/*.json) and the current
// one. Setting a theme applies the palette to the application and tells every
// themed view through themeChanged(); views restyle themselves from the Theme.

#include "Theme.h"

#include <QObject>
#include <QStringList>
#include <QVector>

namespace aeroflow::studio {

class ThemeManager : public QObject {
    Q_OBJECT
public:
    /// Loads every theme under `resourceDir` (default: the embedded :/themes).
    explicit ThemeManager(QObject* parent = nullptr, const QString& resourceDir = QStringLiteral(":/themes"));

    QStringList themeNames() const;
    const Theme& current() const { return m_themes[m_current]; }
    const Theme* find(const QString& name) const;

    /// Switches to `name` (no-op when unknown or already current). Applies the
    /// palette to qApp, then emits themeChanged. Returns false when unknown.
    bool setTheme(const QString& name);

Q_SIGNALS:
    void themeChanged(const aeroflow::studio::Theme& theme);

private:
    QVector<Theme> m_themes;
    int m_current = 0;
};

} // namespace aeroflow::studio
