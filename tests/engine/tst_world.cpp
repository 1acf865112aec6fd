// The engine's side of the outside world (Outside.h, WorldBridge): requests
// become Request(req) messages and responses outputs; crashes answer 500;
// WebSocket events, outbound calls (in actors and in main), real-time timers,
// the clock and files; shutdown; snapshots that hold the world's state; the
// recorded encoding of events. A scripted world stands in for the network
// (the real one is tested in tests/io and tests/services).

#include "Compiler.h"
#include "Scheduler.h"
#include "Snapshot.h"

#include "ScriptedWorld.h"
#include "WorldProbe.h"

#include <QDir>

#include <QtTest>

using namespace aeroflow;
using engine::InputEvent;
using engine::OutputEvent;
using tests::ScriptedWorld;

namespace {

struct Collect final : engine::RunObserver {
    std::vector<std::pair<std::string, std::string>> effects;
    std::vector<std::string> world; ///< encoded outputs
    int idles = 0;
    void onEffect(uint64_t, std::string_view kind, std::string_view value) override
    {
        effects.emplace_back(std::string(kind), std::string(value));
    }
    void onOutput(uint64_t, engine::Stream s, std::string_view text) override
    {
        if (s == engine::Stream::World)
            world.emplace_back(text);
    }
    void onIdle() override { ++idles; }
};

struct Run {
    std::string out, err;
    engine::RunStats stats;
};

std::shared_ptr<const compiler::Program> compile(const char* source)
{
    auto r = compiler::compile("t.aefl", source, {true, false});
    if (!r.ok())
        qWarning("%s", r.formatDiagnostics().c_str());
    return r.program;
}

Run run(const char* source, ScriptedWorld& world, engine::RunOptions opt = {}, engine::RunObserver* observer = nullptr)
{
    Run out;
    auto program = compile(source);
    if (!program)
        return out;
    opt.world = &world;
    opt.observer = observer;
    opt.recordDeliveries = true;
    out.stats = engine::runProgram(program, std::move(opt), [&](engine::Stream s, std::string_view t) {
        (s == engine::Stream::Output ? out.out : out.err).append(t);
    });
    return out;
}

const char* kApi = R"(
import net.http
actor Api {
    state hits = 0
    on Request(req) {
        hits = hits + 1
        if req["path"] == "/boom" { let x = [1][5] }
        if req["path"] == "/later" { send(self, Later(req)); return }
        if req["path"] == "/json" { respond(req, 201, {"hits": hits, "q": req["query"]["a"]}); return }
        respond(req, 200, req["method"] + " " + req["path"] + " " + req["body"] + " " + req["headers"]["x-n"],
                {"x-hits": hits})
    }
    on Later(req) { respond(req, 202, "later") }
}
let addr = net.http.serve("127.0.0.1:0", spawn(Api))
print("serving", addr)
)";

InputEvent halt() { return ScriptedWorld::simple(InputEvent::Kind::Halt); }

} // namespace

class TestWorld : public QObject {
    Q_OBJECT
private slots:
    void requestsBecomeMessagesAndResponses();
    void crashAnswers500AndTheServerGoesOn();
    void lateAndDoubleAnswersAreDropped();
    void stoppedHandlerGets503();
    void openRequestsAtTheEndGet503();
    void inputsThatDeliverNothingKeepTheRunWaiting();
    void webSocketEvents();
    void callsFromActorsAndFromMain();
    void callWithoutHandlerIsAClearError();
    void timersFireCancelAndStop();
    void clockAndFilesAreRecordedEffects();
    void haltEndsAServingRunCleanly();
    void servingLiftsTheMessageLimit();
    void noWorldIsAClearError();
    void listenFailureIsARuntimeError();
    void snapshotKeepsTheWorldState();
    void eventEncodingRoundTripsAndRejectsDamage();
    void fuzzCorpusReplays();
    void namesFromOutsideStayStrings();
};

