// The timeline's data side: lanes from the actors table, frames that agree
// with SQL (direct and aggregate), navigation, bookmarks in the trace file,
// damaged files.
#include "LanesTestSupport.h"

#include "BookmarkStore.h"
#include "DensityPyramid.h"
#include "FrameBuilder.h"
#include "LaneModel.h"
#include "TimelineDataSource.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace aeroflow;
using namespace aeroflow::timeline;

class TstTimelineLanes : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_trace;
    uint64_t m_messages = 0, m_endTick = 0;

    std::shared_ptr<DensityPyramid> builtPyramid(uint64_t bucket)
    {
        auto p = std::make_shared<DensityPyramid>(extent(), bucket);
        debugger::Database db;
        std::atomic<bool> cancel { false };
        if (!db.open(m_trace, debugger::Database::Mode::ReadOnly) || !p->build(db, cancel, {}))
            return nullptr;
        return p;
    }
    debugger::TraceExtent extent() const
    {
        auto reader = debugger::TraceReader::open(m_trace);
        auto e = reader ? (*reader)->extent() : debugger::Result<debugger::TraceExtent>();
        return e ? *e : debugger::TraceExtent {};
    }
    std::vector<uint32_t> allActors() const
    {
        std::vector<uint32_t> a;
        for (int64_t i = 0; i < lanestest::scalar(m_trace, "SELECT count(*) FROM actors"); ++i)
            a.push_back(uint32_t(i));
        return a;
    }
    /// Per lane, slices + folded counts must equal SQL's count in the frame's seq range.
    void checkCounts(const FrameList& f)
    {
        std::map<uint32_t, uint64_t> got;
        for (const auto& s : f.slices)
            ++got[s.actor];
        for (const auto& m : f.marks)
            got[m.actor] += m.count;
        uint64_t total = 0;
        for (uint32_t a : f.lanes) {
            const int64_t want = lanestest::scalar(m_trace,
                "SELECT count(*) FROM messages WHERE receiver = " + std::to_string(a) + " AND seq BETWEEN "
                    + std::to_string(f.firstSeq) + " AND " + std::to_string(f.lastSeq));
            QCOMPARE(int64_t(got[a]), want);
            total += got[a];
        }
        QCOMPARE(total, f.lastSeq - f.firstSeq + 1); // every receiver is a lane here
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_trace = m_dir.filePath(QStringLiteral("ring.aftrace")).toStdString();
        auto rec = tracetest::record("ring.aefl", lanestest::kRing, m_trace);
        QVERIFY2(rec.ok, rec.error.c_str());
        m_messages = uint64_t(lanestest::scalar(m_trace, "SELECT max(seq) FROM messages"));
        m_endTick = uint64_t(lanestest::scalar(m_trace, "SELECT max(tick) FROM messages"));
        QVERIFY(m_messages > 1000);
        QVERIFY(lanestest::scalar(m_trace, "SELECT count(*) FROM crashes") >= 1);
    }

    void laneModelGroupsByType()
    {
        auto reader = debugger::TraceReader::open(m_trace);
        QVERIFY(reader.has_value());
        LaneModel model;
        QVERIFY(model.load(**reader));
        QCOMPARE(int64_t(model.rowCount()), lanestest::scalar(m_trace, "SELECT count(DISTINCT type) FROM actors"));
        int actors = 0;
        for (int g = 0; g < model.rowCount(); ++g) {
            const QModelIndex group = model.index(g, 0);
            QVERIFY(group.data(LaneModel::IsGroupRole).toBool());
            const int64_t type = group.data(LaneModel::TypeIdRole).toLongLong();
            QCOMPARE(int64_t(model.rowCount(group)),
                lanestest::scalar(m_trace, "SELECT count(*) FROM actors WHERE type = " + std::to_string(type)));
            for (int r = 0; r < model.rowCount(group); ++r) {
                const QModelIndex a = model.index(r, 0, group);
                QCOMPARE(a.parent(), group);
                QCOMPARE(a.data(LaneModel::TypeIdRole).toLongLong(), type);
                const uint id = a.data(LaneModel::ActorIdRole).toUInt();
                QCOMPARE(a.data().toString(), model.actorName(id));
                ++actors;
            }
        }
        QCOMPARE(int64_t(actors), lanestest::scalar(m_trace, "SELECT count(*) FROM actors"));
        const auto names
            = model.match(model.index(0, 0), Qt::DisplayRole, QStringLiteral("Fast"), -1, Qt::MatchExactly);
        QCOMPARE(names.size(), 1);
    }

    void laneModelFilterCollapseReorder()
    {
        auto reader = debugger::TraceReader::open(m_trace);
        LaneModel model;
        QVERIFY(model.load(**reader));
        model.setFilter(QStringLiteral("slow"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("Slow"));
        QCOMPARE(int64_t(model.rowCount(model.index(0, 0))),
            lanestest::scalar(m_trace,
                "SELECT count(*) FROM actors a JOIN actor_types t ON t.type_id = a.type "
                "WHERE t.name = 'Slow'"));
        model.setFilter(QString());
        const size_t allRows = model.rows().size();
        int fast = -1;
        for (int g = 0; g < model.rowCount(); ++g)
            if (model.index(g, 0).data().toString() == QStringLiteral("Fast"))
                fast = g;
        QVERIFY(fast >= 0);
        const int fastActors = model.rowCount(model.index(fast, 0));
        QVERIFY(fastActors >= 2);
        QVERIFY(model.setData(model.index(fast, 0), true, LaneModel::CollapsedRole));
        QCOMPARE(model.rows().size(), allRows - size_t(fastActors));
        model.setCollapsed(fast, false);
        const uint first = model.index(0, 0, model.index(fast, 0)).data(LaneModel::ActorIdRole).toUInt();
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QVERIFY(model.moveActor(fast, 0, fastActors - 1));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(model.index(fastActors - 1, 0, model.index(fast, 0)).data(LaneModel::ActorIdRole).toUInt(), first);
        const QString top = model.index(0, 0).data().toString();
        QVERIFY(model.moveGroup(0, model.rowCount() - 1));
        QCOMPARE(model.index(model.rowCount() - 1, 0).data().toString(), top);
    }

    void directFrameMatchesSql()
    {
        auto builder = FrameBuilder::open(m_trace, builtPyramid(64));
        QVERIFY(builder.has_value());
        FrameRequest r;
        r.id = 7;
        r.viewport = TimelineViewport::fit(10, 40, 1200); // ~40 px per tick: slices and marks
        r.lanes = allActors();
        const FrameList f = (*builder)->build(r);
        QCOMPARE(f.requestId, uint64_t(7));
        QCOMPARE(f.mode, FrameList::Mode::Direct);
        QCOMPARE(int64_t(f.firstSeq), lanestest::scalar(m_trace, "SELECT min(seq) FROM messages WHERE tick >= 10"));
        QCOMPARE(int64_t(f.lastSeq), lanestest::scalar(m_trace, "SELECT max(seq) FROM messages WHERE tick <= 40"));
        QVERIFY(!f.slices.empty());
        checkCounts(f);
        QVERIFY(!f.arrows.empty());
        for (const auto& a : f.arrows) {
            QCOMPARE(int64_t(a.fromSeq),
                lanestest::scalar(m_trace, "SELECT cause_seq FROM messages WHERE seq = " + std::to_string(a.toSeq)));
            QCOMPARE(int64_t(a.fromActor),
                lanestest::scalar(m_trace, "SELECT receiver FROM messages WHERE seq = " + std::to_string(a.fromSeq)));
        }
        // Zoomed out, everything folds; the counts still add up.
        r.viewport = TimelineViewport::fit(0, double(m_endTick + 1), 100);
        const FrameList folded = (*builder)->build(r);
        QVERIFY(folded.slices.empty());
        QVERIFY(!folded.marks.empty());
        QCOMPARE(folded.firstSeq, uint64_t(1));
        QCOMPARE(folded.lastSeq, m_messages);
        checkCounts(folded);
    }

    void aggregateFrameMatchesSql()
    {
        auto builder = FrameBuilder::open(m_trace, builtPyramid(16));
        QVERIFY(builder.has_value());
        (*builder)->setDirectLimit(100);
        FrameRequest r;
        r.viewport = TimelineViewport::fit(5.5, double(m_endTick) - 7, 300);
        r.lanes = allActors();
        const FrameList f = (*builder)->build(r);
        QCOMPARE(f.mode, FrameList::Mode::Aggregate);
        QVERIFY(!f.estimated);
        checkCounts(f);
        // Only the requested lanes are prepared.
        r.lanes = { 1, 3 };
        const FrameList two = (*builder)->build(r);
        for (const auto& m : two.marks)
            QVERIFY(m.actor == 1 || m.actor == 3);
        QVERIFY(!two.marks.empty());
        // Before the pyramid exists: sampled estimates, flagged.
        auto empty = std::make_shared<DensityPyramid>(extent(), 16);
        auto sampling = FrameBuilder::open(m_trace, empty);
        (*sampling)->setDirectLimit(100);
        r.lanes = allActors();
        const FrameList est = (*sampling)->build(r);
        QVERIFY(!est.marks.empty());
        // About max(1,000, one per pixel) samples: estimates beyond that, whose
        // scaled counts still add up to the range within rounding.
        const uint64_t n = est.lastSeq - est.firstSeq + 1;
        QCOMPARE(est.estimated, n > 1000);
        QVERIFY(est.estimated);
        double sum = 0;
        for (const auto& m : est.marks) {
            QVERIFY(m.estimated || m.tick0 < 12 || m.tick1 > double(m_endTick) - 14); // exact only at the edges
            sum += double(m.count);
        }
        QVERIFY2(std::abs(sum - double(n)) < 0.05 * double(n), qPrintable(QString::number(sum)));
    }

    void pyramidCountsMatchSql()
    {
        auto p = builtPyramid(100);
        QVERIFY(p && p->complete());
        uint64_t sum = 0;
        p->read([&](const DensityPyramid::Level& fine, const DensityPyramid::Level& coarse, uint64_t ready) {
            QCOMPARE(ready, (m_messages + 99) / 100);
            for (const auto& b : fine.buckets)
                sum += b.total;
            uint64_t coarseSum = 0;
            for (const auto& b : coarse.buckets)
                coarseSum += b.total;
            QCOMPARE(coarseSum, m_messages);
        });
        QCOMPARE(sum, m_messages);
        QVERIFY(p->bucketHasActor(0, 1)
            == (lanestest::scalar(m_trace, "SELECT count(*) FROM messages WHERE seq <= 100 AND receiver = 1") > 0));
        const auto columns = p->overview(64, m_endTick);
        uint64_t overviewSum = 0;
        for (uint32_t c : columns)
            overviewSum += c;
        QCOMPARE(overviewSum, m_messages);
    }

    void navigationMatchesSql()
    {
        auto builder = FrameBuilder::open(m_trace, builtPyramid(32));
        QVERIFY(builder.has_value());
        FrameBuilder& b = **builder;
        const uint64_t from = m_messages / 2;
        for (uint32_t actor : { 1u, 2u, 4u }) {
            const std::string a = std::to_string(actor), s = std::to_string(from);
            const int64_t next = lanestest::scalar(
                m_trace, "SELECT coalesce(min(seq), 0) FROM messages WHERE receiver = " + a + " AND seq > " + s);
            const int64_t prev = lanestest::scalar(
                m_trace, "SELECT coalesce(max(seq), 0) FROM messages WHERE receiver = " + a + " AND seq < " + s);
            QCOMPARE(int64_t(b.stepOnLane(actor, from, true).value_or(0)), next);
            QCOMPARE(int64_t(b.stepOnLane(actor, from, false).value_or(0)), prev);
        }
        const int64_t cause
            = lanestest::scalar(m_trace, "SELECT cause_seq FROM messages WHERE seq = " + std::to_string(from));
        QCOMPARE(int64_t(b.causeOf(from).value_or(0)), cause);
        const int64_t effect = lanestest::scalar(
            m_trace, "SELECT coalesce(min(seq), 0) FROM messages WHERE cause_seq = " + std::to_string(cause));
        QCOMPARE(int64_t(b.firstEffectOf(uint64_t(cause)).value_or(0)), effect);
    }

    void bookmarksRoundTripWithoutTouchingTheTrace()
    {
        const QString copy = m_dir.filePath(QStringLiteral("bm.aftrace"));
        QVERIFY(QFile::copy(QString::fromStdString(m_trace), copy));
        const QByteArray before = lanestest::checksumExceptBookmarks(copy.toStdString());
        QVERIFY(!before.isEmpty());
        BookmarkStore store(copy.toStdString());
        QVERIFY(store.list().has_value());
        QVERIFY(store.list()->empty());
        auto a = store.add(30, "second");
        auto b = store.add(5, "first, with 'quotes'");
        QVERIFY2(a.has_value(), a ? "" : a.error().c_str());
        QVERIFY(b.has_value());
        auto list = BookmarkStore(copy.toStdString()).list();
        QVERIFY(list.has_value());
        QCOMPARE(list->size(), size_t(2));
        QCOMPARE((*list)[0], (Bookmark { *b, 5, "first, with 'quotes'" }));
        QCOMPARE((*list)[1], (Bookmark { *a, 30, "second" }));
        QVERIFY(store.remove(*a).has_value());
        QVERIFY(!store.remove(*a).has_value()); // already gone
        QCOMPARE(store.list()->size(), size_t(1));
        QCOMPARE(lanestest::checksumExceptBookmarks(copy.toStdString()), before);
        // Still a trace every reader opens.
        QVERIFY(debugger::TraceReader::open(copy.toStdString()).has_value());
    }

    void bookmarksFailClearlyOnReadOnlyOrUnfinished()
    {
        const QString ro = m_dir.filePath(QStringLiteral("ro.aftrace"));
        QVERIFY(QFile::copy(QString::fromStdString(m_trace), ro));
        QVERIFY(QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
        auto r = BookmarkStore(ro.toStdString()).add(1, "x");
        QVERIFY(!r.has_value());
        QVERIFY2(QString::fromStdString(r.error()).contains(QStringLiteral("read-only")), r.error().c_str());
        QVERIFY(BookmarkStore(ro.toStdString()).list().has_value()); // reading still works
        // A recording in progress (meta.complete absent).
        const QString live = m_dir.filePath(QStringLiteral("live.aftrace"));
        QVERIFY(QFile::copy(QString::fromStdString(m_trace), live));
        {
            debugger::Database db;
            QVERIFY(db.open(live.toStdString(), debugger::Database::Mode::ReadWriteCreate));
            QVERIFY(db.exec("DELETE FROM meta WHERE key = 'complete'"));
        }
        auto l = BookmarkStore(live.toStdString()).add(1, "x");
        QVERIFY(!l.has_value());
        QVERIFY2(QString::fromStdString(l.error()).contains(QStringLiteral("being recorded")), l.error().c_str());
    }

    void damagedFilesGiveErrors()
    {
        const QString junk = m_dir.filePath(QStringLiteral("junk.aftrace"));
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(5000, 'x'));
        }
        const QString truncated = m_dir.filePath(QStringLiteral("cut.aftrace"));
        {
            QFile in(QString::fromStdString(m_trace));
            QVERIFY(in.open(QIODevice::ReadOnly));
            QFile out(truncated);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(in.read(in.size() / 3));
        }
        for (const QString& path : { junk, truncated, m_dir.filePath(QStringLiteral("missing.aftrace")) }) {
            QVERIFY(!FrameBuilder::open(path.toStdString(), nullptr).has_value());
            TimelineDataSource source;
            QString error;
            QVERIFY(!source.open(path, &error));
            QVERIFY(!error.isEmpty());
            QVERIFY(!BookmarkStore(path.toStdString()).list().has_value());
            QVERIFY(!BookmarkStore(path.toStdString()).add(1, "x").has_value());
        }
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("missing.aftrace"))));
    }

    void dataSourceDeliversNewestFrame()
    {
        TimelineDataSource source;
        QVERIFY(source.open(QString::fromStdString(m_trace), nullptr, 64));
        QVERIFY(source.waitForPyramid(10'000));
        QSignalSpy frames(&source, &TimelineDataSource::frameReady);
        FrameRequest r;
        r.lanes = allActors();
        r.viewport = TimelineViewport::fit(0, double(m_endTick + 1), 400);
        r.id = 1;
        source.requestFrame(r);
        r.id = 2;
        source.requestFrame(r);
        QTRY_VERIFY(!frames.isEmpty() && frames.last().at(0).value<std::shared_ptr<const FrameList>>()->requestId == 2);
        const auto f = frames.last().at(0).value<std::shared_ptr<const FrameList>>();
        checkCounts(*f);
    }
};

QTEST_GUILESS_MAIN(TstTimelineLanes)
#include "tst_timeline_lanes.moc"
