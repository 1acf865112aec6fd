// Debugging an opened trace at statement granularity: stepping into, over,
// out of and back through handler statements (TimeTravel::statementsOf), and
// continue / reverse continue to breakpoints in handlers, plain functions
// and the main program, with conditions.

#include "StudioTestPrograms.h"
#include "app/MainWindow.h"
#include "app/StartupOptions.h"
#include "app/StudioSettings.h"
#include "docks/PreviewDock.h"
#include "run/RunController.h"
#include "run/TraceController.h"
#include "theme/ThemeManager.h"

#include "Replayer.h"
#include "TimeTravel.h"
#include "TraceReader.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace aeroflow::studio;
using aeroflow::debugger::StepKind;

namespace {
const QByteArray kAcc = studiotest::kAccProgram;

int lineOf(const char* text)
{
    const int at = kAcc.indexOf(text);
    return at < 0 ? -1 : kAcc.left(at).count('\n') + 1;
}

QString local(const StatementPoint& p, const QString& name)
{
    for (const ActorField& f : p.locals)
        if (f.name == name)
            return f.value;
    return QStringLiteral("<none>");
}
/// The Preview's line edit bound to `userName`.
QLineEdit* boundInput(MainWindow& w)
{
    for (auto* e : w.previewDock()->canvas()->findChildren<QLineEdit*>())
        if (e->property("aeroflowBind").toString() == QLatin1String("userName"))
            return e;
    return nullptr;
}
} // namespace

class TestStudioTraceDebug : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statementStepping();
    void breakpointsContinueAndReverse();
    void previewInputIsRecorded();

private:
    bool settle(TraceController& t);
    QTemporaryDir m_dir;
    QString m_trace;
};

void TestStudioTraceDebug::initTestCase()
{
    QVERIFY(m_dir.isValid());
    RunController run;
    RunSettings settings;
    settings.traceDir = m_dir.path();
    settings.traceStem = QStringLiteral("acc");
    run.setRunSettings(settings);
    QSignalSpy written(&run, &RunController::traceWritten);
    run.start(QStringLiteral("acc.aefl"), kAcc, {}, false);
    QVERIFY(written.wait(10'000));
    QCOMPARE(written.front().at(1).toString(), QString());
    m_trace = written.front().at(0).toString();
}

bool TestStudioTraceDebug::settle(TraceController& t)
{
    return QTest::qWaitFor([&] { return t.isOpen() && !t.busy(); }, 10'000);
}

void TestStudioTraceDebug::statementStepping()
{
    TraceController t;
    t.open(m_trace);
    QVERIFY(settle(t));
    QCOMPARE(t.end(), 4u); // Add(1), Add(5), 2 and 12 to main
    t.seek(1);
    QVERIFY(settle(t));
    // Before delivery 2 (Add(5)), at its first statement.
    StatementPoint p = t.lastSnapshot().statement;
    QVERIFY(p.valid);
    QCOMPARE(p.seq, 2u);
    QCOMPARE(p.line, lineOf("let d = double(n)"));
    QCOMPARE(local(p, "n"), QStringLiteral("5"));
    QSignalSpy positioned(&t, &TraceController::positioned);
    t.stepStatement(StepKind::Into, true);
    QVERIFY(settle(t));
    p = t.lastSnapshot().statement;
    QCOMPARE(p.line, lineOf("let y = x * 2"));
    QCOMPARE(p.depth, 2);
    QCOMPARE(positioned.last().at(1).toInt(), p.line); // the editor's execution line
    t.stepStatement(StepKind::Out, true);
    QVERIFY(settle(t));
    p = t.lastSnapshot().statement;
    QCOMPARE(p.line, lineOf("total = total + d"));
    QCOMPARE(local(p, "d"), QStringLiteral("10"));
    t.stepStatement(StepKind::Over, true);
    QVERIFY(settle(t));
    QCOMPARE(t.lastSnapshot().statement.line, lineOf("emit(total)"));
    for (const ActorView& a : t.lastSnapshot().actors)
        if (a.name == QLatin1String("Acc#1"))
            QCOMPARE(a.fields.value(0).value, QStringLiteral("12")); // at the statement, line 11 has run
    t.stepStatement(StepKind::Over, false); // step back
    QVERIFY(settle(t));
    QCOMPARE(t.lastSnapshot().statement.line, lineOf("total = total + d"));
    t.stepStatement(StepKind::Over, false);
    t.stepStatement(StepKind::Over, false); // across: delivery 1's last statement
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 0u);
    QCOMPARE(t.lastSnapshot().statement.seq, 1u);
    QCOMPARE(local(t.lastSnapshot().statement, "n"), QStringLiteral("1"));
    t.stepStatement(StepKind::Over, true); // forward across: delivery 2's first
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 1u);
    QCOMPARE(t.lastSnapshot().statement.line, lineOf("let d = double(n)"));
}

void TestStudioTraceDebug::breakpointsContinueAndReverse()
{
    TraceController t;
    t.open(m_trace);
    QVERIFY(settle(t));
    t.seek(0);
    QVERIFY(settle(t));
    const int callLine = lineOf("let d = double(n)");
    // A conditional breakpoint in a handler: only Add(5) hits.
    t.continueTo({BreakpointSpec{callLine, QStringLiteral("n == 5")}}, true);
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 1u);
    QCOMPARE(t.lastSnapshot().statement.line, callLine);
    t.continueTo({BreakpointSpec{callLine, QStringLiteral("n == 5")}}, true); // no more hits: the end
    QVERIFY(settle(t));
    QCOMPARE(t.position(), t.end());
    // Reverse continue to a line in a plain function, with a condition on its parameter.
    const int yLine = lineOf("let y = x * 2");
    t.continueTo({BreakpointSpec{yLine, QStringLiteral("x < 3")}}, false);
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 0u);
    QCOMPARE(t.lastSnapshot().statement.line, yLine);
    QCOMPARE(local(t.lastSnapshot().statement, "x"), QStringLiteral("1"));
    t.continueTo({BreakpointSpec{yLine, {}}}, true);
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 1u);
    QCOMPARE(local(t.lastSnapshot().statement, "x"), QStringLiteral("5"));
    // A line of the main program hits where main runs it (after a recv()).
    const int secondPrint = kAcc.left(kAcc.lastIndexOf("print(recv())")).count('\n') + 1;
    t.seek(0);
    QVERIFY(settle(t));
    t.continueTo({BreakpointSpec{secondPrint, {}}}, true);
    QVERIFY(settle(t));
    QCOMPARE(t.lastSnapshot().next.receiver, 0u);
    QCOMPARE(t.lastSnapshot().statement.line, secondPrint);
}

