// A trace of a program that served the outside world, in the Studio: the
// timeline gets its outside-world lane (opened with File → Open and from the
// command line), clicking a request shows the exchange in the Snapshot
// Explorer's details, a link there moves the cursor and the opened trace
// with it; screenshots of both themes (build dir).

#include "app/MainWindow.h"
#include "app/StartupOptions.h"
#include "app/StudioSettings.h"
#include "app/TimeTravelViews.h"
#include "docks/ActorsDock.h"
#include "docks/PreviewDock.h"
#include "docks/SnapshotExplorerDock.h"
#include "docks/TimelineDock.h"
#include "run/TraceController.h"
#include "theme/ThemeManager.h"

#include "../timeline/lanes/WorldSessionSupport.h"

#include "TimelineView.h"
#include "TraceCursor.h"
#include "WorldDetails.h"
#include "WorldDetailsModel.h"

#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace aeroflow::studio;
namespace tl = aeroflow::timeline;
using Kind = tl::FrameWorldMark::Kind;

namespace {

bool openAndSettle(MainWindow& w, const QString& trace)
{
    if (!w.openPath(trace, true))
        return false;
    TraceController* t = w.traceController();
    tl::TraceCursor* c = w.timeTravel()->cursor();
    return QTest::qWaitFor(
        [&] { return t->isOpen() && !t->busy() && c->isOpen() && c->seq() == t->position(); }, 10'000);
}

/// A request mark with a delivery, drawn on screen.
std::optional<tl::FrameWorldMark> requestMark(tl::TimelineView* view)
{
    if (!view->frame())
        return std::nullopt;
    for (const auto& m : view->frame()->world.marks)
        if (m.kind == Kind::HttpRequest && m.deliveredSeq != 0 && view->outsideMarkPosition({ false, m.row }))
            return m;
    return std::nullopt;
}

} // namespace

class TestStudioOutside : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void openedTraceHasTheOutsideLane();
    void commandLineOpensIt();
    void clickingARequestShowsTheExchange();
    void screenshots();

private:
    QTemporaryDir m_dir;
    QString m_trace;
};

void TestStudioOutside::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_trace = m_dir.filePath(QStringLiteral("service.aftrace"));
    worldtest::SessionOptions o;
    o.bigBody = 40'000;
    const auto rec = worldtest::recordSession(m_trace.toStdString(), o);
    QVERIFY2(rec.ok, rec.error.c_str());
}

