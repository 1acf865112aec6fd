// Programs of several files in the Studio: Run reads the files the entry file
// imports from beside it and records them all; an opened trace lists them in
// Program files, and stepping into code of another file opens that file at
// the line; an editor checks its file together with the files it imports.

#include "app/MainWindow.h"
#include "app/StudioSettings.h"
#include "docks/ProgramFilesDock.h"
#include "editor/CodeEditor.h"
#include "editor/DiagnosticsService.h"
#include "editor/EditorArea.h"
#include "run/RunController.h"
#include "run/TraceController.h"
#include "theme/ThemeManager.h"

#include "TraceReader.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace aeroflow::studio;
using aeroflow::debugger::StepKind;

namespace {

const QByteArray kMain = R"(import "./orders.aefl"
let shop = spawn(Shop)
send(shop, Place("book", 12))
)";
const QByteArray kOrders = R"(import "./lib/tax.aefl"

actor Shop {
    state total = 0
    on Place(item, price) {
        total += with_tax(price)
        print(f"{item}: {total}")
    }
}
)";
const QByteArray kTax = R"(let RATE = 20
fn with_tax(x) {
    return x + x * RATE / 100
}
)";

bool writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

/// Analyses the editor's text now and waits for that analysis (not an older one).
bool analyzed(CodeEditor* e)
{
    DiagnosticsService* d = e->diagnosticsService();
    d->analyzeNow();
    const quint64 revision = d->revision();
    return QTest::qWaitFor([&] { return d->latest().revision == revision && !d->busy(); }, 10'000);
}

bool settle(TraceController& t)
{
    return QTest::qWaitFor([&] { return t.isOpen() && !t.busy(); }, 10'000);
}

} // namespace

class TestStudioModules : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runRecordsEveryFile();
    void traceListsFilesAndStepsIntoThem();
    void editorChecksWithImports();
    void breakpointsInImportedFiles();
    void debugRunOpensTheImportedFile();

private:
    QTemporaryDir m_dir;
    QString m_main, m_trace;
};

void TestStudioModules::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_main = m_dir.filePath(QStringLiteral("shop/main.aefl"));
    QVERIFY(writeFile(m_main, kMain));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("shop/orders.aefl")), kOrders));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("shop/lib/tax.aefl")), kTax));
}

