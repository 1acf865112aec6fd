// debugger::TraceWorld, the typed queries over a run's traffic with the
// outside world: every answer is checked against plain SQL on the same
// trace; damaged and forged rows give errors, never crashes; a trace
// recorded before input_links reads without deliveries.

#include "../timeline/lanes/WorldSessionSupport.h"

#include "Sqlite.h"
#include "TraceReader.h"
#include "TraceWorld.h"

#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace aeroflow;
using namespace aeroflow::debugger;
using engine::InputEvent;
using engine::OutputEvent;

namespace {

const char* kWorldKinds
    = "('http_request', 'ws_open', 'ws_text', 'ws_closed', 'call_done', 'timer', 'request_done', 'shutdown', 'halt')";

int64_t scalar(const std::string& trace, const std::string& sql)
{
    Database db;
    if (!db.open(trace, Database::Mode::ReadOnly))
        return -1;
    return db.scalar(sql, -1);
}

bool exec(const std::string& trace, const std::string& sql)
{
    Database db;
    return db.open(trace, Database::Mode::ReadWriteCreate) && db.exec(sql);
}

struct Opened {
    std::unique_ptr<TraceReader> reader;
    std::unique_ptr<TraceWorld> world;
};

Opened openWorld(const std::string& trace)
{
    Opened o;
    auto r = TraceReader::open(trace);
    if (!r)
        return o;
    o.reader = std::move(*r);
    auto w = TraceWorld::open(*o.reader);
    if (w)
        o.world = std::move(*w);
    return o;
}

WorldReadOptions all()
{
    WorldReadOptions o;
    o.maxRows = 1'000'000;
    o.maxDecodeBytes = 1 << 20;
    return o;
}

} // namespace

class TestTraceWorld : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void inputsMatchTheTable();
    void ticksAndDeliveriesFollowTheLinks();
    void tickRangesAndCaps();
    void outputsMatchTheTable();
    void exchangesPairRequestsWithResponses();
    void bodiesAreBounded();
    void navigationAndSampling();
    void damagedRowsAreErrors();
    void forgedLinksAndPositionsAreRejected();
    void oldTraceWithoutLinks();
    void traceWithoutWorld();

private:
    QTemporaryDir m_dir;
    std::string m_trace;
    std::string copy(const char* name)
    {
        const std::string to = (m_dir.path() + "/" + name).toStdString();
        QFile::remove(QString::fromStdString(to));
        return QFile::copy(QString::fromStdString(m_trace), QString::fromStdString(to)) ? to : std::string();
    }
};

void TestTraceWorld::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_trace = (m_dir.path() + "/world.aftrace").toStdString();
    const auto rec = worldtest::recordSession(m_trace);
    QVERIFY2(rec.ok, rec.error.c_str());
    QCOMPARE(rec.stats.exitCode, 0);
    // The session has what the suite relies on.
    QVERIFY(scalar(m_trace, "SELECT count(*) FROM effects WHERE kind = 'http_request'") > 30);
    QVERIFY(scalar(m_trace, "SELECT count(*) FROM effects WHERE kind = 'request_done'") > 30);
    QVERIFY(scalar(m_trace, "SELECT count(*) FROM input_links") > 30);
}

