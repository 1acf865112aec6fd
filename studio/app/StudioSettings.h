#pragma once
// What the Studio remembers between sessions, through QSettings: window
// geometry and dock layout, open files, recent files, theme, how Run
// executes (native code, JIT level). Tests point it
// at a temporary location (QStandardPaths test mode or an explicit file).

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace aeroflow::studio {

class StudioSettings {
public:
    /// The platform location (organisation "AeroFlow", application "Studio").
    StudioSettings();
    /// An INI file at `path` (tests, portable use).
    explicit StudioSettings(const QString& path);
    ~StudioSettings();

    QString theme() const;
    void setTheme(const QString& name);
    QByteArray geometry() const;
    QByteArray windowState() const;
    void setWindowLayout(const QByteArray& geometry, const QByteArray& state);
    QStringList openFiles() const;
    void setOpenFiles(const QStringList& files);
    QStringList recentFiles() const;
    /// Moves `path` to the front of the recent files (at most kMaxRecent).
    void addRecentFile(const QString& path);
    /// Run (not Debug) with native code from the LLVM JIT. Default: on.
    bool runWithNativeCode() const;
    void setRunWithNativeCode(bool on);
    /// The JIT's optimisation level, 0..3 (out-of-range values are clamped).
    /// Default 0: the fastest compile, so Run starts at once.
    int jitOptLevel() const;
    void setJitOptLevel(int level);
    void sync();

    static constexpr int kMaxRecent = 10;

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace aeroflow::studio
