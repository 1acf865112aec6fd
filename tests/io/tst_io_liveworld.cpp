// io::LiveWorld against real clients on loopback: curl, python3 (http.client,
// raw sockets, asyncio, websockets) and a second LiveWorld. A thread of the
// test stands in for the engine: it polls, records every input and answers.
// Timing is only ever bounded generously; nothing asserts a duration tighter
// than "well within a few seconds".

#include "IoTestSupport.h"

#include <QtTest>

#include <QDateTime>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <map>
#include <set>
#include <sys/resource.h>

using namespace aeroflow;
using namespace aeroflow::io::testing;

class TestIoLiveWorld : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void clockAndFilesStartNoThread();
    void filesRoundTripAndErrors();
    void listenReportsBoundAddressAndErrors();
    void requestReachesEngineExactly();
    void respondWithStatusAndHeaders();
    void keepAliveServesSeveralRequests();
    void malformedRequestsGet400();
    void oversizedHeaderAndBodyAreRefused();
    void slowHeaderIsCutOff();
    void unansweredRequestGets504();
    void vanishingClientLeavesServerServing();
    void fiveThousandConcurrentConnections();
    void connectionLimitGives503();
    void rateLimitGives429();
    void fullInputQueueRefusesRequests();
    void fullInputQueuePausesWebSocketReads();
    void slowWebSocketReaderIsClosed();
    void webSocketRoundTrip();
    void webSocketBroadcastAndServerClose();
    void outboundCalls();
    void outboundCallErrors();
    void timersFireAndCancel();
    void repeatingTimerDoesNotPileUp();
    void shutdownAnswersInFlightRequests();
    void shutdownGraceGives503AndClosesWebSockets();
    void signalStartsShutdown();
    void destroyWithOpenConnections();
};

void TestIoLiveWorld::initTestCase()
{
    QVERIFY2(!QStandardPaths::findExecutable("curl").isEmpty(), "curl is needed (installer/deps.sh)");
    ClientRun python = runProgram(QStringLiteral(AEROFLOW_IO_PYTHON), { "-c", "import websockets" });
    QVERIFY2(python.exitCode == 0, qPrintable("python3 with websockets is needed: " + python.err));
}

void TestIoLiveWorld::clockAndFilesStartNoThread()
{
    int before = threadCount();
    io::LiveWorld world(quietOptions());
    int64_t now = world.nowMs();
    QVERIFY(std::abs(now - QDateTime::currentMSecsSinceEpoch()) < 5000);
    QTemporaryDir dir;
    std::string path = dir.filePath("a.txt").toStdString();
    QVERIFY(world.writeFile(path, "x").has_value());
    QVERIFY(world.readFile(path).has_value());
    QVERIFY(!world.active());
    QVERIFY(!world.hasInput());
    QCOMPARE(threadCount(), before);
}

void TestIoLiveWorld::filesRoundTripAndErrors()
{
    io::LiveWorldOptions options = quietOptions();
    options.maxFileBytes = 1000;
    io::LiveWorld world(options);
    QTemporaryDir dir;
    std::string path = dir.filePath("data.bin").toStdString();
    std::string bytes("line\n\0binary\xff", 13);
    QVERIFY(world.writeFile(path, bytes).has_value());
    auto back = world.readFile(path);
    QVERIFY2(back.has_value(), back ? "" : back.error().c_str());
    QCOMPARE(*back, bytes);

    auto missing = world.readFile(dir.filePath("missing").toStdString());
    QVERIFY(!missing);
    QVERIFY2(missing.error().find("No such file or directory") != std::string::npos, missing.error().c_str());
    auto directory = world.readFile(dir.path().toStdString());
    QVERIFY(!directory);
    QVERIFY2(directory.error().find("Is a directory") != std::string::npos, directory.error().c_str());
    auto noDir = world.writeFile(dir.filePath("no/such/dir/f").toStdString(), "x");
    QVERIFY(!noDir);
    QVERIFY2(noDir.error().find("cannot write") != std::string::npos, noDir.error().c_str());

    QVERIFY(world.writeFile(path, std::string(1001, 'z')).has_value());
    auto big = world.readFile(path);
    QVERIFY(!big);
    QVERIFY2(big.error().find("larger than the limit of 1000 bytes") != std::string::npos, big.error().c_str());
}