void TestTraceWorld::inputsMatchTheTable()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    QVERIFY(o.world->hasWorld());
    QVERIFY(o.world->hasLinks());
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY2(page.has_value(), page ? "" : page.error().c_str());
    QVERIFY(!page->truncated);
    QCOMPARE(int64_t(page->rows.size()),
             scalar(m_trace, std::string("SELECT count(*) FROM effects WHERE kind IN ") + kWorldKinds));
    // Row by row: rowid, seq, kind and the decoded event equal the table's.
    Statement st = o.reader->database().prepare(std::string("SELECT rowid, seq, kind, value FROM effects WHERE kind IN ") +
                                                kWorldKinds + " ORDER BY rowid");
    size_t i = 0;
    while (st.step()) {
        const WorldInput& in = page->rows.at(i++);
        QCOMPARE(in.effectRow, uint64_t(st.columnInt(0)));
        QCOMPARE(in.seq, uint64_t(st.columnInt(1)));
        QVERIFY2(in.error.empty(), in.error.c_str());
        QCOMPARE(std::string(engine::inputKindName(in.event.kind)), st.columnText(2));
        auto e = engine::decodeInput(st.columnBlob(3));
        QVERIFY(e.has_value());
        QCOMPARE(in.event.id, e->id);
        QCOMPARE(in.event.path, e->path);
        QCOMPARE(in.bodyBytes, uint64_t(e->body.size()));
        QVERIFY(in.event.body.empty()); // bodyLimit 0
    }
    QCOMPARE(i, page->rows.size());
    // Single rows read the same; other effects are not inputs.
    auto one = o.world->input(page->rows[5].effectRow, WorldReadOptions{1, 64, 1 << 20});
    QVERIFY(one && *one);
    QCOMPARE((*one)->seq, page->rows[5].seq);
    QCOMPARE((*one)->tick, page->rows[5].tick);
    QCOMPARE((*one)->deliveredSeq, page->rows[5].deliveredSeq);
    const int64_t listen = scalar(m_trace, "SELECT min(rowid) FROM effects WHERE kind = 'listen'");
    QVERIFY(listen > 0);
    auto notInput = o.world->input(uint64_t(listen));
    QVERIFY(notInput && !*notInput);
    auto none = o.world->input(1'000'000'000);
    QVERIFY(none && !*none);
}

void TestTraceWorld::ticksAndDeliveriesFollowTheLinks()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    std::map<uint64_t, uint64_t> linkOf; // effect -> delivery, from SQL
    Statement st = o.reader->database().prepare("SELECT effect, seq FROM input_links");
    while (st.step())
        linkOf[uint64_t(st.columnInt(0))] = uint64_t(st.columnInt(1));
    size_t delivered = 0;
    for (const WorldInput& in : page->rows) {
        // Stamped at the tick after the delivery it followed.
        const int64_t before = in.seq == 0 ? 0
                                           : scalar(m_trace, "SELECT tick FROM messages WHERE seq = " +
                                                                 std::to_string(in.seq));
        QCOMPARE(int64_t(in.tick), before + 1);
        auto it = linkOf.find(in.effectRow);
        if (it == linkOf.end()) {
            QVERIFY(!in.deliveredSeq);
            continue;
        }
        QVERIFY2(in.deliveredSeq.has_value(), std::to_string(in.effectRow).c_str());
        QCOMPARE(*in.deliveredSeq, it->second);
        // The delivery comes from outside at the input's tick.
        QCOMPARE(scalar(m_trace, "SELECT sender FROM messages WHERE seq = " + std::to_string(it->second)), int64_t(-1));
        QCOMPARE(scalar(m_trace, "SELECT tick FROM messages WHERE seq = " + std::to_string(it->second)),
                 int64_t(in.tick));
        auto back = o.world->inputOfDelivery(it->second);
        QVERIFY(back && *back);
        QCOMPARE(**back, in.effectRow);
        ++delivered;
    }
    QCOMPARE(delivered, linkOf.size());
    QVERIFY(delivered > 50);
    // Kinds that queue nothing have no delivery.
    for (const WorldInput& in : page->rows)
        if (in.event.kind == InputEvent::Kind::RequestDone || in.event.kind == InputEvent::Kind::Shutdown)
            QVERIFY(!in.deliveredSeq);
    // A delivery that was not from outside has no input.
    const int64_t inner = scalar(m_trace, "SELECT min(seq) FROM messages WHERE sender >= 0");
    auto noInput = o.world->inputOfDelivery(uint64_t(inner));
    QVERIFY(noInput && !*noInput);
}

