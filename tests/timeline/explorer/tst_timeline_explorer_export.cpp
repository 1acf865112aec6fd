// Export jobs: the threaded export writes what the synchronous exportTrace
// writes; cancelling leaves no file; progress arrives; the snapshot export
// at a cursor restores to the same state hashes and runs on like the trace.
#include "ExplorerTestSupport.h"

#include "ExportJob.h"
#include "Snapshot.h"
#include "SnapshotExportJob.h"
#include "TimeTravel.h"
#include "TraceExport.h"

#include <QTemporaryDir>

#include <sstream>

using namespace aeroflow;

namespace {

const char* kTicker = R"(actor Ticker {
    state n = 0
    state last = ""
    on Tick(k) {
        n = n + 1
        last = "tick " + n
        if n < k { send(self, Tick(k)) }
    }
}
let t = spawn(Ticker)
send(t, Tick(30000))
)";

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstTimelineExplorerExport : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_bank, m_big, m_gen;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_bank = explorertest::recordExample(m_dir.path(), "bank.aefl");
        QVERIFY(!m_bank.isEmpty());
        m_big = m_dir.filePath(QStringLiteral("big.aftrace"));
        auto rec = tracetest::record("ticker.aefl", kTicker, m_big.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
        m_gen = m_dir.filePath(QStringLiteral("gen.aftrace"));
        rec = tracetest::record("gen.aefl", tracetest::generateProgram(7), m_gen.toStdString());
        QVERIFY2(rec.ok, rec.error.c_str());
    }

    void jobEqualsSynchronousExport_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("chrome") << int(debugger::ExportFormat::Chrome);
        QTest::newRow("json") << int(debugger::ExportFormat::Json);
        QTest::newRow("csv") << int(debugger::ExportFormat::Csv);
    }

    void jobEqualsSynchronousExport()
    {
        QFETCH(int, format);
        const auto f = debugger::ExportFormat(format);
        auto reader = debugger::TraceReader::open(m_bank.toStdString());
        std::ostringstream expected;
        QVERIFY(debugger::exportTrace(**reader, f, expected).has_value());

        const QString target = m_dir.filePath(QStringLiteral("out-%1").arg(format));
        timeline::ExportJob job;
        QSignalSpy finished(&job, &timeline::ExportJob::finished);
        QSignalSpy progress(&job, &timeline::ExportJob::progress);
        QVERIFY(job.start(m_bank, f, target));
        QVERIFY(!job.start(m_bank, f, target)); // one at a time
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toString(), target);
        QCOMPARE(readAll(target), QByteArray::fromStdString(expected.str()));
        QVERIFY(!QFile::exists(target + QStringLiteral(".part")));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().first().toDouble(), 1.0);
    }

    void progressCallbackCancels()
    {
        auto reader = debugger::TraceReader::open(m_big.toStdString());
        QVERIFY((*reader)->info().messages > 8192);
        std::vector<double> seen;
        debugger::ExportControl control;
        control.progress = [&](double f) {
            seen.push_back(f);
            return f < 0.1 || seen.size() < 2; // stop at the first report past the start
        };
        std::ostringstream out;
        auto r = debugger::exportTrace(**reader, debugger::ExportFormat::Csv, out, control);
        QVERIFY(!r.has_value());
        QCOMPARE(QString::fromStdString(r.error()), QString::fromLatin1(debugger::kExportCancelled));
        QVERIFY(seen.size() >= 2);
        QCOMPARE(seen.front(), 0.0);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        // The plain call still exports everything.
        std::ostringstream full;
        QVERIFY(debugger::exportTrace(**reader, debugger::ExportFormat::Csv, full).has_value());
        QVERIFY(full.str().size() > out.str().size());
    }

    void cancelledJobLeavesNoFile()
    {
        const QString target = m_dir.filePath(QStringLiteral("cancelled.json"));
        timeline::ExportJob job;
        QSignalSpy failed(&job, &timeline::ExportJob::failed);
        QSignalSpy finished(&job, &timeline::ExportJob::finished);
        QVERIFY(job.start(m_big, debugger::ExportFormat::Json, target));
        job.cancel();
        QVERIFY(failed.wait(10000));
        QCOMPARE(finished.count(), 0);
        QCOMPARE(failed.first().first().toString(), QString::fromLatin1(debugger::kExportCancelled));
        QVERIFY(!QFile::exists(target));
        QVERIFY(!QFile::exists(target + QStringLiteral(".part")));
        QVERIFY(!job.isRunning());

        // An existing file is left as it was.
        {
            QFile f(target);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("keep");
        }
        QVERIFY(job.start(m_big, debugger::ExportFormat::Chrome, target));
        job.cancel();
        QVERIFY(failed.wait(10000));
        QCOMPARE(readAll(target), QByteArray("keep"));
    }

    void unreadableTraceFails()
    {
        const QString bogus = m_dir.filePath(QStringLiteral("bogus.aftrace"));
        {
            QFile f(bogus);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("not a trace at all");
        }
        timeline::ExportJob job;
        QSignalSpy failed(&job, &timeline::ExportJob::failed);
        const QString target = m_dir.filePath(QStringLiteral("never.csv"));
        QVERIFY(job.start(bogus, debugger::ExportFormat::Csv, target));
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.first().first().toString().isEmpty());
        QVERIFY(!QFile::exists(target));
    }

    void snapshotAtCursorResumes_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("workers") << 0;
        QTest::newRow("ticker") << 1;
    }

    void snapshotAtCursorResumes()
    {
        QFETCH(int, which);
        const QString trace = which ? m_big : m_gen;
        timeline::TimeTravelWorker worker;
        QVERIFY(explorertest::openWorker(worker, trace));
        auto tt = debugger::TimeTravel::open(trace.toStdString());
        QVERIFY(tt.has_value());
        const uint64_t at = (*tt)->end() / 2;
        const QString target = m_dir.filePath(QStringLiteral("half.afs"));
        timeline::SnapshotExportJob job(&worker);
        QSignalSpy finished(&job, &timeline::SnapshotExportJob::finished);
        QSignalSpy failed(&job, &timeline::SnapshotExportJob::failed);
        job.start(at, target);
        QVERIFY(finished.wait(10000));
        QCOMPARE(failed.count(), 0);
        QCOMPARE(finished.first().at(1).toULongLong(), at);
        const QByteArray image = readAll(target);
        QCOMPARE(quint64(image.size()), finished.first().at(2).toULongLong());

        // Restore (compiling the embedded source) and compare with time travel.
        QVERIFY((*tt)->seek(at).has_value());
        std::string output;
        engine::RunOptions ro;
        ro.maxMessages = 1'000'000;
        auto restored = engine::restoreSnapshot(std::string_view(image.constData(), size_t(image.size())), nullptr, ro,
            [&](engine::Stream, std::string_view t) { output.append(t); });
        QVERIFY2(restored.has_value(), restored ? "" : restored.error().c_str());
        engine::Scheduler& s = **restored;
        QCOMPARE(s.actorCount(), (*tt)->scheduler().actorCount());
        for (uint32_t a = 0; a < s.actorCount(); ++a)
            QCOMPARE(s.stateHash(a), (*tt)->scheduler().stateHash(a));
        // It runs on exactly as recorded: the receiver's hash after each delivery.
        for (uint64_t seq = at + 1; seq <= std::min(at + 50, (*tt)->end()); ++seq) {
            QVERIFY(s.step());
            auto m = (*tt)->trace().message(seq);
            QCOMPARE(s.stateHash((*m)->receiver), (*m)->stateHash);
        }
    }
};

QTEST_MAIN(TstTimelineExplorerExport)
#include "tst_timeline_explorer_export.moc"
