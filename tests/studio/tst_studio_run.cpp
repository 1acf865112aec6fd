// Running and debugging at message granularity: the engine session on its
// own (deterministic stepping, going back by re-execution, breakpoints) and
// the threaded RunController the window uses.

#include "run/EngineSession.h"
#include "run/RunController.h"

#include "Compiler.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace aeroflow::studio;

namespace {

QByteArray readExample(const char* name)
{
    QFile f(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read example %s", name);
    return f.readAll();
}

std::shared_ptr<const aeroflow::compiler::Program> compileExample(const char* name)
{
    auto r = aeroflow::compiler::compile(name, readExample(name).toStdString());
    if (!r.ok())
        qFatal("%s does not compile", name);
    return r.program;
}

QString allOutput(const EngineSession& s)
{
    QString out;
    for (const OutputLine& l : s.output())
        out += l.text;
    return out;
}

QString field(const SessionSnapshot& s, const QString& actor, const QString& name)
{
    for (const ActorView& a : s.actors)
        if (a.name == actor)
            for (const ActorField& f : a.fields)
                if (f.name == name)
                    return f.value;
    return QStringLiteral("<none>");
}

int lineOf(const QByteArray& source, const char* text)
{
    const int at = source.indexOf(text);
    return at < 0 ? -1 : source.left(at).count('\n') + 1;
}

} // namespace

class TestStudioRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sessionRunsCounterToTheEnd();
    void stepForwardAndBack();
    void breakpointStopsBeforeHandler();
    void conditionalBreakpointAndReverseContinue();
    void controllerRunsOnWorkerThread();
    void controllerStepsAndStepsBack();
    void compileErrorIsReportedNotRun();
};

void TestStudioRun::sessionRunsCounterToTheEnd()
{
    EngineSession s(compileExample("counter.aefl"), {});
    s.start();
    while (s.advance(false) == EngineSession::Result::Delivered) {
    }
    const QString out = allOutput(s);
    QVERIFY2(out.contains(QStringLiteral("main program at logical time 0\n")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("count = 42\n")));
    QVERIFY(out.contains(QStringLiteral("after reset: 0\n")));
    QVERIFY(out.contains(QStringLiteral("after one more increment: 1\n")));
    QVERIFY(!s.failed());
}

void TestStudioRun::stepForwardAndBack()
{
    EngineSession s(compileExample("counter.aefl"), {});
    s.start();
    QCOMPARE(s.delivered(), 0u);
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("0"));
    // The first delivery is Add(41) to the counter, at tick 1.
    const DeliveryInfo first = s.next();
    QCOMPARE(first.message, QStringLiteral("Add(41)"));
    QCOMPARE(first.tick, 1u);
    QCOMPARE(s.advance(false), EngineSession::Result::Delivered);
    SessionSnapshot after1 = s.snapshot();
    QCOMPARE(after1.tick, 1u);
    QCOMPARE(field(after1, "Counter#1", "count"), QStringLiteral("41"));
    QCOMPARE(s.advance(false), EngineSession::Result::Delivered); // Increment
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("42"));
    const quint64 tickAt2 = s.snapshot().tick;
    QCOMPARE(s.advance(false), EngineSession::Result::Delivered); // the emitted 42 reaches main at tick 2
    QVERIFY(s.snapshot().tick > tickAt2 - 1);
    const quint64 here = s.delivered();
    const QString outputHere = allOutput(s);
    // Back one message, then forward again: the same state and output (exact re-execution).
    QVERIFY(s.stepBack());
    QCOMPARE(s.delivered(), here - 1);
    QVERIFY(s.takeRewound());
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("42"));
    QVERIFY(s.stepBack());
    QVERIFY(s.stepBack());
    QCOMPARE(s.delivered(), here - 3);
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("0"));
    QCOMPARE(s.snapshot().tick, 0u);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(s.advance(false), EngineSession::Result::Delivered);
    QCOMPARE(allOutput(s), outputHere);
    QVERIFY(!s.stepBack() || s.delivered() == here - 1);
}