void TestWorld::requestsBecomeMessagesAndResponses()
{
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 7, "POST", "/a", "hi", {}, {{"x-n", "1"}, {"x-n", "2"}})});
    w.script.push_back({ScriptedWorld::request(1, 8, "GET", "/json", "", {{"a", "b"}}),
                        ScriptedWorld::request(1, 9, "GET", "/later")});
    w.script.push_back({halt()});
    Collect c;
    const Run r = run(kApi, w, {}, &c);
    QCOMPARE(r.stats.exitCode, 0);
    QCOMPARE(r.out, std::string("serving 127.0.0.1:40001\n"));
    const auto responses = w.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(responses.size(), size_t(3));
    QCOMPARE(responses[0].id, uint64_t(7));
    QCOMPARE(responses[0].status, 200);
    QCOMPARE(responses[0].body, std::string("POST /a hi 1, 2")); // repeated headers are joined
    QCOMPARE(responses[0].headers, (engine::Fields{{"x-hits", "1"}}));
    QCOMPARE(responses[1].id, uint64_t(8));
    QCOMPARE(responses[1].status, 201);
    QCOMPARE(responses[1].body, std::string(R"({"hits":2,"q":"b"})"));
    QCOMPARE(responses[1].headers, (engine::Fields{{"content-type", "application/json"}}));
    QCOMPARE(responses[2].id, uint64_t(9));
    QCOMPARE(responses[2].status, 202);
    // Requests arrive from outside at the next tick; the answers are outputs.
    QCOMPARE(r.stats.deliveries.size(), size_t(4));
    QCOMPARE(r.stats.deliveries[0].sender, engine::kOutsideSender);
    QCOMPARE(c.world.size(), size_t(3));
    // Every input was recorded: the listen answer, three requests, the halt.
    std::vector<std::string> kinds;
    for (const auto& [k, v] : c.effects)
        kinds.push_back(k);
    QCOMPARE(kinds, (std::vector<std::string>{"listen", "http_request", "http_request", "http_request", "halt"}));
}

void TestWorld::crashAnswers500AndTheServerGoesOn()
{
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/boom")});
    w.script.push_back({ScriptedWorld::request(1, 2, "GET", "/after", "", {}, {{"x-n", "1"}})});
    w.script.push_back({halt()});
    const Run r = run(kApi, w);
    const auto responses = w.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(responses.size(), size_t(2));
    QCOMPARE(responses[0].status, 500);
    QCOMPARE(responses[0].body, std::string("internal server error")); // no internals
    // The crashed handler was restarted with fresh state: the next request is
    // served (its hit counter starts again).
    QCOMPARE(responses[1].status, 200);
    QCOMPARE(responses[1].headers, (engine::Fields{{"x-hits", "1"}}));
    QVERIFY2(r.err.find("the handler Api#1 of http://127.0.0.1:40001 crashed; it is restarted as Api#2") !=
                 std::string::npos,
             r.err.c_str());
    QVERIFY(r.err.find("index 5 out of range") != std::string::npos || r.err.find("runtime error") != std::string::npos);
    QCOMPARE(r.stats.exitCode, 0);
}

void TestWorld::lateAndDoubleAnswersAreDropped()
{
    const char* src = R"(
import net.http
actor Api {
    on Request(req) { respond(req, 200, "a"); respond(req, 200, "b") }
}
net.http.serve("127.0.0.1:0", spawn(Api))
)";
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/")});
    w.script.push_back({halt()});
    const Run r = run(src, w);
    QCOMPARE(w.sentOf(OutputEvent::Kind::Respond).size(), size_t(1));
    QVERIFY2(r.err.find("request 1 is not waiting for an answer") != std::string::npos, r.err.c_str());
}

void TestWorld::stoppedHandlerGets503()
{
    const char* src = R"(
import net.http
actor Api {
    on Request(req) { respond(req, 200, "ok"); stop() }
}
net.http.serve("127.0.0.1:0", spawn(Api))
)";
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/")});
    w.script.push_back({ScriptedWorld::request(1, 2, "GET", "/")});
    w.script.push_back({halt()});
    run(src, w);
    const auto responses = w.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(responses.size(), size_t(2));
    QCOMPARE(responses[0].status, 200);
    QCOMPARE(responses[1].status, 503);
}

void TestWorld::openRequestsAtTheEndGet503()
{
    const char* src = R"(
import net.http
actor Api {
    state held = []
    on Request(req) { held.push(req) }
}
net.http.serve("127.0.0.1:0", spawn(Api))
)";
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/"), ScriptedWorld::request(1, 2, "GET", "/")});
    // The world finished request 2 itself (a 504 after its timeout).
    InputEvent done = ScriptedWorld::simple(InputEvent::Kind::RequestDone, 2);
    done.status = 504;
    w.script.push_back({done});
    w.script.push_back({halt()});
    run(src, w);
    const auto responses = w.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(responses.size(), size_t(1));
    QCOMPARE(responses[0].id, uint64_t(1));
    QCOMPARE(responses[0].status, 503);
}

