// The trace store: what a recording holds, the reader's checks on foreign,
// damaged and truncated files, write failures, read-only queries, export.

#include "TraceTestSupport.h"

#include "Sqlite.h"
#include "TraceExport.h"
#include "TraceQuery.h"
#include "TraceReader.h"
#include "TraceSchema.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <sstream>

using namespace aeroflow;
using namespace aeroflow::debugger;

namespace {

const char* kPingPong = R"(
actor Ponger { on Ping(k) { emit(k + 1) } }
actor Pinger {
    state partner: Ponger
    on Start(p) { partner = p; send(partner, Ping(1)) }
    on reply(k) { if k < 50 { send(partner, Ping(k + 1)) } else { print("done", k) } }
}
let ponger = spawn(Ponger)
let pinger = spawn(Pinger)
send(pinger, Start(ponger))
)";

std::string readAll(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll().toStdString();
}

void writeAll(const QString& path, const std::string& bytes)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(bytes.data(), qint64(bytes.size()));
}

} // namespace

class TestTrace : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(m_dir.isValid()); }
    void recordingHoldsTheRun();
    void smallPayloadsStaySmall();
    void rejectsWhatIsNotATrace();
    void rejectsDamagedAndTruncatedFiles();
    void unwritableLocationIsAClearError();
    void fullDiskStopsCleanlyAndKeepsCommittedBatches();
    void queriesAreReadOnly();
    void queriesAreHeldToReading();
    void exportsChromeJsonCsv();
    void seqAtTickAndCausalChain();

private:
    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

void TestTrace::recordingHoldsTheRun()
{
    const QString p = path("pp.aftrace");
    auto r = tracetest::record("pp.aefl", kPingPong, p.toStdString());
    QVERIFY2(r.ok, r.error.c_str());
    auto trace = TraceReader::open(p.toStdString());
    QVERIFY2(trace, trace ? "" : trace.error().c_str());
    const TraceInfo& i = (*trace)->info();
    QCOMPARE(i.schemaVersion, kTraceSchemaVersion);
    QCOMPARE(i.messages, r.stats.messagesDelivered);
    QCOMPARE(i.actors, uint64_t(3));
    QVERIFY(i.complete);
    QCOMPARE(i.exitCode.value_or(-1), 0);
    QCOMPARE(i.programHash, compiler::fnv1a64(kPingPong));
    QCOMPARE(*(*trace)->sourceText(), std::string(kPingPong));
    auto msgs = (*trace)->messages(1, i.messages);
    QVERIFY(msgs);
    for (size_t k = 0; k < msgs->size(); ++k) {
        QCOMPARE((*msgs)[k].seq, uint64_t(k + 1)); // contiguous
        if (k)
            QVERIFY((*msgs)[k].tick >= (*msgs)[k - 1].tick);
        QVERIFY((*msgs)[k].causeSeq < (*msgs)[k].seq);
    }
    // Emitted values to main have no handler; messages print with their names.
    const TraceMessage& first = msgs->front();
    QCOMPARE(first.receiver, 2u);
    auto v = decodeRowPayload(first.handler, first.payload);
    QVERIFY(v);
    QCOMPARE(formatPayload(*v, (*trace)->names()), std::string("Start(<Ponger#1>)"));
    auto outputs = (*trace)->outputsUpTo(UINT64_MAX);
    QVERIFY(outputs);
    std::string all;
    for (const auto& o : *outputs)
        all += o.text;
    QCOMPARE(all, r.output);
}

void TestTrace::smallPayloadsStaySmall()
{
    // Average bytes per message of a ping-pong trace (checkpoints included).
    const std::string src = std::string(kPingPong).replace(std::string(kPingPong).find("k < 50"), 6, "k < 20000");
    const QString p = path("size.aftrace");
    auto r = tracetest::record("size.aefl", src, p.toStdString());
    QVERIFY2(r.ok, r.error.c_str());
    auto trace = TraceReader::open(p.toStdString());
    QVERIFY(trace);
    const double perMessage = double((*trace)->info().fileBytes) / double((*trace)->info().messages);
    qInfo("%.1f bytes per message over %llu messages", perMessage,
          static_cast<unsigned long long>((*trace)->info().messages));
    QVERIFY(perMessage <= 64.0);
}

