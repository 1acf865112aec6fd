// End-to-end tests of the `aeroflow` command: the real binary (its path comes
// from CMake as AEROFLOW_CLI) run with QProcess on files in a temporary
// directory. Checks exit statuses (0 clean, 1 diagnostics or unreadable
// input, 2 usage), what goes to stdout and stderr, and the gcc-style
// diagnostic format.

#include <QtTest>

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <random>

namespace {

struct Run {
    QProcess::ExitStatus status = QProcess::CrashExit;
    int code = -1;
    QByteArray out;
    QByteArray err;
    bool finished = false;

    QString describe() const
    {
        return QStringLiteral("exit %1%2\n--- stdout\n%3\n--- stderr\n%4")
            .arg(code)
            .arg(status == QProcess::CrashExit ? QStringLiteral(" (crashed)") : QString())
            .arg(QString::fromUtf8(out.left(2000)), QString::fromUtf8(err.left(2000)));
    }
};

Run runCli(const QStringList& args, const QByteArray& input = {})
{
    QProcess p;
    p.setProgram(QStringLiteral(AEROFLOW_CLI));
    p.setArguments(args);
    p.start();
    Run r;
    if (!p.waitForStarted(30000))
        return r;
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    // A generous guard against a hung process, not a timing assertion.
    r.finished = p.waitForFinished(120000);
    if (!r.finished) {
        p.kill();
        p.waitForFinished();
    }
    r.status = p.exitStatus();
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

/// Lines of the form `FILE:LINE:COL: error: ...`, each with the source line
/// and a caret line after it. Returns the (line, col) pairs found, in order,
/// and fails (by returning an empty list and setting `why`) when a caret line
/// is missing.
QList<QPair<int, int>> errorLocations(const QByteArray& err, const QString& file, QString* why)
{
    const QStringList lines = QString::fromUtf8(err).split(QLatin1Char('\n'));
    const QRegularExpression head(QLatin1Char('^') + QRegularExpression::escape(file) + QStringLiteral(R"(:(\d+):(\d+): error: \S)"));
    const QRegularExpression caret(QStringLiteral(R"(^\s*\^~*$)"));
    QList<QPair<int, int>> out;
    for (int i = 0; i < lines.size(); ++i) {
        const auto m = head.match(lines[i]);
        if (!m.hasMatch())
            continue;
        if (i + 2 >= lines.size() || !lines[i + 1].startsWith(QLatin1String("  ")) || !caret.match(lines[i + 2]).hasMatch()) {
            *why = QStringLiteral("no source and caret line after: ") + lines[i];
            return {};
        }
        out.append({m.captured(1).toInt(), m.captured(2).toInt()});
    }
    return out;
}

const QByteArray kClean = "let x = 1\n"
                          "fn double_it(a) { return a * 2 }\n"
                          "print(double_it(x) + 2)\n";

const QByteArray kThreeErrors = "print(a)\n"
                                "let x: Int = \"s\"\n"
                                "if 1 { }\n";

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void checkCleanFile();
    void checkFileWithThreeErrors();
    void checkWithoutSnippets();
    void checkWarningsOnly();
    void checkEmptyFile();
    void checkMissingFile();
    void checkDirectory();
    void wrongExtension_data();
    void wrongExtension();
    void usageErrors_data();
    void usageErrors();
    void help_data();
    void help();
    void version();
    void studioAlias();
    void checkStdin_data();
    void checkStdin();
    void disasmCleanFile();
    void disasmFileWithErrors();
    void disasmStdin();
    void severalFiles();
    void severalFilesOneMissing();
    void pathologicalFilesDoNotCrash_data();
    void pathologicalFilesDoNotCrash();
    void longExpressionDoesNotCrash();
    void snapshotThenResume_data();
    void snapshotThenResume();
    void resumeRejectsBadFiles();
    void pausedRecordingVerifies();

private:
    QString write(const QString& name, const QByteArray& content);
    QTemporaryDir m_dir;
};

QString TestCli::write(const QString& name, const QByteArray& content)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(content);
    return path;
}

void TestCli::initTestCase()
{
    QVERIFY2(QFileInfo(QStringLiteral(AEROFLOW_CLI)).isExecutable(), AEROFLOW_CLI);
    QVERIFY(m_dir.isValid());
}