void TestWorld::inputsThatDeliverNothingKeepTheRunWaiting()
{
    // Regression: a RequestDone arriving alone while the run was idle ended
    // the run (exit 0) instead of waiting for the next request.
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/a")});
    InputEvent done = ScriptedWorld::simple(InputEvent::Kind::RequestDone, 1);
    done.status = 200;
    w.script.push_back({done});
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Timer, 42)}); // no such timer
    w.script.push_back({ScriptedWorld::request(1, 2, "GET", "/b")});
    w.script.push_back({halt()});
    run(kApi, w);
    QCOMPARE(w.sentOf(OutputEvent::Kind::Respond).size(), size_t(2));
}

void TestWorld::webSocketEvents()
{
    const char* src = R"(
import net.ws
actor Room {
    state players = []
    on Open(conn, info) { players.push(conn); print("open", conn, info["path"]) }
    on Text(conn, data) {
        for p in players { ws.send(p, str(conn) + ":" + data) }
        if data == "bye" { ws.close(conn) }
    }
    on Closed(conn) {
        mut rest = []
        for p in players { if p != conn { rest.push(p) } }
        players = rest
        print("closed", conn, len(players))
    }
}
net.ws.serve("127.0.0.1:0", spawn(Room))
)";
    ScriptedWorld w;
    InputEvent open1 = ScriptedWorld::simple(InputEvent::Kind::WsOpen, 1, 1);
    open1.path = "/room";
    InputEvent open2 = ScriptedWorld::simple(InputEvent::Kind::WsOpen, 2, 1);
    open2.path = "/room";
    w.script.push_back({open1, open2});
    w.script.push_back({ScriptedWorld::text(1, "hello")});
    w.script.push_back({ScriptedWorld::text(2, "bye")});
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::WsClosed, 2)});
    w.script.push_back({ScriptedWorld::text(2, "ghost")}); // after close: ignored
    w.script.push_back({halt()});
    const Run r = run(src, w);
    QCOMPARE(r.out, std::string("open 1 /room\nopen 2 /room\nclosed 2 1\n"));
    const auto sends = w.sentOf(OutputEvent::Kind::WsSend);
    QCOMPARE(sends.size(), size_t(4));
    QCOMPARE(sends[0].id, uint64_t(1));
    QCOMPARE(sends[0].body, std::string("1:hello"));
    QCOMPARE(sends[1].id, uint64_t(2));
    QCOMPARE(sends[3].body, std::string("2:bye"));
    QCOMPARE(w.sentOf(OutputEvent::Kind::WsClose).size(), size_t(1));
}

void TestWorld::callsFromActorsAndFromMain()
{
    const char* src = R"(
import http
actor Agg {
    on Go uses http {
        let a = http.get("http://127.0.0.1:9/a")
        let b = http.post("http://127.0.0.1:9/b", {"x": 1})
        print("calls", a, b)
    }
    on HttpResponse(call, result) {
        match result {
            Ok(r) => print("call", call, r["status"], r["body"], r["headers"]["content-type"])
            Err(e) => print("call", call, "failed:", e)
        }
    }
}
let first = http.get("http://127.0.0.1:9/first")
print("main got", first)
send(spawn(Agg), Go)
)";
    ScriptedWorld w;
    // Answer each call when it has been seen, in the order they started.
    size_t answered = 0;
    w.onPoll = [&](ScriptedWorld& self) {
        const auto calls = self.sentOf(OutputEvent::Kind::CallStart);
        while (answered < calls.size()) {
            const auto& c = calls[answered++];
            if (c.url.ends_with("/b"))
                self.script.push_back({ScriptedWorld::callDone(c.id, 0, "connection refused")});
            else
                self.script.push_back({ScriptedWorld::callDone(c.id, 200, c.method + " " + c.url)});
        }
        if (answered == 3 && self.script.empty()) {
            self.script.push_back({halt()});
            self.onPoll = nullptr;
        }
    };
    const Run r = run(src, w);
    QCOMPARE(r.stats.exitCode, 0);
    QCOMPARE(r.out, std::string("main got Ok({status: 200, headers: {\"content-type\": \"text/plain\"}, "
                                "body: \"GET http://127.0.0.1:9/first\"})\n"
                                "calls 2 3\n"
                                "call 2 200 GET http://127.0.0.1:9/a text/plain\n"
                                "call 3 failed: connection refused\n"));
    const auto calls = w.sentOf(OutputEvent::Kind::CallStart);
    QCOMPARE(calls[2].method, std::string("POST"));
    QCOMPARE(calls[2].body, std::string(R"({"x":1})"));
    QCOMPARE(calls[2].headers, (engine::Fields{{"content-type", "application/json"}}));
}

