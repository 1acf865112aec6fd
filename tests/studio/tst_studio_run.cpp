// Running and debugging at message granularity: the engine session on its
// own (deterministic stepping, going back by re-execution, breakpoints) and
// the threaded RunController the window uses.

#include "StudioTestPrograms.h"
#include "docks/ActorsDock.h"
#include "run/EngineSession.h"
#include "run/RunController.h"

#include "Compiler.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

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
    void statementSteppingInLiveDebug();
    void breakpointInFunctionAndTopLevelCode();
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
    run.nextMessage();
    QTRY_COMPARE_WITH_TIMEOUT(run.delivered(), 1u, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("41"), 10'000);
    QCOMPARE(run.tick(), 1u);
    run.nextMessage();
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Counter#1", "count"), QStringLiteral("42"), 10'000);
    run.previousMessage();
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

namespace {
const char* const kAcc = studiotest::kAccProgram;

QString local(const StatementPoint& p, const QString& name)
{
    for (const ActorField& f : p.locals)
        if (f.name == name)
            return f.value;
    return QStringLiteral("<none>");
}

/// The Actors dock's rows as "parent/name=value" lines.
QStringList dockRows(const ActorsDock& dock)
{
    QStringList out;
    for (QTreeWidgetItemIterator it(dock.view()); *it; ++it)
        if ((*it)->parent())
            out << (*it)->parent()->text(0) + QLatin1Char('/') + (*it)->text(0) + QLatin1Char('=') + (*it)->text(1);
    return out;
}
} // namespace

void TestStudioRun::statementSteppingInLiveDebug()
{
    const QByteArray source(kAcc);
    const int callLine = lineOf(source, "let d = double(n)");
    const int addLine = lineOf(source, "total = total + d");
    const int emitLine = lineOf(source, "emit(total)");
    const int yLine = lineOf(source, "let y = x * 2");
    const int returnLine = lineOf(source, "return y");
    RunController run;
    int marker = -1;
    connect(&run, &RunController::executionPointChanged, this, [&](int line) { marker = line; });
    ActorsDock dock;
    connect(&run, &RunController::snapshotChanged, &dock, &ActorsDock::showSnapshot);
    // The second Add only (n == 5): the condition sees the handler's parameter.
    run.start(QStringLiteral("acc.aefl"), source, {BreakpointSpec{callLine, QStringLiteral("n == 5")}}, true);
    auto settle = [&](int line) {
        return QTest::qWaitFor([&] {
            return run.state() == RunController::State::Paused && run.lastSnapshot().statement.valid
                && run.lastSnapshot().statement.line == line && marker == line;
        }, 10'000);
    };
    QVERIFY(settle(callLine));
    StatementPoint p = run.lastSnapshot().statement;
    QCOMPARE(run.delivered(), 1u);
    QCOMPARE(p.depth, 1);
    QCOMPARE(local(p, "n"), QStringLiteral("5"));
    QCOMPARE(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("2"));
    QVERIFY2(dockRows(dock).contains(QStringLiteral("Locals/n=5")), qPrintable(dockRows(dock).join(',')));

    run.stepInto(); // F11: into double()
    QVERIFY(settle(yLine));
    QCOMPARE(run.lastSnapshot().statement.depth, 2);
    QCOMPARE(local(run.lastSnapshot().statement, "x"), QStringLiteral("5"));
    run.stepOver(); // F10
    QVERIFY(settle(returnLine));
    QCOMPARE(local(run.lastSnapshot().statement, "y"), QStringLiteral("10"));
    run.stepOut(); // Shift+F11: back in the handler, after the call
    QVERIFY(settle(addLine));
    QCOMPARE(run.lastSnapshot().statement.depth, 1);
    QCOMPARE(local(run.lastSnapshot().statement, "d"), QStringLiteral("10"));
    QCOMPARE(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("2"));
    run.stepOver();
    QVERIFY(settle(emitLine));
    // The receiver's state as it is at the statement: line 11 has run.
    QCOMPARE(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("12"));
    QVERIFY2(dockRows(dock).contains(QStringLiteral("Acc#1/total=12")), qPrintable(dockRows(dock).join(',')));

    run.stepBack(); // Shift+F10: the previous statement at this depth
    QVERIFY(settle(addLine));
    QCOMPARE(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("2"));
    run.stepBack();
    QVERIFY(settle(callLine));
    // Before the handler's first statement: the previous delivery's last
    // statement, the handler's closing brace (its implicit return).
    run.stepBack();
    QVERIFY(settle(emitLine + 1));
    QCOMPARE(run.delivered(), 0u);
    QCOMPARE(local(run.lastSnapshot().statement, "n"), QStringLiteral("1"));
    QCOMPARE(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("2"));
    run.stepOver(); // past the handler's end: the next delivery's first statement
    QVERIFY(settle(callLine));
    QCOMPARE(run.delivered(), 1u);
    QCOMPARE(local(run.lastSnapshot().statement, "n"), QStringLiteral("5"));
    run.nextMessage(); // Ctrl+F10: the whole delivery
    QTRY_COMPARE_WITH_TIMEOUT(run.delivered(), 2u, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(field(run.lastSnapshot(), "Acc#1", "total"), QStringLiteral("12"), 10'000);
    run.stop();
    QTRY_COMPARE_WITH_TIMEOUT(run.state(), RunController::State::Idle, 10'000);
}

void TestStudioRun::breakpointInFunctionAndTopLevelCode()
{
    // Lines outside any handler hit too: in a plain function (with a
    // condition on its parameter) and in top-level code after recv().
    const std::string source = R"(fn scale(x) {
    let y = x * 10
    return y
}
actor Acc {
    state total = 0
    on Add(k) { total = total + scale(k); emit(total) }
}
let a = spawn(Acc)
for i in range(1, 5) { send(a, Add(i)) }
got = 0
for i in range(1, 5) {
    got = recv()
    print("total", got)
}
)";
    auto compiled = aeroflow::compiler::compile("fnbp.aefl", source);
    QVERIFY(compiled.ok());
    const QByteArray bytes = QByteArray::fromStdString(source);
    const int scaleLine = lineOf(bytes, "let y = x * 10");
    const int printLine = lineOf(bytes, "print(\"total\"");
    {
        EngineSession s(compiled.program, {});
        s.setBreakpoints({BreakpointSpec{scaleLine, QStringLiteral("x == 3")}});
        s.start();
        EngineSession::Result r;
        while ((r = s.advance(true)) == EngineSession::Result::Delivered) {
        }
        QCOMPARE(r, EngineSession::Result::BreakpointHit);
        QCOMPARE(s.executionLine(), scaleLine);
        QCOMPARE(s.next().message, QStringLiteral("Add(3)"));
        // Stopped before Add(3): 10 + 20 so far.
        QCOMPARE(field(s.snapshot(), "Acc#1", "total"), QStringLiteral("30"));
        s.skipBreakpointOnce();
        while ((r = s.advance(true)) == EngineSession::Result::Delivered) {
        }
        QCOMPARE(r, EngineSession::Result::Idle); // x == 3 only once
        // Reverse continue finds the same hit from the end.
        QVERIFY(s.reverseContinue());
        QCOMPARE(s.executionLine(), scaleLine);
        QCOMPARE(s.next().message, QStringLiteral("Add(3)"));
        QCOMPARE(field(s.snapshot(), "Acc#1", "total"), QStringLiteral("30"));
    }
    {
        EngineSession s(compiled.program, {});
        s.setBreakpoints({BreakpointSpec{printLine, QStringLiteral("got == 60")}});
        s.start();
        EngineSession::Result r;
        while ((r = s.advance(true)) == EngineSession::Result::Delivered) {
        }
        QCOMPARE(r, EngineSession::Result::BreakpointHit);
        QCOMPARE(s.executionLine(), printLine);
        QVERIFY2(!allOutput(s).contains(QStringLiteral("total 60")), qPrintable(allOutput(s)));
        QVERIFY(allOutput(s).contains(QStringLiteral("total 30")));
    }
}

QTEST_MAIN(TestStudioRun)
#include "tst_studio_run.moc"
