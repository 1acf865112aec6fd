// The time-travel views in the Studio (issue 6): the Timeline, Actor Graph
// and Snapshot Explorer docks are the real views on one TraceCursor, opened
// on an opened trace and on the trace of every Run; the cursor and the trace
// stepping move each other; a graph click selects the actor; theme switches
// restyle every view; the exports (snapshot at the cursor, Chrome JSON) and
// resuming a snapshot; screenshots of both themes.

#include "app/MainWindow.h"
#include "app/StartupOptions.h"
#include "app/StudioSettings.h"
#include "app/TimeTravelViews.h"
#include "docks/ActorsDock.h"
#include "docks/MessagesDock.h"
#include "docks/OutputDock.h"
#include "docks/PreviewDock.h"
#include "docks/SnapshotExplorerDock.h"
#include "docks/TimelineDock.h"
#include "editor/EditorArea.h"
#include "run/SnapshotResumer.h"
#include "theme/ThemeManager.h"

#include "ActorGraphView.h"
#include "MessageDetails.h"
#include "MessageTableModel.h"
#include "MessageTableView.h"
#include "SearchBar.h"
#include "SnapshotExplorer.h"
#include "SnapshotModel.h"
#include "TimelineView.h"
#include "TraceCursor.h"
#include "TraceReader.h"

#include "Scheduler.h"
#include "Snapshot.h"

#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace aeroflow::studio;
namespace tl = aeroflow::timeline;

namespace {
const QString kExamples = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/");

/// Opens `trace` in `w` and waits until the trace and the views settled.
bool openAndSettle(MainWindow& w, const QString& trace)
{
    if (!w.openPath(trace, true))
        return false;
    TraceController* t = w.traceController();
    tl::TraceCursor* c = w.timeTravel()->cursor();
    return QTest::qWaitFor(
        [&] { return t->isOpen() && !t->busy() && c->isOpen() && c->seq() == t->position(); }, 10'000);
}
} // namespace

class TestStudioTimeTravel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runShowsItsTrace();
    void openTraceShowsTheRealViews();
    void cursorAndTraceMoveEachOther();
    void graphClickSelectsActor();
    void findInTimelineShowsSearchBar();
    void ctrlBBookmarksWithANote();
    void themeSwitchRestylesEveryView();
    void exportSnapshotAtCursorRestores();
    void exportChromeJson();
    void damagedSnapshotIsAnError();
    void screenshots();

private:
    QString runAndRecord(MainWindow& w, const QString& file);
    QTemporaryDir m_dir;
    QString m_counterTrace, m_bankTrace, m_afs;
};

void TestStudioTimeTravel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("project/.aeroflow")));
    for (const char* name : { "counter.aefl", "bank.aefl" })
        QVERIFY(QFile::copy(
            kExamples + QLatin1String(name), m_dir.filePath(QStringLiteral("project/") + QLatin1String(name))));
}

QString TestStudioTimeTravel::runAndRecord(MainWindow& w, const QString& file)
{
    QSignalSpy written(w.runController(), &RunController::traceWritten);
    if (!w.openPath(file, true))
        return {};
    w.runCurrent(false);
    if (!waitForRunToSettle(w, 10'000) || (written.isEmpty() && !written.wait(10'000)))
        return {};
    return written.front().at(0).toString();
}

