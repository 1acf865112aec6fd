// Run with native code (issue 7, Studio part): a Run with the JIT setting on
// prints and records exactly what the interpreter does, and says that it ran
// native code; Debug keeps the interpreter (stepping stops at the same
// lines); the setting persists and the Run menu shows it; a JIT that cannot
// compile falls back to the interpreter with one warning in Output.

#include "StudioTestPrograms.h"
#include "app/MainWindow.h"
#include "app/StudioSettings.h"
#include "docks/OutputDock.h"
#include "editor/EditorArea.h"
#include "run/EngineSession.h"
#include "run/NativeProgram.h"
#include "run/RunController.h"
#include "theme/ThemeManager.h"

#include "Compiler.h"
#include "TraceReader.h"

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace aeroflow::studio;

namespace {

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

QString sourcePath(const QString& name)
{
    // "examples/x.aefl" or "run/x.aefl" (a tests/run program).
    if (name.startsWith(QLatin1String("examples/")))
        return QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/") + name;
    return QStringLiteral(AEROFLOW_TESTS_DIR "/") + name;
}

struct RunResult {
    QString programOutput; ///< what the program printed (output and errors)
    QStringList notes;     ///< the Studio's own lines (system, warnings)
    ExecutionInfo execution;
    QString tracePath;
    RunController::State state = RunController::State::Idle;
};

/// Runs `source` to the end with a fresh RunController (Run, not Debug),
/// recorded into `traceDir`.
RunResult runToEnd(const QString& name, const QByteArray& source, bool nativeCode, const QString& traceDir)
{
    RunResult result;
    RunController run;
    RunSettings settings;
    settings.traceDir = traceDir;
    settings.traceStem = nativeCode ? QStringLiteral("native") : QStringLiteral("interp");
    settings.nativeCode = nativeCode;
    settings.jitOptLevel = 0;
    run.setRunSettings(settings);
    QObject::connect(&run, &RunController::outputAppended, [&](const QVector<OutputLine>& lines) {
        for (const OutputLine& l : lines) {
            if (l.kind == OutputKind::Output || l.kind == OutputKind::Error)
                result.programOutput += l.text;
            else
                result.notes << l.text.trimmed();
        }
    });
    QObject::connect(&run, &RunController::traceWritten,
                     [&](const QString& path, const QString&) { result.tracePath = path; });
    run.start(name, source, {}, false);
    const bool settled = QTest::qWaitFor([&] {
        return (run.state() == RunController::State::Finished || run.state() == RunController::State::Failed) &&
               !result.tracePath.isEmpty();
    }, 20'000);
    if (!settled)
        qWarning("%s did not finish (state %s)", qPrintable(name), qPrintable(RunController::stateName(run.state())));
    result.execution = run.execution();
    result.state = run.state();
    return result;
}

/// Every recorded message as one line: seq, tick, sender, receiver, handler,
/// payload (hex), cause, state hash.
QStringList traceMessages(const QString& path)
{
    auto reader = aeroflow::debugger::TraceReader::open(path.toStdString());
    if (!reader)
        return {QStringLiteral("cannot open: ") + QString::fromStdString(reader.error())};
    auto info = (*reader)->info();
    QStringList rows;
    auto messages = (*reader)->messages(1, info.messages);
    if (!messages)
        return {QStringLiteral("cannot read: ") + QString::fromStdString(messages.error())};
    for (const auto& m : *messages)
        rows << QStringLiteral("%1 t%2 %3->%4 h%5 %6 c%7 #%8")
                    .arg(m.seq)
                    .arg(m.tick)
                    .arg(m.sender)
                    .arg(m.receiver)
                    .arg(m.handler ? QString::number(*m.handler) : QStringLiteral("-"))
                    .arg(QString::fromLatin1(QByteArray::fromStdString(m.payload).toHex()))
                    .arg(m.causeSeq)
                    .arg(m.stateHash, 16, 16, QLatin1Char('0'));
    return rows;
}

/// Debugs `source` paused at the first statement, then steps into (F11)
/// until the run ends or `maxSteps`; returns the line of every stop.
QList<int> stepLines(const QByteArray& source, bool nativeSetting, ExecutionInfo* execution)
{
    RunController run;
    RunSettings settings;
    settings.nativeCode = nativeSetting;
    run.setRunSettings(settings);
    QSignalSpy pauses(&run, &RunController::snapshotChanged);
    QList<int> lines;
    run.start(QStringLiteral("acc.aefl"), source, {}, true, true);
    for (int step = 0; step < 40; ++step) {
        const qsizetype before = pauses.count();
        if (step > 0)
            run.stepInto();
        if (!QTest::qWaitFor([&] { return pauses.count() > before; }, 10'000))
            break;
        if (run.state() != RunController::State::Paused || !run.lastSnapshot().statement.valid)
            break;
        lines << run.lastSnapshot().statement.line;
    }
    *execution = run.execution();
    return lines;
}

QAction* menuAction(MainWindow& w, const QString& menuTitle, const QString& objectName)
{
    for (QAction* top : w.menuBar()->actions())
        if (top->menu() && top->text().remove(QLatin1Char('&')) == menuTitle)
            for (QAction* a : top->menu()->actions())
                if (a->objectName() == objectName)
                    return a;
    return nullptr;
}

} // namespace

class TestStudioJit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void nativeRunMatchesInterpreter_data();
    void nativeRunMatchesInterpreter();
    void debugSteppingStaysOnTheInterpreter();
    void steppingASessionThatHasNativeCode();
    void settingPersistsAndRunMenuReflectsIt();
    void compileFailureFallsBackToInterpreter();
    void windowShowsHowTheRunExecuted();

private:
    QTemporaryDir m_dir;
};

void TestStudioJit::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The plug-in is built with the Studio: the JIT must be there.
    const std::string error = NativeProgram::preload();
    QVERIFY2(error.empty(), error.c_str());
}

void TestStudioJit::nativeRunMatchesInterpreter_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("hasMessages");
    QTest::newRow("bank") << QStringLiteral("examples/bank.aefl") << true;
    QTest::newRow("ping_pong") << QStringLiteral("examples/ping_pong.aefl") << true;
    QTest::newRow("recursion (fib 20)") << QStringLiteral("run/recursion.aefl") << false;
    QTest::newRow("sieve") << QStringLiteral("run/sieve.aefl") << false;
    QTest::newRow("nested recursion") << QStringLiteral("run/nested_recursion.aefl") << false;
}

