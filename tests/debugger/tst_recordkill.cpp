// kill -9 during recording, in a loop at random moments: the trace left
// behind always opens, passes PRAGMA integrity_check, has contiguous seqs,
// and holds at least every batch the recorder had reported committed.

#include "ReplaySession.h"
#include "Replayer.h"
#include "Sqlite.h"
#include "TraceReader.h"

#include <QFile>
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

QTEST_GUILESS_MAIN(TestRecordKill)
#include "tst_recordkill.moc"