void TestStudioOutside::openedTraceHasTheOutsideLane()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("open.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    w.resize(1400, 900);
    w.show();
    QVERIFY(openAndSettle(w, m_trace));
    tl::TimelineView* view = w.timeTravel()->timelineDock()->view();
    QTRY_VERIFY_WITH_TIMEOUT(view->hasOutsideLane(), 5'000);
    w.timeTravel()->timelineDock()->raise();
    QTRY_VERIFY_WITH_TIMEOUT(view->frame() && view->frame()->world.enabled
            && (!view->frame()->world.marks.empty() || !view->frame()->world.density.empty()),
        10'000);
}

void TestStudioOutside::commandLineOpensIt()
{
    // What `aeroflow-studio --screenshot OUT.png TRACE.aftrace` does.
    const QString out = m_dir.filePath(QStringLiteral("cli.png"));
    auto options
        = StartupOptions::parse({ QStringLiteral("aeroflow-studio"), QStringLiteral("--screenshot"), out, m_trace });
    QVERIFY(options);
    StudioSettings settings(m_dir.filePath(QStringLiteral("cli.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    for (const QString& path : options->paths)
        QVERIFY(w.openPath(path, true));
    QElapsedTimer since;
    since.start();
    QCOMPARE(runOneShot(w, *options, since), std::optional<int>(0));
    QVERIFY(QImage(out).width() > 0);
    QVERIFY(w.timeTravel()->isOpen());
    QVERIFY(w.timeTravel()->timelineDock()->view()->hasOutsideLane());
}

void TestStudioOutside::clickingARequestShowsTheExchange()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("click.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    w.resize(1400, 900);
    w.show();
    QVERIFY(openAndSettle(w, m_trace));
    TimeTravelViews* views = w.timeTravel();
    views->timelineDock()->raise();
    tl::TimelineView* view = views->timelineDock()->view();
    QTRY_VERIFY_WITH_TIMEOUT(view->hasOutsideLane(), 5'000);
    view->showTicks(0, 16);
    QTRY_VERIFY_WITH_TIMEOUT(requestMark(view).has_value(), 10'000);
    const tl::FrameWorldMark mark = *requestMark(view);
    SnapshotExplorerDock* explorer = views->explorerDock();
    QSignalSpy updated(explorer->worldDetailsModel(), &tl::WorldDetailsModel::updated);
    QTest::mouseClick(view, Qt::LeftButton, {}, *view->outsideMarkPosition({ false, mark.row }));
    QCOMPARE(views->cursor()->selectedOutside(), (tl::OutsideRef { false, mark.row }));
    QVERIFY(explorer->showsWorldDetails());
    QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty() && !explorer->worldDetailsModel()->isEmpty(), 10'000);
    const tl::WorldDetailsData& d = explorer->worldDetailsModel()->details();
    QCOMPARE(d.requestId, std::optional<uint64_t>(mark.id));
    QCOMPARE(d.deliveredSeq, std::optional<uint64_t>(mark.deliveredSeq));
    QVERIFY(explorer->worldDetails()->header()->text().contains(QStringLiteral("HTTP request #%1").arg(mark.id)));
    // The opened trace follows the cursor to where the request arrived.
    QTRY_VERIFY_WITH_TIMEOUT(!w.traceController()->busy() && w.traceController()->position() == mark.seq, 10'000);
    // The delivery link moves the cursor, the trace, and the details back to the message.
    QTreeWidgetItem* link = explorer->worldDetails()->item(QStringLiteral("Delivery"), QStringLiteral("delivered as"));
    QVERIFY(link);
    Q_EMIT explorer->worldDetails()->tree()->itemClicked(link, 1);
    QCOMPARE(views->cursor()->selectedMessage(), mark.deliveredSeq);
    QVERIFY(!explorer->showsWorldDetails());
    QTRY_VERIFY_WITH_TIMEOUT(
        !w.traceController()->busy() && w.traceController()->position() == mark.deliveredSeq, 10'000);
}

void TestStudioOutside::screenshots()
{
    for (const QString& theme : { QStringLiteral("dark"), QStringLiteral("light") }) {
        StudioSettings settings(m_dir.filePath(QStringLiteral("shot.ini")));
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        w.setTheme(theme);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(openAndSettle(w, m_trace));
        TimeTravelViews* views = w.timeTravel();
        views->timelineDock()->raise();
        // The explorer alone on the right, most of it for the details.
        w.removeDockWidget(views->explorerDock());
        w.addDockWidget(Qt::RightDockWidgetArea, views->explorerDock());
        views->explorerDock()->show();
        w.actorsDock()->hide();
        w.previewDock()->hide();
        views->graphDock()->hide();
        w.resizeDocks({ views->timelineDock() }, { 370 }, Qt::Vertical);
        w.resizeDocks({ views->explorerDock() }, { 640 }, Qt::Horizontal);
        QTest::qWait(100); // the dock layout settles
        views->explorerDock()->splitter()->setSizes({ 150, 510 });
        tl::TimelineView* view = views->timelineDock()->view();
        QTRY_VERIFY_WITH_TIMEOUT(view->hasOutsideLane(), 5'000);
        view->showTicks(0, 22);
        // The deposit that a later quote call made wait: a request whose response came later.
        QTRY_VERIFY_WITH_TIMEOUT(requestMark(view).has_value(), 10'000);
        std::optional<tl::FrameWorldMark> pick;
        for (const auto& m : view->frame()->world.marks)
            if (m.kind == Kind::HttpRequest && m.label.find("/quote") != std::string::npos
                && view->outsideMarkPosition({ false, m.row }))
                pick = m;
        if (!pick)
            pick = requestMark(view);
        QTest::mouseClick(view, Qt::LeftButton, {}, *view->outsideMarkPosition({ false, pick->row }));
        QTRY_VERIFY_WITH_TIMEOUT(!views->explorerDock()->worldDetailsModel()->isEmpty(), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.traceController()->busy(), 10'000);
        // The response's body in the value view.
        tl::WorldDetails* pane = views->explorerDock()->worldDetails();
        for (int i = 0; i < pane->tree()->topLevelItemCount(); ++i)
            if (QTreeWidgetItem* s = pane->tree()->topLevelItem(i); s->text(0) == QStringLiteral("Response"))
                for (int j = 0; j < s->childCount(); ++j)
                    if (s->child(j)->text(0).startsWith(QStringLiteral("body")))
                        pane->tree()->setCurrentItem(s->child(j));
        pane->tree()->scrollToTop();
        QTest::qWait(300); // frames arrive from the views' workers
        const QString path = QStringLiteral(AEROFLOW_STUDIO_SHOT_DIR "/studio-outside-%1.png").arg(theme);
        QVERIFY(w.grab().toImage().save(path));
    }
}

QTEST_MAIN(TestStudioOutside)
#include "tst_studio_outside.moc"
