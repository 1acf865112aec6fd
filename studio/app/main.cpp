// aeroflow-studio [FILE.aefl | DIR] [--theme dark|light] [--screenshot OUT.png [--open FILE] [--run]]

#include "MainWindow.h"
#include "StartupOptions.h"
#include "StudioSettings.h"
#include "theme/ThemeManager.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

/// Screenshots and benchmarks need no screen: without a display they render
/// offscreen instead of failing. An interactive start without one gets a
/// clear message rather than Qt's plugin abort.
bool chooseHeadlessPlatform(int argc, char** argv)
{
    if (std::getenv("QT_QPA_PLATFORM") || std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY"))
        return true;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--screenshot") || !std::strncmp(argv[i], "--benchmark-", 12) ||
            !std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h") || !std::strcmp(argv[i], "--version")) {
            setenv("QT_QPA_PLATFORM", "offscreen", 1);
            return true;
        }
    std::fprintf(stderr, "aeroflow-studio: no display (DISPLAY and WAYLAND_DISPLAY are unset).\n"
                         "Start it from a desktop session, or render a picture with\n"
                         "  aeroflow-studio --screenshot OUT.png --open FILE.aefl [--run]\n");
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    if (!chooseHeadlessPlatform(argc, argv))
        return 1;
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("AeroFlow"));
    QApplication::setApplicationName(QStringLiteral("Studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("AeroFlow Studio"));
    QApplication::setApplicationVersion(QStringLiteral(AEROFLOW_STUDIO_VERSION));

    const auto options = aeroflow::studio::StartupOptions::parse(QApplication::arguments());
    if (!options)
        return 2;
    const bool oneShot = !options->screenshot.isEmpty() || !options->benchmarkStartup.isEmpty() ||
                         !options->benchmarkRun.isEmpty() || !options->benchmarkTyping.isEmpty() ||
                         !options->benchmarkFirstOutput.isEmpty();
    // One-shot modes (screenshots, benchmarks) must not touch the user's
    // settings or recent files: they get a throwaway settings file.
    QTemporaryDir scratch;
    QString settingsFile = options->settingsFile;
    if (settingsFile.isEmpty() && oneShot && scratch.isValid())
        settingsFile = scratch.filePath(QStringLiteral("studio.ini"));
    auto settings = settingsFile.isEmpty() ? std::make_unique<aeroflow::studio::StudioSettings>()
                                           : std::make_unique<aeroflow::studio::StudioSettings>(settingsFile);
    aeroflow::studio::ThemeManager themes;
    aeroflow::studio::MainWindow window(&themes, settings.get());
    // One-shot modes start from a clean window: no files from the last session.
    if (!oneShot)
        window.restoreSession();
    else
        themes.setTheme(settings->theme());
    if (!options->theme.isEmpty() && !themes.setTheme(options->theme))
        qWarning("unknown theme '%s' (available: %s)", qPrintable(options->theme), qPrintable(themes.themeNames().join(", ")));
    for (const QString& path : options->paths)
        window.openPath(path, oneShot);
    if (const auto code = aeroflow::studio::runOneShot(window, *options, sinceStart))
        return *code;
    window.show();
    return app.exec();
}