void TestCli::checkCleanFile()
{
    const QString file = write(QStringLiteral("clean.aefl"), kClean);
    const Run r = runCli({QStringLiteral("check"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));

    // The other accepted extension.
    const Run af = runCli({QStringLiteral("check"), write(QStringLiteral("clean.af"), kClean)});
    QVERIFY2(af.status == QProcess::NormalExit && af.code == 0, qPrintable(af.describe()));
}

void TestCli::checkFileWithThreeErrors()
{
    const QString file = write(QStringLiteral("three.aefl"), kThreeErrors);
    const Run r = runCli({QStringLiteral("check"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(r.describe()));
    QString why;
    const auto locations = errorLocations(r.err, file, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why + QLatin1Char('\n') + r.describe()));
    QCOMPARE(locations, (QList<QPair<int, int>>{{1, 7}, {2, 14}, {3, 4}}));
    QCOMPARE(int(r.err.count(": error: ")), 3);
    QVERIFY2(r.err.contains("  print(a)\n        ^\n"), qPrintable(r.describe()));
    QVERIFY2(r.err.contains("  let x: Int = \"s\"\n               ^~~\n"), qPrintable(r.describe()));
    QVERIFY2(r.err.endsWith("3 errors, 0 warnings\n"), qPrintable(r.describe()));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));
}

void TestCli::checkWithoutSnippets()
{
    const QString file = write(QStringLiteral("three.aefl"), kThreeErrors);
    const Run r = runCli({QStringLiteral("check"), QStringLiteral("--no-snippets"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(r.describe()));
    const QStringList lines = QString::fromUtf8(r.err).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4); // three diagnostics and the summary
    for (int i = 0; i < 3; ++i)
        QVERIFY2(lines[i].startsWith(file + QStringLiteral(":%1:").arg(i + 1)), qPrintable(r.describe()));
    QVERIFY(!r.err.contains('^'));
}

void TestCli::checkWarningsOnly()
{
    const QString file = write(QStringLiteral("warn.aefl"), "let n = nil\nprint(n)\n");
    const Run r = runCli({QStringLiteral("check"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.contains(file.toUtf8() + ":1:9: warning: 'n' is always nil"), qPrintable(r.describe()));
    QVERIFY2(r.err.contains("0 errors, 1 warning\n"), qPrintable(r.describe()));
}

void TestCli::checkEmptyFile()
{
    const Run r = runCli({QStringLiteral("check"), write(QStringLiteral("empty.aefl"), QByteArray())});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
}

void TestCli::checkMissingFile()
{
    const QString missing = m_dir.filePath(QStringLiteral("does-not-exist.aefl"));
    const Run r = runCli({QStringLiteral("check"), missing});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.contains("cannot read"), qPrintable(r.describe()));
    QVERIFY2(r.err.contains(missing.toUtf8()), qPrintable(r.describe()));
}

// A directory named like a source file cannot be read as one.
void TestCli::checkDirectory()
{
    const QString dir = m_dir.filePath(QStringLiteral("folder.aefl"));
    QVERIFY(QDir().mkpath(dir));
    const Run r = runCli({QStringLiteral("check"), dir});
    QVERIFY2(r.status == QProcess::NormalExit, qPrintable(r.describe()));
    QVERIFY2(r.code == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.contains("cannot read"), qPrintable(r.describe()));
}

void TestCli::wrongExtension_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow(".txt") << "prog.txt";
    QTest::newRow("no extension") << "prog";
    QTest::newRow(".aefl.bak") << "prog.aefl.bak";
    QTest::newRow(".py") << "prog.py";
}

void TestCli::wrongExtension()
{
    QFETCH(QString, name);
    const QString file = write(name, kThreeErrors);
    for (const QString& command : {QStringLiteral("check"), QStringLiteral("disasm")}) {
        const Run r = runCli({command, file});
        QVERIFY2(r.status == QProcess::NormalExit && r.code == 2, qPrintable(r.describe()));
        QVERIFY2(r.err.contains("is not an AeroFlow source file"), qPrintable(r.describe()));
        QVERIFY2(!r.err.contains(": error: "), qPrintable(r.describe())); // nothing was compiled
    }
    // One bad name among good ones is still a usage error, before anything runs.
    const Run mixed = runCli({QStringLiteral("check"), write(QStringLiteral("ok.aefl"), kClean), file});
    QVERIFY2(mixed.status == QProcess::NormalExit && mixed.code == 2, qPrintable(mixed.describe()));
}

void TestCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no arguments") << QStringList{} << "usage: aeroflow";
    QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command 'frobnicate'";
    QTest::newRow("unknown option as command") << QStringList{"--frob"} << "unknown command '--frob'";
    QTest::newRow("check without files") << QStringList{"check"} << "no input files";
    QTest::newRow("check unknown option") << QStringList{"check", "--bogus", "x.aefl"} << "unknown option '--bogus'";
    QTest::newRow("disasm without file") << QStringList{"disasm"} << "no input file";
    QTest::newRow("disasm two files") << QStringList{"disasm", "a.aefl", "b.aefl"} << "expected exactly one file";
    QTest::newRow("disasm unknown option") << QStringList{"disasm", "--bogus"} << "unknown option '--bogus'";
}

void TestCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = runCli(args);
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 2, qPrintable(r.describe()));
    QVERIFY2(QString::fromUtf8(r.err).contains(message), qPrintable(r.describe()));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));
}

void TestCli::help_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("usage");
    QTest::newRow("--help") << QStringList{"--help"} << "usage: aeroflow COMMAND";
    QTest::newRow("-h") << QStringList{"-h"} << "usage: aeroflow COMMAND";
    QTest::newRow("help") << QStringList{"help"} << "usage: aeroflow COMMAND";
    QTest::newRow("check --help") << QStringList{"check", "--help"} << "usage: aeroflow check FILE...";
    QTest::newRow("check -h with files") << QStringList{"check", "x.aefl", "-h"} << "usage: aeroflow check FILE...";
    QTest::newRow("disasm --help") << QStringList{"disasm", "--help"} << "usage: aeroflow disasm FILE";
    QTest::newRow("help check") << QStringList{"help", "check"} << "usage: aeroflow check FILE...";
}

void TestCli::help()
{
    QFETCH(QStringList, args);
    QFETCH(QString, usage);
    const Run r = runCli(args);
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(QString::fromUtf8(r.out).startsWith(usage), qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
    if (args.first() == QLatin1String("--help")) {
        // The overview names every command, each with a whole sentence:
        // no description is cut mid-sentence (regression: the first line of
        // each help text was printed, e.g. "...registers,").
        for (const char* name : {"check", "disasm", "run", "build", "resume", "replay", "snapshot", "export", "query", "info", "studio"}) {
            const QRegularExpression line(QStringLiteral("\\n  %1 +(\\S[^\\n]*)\\n").arg(QLatin1String(name)));
            const QRegularExpressionMatch m = line.match(QString::fromUtf8(r.out));
            QVERIFY2(m.hasMatch(), qPrintable(QStringLiteral("no line for %1 in:\n%2").arg(QLatin1String(name), QString::fromUtf8(r.out))));
            QVERIFY2(m.captured(1).endsWith(QLatin1Char('.')), qPrintable(m.captured(0)));
            QVERIFY2(m.captured(0).size() <= 82, qPrintable(m.captured(0)));
        }
        QVERIFY(r.out.contains("--version"));
    }
    if (usage.contains(QLatin1String("check FILE")))
        QVERIFY2(r.out.contains("Exit status"), qPrintable(r.describe()));
}

void TestCli::version()
{
    const Run r = runCli({QStringLiteral("--version")});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(QRegularExpression(QStringLiteral(R"(^aeroflow \d+\.\d+\.\d+\n$)")).match(QString::fromUtf8(r.out)).hasMatch(),
        qPrintable(r.describe()));
    QVERIFY(r.err.isEmpty());
}

void TestCli::studioAlias()
{
#ifndef AEROFLOW_STUDIO_BUILT
    QSKIP("the Studio is not built (AEROFLOW_BUILD_STUDIO=OFF)");
#else
    // `aeroflow studio ARGS` hands over to aeroflow-studio with the same
    // arguments: a screenshot of the example proves the Studio ran with them.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString png = dir.filePath(QStringLiteral("alias.png"));
    const QString example = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl");
    qputenv("QT_QPA_PLATFORM", "offscreen");
    const Run r = runCli({QStringLiteral("studio"), QStringLiteral("--screenshot"), png, example});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QFile file(png);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(r.describe()));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("\x89PNG\r\n\x1a\n"));
    QVERIFY(bytes.size() > 10000); // a rendered window, not an empty image
    const Run help = runCli({QStringLiteral("help"), QStringLiteral("studio")});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains("aeroflow-studio"));