void TestIoLiveWorld::listenReportsBoundAddressAndErrors()
{
    auto lines = std::make_shared<std::vector<std::string>>();
    io::LiveWorld world(quietOptions(lines));
    QVERIFY(!world.active());
    auto bound = world.listen(1, false, "127.0.0.1:0");
    QVERIFY2(bound.has_value(), bound ? "" : bound.error().c_str());
    QVERIFY(bound->starts_with("127.0.0.1:"));
    QVERIFY(portOf(*bound) > 0);
    QVERIFY(world.active());
    QVERIFY(waitUntil([&] { return !lines->empty(); }));
    QCOMPARE(lines->front(), "listening on http://" + *bound);

    auto again = world.listen(2, false, *bound);
    QVERIFY(!again);
    QCOMPARE(again.error(), "cannot listen on " + *bound + ": Address already in use");
    auto bad = world.listen(3, false, "nonsense");
    QVERIFY(!bad);
    QVERIFY2(bad.error().find("expected HOST:PORT") != std::string::npos, bad.error().c_str());
    auto ws = world.listen(4, true, "localhost:0");
    QVERIFY2(ws.has_value(), ws ? "" : ws.error().c_str());
    QVERIFY(waitUntil([&] { return lines->size() >= 2; }));
    QCOMPARE(lines->at(1), "listening on ws://" + *ws);
    auto any = world.listen(5, false, ":0");
    QVERIFY2(any.has_value(), any ? "" : any.error().c_str());
    QVERIFY(any->starts_with("0.0.0.0:"));
}

void TestIoLiveWorld::requestReachesEngineExactly()
{
    io::LiveWorld world(quietOptions());
    auto bound = world.listen(7, false, "127.0.0.1:0");
    QVERIFY(bound);
    uint16_t port = portOf(*bound);
    FakeEngine engine(world, standardHandler);

    ClientRun get = curl({ "-H", "X-Custom: Some Value", url(port, "/a%20b/c?x=1&y=hello+world&z=%26&flag") });
    QCOMPARE(get.out, QStringLiteral("GET /a b/c"));
    QString posted = client("post", port);
    QCOMPARE(posted, QStringLiteral("200 POST /submit"));

    auto inputs = engine.inputs();
    const InputEvent* g = find(inputs, Kind::HttpRequest, "/a b/c");
    QVERIFY(g);
    QCOMPARE(g->server, 7u);
    QCOMPARE(g->method, std::string("GET"));
    engine::Fields query { { "x", "1" }, { "y", "hello world" }, { "z", "&" }, { "flag", "" } };
    QVERIFY(g->query == query);
    QCOMPARE(header(g->headers, "x-custom"), std::string("Some Value"));
    QCOMPARE(header(g->headers, "host"), "127.0.0.1:" + std::to_string(port));
    QVERIFY(g->body.empty());

    const InputEvent* p = find(inputs, Kind::HttpRequest, "/submit");
    QVERIFY(p);
    QCOMPARE(p->method, std::string("POST"));
    QCOMPARE(p->body, std::string("line one\nline two\0end", 21));
    engine::Fields postQuery { { "name", "J\xc3\xbcrgen" }, { "empty", "" } };
    QVERIFY(p->query == postQuery);
    QCOMPARE(header(p->headers, "x-mixed-case"), std::string("Kept Value"));
    QCOMPARE(header(p->headers, "content-length"), std::string("21"));
    QVERIFY(p->id > g->id);
    QCOMPARE(g->id, uint64_t(1));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 2; }));
    QCOMPARE(world.stats().requests, uint64_t(2));
    QCOMPARE(world.stats().responses, uint64_t(2));
}

void TestIoLiveWorld::respondWithStatusAndHeaders()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);

    ClientRun custom = curl({ "-i", url(port, "/custom") });
    QVERIFY2(custom.out.startsWith("HTTP/1.1 201 Created\r\n"), qPrintable(custom.out));
    QVERIFY(custom.out.contains("X-Test: yes\r\n"));
    QVERIFY(custom.out.contains("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"));
    QVERIFY(custom.out.contains("Content-Type: text/plain; charset=utf-8\r\n"));
    QVERIFY(custom.out.contains("Content-Length: 7\r\n"));
    QVERIFY(!custom.out.contains("Bad")); // a header name with a newline is dropped
    QVERIFY(custom.out.endsWith("\r\n\r\ncreated"));
    QRegularExpression date(QStringLiteral("\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d [A-Z][a-z]{2} \\d{4} "
                                           "\\d\\d:\\d\\d:\\d\\d GMT\r\n"));
    QVERIFY2(date.match(custom.out).hasMatch(), qPrintable(custom.out));

    ClientRun hello = curl({ "-i", url(port, "/hello") });
    QCOMPARE(hello.out.count("Content-Type"), 1);
    QVERIFY(hello.out.contains("Content-Type: application/json\r\n"));

    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 2; }));
    auto inputs = engine.inputs();
    const InputEvent* request = find(inputs, Kind::HttpRequest, "/custom");
    QVERIFY(request);
    const InputEvent* done = findDone(inputs, request->id);
    QVERIFY(done);
    QCOMPARE(done->status, 201);
    QVERIFY(done->latencyUs > 0);
}