void TestTrace::rejectsWhatIsNotATrace()
{
    auto expectError = [&](const QString& p, const char* fragment) {
        auto t = TraceReader::open(p.toStdString());
        QVERIFY2(!t, qPrintable(p));
        QVERIFY2(t.error().find(fragment) != std::string::npos, t.error().c_str());
    };
    expectError(path("missing.aftrace"), "no such file");
    writeAll(path("empty.aftrace"), "");
    expectError(path("empty.aftrace"), "empty");
    writeAll(path("text.aftrace"), "print(\"hello\")\n");
    expectError(path("text.aftrace"), "not an SQLite database");
    {
        Database db;
        QVERIFY(db.open(path("other.db").toStdString(), Database::Mode::ReadWriteCreate));
        QVERIFY(db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);"));
    }
    expectError(path("other.db"), "without a meta table");
    {
        Database db;
        QVERIFY(db.open(path("othermeta.db").toStdString(), Database::Mode::ReadWriteCreate));
        QVERIFY(db.exec("CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('format', 'something-else');"));
    }
    expectError(path("othermeta.db"), "not an AeroFlow trace");
    // A trace of another schema version.
    const QString p = path("v99.aftrace");
    QVERIFY(tracetest::record("pp.aefl", kPingPong, p.toStdString()).ok);
    {
        Database db;
        QVERIFY(db.open(p.toStdString(), Database::Mode::ReadWriteCreate));
        QVERIFY(db.exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'"));
    }
    expectError(p, "schema version 99 is not supported");
}

void TestTrace::rejectsDamagedAndTruncatedFiles()
{
    const QString p = path("good.aftrace");
    const std::string src = std::string(kPingPong).replace(std::string(kPingPong).find("k < 50"), 6, "k < 3000");
    QVERIFY(tracetest::record("pp.aefl", src, p.toStdString()).ok);
    const std::string good = readAll(p);
    QVERIFY(good.size() > 64 * 1024);
    int rejected = 0;
    // Truncations at many points, and byte damage at many offsets: the reader
    // either refuses the file or every query answers (possibly with an error).
    for (size_t cut : {size_t(100), size_t(4096), good.size() / 3, good.size() / 2, good.size() - 8192}) {
        writeAll(path("cut.aftrace"), good.substr(0, cut));
        auto t = TraceReader::open(path("cut.aftrace").toStdString());
        if (!t) {
            ++rejected;
            QVERIFY(!t.error().empty());
            continue;
        }
        (void)(*t)->messages(1, UINT64_MAX);
        (void)(*t)->outputsUpTo(UINT64_MAX);
    }
    for (size_t off = 8192; off < good.size(); off += good.size() / 23) {
        std::string bad = good;
        for (size_t k = 0; k < 64 && off + k < bad.size(); ++k)
            bad[off + k] = char(0xA5 ^ k);
        writeAll(path("bad.aftrace"), bad);
        auto t = TraceReader::open(path("bad.aftrace").toStdString());
        if (!t) {
            ++rejected;
            QVERIFY(t.error().find("trace '") == 0);
            continue;
        }
        (void)(*t)->messages(1, UINT64_MAX);
        (void)(*t)->causalChain((*t)->info().messages);
        std::ostringstream sink;
        (void)exportTrace(**t, ExportFormat::Json, sink);
    }
    QVERIFY(rejected > 0);

    // The reader skips the integrity check for a file this process already
    // checked or wrote (TraceWriter marks it) only while the file is
    // unchanged: damage written over the same path, same size, is caught.
    const QString same = path("same.aftrace");
    QVERIFY(tracetest::record("pp.aefl", src, same.toStdString()).ok);
    QVERIFY(TraceReader::open(same.toStdString()).has_value());
    std::string bad = readAll(same);
    for (size_t k = bad.size() / 2; k < bad.size() / 2 + 2048; ++k)
        bad[k] = char(0xA5 ^ (k & 0xff));
    writeAll(same, bad);
    auto damaged = TraceReader::open(same.toStdString());
    QVERIFY2(!damaged, "damage written after a successful open went unnoticed");
    QVERIFY(damaged.error().find("damaged") != std::string::npos || damaged.error().find("trace '") == 0);
}

void TestTrace::unwritableLocationIsAClearError()
{
    auto program = tracetest::compileOrNull("pp.aefl", kPingPong);
    QVERIFY(program);
    auto rec = Recorder::create(path("no/such/dir/x.aftrace").toStdString(), program, kPingPong, {});
    QVERIFY(!rec);
    QVERIFY2(rec.error().find("cannot write trace") == 0, rec.error().c_str());
    auto dirAsFile = Recorder::create(m_dir.path().toStdString(), program, kPingPong, {});
    QVERIFY(!dirAsFile);
    QVERIFY(dirAsFile.error().find("is a directory") != std::string::npos);
}

void TestTrace::fullDiskStopsCleanlyAndKeepsCommittedBatches()
{
    // max_page_count makes SQLite report SQLITE_FULL exactly as a full disk does.
    const QString p = path("full.aftrace");
    tracetest::RecordOptions o;
    o.recorder.writer.maxPageCount = 60;
    o.recorder.batchRows = 512;
    o.maxMessages = 1'000'000;
    const std::string src = std::string(kPingPong).replace(std::string(kPingPong).find("k < 50"), 6, "k < 400000");
    auto r = tracetest::record("full.aefl", src, p.toStdString(), o);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.find("full") != std::string::npos, r.error.c_str());
    QVERIFY(r.stats.messagesDelivered < 400000); // the run stopped early
    auto t = TraceReader::open(p.toStdString());
    QVERIFY2(t, t ? "" : t.error().c_str());
    QVERIFY(!(*t)->info().complete);
    QVERIFY((*t)->info().messages > 0);
    QVERIFY((*t)->info().messages % 512 == 0); // whole batches only
}

