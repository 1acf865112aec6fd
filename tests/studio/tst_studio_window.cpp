// The assembled window: theme switching reaches every dock, settings
// persist in a temporary location, the command palette lists the actions,
// the Preview draws a screen with real widgets, and screenshots of both
// themes land in the build directory.

#include "app/CommandPalette.h"
#include "app/MainWindow.h"
#include "app/StartupOptions.h"
#include "app/StudioSettings.h"
#include "docks/ActorsDock.h"
#include "docks/OutputDock.h"
#include "docks/PreviewDock.h"
#include "docks/ProblemsDock.h"
#include "editor/CodeEditor.h"
#include "editor/EditorArea.h"
#include "theme/ThemeManager.h"

#include <Qsci/qscilexer.h>

#include <QDockWidget>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace aeroflow::studio;

namespace {
const QString kExamples = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/");
}

class TestStudioWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void themeSwitchReachesEveryDock();
    void settingsPersist();
    void unreadableFileIsAMessage();
    void brokenFileShowsProblems();
    void commandPaletteListsActions();
    void previewDrawsScreen();
    void screenshots();

private:
    QTemporaryDir m_dir;
};

void TestStudioWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // never touch the user's real settings
    QVERIFY(m_dir.isValid());
}

void TestStudioWindow::themeSwitchReachesEveryDock()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("theme.ini")));
    ThemeManager themes;
    QVERIFY(themes.themeNames().contains(QStringLiteral("dark")));
    QVERIFY(themes.themeNames().contains(QStringLiteral("light")));
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(kExamples + QStringLiteral("counter.aefl"), true));
    w.setTheme(QStringLiteral("dark"));
    QHash<QDockWidget*, QColor> dark;
    for (QDockWidget* d : w.docks())
        dark.insert(d, d->widget()->palette().color(QPalette::Window));
    const QColor darkPaper = w.editorArea()->currentEditor()->lexer()->paper(0);
    w.setTheme(QStringLiteral("light"));
    for (QDockWidget* d : w.docks()) {
        QVERIFY2(d->widget()->palette().color(QPalette::Window) != dark.value(d), qPrintable(d->objectName()));
        QVERIFY(d->widget()->palette().color(QPalette::Window).lightness() > 128);
    }
    QVERIFY(w.editorArea()->currentEditor()->lexer()->paper(0) != darkPaper);
    QVERIFY(w.action(QStringLiteral("view.theme.light"))->isChecked());
    QCOMPARE(settings.theme(), QStringLiteral("light"));
}

void TestStudioWindow::settingsPersist()
{
    const QString ini = m_dir.filePath(QStringLiteral("persist.ini"));
    QByteArray state;
    {
        StudioSettings settings(ini);
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        QVERIFY(w.openPath(kExamples + QStringLiteral("counter.aefl"), true));
        QVERIFY(w.openPath(kExamples + QStringLiteral("hello.aefl"), true));
        w.setTheme(QStringLiteral("light"));
        w.actorsDock()->hide();
        state = w.saveState();
        w.saveSession();
    }
    StudioSettings settings(ini);
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    w.restoreSession();
    QCOMPARE(themes.current().name, QStringLiteral("light"));
    QCOMPARE(w.editorArea()->openFiles().size(), 2);
    QVERIFY(w.editorArea()->openFiles().first().endsWith(QStringLiteral("counter.aefl")));
    QVERIFY(settings.recentFiles().first().endsWith(QStringLiteral("hello.aefl")));
    QVERIFY(w.actorsDock()->isHidden());
    QCOMPARE(w.saveState(), state);
}

void TestStudioWindow::unreadableFileIsAMessage()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("missing.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(!w.openPath(m_dir.filePath(QStringLiteral("does-not-exist.aefl")), true));
    QVERIFY(w.editorArea()->editors().isEmpty());
}

void TestStudioWindow::brokenFileShowsProblems()
{
    const QString path = m_dir.filePath(QStringLiteral("broken.aefl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("let x = 10\nx = 11\nprint(undefined_thing)\nactor {\n");
    f.close();
    StudioSettings settings(m_dir.filePath(QStringLiteral("broken.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(path, true));
    QVERIFY(waitForDiagnostics(w, 10'000));
    QTRY_VERIFY_WITH_TIMEOUT(w.problemsDock()->rowCount() >= 2, 10'000);
    // Running it reports, never crashes.
    w.runCurrent(false);
    QTRY_COMPARE_WITH_TIMEOUT(w.runController()->state(), RunController::State::Failed, 10'000);
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("undefined_thing")));
}

void TestStudioWindow::commandPaletteListsActions()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("palette.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    CommandPalette palette(w.allActions(), &w);
    const QStringList all = palette.visibleEntries();
    QVERIFY(all.size() >= 25);
    palette.setFilter(QStringLiteral("step back previous"));
    const QStringList filtered = palette.visibleEntries();
    QCOMPARE(filtered.size(), 1);
    QVERIFY2(filtered.front().contains(QStringLiteral("Shift+F10")), qPrintable(filtered.front()));
    palette.setFilter(QStringLiteral("palette"));
    QVERIFY(palette.visibleEntries().front().contains(QStringLiteral("Ctrl+Shift+P")));
}

void TestStudioWindow::previewDrawsScreen()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("preview.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(kExamples + QStringLiteral("login_screen.aefl"), true));
    w.runCurrent(false);
    QVERIFY(waitForRunToSettle(w, 10'000));
    QTRY_COMPARE_WITH_TIMEOUT(w.previewDock()->screenCount(), 1, 10'000);
    QPushButton* clear = nullptr;
    for (QPushButton* b : w.previewDock()->canvas()->findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Clear"))
            clear = b;
    QVERIFY(clear);
    QVERIFY(!w.previewDock()->canvas()->findChildren<QLineEdit*>().isEmpty());
    // The click enters the engine as a recorded UI event: one more delivery.
    const quint64 before = w.runController()->delivered();
    clear->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.runController()->delivered() > before, 10'000);
}

void TestStudioWindow::screenshots()
{
    for (const QString& theme : {QStringLiteral("dark"), QStringLiteral("light")}) {
        StudioSettings settings(m_dir.filePath(QStringLiteral("shot.ini")));
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        w.setTheme(theme);
        QVERIFY(w.openPath(kExamples + QStringLiteral("counter.aefl"), true));
        w.show();
        QVERIFY(waitForDiagnostics(w, 10'000));
        w.runCurrent(false);
        QVERIFY(waitForRunToSettle(w, 10'000));
        QTRY_VERIFY_WITH_TIMEOUT(w.outputDock()->text().contains(QStringLiteral("count = 42")), 10'000);
        const QString path = QStringLiteral(AEROFLOW_STUDIO_SHOT_DIR "/studio-%1.png").arg(theme);
        const QImage image = w.grab().toImage();
        QVERIFY(image.save(path));
        // The window background follows the theme.
        const QColor corner = image.pixelColor(image.width() - 5, image.height() / 2);
        QVERIFY2(theme == QLatin1String("dark") ? corner.lightness() < 128 : corner.lightness() > 128, qPrintable(path));
    }
}

QTEST_MAIN(TestStudioWindow)
#include "tst_studio_window.moc"
