// The scheduler: delivery order by (time, receiver, sender, sender seq),
// logical time, emit/recv, timers, crash isolation, limits, determinism.

#include "Compiler.h"
#include "Scheduler.h"

#include <QtTest>

using namespace aeroflow;

namespace {

struct Run {
    std::string out, err;
    engine::RunStats stats;
};

Run run(const char* source, engine::RunOptions opt = {})
{
    auto r = compiler::compile("t.aefl", source, {true, false});
    if (!r.ok()) {
        qWarning("%s", r.formatDiagnostics().c_str());
        return {};
    }
    Run out;
    opt.recordDeliveries = true;
    out.stats = engine::runProgram(r.program, std::move(opt), [&](engine::Stream s, std::string_view t) {
        (s == engine::Stream::Output ? out.out : out.err).append(t);
    });
    return out;
}

} // namespace

class TestScheduler : public QObject {
    Q_OBJECT
private slots:
    void deliveriesFollowTheTotalOrder();
    void sameTickOrderedByReceiverThenSender();
    void timersAndTime();
    void mainIsActorZeroAndIdsInSpawnOrder();
    void crashIsolatesTheActor();
    void fuelLimitCrashesOnlyThatActor();
    void messageLimitEndsTheRun();
    void deadlockIsReported();
    void sameSeedSameRun();
};

void TestScheduler::deliveriesFollowTheTotalOrder()
{
    const Run r = run(R"(
actor A { on Go(n) { if n > 0 { send(self, Go(n - 1)) } } }
let a = spawn(A)
let b = spawn(A)
send(b, Go(2))
send(a, Go(3))
after(2, a, Go(0))
)");
    const auto& d = r.stats.deliveries;
    QVERIFY(d.size() >= 6);
    for (size_t i = 1; i < d.size(); ++i) {
        auto key = [](const engine::Delivery& x) { return std::tuple(x.time, x.receiver, x.sender, x.seq); };
        QVERIFY(key(d[i - 1]) < key(d[i]));
    }
    QCOMPARE(d[0].time, uint64_t(1));
    QCOMPARE(d[0].receiver, 1u); // a (spawned first) before b at the same tick
}

void TestScheduler::sameTickOrderedByReceiverThenSender()
{
    const Run r = run(R"(
actor Log { on Hit(who) { print("hit", who, time) } }
actor Src { on Fire(target, name) { send(target, Hit(name)) } }
let log = spawn(Log)
let s1 = spawn(Src)
let s2 = spawn(Src)
send(s2, Fire(log, "s2"))
send(s1, Fire(log, "s1"))
)");
    // Both Hits arrive at tick 2; sender s1 (id 2) goes before s2 (id 3).
    QCOMPARE(r.out, std::string("hit s1 2\nhit s2 2\n"));
}

void TestScheduler::timersAndTime()
{
    const Run r = run(R"(
actor T { on Tick(n) { print("tick", n, "at", time); if n < 3 { after(5, self, Tick(n + 1)) } } }
let t = spawn(T)
after(10, t, Tick(1))
)");
    QCOMPARE(r.out, std::string("tick 1 at 10\ntick 2 at 15\ntick 3 at 20\n"));
    QCOMPARE(r.stats.finalTime, uint64_t(20));
}

void TestScheduler::mainIsActorZeroAndIdsInSpawnOrder()
{
    const Run r = run(R"(
actor A { on Who { emit(self) } }
let a = spawn(A)
let b = spawn(A)
send(b, Who)
send(a, Who)
print(recv(), recv())
)");
    QCOMPARE(r.out, std::string("<A#1> <A#2>\n"));
}

void TestScheduler::crashIsolatesTheActor()
{
    const Run r = run(R"(
actor A { on Boom { let z = 0; print(1 / z) } on Ping { print("A alive") } }
actor B { on Ping { print("B alive") } }
let a = spawn(A)
let b = spawn(B)
send(a, Boom)
send(a, Ping)
send(b, Ping)
)");
    QCOMPARE(r.out, std::string("B alive\n"));
    QVERIFY(r.err.find("t.aefl:2:40: runtime error: division by zero (actor A#1, tick 1)") != std::string::npos);
    QCOMPARE(r.stats.crashes, 1u);
    QCOMPARE(r.stats.exitCode, 0);
}

void TestScheduler::fuelLimitCrashesOnlyThatActor()
{
    engine::RunOptions opt;
    opt.fuel = 10'000;
    const Run r = run(R"(
actor A { on Spin { while true { } } }
actor B { on Ping { print("B alive") } }
let a = spawn(A)
let b = spawn(B)
send(a, Spin)
send(b, Ping)
)", opt);
    QCOMPARE(r.out, std::string("B alive\n"));
    QVERIFY(r.err.find("instruction budget exhausted") != std::string::npos);
}

void TestScheduler::messageLimitEndsTheRun()
{
    engine::RunOptions opt;
    opt.maxMessages = 50;
    const Run r = run(R"(
actor Loop { on Tick { after(1, self, Tick) } }
let l = spawn(Loop)
send(l, Tick)
)", opt);
    QCOMPARE(r.stats.messagesDelivered, uint64_t(50));
    QCOMPARE(r.stats.exitCode, 1);
    QVERIFY(r.err.find("message limit") != std::string::npos);
}

void TestScheduler::deadlockIsReported()
{
    const Run r = run("actor A { on Go { } }\nlet a = spawn(A)\nsend(a, Go)\nprint(recv())\n");
    QCOMPARE(r.stats.exitCode, 1);
    QVERIFY(r.err.find("t.aefl:4:7: runtime error: deadlock: recv() with no message pending") != std::string::npos);
}

void TestScheduler::sameSeedSameRun()
{
    const char* src = R"(
actor R { on Roll { emit(random_int(1, 100)) } }
mut xs = []
for i in range(5) { let r = spawn(R); send(r, Roll) }
for i in range(5) { xs.push(recv()) }
print(xs, random())
)";
    engine::RunOptions opt;
    opt.seed = 99;
    const Run a = run(src, opt), b = run(src, opt);
    QCOMPARE(a.out, b.out);
    opt.seed = 100;
    QVERIFY(run(src, opt).out != a.out);
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
