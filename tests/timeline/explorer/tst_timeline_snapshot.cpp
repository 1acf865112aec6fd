// The snapshot explorer's model: rows and roles, scrubbing equal to
// TimeTravel::stateAt, changed highlights equal to TimeTravel::diff, in-place
// updates, "last changed" and stale requests.
#include "ExplorerTestSupport.h"

#include "SnapshotExplorer.h"
#include "SnapshotModel.h"
#include "TimeTravel.h"
#include "TraceCursor.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTreeView>

#include <set>

using namespace aeroflow;
using timeline::SnapshotModel;

namespace {

const char* kStore = R"(actor Store {
    state items: list[int] = []
    state index = {}
    state grid = tensor[2, 3]{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    state name = ""
    on Put(k, v) { items.push(v); index[k] = v; name = k }
}
let s = spawn(Store)
send(s, Put("a", 1))
send(s, Put("b", 2))
let total = 3
)";

QModelIndex child(const SnapshotModel& m, const QModelIndex& parent, const QString& name)
{
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name)
            return m.index(r, 0, parent);
    return {};
}

QString value(const QModelIndex& nameIndex)
{
    return nameIndex.siblingAtColumn(SnapshotModel::ValueColumn).data(SnapshotModel::FullValueRole).toString();
}

} // namespace