void TestTrace::queriesAreReadOnly()
{
    const QString p = path("q.aftrace");
    QVERIFY(tracetest::record("pp.aefl", kPingPong, p.toStdString()).ok);
    auto t = TraceReader::open(p.toStdString());
    QVERIFY(t);
    auto table = runQuery(**t, "SELECT handler, count(*) AS n FROM messages_named GROUP BY 1 ORDER BY 1");
    QVERIFY2(table, table ? "" : table.error().c_str());
    QCOMPARE(table->columns, (std::vector<std::string>{"handler", "n"}));
    QCOMPARE(table->rows.size(), size_t(3)); // Ping, Start, reply (an emit to an actor arrives as reply)
    const std::string text = formatTable(*table);
    QVERIFY(text.find("handler  n") == 0);
    for (const char* sql : {"DELETE FROM messages", "UPDATE meta SET value = 'x'", "DROP TABLE messages",
                            "CREATE TABLE x(y)", "PRAGMA journal_mode=DELETE"}) {
        auto w = runQuery(**t, sql);
        QVERIFY2(!w, sql);
    }
    QVERIFY(!runQuery(**t, "SELECT 1; DELETE FROM messages"));
    QVERIFY(!runQuery(**t, "SELEC nonsense"));
    auto count = runQuery(**t, "SELECT count(*) FROM messages");
    QVERIFY(count);
    QCOMPARE(count->rows[0][0], std::to_string((*t)->info().messages));
}