void TestWorld::callWithoutHandlerIsAClearError()
{
    const char* src = R"(
import http
actor A { on Go uses http { http.get("http://127.0.0.1:9/") } }
send(spawn(A), Go)
)";
    ScriptedWorld w;
    const Run r = run(src, w);
    QVERIFY2(r.err.find("add a handler 'on HttpResponse(call, result)' to actor A") != std::string::npos, r.err.c_str());
    QVERIFY(w.sentOf(OutputEvent::Kind::CallStart).empty());
}

void TestWorld::timersFireCancelAndStop()
{
    const char* src = R"(
actor Game {
    state ticks = 0
    state timer = 0
    on Start uses clock { timer = every(16, self, Tick) }
    on Tick uses clock {
        ticks = ticks + 1
        print("tick", ticks)
        if ticks == 3 { print("cancel", cancel_timer(timer), cancel_timer(timer)) }
    }
}
send(spawn(Game), Start)
)";
    ScriptedWorld w;
    auto fire = [] { return ScriptedWorld::simple(InputEvent::Kind::Timer, 1); };
    w.script.push_back({fire()});
    w.script.push_back({fire()});
    w.script.push_back({fire()});
    w.script.push_back({fire()}); // already cancelled: nothing happens
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Timer, 99)}); // unknown timer
    w.script.push_back({halt()});
    const Run r = run(src, w);
    QCOMPARE(r.out, std::string("tick 1\ntick 2\ntick 3\ncancel true false\n"));
    const auto starts = w.sentOf(OutputEvent::Kind::TimerStart);
    QCOMPARE(starts.size(), size_t(1));
    QCOMPARE(starts[0].ms, uint64_t(16));
    QVERIFY(starts[0].repeat);
    QCOMPARE(w.sentOf(OutputEvent::Kind::TimerCancel).size(), size_t(1));
}

void TestWorld::clockAndFilesAreRecordedEffects()
{
    const char* src = R"(
import fs
actor Log {
    on Save(text) uses io, clock {
        print(fs.write("log.txt", text + " at " + str(now())))
        print(fs.read("log.txt"), fs.read("missing.txt"))
    }
}
send(spawn(Log), Save("hello"))
)";
    ScriptedWorld w;
    Collect c;
    const Run r = run(src, w, {}, &c);
    const std::string at = std::to_string(1'700'000'000'016);
    QCOMPARE(r.out, "Ok(nil)\nOk(\"hello at " + at + "\") Err(\"cannot read 'missing.txt': No such file or directory\")\n");
    QCOMPARE(c.effects.size(), size_t(4));
    QCOMPARE(c.effects[0], (std::pair<std::string, std::string>{"now", at}));
    QCOMPARE(c.effects[1], (std::pair<std::string, std::string>{"fs.write:log.txt", "ok"}));
    QCOMPARE(c.effects[2].first, std::string("fs.read:log.txt"));
    QCOMPARE(c.effects[2].second, "ok hello at " + at);
    QCOMPARE(c.effects[3].second, std::string("err cannot read 'missing.txt': No such file or directory"));
}

void TestWorld::haltEndsAServingRunCleanly()
{
    // A self-sustaining loop would never end on its own; the world's Halt
    // (after SIGTERM and draining) ends it with exit 0 and no deadlock report.
    const char* src = R"(
import net.http
actor Api {
    on Request(req) { respond(req, 200, "ok") }
    on Spin { send(self, Spin) }
}
let a = spawn(Api)
net.http.serve("127.0.0.1:0", a)
send(a, Spin)
let v = recv()
)";
    ScriptedWorld w;
    w.eager = true; // the queue is never empty: inputs arrive between deliveries
    w.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Shutdown)});
    w.script.push_back({halt()});
    const Run r = run(src, w);
    QCOMPARE(r.stats.exitCode, 0);
    QVERIFY2(r.err.find("deadlock") == std::string::npos, r.err.c_str());
    QVERIFY(r.stats.messagesDelivered >= 1);
}

