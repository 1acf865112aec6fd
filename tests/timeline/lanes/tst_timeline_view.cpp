// The timeline widget on the offscreen platform: clicking a slice, keyboard
// navigation, bookmarks from the view, a damaged file, screenshots in both
// palettes (written to the build dir as PNGs).
#include "LanesTestSupport.h"

#include "TimelineView.h"
#include "TraceCursor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::timeline;

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
    app.setColor(QPalette::Window, QColor(pal.value(QStringLiteral("Window")).toString()));
    app.setColor(QPalette::WindowText, QColor(pal.value(QStringLiteral("WindowText")).toString()));
    app.setColor(QPalette::Base, QColor(pal.value(QStringLiteral("Base")).toString()));
    app.setColor(QPalette::Text, QColor(pal.value(QStringLiteral("Text")).toString()));
    return TimelinePalette::fromColors(colors, app);
}

} // namespace

class TstTimelineView : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_trace;

    /// A view on `trace`, shown, with its first frame (and the pyramid) in.
    bool openView(TimelineView& view, TraceCursor& cursor, const QString& trace)
    {
        view.resize(1100, 520);
        view.show();
        if (!cursor.open(trace))
            return false;
        view.setCursor(&cursor);
        if (!view.dataSource()->waitForPyramid(10'000))
            return false;
        QSignalSpy applied(&view, &TimelineView::frameApplied);
        view.zoomToFit();
        view.showTicks(0, 12); // slices wide enough to click
        return applied.wait(5000) || view.frame() != nullptr;
    }
    void waitFrame(TimelineView& view)
    {
        QSignalSpy applied(&view, &TimelineView::frameApplied);
        QVERIFY(applied.wait(5000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_trace = m_dir.filePath(QStringLiteral("ring.aftrace"));
        auto rec = tracetest::record("ring.aefl", lanestest::kRing, m_trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void clickingASliceSelectsIt()
    {
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, m_trace));
        QTRY_VERIFY(view.frame() && !view.frame()->slices.empty());
        std::optional<QPoint> pos;
        uint64_t seq = 0;
        for (const auto& s : view.frame()->slices)
            if ((pos = view.slicePosition(s.seq))) {
                seq = s.seq;
                break;
            }
        QVERIFY(pos.has_value());
        QTest::mouseClick(&view, Qt::LeftButton, {}, *pos);
        QCOMPARE(cursor.selectedMessage(), seq);
        QCOMPARE(cursor.seq(), seq);
        QCOMPARE(int64_t(cursor.selectedActor()),
            lanestest::scalar(
                m_trace.toStdString(), "SELECT receiver FROM messages WHERE seq = " + std::to_string(seq)));
    }

    void keyboardNavigation()
    {
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, m_trace));
        const std::string t = m_trace.toStdString();
        // A message whose cause and first effect both exist.
        const int64_t seq = lanestest::scalar(t,
            "SELECT min(m.seq) FROM messages m WHERE m.cause_seq > 0 AND m.seq > 100 AND "
            "EXISTS (SELECT 1 FROM messages e WHERE e.cause_seq = m.seq)");
        QVERIFY(seq > 0);
        const int64_t receiver
            = lanestest::scalar(t, "SELECT receiver FROM messages WHERE seq = " + std::to_string(seq));
        auto select = [&](int64_t s) {
            cursor.selectMessage(uint64_t(s));
            cursor.setSeq(uint64_t(s));
        };
        select(seq);
        cursor.selectActor(receiver);
        const std::string r = std::to_string(receiver), s = std::to_string(seq);
        const int64_t next
            = lanestest::scalar(t, "SELECT min(seq) FROM messages WHERE receiver = " + r + " AND seq > " + s);
        QTest::keyClick(&view, Qt::Key_Period);
        QTRY_COMPARE(int64_t(cursor.selectedMessage()), next);
        QCOMPARE(int64_t(cursor.seq()), next);
        QTest::keyClick(&view, Qt::Key_Comma);
        QTRY_COMPARE(int64_t(cursor.selectedMessage()), seq);
        const int64_t cause = lanestest::scalar(t, "SELECT cause_seq FROM messages WHERE seq = " + s);
        QTest::keyClick(&view, Qt::Key_BracketLeft);
        QTRY_COMPARE(int64_t(cursor.selectedMessage()), cause);
        select(seq);
        const int64_t effect = lanestest::scalar(t, "SELECT min(seq) FROM messages WHERE cause_seq = " + s);
        QTest::keyClick(&view, Qt::Key_BracketRight);
        QTRY_COMPARE(int64_t(cursor.selectedMessage()), effect);
        QTest::keyClick(&view, Qt::Key_End);
        QCOMPARE(cursor.seq(), cursor.endSeq());
        QTest::keyClick(&view, Qt::Key_Home);
        QCOMPARE(cursor.seq(), uint64_t(0));
        // W zooms in, S out, D pans right.
        const double scale = view.viewport().ticksPerPixel, start = view.viewport().startTick;
        QTest::keyClick(&view, Qt::Key_W);
        QVERIFY(view.viewport().ticksPerPixel < scale);
        QTest::keyClick(&view, Qt::Key_S);
        QVERIFY(qAbs(view.viewport().ticksPerPixel - scale) < 1e-9);
        QTest::keyClick(&view, Qt::Key_D);
        QVERIFY(view.viewport().startTick > start);
    }

    void bookmarksFromTheView()
    {
        const QString copy = m_dir.filePath(QStringLiteral("view-bm.aftrace"));
        QVERIFY(QFile::copy(m_trace, copy));
        TimelineView view;
        TraceCursor cursor;
        QVERIFY(openView(view, cursor, copy));
        cursor.setSeq(40);
        view.setBookmarkNotePrompt([](uint64_t tick) { return QStringLiteral("note at %1").arg(tick); });
        QTest::keyClick(&view, Qt::Key_B, Qt::ControlModifier);
        QCOMPARE(view.bookmarks().size(), size_t(1));
        QCOMPARE(view.bookmarks()[0].tick, cursor.tick());
        QCOMPARE(QString::fromStdString(view.bookmarks()[0].note), QStringLiteral("note at %1").arg(cursor.tick()));
        QVERIFY(view.addBookmark(2, QStringLiteral("early")));
        QCOMPARE(lanestest::scalar(copy.toStdString(), "SELECT count(*) FROM bookmarks"), int64_t(2));
        // Clicking a bookmark's flag moves the cursor to it.
        cursor.setSeq(cursor.endSeq());
        view.showTicks(0, 12);
        const QPoint flag(160 + int(view.viewport().x(3)) + 3, 36 + 5);
        QTest::mouseClick(&view, Qt::LeftButton, {}, flag);
        QCOMPARE(cursor.tick(), uint64_t(2));
    }

    void damagedTraceShowsError()
    {
        const QString junk = m_dir.filePath(QStringLiteral("junk.aftrace"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("SQLite format 3\0garbage garbage garbage", 40);
        f.close();
        TraceCursor cursor;
        QString error;
        QVERIFY(!cursor.open(junk, &error));
        TimelineView view;
        view.setCursor(&cursor);
        view.resize(600, 300);
        QVERIFY(!view.grab().isNull()); // paints "no trace", no crash
        QTest::keyClick(&view, Qt::Key_Period);
        QTest::keyClick(&view, Qt::Key_B, Qt::ControlModifier);
        QVERIFY(view.bookmarks().empty());
    }

    void screenshotsInBothPalettes()
    {
        const QString example = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/game_room.aefl");
        QFile src(example);
        QVERIFY(src.open(QIODevice::ReadOnly));
        const QString trace = m_dir.filePath(QStringLiteral("game_room.aftrace"));
        auto rec = tracetest::record("game_room.aefl", src.readAll().toStdString(), trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        for (const QString& name : { QStringLiteral("dark"), QStringLiteral("light") }) {
            TimelineView view;
            TraceCursor cursor;
            view.resize(1100, 360);
            view.show();
            QVERIFY(cursor.open(trace));
            view.setCursor(&cursor);
            QVERIFY(view.dataSource()->waitForPyramid(10'000));
            const TimelinePalette palette = themePalette(name);
            view.setPalette(palette);
            QCOMPARE(view.timelinePalette().background, palette.background);
            view.showTicks(0, 9);
            waitFrame(view);
            cursor.selectMessage(12);
            cursor.setSeq(12);
            QString bmError;
            QVERIFY2(view.addBookmark(5, QStringLiteral("coin"), &bmError), qPrintable(bmError));
            const QImage image = view.grab().toImage();
            QVERIFY(!image.isNull());
            // The background is the palette's: the theme switch took effect.
            QCOMPARE(image.pixelColor(image.width() - 20, image.height() - 3).rgb(), palette.background.rgb());
            const QString out = QStringLiteral(AEROFLOW_TEST_OUTPUT_DIR "/timeline-") + name + QStringLiteral(".png");
            QVERIFY(image.save(out));
        }
    }
};

QTEST_MAIN(TstTimelineView)
#include "tst_timeline_view.moc"
