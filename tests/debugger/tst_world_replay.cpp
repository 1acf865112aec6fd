// Recording and replaying a run that talks to the outside world: every input
// (requests, WebSocket frames, call answers, timer firings, clock and file
// answers, the shutdown) is in the trace; `replay --verify` re-executes the
// session with no world at all and checks every delivery, state hash and
// response; edited inputs or responses are caught; time travel seeks through
// checkpoints that hold the world's state.

#include "TraceTestSupport.h"

#include "Replayer.h"
#include "ReplaySession.h"
#include "Sqlite.h"
#include "TimeTravel.h"
#include "TraceReader.h"

#include "../engine/ScriptedWorld.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::debugger;
using engine::InputEvent;
using tests::ScriptedWorld;

namespace {

/// The program (kept in a file: moc cannot read raw strings holding "//").
std::string service()
{
    QFile f(QStringLiteral(AEROFLOW_TESTS_DIR "/debugger/world_service.aefl"));
    f.open(QIODevice::ReadOnly);
    return f.readAll().toStdString();
}

/// A session of mixed traffic, answered by a scripted world.
void script(ScriptedWorld& w, int rounds)
{
    uint64_t request = 1;
    for (int i = 0; i < rounds; ++i) {
        const std::string name = "u" + std::to_string(i % 5);
        w.script.push_back({ScriptedWorld::request(1, request++, "POST", "/deposit", std::to_string(10 + i),
                                                    {{"name", name}})});
        w.script.push_back({ScriptedWorld::request(1, request++, "GET", "/balance", "", {{"name", name}}),
                            ScriptedWorld::request(1, request++, "GET", "/quote")});
        if (i == 1) {
            InputEvent open = ScriptedWorld::simple(InputEvent::Kind::WsOpen, 1, 2);
            w.script.push_back({open});
        }
        if (i > 1) {
            w.script.push_back({ScriptedWorld::text(1, "move " + std::to_string(i)),
                                ScriptedWorld::simple(InputEvent::Kind::Timer, 1)});
        }
    }
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::WsClosed, 1)});
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Shutdown)});
}

/// Records the session into `trace`; the scripted world answers calls.
tracetest::Recording recordSession(const std::string& trace, int rounds, uint64_t checkpointEvery = 4096)
{
    ScriptedWorld w;
    script(w, rounds);
    size_t answered = 0;
    w.onPoll = [&](ScriptedWorld& self) {
        const auto calls = self.sentOf(engine::OutputEvent::Kind::CallStart);
        std::vector<InputEvent> answers;
        while (answered < calls.size()) {
            const auto& c = calls[answered];
            answers.push_back(answered % 3 == 2 ? ScriptedWorld::callDone(c.id, 0, "timeout after 30000 ms")
                                                : ScriptedWorld::callDone(c.id, 200, "quote " + std::to_string(c.id)));
            ++answered;
        }
        if (!answers.empty())
            self.script.push_front(std::move(answers));
        if (self.script.empty()) {
            self.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Halt)});
            self.onPoll = nullptr;
        }
    };
    tracetest::RecordOptions o;
    o.world = &w;
    o.recorder.minCheckpointInterval = checkpointEvery;
    o.recorder.maxCheckpointInterval = checkpointEvery;
    return tracetest::record("service.aefl", service(), trace, o);
}

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

void sql(const std::string& trace, const std::string& statement)
{
    Database db;
    QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
    QVERIFY2(db.exec(statement), db.lastError().c_str());
}

/// Sets `column` of row `rowid` of `table` to the blob `bytes`.
void rewrite(const std::string& trace, const char* table, const char* column, int64_t rowid, const std::string& bytes)
{
    Database db;
    QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
    Statement up = db.prepare(std::string("UPDATE ") + table + " SET " + column + " = ? WHERE rowid = ?");
    QVERIFY(up.valid());
    up.bindBlob(1, bytes);
    up.bind(2, rowid);
    up.step();
    QVERIFY2(up.ok(), db.lastError().c_str());
}

} // namespace

class TestWorldReplay : public QObject {
    Q_OBJECT
private slots:
    void sessionReplaysAndVerifiesWithoutTheWorld();
    void sameSessionTwiceGivesIdenticalTraces();
    void editedRequestIsCaught();
    void editedResponseIsCaught();
    void damagedInputIsAClearError();
    void seekThroughCheckpointsWithWorldState();

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }
};

