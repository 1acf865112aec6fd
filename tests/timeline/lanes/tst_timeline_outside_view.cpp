// The outside-world lane in the timeline widget (offscreen): shown only for
// traces with a world, clicking a mark selects the input / output and moves
// the cursor, ] [ follow the arrows (input -> delivery -> input; response ->
// the delivery that sent it), . , step through the inputs, the details pane
// shows the HTTP exchange and its links move the cursor, damaged traces
// paint, and screenshots in both palettes (build dir).
#include "WorldSessionSupport.h"

#include "FrameBuilder.h"
#include "LanesTestSupport.h"
#include "TimeTravelWorker.h"
#include "TimelineView.h"
#include "TraceCursor.h"
#include "WorldDetails.h"
#include "WorldDetailsModel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::timeline;
using Kind = FrameWorldMark::Kind;

namespace {

TimelinePalette themePalette(const QString& name)
{
    QFile f(QStringLiteral(AEROFLOW_SOURCE_DIR "/themes/") + name + QStringLiteral(".json"));
    if (!f.open(QIODevice::ReadOnly))
        return TimelinePalette::fromPalette(QPalette());
    const QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    QHash<QString, QColor> colors;
    const QJsonObject tl = root.value(QStringLiteral("timeline")).toObject();
    for (auto it = tl.begin(); it != tl.end(); ++it)
        colors.insert(QStringLiteral("timeline.") + it.key(), QColor(it.value().toString()));
    QPalette app;
    const QJsonObject pal = root.value(QStringLiteral("palette")).toObject();
    for (auto [role, key] : { std::pair { QPalette::Window, "Window" }, { QPalette::WindowText, "WindowText" },
             { QPalette::Base, "Base" }, { QPalette::Text, "Text" }, { QPalette::AlternateBase, "AlternateBase" } })
        app.setColor(role, QColor(pal.value(QLatin1String(key)).toString()));
    return TimelinePalette::fromColors(colors, app);
}

/// The first mark of `kind` (with a delivery, when asked) in the view's frame.
const FrameWorldMark* findMark(const TimelineView& view, Kind kind, bool delivered = false)
{
    if (!view.frame())
        return nullptr;
    for (const FrameWorldMark& m : view.frame()->world.marks)
        if (m.kind == kind && (!delivered || m.deliveredSeq != 0) && view.outsideMarkPosition({ m.output, m.row }))
            return &m;
    return nullptr;
}

} // namespace