void TestTraceWorld::tickRangesAndCaps()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    auto everything = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(everything.has_value());
    const uint64_t finalTick = o.reader->info().finalTick;
    for (uint64_t t0 : {uint64_t(0), uint64_t(1), finalTick / 3, finalTick / 2})
        for (uint64_t len : {uint64_t(0), uint64_t(1), uint64_t(7), finalTick}) {
            const uint64_t t1 = t0 + len;
            auto page = o.world->inputsInTicks(t0, t1, all());
            QVERIFY(page.has_value());
            size_t expected = 0;
            for (const WorldInput& in : everything->rows)
                expected += in.tick >= t0 && in.tick <= t1;
            QCOMPARE(page->rows.size(), expected);
            for (const WorldInput& in : page->rows)
                QVERIFY(in.tick >= t0 && in.tick <= t1);
            auto outs = o.world->outputsInTicks(t0, t1, all());
            QVERIFY(outs.has_value());
            const int64_t n = scalar(m_trace, "SELECT count(*) FROM outputs o WHERE stream = 3 AND "
                                              "coalesce((SELECT tick FROM messages m WHERE m.seq = o.seq), 0) "
                                              "BETWEEN " + std::to_string(t0) + " AND " + std::to_string(t1));
            QCOMPARE(int64_t(outs->rows.size()), n);
        }
    // A cap returns the first rows and says so.
    WorldReadOptions few;
    few.maxRows = 7;
    auto capped = o.world->inputs(0, o.world->lastSeq(), few);
    QVERIFY(capped.has_value());
    QCOMPARE(capped->rows.size(), size_t(7));
    QVERIFY(capped->truncated);
    for (size_t i = 0; i < 7; ++i)
        QCOMPARE(capped->rows[i].effectRow, everything->rows[i].effectRow);
    // Empty and reversed ranges.
    auto empty = o.world->inputs(10, 5);
    QVERIFY(empty && empty->rows.empty());
    auto past = o.world->inputsInTicks(finalTick + 10, finalTick + 20);
    QVERIFY(past && past->rows.empty());
}

void TestTraceWorld::outputsMatchTheTable()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    auto page = o.world->outputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    QCOMPARE(int64_t(page->rows.size()), scalar(m_trace, "SELECT count(*) FROM outputs WHERE stream = 3"));
    QCOMPARE(uint64_t(page->rows.size()), o.reader->info().worldOutputs);
    std::map<OutputEvent::Kind, int> kinds;
    for (const WorldOutput& out : page->rows) {
        QVERIFY2(out.error.empty(), out.error.c_str());
        ++kinds[out.event.kind];
        const int64_t tick
            = out.seq == 0 ? 0 : scalar(m_trace, "SELECT tick FROM messages WHERE seq = " + std::to_string(out.seq));
        QCOMPARE(int64_t(out.tick), tick);
    }
    QVERIFY(kinds[OutputEvent::Kind::Respond] > 30);
    QVERIFY(kinds[OutputEvent::Kind::WsSend] > 5);
    QVERIFY(kinds[OutputEvent::Kind::CallStart] > 5);
    QVERIFY(kinds[OutputEvent::Kind::TimerStart] >= 1);
    // Program output (stream 0) is no world output.
    const int64_t printed = scalar(m_trace, "SELECT min(rowid) FROM outputs WHERE stream = 0");
    QVERIFY(printed > 0);
    auto notWorld = o.world->output(uint64_t(printed));
    QVERIFY(notWorld && !*notWorld);
}