#endif
}

void TestCli::checkStdin_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("code");
    QTest::addColumn<QByteArray>("diagnostic");
    QTest::newRow("clean") << kClean << 0 << QByteArray();
    QTest::newRow("errors") << kThreeErrors << 1 << QByteArray("<stdin>:1:7: error: unknown name 'a'");
    QTest::newRow("empty") << QByteArray() << 0 << QByteArray();
}

void TestCli::checkStdin()
{
    QFETCH(QByteArray, input);
    QFETCH(int, code);
    QFETCH(QByteArray, diagnostic);
    const Run r = runCli({QStringLiteral("check"), QStringLiteral("-")}, input);
    QVERIFY2(r.status == QProcess::NormalExit && r.code == code, qPrintable(r.describe()));
    if (diagnostic.isEmpty())
        QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
    else
        QVERIFY2(r.err.contains(diagnostic), qPrintable(r.describe()));
}

void TestCli::disasmCleanFile()
{
    const QString file = write(QStringLiteral("clean.aefl"), kClean);
    const Run r = runCli({QStringLiteral("disasm"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.describe()));
    // A listing: several lines, naming the program's functions.
    QVERIFY2(r.out.count('\n') >= 5, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("main"), qPrintable(r.describe()));
    QVERIFY2(r.out.contains("double_it"), qPrintable(r.describe()));
    // Same program, same listing (the compiler is deterministic).
    const Run again = runCli({QStringLiteral("disasm"), file});
    QCOMPARE(again.out, r.out);
}

void TestCli::disasmFileWithErrors()
{
    const QString file = write(QStringLiteral("three.aefl"), kThreeErrors);
    const Run r = runCli({QStringLiteral("disasm"), file});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(r.describe()));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.describe()));
    QString why;
    QCOMPARE(errorLocations(r.err, file, &why).size(), 3);
    QVERIFY2(why.isEmpty(), qPrintable(why));

    const Run missing = runCli({QStringLiteral("disasm"), m_dir.filePath(QStringLiteral("nope.aefl"))});
    QVERIFY2(missing.status == QProcess::NormalExit && missing.code == 1, qPrintable(missing.describe()));
    QVERIFY2(missing.err.contains("cannot read"), qPrintable(missing.describe()));
}

void TestCli::disasmStdin()
{
    const Run r = runCli({QStringLiteral("disasm"), QStringLiteral("-")}, kClean);
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 0, qPrintable(r.describe()));
    QVERIFY2(r.out.contains("double_it"), qPrintable(r.describe()));
}

// Every file is checked even after a bad one; the status reflects the worst.
void TestCli::severalFiles()
{
    const QString good1 = write(QStringLiteral("good1.aefl"), kClean);
    const QString good2 = write(QStringLiteral("good2.af"), "print(1)\n");
    const QString bad = write(QStringLiteral("bad.aefl"), "print(nope)\n");
    const QString bad2 = write(QStringLiteral("bad2.aefl"), "let a = 1\na = 2\n");

    const Run allGood = runCli({QStringLiteral("check"), good1, good2});
    QVERIFY2(allGood.status == QProcess::NormalExit && allGood.code == 0, qPrintable(allGood.describe()));
    QVERIFY(allGood.err.isEmpty());

    const Run oneBad = runCli({QStringLiteral("check"), good1, bad, good2});
    QVERIFY2(oneBad.status == QProcess::NormalExit && oneBad.code == 1, qPrintable(oneBad.describe()));
    QVERIFY2(oneBad.err.contains(bad.toUtf8() + ":1:7: error: unknown name 'nope'"), qPrintable(oneBad.describe()));
    QVERIFY(!oneBad.err.contains(good1.toUtf8()));
    QVERIFY(!oneBad.err.contains(good2.toUtf8()));

    const Run twoBad = runCli({QStringLiteral("check"), bad, good1, bad2});
    QVERIFY2(twoBad.status == QProcess::NormalExit && twoBad.code == 1, qPrintable(twoBad.describe()));
    QVERIFY2(twoBad.err.contains(bad.toUtf8() + ":1:7: error:"), qPrintable(twoBad.describe()));
    QVERIFY2(twoBad.err.contains(bad2.toUtf8() + ":2:1: error:"), qPrintable(twoBad.describe()));
    QVERIFY2(twoBad.err.endsWith("2 errors, 0 warnings\n"), qPrintable(twoBad.describe()));
    QVERIFY2(twoBad.err.indexOf(bad.toUtf8() + ":") < twoBad.err.indexOf(bad2.toUtf8() + ":"), qPrintable(twoBad.describe()));
}

