// kill -9 during recording, in a loop at random moments: the trace left
// behind always opens, passes PRAGMA integrity_check, has contiguous seqs,
// and holds at least every batch the recorder had reported committed. And,
// deterministically, the two states a killed writer can leave (a WAL with
// its -shm, a hot rollback journal) open read-only.

#include "TraceTestSupport.h"

#include "ReplaySession.h"
#include "Replayer.h"
#include "Sqlite.h"
#include "TraceReader.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace aeroflow::debugger;

namespace {

const char* kLongPingPong = R"(
let N = 50000000
actor Ponger { on Ping(k) { emit(k + 1) } }
actor Pinger {
    state partner: Ponger
    on Start(p) { partner = p; send(partner, Ping(1)) }
    on reply(k) { if k < N { send(partner, Ping(k + 1)) } else { print("done", k) } }
}
let ponger = spawn(Ponger)
let pinger = spawn(Pinger)
send(pinger, Start(ponger))
)";

} // namespace

class TestRecordKill : public QObject {
    Q_OBJECT
private slots:
    void killNineNeverLeavesAnUnreadableTrace_data();
    void killNineNeverLeavesAnUnreadableTrace();
    void readOnlyOpenAfterTheWriterDied();
    void hotJournalWithoutWriteAccessIsAClearError();
};

void TestRecordKill::killNineNeverLeavesAnUnreadableTrace_data()
{
    QTest::addColumn<QStringList>("command"); // %1 = program, %2 = trace
    QTest::newRow("recorder") << QStringList{QStringLiteral(RECORD_CHILD_BIN), QStringLiteral("%1"),
                                             QStringLiteral("%2"), QStringLiteral("0"), QStringLiteral("100000000")};
    QTest::newRow("aeroflow run --record")
        << QStringList{QStringLiteral(AEROFLOW_BIN), QStringLiteral("run"), QStringLiteral("%1"),
                       QStringLiteral("--max-messages"), QStringLiteral("100000000"), QStringLiteral("--record"),
                       QStringLiteral("%2")};
}

void TestRecordKill::killNineNeverLeavesAnUnreadableTrace()
{
    QFETCH(QStringList, command);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString program = dir.filePath(QStringLiteral("long.aefl"));
    {
        QFile f(program);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kLongPingPong);
    }
    if (command.first() == QLatin1String(AEROFLOW_BIN)) {
        QProcess help;
        help.start(QStringLiteral(AEROFLOW_BIN), {QStringLiteral("run"), QStringLiteral("--help")});
        help.waitForFinished();
        if (!help.readAllStandardOutput().contains("--record"))
            QSKIP("aeroflow run has no --record yet");
    }
    std::mt19937 rng(20261124);
    int opened = 0, absent = 0;
    uint64_t most = 0;
    for (int round = 0; round < 12; ++round) {
        const QString trace = dir.filePath(QStringLiteral("kill%1.aftrace").arg(round));
        QStringList args = command.mid(1);
        for (QString& a : args)
            a = a == QLatin1String("%1") ? program : (a == QLatin1String("%2") ? trace : a);
        QProcess p;
        p.start(command.first(), args);
        QVERIFY(p.waitForStarted());
        // Random moments: right at the start (file creation) for the first
        // rounds; mid-batch and mid-commit once the file exists for the rest.
        if (round >= 3)
            // A guard, not a timing assertion: on a loaded machine the child
            // can take seconds to create the file, and a round that never
            // sees it would count as "absent" and starve the opened >= 9 check.
            for (int wait = 0; wait < 6000 && !QFile::exists(trace); ++wait)
                QTest::qWait(10);
        const int delayMs = round < 3 ? int(rng() % 20) : int(20 + rng() % 700);
        QTest::qWait(delayMs);
        uint64_t committed = 0;
        for (const QByteArray& line : p.readAllStandardOutput().split('\n'))
            if (line.startsWith("committed "))
                committed = line.mid(10).toULongLong();
        QCOMPARE(p.state(), QProcess::Running); // still recording when killed
        p.kill(); // SIGKILL
        QVERIFY(p.waitForFinished(10'000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        if (!QFile::exists(trace)) {
            ++absent; // killed before the file was complete enough to be renamed into place
            continue;
        }
        auto reader = TraceReader::open(trace.toStdString());
        QVERIFY2(reader, reader ? "" : reader.error().c_str());
        ++opened;
        const TraceInfo& info = (*reader)->info();
        QVERIFY(!info.complete);
        QVERIFY2(info.messages >= committed, qPrintable(QStringLiteral("%1 < %2").arg(info.messages).arg(committed)));
        Database& db = (*reader)->database();
        Statement check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check.valid() && check.step());
        QCOMPARE(check.columnText(0), std::string("ok"));
        QCOMPARE(uint64_t(db.scalar("SELECT count(*) FROM messages")), info.messages);
        most = std::max(most, info.messages);
        // What survived replays exactly (the first 20,000 messages, to stay fast).
        auto program = compileTraceProgram(**reader);
        QVERIFY2(program, program ? "" : program.error().c_str());
        ReplayOptions ro;
        ro.verify = true;
        ro.toSeq = std::min<uint64_t>(info.messages, 20'000);
        auto report = replayTrace(**reader, *program, ro);
        QVERIFY2(report, report ? "" : report.error().c_str());
        QVERIFY2(!report->divergence, report->divergence ? report->divergence->what.c_str() : "");
    }
    qInfo("%d traces opened after kill -9 (%d killed before the file existed), up to %llu messages", opened, absent,
          static_cast<unsigned long long>(most));
    QVERIFY(opened >= 9);
    QVERIFY(most > 0);
}