void TestStudioJit::nativeRunMatchesInterpreter()
{
    QFETCH(QString, name);
    QFETCH(bool, hasMessages);
    const QByteArray source = readFile(sourcePath(name));
    const QString dir = m_dir.filePath(QString(name).replace(QLatin1Char('/'), QLatin1Char('_')));
    const RunResult native = runToEnd(name, source, true, dir);
    const RunResult interp = runToEnd(name, source, false, dir);

    QCOMPARE(native.state, interp.state);
    QVERIFY(!interp.programOutput.isEmpty());
    QCOMPARE(native.programOutput, interp.programOutput);

    QVERIFY2(native.execution.native, qPrintable(native.execution.fallbackReason));
    QVERIFY(native.execution.functions > 0);
    QVERIFY2(native.execution.nativeEntries > 0, "the engine never entered native code");
    QCOMPARE(native.execution.optLevel, 0);
    QCOMPARE(RunController::executionText(native.execution), QStringLiteral("Native code (JIT -O0)"));
    QVERIFY2(native.notes.filter(QStringLiteral("Native code (JIT -O0): ")).size() == 1, qPrintable(native.notes.join('|')));
    QVERIFY(native.notes.filter(QStringLiteral("JIT unavailable")).isEmpty());

    QVERIFY(!interp.execution.native);
    QCOMPARE(interp.execution.nativeEntries, 0u);
    QCOMPARE(RunController::executionText(interp.execution), QStringLiteral("Interpreter"));
    QVERIFY(interp.notes.filter(QStringLiteral("Native code")).isEmpty());

    QVERIFY(native.tracePath != interp.tracePath);
    const QStringList nativeRows = traceMessages(native.tracePath);
    const QStringList interpRows = traceMessages(interp.tracePath);
    QCOMPARE(nativeRows.isEmpty(), !hasMessages);
    QCOMPARE(nativeRows, interpRows);
}