void TestIoLiveWorld::keepAliveServesSeveralRequests()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QCOMPARE(client("keepalive", port, { "5" }), QStringLiteral("ok 5 head 200 10"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 6; }));
    // Pipelined: two requests in one packet, two answers in order.
    QString pipelined = client("raw", port,
        { "GET /one HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET /two HTTP/1.1\\r\\nHost: x\\r\\n"
          "Connection: close\\r\\n\\r\\n" });
    QCOMPARE(pipelined, QStringLiteral("HTTP/1.1 200 OK"));
    auto inputs = engine.inputs();
    QVERIFY(find(inputs, Kind::HttpRequest, "/one"));
    QVERIFY(find(inputs, Kind::HttpRequest, "/two"));
}

void TestIoLiveWorld::malformedRequestsGet400()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QCOMPARE(client("raw", port, { "GARBAGE\\r\\n\\r\\n" }), QStringLiteral("HTTP/1.1 400 Bad Request"));
    QCOMPARE(client("raw", port, { "GET / HTTP/1.1\\r\\nNo colon here\\r\\n\\r\\n" }),
        QStringLiteral("HTTP/1.1 400 Bad Request"));
    QCOMPARE(client("raw", port, { "GET / HTTP/1.1\\r\\nContent-Length: 12x\\r\\n\\r\\n" }),
        QStringLiteral("HTTP/1.1 400 Bad Request"));
    // The server still works, and none of the above reached the program.
    QCOMPARE(curl({ url(port, "/fine") }).out, QStringLiteral("GET /fine"));
    auto inputs = engine.inputs();
    QCOMPARE(count(inputs, Kind::HttpRequest), std::size_t(1));
    QCOMPARE(world.stats().badRequests, uint64_t(3));
}

void TestIoLiveWorld::oversizedHeaderAndBodyAreRefused()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QCOMPARE(client("bigheader", port, { "16000" }), QStringLiteral("HTTP/1.1 431 Request Header Fields Too Large"));
    QCOMPARE(
        client("bigbody", port, { QString::number(2 * 1024 * 1024) }), QStringLiteral("413 request body too large"));
    // Just under the limits is fine.
    QCOMPARE(client("bigbody", port, { QString::number(1024 * 1024) }), QStringLiteral("200 POST /upload"));
    QCOMPARE(world.stats().rejected, uint64_t(2));
    QCOMPARE(count(engine.inputs(), Kind::HttpRequest), std::size_t(1));
    QCOMPARE(find(engine.inputs(), Kind::HttpRequest)->body.size(), std::size_t(1024 * 1024));
}

void TestIoLiveWorld::slowHeaderIsCutOff()
{
    io::LiveWorldOptions options = quietOptions();
    options.headerTimeoutMs = 300;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    // One header byte every 100 ms for up to 8 s: cut off after ~300 ms.
    QString result = client("slowloris", port, { "100", "8000" });
    QVERIFY2(result.startsWith("closed after"), qPrintable(result));
    QVERIFY2(result.section(' ', 2, 2).toInt() < 5000, qPrintable(result));
    QCOMPARE(count(engine.inputs(), Kind::HttpRequest), std::size_t(0));
}

void TestIoLiveWorld::unansweredRequestGets504()
{
    io::LiveWorldOptions options = quietOptions();
    options.requestTimeoutMs = 300;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    ClientRun run = curl({ "-i", url(port, "/never") });
    QVERIFY2(run.out.startsWith("HTTP/1.1 504 Gateway Timeout"), qPrintable(run.out));
    QVERIFY(run.out.endsWith("gateway timeout"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 1; }));
    auto inputs = engine.inputs();
    const InputEvent* request = find(inputs, Kind::HttpRequest, "/never");
    QVERIFY(request);
    QCOMPARE(findDone(inputs, request->id)->status, 504);
    QCOMPARE(world.stats().timeouts504, uint64_t(1));

    // The program answers too late, and answers an id that never existed: both ignored.
    uint64_t id = request->id;
    engine.post([id](io::LiveWorld& w) {
        w.send(respond(id, 200, "late"));
        w.send(respond(999999, 200, "unknown"));
    });
    QCOMPARE(curl({ url(port, "/after") }).out, QStringLiteral("GET /after"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 2; }));
    QCOMPARE(world.stats().responses, uint64_t(2)); // the 504 and /after
}

void TestIoLiveWorld::vanishingClientLeavesServerServing()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QString vanished = client("vanish", port);
    QVERIFY2(vanished.startsWith("vanished after"), qPrintable(vanished));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::RequestDone) == 1; }));
    auto inputs = engine.inputs();
    const InputEvent* big = find(inputs, Kind::HttpRequest, "/big");
    QVERIFY(big);
    QCOMPARE(findDone(inputs, big->id)->status, 0); // 64 MiB cannot all have been written
    QCOMPARE(curl({ url(port, "/still") }).out, QStringLiteral("GET /still"));
}

