// Recorded runs in the Studio: every Run writes a trace (project .aeroflow/
// folder or a session temp folder), a trace opens in the window (source,
// output, lazily listed messages, state at a seq through TimeTravel), damaged
// traces give a message instead of a crash, and a Preview click is recorded
// as a ui_event effect.

#include "app/MainWindow.h"
#include "app/StartupOptions.h"
#include "app/StudioSettings.h"
#include "docks/ActorsDock.h"
#include "docks/MessagesDock.h"
#include "docks/OutputDock.h"
#include "docks/PreviewDock.h"
#include "editor/CodeEditor.h"
#include "theme/ThemeManager.h"

#include "Replayer.h"
#include "TimeTravel.h"
#include "TraceReader.h"

#include <QFile>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTableView>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace aeroflow::studio;

namespace {
const QString kExamples = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/");

QString fieldValue(const SessionSnapshot& s, const QString& actor, const QString& field)
{
    for (const ActorView& a : s.actors)
        if (a.name == actor)
            for (const ActorField& f : a.fields)
                if (f.name == field)
                    return f.value;
    return {};
}
} // namespace

class TestStudioTrace : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runIsRecordedInProject();
    void openTraceShowsRecordedRun();
    void steppingBackKeepsOneConsistentTrace();
    void damagedTraceIsAMessage();
    void unwritableTraceDirStillRuns();
    void previewClickIsRecorded();
    void traceScreenshots();

private:
    /// Runs `file` in a fresh window and returns the trace it wrote.
    QString runAndRecord(MainWindow& w, const QString& file);
    QTemporaryDir m_dir;
    QString m_trace;
};

void TestStudioTrace::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("project/.aeroflow")));
    QVERIFY(QFile::copy(kExamples + QStringLiteral("counter.aefl"), m_dir.filePath(QStringLiteral("project/counter.aefl"))));
}

QString TestStudioTrace::runAndRecord(MainWindow& w, const QString& file)
{
    QSignalSpy written(w.runController(), &RunController::traceWritten);
    if (!w.openPath(file, true))
        return {};
    w.runCurrent(false);
    if (!waitForRunToSettle(w, 10'000) || (written.isEmpty() && !written.wait(10'000)))
        return {};
    if (!written.front().at(1).toString().isEmpty())
        qWarning("%s", qPrintable(written.front().at(1).toString()));
    return written.front().at(0).toString();
}

void TestStudioTrace::runIsRecordedInProject()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("a.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    m_trace = runAndRecord(w, m_dir.filePath(QStringLiteral("project/counter.aefl")));
    QCOMPARE(m_trace, m_dir.filePath(QStringLiteral("project/.aeroflow/counter-1.aftrace")));
    QTRY_VERIFY_WITH_TIMEOUT(w.outputDock()->text().contains(QStringLiteral("Recorded to")), 5'000);
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("counter-1.aftrace")));

    auto reader = aeroflow::debugger::TraceReader::open(m_trace.toStdString());
    QVERIFY2(reader, reader ? "" : reader.error().c_str());
    QVERIFY((*reader)->info().complete);
    QCOMPARE((*reader)->info().messages, w.runController()->delivered());
    QCOMPARE((*reader)->info().messages, quint64(7));

    // The next run gets the next number.
    const QString second = runAndRecord(w, m_dir.filePath(QStringLiteral("project/counter.aefl")));
    QCOMPARE(second, m_dir.filePath(QStringLiteral("project/.aeroflow/counter-2.aftrace")));
}

