// Forged and oversized traces and files in the Studio window: a trace whose
// rows name numbers far outside its own counts opens with a clear message in
// Output and the status bar (never a crash, never gigabytes); a stored output
// line or source line of 20 MB, a million-line output, a 20 MB file and a
// 16 MiB value in an actor's state are loaded bounded, and the window says
// what it left out. Peak memory is read from /proc/self/status.

#include "../debugger/TraceTestSupport.h"
#include "../timeline/ForgedTraceSupport.h"

#include "app/MainWindow.h"
#include "app/StudioSettings.h"
#include "app/TimeTravelViews.h"
#include "docks/ActorsDock.h"
#include "docks/OutputDock.h"
#include "docks/TimelineDock.h"
#include "editor/CodeEditor.h"
#include "editor/EditorArea.h"
#include "editor/EditorText.h"
#include "run/RunController.h"
#include "run/TraceController.h"
#include "theme/ThemeManager.h"

#include "TimelineView.h"

#include <QFile>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace aeroflow::studio;

namespace {

const QString kExamples = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/");
constexpr int64_t kMaxGrowthMb = 300;

QString readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// A program whose state holds a 16 MiB string and prints it.
const char* kBigValue = R"(mut t = "ab"
for i in range(23) { t = t + t }
print(len(t))
)";

} // namespace

class TestStudioForged : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void forgedTraceSaysWhatIsDamaged_data();
    void forgedTraceSaysWhatIsDamaged();
    void seqJumpEndsWhereTheTraceDoes();
    void twentyMegabyteOutputLine();
    void millionsOfOutputBytes();
    void twentyMegabyteSourceLine();
    void twentyMegabyteFileOpensCut();
    void outputDockCutsLongLinesLive();
    void bigStateValueIsCut();

private:
    /// Opens `path` in a window and waits for the trace and every view.
    bool openAndSettle(MainWindow& w, const QString& path);
    QTemporaryDir m_dir;
    QString m_trace;
    int64_t m_actors = 0, m_last = 0;
};

void TestStudioForged::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    forged::limitAddressSpace(uint64_t(6) << 30);
    m_trace = m_dir.filePath(QStringLiteral("game_room.aftrace"));
    auto rec = tracetest::record("game_room.aefl", readFile(kExamples + QStringLiteral("game_room.aefl")).toStdString(),
                                 m_trace.toStdString());
    QVERIFY2(rec.ok, rec.error.c_str());
    aeroflow::debugger::Database db;
    QVERIFY(db.open(m_trace.toStdString(), aeroflow::debugger::Database::Mode::ReadOnly));
    m_actors = db.scalar("SELECT count(*) FROM actors");
    m_last = db.scalar("SELECT max(seq) FROM messages");
    QVERIFY(m_actors >= 4 && m_last > 40);
}