void TestStudioJit::debugSteppingStaysOnTheInterpreter()
{
    const QByteArray source(studiotest::kAccProgram);
    ExecutionInfo withJit, withoutJit;
    const QList<int> on = stepLines(source, true, &withJit);
    const QList<int> off = stepLines(source, false, &withoutJit);
    QCOMPARE(on, off);
    // Both Adds through double() (lines 10, 2, 3, 11, 12, 13), then main's prints.
    QVERIFY2(on.size() >= 12, qPrintable(QString::number(on.size())));
    QCOMPARE(on.mid(0, 6), (QList<int>{10, 2, 3, 11, 12, 13}));
    // Into double() and back: the stops cover the function's lines.
    QVERIFY(on.contains(2));
    QVERIFY(on.contains(10));
    QVERIFY(!withJit.native);
    QVERIFY(withJit.debugging);
    QCOMPARE(RunController::executionText(withJit), QStringLiteral("Interpreter (debugging)"));
    QCOMPARE(withJit.nativeEntries, 0u);
}

/// Pausing a native Run (F6) and stepping: the session's lanes carry the
/// native code, the statement observer makes the engine interpret, so the
/// stops are the interpreter's; the rest of the run then uses native code.
void TestStudioJit::steppingASessionThatHasNativeCode()
{
    auto compiled = aeroflow::compiler::compile("acc.aefl", studiotest::kAccProgram);
    QVERIFY(compiled.ok());
    auto native = NativeProgram::compile(*compiled.program, 0);
    QVERIFY2(native.has_value(), native ? "" : native.error().c_str());
    auto stops = [&](const aeroflow::engine::NativeCode* code) {
        aeroflow::engine::RunOptions options;
        options.native = code;
        EngineSession s(compiled.program, options);
        s.start();
        QList<int> lines;
        for (int i = 0; i < 40; ++i) {
            s.loadStatements();
            const StatementPoint p = s.snapshot().statement;
            if (!p.valid)
                break;
            lines << p.line;
            if (s.stepStatement(aeroflow::debugger::StepKind::Into, true) == EngineSession::Result::Idle)
                break;
        }
        return lines;
    };
    const QList<int> interpreted = stops(nullptr);
    const uint64_t entriesBefore = (*native)->nativeEntries();
    const QList<int> withNative = stops(native->get());
    QCOMPARE(withNative, interpreted);
    QCOMPARE(withNative.mid(0, 6), (QList<int>{10, 2, 3, 11, 12, 13}));

    // Without stepping, the same session shape enters native code.
    aeroflow::engine::RunOptions options;
    options.native = native->get();
    EngineSession s(compiled.program, options);
    s.start();
    while (s.advance(false) == EngineSession::Result::Delivered) {
    }
    QVERIFY((*native)->nativeEntries() > entriesBefore);
}