void TestStudioTrace::openTraceShowsRecordedRun()
{
    QVERIFY(!m_trace.isEmpty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("b.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    TraceController* trace = w.traceController();
    QVERIFY(w.openPath(m_trace, true));
    QTRY_VERIFY_WITH_TIMEOUT(trace->isOpen() && !trace->busy(), 10'000);
    QVERIFY(w.tracing());
    QVERIFY(w.traceEditor());
    QVERIFY(w.traceEditor()->isReadOnly());
    QVERIFY(w.traceEditor()->text().contains(QStringLiteral("actor Counter")));
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("count = 42")));
    QVERIFY(w.outputDock()->text().contains(QStringLiteral("after one more increment: 1")));
    QCOMPARE(w.messagesDock()->model()->rowCount(), 7);
    QCOMPARE(trace->position(), quint64(7));

    // Stepping through the recording: the Actors dock shows the recorded state.
    auto tt = aeroflow::debugger::TimeTravel::open(m_trace.toStdString());
    QVERIFY(tt);
    for (quint64 seq : {quint64(1), quint64(3), quint64(0)}) {
        auto expected = (*tt)->stateAt(1, seq);
        QVERIFY(expected);
        trace->seek(seq);
        QTRY_VERIFY_WITH_TIMEOUT(!trace->busy(), 10'000);
        QCOMPARE(trace->position(), seq);
        const QString shown = fieldValue(trace->lastSnapshot(), QStringLiteral("Counter#1"), QStringLiteral("count"));
        QString want;
        for (const auto& [f, v] : expected->fields)
            if (f == "count")
                want = QString::fromStdString(v);
        QCOMPARE(shown, want);
    }
    QCOMPARE(fieldValue(trace->lastSnapshot(), QStringLiteral("Counter#1"), QStringLiteral("count")), QStringLiteral("0"));
    w.action(QStringLiteral("debug.nextMessage"))->trigger(); // Ctrl+F10 → after delivery 1: Add(41)
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && trace->position() == 1, 10'000);
    QCOMPARE(fieldValue(trace->lastSnapshot(), QStringLiteral("Counter#1"), QStringLiteral("count")), QStringLiteral("41"));
    w.action(QStringLiteral("debug.nextMessage"))->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && trace->position() == 2, 10'000);
    QCOMPARE(fieldValue(trace->lastSnapshot(), QStringLiteral("Counter#1"), QStringLiteral("count")), QStringLiteral("42"));
    w.action(QStringLiteral("debug.previousMessage"))->trigger(); // Ctrl+Shift+F10
    QTRY_VERIFY_WITH_TIMEOUT(!trace->busy() && trace->position() == 1, 10'000);
    QCOMPARE(fieldValue(trace->lastSnapshot(), QStringLiteral("Counter#1"), QStringLiteral("count")), QStringLiteral("41"));
    QVERIFY(w.statusText().contains(QStringLiteral("message 1 of 7")));
}

void TestStudioTrace::steppingBackKeepsOneConsistentTrace()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("f.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    RunController* run = w.runController();
    QSignalSpy written(run, &RunController::traceWritten);
    QVERIFY(w.openPath(m_dir.filePath(QStringLiteral("project/counter.aefl")), true));
    w.runCurrent(true, true);
    QTRY_COMPARE_WITH_TIMEOUT(run->state(), RunController::State::Paused, 10'000);
    auto waitAt = [&](quint64 n) {
        return QTest::qWaitFor([&] { return run->state() == RunController::State::Paused && run->delivered() == n; }, 10'000);
    };
    for (quint64 n = 1; n <= 3; ++n) {
        run->nextMessage();
        QVERIFY(waitAt(n));
    }
    run->previousMessage();
    QVERIFY(waitAt(2));
    run->previousMessage();
    QVERIFY(waitAt(1));
    run->nextMessage();
    QVERIFY(waitAt(2));
    run->continueRun();
    QVERIFY(!written.isEmpty() || written.wait(10'000));
    auto reader = aeroflow::debugger::TraceReader::open(written.front().at(0).toString().toStdString());
    QVERIFY2(reader, reader ? "" : reader.error().c_str());
    QVERIFY((*reader)->info().complete);
    QCOMPARE((*reader)->info().messages, quint64(7));
    auto tt = aeroflow::debugger::TimeTravel::open(written.front().at(0).toString().toStdString());
    QVERIFY(tt);
    aeroflow::debugger::ReplayOptions verify;
    verify.verify = true;
    auto report = aeroflow::debugger::replayTrace(**reader, (*tt)->programPtr(), verify);
    QVERIFY2(report, report ? "" : report.error().c_str());
    QVERIFY(!report->divergence);
}

void TestStudioTrace::damagedTraceIsAMessage()
{
    QVERIFY(!m_trace.isEmpty());
    const QString random = m_dir.filePath(QStringLiteral("x.aftrace"));
    {
        QFile f(random);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray bytes(64 * 1024, '\0');
        for (char& c : bytes)
            c = char(QRandomGenerator::global()->bounded(256));
        f.write(bytes);
    }
    QFile original(m_trace);
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray all = original.readAll();
    const QString truncated = m_dir.filePath(QStringLiteral("truncated.aftrace"));
    {
        QFile f(truncated);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(all.left(all.size() / 3));
    }
    const QString empty = m_dir.filePath(QStringLiteral("empty.aftrace"));
    QFile(empty).open(QIODevice::WriteOnly);
    for (const QString& path : {random, truncated, empty, m_dir.filePath(QStringLiteral("missing.aftrace"))}) {
        StudioSettings settings(m_dir.filePath(QStringLiteral("c.ini")));
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        QSignalSpy failed(w.traceController(), &TraceController::openFailed);
        w.openPath(path, true);
        QVERIFY2(!failed.isEmpty() || failed.wait(10'000), qPrintable(path));
        QVERIFY(!w.tracing());
        QVERIFY2(w.outputDock()->text().contains(QStringLiteral("Cannot open the trace")), qPrintable(w.outputDock()->text()));
        QVERIFY(!w.traceController()->busy());
    }
}

void TestStudioTrace::unwritableTraceDirStillRuns()
{
    // `.aeroflow` is a file here, so no trace can be created (root ignores
    // permissions, so a read-only folder would not test this).
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("blocked")));
    QVERIFY(QFile::copy(kExamples + QStringLiteral("counter.aefl"), m_dir.filePath(QStringLiteral("blocked/counter.aefl"))));
    QFile block(m_dir.filePath(QStringLiteral("blocked/.aeroflow")));
    QVERIFY(block.open(QIODevice::WriteOnly));
    block.close();
    StudioSettings settings(m_dir.filePath(QStringLiteral("d.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(m_dir.filePath(QStringLiteral("blocked")), true));
    w.runCurrent(false);
    QVERIFY(waitForRunToSettle(w, 10'000));
    QTRY_VERIFY_WITH_TIMEOUT(w.outputDock()->text().contains(QStringLiteral("count = 42")), 10'000);
    QVERIFY2(w.outputDock()->text().contains(QStringLiteral("Not recorded")), qPrintable(w.outputDock()->text()));
    QCOMPARE(w.runController()->state(), RunController::State::Finished);
}

void TestStudioTrace::previewClickIsRecorded()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("e.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QSignalSpy written(w.runController(), &RunController::traceWritten);
    QVERIFY(w.openPath(kExamples + QStringLiteral("login_screen.aefl"), true));
    w.runCurrent(false);
    QVERIFY(waitForRunToSettle(w, 10'000));
    QTRY_COMPARE_WITH_TIMEOUT(w.previewDock()->screenCount(), 1, 10'000);
    QPushButton* clear = nullptr;
    for (QPushButton* b : w.previewDock()->canvas()->findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Clear"))
            clear = b;
    QVERIFY(clear);
    const quint64 before = w.runController()->delivered();
    clear->click();
    QTRY_VERIFY_WITH_TIMEOUT(w.runController()->delivered() > before, 10'000);
    QCOMPARE(written.size(), 0); // a live screen keeps the recording open
    w.runController()->stop();
    QVERIFY(!written.isEmpty() || written.wait(10'000));
    const QString path = written.front().at(0).toString();
    QVERIFY(path.endsWith(QStringLiteral("login_screen-1.aftrace")));
    auto reader = aeroflow::debugger::TraceReader::open(path.toStdString());
    QVERIFY2(reader, reader ? "" : reader.error().c_str());
    auto effects = (*reader)->effectsFrom(0);
    QVERIFY(effects);
    bool found = false;
    for (const auto& e : *effects)
        found = found || (e.kind == "ui_event" && e.value.find("Clear") != std::string::npos);
    QVERIFY(found);
    QCOMPARE((*reader)->info().messages, w.runController()->delivered());
}

void TestStudioTrace::traceScreenshots()
{
    QVERIFY(!m_trace.isEmpty());
    for (const QString& theme : {QStringLiteral("dark"), QStringLiteral("light")}) {
        StudioSettings settings(m_dir.filePath(QStringLiteral("shot.ini")));
        ThemeManager themes;
        MainWindow w(&themes, &settings);
        w.setTheme(theme);
        w.openPath(m_trace, true);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.traceController()->isOpen() && !w.traceController()->busy(), 10'000);
        w.traceController()->seek(2);
        QTRY_VERIFY_WITH_TIMEOUT(!w.traceController()->busy(), 10'000);
        w.messagesDock()->raise();
        w.messagesDock()->view()->selectRow(1);
        QCoreApplication::processEvents();
        const QString path = QStringLiteral(AEROFLOW_STUDIO_SHOT_DIR "/studio-trace-%1.png").arg(theme);
        QVERIFY(w.grab().toImage().save(path));
    }
}

QTEST_MAIN(TestStudioTrace)
#include "tst_studio_trace.moc"