void TestWorldReplay::sessionReplaysAndVerifiesWithoutTheWorld()
{
    const std::string t = path("a.aftrace");
    const auto rec = recordSession(t, 40);
    QVERIFY2(rec.ok, rec.error.c_str());
    QCOMPARE(rec.stats.exitCode, 0);
    QVERIFY(rec.stats.messagesDelivered > 150);
    auto report = verify(t);
    QVERIFY2(report.has_value(), report ? "" : report.error().c_str());
    QVERIFY2(!report->divergence, report->divergence ? report->divergence->what.c_str() : "");
    QCOMPARE(report->messages, rec.stats.messagesDelivered);
    QVERIFY(report->outputsChecked > 150); // responses and frames are outputs and were compared
    auto reader = TraceReader::open(t);
    QVERIFY(reader.has_value());
    QVERIFY((*reader)->info().worldOutputs > 150);
    QCOMPARE((*reader)->info().outputs, uint64_t(1)); // "closed 1": world outputs are not program output
    // Every delivery from outside is linked to the input that queued it, of a
    // kind that queues messages, with the matching request/connection/call id.
    Database& db = (*reader)->database();
    const int64_t outside = db.scalar("SELECT count(*) FROM messages WHERE sender = -1", -1);
    QVERIFY(outside > 100);
    QCOMPARE(db.scalar("SELECT count(*) FROM input_links l JOIN messages m ON m.seq = l.seq JOIN effects e "
                       "ON e.rowid = l.effect WHERE m.sender = -1 AND e.kind IN "
                       "('http_request', 'ws_open', 'ws_text', 'ws_closed', 'call_done', 'timer')", -2),
             outside);
    Statement links = db.prepare("SELECT e.value, m.payload, m.handler FROM input_links l JOIN messages m ON "
                                 "m.seq = l.seq JOIN effects e ON e.rowid = l.effect WHERE e.kind = 'http_request'");
    int requests = 0;
    while (links.step()) {
        auto in = engine::decodeInput(links.columnBlob(0));
        QVERIFY(in.has_value());
        auto payload = decodeRowPayload(links.columnInt(2), links.columnBlob(1));
        QVERIFY(payload.has_value());
        // Request(req): req["id"] is the request's id.
        const PayloadValue& req = payload->items.at(0);
        const auto at = std::find(req.keys.begin(), req.keys.end(), "id") - req.keys.begin();
        QCOMPARE(uint64_t(req.items.at(size_t(at)).i), in->id);
        ++requests;
    }
    QVERIFY(requests > 50);
}

void TestWorldReplay::sameSessionTwiceGivesIdenticalTraces()
{
    const std::string a = path("twice-a.aftrace"), b = path("twice-b.aftrace");
    QVERIFY(recordSession(a, 20).ok);
    QVERIFY(recordSession(b, 20).ok);
    // Everything but the start time is a function of the inputs.
    sql(a, "UPDATE meta SET value = 'x' WHERE key = 'start_time'");
    sql(b, "UPDATE meta SET value = 'x' WHERE key = 'start_time'");
    for (const char* table : {"messages", "outputs", "effects", "checkpoints", "actors", "meta"}) {
        auto ra = TraceReader::open(a);
        auto rb = TraceReader::open(b);
        QVERIFY(ra && rb);
        // Row by row, every column's bytes.
        const std::string order = std::string(table) == "meta" ? " ORDER BY key" : " ORDER BY rowid";
        Statement sa = (*ra)->database().prepare(std::string("SELECT * FROM ") + table + order);
        Statement sb = (*rb)->database().prepare(std::string("SELECT * FROM ") + table + order);
        QVERIFY(sa.valid() && sb.valid());
        size_t rows = 0;
        while (true) {
            const bool na = sa.step(), nb = sb.step();
            QCOMPARE(na, nb);
            if (!na)
                break;
            ++rows;
            for (int c = 0; c < sa.columnCount(); ++c)
                QCOMPARE(sa.columnBlob(c), sb.columnBlob(c));
        }
        QVERIFY2(rows > 0 || std::string(table) == "checkpoints", table);
    }
}