namespace {

/// Copies `from` and its -wal, -shm and -journal files (those that exist) to
/// `to`: taken while a writer holds the file open, the copy is what the
/// writer would leave if it were killed at that moment (no process holds it).
bool copyWithSideFiles(const QString& from, const QString& to)
{
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        QFile::remove(to + QLatin1String(suffix));
        if (QFile::exists(from + QLatin1String(suffix)) && !QFile::copy(from + QLatin1String(suffix), to + QLatin1String(suffix)))
            return false;
    }
    return true;
}

} // namespace

void TestRecordKill::readOnlyOpenAfterTheWriterDied()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString base = dir.filePath(QStringLiteral("base.aftrace"));
    const char* program = "actor P { on Ping(k) { if k < 200 { send(self, Ping(k + 1)) } } }\n"
                          "send(spawn(P), Ping(0))\n";
    QVERIFY(tracetest::record("p.aefl", program, base.toStdString()).ok);
    const uint64_t messages = (*TraceReader::open(base.toStdString()))->info().messages;
    QVERIFY(messages > 100);

    // 1. Killed in WAL mode: the last commits are only in -wal, its index in -shm.
    const QString walWriter = dir.filePath(QStringLiteral("wal_writer.aftrace"));
    const QString wal = dir.filePath(QStringLiteral("wal.aftrace"));
    QVERIFY(QFile::copy(base, walWriter));
    {
        Database w;
        QVERIFY(w.open(walWriter.toStdString(), Database::Mode::ReadWrite));
        QVERIFY(w.exec("PRAGMA journal_mode=WAL"));
        QVERIFY(w.exec("CREATE TABLE extra(x); INSERT INTO extra VALUES (1)"));
        QVERIFY(QFile::exists(walWriter + QLatin1String("-wal")) && QFile::exists(walWriter + QLatin1String("-shm")));
        QVERIFY(copyWithSideFiles(walWriter, wal));
    }
    {
        auto r = TraceReader::open(wal.toStdString());
        QVERIFY2(r, r ? "" : r.error().c_str());
        QCOMPARE((*r)->info().messages, messages);
        QCOMPARE((*r)->database().scalar("SELECT count(*) FROM extra"), int64_t(1)); // the WAL's commit is there
    }

    // 2. Killed inside a rollback-journal transaction (as when the recorder
    //    switches a new trace to WAL mode): a hot journal next to a file
    //    holding part of the uncommitted transaction.
    const QString journalWriter = dir.filePath(QStringLiteral("journal_writer.aftrace"));
    const QString hot = dir.filePath(QStringLiteral("hot.aftrace"));
    QVERIFY(QFile::copy(base, journalWriter));
    {
        Database w;
        QVERIFY(w.open(journalWriter.toStdString(), Database::Mode::ReadWrite));
        QVERIFY(w.exec("PRAGMA cache_size=1")); // the transaction spills into the file before it commits
        QVERIFY(w.exec("BEGIN; CREATE TABLE spill(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                       "WHERE i < 300) INSERT INTO spill SELECT zeroblob(4000) FROM c;"));
        QVERIFY(QFile::exists(journalWriter + QLatin1String("-journal")));
        QVERIFY(copyWithSideFiles(journalWriter, hot));
        QVERIFY(w.exec("ROLLBACK"));
    }
    QVERIFY(QFileInfo(hot).size() > QFileInfo(base).size()); // the copy holds the spilled pages
    {
        auto r = TraceReader::open(hot.toStdString());
        QVERIFY2(r, r ? "" : r.error().c_str());
        QCOMPARE((*r)->info().messages, messages);
        Database& db = (*r)->database();
        QCOMPARE(db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'spill'"), int64_t(0)); // rolled back
        Statement check = db.prepare("PRAGMA integrity_check");
        QVERIFY(check.valid() && check.step());
        QCOMPARE(check.columnText(0), std::string("ok"));
    }
    QVERIFY(!QFile::exists(hot + QLatin1String("-journal")));
}

void TestRecordKill::hotJournalWithoutWriteAccessIsAClearError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString base = dir.filePath(QStringLiteral("base.aftrace"));
    QVERIFY(tracetest::record("p.aefl", "actor P { on Ping { } }\nsend(spawn(P), Ping)\n", base.toStdString()).ok);
    const QString writer = dir.filePath(QStringLiteral("writer.aftrace"));
    const QString locked = dir.filePath(QStringLiteral("locked.aftrace"));
    QVERIFY(QFile::copy(base, writer));
    {
        Database w;
        QVERIFY(w.open(writer.toStdString(), Database::Mode::ReadWrite));
        QVERIFY(w.exec("PRAGMA cache_size=1"));
        QVERIFY(w.exec("BEGIN; CREATE TABLE spill(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                       "WHERE i < 300) INSERT INTO spill SELECT zeroblob(4000) FROM c;"));
        QVERIFY(copyWithSideFiles(writer, locked));
        QVERIFY(w.exec("ROLLBACK"));
    }
    QVERIFY(QFile::exists(locked + QLatin1String("-journal")));
    QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    QFile probe(locked);
    if (probe.open(QIODevice::ReadWrite))
        QSKIP("running with rights that ignore file permissions (root)");
    auto r = TraceReader::open(locked.toStdString());
    QVERIFY(!r);
    QVERIFY2(r.error().find("needs recovery") != std::string::npos, r.error().c_str());
}

QTEST_GUILESS_MAIN(TestRecordKill)
#include "tst_recordkill.moc"