void TestStudioJit::settingPersistsAndRunMenuReflectsIt()
{
    const QString ini = m_dir.filePath(QStringLiteral("jit.ini"));
    ThemeManager themes;
    {
        StudioSettings settings(ini);
        QVERIFY(settings.runWithNativeCode()); // on by default
        QCOMPARE(settings.jitOptLevel(), 0);
        MainWindow w(&themes, &settings);
        QAction* native = menuAction(w, QStringLiteral("Run"), QStringLiteral("run.nativeCode"));
        QVERIFY(native);
        QVERIFY(native->isCheckable());
        QVERIFY(native->isChecked());
        QVERIFY(w.runController()->runSettings().nativeCode);
        QVERIFY(w.action(QStringLiteral("run.jitOpt.0"))->isChecked());

        native->trigger(); // the user unticks it
        QVERIFY(!native->isChecked());
        QVERIFY(!settings.runWithNativeCode());
        QVERIFY(!w.runController()->runSettings().nativeCode);
        QVERIFY(!w.action(QStringLiteral("run.jitOpt.2"))->isEnabled());
        w.setRunWithNativeCode(true);
        QVERIFY(native->isChecked());
        w.action(QStringLiteral("run.jitOpt.2"))->trigger();
        QCOMPARE(w.runController()->runSettings().jitOptLevel, 2);
        QVERIFY(!w.action(QStringLiteral("run.jitOpt.0"))->isChecked());
        native->trigger();
        settings.sync();
    }
    {
        StudioSettings settings(ini);
        QVERIFY(!settings.runWithNativeCode());
        QCOMPARE(settings.jitOptLevel(), 2);
        MainWindow w(&themes, &settings);
        QVERIFY(!w.action(QStringLiteral("run.nativeCode"))->isChecked());
        QVERIFY(w.action(QStringLiteral("run.jitOpt.2"))->isChecked());
        QVERIFY(!w.runController()->runSettings().nativeCode);
        QCOMPARE(w.runController()->runSettings().jitOptLevel, 2);
    }
}

void TestStudioJit::compileFailureFallsBackToInterpreter()
{
    const QString name = QStringLiteral("examples/bank.aefl");
    const QByteArray source = readFile(sourcePath(name));
    NativeProgram::setFailureForTesting("injected: no plug-in");
    const RunResult fallback = runToEnd(name, source, true, m_dir.filePath(QStringLiteral("fallback")));
    NativeProgram::setFailureForTesting({});
    const RunResult interp = runToEnd(name, source, false, m_dir.filePath(QStringLiteral("fallback")));

    QCOMPARE(fallback.state, RunController::State::Finished);
    QCOMPARE(fallback.programOutput, interp.programOutput);
    const QStringList warnings = fallback.notes.filter(QStringLiteral("JIT unavailable"));
    QCOMPARE(warnings, QStringList{QStringLiteral("JIT unavailable (injected: no plug-in); running on the interpreter")});
    QVERIFY(!fallback.execution.native);
    QCOMPARE(fallback.execution.fallbackReason, QStringLiteral("injected: no plug-in"));
    QCOMPARE(RunController::executionText(fallback.execution), QStringLiteral("Interpreter (JIT unavailable)"));
    QCOMPARE(traceMessages(fallback.tracePath), traceMessages(interp.tracePath));

    // The hook is off again: the next Run has native code.
    const RunResult again = runToEnd(name, source, true, m_dir.filePath(QStringLiteral("fallback")));
    QVERIFY(again.execution.native);
}

void TestStudioJit::windowShowsHowTheRunExecuted()
{
    ThemeManager themes;
    StudioSettings settings(m_dir.filePath(QStringLiteral("window.ini")));
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(sourcePath(QStringLiteral("examples/bank.aefl")), true));
    RunController* run = w.runController();
    QSignalSpy traces(run, &RunController::traceWritten);

    w.runCurrent(false); // Ctrl+R
    QTRY_COMPARE_WITH_TIMEOUT(run->state(), RunController::State::Finished, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("Native code (JIT -O0)")), 5'000);
    const QString text = w.outputDock()->text();
    QVERIFY2(text.contains(QStringLiteral("Native code (JIT -O0): ")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("functions compiled in")));

    w.runCurrent(true); // F5 with breakpoints / debugging: the interpreter
    QTRY_COMPARE_WITH_TIMEOUT(run->state(), RunController::State::Finished, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(w.statusText().contains(QStringLiteral("Interpreter (debugging)")), 5'000);
    QVERIFY(!w.outputDock()->text().contains(QStringLiteral("Native code")));

    w.setRunWithNativeCode(false);
    w.runCurrent(false);
    QTRY_COMPARE_WITH_TIMEOUT(run->state(), RunController::State::Finished, 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(w.statusText().endsWith(QStringLiteral("| Interpreter")), 5'000);
    QVERIFY(!w.outputDock()->text().contains(QStringLiteral("Native code")));
}

QTEST_MAIN(TestStudioJit)
#include "tst_studio_jit.moc"
