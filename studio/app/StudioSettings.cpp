#include "StudioSettings.h"

#include <QSettings>

#include <algorithm>

namespace aeroflow::studio {

StudioSettings::StudioSettings() : m_settings(std::make_unique<QSettings>(QStringLiteral("AeroFlow"), QStringLiteral("Studio"))) {}

StudioSettings::StudioSettings(const QString& path) : m_settings(std::make_unique<QSettings>(path, QSettings::IniFormat)) {}

StudioSettings::~StudioSettings() = default;

QString StudioSettings::theme() const { return m_settings->value(QStringLiteral("ui/theme"), QStringLiteral("dark")).toString(); }
void StudioSettings::setTheme(const QString& name) { m_settings->setValue(QStringLiteral("ui/theme"), name); }
QByteArray StudioSettings::geometry() const { return m_settings->value(QStringLiteral("window/geometry")).toByteArray(); }
QByteArray StudioSettings::windowState() const { return m_settings->value(QStringLiteral("window/state")).toByteArray(); }

void StudioSettings::setWindowLayout(const QByteArray& geometry, const QByteArray& state)
{
    m_settings->setValue(QStringLiteral("window/geometry"), geometry);
    m_settings->setValue(QStringLiteral("window/state"), state);
}

QStringList StudioSettings::openFiles() const { return m_settings->value(QStringLiteral("session/openFiles")).toStringList(); }
void StudioSettings::setOpenFiles(const QStringList& files) { m_settings->setValue(QStringLiteral("session/openFiles"), files); }
QStringList StudioSettings::recentFiles() const { return m_settings->value(QStringLiteral("session/recentFiles")).toStringList(); }

void StudioSettings::addRecentFile(const QString& path)
{
    QStringList recent = recentFiles();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    m_settings->setValue(QStringLiteral("session/recentFiles"), recent);
}

bool StudioSettings::runWithNativeCode() const { return m_settings->value(QStringLiteral("run/nativeCode"), true).toBool(); }
void StudioSettings::setRunWithNativeCode(bool on) { m_settings->setValue(QStringLiteral("run/nativeCode"), on); }
int StudioSettings::jitOptLevel() const { return std::clamp(m_settings->value(QStringLiteral("run/jitOptLevel"), 0).toInt(), 0, 3); }
void StudioSettings::setJitOptLevel(int level) { m_settings->setValue(QStringLiteral("run/jitOptLevel"), std::clamp(level, 0, 3)); }

void StudioSettings::sync() { m_settings->sync(); }

} // namespace aeroflow::studio
