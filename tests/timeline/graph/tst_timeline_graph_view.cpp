// The actor graph view on the offscreen platform: follows the cursor,
// clicking a node selects its actor, hidden actors cannot be clicked,
// aggregation toggles, theme switching, damaged traces, and screenshots of a
// recorded example in both themes (written to the build directory).
#include "../../debugger/TraceTestSupport.h"
#include "GraphTestPrograms.h"

#include "ActorGraphView.h"
#include "TraceCursor.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtTest>

#include <set>

using namespace aeroflow;
using timeline::ActorGraphView;

namespace {

using graphtest::kFanProgram;
using graphtest::kTreeProgram;

timeline::TimelinePalette themePalette(const QString& name)
{
    QFile f(QStringLiteral(AEROFLOW_SOURCE_DIR "/themes/%1.json").arg(name));
    if (!f.open(QIODevice::ReadOnly))
        return timeline::TimelinePalette::fromPalette(QPalette());
    const QJsonObject group = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("timeline")).toObject();
    QHash<QString, QColor> colors;
    for (auto it = group.begin(); it != group.end(); ++it)
        colors.insert(QStringLiteral("timeline.") + it.key(), QColor(it.value().toString()));
    return timeline::TimelinePalette::fromColors(colors, QPalette());
}

} // namespace