void TestIoLiveWorld::fiveThousandConcurrentConnections()
{
    rlimit files{};
    getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_max < 5200)
        QSKIP(qPrintable(QStringLiteral("the hard file descriptor limit (%1) is below 5200").arg(files.rlim_max)));
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QString result = client("many", port, { "5000" }, 90000);
    QCOMPARE(result, QStringLiteral("ok 5000"));
    QCOMPARE(world.stats().requests, uint64_t(5000));
    QCOMPARE(world.stats().rejected, uint64_t(0));
}

void TestIoLiveWorld::connectionLimitGives503()
{
    io::LiveWorldOptions options = quietOptions();
    options.maxConnections = 3;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QCOMPARE(client("conns", port, { "3" }), QStringLiteral("HTTP/1.1 503 Service Unavailable"));
    QCOMPARE(world.stats().rejected, uint64_t(1));
    // Once those three are gone, connections are admitted again.
    QVERIFY(waitUntil([&] { return curl({ url(port, "/again") }).out == "GET /again"; }));
}

void TestIoLiveWorld::rateLimitGives429()
{
    io::LiveWorldOptions options = quietOptions();
    options.maxRequestsPerSecond = 5;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);
    QString result = client("rate", port, { "40" });
    // A burst of 5, then about one more each 200 ms: most of 40 quick requests are refused.
    QRegularExpression shape(QStringLiteral("^200:(\\d+) 429:(\\d+)$"));
    auto match = shape.match(result);
    QVERIFY2(match.hasMatch(), qPrintable(result));
    QVERIFY(match.captured(1).toInt() >= 5);
    QVERIFY(match.captured(2).toInt() >= 10);
    QCOMPARE(world.stats().requests, uint64_t(match.captured(1).toInt()));
}

void TestIoLiveWorld::fullInputQueueRefusesRequests()
{
    io::LiveWorldOptions options = quietOptions();
    options.maxQueuedInputs = 4;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    // This thread is the engine, and it does not poll until the clients are in.
    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(std::make_unique<QProcess>());
        clients.back()->start("curl", { "-s", "-o", "/dev/null", "-w", "%{http_code}", url(port, "/q") });
    }
    auto finished = [&] {
        return std::count_if(
            clients.begin(), clients.end(), [](auto& c) { return c->state() == QProcess::NotRunning; });
    };
    QVERIFY(waitUntil(
        [&] {
            for (auto& c : clients)
                c->waitForFinished(10);
            return finished() == 4;
        },
        20000));
    std::vector<InputEvent> inputs;
    world.poll(inputs, 0);
    QCOMPARE(inputs.size(), std::size_t(4));
    for (const auto& in : inputs) {
        QCOMPARE(in.kind, Kind::HttpRequest);
        world.send(respond(in.id, 200, "served"));
    }
    world.flush();
    std::map<QString, int> codes;
    for (auto& c : clients) {
        QVERIFY(ended(*c));
        ++codes[QString::fromUtf8(c->readAllStandardOutput())];
    }
    QCOMPARE(codes["200"], 4);
    QCOMPARE(codes["503"], 4);
    QCOMPARE(world.stats().rejected, uint64_t(4));
}

void TestIoLiveWorld::fullInputQueuePausesWebSocketReads()
{
    io::LiveWorldOptions options = quietOptions();
    options.maxQueuedInputs = 2;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, true, "127.0.0.1:0"));
    QProcess burst;
    burst.start(
        AEROFLOW_IO_PYTHON, { AEROFLOW_TESTS_DIR "/io/io_clients.py", "ws-burst", QString::number(port), "40" });
    // A slow engine: every poll waits 10 ms first. Reading pauses while two
    // inputs wait, so no batch is ever larger, and nothing is lost.
    std::vector<InputEvent> all;
    std::size_t largestBatch = 0;
    bool answered = false;
    QElapsedTimer timer;
    timer.start();
    while (count(all, Kind::WsClosed) == 0 && timer.elapsed() < 30000) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::vector<InputEvent> batch;
        world.poll(batch, 20);
        largestBatch = std::max(largestBatch, batch.size());
        all.insert(all.end(), batch.begin(), batch.end());
        if (!answered && count(all, Kind::WsText) == 40) {
            answered = true;
            world.send(wsSend(find(all, Kind::WsOpen)->id, "done"));
            world.flush();
        }
    }
    QVERIFY(ended(burst));
    QCOMPARE(QString::fromUtf8(burst.readAllStandardOutput()).trimmed(), QStringLiteral("ok"));
    QVERIFY2(largestBatch <= 2, qPrintable(QString::number(largestBatch)));
    int expected = 0;
    for (const auto& e : all) {
        if (e.kind == Kind::WsText)
            QCOMPARE(e.body, "m" + std::to_string(expected++));
    }
    QCOMPARE(expected, 40);
}