void TestTraceWorld::exchangesPairRequestsWithResponses()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    int answered = 0, timedOut = 0, vanished = 0, failedCalls = 0;
    for (const WorldInput& in : page->rows) {
        if (in.event.kind != InputEvent::Kind::HttpRequest)
            continue;
        WorldReadOptions details;
        details.bodyLimit = 4096;
        details.maxDecodeBytes = 16 << 20;
        auto x = o.world->exchange(in.effectRow, details);
        QVERIFY2(x.has_value(), x ? "" : x.error().c_str());
        QVERIFY(x->has_value());
        const HttpExchange& e = **x;
        QCOMPARE(e.request.effectRow, in.effectRow);
        QCOMPARE(e.request.deliveredSeq, in.deliveredSeq);
        QVERIFY(e.request.deliveredSeq.has_value());
        QVERIFY(!e.searchCut);
        QVERIFY(e.done.has_value()); // the scripted world finishes every request
        QCOMPARE(e.done->event.id, in.event.id);
        QVERIFY(e.done->effectRow > in.effectRow);
        QCOMPARE(e.latencyUs(), std::optional<uint64_t>(e.done->event.latencyUs));
        if (e.response) {
            QCOMPARE(e.response->event.id, in.event.id);
            QCOMPARE(e.response->event.kind, OutputEvent::Kind::Respond);
            QVERIFY(e.response->seq >= in.seq);
            // SQL: the response is the one stream-3 row that decodes to it.
            QCOMPARE(scalar(m_trace, "SELECT stream FROM outputs WHERE rowid = " + std::to_string(e.response->row)),
                     int64_t(3));
            ++answered;
            if (e.response->event.status == 502)
                ++failedCalls;
            // From the response back to the same exchange.
            auto back = o.world->exchangeOfResponse(e.response->row, details);
            QVERIFY(back && *back);
            QCOMPARE((*back)->request.effectRow, in.effectRow);
        }
        if (e.statusSent() == 504) {
            QVERIFY(!e.response);
            ++timedOut;
        }
        if (e.statusSent() == 0) {
            QVERIFY(e.response.has_value());
            QCOMPARE(in.event.id, uint64_t(3));
            ++vanished;
        }
    }
    QVERIFY(answered > 30);
    QCOMPARE(timedOut, 1);
    QCOMPARE(vanished, 1);
    QVERIFY(failedCalls >= 1);
    // Not a request: no exchange.
    for (const WorldInput& in : page->rows)
        if (in.event.kind == InputEvent::Kind::WsText) {
            auto x = o.world->exchange(in.effectRow);
            QVERIFY(x && !*x);
            break;
        }
}