void TestWorld::servingLiftsTheMessageLimit()
{
    const char* src = R"(
import net.http
actor Api { on Request(req) { respond(req, 200, "ok") } }
net.http.serve("127.0.0.1:0", spawn(Api))
)";
    auto requests = [] {
        std::vector<InputEvent> group;
        for (uint64_t i = 1; i <= 20; ++i)
            group.push_back(ScriptedWorld::request(1, i, "GET", "/"));
        return group;
    };
    engine::RunOptions opt;
    opt.maxMessages = 5;
    {
        ScriptedWorld w;
        w.script.push_back(requests());
        w.script.push_back({halt()});
        const Run r = run(src, w, opt);
        QCOMPARE(r.stats.exitCode, 0);
        QCOMPARE(r.stats.messagesDelivered, uint64_t(20));
    }
    opt.servingLiftsMessageLimit = false; // `--max-messages` given: it holds
    {
        ScriptedWorld w;
        w.script.push_back(requests());
        w.script.push_back({halt()});
        const Run r = run(src, w, opt);
        QCOMPARE(r.stats.exitCode, 1);
        QCOMPARE(r.stats.messagesDelivered, uint64_t(5));
        QVERIFY(r.err.find("message limit of 5") != std::string::npos);
    }
}

void TestWorld::noWorldIsAClearError()
{
    auto program = compile(kApi);
    QVERIFY(program);
    std::string err;
    const auto stats = engine::runProgram(program, {}, [&](engine::Stream s, std::string_view t) {
        if (s != engine::Stream::Output)
            err.append(t);
    });
    QCOMPARE(stats.exitCode, 1);
    QVERIFY2(err.find("net.http.serve() needs the outside world") != std::string::npos, err.c_str());
}

void TestWorld::listenFailureIsARuntimeError()
{
    ScriptedWorld w;
    w.listenError = "cannot listen on 127.0.0.1:80: Permission denied";
    const Run r = run(kApi, w);
    QCOMPARE(r.stats.exitCode, 1);
    QVERIFY2(r.err.find("net.http.serve(): cannot listen on 127.0.0.1:80: Permission denied") != std::string::npos,
             r.err.c_str());
}

void TestWorld::snapshotKeepsTheWorldState()
{
    const char* src = R"(
import net.http
actor Api {
    state held = []
    on Request(req) {
        held.push(req)
        if len(held) == 2 { for r in held { respond(r, 200, "both") } ; held = [] }
    }
    on Arm uses clock { every(100, self, Beat) }
    on Beat { print("beat") }
}
let a = spawn(Api)
net.http.serve("127.0.0.1:0", a)
send(a, Arm)
)";
    auto program = compile(src);
    QVERIFY(program);
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 1, "GET", "/x")});
    engine::RunOptions opt;
    opt.world = &w;
    std::string out;
    engine::OutputFn sink = [&](engine::Stream s, std::string_view t) {
        if (s == engine::Stream::Output)
            out.append(t);
    };
    engine::Scheduler s(program, opt, sink);
    s.start();
    while (s.delivered() < 2 && s.step()) {
    }
    QCOMPARE(s.delivered(), uint64_t(2)); // Arm and the first request: request 1 is held
    const std::string image = engine::saveSnapshot(s, {false, {}});
    QCOMPARE(engine::readSnapshotInfo(image).value().version, uint32_t(4));

    // Restored with a fresh scripted world, the run goes on as the original
    // would have: the timer fires, the second request completes the pair.
    auto continueWith = [&](engine::Scheduler& sched, ScriptedWorld& world) {
        world.script.push_back({ScriptedWorld::simple(InputEvent::Kind::Timer, 1)});
        world.script.push_back({ScriptedWorld::request(1, 2, "GET", "/y")});
        world.script.push_back({halt()});
        while (sched.step()) {
        }
        return sched.finish();
    };
    ScriptedWorld w2;
    engine::RunOptions opt2;
    opt2.world = &w2;
    std::string out2;
    auto restored = engine::restoreSnapshot(image, program, opt2, [&](engine::Stream st, std::string_view t) {
        if (st == engine::Stream::Output)
            out2.append(t);
    });
    QVERIFY2(restored.has_value(), restored ? "" : restored.error().c_str());
    QCOMPARE(engine::saveSnapshot(**restored, {false, {}}), image);
    continueWith(**restored, w2);
    continueWith(s, w);
    QCOMPARE(out2, out);
    QCOMPARE(out, std::string("beat\n"));
    const auto r1 = w.sentOf(OutputEvent::Kind::Respond);
    const auto r2 = w2.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(r2.size(), size_t(2));
    QCOMPARE(r1.size(), r2.size());
    QCOMPARE(r2[0].id, uint64_t(1));
    QCOMPARE(r2[1].id, uint64_t(2));
}