void TestIoLiveWorld::slowWebSocketReaderIsClosed()
{
    auto lines = std::make_shared<std::vector<std::string>>();
    io::LiveWorldOptions options = quietOptions(lines);
    options.wsMaxQueuedBytes = 1024 * 1024;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, true, "127.0.0.1:0"));
    FakeEngine engine(world, [](const InputEvent& in, io::LiveWorld& w) {
        if (in.kind == Kind::WsText && in.body == "flood") {
            for (int i = 0; i < 64; ++i) // 16 MiB in one batch for a client that does not read
                w.send(wsSend(in.id, std::string(256 * 1024, 'f')));
        }
    });
    QCOMPARE(client("ws-stall", port, { "1" }), QStringLiteral("closed"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::WsClosed) == 1; }));
    QVERIFY(world.stats().wsMessagesOut < 64);
    QVERIFY(waitUntil([&] { return lines->size() >= 2; }));
    QVERIFY2(lines->at(1).find("reads too slowly") != std::string::npos, lines->at(1).c_str());
}

void TestIoLiveWorld::webSocketRoundTrip()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(3, true, "127.0.0.1:0"));
    FakeEngine engine(world, [](const InputEvent& in, io::LiveWorld& w) {
        if (in.kind == Kind::WsText)
            w.send(wsSend(in.id, "echo:" + in.body));
    });
    QCOMPARE(client("ws-echo", port), QStringLiteral("ok"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::WsClosed) == 1; }));
    auto inputs = engine.inputs();
    const InputEvent* open = find(inputs, Kind::WsOpen);
    QVERIFY(open);
    QCOMPARE(open->server, 3u);
    QCOMPARE(open->id, uint64_t(1));
    QCOMPARE(open->path, std::string("/chat/room 1"));
    engine::Fields query { { "user", "ann" }, { "tag", "a b" } };
    QVERIFY(open->query == query);
    QCOMPARE(header(open->headers, "x-client"), std::string("Py"));
    QCOMPARE(header(open->headers, "upgrade"), std::string("websocket"));
    QCOMPARE(count(inputs, Kind::WsText), std::size_t(2));
    QCOMPARE(find(inputs, Kind::WsText)->body, std::string("hello"));
    QCOMPARE(count(inputs, Kind::WsClosed), std::size_t(1));
    QCOMPARE(find(inputs, Kind::WsClosed)->id, uint64_t(1));
    QCOMPARE(count(inputs, Kind::HttpRequest), std::size_t(0));
    QCOMPARE(world.stats().wsMessagesIn, uint64_t(2));
    QCOMPARE(world.stats().wsMessagesOut, uint64_t(2));

    // A plain request to a WebSocket server.
    ClientRun plain = curl({ "-i", url(port, "/chat") });
    QVERIFY2(plain.out.startsWith("HTTP/1.1 426 Upgrade Required"), qPrintable(plain.out));
}

void TestIoLiveWorld::webSocketBroadcastAndServerClose()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, true, "127.0.0.1:0"));
    auto open = std::make_shared<std::set<uint64_t>>(); // engine thread only
    FakeEngine engine(world, [open](const InputEvent& in, io::LiveWorld& w) {
        if (in.kind == Kind::WsOpen) {
            open->insert(in.id);
        } else if (in.kind == Kind::WsClosed) {
            open->erase(in.id);
        } else if (in.kind == Kind::WsText && in.body == "join") {
            w.send(wsSend(in.id, "joined"));
        } else if (in.kind == Kind::WsText && in.body.starts_with("broadcast:")) {
            for (uint64_t id : *open)
                w.send(wsSend(id, in.body.substr(10)));
        } else if (in.kind == Kind::WsText && in.body == "close-me") {
            OutputEvent close;
            close.kind = OutputEvent::Kind::WsClose;
            close.id = in.id;
            w.send(close);
        }
    });
    QCOMPARE(client("ws-broadcast", port, { "3" }), QStringLiteral("ok closed 1000"));
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::WsClosed) == 3; }));
    auto inputs = engine.inputs();
    QCOMPARE(count(inputs, Kind::WsOpen), std::size_t(3));
    std::set<uint64_t> closed;
    for (const auto& e : inputs) {
        if (e.kind == Kind::WsClosed)
            closed.insert(e.id);
    }
    QCOMPARE(closed, (std::set<uint64_t> { 1, 2, 3 })); // each exactly once
}