void TestStudioModules::runRecordsEveryFile()
{
    RunController run;
    RunSettings settings;
    settings.traceDir = m_dir.filePath(QStringLiteral("traces"));
    settings.traceStem = QStringLiteral("shop");
    run.setRunSettings(settings);
    QSignalSpy written(&run, &RunController::traceWritten);
    QSignalSpy failed(&run, &RunController::compileFailed);
    run.start(m_main, kMain, {}, false);
    QVERIFY(written.wait(10'000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().at(0).toString()));
    QCOMPARE(written.front().at(1).toString(), QString());
    m_trace = written.front().at(0).toString();
    auto reader = aeroflow::debugger::TraceReader::open(m_trace.toStdString());
    QVERIFY(reader);
    auto files = (*reader)->sourceFiles();
    QVERIFY(files);
    QCOMPARE(files->size(), size_t(3));
    QCOMPARE(files->at(0).first, std::string("main.aefl"));
    QCOMPARE(files->at(1).first, std::string("orders.aefl"));
    QCOMPARE(files->at(2).first, std::string("lib/tax.aefl"));
    QCOMPARE(QByteArray::fromStdString(files->at(1).second), kOrders);
}

void TestStudioModules::traceListsFilesAndStepsIntoThem()
{
    QVERIFY(!m_trace.isEmpty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("modules.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(m_trace, true));
    TraceController* t = w.traceController();
    QVERIFY(settle(*t));
    ProgramFilesDock* files = w.programFilesDock();
    QVERIFY(!files->isHidden());
    QCOMPARE(files->fileCount(), 3);
    QVERIFY(!files->view()->findItems(QStringLiteral("tax.aefl"), Qt::MatchRecursive).isEmpty());

    // Before the first delivery, at its first statement: in orders.aefl.
    QSignalSpy positioned(t, &TraceController::positioned);
    t->seek(0);
    QVERIFY(settle(*t));
    QVERIFY(t->lastSnapshot().statement.valid);
    QCOMPARE(t->lastSnapshot().sourceFile, 1);
    QCOMPARE(positioned.last().at(1).toInt(), 6); // `total += with_tax(price)`
    CodeEditor* orders = w.editorArea()->currentEditor();
    QVERIFY(orders);
    QVERIFY2(orders->property("aeroflowReadOnlyTitle").toString().startsWith(QLatin1String("orders.aefl")),
             qPrintable(orders->property("aeroflowReadOnlyTitle").toString()));
    QCOMPARE(orders->executionLine(), 5);

    // Step into with_tax: lib/tax.aefl opens at its line.
    t->stepStatement(StepKind::Into, true);
    QVERIFY(settle(*t));
    QCOMPARE(t->lastSnapshot().sourceFile, 2);
    CodeEditor* tax = w.editorArea()->currentEditor();
    QVERIFY(tax && tax != orders);
    QVERIFY(tax->property("aeroflowReadOnlyTitle").toString().startsWith(QLatin1String("lib/tax.aefl")));
    QCOMPARE(tax->executionLine(), 2); // `return x + x * RATE / 100`
    QCOMPARE(orders->executionLine(), -1);
    // A recorded file checks against the recorded files: no "compiled alone".
    QVERIFY(analyzed(tax));
    QVERIFY2(tax->diagnostics().isEmpty(), qPrintable(tax->diagnostics().value(0).message));
    QVERIFY(analyzed(orders));
    QVERIFY2(orders->diagnostics().isEmpty(), qPrintable(orders->diagnostics().value(0).message));

    // The tree opens a file too.
    Q_EMIT files->fileActivated(0);
    QVERIFY(w.editorArea()->currentEditor() != tax);
}

void TestStudioModules::editorChecksWithImports()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("editor.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(m_main, true));
    CodeEditor* e = w.editorArea()->currentEditor();
    QVERIFY(e);
    QVERIFY(analyzed(e));
    QVERIFY2(e->diagnostics().isEmpty(), qPrintable(e->diagnostics().value(0).message));

    // An error in an imported file shows at the top of the entry file.
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("shop/lib/tax.aefl")), "fn with_tax(x) { return x + }\n"));
    QVERIFY(analyzed(e));
    QVERIFY(!e->diagnostics().isEmpty());
    QVERIFY2(e->diagnostics().front().message.contains(QLatin1String("in the files this program imports; the first: lib/tax.aefl:1:")),
             qPrintable(e->diagnostics().front().message));
    QVERIFY(writeFile(m_dir.filePath(QStringLiteral("shop/lib/tax.aefl")), kTax));
}

void TestStudioModules::breakpointsInImportedFiles()
{
    // A live debug run stops at a breakpoint in orders.aefl (`on Place`, line 5)
    // and says so in that file's terms.
    RunController run;
    QSignalSpy point(&run, &RunController::executionPointChanged);
    run.start(m_main, kMain, {BreakpointSpec{5, {}, QStringLiteral("orders.aefl")}}, true);
    QVERIFY(QTest::qWaitFor([&] { return run.state() == RunController::State::Paused; }, 10'000));
    QVERIFY(!point.isEmpty());
    QCOMPARE(point.last().at(0).toInt(), 6); // paused at the handler's first statement
    QCOMPARE(run.lastSnapshot().sourcePath, QStringLiteral("orders.aefl"));
    QCOMPARE(run.lastSnapshot().sourceFile, 1);
    QCOMPARE(run.lastSnapshot().next.message, QStringLiteral("Place(\"book\", 12)"));
    run.stop();

    // The recorded run: reverse-continue from the end to a line of a plain
    // function in lib/tax.aefl (without the hit it would stop at the first
    // statement of Place, in orders.aefl).
    QVERIFY(!m_trace.isEmpty());
    TraceController t;
    t.open(m_trace);
    QVERIFY(settle(t));
    t.seek(t.end());
    QVERIFY(settle(t));
    QSignalSpy positioned(&t, &TraceController::positioned);
    t.continueTo({BreakpointSpec{3, {}, QStringLiteral("lib/tax.aefl")}}, false);
    QVERIFY(settle(t));
    QCOMPARE(t.position(), 0u);
    QCOMPARE(t.lastSnapshot().sourceFile, 2);
    QCOMPARE(positioned.last().at(1).toInt(), 3);
    // A file that is not in the program hits nothing: forward runs to the end.
    t.seek(0);
    QVERIFY(settle(t));
    t.continueTo({BreakpointSpec{3, {}, QStringLiteral("nowhere.aefl")}}, true);
    QVERIFY(settle(t));
    QCOMPARE(t.position(), t.end());
}

// Through the window: a breakpoint set in lib/tax.aefl's editor stops a
// Debug run of main.aefl there, and that file's editor shows the line.
void TestStudioModules::debugRunOpensTheImportedFile()
{
    StudioSettings settings(m_dir.filePath(QStringLiteral("debug.ini")));
    ThemeManager themes;
    MainWindow w(&themes, &settings);
    const QString taxPath = QFileInfo(m_dir.filePath(QStringLiteral("shop/lib/tax.aefl"))).absoluteFilePath();
    QVERIFY(w.openPath(taxPath, true));
    CodeEditor* tax = w.editorArea()->currentEditor();
    QVERIFY(tax);
    tax->setBreakpoint(2, {}); // `return x + x * RATE / 100` (0-based)
    QVERIFY(w.openPath(m_main, true));
    CodeEditor* main = w.editorArea()->currentEditor();
    QVERIFY(main && main != tax);
    w.runCurrent(true);
    RunController* run = w.runController();
    QVERIFY(QTest::qWaitFor([&] { return run->state() == RunController::State::Paused; }, 10'000));
    QCOMPARE(run->lastSnapshot().sourcePath, QStringLiteral("lib/tax.aefl"));
    QCOMPARE(w.editorArea()->currentEditor(), tax);
    QCOMPARE(tax->executionLine(), 2);
    QCOMPARE(main->executionLine(), -1);
    run->stop();
}

QTEST_MAIN(TestStudioModules)
#include "tst_studio_modules.moc"
