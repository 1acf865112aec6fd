// Forged traces through every view of the timeline library, opened the way
// the Studio opens them (TraceCursor, TimelineView with its data source and
// density pyramid, the actor graph, the message table, the outputs, the
// bookmarks): a receiver, sender, tick, seq or actor id far outside the
// trace's own counts, negative values, bookmarks past the run, thousands of
// such rows. Each must open without a crash, with bounded memory (the peak
// resident size, read from /proc/self/status) and with a clear message
// naming the damaged row.

#include "ForgedTraceSupport.h"
#include "lanes/LanesTestSupport.h"

#include "ActorGraphModel.h"
#include "BookmarkStore.h"
#include "DensityPyramid.h"
#include "FrameBuilder.h"
#include "MessageTableModel.h"
#include "OutputModel.h"
#include "TimelineView.h"
#include "TraceCursor.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::timeline;

namespace {

// What one forged trace may add to the peak resident size. A view sized by
// the forged value instead needs gigabytes (a lane slot per possible actor id
// is 8 GiB at 2^31).
constexpr int64_t kMaxGrowthMb = 300;

/// "%actors%" and "%last%" in `text` become the trace's actor count and last seq.
QString expand(QString text, int64_t actors, int64_t last)
{
    return text.replace(QStringLiteral("%actors5008%"), QString::number(actors + 5000))
        .replace(QStringLiteral("%actors%"), QString::number(actors))
        .replace(QStringLiteral("%last%"), QString::number(last));
}

} // namespace