void TestStudioRun::breakpointStopsBeforeHandler()
{
    const QByteArray source = readExample("counter.aefl");
    EngineSession s(compileExample("counter.aefl"), {});
    const int resetLine = lineOf(source, "on Reset");
    s.setBreakpoints({BreakpointSpec{resetLine, {}}});
    s.start();
    EngineSession::Result r;
    while ((r = s.advance(true)) == EngineSession::Result::Delivered) {
    }
    QCOMPARE(r, EngineSession::Result::BreakpointHit);
    QCOMPARE(s.executionLine(), resetLine);
    QCOMPARE(s.next().message, QStringLiteral("Reset"));
    // Stopped *before* Reset: the count is still 42.
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("42"));
    s.skipBreakpointOnce();
    QCOMPARE(s.advance(true), EngineSession::Result::Delivered);
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("0"));
}

void TestStudioRun::conditionalBreakpointAndReverseContinue()
{
    const QByteArray source = readExample("counter.aefl");
    const int incrementLine = lineOf(source, "on Increment");
    EngineSession s(compileExample("counter.aefl"), {});
    // Increment runs twice: with count 41 and with count 0. Stop at the second.
    s.setBreakpoints({BreakpointSpec{incrementLine, QStringLiteral("count == 0")}});
    s.start();
    EngineSession::Result r;
    while ((r = s.advance(true)) == EngineSession::Result::Delivered) {
    }
    QCOMPARE(r, EngineSession::Result::BreakpointHit);
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("0"));
    const quint64 secondHit = s.delivered();
    // Without the condition, reverse-continue finds the first Increment.
    s.setBreakpoints({BreakpointSpec{incrementLine, {}}});
    QVERIFY(s.reverseContinue());
    QVERIFY(s.delivered() < secondHit);
    QCOMPARE(s.next().message, QStringLiteral("Increment"));
    QCOMPARE(field(s.snapshot(), "Counter#1", "count"), QStringLiteral("41"));
    QCOMPARE(s.executionLine(), incrementLine);
}

void TestStudioRun::controllerRunsOnWorkerThread()
{
    RunController run;
    QString output;
    connect(&run, &RunController::outputAppended, this, [&](const QVector<OutputLine>& lines) {
        for (const OutputLine& l : lines)
            output += l.text;
    });
    QSignalSpy snapshots(&run, &RunController::snapshotChanged);
    run.start(QStringLiteral("counter.aefl"), readExample("counter.aefl"), {}, false);
    QTRY_COMPARE_WITH_TIMEOUT(run.state(), RunController::State::Finished, 10'000);
    QVERIFY2(output.contains(QStringLiteral("count = 42")), qPrintable(output));
    QVERIFY(output.contains(QStringLiteral("after one more increment: 1")));
    QVERIFY(run.delivered() >= 7);
    QVERIFY(!snapshots.isEmpty());
}

void TestStudioRun::controllerStepsAndStepsBack()
{
    RunController run;
    QSignalSpy points(&run, &RunController::executionPointChanged);
    run.start(QStringLiteral("counter.aefl"), readExample("counter.aefl"), {}, true, true);
    QTRY_COMPARE_WITH_TIMEOUT(run.state(), RunController::State::Paused, 10'000);
    QCOMPARE(run.tick(), 0u);
    QCOMPARE(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("0"));
    run.stepOver();
    QTRY_COMPARE_WITH_TIMEOUT(run.delivered(), 1u, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("41"), 10'000);
    QCOMPARE(run.tick(), 1u);
    run.stepOver();
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("42"), 10'000);
    run.stepBack();
    QTRY_COMPARE_WITH_TIMEOUT(run.delivered(), 1u, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("41"), 10'000);
    QVERIFY(!points.isEmpty());
    run.stop();
    QTRY_COMPARE_WITH_TIMEOUT(run.state(), RunController::State::Idle, 10'000);
}

void TestStudioRun::compileErrorIsReportedNotRun()
{
    RunController run;
    QSignalSpy failed(&run, &RunController::compileFailed);
    run.start(QStringLiteral("broken.aefl"), QByteArray("let x = 10\nx = 11\nprint(undefined_thing)\n"), {}, false);
    QVERIFY(failed.wait(10'000));
    QVERIFY(failed.front().front().toString().contains(QStringLiteral("undefined_thing")));
    QCOMPARE(run.state(), RunController::State::Failed);
}

QTEST_MAIN(TestStudioRun)
#include "tst_studio_run.moc"