void TestWorldReplay::editedRequestIsCaught()
{
    const std::string t = path("edit-request.aftrace");
    QVERIFY(recordSession(t, 10).ok);
    // The first request's body is replaced (a valid input, different
    // content): replay delivers a different payload and says where.
    int64_t rowid = 0;
    std::string bytes;
    {
        auto reader = TraceReader::open(t);
        QVERIFY(reader.has_value());
        Statement st = (*reader)->database().prepare(
            "SELECT rowid, value FROM effects WHERE kind = 'http_request' ORDER BY rowid LIMIT 1");
        QVERIFY(st.valid() && st.step());
        auto e = engine::decodeInput(st.columnBlob(1));
        QVERIFY(e.has_value());
        e->body = "999999";
        bytes = engine::encodeInput(*e);
        rowid = st.columnInt(0);
    }
    rewrite(t, "effects", "value", rowid, bytes);
    auto report = verify(t);
    QVERIFY(report.has_value());
    QVERIFY(report->divergence.has_value());
    // The answer to that request is the first thing to differ.
    QVERIFY2(report->divergence->what.find("output: recorded respond #1 200") != std::string::npos,
             report->divergence->what.c_str());
    QVERIFY2(report->divergence->what.find("999999") != std::string::npos, report->divergence->what.c_str());
}

void TestWorldReplay::editedResponseIsCaught()
{
    const std::string t = path("edit-response.aftrace");
    QVERIFY(recordSession(t, 10).ok);
    int64_t rowid = 0;
    std::string bytes;
    {
        auto reader = TraceReader::open(t);
        QVERIFY(reader.has_value());
        Statement st = (*reader)->database().prepare(
            "SELECT rowid, text FROM outputs WHERE stream = 3 ORDER BY rowid LIMIT 1");
        QVERIFY(st.valid() && st.step());
        auto o = engine::decodeOutput(st.columnBlob(1));
        QVERIFY(o.has_value());
        QCOMPARE(o->kind, engine::OutputEvent::Kind::Respond);
        o->status = 418;
        bytes = engine::encodeOutput(*o);
        rowid = st.columnInt(0);
    }
    rewrite(t, "outputs", "text", rowid, bytes);
    auto report = verify(t);
    QVERIFY(report.has_value());
    QVERIFY(report->divergence.has_value());
    QVERIFY2(report->divergence->what.find("output: recorded respond #1 418") != std::string::npos,
             report->divergence->what.c_str());
}

void TestWorldReplay::damagedInputIsAClearError()
{
    const std::string t = path("damaged.aftrace");
    QVERIFY(recordSession(t, 5).ok);
    sql(t, "UPDATE effects SET value = x'0105ff' WHERE rowid = (SELECT min(rowid) FROM effects WHERE kind = 'timer')");
    auto report = verify(t);
    QVERIFY(!report.has_value());
    QVERIFY2(report.error().find("damaged timer input") != std::string::npos, report.error().c_str());
    // A row whose kind says one thing and whose bytes another.
    const std::string t2 = path("mislabelled.aftrace");
    QVERIFY(recordSession(t2, 5).ok);
    sql(t2, "UPDATE effects SET kind = 'ws_text' WHERE rowid = (SELECT min(rowid) FROM effects WHERE kind = 'timer')");
    report = verify(t2);
    QVERIFY(!report.has_value());
    QVERIFY2(report.error().find("is recorded as ws_text but holds a timer") != std::string::npos,
             report.error().c_str());
}

void TestWorldReplay::seekThroughCheckpointsWithWorldState()
{
    const std::string t = path("seek.aftrace");
    const auto rec = recordSession(t, 30, 8); // a checkpoint every 8 deliveries
    QVERIFY(rec.ok);
    auto tt = TimeTravel::open(t);
    QVERIFY2(tt.has_value(), tt ? "" : tt.error().c_str());
    auto reader = TraceReader::open(t);
    QVERIFY(reader.has_value());
    QVERIFY((*reader)->info().checkpoints > 5);
    // The state after every delivery, reached by seeking (checkpoint + re-
    // execution with the recorded inputs), has the recorded state hash.
    Statement st = (*reader)->database().prepare("SELECT seq, receiver, state_hash FROM messages ORDER BY seq DESC");
    QVERIFY(st.valid());
    int checked = 0;
    while (st.step()) {
        const uint64_t seq = uint64_t(st.columnInt(0));
        if (seq % 3 != 0)
            continue;
        auto state = (*tt)->stateAt(uint32_t(st.columnInt(1)), seq);
        QVERIFY2(state.has_value(), state ? "" : state.error().c_str());
        QCOMPARE(state->hash, uint64_t(st.columnInt(2)));
        ++checked;
    }
    QVERIFY(checked > 40);
}

QTEST_APPLESS_MAIN(TestWorldReplay)
#include "tst_world_replay.moc"