bool TestStudioForged::openAndSettle(MainWindow& w, const QString& path)
{
    TraceController* trace = w.traceController();
    if (!w.openPath(path, true))
        return false;
    if (!QTest::qWaitFor([&] { return trace->isOpen() && !trace->busy(); }, 20'000))
        return false;
    return QTest::qWaitFor([&] { return w.timeTravel()->settled(); }, 20'000);
}

void TestStudioForged::forgedTraceSaysWhatIsDamaged_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("said");
    const QString actors = QString::number(m_actors);
    QTest::newRow("huge receiver") << QStringLiteral("UPDATE messages SET receiver = 2147483647 WHERE seq = 40")
                                   << QStringLiteral("this trace looks damaged: message 40 names receiver 2147483647 "
                                                     "but the trace has %1 actors")
                                          .arg(actors);
    QTest::newRow("huge sender") << QStringLiteral("UPDATE messages SET sender = 2147483647 WHERE seq = 40")
                                 << QStringLiteral("message 40 names sender 2147483647");
    QTest::newRow("huge actor id") << QStringLiteral("UPDATE actors SET actor_id = 2147483647 WHERE actor_id = 2")
                                   << QStringLiteral("this trace looks damaged: the actors table lists actor "
                                                     "2147483647 but the trace has %1 actors")
                                          .arg(actors);
    QTest::newRow("negative actor id") << QStringLiteral("UPDATE actors SET actor_id = -3 WHERE actor_id = 2")
                                       << QStringLiteral("the actors table lists actor -3");
    QTest::newRow("tick past the end of time")
        << QStringLiteral("UPDATE messages SET tick = 4611686018427387905 WHERE seq = %1").arg(m_last)
        << QStringLiteral("past the last tick a run can reach");
    QTest::newRow("negative tick") << QStringLiteral("UPDATE messages SET tick = -5 WHERE seq = 40")
                                   << QStringLiteral("messages 39 and 40 go back in time");
    QTest::newRow("bookmark past the run")
        << QStringLiteral("CREATE TABLE bookmarks(id INTEGER PRIMARY KEY, tick INTEGER NOT NULL, note TEXT NOT NULL);"
                          "INSERT INTO bookmarks(tick, note) VALUES (4611686018427387904, 'far')")
        << QStringLiteral("bookmark 1 is at tick 4611686018427387904 but the run ends at tick");
    QTest::newRow("thousands of huge rows")
        << QStringLiteral("UPDATE messages SET receiver = (seq * 1000003) % 4000000000000000000 + 100 WHERE seq > 2;"
                          "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000) "
                          "INSERT INTO actors(actor_id, type, name, spawned_by, spawned_at_seq) "
                          "SELECT 1000000 + x * 1000003, 0, printf('%.1000c', 'n'), 0, 0 FROM n")
        << QStringLiteral("the actors table lists actor 2000003");
}

void TestStudioForged::forgedTraceSaysWhatIsDamaged()
{
    QFETCH(QString, sql);
    QFETCH(QString, said);
    const QString path = m_dir.filePath(QStringLiteral("forged.aftrace"));
    const std::string why = forged::forge(m_trace, path, sql.toStdString());
    QVERIFY2(why.empty(), why.c_str());
    StudioSettings settings(m_dir.filePath(QStringLiteral("forged.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    QVERIFY(w.tracing());
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QStringLiteral("peak grew by %1 MiB").arg(grown)));
    // Said where the user looks: Output (once), and the status bar.
    const QString output = w.outputDock()->text();
    QVERIFY2(output.contains(QStringLiteral("⚠ ")) && output.contains(said),
             qPrintable(QStringLiteral("wanted \"%1\" in Output:\n%2").arg(said, output)));
    QCOMPARE(output.count(said), 1);
    QVERIFY(!w.grab().isNull());
}

void TestStudioForged::seqJumpEndsWhereTheTraceDoes()
{
    const QString path = m_dir.filePath(QStringLiteral("jump.aftrace"));
    QVERIFY(forged::forge(m_trace, path, "UPDATE messages SET seq = 1099511627776 WHERE seq = " + std::to_string(m_last))
                .empty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("jump.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    // The run ends at the last message that follows its predecessor.
    QCOMPARE(w.traceController()->end(), quint64(m_last - 1));
    QCOMPARE(w.traceController()->position(), quint64(m_last - 1));
    QCOMPARE(w.timeTravel()->cursor()->endSeq(), uint64_t(m_last - 1));
    QVERIFY(w.outputDock()->text().contains(
        QStringLiteral("message 1099511627776 follows message %1 (messages are numbered 1, 2, 3, … without gaps)")
            .arg(m_last - 1)));
    const auto* view = w.timeTravel()->timelineDock()->view();
    QVERIFY(view->damage().contains(QStringLiteral("1099511627776")));
    QVERIFY(view->frame() && view->frame()->lastSeq == uint64_t(m_last - 1));
    // Stepping past the end stays at the end.
    w.traceController()->stepForward();
    QVERIFY(QTest::qWaitFor([&] { return !w.traceController()->busy(); }, 10'000));
    QCOMPARE(w.traceController()->position(), quint64(m_last - 1));
}

void TestStudioForged::twentyMegabyteOutputLine()
{
    const QString path = m_dir.filePath(QStringLiteral("outline.aftrace"));
    const std::string line(20'000'000, 'y');
    QVERIFY(forged::forge(m_trace, path,
                          "UPDATE outputs SET text = ?1 || char(10) WHERE rowid = "
                          "(SELECT max(rowid) FROM outputs WHERE stream = 0)",
                          &line)
                .empty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("outline.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    const QString output = w.outputDock()->text();
    QVERIFY2(output.size() < 100'000, qPrintable(QString::number(output.size())));
    QVERIFY(output.contains(QStringLiteral("20000001 bytes in all; the whole line: aeroflow query outline.aftrace "
                                           "\"SELECT text FROM outputs WHERE rowid = ")));
    QVERIFY(output.contains(QStringLiteral("— end of the recorded output —")));
}

void TestStudioForged::millionsOfOutputBytes()
{
    // 60,000 lines of 300 bytes: 18 MB, more than Output loads at once.
    const QString path = m_dir.filePath(QStringLiteral("manylines.aftrace"));
    QVERIFY(forged::forge(m_trace, path,
                          "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 60000) "
                          "INSERT INTO outputs(seq, stream, text) SELECT 5, 0, printf('%06d %.292c', x, 'l') || char(10) "
                          "FROM n")
                .empty());
    StudioSettings settings(m_dir.filePath(QStringLiteral("manylines.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    const QString output = w.outputDock()->text();
    QVERIFY(qsizetype(output.size()) < qsizetype(TraceWorker::kMaxOutputBytes) + 100'000);
    QVERIFY(output.contains(QStringLiteral("earlier lines (showing the last")));
    QVERIFY(output.contains(QStringLiteral("060000 "))); // the last line is there
    QVERIFY(!output.contains(QStringLiteral("000001 ")));
}

void TestStudioForged::twentyMegabyteSourceLine()
{
    // Recorded for real: the trace's source has a 20 MB comment line and its
    // program hash matches, so the trace opens as the user would see it.
    const QString original = readFile(kExamples + QStringLiteral("counter.aefl"));
    const QString source = QStringLiteral("# ") + QString(20'000'000, QLatin1Char('x')) + QStringLiteral("\n") + original;
    const QString path = m_dir.filePath(QStringLiteral("bigsource.aftrace"));
    auto rec = tracetest::record("bigsource.aefl", source.toStdString(), path.toStdString());
    QVERIFY2(rec.ok, rec.error.c_str());
    StudioSettings settings(m_dir.filePath(QStringLiteral("bigsource.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    CodeEditor* e = w.traceEditor();
    QVERIFY(e);
    QVERIFY(e->isReadOnly());
    QVERIFY(e->text().size() < 100'000);
    QVERIFY2(e->cutNotice().contains(QStringLiteral("Too large to show whole (")), qPrintable(e->cutNotice()));
    QVERIFY(e->text(0).contains(QStringLiteral("more characters not shown")));
    // Every other line is where it was: execution points still land right.
    const QStringList lines = original.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size() - 1; ++i)
        QCOMPARE(e->text(i + 1).chopped(e->text(i + 1).endsWith(QLatin1Char('\n')) ? 1 : 0), lines[i]);
}

void TestStudioForged::twentyMegabyteFileOpensCut()
{
    const QString file = m_dir.filePath(QStringLiteral("huge.aefl"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(readFile(kExamples + QStringLiteral("counter.aefl")).toUtf8());
        f.write("let s = \"");
        f.write(QByteArray(20'000'000, 's'));
        f.write("\"\n");
    }
    StudioSettings settings(m_dir.filePath(QStringLiteral("huge.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    QVERIFY(w.openPath(file, true));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    CodeEditor* e = w.editorArea()->currentEditor();
    QVERIFY(e && e->filePath() == file);
    QVERIFY(e->isReadOnly());
    QVERIFY(e->text().size() < 100'000);
    QVERIFY(!e->cutNotice().isEmpty());
    QString error;
    QVERIFY(!w.editorArea()->save(&error));
    QVERIFY2(error.contains(QStringLiteral("opened cut")), qPrintable(error));
    // Nor run: what the editor holds is not the program.
    w.runCurrent(false);
    QCOMPARE(w.runController()->state(), RunController::State::Idle);
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("opened cut")),
             qPrintable(w.statusBar()->currentMessage()));
    QCOMPARE(QFileInfo(file).size(), qint64(20'000'000) + readFile(kExamples + QStringLiteral("counter.aefl")).toUtf8().size() + 11);
    // Cutting itself: whole lines past the budget, long lines with a marker.
    const EditorText small = editorTextOf(QStringLiteral("ab\ncdefgh\nij\n"), 6, 3);
    QCOMPARE(small.text, QStringLiteral("ab\ncde … (3 more characters not shown)\n"));
    QCOMPARE(small.cutLines, qsizetype(1));
    QCOMPARE(small.leftOutChars, qsizetype(3));
    QVERIFY(editorTextOf(QStringLiteral("short\nlines\n")).notice.isEmpty());
}

void TestStudioForged::outputDockCutsLongLinesLive()
{
    OutputDock dock;
    const forged::PeakMemory peak;
    dock.appendLines({OutputLine{0, OutputKind::Output, QString(20'000'000, QLatin1Char('z')) + QLatin1Char('\n')},
                      OutputLine{0, OutputKind::Output, QStringLiteral("after\n")}});
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    QString text = dock.text();
    QVERIFY(text.size() < 2 * OutputDock::kMaxLineChars);
    QVERIFY(text.contains(QStringLiteral("… (19990000 more characters)\nafter\n")));
    // Only long lines are cut: a text of many short lines (diagnostics) is whole.
    QString report;
    for (int i = 0; i < 2'000; ++i)
        report += QStringLiteral("error %1: something is wrong here\n").arg(i, 4, 10, QLatin1Char('0'));
    QVERIFY(report.size() > OutputDock::kMaxLineChars);
    dock.appendLines({OutputLine{0, OutputKind::Error, report + QString(12'000, QLatin1Char('w')) + QStringLiteral("\nend\n")}});
    text = dock.text();
    QVERIFY(text.contains(report + QString(OutputDock::kMaxLineChars, QLatin1Char('w')) + QStringLiteral("… (2000 more characters)\nend\n")));
    // Past the budget the oldest lines go, and a line says so.
    QVector<OutputLine> many;
    for (int i = 0; i < 2'000; ++i)
        many.push_back({0, OutputKind::Output, QString(9'999, QLatin1Char('a' + i % 26)) + QLatin1Char('\n')});
    dock.appendLines(many);
    text = dock.text();
    QVERIFY(text.size() <= OutputDock::kMaxChars);
    QVERIFY(text.startsWith(QStringLiteral("… ")));
    QVERIFY(text.contains(QStringLiteral("earlier lines left out")));
    QVERIFY(text.endsWith(QString(9'999, QLatin1Char('a' + 1999 % 26)) + QLatin1Char('\n')));
}

void TestStudioForged::bigStateValueIsCut()
{
    const QString path = m_dir.filePath(QStringLiteral("bigvalue.aftrace"));
    auto rec = tracetest::record("bigvalue.aefl", kBigValue, path.toStdString());
    QVERIFY2(rec.ok, rec.error.c_str());
    StudioSettings settings(m_dir.filePath(QStringLiteral("bigvalue.ini")));
    ThemeManager themes;
    const forged::PeakMemory peak;
    MainWindow w(&themes, &settings);
    w.show();
    QVERIFY(openAndSettle(w, path));
    const int64_t grown = peak.grownMb();
    QVERIFY2(grown < kMaxGrowthMb, qPrintable(QString::number(grown)));
    bool found = false;
    for (const ActorView& a : w.traceController()->lastSnapshot().actors)
        for (const ActorField& f : a.fields)
            if (f.name == QStringLiteral("t")) {
                found = true;
                QVERIFY(f.value.size() < qsizetype(kMaxShownFieldBytes) + 64);
                QVERIFY(f.value.endsWith(QStringLiteral(" bytes)")));
            }
    QVERIFY(found);
}

QTEST_MAIN(TestStudioForged)
#include "tst_studio_forged.moc"
