// Services on loopback, driven by real clients (curl, python3 http.client and
// raw sockets, python3 websockets): the examples answer correctly, their
// recorded sessions replay and verify with no network, re-recordings are
// identical; bad traffic (malformed, oversized, slowloris, vanishing clients,
// 5,000 connections, crashing handlers, SIGTERM and kill -9 under load) never
// reaches the program or takes the service down.

#include "Outside.h"
#include "Sqlite.h"
#include "TraceReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

using namespace aeroflow;

namespace {

const QString kBin = QStringLiteral(AEROFLOW_BIN);
const QString kRoot = QStringLiteral(AEROFLOW_SOURCE_DIR);
const QString kPython = QStringLiteral("/usr/bin/python3");

QString example(const char* rel) { return kRoot + "/resources/examples/services/" + rel; }
QString traffic() { return kRoot + "/tests/services/traffic.py"; }

/// One `aeroflow run` child serving on a free port.
class Service {
public:
    ~Service()
    {
        if (m_p.state() != QProcess::NotRunning) {
            m_p.kill();
            m_p.waitForFinished(5000);
        }
    }
    /// Starts `aeroflow run FILE ARGS` and waits for its "listening on" line.
    bool start(const QString& file, QStringList args = {}, QStringList env = {})
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("AEROFLOW_PORT", "0");
        for (const QString& kv : env)
            e.insert(kv.section('=', 0, 0), kv.section('=', 1));
        m_p.setProcessEnvironment(e);
        m_p.start(kBin, QStringList{"run", file} + args);
        if (!m_p.waitForStarted(10000))
            return false;
        static const QRegularExpression re(QStringLiteral("listening on (?:http|ws)://(\\S+)"));
        for (int i = 0; i < 300; ++i) {
            m_p.waitForReadyRead(100);
            m_err += QString::fromUtf8(m_p.readAllStandardError());
            const auto m = re.match(m_err);
            if (m.hasMatch()) {
                m_address = m.captured(1);
                return true;
            }
            if (m_p.state() == QProcess::NotRunning)
                return false;
        }
        return false;
    }
    const QString& address() const { return m_address; }
    QString url(const QString& path) const { return "http://" + m_address + path; }
    /// Sends `sig` and waits for the exit; returns the exit status (-1: no exit).
    int stop(int sig = SIGTERM)
    {
        ::kill(pid_t(m_p.processId()), sig);
        if (!m_p.waitForFinished(30000))
            return -1;
        m_err += QString::fromUtf8(m_p.readAllStandardError());
        return m_p.exitStatus() == QProcess::NormalExit ? m_p.exitCode() : -1;
    }
    bool running() const { return m_p.state() == QProcess::Running; }
    QString err()
    {
        m_err += QString::fromUtf8(m_p.readAllStandardError());
        return m_err;
    }

private:
    QProcess m_p;
    QString m_err, m_address;
};

struct Result {
    int exit = -1;
    QString out, err;
};

Result run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

/// Runs a traffic.py subcommand; its JSON report.
QJsonObject drive(const QStringList& args)
{
    const Result r = run(kPython, QStringList{traffic()} + args);
    const QStringList lines = r.out.trimmed().split('\n');
    if (r.exit != 0 || lines.isEmpty())
        qWarning("traffic.py %s failed (%d): %s", qPrintable(args.join(' ')), r.exit, qPrintable(r.err));
    return QJsonDocument::fromJson(lines.last().toUtf8()).object();
}

QString curl(const QString& url, const QStringList& extra = {})
{
    return run("curl", QStringList{"-s", "-m", "10"} + extra + QStringList{url}).out;
}

Result cli(const QStringList& args) { return run(kBin, args); }