void TestCli::severalFilesOneMissing()
{
    const QString good = write(QStringLiteral("good.aefl"), kClean);
    const QString bad = write(QStringLiteral("bad.aefl"), "print(nope)\n");
    const QString missing = m_dir.filePath(QStringLiteral("missing.aefl"));
    const Run r = runCli({QStringLiteral("check"), good, missing, bad});
    QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(r.describe()));
    QVERIFY2(r.err.contains("cannot read '" + missing.toUtf8() + "'"), qPrintable(r.describe()));
    // The file after the missing one was still checked.
    QVERIFY2(r.err.contains(bad.toUtf8() + ":1:7: error:"), qPrintable(r.describe()));
}

void TestCli::pathologicalFilesDoNotCrash_data()
{
    QTest::addColumn<QByteArray>("content");
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    QByteArray noise(100000, Qt::Uninitialized);
    for (char& c : noise)
        c = char(byte(rng));
    QTest::newRow("100k random bytes") << noise;
    QTest::newRow("10k open parens") << QByteArray(10000, '(');
    QTest::newRow("10k open braces") << QByteArray(10000, '{');
    QTest::newRow("10k closers") << QByteArray(")}]").repeated(3400);
    QTest::newRow("nul bytes") << QByteArray(1000, '\0');
}

// Garbage in, diagnostics out: exit 1, never a crash.
void TestCli::pathologicalFilesDoNotCrash()
{
    QFETCH(QByteArray, content);
    const QString file = write(QStringLiteral("garbage.aefl"), content);
    const Run r = runCli({QStringLiteral("check"), file});
    QVERIFY2(r.finished, "aeroflow check did not finish");
    QVERIFY2(r.status == QProcess::NormalExit, qPrintable(r.describe()));
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(": error: "));
}

// A very long flat expression (generated code) is either accepted or
// rejected with a diagnostic; it never crashes the checker. A moderately long
// one is fine.
void TestCli::longExpressionDoesNotCrash()
{
    const QString huge = write(QStringLiteral("huge.aefl"), "let s = 1" + QByteArray(" + 1").repeated(50000) + "\nprint(s)\n");
    const Run r = runCli({QStringLiteral("check"), huge});
    QVERIFY2(r.finished, "aeroflow check did not finish");
    QVERIFY2(r.status == QProcess::NormalExit, qPrintable(r.describe()));
    QVERIFY2(r.code == 0 || (r.code == 1 && r.err.contains(": error: ")), qPrintable(r.describe()));

    const QString chain = write(QStringLiteral("chain.aefl"), "let m = {k: 1}\nlet s = m" + QByteArray(".k").repeated(30000) + "\n");
    const Run c = runCli({QStringLiteral("check"), chain});
    QVERIFY2(c.status == QProcess::NormalExit && (c.code == 0 || c.code == 1), qPrintable(c.describe()));

    const QString longish = write(QStringLiteral("long.aefl"), "let s = 1" + QByteArray(" + 1").repeated(1000) + "\nprint(s)\n");
    const Run l = runCli({QStringLiteral("check"), longish});
    QVERIFY2(l.status == QProcess::NormalExit && l.code == 0, qPrintable(l.describe()));
}

// `run --stop-at-tick T --snapshot S` then `resume S` prints exactly what the
// uninterrupted run prints (stdout and stderr), with the same exit status.
void TestCli::snapshotThenResume_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<int>("tick");
    for (const char* e : {"ping_pong", "bank", "order_book", "login_screen", "game_room"})
        for (int t : {0, 2, 5})
            QTest::newRow(qPrintable(QStringLiteral("%1@%2").arg(QLatin1String(e)).arg(t))) << QString::fromLatin1(e) << t;
}