void TestIoLiveWorld::outboundCalls()
{
    io::LiveWorld serverWorld(quietOptions());
    uint16_t port = portOf(*serverWorld.listen(1, false, "127.0.0.1:0"));
    FakeEngine server(serverWorld, [](const InputEvent& in, io::LiveWorld& w) {
        if (in.kind == Kind::HttpRequest)
            w.send(respond(in.id, 202, "pong:" + in.body, { { "X-From", "b" } }));
    });
    io::LiveWorld world(quietOptions());
    FakeEngine engine(world, nullptr);
    QVERIFY(!world.active());
    engine.post([port](io::LiveWorld& w) {
        OutputEvent call;
        call.kind = OutputEvent::Kind::CallStart;
        call.id = 41;
        call.method = "POST";
        call.url = "http://127.0.0.1:" + std::to_string(port) + "/ping?q=a%20b";
        call.headers = { { "X-Trace", "t1" } };
        call.body = "ping";
        w.send(call);
        OutputEvent get = call;
        get.id = 42;
        get.method = "GET";
        get.url = "http://localhost:" + std::to_string(port);
        get.body.clear();
        w.send(get);
    });
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::CallDone) == 2; }));
    auto inputs = engine.inputs();
    for (const auto& done : inputs) {
        if (done.kind != Kind::CallDone)
            continue;
        QVERIFY2(done.status == 202, done.body.c_str());
        QCOMPARE(header(done.headers, "x-from"), std::string("b"));
        QVERIFY(done.latencyUs > 0);
        QCOMPARE(done.body, std::string(done.id == 41 ? "pong:ping" : "pong:"));
    }
    auto seen = server.inputs();
    const InputEvent* ping = find(seen, Kind::HttpRequest, "/ping");
    QVERIFY(ping);
    QCOMPARE(ping->method, std::string("POST"));
    QCOMPARE(ping->body, std::string("ping"));
    QVERIFY(ping->query == (engine::Fields { { "q", "a b" } }));
    QCOMPARE(header(ping->headers, "x-trace"), std::string("t1"));
    QCOMPARE(header(ping->headers, "host"), "127.0.0.1:" + std::to_string(port));
    QVERIFY(find(seen, Kind::HttpRequest, "/"));
    QCOMPARE(world.stats().calls, uint64_t(2));
    QVERIFY(waitUntil([&] { return !world.active(); }));
}

void TestIoLiveWorld::outboundCallErrors()
{
    io::LiveWorldOptions serverOptions = quietOptions();
    serverOptions.requestTimeoutMs = 20000;
    io::LiveWorld serverWorld(serverOptions);
    uint16_t port = portOf(*serverWorld.listen(1, false, "127.0.0.1:0"));
    FakeEngine server(serverWorld, nullptr); // never answers

    // A port nobody listens on: bind one, learn it, close it.
    uint16_t closedPort = 0;
    {
        io::LiveWorld probe(quietOptions());
        closedPort = portOf(*probe.listen(1, false, "127.0.0.1:0"));
    }
    io::LiveWorldOptions options = quietOptions();
    options.callTimeoutMs = 300;
    io::LiveWorld world(options);
    FakeEngine engine(world, nullptr);
    engine.post([&](io::LiveWorld& w) {
        auto start = [&](uint64_t id, std::string url) {
            OutputEvent call;
            call.kind = OutputEvent::Kind::CallStart;
            call.id = id;
            call.method = "GET";
            call.url = std::move(url);
            w.send(call);
        };
        start(1, "http://127.0.0.1:" + std::to_string(closedPort) + "/");
        start(2, "http://127.0.0.1:" + std::to_string(port) + "/never");
        start(3, "https://127.0.0.1/");
        start(4, "not a url");
    });
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::CallDone) == 4; }));
    std::map<uint64_t, std::string> errors;
    for (const auto& e : engine.inputs()) {
        if (e.kind == Kind::CallDone) {
            QCOMPARE(e.status, 0);
            errors[e.id] = e.body;
        }
    }
    QCOMPARE(errors[1], std::string("connection refused"));
    QCOMPARE(errors[2], std::string("timeout after 300 ms"));
    QCOMPARE(errors[3], std::string("unsupported URL scheme 'https'"));
    QCOMPARE(errors[4], std::string("invalid URL 'not a url'"));
    QVERIFY(waitUntil([&] { return !world.active(); }));
}