class TstTimelineSnapshot : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_bank, m_counter, m_store;

    /// Moves `cursor` and waits until the model shows the position.
    static bool moveTo(timeline::TraceCursor& cursor, SnapshotModel& model, uint64_t seq)
    {
        cursor.setSeq(seq);
        QSignalSpy applied(&model, &SnapshotModel::snapshotApplied);
        while (model.seq() != cursor.seq() || applied.isEmpty())
            if (!applied.wait(5000))
                return false;
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bank = explorertest::recordExample(m_dir.path(), "bank.aefl");
        m_counter = explorertest::recordExample(m_dir.path(), "counter.aefl");
        QVERIFY(!m_bank.isEmpty() && !m_counter.isEmpty());
        m_store = m_dir.filePath(QStringLiteral("store.aftrace"));
        auto rec = tracetest::record("store.aefl", kStore, m_store.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void rowsAndRoles()
    {
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_store));
        SnapshotModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorker(&worker);
        auto tt = debugger::TimeTravel::open(m_store.toStdString());
        QVERIFY(tt.has_value());
        const uint64_t end = (*tt)->end();
        QSignalSpy applied(&model, &SnapshotModel::snapshotApplied);
        model.requestPosition(end);
        QVERIFY(applied.wait(5000));
        QCOMPARE(model.seq(), end);
        QCOMPARE(model.rowCount(), 2); // main, Store#1
        const QModelIndex main = model.actorIndex(0), store = model.actorIndex(1);
        QCOMPARE(main.data().toString(), QStringLiteral("main"));
        QCOMPARE(store.data().toString(), QStringLiteral("Store#1"));
        QCOMPARE(store.data(SnapshotModel::DepthRole).toInt(), 0);
        QCOMPARE(model.rowCount(store), 4);

        const QModelIndex items = child(model, store, QStringLiteral("items"));
        QVERIFY(items.isValid());
        QCOMPARE(value(items), QStringLiteral("[1, 2]"));
        QCOMPARE(items.siblingAtColumn(SnapshotModel::TypeColumn).data().toString(), QStringLiteral("list"));
        QCOMPARE(model.rowCount(items), 2);
        QCOMPARE(value(child(model, items, QStringLiteral("[1]"))), QStringLiteral("2"));
        QCOMPARE(child(model, items, QStringLiteral("[1]")).data(SnapshotModel::FieldRole).toString(),
            QStringLiteral("items"));
        QCOMPARE(child(model, items, QStringLiteral("[1]")).data(SnapshotModel::ActorRole).toUInt(), 1u);

        const QModelIndex index = child(model, store, QStringLiteral("index"));
        QCOMPARE(model.rowCount(index), 2);
        QCOMPARE(value(child(model, index, QStringLiteral("b"))), QStringLiteral("2"));

        const QModelIndex grid = child(model, store, QStringLiteral("grid"));
        QCOMPARE(grid.siblingAtColumn(SnapshotModel::TypeColumn).data().toString(), QStringLiteral("tensor[2, 3]"));
        QCOMPARE(model.rowCount(grid), 2);
        QCOMPARE(value(child(model, grid, QStringLiteral("row 1"))), QStringLiteral("[4.0, 5.0, 6.0]"));

        QCOMPARE(value(child(model, store, QStringLiteral("name"))), QStringLiteral("\"b\""));
        QCOMPARE(value(child(model, main, QStringLiteral("total"))), QStringLiteral("3"));

        // The last delivery (Put b, tick 1) is in the same tick as Put a:
        // compared with the end of tick 0, every field Put touched changed,
        // the grid did not.
        QVERIFY(items.data(SnapshotModel::ChangedRole).toBool());
        QVERIFY(!grid.data(SnapshotModel::ChangedRole).toBool());
        QVERIFY(store.data(SnapshotModel::ChangedRole).toBool());
        model.setPalette(explorertest::themePalette("dark"));
        QCOMPARE(items.data(Qt::BackgroundRole).value<QColor>(), explorertest::themePalette("dark").changed);
        QVERIFY(!grid.data(Qt::BackgroundRole).isValid());
    }

    void scrubMatchesTimeTravel_data()
    {
        QTest::addColumn<QString>("which");
        QTest::newRow("bank") << QStringLiteral("bank");
        QTest::newRow("counter") << QStringLiteral("counter");
    }

    void scrubMatchesTimeTravel()
    {
        QFETCH(QString, which);
        const QString trace = which == QStringLiteral("bank") ? m_bank : m_counter;
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(trace));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, trace));
        SnapshotModel model;
        model.setWorker(&worker);
        model.setCursor(&cursor);
        auto tt = debugger::TimeTravel::open(trace.toStdString());
        QVERIFY(tt.has_value());
        QVERIFY(cursor.endSeq() >= 5);
        for (uint64_t seq = 0; seq <= cursor.endSeq(); ++seq) {
            QVERIFY2(moveTo(cursor, model, seq), qPrintable(QStringLiteral("seq %1").arg(seq)));
            QVERIFY((*tt)->seek(seq).has_value());
            const size_t actors = (*tt)->scheduler().actorCount();
            QCOMPARE(size_t(model.rowCount()), actors);
            const uint64_t tick = *(*tt)->trace().tickOf(seq);
            const uint64_t prev = tick > 0 ? *(*tt)->trace().seqAtTick(tick - 1) : seq;
            for (uint32_t a = 0; a < actors; ++a) {
                auto st = (*tt)->stateAt(a, seq);
                QVERIFY(st.has_value());
                const QModelIndex actor = model.actorIndex(a);
                QCOMPARE(actor.data().toString(), QString::fromStdString(st->name));
                QCOMPARE(size_t(model.rowCount(actor)), st->fields.size());
                std::set<std::string> changed, shown;
                if (prev != seq) {
                    auto d = (*tt)->diff(a, prev, seq);
                    QVERIFY(d.has_value());
                    for (const auto& f : *d)
                        changed.insert(f.field);
                }
                for (size_t i = 0; i < st->fields.size(); ++i) {
                    const QModelIndex f = model.index(int(i), 0, actor);
                    QCOMPARE(f.data().toString(), QString::fromStdString(st->fields[i].first));
                    QCOMPARE(value(f), QString::fromStdString(st->fields[i].second));
                    if (f.data(SnapshotModel::ChangedRole).toBool())
                        shown.insert(st->fields[i].first);
                }
                QCOMPARE(shown, changed);
            }
        }
    }

    void movesUpdateInPlace()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_counter));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_counter));
        SnapshotModel model;
        model.setWorker(&worker);
        model.setCursor(&cursor);
        const uint64_t end = cursor.endSeq();
        QVERIFY(moveTo(cursor, model, 1));
        const QPersistentModelIndex counter = model.actorIndex(1);
        QVERIFY(counter.isValid());
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(moveTo(cursor, model, end));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(removed.count(), 0);
        QVERIFY(changed.count() > 0);
        QVERIFY(counter.isValid());
        QCOMPARE(counter.data().toString(), QStringLiteral("Counter#1"));
        // Going back to a position before the spawn removes the actor row.
        QVERIFY(moveTo(cursor, model, 0));
        auto tt = debugger::TimeTravel::open(m_counter.toStdString());
        QVERIFY((*tt)->seek(0).has_value());
        QCOMPARE(size_t(model.rowCount()), (*tt)->scheduler().actorCount());
        QCOMPARE(reset.count(), 0);
    }

    void lastChangeMovesTheCursor()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_bank));
        SnapshotModel model;
        model.setWorker(&worker);
        model.setCursor(&cursor);
        auto tt = debugger::TimeTravel::open(m_bank.toStdString());
        const uint64_t end = cursor.endSeq();
        int checked = 0;
        for (uint32_t actor : { 1u, 2u }) {
            for (const char* field : { "balance", "withdrawn" }) {
                QVERIFY(moveTo(cursor, model, end));
                const QModelIndex f = model.fieldIndex(actor, QString::fromLatin1(field));
                QVERIFY(f.isValid());
                auto expected = (*tt)->lastChange(actor, end, field);
                QVERIFY(expected.has_value());
                if (*expected) {
                    QSignalSpy found(&model, &SnapshotModel::lastChangeFound);
                    model.findLastChange(f);
                    QVERIFY(found.wait(5000));
                    QCOMPARE(found.first().first().toULongLong(), **expected);
                    QCOMPARE(cursor.seq(), **expected);
                    QCOMPARE(cursor.selectedMessage(), **expected);
                    ++checked;
                } else {
                    QSignalSpy none(&model, &SnapshotModel::lastChangeNotFound);
                    model.findLastChange(f);
                    QVERIFY(none.wait(5000));
                }
            }
        }
        QVERIFY(checked >= 2);
    }

    void rapidMovesEndAtTheLastPosition()
    {
        timeline::TraceCursor cursor;
        QVERIFY(cursor.open(m_bank));
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_bank));
        SnapshotModel model;
        model.setWorker(&worker);
        model.setCursor(&cursor);
        // Scrub back and forth without waiting, as a drag does.
        for (int round = 0; round < 3; ++round)
            for (uint64_t s = 0; s <= cursor.endSeq(); ++s)
                cursor.setSeq(round % 2 ? cursor.endSeq() - s : s);
        QTRY_VERIFY_WITH_TIMEOUT(worker.pending() == 0, 10000);
        QCOMPARE(model.seq(), cursor.endSeq());
        auto tt = debugger::TimeTravel::open(m_bank.toStdString());
        auto st = (*tt)->stateAt(1, cursor.endSeq());
        QCOMPARE(value(model.fieldIndex(1, QStringLiteral("balance"))), QString::fromStdString(st->fields[1].second));
    }

    void damagedTraceIsAnError()
    {
        const QString bogus = m_dir.filePath(QStringLiteral("bogus.aftrace"));
        {
            QFile f(bogus);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        timeline::TimeTravelWorker worker;
        QSignalSpy opened(&worker, &timeline::TimeTravelWorker::opened);
        worker.open(bogus);
        QVERIFY(opened.wait(5000));
        QVERIFY(!opened.first().first().toString().isEmpty());
        QVERIFY(!worker.isOpen());
        SnapshotModel model;
        model.setWorker(&worker);
        model.requestPosition(3);
        QTRY_COMPARE(worker.pending(), 0);
        QCOMPARE(model.rowCount(), 0);
    }

    void explorerFilterKeepsMatchesAndAncestors()
    {
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, m_store));
        SnapshotModel model;
        model.setWorker(&worker);
        QSignalSpy applied(&model, &SnapshotModel::snapshotApplied);
        model.requestPosition(100);
        QVERIFY(applied.wait(5000));
        timeline::SnapshotExplorer explorer(&model);
        explorer.setFilterText(QStringLiteral("grid"));
        QAbstractItemModel* shown = explorer.view()->model();
        QCOMPARE(shown->rowCount(), 1); // Store#1 only: main has no match
        const QModelIndex store = shown->index(0, 0);
        QCOMPARE(store.data().toString(), QStringLiteral("Store#1"));
        QCOMPARE(shown->rowCount(store), 1);
        QCOMPARE(shown->index(0, 0, store).data().toString(), QStringLiteral("grid"));
    }
};

QTEST_MAIN(TstTimelineSnapshot)
#include "tst_timeline_snapshot.moc"