/// The recorded inputs of one kind, decoded.
std::vector<engine::InputEvent> inputs(const std::string& trace, const char* kind)
{
    std::vector<engine::InputEvent> out;
    auto reader = debugger::TraceReader::open(trace);
    if (!reader)
        return out;
    debugger::Statement st = (*reader)->database().prepare(
        std::string("SELECT value FROM effects WHERE kind = '") + kind + "' ORDER BY rowid");
    while (st.valid() && st.step())
        if (auto e = engine::decodeInput(st.columnBlob(0)))
            out.push_back(std::move(*e));
    return out;
}

/// Every row of every recorded table, compared column by column.
bool sameTables(const std::string& a, const std::string& b, QString& why)
{
    auto ra = debugger::TraceReader::open(a);
    auto rb = debugger::TraceReader::open(b);
    if (!ra || !rb) {
        why = "cannot open";
        return false;
    }
    for (const char* t : {"meta", "sources", "actors", "messages", "outputs", "effects", "crashes", "checkpoints",
                          "input_links"}) {
        const std::string order = std::string(t) == "meta" ? " ORDER BY key" : " ORDER BY rowid";
        auto sa = (*ra)->database().prepare(std::string("SELECT * FROM ") + t + order);
        auto sb = (*rb)->database().prepare(std::string("SELECT * FROM ") + t + order);
        while (true) {
            const bool na = sa.step(), nb = sb.step();
            if (na != nb) {
                why = QString("table %1 has a different number of rows").arg(t);
                return false;
            }
            if (!na)
                break;
            for (int c = 0; c < sa.columnCount(); ++c)
                if (sa.columnBlob(c) != sb.columnBlob(c)) {
                    why = QString("table %1 differs").arg(t);
                    return false;
                }
        }
    }
    return true;
}

} // namespace

class TestServices : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void orderBookRecordsReplaysAndReRecordsIdentically();
    void jitRecordedSessionReplaysInTheInterpreter();
    void gameRoomServesPlayers();
    void aggregatorCallsAnotherService();
    void badTrafficNeverReachesTheProgram();
    void crashingHandlersAnswer500AndTheServiceGoesOn();
    void fiveThousandConnections();
    void sigtermUnderLoadAnswersInFlightAndCompletesTheTrace();
    void killNineUnderLoadLeavesAReplayableTrace();

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (m_dir.path() + "/" + name).toStdString(); }
    QString qpath(const char* name) const { return m_dir.path() + "/" + name; }
};

void TestServices::initTestCase()
{
    if (run(kPython, {"-c", "import websockets"}).exit != 0)
        QSKIP("needs Debian's python3-websockets (installer/deps.sh installs it)");
    if (run("curl", {"--version"}).exit != 0)
        QSKIP("needs curl (installer/deps.sh installs it)");
}