void TestIoLiveWorld::timersFireAndCancel()
{
    io::LiveWorld world(quietOptions());
    FakeEngine engine(world, nullptr);
    engine.post([](io::LiveWorld& w) {
        OutputEvent once;
        once.kind = OutputEvent::Kind::TimerStart;
        once.id = 1;
        once.ms = 30;
        w.send(once);
        OutputEvent every = once;
        every.id = 2;
        every.ms = 20;
        every.repeat = true;
        w.send(every);
    });
    auto timers = [](const std::vector<InputEvent>& in, uint64_t id) {
        return std::size_t(
            std::count_if(in.begin(), in.end(), [&](const auto& e) { return e.kind == Kind::Timer && e.id == id; }));
    };
    QVERIFY(engine.waitFor([&](const auto& in) { return timers(in, 1) == 1 && timers(in, 2) >= 4; }));
    QVERIFY(world.active()); // the repeating timer
    engine.post([](io::LiveWorld& w) {
        OutputEvent cancel;
        cancel.kind = OutputEvent::Kind::TimerCancel;
        cancel.id = 2;
        w.send(cancel);
    });
    QVERIFY(waitUntil([&] { return !world.active(); }));
    std::size_t fired = timers(engine.inputs(), 2);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    QCOMPARE(timers(engine.inputs(), 2), fired);
    QCOMPARE(timers(engine.inputs(), 1), std::size_t(1));
}

void TestIoLiveWorld::repeatingTimerDoesNotPileUp()
{
    io::LiveWorld world(quietOptions());
    OutputEvent every;
    every.kind = OutputEvent::Kind::TimerStart;
    every.id = 7;
    every.ms = 10;
    every.repeat = true;
    world.send(every);
    world.flush();
    // A slow program: ~30 periods pass without a poll.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::vector<InputEvent> inputs;
    world.poll(inputs, 0);
    QCOMPARE(inputs.size(), std::size_t(1));
    QCOMPARE(inputs[0].kind, Kind::Timer);
    QCOMPARE(inputs[0].id, uint64_t(7));
    // Taken: the next period fires again.
    inputs.clear();
    for (int i = 0; i < 100 && inputs.empty(); ++i)
        world.poll(inputs, 50);
    QCOMPARE(inputs.size(), std::size_t(1));
    QCOMPARE(inputs[0].kind, Kind::Timer);
}

void TestIoLiveWorld::shutdownAnswersInFlightRequests()
{
    io::LiveWorld world(quietOptions());
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    auto held = std::make_shared<std::vector<uint64_t>>(); // engine thread only
    FakeEngine engine(world, [held](const InputEvent& in, io::LiveWorld& w) {
        if (in.kind == Kind::HttpRequest) {
            held->push_back(in.id); // answered only once the shutdown starts
        } else if (in.kind == Kind::Shutdown) {
            for (uint64_t id : *held)
                w.send(respond(id, 200, "drained"));
            OutputEvent timer; // too late: ignored, and active() does not hang on it
            timer.kind = OutputEvent::Kind::TimerStart;
            timer.id = 5;
            timer.ms = 10;
            w.send(timer);
        }
    });
    std::vector<std::unique_ptr<QProcess>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<QProcess>());
        clients.back()->start("curl", { "-sS", url(port, "/slow") });
    }
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::HttpRequest) == 3; }));
    world.requestShutdown();
    for (auto& c : clients) {
        QVERIFY(ended(*c));
        QCOMPARE(QString::fromUtf8(c->readAllStandardOutput()), QStringLiteral("drained"));
    }
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::Halt) == 1; }));
    QVERIFY(waitUntil([&] { return !world.active(); }));
    auto inputs = engine.inputs();
    QCOMPARE(inputs.back().kind, Kind::Halt);
    auto shutdownAt
        = std::find_if(inputs.begin(), inputs.end(), [](const auto& e) { return e.kind == Kind::Shutdown; });
    QVERIFY(shutdownAt != inputs.end());
    QCOMPARE(std::count_if(shutdownAt, inputs.end(),
                 [](const auto& e) { return e.kind == Kind::RequestDone && e.status == 200; }),
        std::ptrdiff_t(3));
    QCOMPARE(count(inputs, Kind::Timer), std::size_t(0));
    // Not accepting any more.
    ClientRun refused = curl({ url(port, "/late") });
    QCOMPARE(refused.exitCode, 7); // curl: failed to connect
}