void TestTrace::queriesAreHeldToReading()
{
    const QString p = path("guard.aftrace");
    QVERIFY(tracetest::record("pp.aefl", kPingPong, p.toStdString()).ok);
    auto t = TraceReader::open(p.toStdString());
    QVERIFY(t);
    // Refused by what they are, before they run, with a message that says so.
    const std::pair<const char*, const char*> refused[] = {
        {"SELECT fts3_tokenizer('simple')", "function 'fts3_tokenizer' is not allowed"},
        {"SELECT load_extension('x')", "function 'load_extension' is not allowed"},
        {"ATTACH 'other.db' AS other", "ATTACH is not allowed"},
        {"PRAGMA user_version", "PRAGMA user_version is not allowed"},
        {"PRAGMA journal_mode", "PRAGMA journal_mode is not allowed"},
    };
    for (const auto& [sql, why] : refused) {
        auto r = runQuery(**t, sql);
        QVERIFY2(!r, sql);
        QVERIFY2(r.error().find(why) != std::string::npos, r.error().c_str());
    }
    // What reading needs still works: views, JSON, windows, recursion, schema pragmas.
    for (const char* sql :
         {"SELECT * FROM messages_named LIMIT 3", "SELECT json_extract('{\"a\":1}', '$.a')",
          "SELECT seq, lag(tick) OVER (ORDER BY seq) FROM messages LIMIT 3", "PRAGMA table_info(messages)",
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) SELECT sum(x) FROM c"}) {
        auto r = runQuery(**t, sql);
        QVERIFY2(r, r ? sql : r.error().c_str());
        QVERIFY2(!r->rows.empty(), sql);
    }
    // Bounded in time, rows and bytes.
    QueryLimits limits;
    limits.timeoutSeconds = 0.2;
    auto endless =
        runQuery(**t, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", limits);
    QVERIFY(!endless);
    QVERIFY2(endless.error().find("ran longer than 0.2 s") != std::string::npos, endless.error().c_str());
    limits = {};
    limits.maxRows = 10;
    auto rows = runQuery(**t, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c", limits);
    QVERIFY(rows);
    QCOMPARE(rows->rows.size(), size_t(10));
    QVERIFY(rows->truncated);
    QCOMPARE(rows->why, std::string("more than 10 rows"));
    limits = {};
    limits.maxBytes = 1000;
    auto bytes = runQuery(**t, "SELECT printf('%.*c', 5000, 'x'), 'next'", limits);
    QVERIFY(bytes);
    QVERIFY(bytes->truncated);
    QCOMPARE(bytes->why, std::string("more than 1000 bytes of text"));
    QVERIFY2(bytes->rows[0][0].ends_with("… (5000 bytes)"), bytes->rows[0][0].c_str());
    QVERIFY(bytes->rows[0][0].size() < 1100);
    // The guard is gone afterwards: the reader's own queries work as before.
    QVERIFY((*t)->message(1));
    QVERIFY(runQuery(**t, "SELECT count(*) FROM messages"));
}

void TestTrace::exportsChromeJsonCsv()
{
    const QString p = path("e.aftrace");
    QVERIFY(tracetest::record("pp.aefl", kPingPong, p.toStdString()).ok);
    auto t = TraceReader::open(p.toStdString());
    QVERIFY(t);
    const uint64_t n = (*t)->info().messages;

    std::ostringstream chrome;
    QVERIFY(exportTrace(**t, ExportFormat::Chrome, chrome));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(chrome.str()), &err);
    QVERIFY2(!doc.isNull(), qPrintable(err.errorString()));
    int slices = 0, starts = 0, finishes = 0, threads = 0;
    for (const auto& e : doc.object().value("traceEvents").toArray()) {
        const QString ph = e.toObject().value("ph").toString();
        slices += ph == "X";
        starts += ph == "s";
        finishes += ph == "f";
        threads += e.toObject().value("name").toString() == "thread_name";
    }
    QCOMPARE(uint64_t(slices), n);
    QCOMPARE(starts, finishes);
    QVERIFY(starts > 0);
    QCOMPARE(threads, 3);

    std::ostringstream json;
    QVERIFY(exportTrace(**t, ExportFormat::Json, json));
    const QJsonDocument jd = QJsonDocument::fromJson(QByteArray::fromStdString(json.str()), &err);
    QVERIFY2(!jd.isNull(), qPrintable(err.errorString()));
    QCOMPARE(uint64_t(jd.object().value("messages").toArray().size()), n);
    QCOMPARE(jd.object().value("messages").toArray().at(0).toObject().value("payload").toString(),
             QStringLiteral("Start(<Ponger#1>)"));

    std::ostringstream csv;
    QVERIFY(exportTrace(**t, ExportFormat::Csv, csv));
    const std::string c = csv.str();
    QCOMPARE(uint64_t(std::count(c.begin(), c.end(), '\n')), n + 1);
    QVERIFY(c.find("1,1,main,Pinger#2,Start,Start(<Ponger#1>),0,") != std::string::npos);
}

void TestTrace::seqAtTickAndCausalChain()
{
    const QString p = path("c.aftrace");
    QVERIFY(tracetest::record("pp.aefl", kPingPong, p.toStdString()).ok);
    auto t = TraceReader::open(p.toStdString());
    QVERIFY(t);
    TraceReader& r = **t;
    auto msgs = *r.messages(1, UINT64_MAX);
    for (uint64_t tick = 0; tick <= r.info().finalTick + 1; ++tick) {
        uint64_t expect = 0;
        for (const auto& m : msgs)
            if (m.tick <= tick)
                expect = m.seq;
        QCOMPARE(*r.seqAtTick(tick), expect);
    }
    auto chain = r.causalChain(10);
    QVERIFY(chain);
    QCOMPARE(chain->front(), uint64_t(10));
    QCOMPARE(chain->back(), uint64_t(1)); // Start, sent by top-level code
    for (size_t k = 1; k < chain->size(); ++k)
        QCOMPARE((*chain)[k], msgs[(*chain)[k - 1] - 1].causeSeq);
}

QTEST_GUILESS_MAIN(TestTrace)
#include "tst_trace.moc"
