#include "StartupOptions.h"

#include "MainWindow.h"
#include "TimeTravelViews.h"
#include "editor/CodeEditor.h"
#include "editor/DiagnosticsService.h"
#include "editor/EditorArea.h"
#include "run/NativeProgram.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QImage>
#include <QKeyEvent>
#include <QPixmap>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace aeroflow::studio {

std::optional<StartupOptions> StartupOptions::parse(const QStringList& arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("AeroFlow Studio, the IDE of the AeroFlow language"));
    p.addHelpOption();
    p.addVersionOption();
    p.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A .aefl file or a directory to open"), QStringLiteral("[FILE.aefl | DIR]"));
    p.addOption({QStringLiteral("theme"), QStringLiteral("Colour theme: dark or light"), QStringLiteral("name")});
    p.addOption({QStringLiteral("screenshot"), QStringLiteral("Render the window to a PNG and exit"), QStringLiteral("OUT.png")});
    p.addOption({QStringLiteral("open"), QStringLiteral("File to open (with --screenshot)"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("run"), QStringLiteral("Run the file before the screenshot")});
    p.addOption({QStringLiteral("settings"), QStringLiteral("Read and write settings in this INI file"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("benchmark-startup"), QStringLiteral("Print milliseconds from start to the first paint of FILE, then exit"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("benchmark-run"), QStringLiteral("Run FILE, print the largest GUI event-loop gap (ms), then exit"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("benchmark-typing"), QStringLiteral("Type into FILE, print keystroke-to-repaint times (ms), then exit"), QStringLiteral("FILE")});
    p.addOption({QStringLiteral("benchmark-first-output"), QStringLiteral("Run FILE twice, print milliseconds from Run to its first printed line, then exit"), QStringLiteral("FILE")});
    if (!p.parse(arguments)) {
        std::fprintf(stderr, "aeroflow-studio: %s\n", qPrintable(p.errorText()));
        return std::nullopt;
    }
    if (p.isSet(QStringLiteral("help")))
        p.showHelp(0);
    if (p.isSet(QStringLiteral("version")))
        p.showVersion();
    StartupOptions o;
    o.paths = p.positionalArguments();
    o.theme = p.value(QStringLiteral("theme"));
    o.screenshot = p.value(QStringLiteral("screenshot"));
    o.open = p.value(QStringLiteral("open"));
    o.run = p.isSet(QStringLiteral("run"));
    o.settingsFile = p.value(QStringLiteral("settings"));
    o.benchmarkStartup = p.value(QStringLiteral("benchmark-startup"));
    o.benchmarkRun = p.value(QStringLiteral("benchmark-run"));
    o.benchmarkTyping = p.value(QStringLiteral("benchmark-typing"));
    o.benchmarkFirstOutput = p.value(QStringLiteral("benchmark-first-output"));
    return o;
}

namespace {

template <typename Pred>
bool spinUntil(Pred done, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// Paint events of a widget tell when the user first sees it.
class FirstPaint : public QObject {
public:
    bool painted = false;
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::Paint)
            painted = true;
        return false;
    }
};

int benchmarkStartup(MainWindow& window, const QString& file, const QElapsedTimer& sinceStart)
{
    if (!window.openPath(file, true))
        return 1;
    CodeEditor* e = window.editorArea()->currentEditor();
    FirstPaint probe;
    e->viewport()->installEventFilter(&probe);
    window.show();
    spinUntil([&] { return probe.painted; }, 30'000);
    const qint64 firstPaint = sinceStart.elapsed();
    waitForDiagnostics(window, 30'000);
    const qint64 diagnostics = sinceStart.elapsed();
    std::printf("startup_first_paint_ms %lld\nstartup_first_diagnostics_ms %lld\nlines %d\n", (long long)firstPaint,
                (long long)diagnostics, e->lines());
    return 0;
}

int benchmarkRun(MainWindow& window, const QString& file)
{
    if (!window.openPath(file, true))
        return 1;
    window.show();
    waitForDiagnostics(window, 30'000);
    // A 10 ms heartbeat: the largest gap between two beats is the longest
    // the GUI thread was kept from its event loop during the run.
    QElapsedTimer beat;
    qint64 maxGap = 0;
    int beats = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        if (beat.isValid())
            maxGap = std::max(maxGap, beat.elapsed());
        beat.restart();
        ++beats;
    });
    heartbeat.start();
    QElapsedTimer runTime;
    runTime.start();
    window.runCurrent(false);
    waitForRunToSettle(window, 120'000);
    heartbeat.stop();
    std::printf("run_ms %lld\nheartbeats %d\nmax_gui_gap_ms %lld\nmessages %llu\n", (long long)runTime.elapsed(), beats,
                (long long)maxGap, (unsigned long long)window.runController()->delivered());
    return 0;
}

/// Keystroke to repaint: each key press and release is delivered to the
/// editor the way the window system would, then the viewport is repainted
/// synchronously; the time of both is what a user waits for the character.
/// Live diagnostics stay on: every pause of 350 ms lets the debounced
/// recompilation (off the GUI thread) run and publish its squiggles, so
/// keystrokes also meet the results arriving.
int benchmarkTyping(MainWindow& window, const QString& file)
{
    if (!window.openPath(file, true))
        return 1;
    window.show();
    waitForDiagnostics(window, 60'000);
    CodeEditor* e = window.editorArea()->currentEditor();
    const int line = e->lines() / 2;
    e->setCursorPosition(line, 0);
    e->setFocus();
    const QString text = QStringLiteral("let typed_value = compute(1, 2) + 3 # comment\n");
    std::vector<double> ms;
    QElapsedTimer t;
    for (int round = 0; round < 4; ++round) {
        for (const QChar c : text) {
            const int key = c == QLatin1Char('\n') ? Qt::Key_Return : int(c.toUpper().unicode());
            const QString str = c == QLatin1Char('\n') ? QStringLiteral("\r") : QString(c);
            QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier, str);
            QKeyEvent release(QEvent::KeyRelease, key, Qt::NoModifier, str);
            t.start();
            QCoreApplication::sendEvent(e, &press);
            QCoreApplication::sendEvent(e, &release);
            e->viewport()->repaint();
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        // Let the debounced recompilation run and deliver its diagnostics.
        spinUntil([] { return false; }, 350);
        waitForDiagnostics(window, 30'000);
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size())))]; };
    std::printf("typing_keystrokes %zu\nlines %d\ntyping_median_ms %.2f\ntyping_p90_ms %.2f\ntyping_max_ms %.2f\n",
                ms.size(), e->lines(), at(0.5), at(0.9), ms.back());
    return 0;
}

/// What a user waits for after pressing Run: from runCurrent() to the first
/// line the program prints reaching the GUI thread (compile, JIT compile
/// when on, start of the run). Two runs: the first pays for loading the JIT
/// unless the start-up preload has finished by then.
int benchmarkFirstOutput(MainWindow& window, const QString& file)
{
    if (!window.openPath(file, true))
        return 1;
    window.show();
    waitForDiagnostics(window, 30'000);
    RunController* run = window.runController();
    std::printf("preload_done_before_run1 %d\n", NativeProgram::preloaded() ? 1 : 0);
    for (int i = 1; i <= 2; ++i) {
        QElapsedTimer t;
        qint64 firstOutput = -1;
        const auto c = QObject::connect(run, &RunController::outputAppended, [&](const QVector<OutputLine>& lines) {
            for (const OutputLine& l : lines)
                if (firstOutput < 0 && l.kind == OutputKind::Output)
                    firstOutput = t.elapsed();
        });
        t.start();
        window.runCurrent(false);
        spinUntil([&] { return firstOutput >= 0; }, 60'000);
        waitForRunToSettle(window, 60'000);
        QObject::disconnect(c);
        const ExecutionInfo& e = run->execution();
        std::printf("run%d_first_output_ms %lld\nrun%d_execution %s\nrun%d_jit_compile_ms %.1f\n"
                    "run%d_jit_wait_ms %.1f\n",
                    i, (long long)firstOutput, i, qPrintable(RunController::executionText(e)), i, e.compileMs, i,
                    e.waitMs);
    }
    return 0;
}

} // namespace

bool waitForDiagnostics(MainWindow& window, int ms)
{
    CodeEditor* e = window.editorArea()->currentEditor();
    if (!e)
        return false;
    return spinUntil([&] { return !e->diagnosticsService()->busy() && e->analysis().revision == e->diagnosticsService()->revision(); }, ms);
}

bool waitForRunToSettle(MainWindow& window, int ms)
{
    using S = RunController::State;
    RunController* run = window.runController();
    // Let the queued start reach the worker before judging the state.
    spinUntil([&] { return run->state() != S::Compiling && run->state() != S::Idle; }, ms);
    return spinUntil([&] { return run->state() == S::Finished || run->state() == S::Failed || run->state() == S::Paused || run->state() == S::Idle; }, ms);
}

std::optional<int> runOneShot(MainWindow& window, const StartupOptions& options, const QElapsedTimer& sinceStart)
{
    if (!options.benchmarkStartup.isEmpty())
        return benchmarkStartup(window, options.benchmarkStartup, sinceStart);
    if (!options.benchmarkRun.isEmpty())
        return benchmarkRun(window, options.benchmarkRun);
    if (!options.benchmarkTyping.isEmpty())
        return benchmarkTyping(window, options.benchmarkTyping);
    if (!options.benchmarkFirstOutput.isEmpty())
        return benchmarkFirstOutput(window, options.benchmarkFirstOutput);
    if (options.screenshot.isEmpty())
        return std::nullopt;
    if (!options.open.isEmpty() && !window.openPath(options.open, true))
        return 1;
    window.show();
    // An open trace loads on its own thread, its views on theirs: draw it
    // once it is shown.
    spinUntil([&] { return !window.traceController()->busy(); }, 30'000);
    spinUntil([&] { return window.timeTravel()->settled(); }, 30'000);
    QCoreApplication::processEvents();
    waitForDiagnostics(window, 10'000);
    if (options.run) {
        window.runCurrent(false);
        waitForRunToSettle(window, 60'000);
        // Queued output and snapshot signals land before we draw.
        QCoreApplication::processEvents();
    }
    const QPixmap shot = window.grab();
    if (!shot.save(options.screenshot, "PNG")) {
        std::fprintf(stderr, "aeroflow-studio: cannot write %s\n", qPrintable(options.screenshot));
        return 1;
    }
    return 0;
}

} // namespace aeroflow::studio