void TestIoLiveWorld::shutdownGraceGives503AndClosesWebSockets()
{
    io::LiveWorldOptions options = quietOptions();
    options.shutdownGraceMs = 300;
    io::LiveWorld world(options);
    uint16_t port = portOf(*world.listen(1, false, "127.0.0.1:0"));
    uint16_t wsPort = portOf(*world.listen(2, true, "127.0.0.1:0"));
    FakeEngine engine(world, standardHandler);

    QProcess slow;
    slow.start("curl", { "-sS", "-i", url(port, "/never") });
    QProcess ws;
    ws.start(AEROFLOW_IO_PYTHON, { AEROFLOW_TESTS_DIR "/io/io_clients.py", "ws-wait-close", QString::number(wsPort) });
    QVERIFY(engine.waitFor(
        [](const auto& in) { return count(in, Kind::HttpRequest) == 1 && count(in, Kind::WsText) == 1; }));
    // A call in flight ends with the shutdown.
    engine.post([port](io::LiveWorld& w) {
        OutputEvent call;
        call.kind = OutputEvent::Kind::CallStart;
        call.id = 9;
        call.url = "http://127.0.0.1:" + std::to_string(port) + "/never";
        w.send(call);
    });
    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::HttpRequest) == 2; }));
    world.requestShutdown();

    QVERIFY(ended(slow));
    QString answer = QString::fromUtf8(slow.readAllStandardOutput());
    QVERIFY2(answer.startsWith("HTTP/1.1 503 Service Unavailable"), qPrintable(answer));
    QVERIFY(answer.contains("Connection: close"));
    QVERIFY(ended(ws));
    QCOMPARE(QString::fromUtf8(ws.readAllStandardOutput()).trimmed(), QStringLiteral("closed 1001"));

    QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::Halt) == 1; }));
    QVERIFY(waitUntil([&] { return !world.active(); }));
    auto inputs = engine.inputs();
    auto at = [&](Kind kind) {
        return std::find_if(inputs.begin(), inputs.end(), [&](const auto& e) { return e.kind == kind; })
            - inputs.begin();
    };
    QVERIFY(at(Kind::Shutdown) < at(Kind::WsClosed));
    QVERIFY(at(Kind::WsClosed) < at(Kind::Halt));
    QCOMPARE(inputs.back().kind, Kind::Halt);
    const InputEvent* call = find(inputs, Kind::CallDone);
    QVERIFY(call);
    QCOMPARE(call->status, 0);
    QCOMPARE(call->body, std::string("shutting down"));
    // curl's request got the 503; the call's own request (its client gone) is done too.
    QCOMPARE(count(inputs, Kind::RequestDone), std::size_t(2));
    for (const auto& e : inputs) {
        if (e.kind == Kind::HttpRequest && header(e.headers, "user-agent").starts_with("curl"))
            QCOMPARE(findDone(inputs, e.id)->status, 503);
    }
}

void TestIoLiveWorld::signalStartsShutdown()
{
    QProcess echo;
    echo.start(AEROFLOW_IO_ECHO, { "--signals" });
    QVERIFY(echo.waitForStarted(10000));
    QByteArray out;
    QVERIFY(waitUntil([&] {
        echo.waitForReadyRead(50);
        out += echo.readAllStandardOutput();
        return out.contains("listening on http://");
    }));
    QString line = QString::fromUtf8(out).section("http://", 1).trimmed();
    uint16_t port = uint16_t(line.section(':', -1).toInt());
    QCOMPARE(curl({ url(port, "/") }).out, QStringLiteral(R"({"message":"Hello, World!"})"));
    echo.terminate(); // SIGTERM
    QVERIFY(ended(echo));
    out += echo.readAllStandardOutput();
    QCOMPARE(echo.exitStatus(), QProcess::NormalExit);
    QCOMPARE(echo.exitCode(), 0);
    QVERIFY2(out.contains("SIGTERM: shutting down\nshutdown\nhalt\n"), out.constData());
}

void TestIoLiveWorld::destroyWithOpenConnections()
{
    QProcess waiting;
    QProcess holding;
    uint16_t port = 0;
    {
        io::LiveWorld world(quietOptions());
        port = portOf(*world.listen(1, false, "127.0.0.1:0"));
        uint16_t wsPort = portOf(*world.listen(2, true, "127.0.0.1:0"));
        FakeEngine engine(world, standardHandler);
        waiting.start("curl", { "-sS", url(port, "/never") });
        holding.start(
            AEROFLOW_IO_PYTHON, { AEROFLOW_TESTS_DIR "/io/io_clients.py", "ws-hold", QString::number(wsPort), "20" });
        QVERIFY(engine.waitFor(
            [](const auto& in) { return count(in, Kind::HttpRequest) == 1 && count(in, Kind::WsText) == 1; }));
        engine.post([](io::LiveWorld& w) {
            OutputEvent timer;
            timer.kind = OutputEvent::Kind::TimerStart;
            timer.id = 1;
            timer.ms = 10;
            timer.repeat = true;
            w.send(timer);
        });
        QVERIFY(engine.waitFor([](const auto& in) { return count(in, Kind::Timer) >= 1; }));
        engine.stop();
    } // no shutdown: the destructor alone closes everything
    QVERIFY(ended(waiting));
    QVERIFY(waiting.exitCode() != 0); // the connection closed under it
    QVERIFY(ended(holding));
    QCOMPARE(QString::fromUtf8(holding.readAllStandardOutput()).trimmed(), QStringLiteral("closed"));
    QCOMPARE(curl({ url(port, "/") }).exitCode, 7);
}

QTEST_GUILESS_MAIN(TestIoLiveWorld)
#include "tst_io_liveworld.moc"