void TestWorld::eventEncodingRoundTripsAndRejectsDamage()
{
    InputEvent e = ScriptedWorld::request(3, 123456789, "PUT", "/a b", std::string("x\0y", 3), {{"q", "1"}},
                                          {{"host", "h"}});
    e.status = -5;
    e.latencyUs = 777;
    const std::string bytes = engine::encodeInput(e);
    auto back = engine::decodeInput(bytes);
    QVERIFY(back.has_value());
    QCOMPARE(engine::encodeInput(*back), bytes);
    QCOMPARE(back->body, e.body);
    QCOMPARE(back->status, -5);
    // Every truncation and a trailing byte are errors, never crashes.
    for (size_t n = 0; n < bytes.size(); ++n)
        QVERIFY(!engine::decodeInput(bytes.substr(0, n)).has_value());
    QVERIFY(!engine::decodeInput(bytes + "x").has_value());
    std::string huge = bytes;
    huge[huge.size() - 1 - 0] = char(0xff); // a length/count running off the end
    QVERIFY(!engine::decodeInput(huge).has_value() || engine::encodeInput(*engine::decodeInput(huge)) == huge);

    OutputEvent o;
    o.kind = OutputEvent::Kind::TimerStart;
    o.id = 5;
    o.ms = 16;
    o.repeat = true;
    o.headers = {{"a", "b"}};
    const std::string ob = engine::encodeOutput(o);
    auto ob2 = engine::decodeOutput(ob);
    QVERIFY(ob2.has_value());
    QCOMPARE(engine::encodeOutput(*ob2), ob);
    for (size_t n = 0; n < ob.size(); ++n)
        QVERIFY(!engine::decodeOutput(ob.substr(0, n)).has_value());
    QCOMPARE(std::string(engine::inputKindName(InputEvent::Kind::CallDone)), std::string("call_done"));
    QVERIFY(engine::inputKindFromName("http_request") == InputEvent::Kind::HttpRequest);
    QVERIFY(!engine::inputKindFromName("env:HOME"));
}

void TestWorld::fuzzCorpusReplays()
{
    // The outside-world fuzzer's corpus (and its regression finds) through
    // its own probe: recorded inputs, mutated, into a running service.
    QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/engine/world-corpus"));
    const QStringList files = dir.entryList(QDir::Files);
    QVERIFY(files.size() >= 10);
    for (const QString& f : files) {
        QFile file(dir.filePath(f));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        tests::probeWorldInputs(std::string_view(bytes.constData(), size_t(bytes.size())));
    }
    // A non-canonical number (0 written in two bytes) is refused.
    const std::string canonical = engine::encodeInput(ScriptedWorld::simple(InputEvent::Kind::Timer, 0));
    std::string longer = canonical;
    longer.replace(2, 1, std::string("\x80\x00", 2)); // the server field
    QVERIFY(engine::decodeInput(canonical).has_value());
    QVERIFY(!engine::decodeInput(longer).has_value());
}

void TestWorld::namesFromOutsideStayStrings()
{
    // A query name of raw bytes that reads like an int key's encoding
    // (0xFF 'i' and 8 bytes) is still the string it was: map keys from
    // outside go through MapKey.
    const char* api = R"(
import net.http
actor Api {
    on Request(req) {
        for k, v in req["query"] { respond(req, 200, type_of(k) + " " + v + " " + str(req["query"].has(k))) }
    }
}
let addr = net.http.serve("127.0.0.1:0", spawn(Api))
)";
    const std::string name = std::string("\xff" "i") + std::string("\x01\0\0\0\0\0\0\0", 8);
    ScriptedWorld w;
    w.script.push_back({ScriptedWorld::request(1, 7, "GET", "/q", "", {{name, "v"}})});
    w.script.push_back({halt()});
    const Run r = run(api, w, {});
    QCOMPARE(r.stats.exitCode, 0);
    const auto responses = w.sentOf(OutputEvent::Kind::Respond);
    QCOMPARE(responses.size(), size_t(1));
    QCOMPARE(responses[0].body, std::string("string v true"));
}

QTEST_APPLESS_MAIN(TestWorld)
#include "tst_world.moc"