void TestCli::snapshotThenResume()
{
    QFETCH(QString, example);
    QFETCH(int, tick);
    const QString file = QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/") + example + QStringLiteral(".aefl");
    const Run full = runCli({QStringLiteral("run"), file});
    QVERIFY2(full.finished && full.status == QProcess::NormalExit, qPrintable(full.describe()));
    const QString snap = m_dir.filePath(example + QStringLiteral("-%1.afs").arg(tick));
    const Run first = runCli({QStringLiteral("run"), file, QStringLiteral("--stop-at-tick"), QString::number(tick),
                              QStringLiteral("--snapshot"), snap});
    QVERIFY2(first.status == QProcess::NormalExit && first.code == 0, qPrintable(first.describe()));
    QVERIFY(QFileInfo(snap).size() > 0);
    const Run rest = runCli({QStringLiteral("resume"), snap});
    QVERIFY2(rest.status == QProcess::NormalExit, qPrintable(rest.describe()));
    QCOMPARE(rest.code, full.code);
    QCOMPARE(QString::fromUtf8(first.out + rest.out), QString::fromUtf8(full.out));
    QCOMPARE(QString::fromUtf8(first.err + rest.err), QString::fromUtf8(full.err));
}

void TestCli::pausedRecordingVerifies()
{
    // Regression: `run --stop-at-tick T --record` marked the trace complete
    // with exit code 0, so `replay --verify` ran past the pause and diverged.
    const QString trace = m_dir.filePath(QStringLiteral("paused.aftrace"));
    const Run made = runCli({QStringLiteral("run"), QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/bank.aefl"),
                             QStringLiteral("--stop-at-tick"), QStringLiteral("3"), QStringLiteral("--record"), trace});
    QVERIFY2(made.code == 0, qPrintable(made.describe()));
    const Run verified = runCli({QStringLiteral("replay"), trace, QStringLiteral("--verify")});
    QVERIFY2(verified.code == 0, qPrintable(verified.describe()));
    QVERIFY2(verified.out.contains("cut off"), qPrintable(verified.describe()));
}

void TestCli::resumeRejectsBadFiles()
{
    const QString good = m_dir.filePath(QStringLiteral("good.afs"));
    const Run made = runCli({QStringLiteral("run"), QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/bank.aefl"),
                             QStringLiteral("--stop-at-tick"), QStringLiteral("1"), QStringLiteral("--snapshot"), good});
    QVERIFY2(made.code == 0, qPrintable(made.describe()));
    QFile f(good);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray image = f.readAll();

    struct Case {
        const char* name;
        QByteArray bytes;
        const char* message;
    };
    QByteArray flipped = image;
    flipped[image.size() / 2 + 7] = char(flipped[image.size() / 2 + 7] ^ 0x40);
    const Case cases[] = {
        {"empty.afs", QByteArray(), "not a valid AeroFlow snapshot"},
        {"text.afs", QByteArray("print(1)\n"), "not a valid AeroFlow snapshot"},
        {"truncated.afs", image.left(image.size() - 4096), "truncated"},
        {"flipped.afs", flipped, "damaged"},
    };
    for (const Case& c : cases) {
        const Run r = runCli({QStringLiteral("resume"), write(QLatin1String(c.name), c.bytes)});
        QVERIFY2(r.status == QProcess::NormalExit && r.code == 1, qPrintable(QLatin1String(c.name) + r.describe()));
        QVERIFY2(r.err.contains(c.message), qPrintable(QLatin1String(c.name) + r.describe()));
        QVERIFY(r.out.isEmpty());
    }
    const Run missing = runCli({QStringLiteral("resume"), m_dir.filePath(QStringLiteral("nope.afs"))});
    QVERIFY2(missing.code == 1 && missing.err.contains("cannot read"), qPrintable(missing.describe()));
    const Run usage = runCli({QStringLiteral("resume")});
    QCOMPARE(usage.code, 2);
    const Run badOpt = runCli({QStringLiteral("run"), QStringLiteral("x.aefl"), QStringLiteral("--stop-at-tick"), QStringLiteral("soon")});
    QCOMPARE(badOpt.code, 2);
}

QTEST_APPLESS_MAIN(TestCli)
#include "tst_cli.moc"