class TstTimelineGraphView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_fan;

    static bool waitReady(ActorGraphView& view)
    {
        return QTest::qWaitFor([&] { return view.isReady(); }, 15000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fan = m_dir.filePath(QStringLiteral("fan.aftrace"));
        auto rec = tracetest::record("fan.aefl", kFanProgram, m_fan.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void clickSelectsActor()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_fan));
        cursor.setSeq(cursor.endSeq());
        ActorGraphView view;
        view.resize(800, 500);
        view.setCursor(&cursor);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(waitReady(view));
        QVERIFY(!view.isAggregated());
        QSignalSpy selected(&cursor, &timeline::TraceCursor::actorSelected);
        for (int64_t actor : {3, 1, 4}) {
            auto at = view.actorWidgetPosition(actor);
            QVERIFY(at.has_value());
            QVERIFY(view.rect().contains(at->toPoint()));
            QTest::mouseClick(&view, Qt::LeftButton, {}, at->toPoint());
            QCOMPARE(cursor.selectedActor(), actor);
        }
        QCOMPARE(selected.count(), 3);
        // Empty space selects nothing new.
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(2, view.height() - 2));
        QCOMPARE(cursor.selectedActor(), int64_t(4));
    }

    void followsCursorAndHidesUnspawnedActors()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_fan));
        ActorGraphView view;
        view.resize(800, 500);
        view.setCursor(&cursor);
        view.show();
        QVERIFY(waitReady(view));

        cursor.setSeq(10);
        QTRY_COMPARE_WITH_TIMEOUT(view.scene().frame()->seq, 10ull, 10000);
        const auto& model = *view.scene().model();
        const auto* frame = view.scene().frame();
        QCOMPARE(frame->edgeCounts[size_t(model.edgeOf(3, 1))], 5ull);
        QCOMPARE(frame->edgeCounts[size_t(model.edgeOf(3, 2))], 2ull);
        QCOMPARE(frame->tick, 2ull);
        QCOMPARE(frame->active[size_t(model.nodeOfActor(2, false))], uint8_t(1));

        // Before delivery 3 actor 4 does not exist: hidden, not clickable.
        cursor.selectActor(0);
        cursor.setSeq(2);
        QTRY_COMPARE_WITH_TIMEOUT(view.scene().frame()->seq, 2ull, 10000);
        QVERIFY(!view.scene().nodeVisible(size_t(model.nodeOfActor(4, false))));
        auto hidden = view.actorWidgetPosition(4);
        QVERIFY(hidden.has_value());
        QTest::mouseClick(&view, Qt::LeftButton, {}, hidden->toPoint());
        QCOMPARE(cursor.selectedActor(), int64_t(0));

        // Aggregated: one Sink node for a, b and c; counts sum up.
        view.setAggregated(true);
        QVERIFY(view.isAggregated());
        cursor.setSeq(13);
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady() && view.scene().frame()->aggregated
                                     && view.scene().frame()->seq == 13,
                                 10000);
        const auto& types = model.topology(true);
        QCOMPARE(view.scene().layout()->nodes.size(), types.nodes.size());
        uint64_t sum = 0;
        for (uint64_t c : view.scene().frame()->edgeCounts)
            sum += c;
        QCOMPARE(sum, 13ull);
        auto sink = view.actorWidgetPosition(2);
        QVERIFY(sink.has_value());
        QCOMPARE(view.actorWidgetPosition(1), sink);
        QTest::mouseClick(&view, Qt::LeftButton, {}, sink->toPoint());
        QCOMPARE(cursor.selectedActor(), int64_t(1)); // the type's first actor
        view.setAggregated(false);
        QVERIFY(!view.isAggregated());
    }

    void panAndZoom()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_fan));
        ActorGraphView view;
        view.resize(800, 500);
        view.setCursor(&cursor);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(waitReady(view));
        const QPointF before = *view.actorWidgetPosition(3);

        // Drag from empty space: the graph follows the mouse, nothing is selected.
        const QPoint from(5, view.height() - 5), to = from + QPoint(60, -40);
        QTest::mousePress(&view, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), view.mapToGlobal(QPointF(to)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
        QTest::mouseRelease(&view, Qt::LeftButton, {}, to);
        QCOMPARE(cursor.selectedActor(), int64_t(-1));
        const QPointF panned = *view.actorWidgetPosition(3);
        QVERIFY(std::abs(panned.x() - before.x() - 60) < 0.5);
        QVERIFY(std::abs(panned.y() - before.y() + 40) < 0.5);

        // Wheel up zooms in around the mouse: the point under it stays put.
        const double zoom = view.zoom();
        const double spread = QLineF(panned, *view.actorWidgetPosition(1)).length();
        QWheelEvent wheel(panned, view.mapToGlobal(panned), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(view.zoom() > zoom * 1.2);
        const QPointF anchored = *view.actorWidgetPosition(3);
        QVERIFY(std::abs(anchored.x() - panned.x()) < 0.5 && std::abs(anchored.y() - panned.y()) < 0.5);
        // ... and the distances grow by the zoom factor.
        const double grown = QLineF(anchored, *view.actorWidgetPosition(1)).length();
        QVERIFY(std::abs(grown - spread * view.zoom() / zoom) < 0.5);

        // Zoom to fit brings every node back into the widget.
        view.zoomToFit();
        for (int64_t actor = 0; actor <= 4; ++actor)
            QVERIFY(view.rect().contains(view.actorWidgetPosition(actor)->toPoint()));
    }

    void largeGraphAggregatesByDefault()
    {
        const QString trace = m_dir.filePath(QStringLiteral("tree.aftrace"));
        auto rec = tracetest::record("tree.aefl", kTreeProgram, trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(trace));
        cursor.setSeq(cursor.endSeq() / 4); // delivery k spawns actors 2k and 2k+1
        ActorGraphView view;
        view.setPalette(themePalette(QStringLiteral("dark")));
        view.resize(720, 480);
        view.setCursor(&cursor);
        QVERIFY(waitReady(view));
        QVERIFY(view.isAggregated()); // 512 nodes > 300
        QCOMPARE(view.scene().layout()->nodes.size(), size_t(2));
        QVERIFY(view.grab().save(QDir::current().filePath(QStringLiteral("graph-tree-types.png"))));

        view.setAggregated(false);
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady() && !view.scene().frame()->aggregated, 15000);
        QCOMPARE(view.scene().layout()->nodes.size(), size_t(512));
        QCOMPARE(view.scene().layout()->algorithm, timeline::LayoutAlgorithm::Sfdp);
        // A quarter through, the deeper half of the tree does not exist yet.
        size_t hidden = 0;
        for (size_t i = 0; i < 512; ++i)
            hidden += view.scene().nodeVisible(i) ? 0 : 1;
        QCOMPARE(hidden, size_t(512 - 2 * cursor.seq() - 2)); // main and 2 * seq + 1 Nodes exist
        QVERIFY(view.grab().save(QDir::current().filePath(QStringLiteral("graph-tree-actors.png"))));

        // Zoomed far out, nodes of a pixel or two: the overview still shows them.
        const QPointF centre(view.width() / 2.0, view.height() / 2.0);
        QWheelEvent wheel(centre, view.mapToGlobal(centre), QPoint(), QPoint(0, -1200), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        const QImage overview = view.grab().toImage();
        QVERIFY(overview.save(QDir::current().filePath(QStringLiteral("graph-tree-overview.png"))));
        const QColor nodeColour = themePalette(QStringLiteral("dark")).typeColor(0);
        auto at = view.actorWidgetPosition(1);
        QVERIFY(at.has_value());
        QCOMPARE(overview.pixelColor(at->toPoint()), nodeColour);
        view.resetAggregation();
        QVERIFY(view.isAggregated());
    }

    void paletteSwitchesAtRuntime()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_fan));
        ActorGraphView view;
        view.resize(400, 300);
        view.setCursor(&cursor);
        QVERIFY(waitReady(view));
        const auto dark = themePalette(QStringLiteral("dark"));
        const auto light = themePalette(QStringLiteral("light"));
        QVERIFY(dark.background != light.background);
        view.setPalette(dark);
        QCOMPARE(view.grab().toImage().pixelColor(view.width() - 2, view.height() - 2), dark.background);
        view.setPalette(light);
        QCOMPARE(view.grab().toImage().pixelColor(view.width() - 2, view.height() - 2), light.background);
    }

    void notATraceIsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("becomes-junk.aftrace"));
        QVERIFY(QFile::copy(m_fan, path));
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(path));
        {
            // Replaced under the cursor's feet: the view's own reader refuses it.
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("this is not an sqlite file, just text");
        }
        ActorGraphView view;
        view.setCursor(&cursor);
        QTRY_COMPARE_WITH_TIMEOUT(view.state(), ActorGraphView::State::Failed, 10000);
        QVERIFY(!view.errorText().isEmpty());
        view.grab(); // paints the error, does not crash

        // No cursor, or a closed one: an empty view.
        ActorGraphView empty;
        empty.setCursor(nullptr);
        QCOMPARE(empty.state(), ActorGraphView::State::Empty);
    }

    void screenshots_data()
    {
        QTest::addColumn<QString>("theme");
        QTest::newRow("dark") << QStringLiteral("dark");
        QTest::newRow("light") << QStringLiteral("light");
    }

    void screenshots()
    {
        QFETCH(QString, theme);
        QFile src(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/game_room.aefl"));
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QString trace = m_dir.filePath(QStringLiteral("game_room.aftrace"));
        if (!QFile::exists(trace)) {
            auto rec = tracetest::record("game_room.aefl", src.readAll().toStdString(), trace.toStdString());
            QVERIFY2(rec.ok, rec.error.c_str());
        }
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(trace));
        cursor.setSeq(cursor.endSeq() / 2);
        cursor.selectActor(1); // the Room
        ActorGraphView view;
        const auto palette = themePalette(theme);
        view.setPalette(palette);
        view.resize(720, 420);
        view.setCursor(&cursor);
        QVERIFY(waitReady(view));
        QTRY_COMPARE_WITH_TIMEOUT(view.scene().frame()->seq, cursor.seq(), 10000);
        const QImage image = view.grab().toImage();
        const QString out = QDir::current().filePath(QStringLiteral("graph-%1.png").arg(theme));
        QVERIFY(image.save(out));
        qInfo("screenshot: %s", qPrintable(out));

        // Something was drawn: the type colours of the nodes, the selection.
        std::set<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        QVERIFY(colours.size() > 20);
        auto room = view.actorWidgetPosition(1);
        QVERIFY(room.has_value());
        QVERIFY(image.pixelColor(room->toPoint()) != palette.background);
    }
};

QTEST_MAIN(TstTimelineGraphView)
#include "tst_timeline_graph_view.moc"
