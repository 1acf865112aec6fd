#include "ThemeManager.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QStyle>
#include <QStyleFactory>

static void initThemeResources()
{
    // themes/ is linked through a static library: reference its resources
    // explicitly so the linker keeps them.
    Q_INIT_RESOURCE(aeroflow_themes_data);
}

namespace aeroflow::studio {

ThemeManager::ThemeManager(QObject* parent, const QString& resourceDir) : QObject(parent)
{
    initThemeResources();
    const QDir dir(resourceDir);
    for (const QString& entry : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(entry));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QString error;
        if (auto theme = Theme::fromJson(f.readAll(), &error))
            m_themes.push_back(std::move(*theme));
        else
            qWarning("theme %s: %s", qPrintable(entry), qPrintable(error));
    }
    if (m_themes.isEmpty()) {
        // Never leave the Studio without a theme: the platform palette will do.
        Theme fallback;
        fallback.name = fallback.label = QStringLiteral("system");
        fallback.palette = QApplication::palette();
        m_themes.push_back(fallback);
    }
    // Start on the dark theme when there is one: the Studio's default look.
    for (int i = 0; i < m_themes.size(); ++i)
        if (m_themes[i].name == QLatin1String("dark"))
            m_current = i;
}

QStringList ThemeManager::themeNames() const
{
    QStringList names;
    for (const Theme& t : m_themes)
        names << t.name;
    return names;
}

const Theme* ThemeManager::find(const QString& name) const
{
    for (const Theme& t : m_themes)
        if (t.name == name)
            return &t;
    return nullptr;
}

bool ThemeManager::setTheme(const QString& name)
{
    for (int i = 0; i < m_themes.size(); ++i) {
        if (m_themes[i].name != name)
            continue;
        m_current = i;
        // Fusion draws everything from the palette, so a palette switch
        // restyles every standard widget at once.
        if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) {
            if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
                QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
            app->setPalette(m_themes[i].palette);
        }
        Q_EMIT themeChanged(m_themes[i]);
        return true;
    }
    return false;
}

} // namespace aeroflow::studio