void TestTraceWorld::bodiesAreBounded()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    const int64_t big = scalar(m_trace, "SELECT rowid FROM effects WHERE kind = 'http_request' AND length(value) > "
                                        "200000");
    QVERIFY(big > 0);
    // Over the size limit: not decoded, but still known for what it is.
    WorldReadOptions small;
    small.maxDecodeBytes = 64 * 1024;
    auto unread = o.world->input(uint64_t(big), small);
    QVERIFY(unread && *unread);
    QCOMPARE((*unread)->event.kind, InputEvent::Kind::HttpRequest);
    QVERIFY((*unread)->unread);
    QVERIFY((*unread)->error.find("too large") != std::string::npos);
    QVERIFY((*unread)->rowBytes > 300'000);
    // A details read keeps the first bytes and the full size.
    WorldReadOptions details;
    details.bodyLimit = 1000;
    auto full = o.world->input(uint64_t(big), details);
    QVERIFY(full && *full);
    QVERIFY((*full)->error.empty());
    QVERIFY(!(*full)->unread);
    QCOMPARE((*full)->bodyBytes, uint64_t(300'000));
    QCOMPARE((*full)->event.body.size(), size_t(1000));
    QCOMPARE((*full)->event.path, std::string("/balance"));
    // A range read spends its budget for large rows and leaves the rest unread.
    WorldReadOptions budget = all();
    auto page = o.world->inputs(0, o.world->lastSeq(), budget);
    QVERIFY(page.has_value());
    auto find = [&](const WorldPage<WorldInput>& p) {
        return std::find_if(p.rows.begin(), p.rows.end(), [&](const WorldInput& in) { return in.effectRow == uint64_t(big); });
    };
    QVERIFY(find(*page) != page->rows.end() && !find(*page)->unread);
    budget.decodeBudget = 1000;
    page = o.world->inputs(0, o.world->lastSeq(), budget);
    QVERIFY(page.has_value());
    QVERIFY(find(*page)->unread);
    for (const WorldInput& in : page->rows)
        QCOMPARE(in.unread, in.effectRow == uint64_t(big)); // small rows come with the scan
}

void TestTraceWorld::navigationAndSampling()
{
    auto o = openWorld(m_trace);
    QVERIFY(o.world);
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    // Stepping visits every input in order, both ways.
    std::vector<uint64_t> forward, backward;
    for (auto r = o.world->stepInput(0, true); r && *r; r = o.world->stepInput(**r, true))
        forward.push_back(**r);
    QCOMPARE(forward.size(), page->rows.size());
    for (size_t i = 0; i < forward.size(); ++i)
        QCOMPARE(forward[i], page->rows[i].effectRow);
    for (auto r = o.world->stepInput(forward.back() + 1, false); r && *r; r = o.world->stepInput(**r, false))
        backward.push_back(**r);
    std::reverse(backward.begin(), backward.end());
    QCOMPARE(backward, forward);
    // Without request_done: every other input, in order.
    std::vector<uint64_t> shown, expectedShown;
    for (auto r = o.world->stepInput(0, true, false); r && *r; r = o.world->stepInput(**r, true, false))
        shown.push_back(**r);
    for (const WorldInput& in : page->rows)
        if (in.event.kind != InputEvent::Kind::RequestDone)
            expectedShown.push_back(in.effectRow);
    QCOMPARE(shown, expectedShown);
    auto outs = o.world->outputs(0, o.world->lastSeq(), all());
    QVERIFY(outs.has_value());
    size_t n = 0;
    for (auto r = o.world->stepOutput(0, true); r && *r; r = o.world->stepOutput(**r, true))
        QCOMPARE(**r, outs->rows.at(n++).row);
    QCOMPARE(n, outs->rows.size());
    // Near a position: the first input after it / the last at or before it.
    const WorldInput& mid = page->rows[page->rows.size() / 2];
    auto after = o.world->inputNearSeq(mid.seq, true);
    QVERIFY(after && *after);
    QVERIFY(**after <= mid.effectRow);
    auto it = std::find_if(page->rows.begin(), page->rows.end(), [&](const WorldInput& in) { return in.seq >= mid.seq; });
    QCOMPARE(**after, it->effectRow);
    auto before = o.world->inputNearSeq(mid.seq, false);
    QVERIFY(before && *before);
    auto last = std::find_if(page->rows.rbegin(), page->rows.rend(), [&](const WorldInput& in) { return in.seq <= mid.seq; });
    QCOMPARE(**before, last->effectRow);
    // Spans and samples: only world rows, with the ticks of full reads.
    auto span = o.world->inputSpan(0, o.world->lastSeq());
    QVERIFY(span.has_value());
    QCOMPARE(int64_t(span->size()), scalar(m_trace, "SELECT count(*) FROM effects"));
    auto samples = o.world->sampleInputs(*span, 100);
    QVERIFY(samples.has_value());
    QVERIFY(samples->size() > 20 && samples->size() <= 100);
    std::map<uint64_t, uint64_t> tickOf;
    for (const WorldInput& in : page->rows)
        tickOf[in.effectRow] = in.tick;
    for (const WorldSample& s : *samples) {
        QVERIFY(tickOf.count(s.row));
        QCOMPARE(s.tick, tickOf[s.row]);
        QVERIFY(s.kind >= 1 && s.kind <= 9);
    }
    auto outSpan = o.world->outputSpan(0, o.world->lastSeq());
    QVERIFY(outSpan.has_value());
    auto outSamples = o.world->sampleOutputs(*outSpan, 10'000'000); // capped, not allocated by the ask
    QVERIFY(outSamples.has_value());
    QCOMPARE(outSamples->size(), outs->rows.size());
}

void TestTraceWorld::damagedRowsAreErrors()
{
    const std::string t = copy("damaged.aftrace");
    QVERIFY(!t.empty());
    const int64_t req = scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'http_request'");
    const int64_t timer = scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'timer'");
    const int64_t respond = scalar(t, "SELECT min(rowid) FROM outputs WHERE stream = 3");
    QVERIFY(req > 0 && timer > 0 && respond > 0);
    // Truncated bytes, a kind that disagrees with the bytes, a text value, a
    // count larger than the data, garbage in an output.
    QVERIFY(exec(t, "UPDATE effects SET value = x'0101ff' WHERE rowid = " + std::to_string(req)));
    QVERIFY(exec(t, "UPDATE effects SET kind = 'ws_text' WHERE rowid = " + std::to_string(timer)));
    QVERIFY(exec(t, "UPDATE effects SET value = 'hello' WHERE rowid = (SELECT min(rowid) FROM effects WHERE kind = "
                    "'ws_open')"));
    QVERIFY(exec(t, "UPDATE effects SET value = x'01070000000000000000ffffffff0f' WHERE rowid = (SELECT min(rowid) "
                    "FROM effects WHERE kind = 'request_done')"));
    QVERIFY(exec(t, "UPDATE outputs SET text = x'01ff' WHERE rowid = " + std::to_string(respond)));
    auto o = openWorld(t);
    QVERIFY(o.world);
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    int damaged = 0;
    for (const WorldInput& in : page->rows)
        if (!in.error.empty()) {
            ++damaged;
            QVERIFY(in.tick >= 1);
        }
    QCOMPARE(damaged, 4);
    auto r = o.world->input(uint64_t(req));
    QVERIFY(r && *r);
    QVERIFY2((*r)->error.find("damaged http_request input") != std::string::npos, (*r)->error.c_str());
    QCOMPARE((*r)->event.kind, InputEvent::Kind::HttpRequest);
    auto x = o.world->exchange(uint64_t(req));
    QVERIFY(x && *x); // the request alone: it has no id to pair by
    QVERIFY(!(*x)->response && !(*x)->done);
    auto m = o.world->input(uint64_t(timer));
    QVERIFY(m && *m);
    QVERIFY2((*m)->error.find("recorded as ws_text but holds a timer") != std::string::npos, (*m)->error.c_str());
    auto out = o.world->output(uint64_t(respond));
    QVERIFY(out && *out);
    QVERIFY2((*out)->error.find("damaged output") != std::string::npos, (*out)->error.c_str());
    QVERIFY(o.world->outputs(0, o.world->lastSeq(), all()).has_value());
    auto none = o.world->exchangeOfResponse(uint64_t(respond));
    QVERIFY(none && !*none);
}

void TestTraceWorld::forgedLinksAndPositionsAreRejected()
{
    const std::string t = copy("forged.aftrace");
    QVERIFY(!t.empty());
    const int64_t outside = scalar(t, "SELECT max(seq) FROM input_links");
    const int64_t early = scalar(t, "SELECT min(seq) FROM input_links");
    const int64_t inner = scalar(t, "SELECT min(seq) FROM messages WHERE sender >= 0 AND seq > " + std::to_string(early));
    const int64_t listen = scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'listen'");
    const int64_t lastReq = scalar(t, "SELECT max(rowid) FROM effects WHERE kind = 'http_request'");
    QVERIFY(outside > 0);
    QVERIFY(inner > 0);
    QVERIFY(listen > 0);
    QVERIFY(lastReq > 0);
    // A link to an effect far past the table, a link to a non-input effect, a
    // link from a delivery that did not come from outside, an input placed
    // past the end of the run, a huge forged seq, a row with a huge rowid.
    QVERIFY(exec(t, "UPDATE input_links SET effect = 9000000000000 WHERE seq = " + std::to_string(outside)));
    QVERIFY(exec(t, "UPDATE input_links SET effect = " + std::to_string(listen) + " WHERE seq = " + std::to_string(early)));
    QVERIFY(exec(t, "INSERT OR REPLACE INTO input_links(seq, effect) VALUES (" + std::to_string(inner) + ", " +
                        std::to_string(lastReq) + ")"));
    QVERIFY(exec(t, "UPDATE effects SET seq = 9223372036854775000 WHERE rowid = " + std::to_string(lastReq)));
    QVERIFY(exec(t, "INSERT INTO effects(rowid, seq, kind, value) VALUES (4611686018427387904, 5, 'timer', x'0106')"));
    QVERIFY(exec(t, "INSERT INTO outputs(rowid, seq, stream, text) VALUES (4611686018427387904, -7, 3, x'0101')"));
    auto o = openWorld(t);
    QVERIFY(o.world);
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY2(page.has_value(), page ? "" : page.error().c_str());
    for (const WorldInput& in : page->rows) {
        QVERIFY(in.seq <= o.world->lastSeq());
        if (in.deliveredSeq) {
            QVERIFY(*in.deliveredSeq > in.seq && *in.deliveredSeq <= o.world->lastSeq());
            QVERIFY(*in.deliveredSeq != uint64_t(inner));
        }
    }
    auto link = o.world->inputOfDelivery(uint64_t(outside));
    QVERIFY(link && !*link);
    auto toListen = o.world->inputOfDelivery(uint64_t(early));
    QVERIFY(toListen && !*toListen);
    auto past = o.world->input(uint64_t(lastReq));
    QVERIFY(past && *past);
    QVERIFY2((*past)->error.find("past the last one") != std::string::npos, (*past)->error.c_str());
    QVERIFY((*past)->seq <= o.world->lastSeq());
    auto innerIn = o.world->inputOfDelivery(uint64_t(inner));
    QVERIFY(innerIn.has_value()); // linked but the input is past the delivery: not its input
    QVERIFY(!*innerIn);
    // The far rowids are read like any other row, bounded.
    auto far = o.world->input(4611686018427387904ull);
    QVERIFY(far && *far);
    QVERIFY(!(*far)->error.empty());
    auto farOut = o.world->output(4611686018427387904ull);
    QVERIFY(farOut && *farOut);
    QVERIFY(!(*farOut)->error.empty());
    auto steps = o.world->stepInput(0, true);
    QVERIFY(steps.has_value());
    auto outs = o.world->outputs(0, o.world->lastSeq(), all());
    QVERIFY(outs.has_value());
    auto samples = o.world->sampleInputs(WorldSpan{1, 4611686018427387905ull, 500}, 500);
    QVERIFY(samples.has_value());
}

void TestTraceWorld::oldTraceWithoutLinks()
{
    const std::string t = copy("old.aftrace");
    QVERIFY(!t.empty());
    QVERIFY(exec(t, "DROP TABLE input_links"));
    auto o = openWorld(t);
    QVERIFY(o.world);
    QVERIFY(!o.world->hasLinks());
    QVERIFY(o.world->hasWorld());
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page.has_value());
    QVERIFY(page->rows.size() > 50);
    for (const WorldInput& in : page->rows)
        QVERIFY(!in.deliveredSeq);
    const int64_t outside = scalar(t, "SELECT min(seq) FROM messages WHERE sender = -1");
    auto link = o.world->inputOfDelivery(uint64_t(outside));
    QVERIFY(link && !*link);
    // Exchanges still pair by request id.
    const int64_t req = scalar(t, "SELECT min(rowid) FROM effects WHERE kind = 'http_request'");
    auto x = o.world->exchange(uint64_t(req));
    QVERIFY(x && *x);
    QVERIFY((*x)->response.has_value());
    QVERIFY(!(*x)->request.deliveredSeq);
}

void TestTraceWorld::traceWithoutWorld()
{
    const std::string t = (m_dir.path() + "/plain.aftrace").toStdString();
    const auto rec = tracetest::record("plain.aefl", tracetest::generateProgram(3), t);
    QVERIFY2(rec.ok, rec.error.c_str());
    auto o = openWorld(t);
    QVERIFY(o.world);
    QVERIFY(!o.world->hasWorld());
    auto page = o.world->inputs(0, o.world->lastSeq(), all());
    QVERIFY(page && page->rows.empty());
    auto outs = o.world->outputs(0, o.world->lastSeq(), all());
    QVERIFY(outs && outs->rows.empty());
    auto step = o.world->stepInput(0, true);
    QVERIFY(step && !*step);
}

QTEST_APPLESS_MAIN(TestTraceWorld)
#include "tst_trace_world.moc"
