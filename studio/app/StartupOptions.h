#pragma once
// The command line of aeroflow-studio and the one-shot modes it offers
// besides the normal window: --screenshot (render the window to a PNG and
// exit) and the start-up / responsiveness benchmarks.

#include <QString>
#include <QStringList>

#include <optional>

class QElapsedTimer;

namespace aeroflow::studio {

class MainWindow;

struct StartupOptions {
    QStringList paths;      ///< files or directories to open
    QString theme;          ///< --theme dark|light (empty: remembered one)
    QString screenshot;     ///< --screenshot OUT.png
    QString open;           ///< --open FILE (with --screenshot)
    bool run = false;       ///< --run: run the current file first
    QString settingsFile;   ///< --settings FILE.ini: use this settings file
    QString benchmarkStartup; ///< --benchmark-startup FILE
    QString benchmarkRun;   ///< --benchmark-run FILE: GUI heartbeat while running
    QString benchmarkTyping; ///< --benchmark-typing FILE: keystroke-to-repaint times
    QString benchmarkFirstOutput; ///< --benchmark-first-output FILE: Run to first printed line, twice

    /// Parses `arguments` (argv as strings); nullopt after printing an error.
    static std::optional<StartupOptions> parse(const QStringList& arguments);
};

/// Runs a one-shot mode if one was asked for; returns the exit code then,
/// nullopt for the normal interactive session. `sinceStart` started at main().
std::optional<int> runOneShot(MainWindow& window, const StartupOptions& options, const QElapsedTimer& sinceStart);

/// Waits (spinning the event loop) until the current run settles or `ms` pass.
bool waitForRunToSettle(MainWindow& window, int ms);
/// Waits until the current editor's first analysis has been shown.
bool waitForDiagnostics(MainWindow& window, int ms);

} // namespace aeroflow::studio