void TestServices::orderBookRecordsReplaysAndReRecordsIdentically()
{
    Service s;
    QVERIFY2(s.start(example("order_book/order_book.aefl"), {"--record", qpath("book.aftrace")}), qPrintable(s.err()));
    // A few answers checked by content.
    QCOMPARE(curl(s.url("/orders"), {"-d", R"({"trader":"ada","side":"sell","price":101,"qty":50})"}),
             QString(R"({"order":1,"filled":0,"resting":50,"fills":[]})"));
    const QString fill = curl(s.url("/orders"), {"-d", R"({"trader":"bob","side":"buy","price":102,"qty":20})"});
    QVERIFY2(fill.contains(R"("filled":20,"resting":0)") && fill.contains(R"("seller":"ada","price":101,"qty":20)"),
             qPrintable(fill));
    QCOMPARE(curl(s.url("/positions/bob")), QString(R"({"trader":"bob","position":{"qty":20,"cash":-2020}})"));
    QCOMPARE(curl(s.url("/book")), QString(R"({"bids":[],"asks":[{"id":1,"trader":"ada","price":101,"qty":30}]})"));
    // Several hundred mixed requests on a keep-alive connection.
    const QJsonObject mixed = drive({"orders", s.address(), "400"});
    QVERIFY2(mixed["bad"].toArray().isEmpty(), qPrintable(QJsonDocument(mixed).toJson()));
    QCOMPARE(mixed["statuses"].toObject()["201"].toInt(), 200);
    QCOMPARE(s.stop(), 0);

    const Result verified = cli({"replay", qpath("book.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    QVERIFY(verified.out.startsWith("replay verified: "));
    QCOMPARE(inputs(path("book.aftrace"), "http_request").size(), size_t(404));
    // The session re-recorded twice (no network) gives identical traces.
    QCOMPARE(cli({"replay", qpath("book.aftrace"), "--record", qpath("again1.aftrace")}).exit, 0);
    QCOMPARE(cli({"replay", qpath("book.aftrace"), "--record", qpath("again2.aftrace")}).exit, 0);
    QString why;
    QVERIFY2(sameTables(path("again1.aftrace"), path("again2.aftrace"), why), qPrintable(why));
    QCOMPARE(cli({"replay", qpath("again1.aftrace"), "--verify"}).exit, 0);
}

void TestServices::jitRecordedSessionReplaysInTheInterpreter()
{
    Service s;
    QVERIFY2(s.start(example("order_book/order_book.aefl"), {"--jit", "--record", qpath("jit.aftrace")}),
             qPrintable(s.err()));
    const QJsonObject mixed = drive({"orders", s.address(), "120"});
    QVERIFY2(mixed["bad"].toArray().isEmpty(), qPrintable(QJsonDocument(mixed).toJson()));
    QCOMPARE(s.stop(), 0);
    // replay re-executes on the interpreter: every delivery, state hash and
    // answer to the world must match what the native code recorded.
    const Result verified = cli({"replay", qpath("jit.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    QCOMPARE(inputs(path("jit.aftrace"), "http_request").size(), size_t(120));
}

void TestServices::gameRoomServesPlayers()
{
    Service s;
    QVERIFY2(s.start(example("game_room/room.aefl"), {"--record", qpath("room.aftrace")}), qPrintable(s.err()));
    const QJsonObject played = drive({"ws", "ws://" + s.address() + "/", "8", "20"});
    QVERIFY2(played["errors"].toArray().isEmpty(), qPrintable(QJsonDocument(played).toJson()));
    QVERIFY(played["frames"].toInt() > 8); // every player saw ticks
    // The bundled load client works against it too.
    const Result players = run(kPython, {example("game_room/players.py"), "--players", "10", "--seconds", "1.5",
                                         "ws://" + s.address() + "/"});
    QVERIFY2(players.exit == 0, qPrintable(players.out + players.err));
    QVERIFY(players.out.contains("connected 10"));
    QCOMPARE(s.stop(), 0);
    const Result verified = cli({"replay", qpath("room.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    QVERIFY(inputs(path("room.aftrace"), "timer").size() > 20); // the 60 Hz loop's firings are inputs
    QCOMPARE(inputs(path("room.aftrace"), "ws_open").size(), size_t(18));
}

void TestServices::aggregatorCallsAnotherService()
{
    Service prices;
    QVERIFY2(prices.start(example("aggregator/prices.aefl")), qPrintable(prices.err()));
    Service agg;
    QVERIFY2(agg.start(example("aggregator/aggregator.aefl"), {"--record", qpath("agg.aftrace")},
                       {"PRICES_URL=http://" + prices.address()}),
             qPrintable(agg.err()));
    const QJsonObject one =
        QJsonDocument::fromJson(curl(agg.url("/portfolio?hold=ACME:10,INIT:5,FAIL:1")).toUtf8()).object();
    QCOMPARE(one["holdings"].toArray().size(), 2);
    QCOMPARE(one["errors"].toArray().size(), 1);
    QCOMPARE(one["errors"].toArray()[0].toObject()["error"].toString(), QString("price service said 503"));
    const auto h = one["holdings"].toArray();
    QCOMPARE(one["total_cents"].toInt(), h[0].toObject()["value"].toInt() + h[1].toObject()["value"].toInt());
    QCOMPARE(prices.stop(), 0);
    // The service it calls is gone: an Err per holding, not a crash.
    const QJsonObject down = QJsonDocument::fromJson(curl(agg.url("/portfolio?hold=ACME:1")).toUtf8()).object();
    QCOMPARE(down["errors"].toArray()[0].toObject()["error"].toString(), QString("connection refused"));
    QCOMPARE(agg.stop(), 0);
    // Replayed with neither service running.
    const Result verified = cli({"replay", qpath("agg.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    QCOMPARE(inputs(path("agg.aftrace"), "call_done").size(), size_t(4));
}

void TestServices::badTrafficNeverReachesTheProgram()
{
    Service s;
    QVERIFY2(s.start(kRoot + "/tests/services/crashy.aefl",
                     {"--record", qpath("bad.aftrace"), "--max-header-bytes", "1024", "--max-body-bytes", "4096",
                      "--header-timeout", "1000"}),
             qPrintable(s.err()));
    // A malformed request line: 400, never delivered.
    QCOMPARE(drive({"raw", s.address(), QByteArray("GARBAGE\r\n\r\n").toHex()})["status_line"].toString(),
             QString("HTTP/1.1 400 Bad Request"));
    QCOMPARE(drive({"raw", s.address(), QByteArray("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n").toHex()})
                 ["status_line"].toString(),
             QString("HTTP/1.1 400 Bad Request"));
    QCOMPARE(drive({"bigheader", s.address(), "4000"})["status_line"].toString(),
             QString("HTTP/1.1 431 Request Header Fields Too Large"));
    QCOMPARE(drive({"bigbody", s.address(), "100000"})["status_line"].toString(),
             QString("HTTP/1.1 413 Payload Too Large"));
    const QJsonObject loris = drive({"slowloris", s.address(), "6"});
    QVERIFY2(loris["closed"].toBool(), qPrintable(QJsonDocument(loris).toJson()));
    // Clients that vanish before their (2 MiB) answer is written.
    QCOMPARE(drive({"vanish", s.address(), "30"})["vanished"].toInt(), 30);
    // The service is unharmed.
    QVERIFY(curl(s.url("/health")).startsWith("ok "));
    QCOMPARE(curl(s.url("/echo"), {"-d", "hello"}), QString("hello"));
    QCOMPARE(s.stop(), 0);
    // Only the well-formed requests reached the program: 30 /book from the
    // vanishing clients (404 here), /health and /echo.
    const auto requests = inputs(path("bad.aftrace"), "http_request");
    QCOMPARE(requests.size(), size_t(32));
    for (const auto& r : requests)
        QVERIFY(r.path == "/book" || r.path == "/health" || r.path == "/echo");
    const Result verified = cli({"replay", qpath("bad.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
}

void TestServices::crashingHandlersAnswer500AndTheServiceGoesOn()
{
    Service s;
    QVERIFY2(s.start(kRoot + "/tests/services/crashy.aefl", {"--record", qpath("crash.aftrace"), "--request-timeout", "800"}),
             qPrintable(s.err()));
    auto status = [&](const QString& path) {
        return run("curl", {"-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10", s.url(path)}).out;
    };
    QCOMPARE(status("/health"), QString("200"));
    QCOMPARE(status("/crash"), QString("500"));    // the handler itself crashed holding the request
    QCOMPARE(curl(s.url("/crash")), QString("internal server error")); // no internals
    QCOMPARE(curl(s.url("/health")), QString("ok 1")); // restarted with fresh state
    QCOMPARE(status("/forward"), QString("500"));  // an actor the request was forwarded to crashed
    QCOMPARE(status("/never"), QString("504"));    // nobody answers: the request timeout answers
    QCOMPARE(status("/health"), QString("200"));
    QCOMPARE(s.stop(), 0);
    QVERIFY2(s.err().contains("it is restarted as Api#"), qPrintable(s.err()));
    const Result verified = cli({"replay", qpath("crash.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    // What each request got on the wire is in the trace.
    std::vector<int> sent;
    for (const auto& d : inputs(path("crash.aftrace"), "request_done"))
        sent.push_back(d.status);
    QCOMPARE(sent, (std::vector<int>{200, 500, 500, 200, 500, 504, 200}));
}

void TestServices::fiveThousandConnections()
{
    Service s;
    QVERIFY2(s.start(kRoot + "/tests/services/crashy.aefl"), qPrintable(s.err()));
    const QJsonObject flood = drive({"flood", s.address(), "5000"});
    QVERIFY2(flood["ok"].toInt() == 5000, qPrintable(QJsonDocument(flood).toJson()));
    QVERIFY(curl(s.url("/health")).startsWith("ok "));
    QCOMPARE(s.stop(), 0);
}

void TestServices::sigtermUnderLoadAnswersInFlightAndCompletesTheTrace()
{
    Service s;
    QVERIFY2(s.start(kRoot + "/tests/services/crashy.aefl", {"--record", qpath("term.aftrace")}), qPrintable(s.err()));
    QProcess load;
    load.start(kPython, {traffic(), "load", s.address(), "30", "16"});
    QVERIFY(load.waitForStarted());
    // Let the load run, then stop the service under it.
    for (int i = 0; i < 40 && inputs(path("term.aftrace"), "http_request").size() < 200; ++i)
        QTest::qWait(100);
    QCOMPARE(s.stop(SIGTERM), 0);
    QVERIFY(load.waitForFinished(60000));
    const QJsonObject seen = QJsonDocument::fromJson(load.readAllStandardOutput().trimmed()).object();
    QVERIFY2(seen["ok"].toInt() > 100, qPrintable(QJsonDocument(seen).toJson()));
    QCOMPARE(seen["other"].toInt(), 0);
    // Complete, and every request that reached the program was answered 200.
    auto reader = debugger::TraceReader::open(path("term.aftrace"));
    QVERIFY(reader.has_value());
    QVERIFY((*reader)->info().complete);
    QCOMPARE((*reader)->info().exitCode, std::optional<int>(0));
    const auto requests = inputs(path("term.aftrace"), "http_request");
    const auto done = inputs(path("term.aftrace"), "request_done");
    QCOMPARE(done.size(), requests.size());
    for (const auto& d : done)
        QCOMPARE(d.status, 200);
    QCOMPARE(inputs(path("term.aftrace"), "shutdown").size(), size_t(1));
    QCOMPARE(inputs(path("term.aftrace"), "halt").size(), size_t(1));
    const Result verified = cli({"replay", qpath("term.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
}

void TestServices::killNineUnderLoadLeavesAReplayableTrace()
{
    Service s;
    QVERIFY2(s.start(kRoot + "/tests/services/crashy.aefl", {"--record", qpath("kill.aftrace")}), qPrintable(s.err()));
    QProcess load;
    load.start(kPython, {traffic(), "load", s.address(), "30", "16"});
    QVERIFY(load.waitForStarted());
    for (int i = 0; i < 40 && inputs(path("kill.aftrace"), "http_request").size() < 200; ++i)
        QTest::qWait(100);
    QCOMPARE(s.stop(SIGKILL), -1);
    QVERIFY(load.waitForFinished(60000));
    const Result info = cli({"info", qpath("kill.aftrace")});
    QVERIFY2(info.exit == 0, qPrintable(info.err));
    const Result verified = cli({"replay", qpath("kill.aftrace"), "--verify"});
    QVERIFY2(verified.exit == 0, qPrintable(verified.err));
    QVERIFY2(verified.out.contains("cut off"), qPrintable(verified.out));
}

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"