class TstTimelineForged : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_trace;
    int64_t m_actors = 0, m_last = 0;

    /// Opens `path` in every view; `said` gets what they said about damage.
    void openEveryView(const QString& path, QStringList& said)
    {
        TraceCursor cursor;
        QString error;
        if (!cursor.open(path, &error)) {
            said << QStringLiteral("open failed: ") + error;
            return;
        }
        said << cursor.damage();
        // The timeline widget: lanes, pyramid, frames, navigation.
        TimelineView view;
        view.resize(900, 400);
        view.show();
        QSignalSpy damage(&view, &TimelineView::damageFound);
        view.setCursor(&cursor);
        said << view.errorString();
        if (!view.dataSource()->isOpen())
            return;
        view.dataSource()->waitForPyramid(20'000);
        QSignalSpy applied(&view, &TimelineView::frameApplied);
        view.zoomToFit();
        applied.wait(5'000);
        for (int key : { Qt::Key_End, Qt::Key_Home, Qt::Key_W, Qt::Key_W, Qt::Key_D, Qt::Key_F })
            QTest::keyClick(&view, Qt::Key(key));
        cursor.selectActor(0);
        QTest::keyClick(&view, Qt::Key_Period);
        QTest::keyClick(&view, Qt::Key_Comma);
        QVERIFY2(!view.grab().isNull(), "the view paints");
        QCoreApplication::processEvents();
        said << view.damage();
        for (const auto& args : damage)
            said << args.at(0).toString();
        // The actor graph's model, built the way its view builds it.
        auto reader = debugger::TraceReader::open(path.toStdString());
        if (reader) {
            auto graph = ActorGraphModel::build(**reader);
            if (graph) {
                said << QString::fromStdString((*graph)->damage());
                auto frame = (*graph)->frameAt(**reader, cursor.endSeq(), false);
                Q_UNUSED(frame);
            } else {
                said << QStringLiteral("graph failed: ") + QString::fromStdString(graph.error());
            }
        }
        // The message table (first and last rows) and the outputs.
        MessageTableModel table;
        if (table.open(path)) {
            QVERIFY(uint64_t(table.rowCount()) <= cursor.endSeq());
            for (int row : { 0, table.rowCount() / 2, table.rowCount() - 1 })
                for (int c = 0; c < MessageTableModel::ColumnCount; ++c)
                    (void)table.index(row, c).data();
        }
        OutputModel outputs;
        outputs.open(path);
        std::string bookmarkDamage;
        (void)BookmarkStore(path.toStdString()).list(&bookmarkDamage);
        said << QString::fromStdString(bookmarkDamage);
        said.removeAll(QString());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        forged::limitAddressSpace(uint64_t(6) << 30);
        m_trace = m_dir.filePath(QStringLiteral("ring.aftrace"));
        auto rec = tracetest::record("ring.aefl", lanestest::kRing, m_trace.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        m_actors = lanestest::scalar(m_trace.toStdString(), "SELECT count(*) FROM actors");
        m_last = lanestest::scalar(m_trace.toStdString(), "SELECT max(seq) FROM messages");
        QVERIFY(m_actors > 5);
        QVERIFY(m_last > 1000);
    }

    void forgedTraceOpens_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("said"); ///< a damage message must contain this ("" = none required)

        QTest::newRow("huge receiver") << "UPDATE messages SET receiver = 2147483647 WHERE seq = 40"
                                       << "this trace looks damaged: message 40 names receiver 2147483647 but the "
                                          "trace has %actors% actors";
        QTest::newRow("huge sender") << "UPDATE messages SET sender = 2147483647 WHERE seq = 40"
                                     << "message 40 names sender 2147483647 but the trace has %actors% actors";
        QTest::newRow("receiver past 2^32") << "UPDATE messages SET receiver = 4294967296 + 3 WHERE seq = 41"
                                            << "message 41 names receiver 4294967299";
        QTest::newRow("negative receiver") << "UPDATE messages SET receiver = -7 WHERE seq = 40"
                                           << "message 40 names receiver -7";
        QTest::newRow("tick past the last a run can reach")
            << "UPDATE messages SET tick = 4611686018427387905 WHERE seq = %last%"
            << "message %last% is at tick 4611686018427387905, past the last tick a run can reach";
        QTest::newRow("huge tick jump") << "UPDATE messages SET tick = 2305843009213693952 WHERE seq = %last%"
                                        << "message %last% is at tick 2305843009213693952";
        QTest::newRow("huge tick in the middle") << "UPDATE messages SET tick = 4611686018427387904 WHERE seq = 40"
                                                 << "messages 40 and 41 go back in time";
        QTest::newRow("negative tick") << "UPDATE messages SET tick = -5 WHERE seq = 40"
                                       << "messages 39 and 40 go back in time";
        QTest::newRow("huge seq jump") << "UPDATE messages SET seq = 1099511627776 WHERE seq = %last%"
                                       << "message 1099511627776 follows message";
        QTest::newRow("negative seq") << "UPDATE messages SET seq = -5 WHERE seq = 1"
                                      << "a message is numbered -5";
        QTest::newRow("huge actor id") << "UPDATE actors SET actor_id = 2147483647 WHERE actor_id = 3"
                                       << "the actors table lists actor 2147483647 but the trace has %actors% actors";
        QTest::newRow("negative actor id") << "UPDATE actors SET actor_id = -3 WHERE actor_id = 2"
                                           << "the actors table lists actor -3";
        QTest::newRow("huge cause and crash")
            << "UPDATE messages SET cause_seq = 9223372036854775807 WHERE seq = 40;"
               "INSERT INTO crashes VALUES (9223372036854775807, 2147483647, 'x'), (-1, -1, 'y')"
            << "";
        QTest::newRow("bookmark past the run")
            << "CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL);"
               "INSERT INTO bookmarks(tick, note) VALUES (4611686018427387904, 'far'), (-9, 'before'), (3, 'fine')"
            << "bookmark 1 is at tick 4611686018427387904 but the run ends at tick";
        // Thousands of rows, each with its own far value: a node, a lane or a
        // label per row would cost what the forger chose.
        QTest::newRow("thousands of huge rows")
            << "UPDATE messages SET receiver = (seq * 1000003) % 4000000000000000000 + 100, "
               "sender = (seq * 7919) % 4000000000000000000 + 100 WHERE seq % 2 = 0;"
               "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) "
               "INSERT INTO actors(actor_id, type, name, spawned_by, spawned_at_seq) "
               "SELECT 1000000 + x * 1000003, x, printf('%.2000c', 'n'), 0, 0 FROM n;"
               "CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL);"
               "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 12000) "
               "INSERT INTO bookmarks(tick, note) SELECT (x * 104729) % 30 - (x % 2) * 4611686018427387904, "
               "printf('%.500c', 'b') FROM n"
            << "the actors table lists actor 2000003 but the trace has %actors5008% actors";
    }

    void forgedTraceOpens()
    {
        QFETCH(QString, sql);
        QFETCH(QString, said);
        const QString path = m_dir.filePath(QStringLiteral("forged.aftrace"));
        const std::string why = forged::forge(m_trace, path, expand(sql, m_actors, m_last).toStdString());
        QVERIFY2(why.empty(), why.c_str());
        const forged::PeakMemory peak;
        QStringList messages;
        openEveryView(path, messages);
        if (QTest::currentTestFailed())
            return;
        const int64_t grown = peak.grownMb();
        QVERIFY2(grown < kMaxGrowthMb, qPrintable(QStringLiteral("peak grew by %1 MiB").arg(grown)));
        const QString want = expand(said, m_actors, m_last);
        bool found = want.isEmpty();
        for (const QString& m : messages) {
            QVERIFY2(!m.startsWith(QStringLiteral("open failed")) && !m.startsWith(QStringLiteral("graph failed")),
                qPrintable(m));
            found = found || m.contains(want);
        }
        QVERIFY2(found, qPrintable(QStringLiteral("wanted \"%1\" among:\n%2").arg(want, messages.join(u'\n'))));
    }

    /// The checked extent stops where the trace stops being consistent.
    void extentIsClamped()
    {
        const QString path = m_dir.filePath(QStringLiteral("jump.aftrace"));
        QVERIFY(forged::forge(m_trace, path, "UPDATE messages SET seq = 1099511627776 WHERE seq = "
                                                 + std::to_string(m_last))
                    .empty());
        auto reader = debugger::TraceReader::open(path.toStdString());
        QVERIFY(reader.has_value());
        QCOMPARE((*reader)->info().messages, uint64_t(1099511627776)); // what the file says
        auto extent = (*reader)->extent();
        QVERIFY(extent.has_value());
        QCOMPARE(extent->messages, uint64_t(m_last - 1)); // what the views show
        QCOMPARE(int64_t(extent->actors), m_actors);
        TraceCursor cursor;
        QVERIFY(cursor.open(path));
        QCOMPARE(cursor.endSeq(), uint64_t(m_last - 1));
        cursor.setTick(UINT64_MAX);
        QCOMPARE(cursor.seq(), uint64_t(m_last - 1));
        // A pyramid over the checked extent holds every message of it.
        auto pyramid = std::make_shared<DensityPyramid>(*extent, 64);
        debugger::Database db;
        std::atomic<bool> cancel { false };
        QVERIFY(db.open(path.toStdString(), debugger::Database::Mode::ReadOnly));
        QVERIFY(pyramid->build(db, cancel, {}));
        QVERIFY(pyramid->complete());
        uint64_t total = 0;
        pyramid->read([&](const DensityPyramid::Level& fine, const DensityPyramid::Level&, uint64_t) {
            for (const auto& b : fine.buckets)
                total += b.total;
        });
        QCOMPARE(total, uint64_t(m_last - 1));
    }

    /// A receiver outside the actors counts in its bucket, on no lane.
    void pyramidSkipsForeignReceivers()
    {
        const QString path = m_dir.filePath(QStringLiteral("receiver.aftrace"));
        QVERIFY(forged::forge(m_trace, path, "UPDATE messages SET receiver = 2147483647 WHERE seq BETWEEN 40 AND 49")
                    .empty());
        auto reader = debugger::TraceReader::open(path.toStdString());
        auto extent = (*reader)->extent();
        QVERIFY(extent->damage.empty()); // the extent does not scan messages: the pyramid's scan finds it
        DensityPyramid pyramid(*extent, 32);
        debugger::Database db;
        std::atomic<bool> cancel { false };
        QVERIFY(db.open(path.toStdString(), debugger::Database::Mode::ReadOnly));
        QVERIFY(pyramid.build(db, cancel, {}));
        QCOMPARE(QString::fromStdString(pyramid.damage()),
            QStringLiteral("this trace looks damaged: message 40 names receiver 2147483647 but the trace has %1 actors")
                .arg(m_actors));
        uint64_t onLanes = 0, total = 0;
        pyramid.read([&](const DensityPyramid::Level& fine, const DensityPyramid::Level&, uint64_t) {
            for (const auto& b : fine.buckets)
                total += b.total;
            for (const auto& e : fine.entries) {
                QVERIFY(int64_t(e.actor) < m_actors);
                onLanes += e.count;
            }
        });
        QCOMPARE(total, uint64_t(m_last));
        QCOMPARE(onLanes, uint64_t(m_last - 10));
        // A frame asked for a lane the trace does not have prepares nothing there.
        auto builder = FrameBuilder::open(path.toStdString(), nullptr);
        QVERIFY(builder.has_value());
        FrameRequest r;
        r.viewport = TimelineViewport::fit(0, double((*builder)->lastTick()) + 1, 800);
        r.lanes = { 0, 1, 2147483647u, 4294967295u };
        const FrameList f = (*builder)->build(r);
        for (const auto& s : f.slices)
            QVERIFY(int64_t(s.actor) < m_actors);
        for (const auto& m : f.marks)
            QVERIFY(int64_t(m.actor) < m_actors);
    }

    /// The graph counts no message to or from an actor the trace does not
    /// have, and makes no node for one.
    void graphLeavesForeignActorsOut()
    {
        const QString path = m_dir.filePath(QStringLiteral("graph.aftrace"));
        QVERIFY(forged::forge(m_trace, path,
            "UPDATE messages SET receiver = 2147483647 WHERE seq = 40;"
            "UPDATE messages SET sender = -9 WHERE seq = 41")
                    .empty());
        auto reader = debugger::TraceReader::open(path.toStdString());
        QVERIFY(reader.has_value());
        auto graph = ActorGraphModel::build(**reader);
        QVERIFY2(graph.has_value(), graph ? "" : graph.error().c_str());
        QCOMPARE(QString::fromStdString((*graph)->damage()),
            QStringLiteral("this trace looks damaged: message 40 names receiver 2147483647 but the trace has %1 actors")
                .arg(m_actors));
        QCOMPARE((*graph)->skippedMessages(), uint64_t(2));
        QCOMPARE((*graph)->nodeOfActor(2147483647, false), int64_t(-1));
        QCOMPARE((*graph)->nodeOfActor(-9, false), int64_t(-1));
        const GraphTopology& fine = (*graph)->topology(false);
        for (const GraphNode& n : fine.nodes)
            QVERIFY2(n.actor == kOutsideActor || (n.actor >= 0 && n.actor < m_actors), qPrintable(QString::number(n.actor)));
        uint64_t counted = 0;
        for (const GraphEdge& e : fine.edges)
            counted += e.total;
        QCOMPARE(counted, uint64_t(m_last - 2));
    }

    /// A tick far past the rest of the run widens no bucket over it.
    void pyramidClampsForgedTicks()
    {
        const QString path = m_dir.filePath(QStringLiteral("tick.aftrace"));
        QVERIFY(forged::forge(m_trace, path, "UPDATE messages SET tick = 4611686018427387904 WHERE seq = 40").empty());
        auto reader = debugger::TraceReader::open(path.toStdString());
        auto extent = (*reader)->extent();
        QVERIFY(extent.has_value());
        QVERIFY(extent->finalTick < 1'000'000);
        DensityPyramid pyramid(*extent, 16);
        debugger::Database db;
        std::atomic<bool> cancel { false };
        QVERIFY(db.open(path.toStdString(), debugger::Database::Mode::ReadOnly));
        QVERIFY(pyramid.build(db, cancel, {}));
        QVERIFY2(QString::fromStdString(pyramid.damage()).contains(QStringLiteral("messages 40 and 41 go back in time")),
            pyramid.damage().c_str());
        pyramid.read([&](const DensityPyramid::Level& fine, const DensityPyramid::Level& coarse, uint64_t) {
            for (const DensityPyramid::Level* level : { &fine, &coarse })
                for (const auto& b : level->buckets)
                    QVERIFY(b.firstTick <= b.lastTick && b.lastTick <= extent->finalTick);
        });
    }

    /// Bookmarks are read bounded: rows, notes, ticks of the run.
    void bookmarksAreBounded()
    {
        const QString path = m_dir.filePath(QStringLiteral("bookmarks.aftrace"));
        QVERIFY(forged::forge(m_trace, path,
            "CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL);"
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 12000) "
            "INSERT INTO bookmarks(tick, note) SELECT x % 20, printf('%.5000c', 'z') FROM n")
                    .empty());
        std::string damage;
        auto list = BookmarkStore(path.toStdString()).list(&damage);
        QVERIFY(list.has_value());
        QCOMPARE(int64_t(list->size()), BookmarkStore::kMaxBookmarks);
        for (const auto& b : *list)
            QVERIFY(int64_t(b.note.size()) <= BookmarkStore::kMaxNoteBytes + 3); // + "…"
        QVERIFY2(QString::fromStdString(damage).contains(QStringLiteral("only the first 10000 bookmarks")),
            damage.c_str());
    }

    /// Outputs are read bounded: the last lines, each cut, a byte budget.
    void outputsAreBounded()
    {
        const QString path = m_dir.filePath(QStringLiteral("outputs.aftrace"));
        const std::string line(20'000'000, 'y');
        QVERIFY(forged::forge(m_trace, path, "INSERT INTO outputs(seq, stream, text) VALUES (5, 0, ?1 || char(10))", &line)
                    .empty());
        const forged::PeakMemory peak;
        OutputModel model;
        QVERIFY(model.open(path));
        const int64_t grown = peak.grownMb();
        QVERIFY2(grown < 150, qPrintable(QString::number(grown)));
        bool cut = false;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QString text = model.index(r).data().toString();
            QVERIFY(text.size() < 10'000);
            cut = cut || text.contains(QStringLiteral("20000001 bytes in all"));
        }
        QVERIFY(cut);
        auto reader = debugger::TraceReader::open(path.toStdString());
        auto tail = (*reader)->outputTail(3, 100, 1000);
        QVERIFY(tail.has_value());
        QVERIFY(tail->lines.size() <= 3);
        QCOMPARE(tail->lines.back().bytes, uint64_t(20'000'001));
        QCOMPARE(tail->lines.back().text.size(), size_t(100));
        QCOMPARE(tail->leftOut + tail->lines.size(), (*reader)->info().outputs);
    }
};

QTEST_MAIN(TstTimelineForged)
#include "tst_timeline_forged.moc"