void TestStudioTraceDebug::previewInputIsRecorded()
{
    QStandardPaths::setTestModeEnabled(true);
    StudioSettings settings(m_dir.filePath(QStringLiteral("input.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QSignalSpy written(w.runController(), &RunController::traceWritten);
    QVERIFY(w.openPath(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/login_screen.aefl"), true));
    w.runCurrent(false);
    QVERIFY(waitForRunToSettle(w, 10'000));
    QTRY_COMPARE_WITH_TIMEOUT(w.previewDock()->screenCount(), 1, 10'000);
    QLineEdit* edit = boundInput(w);
    QVERIFY(edit);
    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("bob smith"));
    QTest::keyClick(edit, Qt::Key_Return); // commits the edit: one recorded ui_input
    auto userName = [&] {
        for (const ActorView& a : w.runController()->lastSnapshot().actors)
            for (const ActorField& f : a.fields)
                if (a.isScreen && f.name == QLatin1String("userName"))
                    return f.value;
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(userName(), QStringLiteral("\"bob smith\""), 10'000);
    // The rebuilt Preview shows the field's new value.
    QTRY_VERIFY_WITH_TIMEOUT(boundInput(w) && boundInput(w)->text() == QStringLiteral("bob smith"), 10'000);
    w.runController()->stop();
    QVERIFY(!written.isEmpty() || written.wait(10'000));
    const std::string path = written.front().at(0).toString().toStdString();

    auto reader = aeroflow::debugger::TraceReader::open(path);
    QVERIFY2(reader, reader ? "" : reader.error().c_str());
    auto effects = (*reader)->effectsFrom(0);
    QVERIFY(effects);
    bool found = false;
    for (const auto& e : *effects)
        found = found || (e.kind == "ui_input" && e.value == "1 userName bob smith");
    QVERIFY(found);
    // Replay re-applies the input: the state hashes and output match.
    auto tt = aeroflow::debugger::TimeTravel::open(path);
    QVERIFY2(tt, tt ? "" : tt.error().c_str());
    aeroflow::debugger::ReplayOptions verify;
    verify.verify = true;
    auto report = aeroflow::debugger::replayTrace(**reader, (*tt)->programPtr(), verify);
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY(!report->divergence);
    // The trace opened again shows the typed text at its end.
    QVERIFY((*tt)->seek((*tt)->end()));
    bool shown = false;
    for (const auto& [f, v] : (*tt)->state(1).fields)
        shown = shown || (f == "userName" && v == "\"bob smith\"");
    QVERIFY(shown);
}

QTEST_MAIN(TestStudioTraceDebug)
#include "tst_studio_tracedebug.moc"