void TestStudioTimeTravel::runShowsItsTrace()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("run.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    TimeTravelViews* views = w.timeTravel();
    QVERIFY(!views->isOpen());
    m_counterTrace = runAndRecord(w, m_dir.filePath(QStringLiteral("project/counter.aefl")));
    QVERIFY(!m_counterTrace.isEmpty());
    // After the Run, the views show its trace, at its end.
    QTRY_VERIFY_WITH_TIMEOUT(views->isOpen(), 5'000);
    QCOMPARE(QFileInfo(views->tracePath()).canonicalFilePath(), QFileInfo(m_counterTrace).canonicalFilePath());
    auto reader = aeroflow::debugger::TraceReader::open(m_counterTrace.toStdString());
    QVERIFY(reader);
    QCOMPARE(views->cursor()->endSeq(), (*reader)->info().messages);
    QCOMPARE(views->cursor()->seq(), views->cursor()->endSeq());
    QVERIFY(!views->followsTrace()); // a live run is not a trace: scrubbing only moves the views
    QCOMPARE(views->messageTableModel()->rowCount(), int((*reader)->info().messages));
    QTRY_VERIFY_WITH_TIMEOUT(views->graphView()->isReady(), 10'000);
    // Scrubbing back dims the output printed after the cursor; the end undims it.
    views->cursor()->setSeq(0);
    QVERIFY(w.outputDock()->dimmedLines() > 0);
    views->cursor()->setSeq(views->cursor()->endSeq());
    QCOMPARE(w.outputDock()->dimmedLines(), 0);

    m_bankTrace = runAndRecord(w, m_dir.filePath(QStringLiteral("project/bank.aefl")));
    QVERIFY(!m_bankTrace.isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(views->tracePath()).fileName(), QFileInfo(m_bankTrace).fileName(), 5'000);
}

void TestStudioTimeTravel::openTraceShowsTheRealViews()
{
    QVERIFY(!m_counterTrace.isEmpty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("open.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    TimeTravelViews* views = w.timeTravel();
    QVERIFY(views->followsTrace());
    QCOMPARE(views->cursor()->tracePath(), QFileInfo(m_counterTrace).absoluteFilePath());

    QHash<QString, QDockWidget*> byName;
    for (QDockWidget* d : w.docks())
        byName.insert(d->objectName(), d);
    auto* timeline = qobject_cast<TimelineDock*>(byName.value(QStringLiteral("TimelineDock")));
    QVERIFY(timeline);
    QVERIFY(timeline->findChild<tl::TimelineView*>());
    QCOMPARE(timeline->view()->traceCursor(), views->cursor());
    QDockWidget* graph = byName.value(QStringLiteral("ActorGraphDock"));
    QVERIFY(graph);
    QCOMPARE(qobject_cast<tl::ActorGraphView*>(graph->widget()), views->graphView());
    QCOMPARE(views->graphView()->traceCursor(), views->cursor());
    auto* explorer = qobject_cast<SnapshotExplorerDock*>(byName.value(QStringLiteral("SnapshotExplorerDock")));
    QVERIFY(explorer);
    QVERIFY(explorer->findChild<tl::SnapshotExplorer*>());
    QVERIFY(explorer->findChild<tl::MessageDetails*>());
    QCOMPARE(explorer->snapshotModel()->cursor(), views->cursor());
    // The Messages dock shows the lazy trace table in trace mode.
    QVERIFY(w.messagesDock()->showsTraceView());
    QCOMPARE(views->messageTableModel()->rowCount(), 7);
    // The explorer shows the state at the cursor (the end: count 42 + 1).
    QTRY_COMPARE_WITH_TIMEOUT(explorer->snapshotModel()->seq(), views->cursor()->seq(), 10'000);
    QVERIFY(explorer->snapshotModel()->rowCount() >= 2);
}

void TestStudioTimeTravel::cursorAndTraceMoveEachOther()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("link.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    TraceController* trace = w.traceController();
    tl::TraceCursor* cursor = w.timeTravel()->cursor();
    QCOMPARE(cursor->seq(), trace->position());

    // The cursor moves the trace (the editor line, Actors and Output follow it).
    cursor->setSeq(3);
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && trace->position() == 3, 10'000);
    QCOMPARE(cursor->seq(), quint64(3));
    QCOMPARE(trace->lastSnapshot().delivered, quint64(3));

    // A burst of moves (scrubbing) ends where the cursor ended, without bouncing back.
    for (quint64 s : { 1, 6, 2, 5, 4 })
        cursor->setSeq(s);
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && trace->position() == 4, 10'000);
    QTest::qWait(50);
    QCOMPARE(cursor->seq(), quint64(4));
    QCOMPARE(trace->position(), quint64(4));

    // Stepping the trace moves the cursor.
    trace->stepBack();
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && cursor->seq() == 3, 10'000);
    QCOMPARE(trace->position(), quint64(3));
    trace->seek(6);
    QTRY_COMPARE_WITH_TIMEOUT(cursor->seq(), quint64(6), 10'000);
    w.action(QStringLiteral("debug.previousMessage"))->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(cursor->seq(), quint64(5), 10'000);

    // Clicking a row of the trace message table moves both.
    tl::MessageTableView* table = w.timeTravel()->messageTable();
    w.show();
    w.messagesDock()->raise();
    QTRY_VERIFY_WITH_TIMEOUT(table->isVisible(), 5'000);
    const int row = w.timeTravel()->messageTableModel()->rowForSeq(2);
    QVERIFY(row >= 0);
    const QRect rect = table->view()->visualRect(w.timeTravel()->messageTableModel()->index(row, 0));
    QVERIFY(rect.isValid());
    QTest::mouseClick(table->view()->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_VERIFY_WITH_TIMEOUT(cursor->seq() == 2 && !trace->busy() && trace->position() == 2, 10'000);
    QCOMPARE(cursor->selectedMessage(), quint64(2));
}

void TestStudioTimeTravel::graphClickSelectsActor()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("graph.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    w.show();
    w.timeTravel()->graphDock()->raise();
    tl::ActorGraphView* graph = w.timeTravel()->graphView();
    QTRY_VERIFY_WITH_TIMEOUT(graph->isVisible() && graph->isReady(), 10'000);
    graph->zoomToFit();
    std::optional<QPointF> at;
    QTRY_VERIFY_WITH_TIMEOUT((at = graph->actorWidgetPosition(1)).has_value(), 5'000);
    QVERIFY(graph->rect().contains(at->toPoint()));
    QCOMPARE(w.timeTravel()->cursor()->selectedActor(), int64_t(-1));
    QTest::mouseClick(graph, Qt::LeftButton, {}, at->toPoint());
    QCOMPARE(w.timeTravel()->cursor()->selectedActor(), int64_t(1));
}

void TestStudioTimeTravel::findInTimelineShowsSearchBar()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("find.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    TimelineDock* dock = w.timeTravel()->timelineDock();
    dock->raise();
    QTRY_VERIFY_WITH_TIMEOUT(dock->view()->isVisible(), 5'000);
    QVERIFY(dock->searchBar()->isHidden());
    dock->view()->setFocus();
    QTRY_VERIFY_WITH_TIMEOUT(dock->hasFocusInside(), 5'000);
    w.action(QStringLiteral("edit.find"))->trigger();
    QVERIFY(dock->searchBar()->isVisible());
    QTest::keyClick(dock->searchBar()->lineEdit(), Qt::Key_Escape);
    QVERIFY(dock->searchBar()->isHidden());
}

void TestStudioTimeTravel::ctrlBBookmarksWithANote()
{
    // A copy: bookmarks are written into the trace file.
    const QString trace = m_dir.filePath(QStringLiteral("bookmarked.aftrace"));
    QVERIFY(QFile::copy(m_counterTrace, trace));
    StudioSettings settings(m_dir.filePath(QStringLiteral("bookmark.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, trace));
    w.show();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    tl::TimelineView* view = w.timeTravel()->timelineDock()->view();
    w.timeTravel()->timelineDock()->raise();
    QTRY_VERIFY_WITH_TIMEOUT(view->isVisible(), 5'000);
    const size_t before = view->bookmarks().size();
    // Ctrl+B asks for the note in a dialog: answer it when it shows.
    QTimer answer;
    bool answered = false;
    connect(&answer, &QTimer::timeout, this, [&] {
        if (auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget())) {
            dialog->setTextValue(QStringLiteral("counter reaches 42"));
            dialog->accept();
            answered = true;
            answer.stop();
        }
    });
    answer.start(20);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_B, Qt::ControlModifier);
    QVERIFY(answered);
    QTRY_COMPARE_WITH_TIMEOUT(view->bookmarks().size(), before + 1, 5'000);
    bool found = false;
    for (const auto& b : view->bookmarks())
        found = found || (b.note == "counter reaches 42" && b.tick == w.timeTravel()->cursor()->tick());
    QVERIFY2(found, qPrintable(view->errorString()));
}

void TestStudioTimeTravel::themeSwitchRestylesEveryView()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("theme.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    TimeTravelViews* views = w.timeTravel();
    auto colours = [&] {
        return QList<QColor> { views->palette().background, views->timelineDock()->view()->timelinePalette().background,
            views->graphView()->scene().palette().background,
            views->explorerDock()->explorer()->palette().color(QPalette::Base),
            views->explorerDock()->details()->palette().color(QPalette::Base),
            views->messageTable()->palette().color(QPalette::Base) };
    };
    w.setTheme(QStringLiteral("dark"));
    const QList<QColor> dark = colours();
    w.setTheme(QStringLiteral("light"));
    const QList<QColor> light = colours();
    for (int i = 0; i < dark.size(); ++i) {
        QVERIFY2(dark[i].lightness() < 128, qPrintable(QString::number(i)));
        QVERIFY2(light[i].lightness() > 128, qPrintable(QString::number(i)));
    }
    QCOMPARE(views->palette().background, QColor(themes.current().colors.value(QStringLiteral("timeline.background"))));
}

void TestStudioTimeTravel::exportSnapshotAtCursorRestores()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("afs.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    TimeTravelViews* views = w.timeTravel();
    views->cursor()->setSeq(3);
    m_afs = m_dir.filePath(QStringLiteral("at3.afs"));
    QSignalSpy done(views, &TimeTravelViews::snapshotExported);
    QSignalSpy failed(views, &TimeTravelViews::snapshotFailed);
    QVERIFY(views->exportSnapshot(m_afs));
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), 10'000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().at(0).toString()));
    QCOMPARE(done.front().at(1).toULongLong(), quint64(3));

    QFile f(m_afs);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray image = f.readAll();
    auto info = aeroflow::engine::readSnapshotInfo(std::string_view(image.constData(), size_t(image.size())));
    QVERIFY2(info, info ? "" : info.error().c_str());
    QCOMPARE(info->delivered, quint64(3));
    std::string printed;
    auto restored = aeroflow::engine::restoreSnapshot(std::string_view(image.constData(), size_t(image.size())),
        nullptr, {}, [&](aeroflow::engine::Stream, std::string_view t) { printed += t; });
    QVERIFY2(restored, restored ? "" : restored.error().c_str());

    // Resuming it in the Studio continues the run from there: the rest of the output.
    QSignalSpy resumed(w.resumer(), &SnapshotResumer::finished);
    w.resumeSnapshot(m_afs);
    QVERIFY(resumed.wait(10'000));
    const auto result = resumed.front().at(0).value<SnapshotResumer::Result>();
    QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
    QCOMPARE(result.delivered, quint64(7 - 3));
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("after one more increment: 1")));
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("Resumed run ended")));
}

void TestStudioTimeTravel::exportChromeJson()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("json.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(openAndSettle(w, m_counterTrace));
    const QString target = m_dir.filePath(QStringLiteral("counter.json"));
    QSignalSpy done(w.timeTravel(), &TimeTravelViews::exportFinished);
    QSignalSpy failed(w.timeTravel(), &TimeTravelViews::exportFailed);
    QVERIFY(w.timeTravel()->exportTrace(target));
    QTRY_VERIFY_WITH_TIMEOUT(!done.isEmpty() || !failed.isEmpty(), 10'000);
    QVERIFY(failed.isEmpty());
    QFile f(target);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonArray events = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("traceEvents")).toArray();
    QVERIFY(events.size() >= 7);
}

void TestStudioTimeTravel::damagedSnapshotIsAnError()
{
    QVERIFY(!m_afs.isEmpty());
    QFile in(m_afs);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QByteArray image = in.readAll();
    image.truncate(image.size() / 2);
    const QString damaged = m_dir.filePath(QStringLiteral("damaged.afs"));
    QFile out(damaged);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(image);
    out.close();
    StudioSettings settings(m_dir.filePath(QStringLiteral("damaged.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QSignalSpy resumed(w.resumer(), &SnapshotResumer::finished);
    w.resumeSnapshot(damaged);
    QVERIFY(resumed.wait(10'000));
    QVERIFY(!resumed.front().at(0).value<SnapshotResumer::Result>().error.isEmpty());
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("Cannot resume the snapshot")));
}

void TestStudioTimeTravel::screenshots()
{
    QVERIFY(!m_bankTrace.isEmpty());
    for (const QString& theme : { QStringLiteral("dark"), QStringLiteral("light") }) {
        StudioSettings settings(m_dir.filePath(QStringLiteral("shot.ini")));
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        w.setTheme(theme);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(openAndSettle(w, m_bankTrace));
        TimeTravelViews* views = w.timeTravel();
        views->timelineDock()->raise();
        views->graphDock()->raise();
        const quint64 at = views->cursor()->endSeq() / 2;
        views->cursor()->setSeq(at);
        views->cursor()->selectMessage(at);
        QTRY_VERIFY_WITH_TIMEOUT(!w.traceController()->busy() && w.traceController()->position() == at, 10'000);
        // All three views at once: graph above explorer on the right, out of their tab group.
        w.removeDockWidget(views->graphDock());
        w.removeDockWidget(views->explorerDock());
        w.addDockWidget(Qt::RightDockWidgetArea, views->graphDock());
        w.splitDockWidget(views->graphDock(), views->explorerDock(), Qt::Vertical);
        views->graphDock()->show();
        views->explorerDock()->show();
        w.previewDock()->hide();
        w.actorsDock()->hide();
        w.resizeDocks({ views->graphDock() }, { 560 }, Qt::Horizontal);
        w.resizeDocks({ views->timelineDock() }, { 330 }, Qt::Vertical);
        QTRY_VERIFY_WITH_TIMEOUT(views->graphView()->isReady() && views->graphView()->isVisible(), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(views->explorerDock()->snapshotModel()->seq(), at, 10'000);
        views->explorerDock()->explorer()->view()->expandAll();
        QTest::qWait(100); // the dock layout settles
        views->timelineDock()->view()->zoomToFit();
        views->graphView()->zoomToFit();
        QTest::qWait(300); // frames arrive from the views' workers
        const QString path = QStringLiteral(AEROFLOW_STUDIO_SHOT_DIR "/studio-timetravel-%1.png").arg(theme);
        QVERIFY(w.grab().toImage().save(path));
    }
}

QTEST_MAIN(TestStudioTimeTravel)
#include "tst_studio_timetravel.moc"
