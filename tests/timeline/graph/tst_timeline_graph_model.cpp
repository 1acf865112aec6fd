// The actor graph model without a view: edge counts up to a position (hand
// computed and against COUNT(*)), prefix sums in both directions, actors that
// exist yet, active nodes at a tick, aggregation by type, Graphviz layouts,
// damaged traces.
#include "../../debugger/TraceTestSupport.h"
#include "GraphTestPrograms.h"

#include "ActorGraphModel.h"
#include "GraphLayoutEngine.h"
#include "Sqlite.h"
#include "TraceReader.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace aeroflow;
using timeline::ActorGraphModel;

namespace {

using graphtest::kFanProgram;
using graphtest::kTreeProgram;

struct Expect {
    uint64_t seq;
    std::map<std::pair<int, int>, uint64_t> counts; // (sender, receiver) -> messages; others 0
};

} // namespace

class TstTimelineGraphModel : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_fan, m_tree;

    uint64_t directCount(const QString& trace, int64_t from, int64_t to, uint64_t seq)
    {
        debugger::Database db;
        if (!db.open(trace.toStdString(), debugger::Database::Mode::ReadOnly))
            return UINT64_MAX;
        auto st = db.prepare("SELECT count(*) FROM messages WHERE sender = ?1 AND receiver = ?2 AND seq <= ?3");
        st.bind(1, from);
        st.bind(2, to);
        st.bind(3, int64_t(seq));
        return st.step() ? uint64_t(st.columnInt(0)) : UINT64_MAX;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fan = m_dir.filePath(QStringLiteral("fan.aftrace"));
        auto rec = tracetest::record("fan.aefl", kFanProgram, m_fan.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        m_tree = m_dir.filePath(QStringLiteral("tree.aftrace"));
        rec = tracetest::record("tree.aefl", kTreeProgram, m_tree.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void countsAtPositions_data()
    {
        QTest::addColumn<int>("stride");
        QTest::newRow("stride 1") << 1;
        QTest::newRow("stride 4") << 4;
        QTest::newRow("stride 5") << 5;
        QTest::newRow("stride 4096") << 4096;
    }

    void countsAtPositions()
    {
        QFETCH(int, stride);
        auto reader = debugger::TraceReader::open(m_fan.toStdString());
        QVERIFY(reader.has_value());
        timeline::ActorGraphOptions options;
        options.stride = uint64_t(stride);
        auto model = ActorGraphModel::build(**reader, options);
        QVERIFY2(model.has_value(), model ? "" : model.error().c_str());
        const ActorGraphModel& m = **model;
        QCOMPARE(m.endSeq(), 13ull);
        const auto& t = m.topology(false);
        QCOMPARE(t.nodes.size(), size_t(5));
        QCOMPARE(t.edges.size(), size_t(5)); // main->a, main->r, r->a, r->b, r->c
        QCOMPARE(QString::fromStdString(t.nodes[size_t(m.nodeOfActor(3, false))].label), QStringLiteral("Relay#3"));

        const std::vector<Expect> expected = {
            {0, {}},
            {1, {{{0, 1}, 1}}},
            {2, {{{0, 1}, 1}, {{0, 3}, 1}}},
            {3, {{{0, 1}, 1}, {{0, 3}, 2}}},
            {6, {{{0, 1}, 1}, {{0, 3}, 2}, {{3, 1}, 3}}},
            {10, {{{0, 1}, 1}, {{0, 3}, 2}, {{3, 1}, 5}, {{3, 2}, 2}}},
            {13, {{{0, 1}, 1}, {{0, 3}, 2}, {{3, 1}, 5}, {{3, 2}, 4}, {{3, 4}, 1}}},
            {99, {{{0, 1}, 1}, {{0, 3}, 2}, {{3, 1}, 5}, {{3, 2}, 4}, {{3, 4}, 1}}}, // clamped
        };
        const std::vector<std::pair<int, int>> pairs = {{0, 1}, {0, 3}, {3, 1}, {3, 2}, {3, 4}};
        for (const Expect& e : expected) {
            auto counts = m.countsAt(**reader, e.seq);
            QVERIFY(counts.has_value());
            for (auto [from, to] : pairs) {
                const int64_t edge = m.edgeOf(from, to);
                QVERIFY(edge >= 0);
                const uint64_t want = e.counts.contains({from, to}) ? e.counts.at({from, to}) : 0;
                QCOMPARE((*counts)[size_t(edge)], want);
                QCOMPARE((*counts)[size_t(edge)], directCount(m_fan, from, to, std::min<uint64_t>(e.seq, 13)));
            }
        }
        // Every position agrees with COUNT(*), whichever prefix it starts from.
        for (uint64_t seq = 0; seq <= 13; ++seq) {
            auto counts = m.countsAt(**reader, seq);
            QVERIFY(counts.has_value());
            for (auto [from, to] : pairs)
                QCOMPARE((*counts)[size_t(m.edgeOf(from, to))], directCount(m_fan, from, to, seq));
        }
        QCOMPARE(m.edgeOf(1, 3), int64_t(-1)); // a never sent to r
    }

    void spawnedAliveAndActive()
    {
        auto reader = debugger::TraceReader::open(m_fan.toStdString());
        QVERIFY(reader.has_value());
        auto model = ActorGraphModel::build(**reader);
        QVERIFY(model.has_value());
        const ActorGraphModel& m = **model;
        const auto c = size_t(m.nodeOfActor(4, false));

        auto f = m.frameAt(**reader, 2, false);
        QVERIFY(f.has_value());
        QCOMPARE(f->tick, 1ull);
        QCOMPARE(f->spawned[c], 0u); // c does not exist before delivery 3
        QCOMPARE(f->spawned[size_t(m.nodeOfActor(1, false))], 1u);
        f = m.frameAt(**reader, 3, false);
        QVERIFY(f.has_value());
        QCOMPARE(f->spawned[c], 1u);

        auto active = m.activeActorsAt(**reader, 3); // tick 1: a and r handled messages
        QVERIFY(active.has_value());
        QCOMPARE(*active, (std::vector<int64_t> {1, 3}));
        active = m.activeActorsAt(**reader, 6); // tick 2 up to seq 6: only a so far
        QCOMPARE(*active, (std::vector<int64_t> {1}));
        active = m.activeActorsAt(**reader, 13); // all of tick 2
        QCOMPARE(*active, (std::vector<int64_t> {1, 2, 4}));
        QVERIFY(m.activeActorsAt(**reader, 0)->empty());

        f = m.frameAt(**reader, 10, false);
        QVERIFY(f.has_value());
        QCOMPARE(f->tick, 2ull);
        for (int64_t actor = 0; actor <= 4; ++actor)
            QCOMPARE(f->active[size_t(m.nodeOfActor(actor, false))], uint8_t(actor == 1 || actor == 2));
    }

    void aggregationSumsByType()
    {
        auto reader = debugger::TraceReader::open(m_fan.toStdString());
        QVERIFY(reader.has_value());
        auto model = ActorGraphModel::build(**reader);
        QVERIFY(model.has_value());
        const ActorGraphModel& m = **model;
        QVERIFY(!m.defaultAggregated());
        const auto& types = m.topology(true);
        QVERIFY(types.aggregated);
        QCOMPARE(types.nodes.size(), size_t(3)); // main, Sink, Relay
        const int64_t sink = m.nodeOfActor(1, true);
        QCOMPARE(m.nodeOfActor(2, true), sink);
        QCOMPARE(m.nodeOfActor(4, true), sink);
        QVERIFY(m.nodeOfActor(3, true) != sink);
        QCOMPARE(types.nodes[size_t(sink)].members, 3u);
        QVERIFY(QString::fromStdString(types.nodes[size_t(sink)].label).startsWith(QStringLiteral("Sink")));

        for (uint64_t seq : {0ull, 3ull, 7ull, 13ull}) {
            auto fine = m.countsAt(**reader, seq);
            QVERIFY(fine.has_value());
            const auto agg = m.aggregateCounts(*fine);
            QCOMPARE(agg.size(), types.edges.size());
            uint64_t fineSum = 0, aggSum = 0;
            for (uint64_t v : *fine)
                fineSum += v;
            for (uint64_t v : agg)
                aggSum += v;
            QCOMPARE(aggSum, fineSum);
            QCOMPARE(aggSum, seq);
            // Relay -> Sink carries r->a + r->b + r->c.
            const uint64_t relayToSink = directCount(m_fan, 3, 1, seq) + directCount(m_fan, 3, 2, seq)
                                         + directCount(m_fan, 3, 4, seq);
            bool found = false;
            for (size_t e = 0; e < types.edges.size(); ++e) {
                if (int64_t(types.edges[e].from) == m.nodeOfActor(3, true) && int64_t(types.edges[e].to) == sink) {
                    QCOMPARE(agg[e], relayToSink);
                    found = true;
                }
            }
            QVERIFY(found);
        }
        auto f = m.frameAt(**reader, 2, true);
        QVERIFY(f.has_value());
        QCOMPARE(f->spawned[size_t(sink)], 2u); // c comes at delivery 3
    }

    void largeGraphAggregatesByDefault()
    {
        auto reader = debugger::TraceReader::open(m_tree.toStdString());
        QVERIFY(reader.has_value());
        auto model = ActorGraphModel::build(**reader);
        QVERIFY(model.has_value());
        QCOMPARE((*model)->topology(false).nodes.size(), size_t(512)); // main + 511 nodes
        QVERIFY((*model)->defaultAggregated());
        QCOMPARE((*model)->topology(true).nodes.size(), size_t(2));
        QCOMPARE((*model)->topology(true).nodes[1].members, 511u);
    }

    void layoutGivesDistinctFinitePositions_data()
    {
        QTest::addColumn<QString>("trace");
        QTest::addColumn<bool>("aggregated");
        QTest::addColumn<int>("algorithm");
        QTest::newRow("fan dot") << QStringLiteral("fan") << false << int(timeline::LayoutAlgorithm::Dot);
        QTest::newRow("fan sfdp") << QStringLiteral("fan") << false << int(timeline::LayoutAlgorithm::Sfdp);
        QTest::newRow("tree auto (sfdp)") << QStringLiteral("tree") << false << int(timeline::LayoutAlgorithm::Auto);
        QTest::newRow("tree dot") << QStringLiteral("tree") << false << int(timeline::LayoutAlgorithm::Dot);
        QTest::newRow("tree by type") << QStringLiteral("tree") << true << int(timeline::LayoutAlgorithm::Auto);
    }

    void layoutGivesDistinctFinitePositions()
    {
        QFETCH(QString, trace);
        QFETCH(bool, aggregated);
        QFETCH(int, algorithm);
        auto reader = debugger::TraceReader::open((trace == QLatin1String("fan") ? m_fan : m_tree).toStdString());
        QVERIFY(reader.has_value());
        auto model = ActorGraphModel::build(**reader);
        QVERIFY(model.has_value());
        const auto& topology = (*model)->topology(aggregated);
        const auto algo = timeline::LayoutAlgorithm(algorithm);
        auto layout = timeline::GraphLayoutEngine::layout(topology, algo);
        QVERIFY2(layout.has_value(), layout ? "" : layout.error().c_str());
        const auto& l = **layout;
        QCOMPARE(l.algorithm, timeline::GraphLayoutEngine::resolve(topology, algo));
        if (algo == timeline::LayoutAlgorithm::Auto)
            QCOMPARE(l.algorithm, topology.nodes.size() > 300 ? timeline::LayoutAlgorithm::Sfdp
                                                              : timeline::LayoutAlgorithm::Dot);
        QCOMPARE(l.nodes.size(), topology.nodes.size());
        std::set<std::pair<double, double>> seen;
        for (const auto& p : l.nodes) {
            QVERIFY(std::isfinite(p.x) && std::isfinite(p.y));
            QVERIFY(p.x >= -1e-6 && p.x <= l.width + 1e-6);
            QVERIFY(p.y >= -1e-6 && p.y <= l.height + 1e-6);
            seen.insert({std::round(p.x * 100), std::round(p.y * 100)});
        }
        QCOMPARE(seen.size(), l.nodes.size());
    }

    void asyncLayoutIsCached()
    {
        auto reader = debugger::TraceReader::open(m_fan.toStdString());
        QVERIFY(reader.has_value());
        auto model = ActorGraphModel::build(**reader);
        QVERIFY(model.has_value());
        timeline::GraphLayoutEngine::clearCache();
        std::shared_ptr<const timeline::GraphTopology> topology(*model, &(*model)->topology(false));
        const QString key = timeline::GraphLayoutEngine::cacheKey(m_fan, (*model)->programHash(), *topology);
        QVERIFY(!timeline::GraphLayoutEngine::cached(key));
        auto first = timeline::GraphLayoutEngine::layoutAsync(key, topology);
        first.waitForFinished();
        QVERIFY(first.result().has_value());
        auto second = timeline::GraphLayoutEngine::layoutAsync(key, topology);
        QVERIFY(second.isFinished()); // served from the cache, no new layout
        QCOMPARE(second.result()->get(), first.result()->get());
        QVERIFY(key != timeline::GraphLayoutEngine::cacheKey(m_fan, (*model)->programHash(), (*model)->topology(true)));
    }

    void damagedTraceIsAnError()
    {
        // A trace whose messages table lost its columns: open or build fails
        // with a message, never a crash.
        const QString path = m_dir.filePath(QStringLiteral("damaged.aftrace"));
        QVERIFY(QFile::copy(m_fan, path));
        {
            debugger::Database db;
            QVERIFY(db.open(path.toStdString(), debugger::Database::Mode::ReadWriteCreate));
            QVERIFY(db.exec("DROP VIEW IF EXISTS messages_named; DROP TABLE messages;"
                            "CREATE TABLE messages(seq INTEGER PRIMARY KEY, tick INTEGER)"));
        }
        auto reader = debugger::TraceReader::open(path.toStdString());
        QString error;
        if (!reader) {
            error = QString::fromStdString(reader.error());
        } else {
            auto model = ActorGraphModel::build(**reader);
            QVERIFY(!model.has_value());
            error = QString::fromStdString(model.error());
        }
        QVERIFY(!error.isEmpty());

        auto cancelled = debugger::TraceReader::open(m_tree.toStdString());
        QVERIFY(cancelled.has_value());
        timeline::ActorGraphOptions options;
        options.cancelled = [] { return true; };
        auto abandoned = ActorGraphModel::build(**cancelled, options);
        QVERIFY(!abandoned.has_value());
        QCOMPARE(QString::fromStdString(abandoned.error()), QStringLiteral("cancelled"));
    }

    void emptyGraphLaysOut()
    {
        auto layout = timeline::GraphLayoutEngine::layout({});
        QVERIFY(layout.has_value());
        QVERIFY((*layout)->nodes.empty());
    }
};

QTEST_MAIN(TstTimelineGraphModel)
#include "tst_timeline_graph_model.moc"
