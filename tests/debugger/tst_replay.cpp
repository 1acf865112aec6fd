// Record -> replay --verify round trips (examples, generated programs, many
// seeds), divergences caught at the right seq, and replay's refusals.

#include "TraceTestSupport.h"

#include "Replayer.h"
#include "ReplaySession.h"
#include "Sqlite.h"
#include "TraceReader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::debugger;

namespace {

std::string readText(const QString& path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll().toStdString();
}

/// Replays `trace` with verification; the divergence (if any) or an error.
Result<ReplayReport> verify(const std::string& trace)
{
    auto reader = TraceReader::open(trace);
    if (!reader)
        return std::unexpected(reader.error());
    auto program = compileTraceProgram(**reader);
    if (!program)
        return std::unexpected(program.error());
    ReplayOptions o;
    o.verify = true;
    return replayTrace(**reader, *program, o);
}

uint64_t messageCount(const std::string& trace)
{
    auto r = TraceReader::open(trace);
    return r ? (*r)->info().messages : 0;
}

void sql(const std::string& trace, const std::string& statement)
{
    Database db;
    QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
    QVERIFY2(db.exec(statement), db.lastError().c_str());
}

/// The first column of the first row of a query, as text ("" when none).
std::string sqlText(const std::string& trace, const std::string& query)
{
    Database db;
    if (!db.open(trace, Database::Mode::ReadOnly))
        return {};
    Statement st = db.prepare(query);
    return st.valid() && st.step() ? st.columnText(0) : std::string();
}

struct Cli {
    int exitCode = -1;
    QString out, err;
};

Cli runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(AEROFLOW_BIN), args);
    p.waitForFinished(60'000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

// A run with every side table filled: spawns, a stop, a crash, inputs.
const char* kSideProgram = R"(
actor Worker {
    state n = 0
    on Work(k) {
        n += k
        if k == 3 { let z = 0; print(1 / z) }
    }
    on Quit { stop() }
}
actor Asker { on Ask(name) uses env { emit(env(name)) } }
let w = spawn(Worker)
let w2 = spawn(Worker)
send(w, Work(1))
send(w2, Quit)
send(w, Work(3))
let a = spawn(Asker)
send(a, Ask("AEROFLOW_TEST_VALUE"))
print("got", recv())
)";

const char* kEnvProgram = R"(
actor Asker { on Ask(name) uses env { emit(env(name)) } }
let a = spawn(Asker)
send(a, Ask("AEROFLOW_TEST_VALUE"))
print("got", recv())
print("home", env("AEROFLOW_TEST_OTHER"))
)";

} // namespace