class TstTimelineOutsideView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_trace, m_plain;

    bool openView(TimelineView& view, TraceCursor& cursor, const QString& trace)
    {
        view.resize(1200, 520);
        view.show();
        if (!cursor.open(trace))
            return false;
        view.setCursor(&cursor);
        if (!view.dataSource()->waitForPyramid(10'000))
            return false;
        QSignalSpy applied(&view, &TimelineView::frameApplied);
        view.showTicks(0, 14); // marks and slices wide enough to click
        return applied.wait(5000) || view.frame() != nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_trace = m_dir.filePath(QStringLiteral("world.aftrace"));
        const auto rec = worldtest::recordSession(m_trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        m_plain = m_dir.filePath(QStringLiteral("ring.aftrace"));
        QVERIFY(tracetest::record("ring.aefl", lanestest::kRing, m_plain.toStdString()).ok);
    }

    void laneOnlyWithAWorld()
    {
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, m_plain));
        QVERIFY(!view.hasOutsideLane());
        QVERIFY(view.outsideRect().isEmpty());
        QVERIFY(view.frame() && !view.frame()->world.enabled);
        QVERIFY(cursor.open(m_trace)); // the same view, another trace
        QTRY_VERIFY(view.hasOutsideLane());
        QVERIFY(view.outsideRect().height() > 30);
        QSignalSpy applied(&view, &TimelineView::frameApplied);
        view.showTicks(0, 14);
        QVERIFY(applied.wait(5000));
        QTRY_VERIFY(view.frame() && view.frame()->world.enabled && !view.frame()->world.marks.empty());
    }

    void clickAndKeysFollowTheArrows()
    {
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, m_trace));
        QTRY_VERIFY(findMark(view, Kind::HttpRequest, true));
        const FrameWorldMark request = *findMark(view, Kind::HttpRequest, true);
        const OutsideRef ref { false, request.row };
        QTest::mouseClick(&view, Qt::LeftButton, {}, *view.outsideMarkPosition(ref));
        QCOMPARE(cursor.selectedOutside(), ref);
        QCOMPARE(cursor.seq(), request.seq);
        QCOMPARE(cursor.selectedMessage(), uint64_t(0));
        QVERIFY(view.outsideLaneSelected());
        // ] : the delivery it queued (input_links).
        QTest::keyClick(&view, Qt::Key_BracketRight);
        QTRY_COMPARE(cursor.selectedMessage(), request.deliveredSeq);
        QCOMPARE(cursor.seq(), request.deliveredSeq);
        QVERIFY(cursor.selectedOutside().isNull());
        QCOMPARE(int64_t(request.deliveredSeq),
            lanestest::scalar(
                m_trace.toStdString(), "SELECT seq FROM input_links WHERE effect = " + std::to_string(request.row)));
        // [ : back from the delivery to its input.
        QTest::keyClick(&view, Qt::Key_BracketLeft);
        QTRY_COMPARE(cursor.selectedOutside(), ref);
        QCOMPARE(cursor.seq(), request.seq);
        // . , : the next / previous input.
        const std::string t = m_trace.toStdString();
        // (request_done inputs are not stepped to: they are drawn on their response)
        const std::string kinds
            = "('http_request', 'ws_open', 'ws_text', 'ws_closed', 'call_done', 'timer', 'shutdown', 'halt')";
        const int64_t next = lanestest::scalar(
            t, "SELECT min(rowid) FROM effects WHERE rowid > " + std::to_string(request.row) + " AND kind IN " + kinds);
        QTest::keyClick(&view, Qt::Key_Period);
        QTRY_COMPARE(cursor.selectedOutside(), (OutsideRef { false, uint64_t(next) }));
        QCOMPARE(int64_t(cursor.seq()),
            lanestest::scalar(t, "SELECT seq FROM effects WHERE rowid = " + std::to_string(next)));
        QTest::keyClick(&view, Qt::Key_Comma);
        QTRY_COMPARE(cursor.selectedOutside(), ref);
        // A response: [ goes to the delivery that sent it.
        QTRY_VERIFY(findMark(view, Kind::Respond));
        const FrameWorldMark response = *findMark(view, Kind::Respond);
        QTest::mouseClick(&view, Qt::LeftButton, {}, *view.outsideMarkPosition({ true, response.row }));
        QCOMPARE(cursor.selectedOutside(), (OutsideRef { true, response.row }));
        QTest::keyClick(&view, Qt::Key_BracketLeft);
        QTRY_COMPARE(cursor.selectedMessage(), response.seq);
        // Clicking an actor's slice leaves the outside lane.
        QVERIFY(!view.outsideLaneSelected());
        QTest::mouseClick(&view, Qt::LeftButton, {}, *view.outsideMarkPosition(ref));
        QVERIFY(view.outsideLaneSelected());
        for (const auto& s : view.frame()->slices)
            if (auto pos = view.slicePosition(s.seq)) {
                QTest::mouseClick(&view, Qt::LeftButton, {}, *pos);
                break;
            }
        QVERIFY(!view.outsideLaneSelected());
        QVERIFY(cursor.selectedOutside().isNull());
    }

    void detailsShowTheExchange()
    {
        TraceCursor cursor;
        QVERIFY(cursor.open(m_trace));
        TimeTravelWorker worker;
        QSignalSpy opened(&worker, &TimeTravelWorker::opened);
        worker.open(m_trace);
        QVERIFY(opened.wait(10'000));
        QCOMPARE(opened.front().at(0).toString(), QString());
        WorldDetailsModel model;
        model.setWorker(&worker);
        model.setCursor(&cursor);
        WorldDetails pane(&model);
        pane.setPalette(themePalette(QStringLiteral("dark")));
        const std::string t = m_trace.toStdString();
        // The first POST: a deposit answered with 200.
        const auto post = uint64_t(lanestest::scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'http_request'"));
        QSignalSpy updated(&model, &WorldDetailsModel::updated);
        cursor.selectOutside({ false, post });
        QVERIFY(updated.wait(10'000));
        const WorldDetailsData d = model.details(); // a copy: following a link clears the model
        QCOMPARE(d.ref, (OutsideRef { false, post }));
        QCOMPARE(d.requestId, std::optional<uint64_t>(1));
        QCOMPARE(d.statusSent, std::optional<int32_t>(200));
        QVERIFY(d.latencyUs.has_value());
        QVERIFY2(d.summary.startsWith(QStringLiteral("POST /deposit?name=u0 → 200 in ")), qPrintable(d.summary));
        QVERIFY(pane.header()->text().contains(QStringLiteral("HTTP request #1")));
        QCOMPARE(pane.item(QStringLiteral("Request"), QStringLiteral("method"))->text(1), QStringLiteral("POST"));
        QCOMPARE(pane.item(QStringLiteral("Request"), QStringLiteral("body (2 bytes)"))->text(1), QStringLiteral("10"));
        QVERIFY(pane.item(QStringLiteral("Response"), QStringLiteral("status"))->text(1) == QStringLiteral("200"));
        QVERIFY(pane.item(QStringLiteral("Client"), QStringLiteral("latency")) != nullptr);
        // The delivery line is a link: clicking it moves the cursor there.
        QTreeWidgetItem* delivered = pane.item(QStringLiteral("Delivery"), QStringLiteral("delivered as"));
        QVERIFY(delivered);
        QVERIFY(d.deliveredSeq.has_value());
        QVERIFY(delivered->text(1).startsWith(QStringLiteral("#%1").arg(*d.deliveredSeq)));
        Q_EMIT pane.tree()->itemClicked(delivered, 1);
        QCOMPARE(cursor.selectedMessage(), *d.deliveredSeq);
        QCOMPARE(cursor.seq(), *d.deliveredSeq);
        // The big body: cut, with its size.
        const auto big = uint64_t(
            lanestest::scalar(t, "SELECT rowid FROM effects WHERE kind = 'http_request' AND length(value) > 200000"));
        cursor.selectOutside({ false, big });
        QVERIFY(updated.wait(10'000));
        QTreeWidgetItem* body = pane.item(QStringLiteral("Request"), QStringLiteral("body (300000 bytes)"));
        QVERIFY(body);
        pane.tree()->setCurrentItem(body);
        QVERIFY(pane.valueView()->toPlainText().endsWith(QStringLiteral("(300000 bytes, the first 16384 shown)")));
        // The request that timed out: 504 sent, no response.
        auto reader = debugger::TraceReader::open(t);
        QVERIFY(reader);
        auto world = debugger::TraceWorld::open(**reader);
        QVERIFY(world);
        auto inputs = (*world)->inputs(0, (*world)->lastSeq(), { 100000, 0, 1 << 20, false });
        QVERIFY(inputs);
        uint64_t timeout = 0;
        for (const auto& in : inputs->rows)
            if (in.event.kind == engine::InputEvent::Kind::RequestDone && in.event.status == 504)
                timeout = in.effectRow;
        QVERIFY(timeout != 0);
        cursor.selectOutside({ false, timeout });
        QVERIFY(updated.wait(10'000));
        QCOMPARE(model.details().statusSent, std::optional<int32_t>(504));
        QVERIFY(!model.details().answeredInSeq);
        QVERIFY(pane.item(QStringLiteral("Client"), QStringLiteral("status sent"))
                    ->text(1)
                    .startsWith(QStringLiteral("504")));
        // Another kind of input: a WebSocket frame with its delivery.
        const auto text = uint64_t(lanestest::scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'ws_text'"));
        auto direct = buildWorldDetails(**reader, { false, text });
        QVERIFY(direct);
        QVERIFY(direct->title.startsWith(QStringLiteral("WebSocket text")));
        QVERIFY(std::any_of(direct->rows.begin(), direct->rows.end(),
            [](const WorldDetailsData::Row& r) { return r.name == QStringLiteral("delivered as") && r.seq != 0; }));
        // Selecting a message clears the outside selection (the pane empties).
        cursor.selectMessage(3);
        QVERIFY(cursor.selectedOutside().isNull());
        QTRY_VERIFY(model.isEmpty());
    }

    void damagedTracePaints()
    {
        const QString t = m_dir.filePath(QStringLiteral("damaged.aftrace"));
        QFile::remove(t);
        QVERIFY(QFile::copy(m_trace, t));
        {
            debugger::Database db;
            QVERIFY(db.open(t.toStdString(), debugger::Database::Mode::ReadWriteCreate));
            QVERIFY(db.exec("UPDATE effects SET value = x'0101ff' WHERE kind IN ('http_request', 'ws_text')"));
            QVERIFY(db.exec("UPDATE outputs SET text = x'00' WHERE stream = 3"));
            QVERIFY(db.exec("UPDATE input_links SET effect = effect + 100000"));
        }
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, t));
        QVERIFY(view.hasOutsideLane());
        QTRY_VERIFY(findMark(view, Kind::Damaged));
        QVERIFY(!view.grab().isNull());
        const FrameWorldMark damaged = *findMark(view, Kind::Damaged);
        QTest::mouseClick(&view, Qt::LeftButton, {}, *view.outsideMarkPosition({ damaged.output, damaged.row }));
        QCOMPARE(cursor.selectedOutside(), (OutsideRef { damaged.output, damaged.row }));
        auto reader = debugger::TraceReader::open(t.toStdString());
        QVERIFY(reader);
        auto d = buildWorldDetails(**reader, cursor.selectedOutside());
        QVERIFY(d);
        QVERIFY(d->title.startsWith(QStringLiteral("Damaged")));
        QVERIFY(std::any_of(d->rows.begin(), d->rows.end(), [](const auto& r) { return r.alert; }));
    }

    void screenshots()
    {
        for (const QString& theme : { QStringLiteral("dark"), QStringLiteral("light") }) {
            TimelineView view;
            TraceCursor cursor;
            view.setPalette(themePalette(theme));
            QVERIFY(openView(view, cursor, m_trace));
            QTRY_VERIFY(findMark(view, Kind::HttpRequest, true));
            const FrameWorldMark m = *findMark(view, Kind::HttpRequest, true);
            // The lane is painted in its own colour (above its marks).
            const QPoint corner(view.outsideRect().right() - 3, view.outsideRect().top() + 1);
            QCOMPARE(view.grab().toImage().pixelColor(corner).rgb(), themePalette(theme).worldBackground.rgb());
            QTest::mouseClick(&view, Qt::LeftButton, {}, *view.outsideMarkPosition({ false, m.row }));
            QTest::qWait(100);
            const QImage shot = view.grab().toImage();
            QVERIFY(shot.save(QStringLiteral(AEROFLOW_TEST_OUTPUT_DIR "/timeline-outside-%1.png").arg(theme)));
        }
    }
};

QTEST_MAIN(TstTimelineOutsideView)
#include "tst_timeline_outside_view.moc"