class TestReplay : public QObject {
    Q_OBJECT
private slots:
    void examplesRoundTrip_data();
    void examplesRoundTrip();
    void generatedProgramsRoundTrip();
    void perturbedPayloadIsCaughtAtItsSeq();
    void perturbedStateHashIsCaughtAtItsSeq();
    void missingAndExtraOutputIsCaught();
    void outputDivergenceNamesItsDeliverysTick();
    void recordedInputsAreFedBack();
    void refusesChangedProgramOrSchema();
    void replayToTick();
    void cliReplayInfoQueryExportSnapshot();
    void forgedSideTablesAndExitStatusAreCaught_data();
    void forgedSideTablesAndExitStatusAreCaught();
    void longRecordedTextsAreShortenedInDivergences();
    void wideIdsAreComparedAndPrintedWhole();
    void snapshotPastTheEndSaysWhereTheRecordingEnds();
    void snapshotFallsBackPastADamagedCheckpoint();
    void largeDamagedTraceIsCheckedOrSaysItWasNot();
    void cliQueryIsHeldToReading();

private:
    QString path(const QString& name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestReplay::examplesRoundTrip_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"));
    for (const QString& f : dir.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
    // Crashes, restarts, links, Down notices, asks, timeouts and dead letters;
    // records and sets in payloads and state.
    const QDir run(QStringLiteral(AEROFLOW_TESTS_DIR "/run"));
    for (const QString& f : run.entryList({QStringLiteral("sup_*.aefl"), QStringLiteral("ask_*.aefl"),
                                           QStringLiteral("records_*.aefl"), QStringLiteral("sets_*.aefl")}, QDir::Files,
                                          QDir::Name))
        QTest::newRow(qPrintable(QStringLiteral("run/") + f)) << run.filePath(f);
}

void TestReplay::examplesRoundTrip()
{
    QFETCH(QString, file);
    const std::string trace = path(QFileInfo(file).baseName() + ".aftrace").toStdString();
    tracetest::RecordOptions o;
    o.recorder.minCheckpointInterval = 8; // exercise checkpoints on short runs too
    auto r = tracetest::record(file.toStdString(), readText(file), trace, o);
    QVERIFY2(r.ok, r.error.c_str());
    auto report = verify(trace);
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY2(!report->divergence, report->divergence ? report->divergence->what.c_str() : "");
    QCOMPARE(report->messages, r.stats.messagesDelivered);
    if (QFileInfo(file).fileName() == QLatin1String("ask_failures.aefl")) {
        // Four dead letters (two requests and Quit to the crashed server,
        // the late answer), counted in meta for `aeroflow info`.
        auto reader = TraceReader::open(trace);
        QVERIFY(reader);
        QCOMPARE((*reader)->info().deadLetters, uint64_t(4));
    }
}

void TestReplay::generatedProgramsRoundTrip()
{
    int programs = 0, messages = 0;
    for (uint64_t g = 1; g <= 8; ++g) {
        const std::string src = tracetest::generateProgram(g);
        QVERIFY2(tracetest::compileOrNull("gen.aefl", src), src.c_str());
        for (uint64_t seed : {0ull, 1ull, 7ull, 12345ull, 0xFFFFFFFFFFull}) {
            const std::string trace = path(QStringLiteral("gen_%1_%2.aftrace").arg(g).arg(seed)).toStdString();
            tracetest::RecordOptions o;
            o.seed = seed;
            o.recorder.minCheckpointInterval = 16;
            auto r = tracetest::record("gen.aefl", src, trace, o);
            QVERIFY2(r.ok, r.error.c_str());
            auto report = verify(trace);
            QVERIFY2(report, report ? "" : report.error().c_str());
            QVERIFY2(!report->divergence, report->divergence ? report->divergence->what.c_str() : "");
            ++programs;
            messages += int(report->messages);
        }
    }
    qInfo("%d recordings, %d messages verified", programs, messages);
}

void TestReplay::perturbedPayloadIsCaughtAtItsSeq()
{
    const std::string trace = path("perturb.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(3), trace).ok);
    // Change one argument of message 17 (a zigzag int 0 -> 1 still decodes).
    auto reader = TraceReader::open(trace);
    QVERIFY(reader);
    auto m = (*reader)->message(17);
    QVERIFY(m && *m);
    std::string payload = (*m)->payload;
    auto v = decodeRowPayload((*m)->handler, payload);
    QVERIFY(v && !v->items.empty() && v->items[0].tag == PayloadTag::Int);
    payload[2] = char(payload[2] ^ 2); // the first argument's varint: +-1
    reader = std::unexpected(std::string("closed"));
    Database db;
    QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
    Statement st = db.prepare("UPDATE messages SET payload = ? WHERE seq = 17");
    st.bindBlob(1, payload);
    st.step();
    QVERIFY(st.ok());
    st = Statement();
    db.close();

    auto report = verify(trace);
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY(report->divergence);
    QCOMPARE(report->divergence->seq, uint64_t(17));
    QCOMPARE(report->divergence->actor, int64_t((*m)->receiver));
    QCOMPARE(report->divergence->tick, (*m)->tick);
    QVERIFY2(report->divergence->what.find("payload: recorded") == 0, report->divergence->what.c_str());
}

void TestReplay::perturbedStateHashIsCaughtAtItsSeq()
{
    const std::string trace = path("hash.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(5), trace).ok);
    const uint64_t at = messageCount(trace) / 2;
    QVERIFY(at > 5);
    sql(trace, "UPDATE messages SET state_hash = state_hash + 1 WHERE seq = " + std::to_string(at));
    auto report = verify(trace);
    QVERIFY(report);
    QVERIFY(report->divergence);
    QCOMPARE(report->divergence->seq, at);
    QVERIFY(report->divergence->what.find("state hash") != std::string::npos);
    // Order: two rows swapped.
    const std::string trace2 = path("order.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(5), trace2).ok);
    sql(trace2, "UPDATE messages SET receiver = 999 WHERE seq = " + std::to_string(at - 3));
    auto r2 = verify(trace2);
    QVERIFY(r2 && r2->divergence);
    QCOMPARE(r2->divergence->seq, at - 3);
    QVERIFY(r2->divergence->what.find("receiver") == 0);
}

void TestReplay::missingAndExtraOutputIsCaught()
{
    const std::string trace = path("out.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(2), trace).ok);
    sql(trace, "UPDATE outputs SET text = 'forged\n' WHERE rowid = 1");
    auto report = verify(trace);
    QVERIFY(report && report->divergence);
    QVERIFY2(report->divergence->what.find("output: recorded \"forged\"") == 0, report->divergence->what.c_str());
    // Messages cut from the end of a complete trace: the replay delivers more.
    const std::string trace2 = path("cut.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(2), trace2).ok);
    const uint64_t keep = messageCount(trace2) / 2;
    sql(trace2, "DELETE FROM messages WHERE seq > " + std::to_string(keep));
    auto r2 = verify(trace2);
    QVERIFY(r2 && r2->divergence);
    QCOMPARE(r2->divergence->seq, keep + 1);
}

void TestReplay::outputDivergenceNamesItsDeliverysTick()
{
    // Regression: a forged output of the first delivery of a tick was
    // reported at the previous delivery's tick ("tick 6, seq 28" for a
    // delivery at tick 7), because outputs come before their delivery is
    // reported to the verifier.
    const std::string trace = path("outtick.aftrace").toStdString();
    const char* ticker = R"(
actor Ticker {
    state n = 0
    on Tick { n += 1; print("tick", n, time); if n < 4 { after(3, self, Tick) } }
}
let t = spawn(Ticker)
send(t, Tick)
)";
    QVERIFY(tracetest::record("ticker.aefl", ticker, trace).ok);
    // The output of the third Tick: the first (and only) delivery of its tick.
    const std::string seqTick = sqlText(trace,
        "SELECT o.seq || ' ' || m.tick FROM outputs o JOIN messages m ON m.seq = o.seq "
        "WHERE o.text LIKE 'tick 3 %'");
    const auto space = seqTick.find(' ');
    QVERIFY2(space != std::string::npos, seqTick.c_str());
    const uint64_t seq = std::stoull(seqTick.substr(0, space));
    const uint64_t tick = std::stoull(seqTick.substr(space + 1));
    QVERIFY(tick > 0);
    QCOMPARE(sqlText(trace, "SELECT count(*) FROM messages WHERE tick = " + std::to_string(tick)), std::string("1"));
    sql(trace, "UPDATE outputs SET text = 'forged\n' WHERE text LIKE 'tick 3 %'");
    auto report = verify(trace);
    QVERIFY(report && report->divergence);
    QCOMPARE(report->divergence->seq, seq);
    QCOMPARE(report->divergence->tick, tick);
}

void TestReplay::recordedInputsAreFedBack()
{
    const std::string trace = path("env.aftrace").toStdString();
    tracetest::RecordOptions o;
    o.env = [](std::string_view name) -> std::optional<std::string> {
        if (name == "AEROFLOW_TEST_VALUE")
            return std::string("recorded-value");
        return std::nullopt;
    };
    auto r = tracetest::record("env.aefl", kEnvProgram, trace, o);
    QVERIFY2(r.ok, r.error.c_str());
    QVERIFY(r.output.find("got recorded-value") != std::string::npos);
    auto report = verify(trace); // the replay has no such variable: the trace supplies it
    QVERIFY(report);
    QVERIFY2(!report->divergence, report->divergence ? report->divergence->what.c_str() : "");

    // UI events injected between steps come back at the same position.
    const char* screen = R"(
actor Box {
    state n = 0
    on Bump(k) { n += k; print("bump", k, n, time) }
}
let b = spawn(Box)
for i in range(3) { after(i * 5 + 1, b, Bump(100)) }
)";
    const std::string trace2 = path("ui.aftrace").toStdString();
    tracetest::RecordOptions ui;
    ui.captureHashes = true;
    ui.recorder.minCheckpointInterval = 1;
    int injected = 0;
    ui.betweenSteps = [&](engine::Scheduler& s) {
        if (s.delivered() == 1 || s.delivered() == 2) {
            injected += s.injectMessage(1, engine::makeMessage(0, {engine::Value::integer(int64_t(s.delivered()))}));
        }
    };
    auto r2 = tracetest::record("ui.aefl", screen, trace2, ui);
    QVERIFY2(r2.ok, r2.error.c_str());
    QCOMPARE(injected, 2);
    QCOMPARE(r2.stats.messagesDelivered, uint64_t(5));
    auto report2 = verify(trace2);
    QVERIFY2(report2, report2 ? "" : report2.error().c_str());
    QVERIFY2(!report2->divergence, report2->divergence ? report2->divergence->what.c_str() : "");

    // Typing into an Input (Scheduler::injectInput, effect ui_input) sets a
    // state field between deliveries; replay applies it at the same place.
    const char* typing = R"(
actor Form {
    state name = ""
    on Show { print("name is", name, time) }
}
let f = spawn(Form)
for i in range(3) { after(i * 5 + 1, f, Show) }
)";
    const std::string trace3 = path("input.aftrace").toStdString();
    tracetest::RecordOptions in;
    in.recorder.minCheckpointInterval = 1;
    int typed = 0;
    in.betweenSteps = [&](engine::Scheduler& s) {
        if (s.delivered() == 1)
            typed += s.injectInput(1, "name", "bob smith");
        if (s.delivered() == 2)
            typed += s.injectInput(1, "name", "alice");
        if (s.delivered() == 2)
            typed += s.injectInput(1, "no_such_field", "x") ? 10 : 0; // refused, records nothing
    };
    auto r3 = tracetest::record("input.aefl", typing, trace3, in);
    QVERIFY2(r3.ok, r3.error.c_str());
    QCOMPARE(typed, 2);
    QVERIFY2(r3.output.find("name is bob smith") != std::string::npos, r3.output.c_str());
    QVERIFY2(r3.output.find("name is alice") != std::string::npos, r3.output.c_str());
    auto report3 = verify(trace3);
    QVERIFY2(report3, report3 ? "" : report3.error().c_str());
    QVERIFY2(!report3->divergence, report3->divergence ? report3->divergence->what.c_str() : "");
    const Cli c3 = runCli({QStringLiteral("replay"), QString::fromStdString(trace3), QStringLiteral("--verify")});
    QCOMPARE(c3.exitCode, 0);
    // A tampered input is caught at the next state hash, not silently accepted.
    sql(trace3, "UPDATE effects SET value = '1 name mallory' WHERE kind = 'ui_input' AND value LIKE '%alice'");
    auto tampered = verify(trace3);
    QVERIFY(tampered);
    QVERIFY(tampered->divergence.has_value());
}

void TestReplay::refusesChangedProgramOrSchema()
{
    const std::string trace = path("changed.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(4), trace).ok);
    sql(trace, "UPDATE sources SET text = text || '\n# edited\n'");
    auto report = verify(trace);
    QVERIFY(!report);
    QVERIFY2(report.error().find("does not match the program hash") != std::string::npos, report.error().c_str());
    const Cli c = runCli({QStringLiteral("replay"), QString::fromStdString(trace), QStringLiteral("--verify")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY(c.err.contains(QLatin1String("program hash")));

    const std::string trace2 = path("schema.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(4), trace2).ok);
    sql(trace2, "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    const Cli c2 = runCli({QStringLiteral("replay"), QString::fromStdString(trace2), QStringLiteral("--verify")});
    QCOMPARE(c2.exitCode, 1);
    QVERIFY2(c2.err.contains(QLatin1String("schema version 2 is not supported")), qPrintable(c2.err));
}

void TestReplay::replayToTick()
{
    const std::string trace = path("to.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(6), trace).ok);
    auto reader = TraceReader::open(trace);
    QVERIFY(reader);
    const uint64_t tick = (*reader)->info().finalTick / 2;
    const uint64_t seq = *(*reader)->seqAtTick(tick);
    auto program = compileTraceProgram(**reader);
    QVERIFY(program);
    ReplayOptions o;
    o.verify = true;
    o.toSeq = seq;
    auto report = replayTrace(**reader, *program, o);
    QVERIFY(report);
    QVERIFY(!report->divergence);
    QCOMPARE(report->messages, seq);
}

void TestReplay::cliReplayInfoQueryExportSnapshot()
{
    const QString trace = path("cli.aftrace");
    const QString example = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl");
    auto r = tracetest::record(example.toStdString(), readText(example), trace.toStdString());
    QVERIFY(r.ok);

    Cli c = runCli({QStringLiteral("replay"), trace});
    QCOMPARE(c.exitCode, 0);
    QCOMPARE(c.out.toStdString(), r.output); // counter prints only to stdout
    c = runCli({QStringLiteral("replay"), trace, QStringLiteral("--verify")});
    QCOMPARE(c.exitCode, 0);
    QVERIFY(c.out.startsWith(QLatin1String("replay verified: 7 messages")));

    c = runCli({QStringLiteral("info"), trace});
    QCOMPARE(c.exitCode, 0);
    QVERIFY(c.out.contains(QLatin1String("messages:     7")));
    QVERIFY(c.out.contains(QLatin1String("counter.aefl")));
    {
        // Regression: outputs were labelled "lines" (they are writes: one
        // print call may hold several lines) and the file size per message
        // "bytes each on disk". The count is the number of output rows.
        Database db;
        QVERIFY(db.open(trace.toStdString(), Database::Mode::ReadOnly));
        Statement st = db.prepare("SELECT count(*) FROM outputs WHERE stream < 3");
        QVERIFY(st.valid() && st.step());
        const QString writes = QString::number(st.columnInt(0));
        QVERIFY2(c.out.contains(QStringLiteral("outputs:      %1 write").arg(writes)), qPrintable(c.out));
        QVERIFY2(!c.out.contains(QLatin1String(" lines")), qPrintable(c.out));
        QVERIFY2(c.out.contains(QLatin1String("(file size / messages: ")), qPrintable(c.out));
    }

    c = runCli({QStringLiteral("query"), trace, QStringLiteral("SELECT count(*) AS n FROM messages")});
    QCOMPARE(c.exitCode, 0);
    QCOMPARE(c.out, QStringLiteral("n\n-\n7\n(1 row)\n"));
    c = runCli({QStringLiteral("query"), trace, QStringLiteral("DELETE FROM messages")});
    QCOMPARE(c.exitCode, 1);
    c = runCli({QStringLiteral("query"), trace});
    QCOMPARE(c.exitCode, 2);

    const QString json = path("cli.json");
    c = runCli({QStringLiteral("export"), trace, QStringLiteral("--format"), QStringLiteral("chrome"),
                  QStringLiteral("--out"), json});
    QCOMPARE(c.exitCode, 0);
    QVERIFY(QFile::exists(json));
    c = runCli({QStringLiteral("export"), trace, QStringLiteral("--format"), QStringLiteral("xml"),
                  QStringLiteral("--out"), json});
    QCOMPARE(c.exitCode, 2);

    // snapshot at a tick, then resume: prints what the run printed after it.
    const QString afs = path("cli.afs");
    c = runCli({QStringLiteral("snapshot"), trace, QStringLiteral("--at"), QStringLiteral("1"),
                  QStringLiteral("--out"), afs});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    c = runCli({QStringLiteral("resume"), afs});
    QCOMPARE(c.exitCode, 0);
    QVERIFY2(QString::fromStdString(r.output).endsWith(c.out), qPrintable(c.out));
    QVERIFY(!c.out.isEmpty());

    c = runCli({QStringLiteral("info"), path("nothing.aftrace")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY(c.err.contains(QLatin1String("no such file")));
}

void TestReplay::forgedSideTablesAndExitStatusAreCaught_data()
{
    QTest::addColumn<QString>("forgery");
    QTest::addColumn<QString>("expected"); // the start of Divergence::what
    QTest::newRow("crash text") << "UPDATE crashes SET error = 'forged'" << "crash: recorded actor 1";
    QTest::newRow("crash actor") << "UPDATE crashes SET actor = 2" << "crash: recorded actor 2";
    QTest::newRow("crash removed") << "DELETE FROM crashes" << "crash: the re-executed run has a crash of actor 1";
    QTest::newRow("crash added") << "INSERT INTO crashes VALUES (1, 2, 'extra')" << "crash: the recording has a crash";
    QTest::newRow("effect seq") << "UPDATE effects SET seq = seq + 1" << "effect: recorded env:AEROFLOW_TEST_VALUE";
    QTest::newRow("effect added") << "INSERT INTO effects VALUES (2, 'env:X', 'y')"
                                  << "effect: the recording has env:X \"y\"";
    QTest::newRow("actor name") << "UPDATE actors SET name = 'Evil#1' WHERE actor_id = 1" << "actors: recorded actor 1";
    QTest::newRow("actor parent") << "UPDATE actors SET spawned_by = 2 WHERE actor_id = 1" << "actors: recorded actor 1";
    QTest::newRow("actor added") << "INSERT INTO actors VALUES (99, 0, 'Worker#99', 0, 1, NULL)"
                                 << "actors: the recording has actor 99";
    QTest::newRow("main forged") << "UPDATE actors SET type = 0 WHERE actor_id = 0" << "actors: recorded actor 0";
    QTest::newRow("stop removed") << "UPDATE actors SET stopped_at_seq = NULL WHERE actor_id = 2"
                                  << "actors: the re-executed run stops actor 2";
    QTest::newRow("stop added") << "UPDATE actors SET stopped_at_seq = 1 WHERE actor_id = 1"
                                << "actors: the recording has actor 1 stopped after seq 1";
    QTest::newRow("exit code") << "UPDATE meta SET value = '7' WHERE key = 'exit_code'" << "exit status: recorded 7";
    QTest::newRow("exit code removed") << "DELETE FROM meta WHERE key = 'exit_code'" << "exit status: recorded none";
}

void TestReplay::forgedSideTablesAndExitStatusAreCaught()
{
    QFETCH(QString, forgery);
    QFETCH(QString, expected);
    const QString original = path("side.aftrace");
    if (!QFile::exists(original)) {
        tracetest::RecordOptions o;
        o.env = [](std::string_view) -> std::optional<std::string> { return std::string("v"); };
        auto r = tracetest::record("side.aefl", kSideProgram, original.toStdString(), o);
        QVERIFY2(r.ok, r.error.c_str());
        auto clean = verify(original.toStdString());
        QVERIFY2(clean && !clean->divergence, clean ? (clean->divergence ? clean->divergence->what.c_str() : "")
                                                    : clean.error().c_str());
    }
    const QString copy = path(QStringLiteral("side_%1.aftrace").arg(QTest::currentDataTag()).replace(' ', '_'));
    QFile::remove(copy);
    QVERIFY(QFile::copy(original, copy));
    sql(copy.toStdString(), forgery.toStdString());
    auto report = verify(copy.toStdString());
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY2(report->divergence, qPrintable("not caught: " + forgery));
    QVERIFY2(report->divergence->what.find(expected.toStdString()) == 0, report->divergence->what.c_str());
}

void TestReplay::longRecordedTextsAreShortenedInDivergences()
{
    const std::string trace = path("long.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(2), trace).ok);
    sql(trace, "UPDATE outputs SET text = printf('%.*c', 3000000, 'x') || char(10) WHERE rowid = 1");
    auto report = verify(trace);
    QVERIFY(report && report->divergence);
    const std::string& what = report->divergence->what;
    QVERIFY2(what.size() < 1000, qPrintable(QString::number(what.size()) + " bytes"));
    QVERIFY2(what.find("… (3000000 bytes)") != std::string::npos, what.c_str());
    // Through the command too: one short line on stderr.
    const Cli c = runCli({QStringLiteral("replay"), QString::fromStdString(trace), QStringLiteral("--verify")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.size() < 1000, qPrintable(c.err.left(300)));
}

void TestReplay::wideIdsAreComparedAndPrintedWhole()
{
    const std::string trace = path("wide.aftrace").toStdString();
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(3), trace).ok);
    auto reader = TraceReader::open(trace);
    QVERIFY(reader);
    auto m = (*reader)->message(9);
    QVERIFY(m && *m);
    const int64_t receiver = (*m)->receiver;
    reader = std::unexpected(std::string("closed"));
    // 2^32 more: the same id once cut to 32 bits.
    const int64_t forged = receiver + (int64_t(1) << 32);
    sql(trace, "UPDATE messages SET receiver = " + std::to_string(forged) + " WHERE seq = 9");
    auto report = verify(trace);
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY(report->divergence);
    QCOMPARE(report->divergence->seq, uint64_t(9));
    QCOMPARE(report->divergence->actor, forged);
    QCOMPARE(report->divergence->what, "receiver: recorded " + std::to_string(forged) + ", replayed " +
                                           std::to_string(receiver));
    QCOMPARE(report->divergence->actorName, "actor " + std::to_string(forged));
}

void TestReplay::snapshotPastTheEndSaysWhereTheRecordingEnds()
{
    const QString trace = path("end.aftrace");
    const QString example = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl");
    QVERIFY(tracetest::record(example.toStdString(), readText(example), trace.toStdString()).ok);
    auto reader = TraceReader::open(trace.toStdString());
    QVERIFY(reader);
    const uint64_t last = (*reader)->info().finalTick;
    const QString afs = path("end.afs");
    Cli c = runCli({QStringLiteral("snapshot"), trace, QStringLiteral("--at"), QString::number(last + 1000),
                    QStringLiteral("--out"), afs});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains(QStringLiteral("past the end of the recording: it ends at tick %1").arg(last)),
             qPrintable(c.err));
    QVERIFY(!QFile::exists(afs));
    c = runCli({QStringLiteral("snapshot"), trace, QStringLiteral("--at"), QString::number(last), QStringLiteral("--out"),
                afs});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
}

void TestReplay::snapshotFallsBackPastADamagedCheckpoint()
{
    const QString clean = path("cp_clean.aftrace"), damaged = path("cp_damaged.aftrace");
    tracetest::RecordOptions o;
    o.recorder.minCheckpointInterval = 2;
    o.recorder.maxCheckpointInterval = 2;
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(4), clean.toStdString(), o).ok);
    QVERIFY(QFile::copy(clean, damaged));
    auto reader = TraceReader::open(clean.toStdString());
    QVERIFY(reader);
    const uint64_t tick = (*reader)->info().finalTick;
    const uint64_t lastCheckpoint = uint64_t((*reader)->database().scalar("SELECT max(seq) FROM checkpoints"));
    reader = std::unexpected(std::string("closed"));
    QVERIFY(lastCheckpoint > 2);
    sql(damaged.toStdString(),
        "UPDATE checkpoints SET snapshot = substr(snapshot, 1, 40) WHERE seq = " + std::to_string(lastCheckpoint));
    const QString want = path("cp_clean.afs"), got = path("cp_damaged.afs");
    Cli c = runCli({QStringLiteral("snapshot"), clean, QStringLiteral("--at"), QString::number(tick),
                    QStringLiteral("--out"), want});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    c = runCli({QStringLiteral("snapshot"), damaged, QStringLiteral("--at"), QString::number(tick),
                QStringLiteral("--out"), got});
    QVERIFY2(c.exitCode == 0, qPrintable(c.err));
    QVERIFY2(c.err.contains(QStringLiteral("warning: checkpoint at seq %1 cannot be used").arg(lastCheckpoint)),
             qPrintable(c.err));
    QCOMPARE(readText(got), readText(want)); // the same state, rebuilt from an earlier checkpoint
}

void TestReplay::largeDamagedTraceIsCheckedOrSaysItWasNot()
{
    const QString trace = path("large.aftrace");
    const QString example = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl");
    QVERIFY(tracetest::record(example.toStdString(), readText(example), trace.toStdString()).ok);
    // Over the size checked on open: a table readers ignore, 17 MB of it.
    sql(trace.toStdString(), "CREATE TABLE pad(x BLOB); INSERT INTO pad VALUES (zeroblob(17000000))");
    int64_t pageSize = 0, pages = 0;
    {
        Database db;
        QVERIFY(db.open(trace.toStdString(), Database::Mode::ReadOnly));
        pageSize = db.scalar("PRAGMA page_size");
        pages = db.scalar("PRAGMA page_count");
    }
    QVERIFY(pageSize > 0 && pages * pageSize > int64_t(TraceReader::kIntegrityCheckLimit));
    // Damage a page of the padding near the end of the file: the next-page
    // pointer of an overflow page.
    {
        QFile f(trace);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.seek((pages - 100) * pageSize));
        QCOMPARE(f.write(QByteArray(4, char(0x7f))), qint64(4));
    }
    {
        Database db;
        QVERIFY(db.open(trace.toStdString(), Database::Mode::ReadOnly));
        Statement check = db.prepare("PRAGMA quick_check");
        QVERIFY(check.valid() && check.step());
        QVERIFY2(check.columnText(0) != "ok", "the damage must be real");
    }
    Cli c = runCli({QStringLiteral("info"), trace});
    QCOMPARE(c.exitCode, 0);
    QVERIFY2(c.out.contains(QLatin1String("integrity:    not checked")), qPrintable(c.out));
    c = runCli({QStringLiteral("info"), trace, QStringLiteral("--check")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains(QLatin1String("the file is damaged")), qPrintable(c.err));
    c = runCli({QStringLiteral("replay"), trace, QStringLiteral("--verify")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains(QLatin1String("the file is damaged")), qPrintable(c.err));
    c = runCli({QStringLiteral("snapshot"), trace, QStringLiteral("--at"), QStringLiteral("1"), QStringLiteral("--out"),
                path("large.afs")});
    QVERIFY2(c.err.contains(QLatin1String("was not checked for damage")), qPrintable(c.err));
}

void TestReplay::cliQueryIsHeldToReading()
{
    const QString trace = path("query.aftrace");
    QVERIFY(tracetest::record("gen.aefl", tracetest::generateProgram(1), trace.toStdString()).ok);
    Cli c = runCli({QStringLiteral("query"), trace, QStringLiteral("SELECT fts3_tokenizer('simple')")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains(QLatin1String("function 'fts3_tokenizer' is not allowed")), qPrintable(c.err));
    // An endless recursive query is stopped by the time limit (it never ends
    // on its own: the test waits for the limit, not for a duration).
    c = runCli({QStringLiteral("query"), trace,
                QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"),
                QStringLiteral("--timeout"), QStringLiteral("1")});
    QCOMPARE(c.exitCode, 1);
    QVERIFY2(c.err.contains(QLatin1String("ran longer than 1 s")), qPrintable(c.err));
    c = runCli({QStringLiteral("query"), trace, QStringLiteral("SELECT count(*) FROM messages"), QStringLiteral("--timeout"),
                QStringLiteral("soon")});
    QCOMPARE(c.exitCode, 2);
    c = runCli({QStringLiteral("query"), trace,
                QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c")});
    QCOMPARE(c.exitCode, 0);
    QVERIFY2(c.out.endsWith(QLatin1String("(100000 rows; stopped at more than 100000 rows: the rest is not shown "
                                          "(add LIMIT or narrow the query))\n")),
             qPrintable(c.out.right(200)));
}

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
