// Programs of several files (`import "./x.aefl"`, `from "./x.aefl" import a`).
//
// Each folder under tests/modules/cases is one program; its entry file is
// main.aefl. Comments in any of its files say what must happen:
//
//   print(x)        # expect error: text        (on the offending line of that file)
//   # expect error line 7: text
//   return a / b    # expect runtime error: text (the error names this file and line)
//   # expect: a line of standard output         (main.aefl only, in order)
//
// A case with expected errors must give exactly those from `aeroflow check`,
// each in the file and on the line it is written on; a case without must
// check clean and print what it expects with `aeroflow run`. Other tests
// record and replay a program without its files on disk, build it ahead of
// time, and drive the compiler API (loader, bundle, limits) directly.

#include "Compiler.h"
#include "Project.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow::compiler;

namespace {

const QString kCases = QStringLiteral(AEROFLOW_TESTS_DIR "/modules/cases");

struct Run {
    int code = -1;
    bool crashed = true;
    QByteArray out, err;
    QString describe() const
    {
        return QStringLiteral("exit %1%2\n--- stdout\n%3\n--- stderr\n%4")
            .arg(code)
            .arg(crashed ? QStringLiteral(" (crashed)") : QString())
            .arg(QString::fromUtf8(out.left(3000)), QString::fromUtf8(err.left(3000)));
    }
};

Run runProgram(const QString& program, const QStringList& args, const QString& dir)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments(args);
    p.setWorkingDirectory(dir);
    p.start();
    Run r;
    if (!p.waitForStarted(30000))
        return r;
    p.closeWriteChannel();
    if (!p.waitForFinished(300000)) { // a guard against a hang, not a timing assertion
        p.kill();
        p.waitForFinished();
    }
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run cli(const QStringList& args, const QString& dir) { return runProgram(QStringLiteral(AEROFLOW_CLI), args, dir); }

struct Expected {
    QString file; ///< relative to the case folder
    int line = 0;
    QString text;
    bool matched = false;
};

struct CaseExpectations {
    QList<Expected> errors;
    QList<Expected> runtimeErrors;
    QStringList output;
};

CaseExpectations readCase(const QString& dir)
{
    CaseExpectations c;
    static const QRegularExpression error(QStringLiteral(R"(#\s*expect error(?: line (\d+))?:\s*(.*?)\s*$)"));
    static const QRegularExpression runtime(QStringLiteral(R"(#\s*expect runtime error:\s*(.*?)\s*$)"));
    static const QRegularExpression output(QStringLiteral(R"(^#\s*expect:\s?(.*)$)"));
    QDirIterator it(dir, {QStringLiteral("*.aefl")}, QDir::Files, QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext())
        files << QDir(dir).relativeFilePath(it.next());
    files.sort();
    for (const QString& rel : files) {
        QFile f(dir + QLatin1Char('/') + rel);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        for (int i = 0; i < lines.size(); ++i) {
            if (auto m = error.match(lines[i]); m.hasMatch())
                c.errors.append({rel, m.captured(1).isEmpty() ? i + 1 : m.captured(1).toInt(), m.captured(2)});
            else if (auto r = runtime.match(lines[i]); r.hasMatch())
                c.runtimeErrors.append({rel, i + 1, r.captured(1)});
            else if (auto o = output.match(lines[i]); o.hasMatch() && rel == QLatin1String("main.aefl"))
                c.output << o.captured(1);
        }
    }
    return c;
}

QStringList outputLines(const QByteArray& out)
{
    QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(path);
        if (QFileInfo(path).isDir()) {
            if (!QDir().mkpath(target))
                return false;
        } else {
            QDir().mkpath(QFileInfo(target).path());
            if (!QFile::copy(path, target))
                return false;
        }
    }
    return true;
}

bool writeFile(const QString& path, const QByteArray& text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

/// A loader over a table of files, remembering what it was asked.
struct TableLoader {
    std::map<std::string, std::string> files;
    std::vector<std::string> asked;
    SourceLoader loader()
    {
        return [this](const std::string& path) -> std::expected<std::string, std::string> {
            asked.push_back(path);
            auto it = files.find(path);
            if (it == files.end())
                return std::unexpected(std::string("no such file"));
            return it->second;
        };
    }
};

} // namespace

class TstModules : public QObject {
    Q_OBJECT

private slots:
    void cases_data();
    void cases();
    void recordReplayWithoutTheFiles();
    void buildAheadOfTime();
    void disasmAndJit();
    void symlinkOutOfTheFolder();
    void loaderSeesNormalisedPaths();
    void bundleRebuildsTheProgram();
    void damagedBundlesAreErrors();
    void limits();
    void singleFileUnchanged();
    void positionsNameTheFile();
};

void TstModules::cases_data()
{
    QTest::addColumn<QString>("dir");
    const QStringList names = QDir(kCases).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    QVERIFY2(names.size() >= 7, "the module cases are missing");
    for (const QString& n : names)
        QTest::newRow(qPrintable(n)) << kCases + QLatin1Char('/') + n;
}

void TstModules::cases()
{
    QFETCH(QString, dir);
    CaseExpectations want = readCase(dir);
    const Run check = cli({QStringLiteral("check"), QStringLiteral("main.aefl")}, dir);
    QVERIFY2(!check.crashed, qPrintable(check.describe()));

    // Every diagnostic: FILE:LINE:COL: error: message
    static const QRegularExpression head(QStringLiteral(R"(^(\S+):(\d+):(\d+): (error|warning): (.*)$)"));
    int found = 0;
    for (const QString& line : QString::fromUtf8(check.err).split(QLatin1Char('\n'))) {
        const auto m = head.match(line);
        if (!m.hasMatch())
            continue;
        ++found;
        bool ok = false;
        for (Expected& e : want.errors) {
            if (!e.matched && e.file == m.captured(1) && e.line == m.captured(2).toInt()
                && m.captured(5).contains(e.text)) {
                e.matched = ok = true;
                break;
            }
        }
        QVERIFY2(ok, qPrintable(QStringLiteral("unexpected diagnostic: ") + line + QLatin1Char('\n') + check.describe()));
    }
    for (const Expected& e : want.errors)
        QVERIFY2(e.matched, qPrintable(QStringLiteral("expected in %1 line %2: %3\n%4")
                                           .arg(e.file).arg(e.line).arg(e.text, check.describe())));
    if (!want.errors.isEmpty()) {
        QCOMPARE(check.code, 1);
        return;
    }
    QVERIFY2(check.code == 0 && found == 0, qPrintable(check.describe()));

    const Run run = cli({QStringLiteral("run"), QStringLiteral("main.aefl")}, dir);
    QVERIFY2(!run.crashed, qPrintable(run.describe()));
    QCOMPARE(outputLines(run.out), want.output);
    for (const Expected& e : want.runtimeErrors) {
        static const QRegularExpression where(QStringLiteral(R"(^(\S+):(\d+):\d+: runtime error: (.*)$)"),
                                              QRegularExpression::MultilineOption);
        const auto m = where.match(QString::fromUtf8(run.err));
        QVERIFY2(m.hasMatch(), qPrintable(run.describe()));
        QCOMPARE(m.captured(1), e.file);
        QCOMPARE(m.captured(2).toInt(), e.line);
        QVERIFY2(m.captured(3).contains(e.text), qPrintable(run.describe()));
        QVERIFY(run.code != 0);
    }
    if (want.runtimeErrors.isEmpty())
        QVERIFY2(run.code == 0, qPrintable(run.describe()));
}

// The trace holds every file; replay compiles them from the trace, so it
// works when the files on disk are gone or changed.
void TstModules::recordReplayWithoutTheFiles()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.path() + QStringLiteral("/shop");
    QVERIFY(copyTree(kCases + QStringLiteral("/shop"), dir));
    const CaseExpectations want = readCase(dir);
    const Run rec = cli({QStringLiteral("run"), QStringLiteral("main.aefl"), QStringLiteral("--record"),
                         QStringLiteral("../shop.aftrace")}, dir);
    QVERIFY2(rec.code == 0, qPrintable(rec.describe()));
    QCOMPARE(outputLines(rec.out), want.output);

    const Run sources = cli({QStringLiteral("query"), QStringLiteral("shop.aftrace"),
                             QStringLiteral("SELECT file_id, path, length(text) > 0 FROM sources ORDER BY file_id")},
                            tmp.path());
    QVERIFY2(sources.code == 0, qPrintable(sources.describe()));
    const QString table = QString::fromUtf8(sources.out);
    QVERIFY2(table.contains(QLatin1String("main.aefl")) && table.contains(QLatin1String("orders.aefl"))
                 && table.contains(QLatin1String("lib/tax.aefl")),
             qPrintable(table));

    QVERIFY(QFile::remove(dir + QStringLiteral("/orders.aefl")));
    QVERIFY(QFile::remove(dir + QStringLiteral("/lib/tax.aefl")));
    QVERIFY(writeFile(dir + QStringLiteral("/main.aefl"), "print(\"changed on disk\")\n"));
    const Run replay = cli({QStringLiteral("replay"), QStringLiteral("shop.aftrace"), QStringLiteral("--verify")},
                           tmp.path());
    QVERIFY2(replay.code == 0 && replay.err.contains("replay verified") || replay.out.contains("replay verified"),
             qPrintable(replay.describe()));
    QVERIFY2(replay.code == 0, qPrintable(replay.describe()));
}

void TstModules::buildAheadOfTime()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.path() + QStringLiteral("/shop");
    QVERIFY(copyTree(kCases + QStringLiteral("/shop"), dir));
    const Run build = cli({QStringLiteral("build"), QStringLiteral("main.aefl"), QStringLiteral("--out"),
                           QStringLiteral("shop-app")}, dir);
    if (build.code != 0 && build.err.contains("runtime for x86_64-linux is not installed"))
        QSKIP("the AeroFlow runtime for x86_64-linux is not built here");
    QVERIFY2(build.code == 0, qPrintable(build.describe()));
    // The program runs from its own copy of the sources: remove them first.
    QVERIFY(QFile::remove(dir + QStringLiteral("/orders.aefl")));
    const Run app = runProgram(dir + QStringLiteral("/shop-app"), {}, dir);
    QVERIFY2(app.code == 0, qPrintable(app.describe()));
    QCOMPARE(outputLines(app.out), readCase(kCases + QStringLiteral("/shop")).output);
}

void TstModules::disasmAndJit()
{
    const QString dir = kCases + QStringLiteral("/from_names");
    const Run dis = cli({QStringLiteral("disasm"), QStringLiteral("main.aefl")}, dir);
    QVERIFY2(dis.code == 0 && dis.out.contains("Counter") && dis.out.contains("twice"), qPrintable(dis.describe()));
    // Functions say which file they are in.
    QVERIFY2(dis.out.contains("twice (function) arity 1, 3 registers, 0 captures, at util.aefl:3:4\n"), qPrintable(dis.describe()));
    const Run jit = cli({QStringLiteral("run"), QStringLiteral("--jit"), QStringLiteral("main.aefl")}, dir);
    QVERIFY2(jit.code == 0, qPrintable(jit.describe()));
    QCOMPARE(outputLines(jit.out), readCase(dir).output);
}

void TstModules::symlinkOutOfTheFolder()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QVERIFY(writeFile(tmp.path() + QStringLiteral("/secret.aefl"), "fn secret() { return 42 }\n"));
    QVERIFY(writeFile(tmp.path() + QStringLiteral("/app/main.aefl"), "import \"./link.aefl\"\nprint(secret())\n"));
    QVERIFY(QFile::link(tmp.path() + QStringLiteral("/secret.aefl"), tmp.path() + QStringLiteral("/app/link.aefl")));
    const Run check = cli({QStringLiteral("check"), QStringLiteral("main.aefl")}, tmp.path() + QStringLiteral("/app"));
    QCOMPARE(check.code, 1);
    QVERIFY2(check.err.contains("main.aefl:1:8: error: cannot import \"./link.aefl\" (link.aefl): it leads outside "
                                "the program's folder"),
             qPrintable(check.describe()));
}

void TstModules::loaderSeesNormalisedPaths()
{
    TableLoader t;
    t.files["util.aefl"] = "fn one() { return 1 }\n";
    t.files["lib/two.aefl"] = "import \"../util.aefl\"\nfn two() { return one() + one() }\n";
    const auto r = compileProject("app/main.aefl",
                                  "import \"./lib/../util.aefl\"\nimport \"./lib/two.aefl\"\nprint(one() + two())\n",
                                  t.loader(), {true, false});
    QVERIFY2(r.ok(), r.formatDiagnostics().c_str());
    QCOMPARE(t.asked, (std::vector<std::string>{"util.aefl", "lib/two.aefl"})); // each once, no "..", no "./"
    QVERIFY(r.program);
    QCOMPARE(r.program->files.size(), size_t(3));
    QCOMPARE(r.program->files[0].name, std::string("app/main.aefl"));
    QCOMPARE(r.program->files[1].name, std::string("app/util.aefl"));
    QCOMPARE(r.program->files[2].name, std::string("app/lib/two.aefl"));
}

void TstModules::bundleRebuildsTheProgram()
{
    TableLoader t;
    t.files["orders.aefl"] = "fn place(x) { return x * 2 }\nactor Shop { on Buy(n) { print(place(n)) } }\n";
    const std::string main = "import \"./orders.aefl\"\nsend(spawn(Shop), Buy(21))\n";
    const auto r = compileProject("shop/main.aefl", main, t.loader(), {true, false});
    QVERIFY2(r.ok() && r.program, r.formatDiagnostics().c_str());
    QVERIFY(isSourceBundle(r.programSource()));
    QCOMPARE(r.program->programHash, fnv1a64(r.programSource()));
    const auto again = compile("shop/main.aefl", std::string(r.programSource()), {true, false});
    QVERIFY2(again.ok() && again.program, again.formatDiagnostics().c_str());
    QCOMPARE(again.program->programHash, r.program->programHash);
    QCOMPARE(again.program->functions.size(), r.program->functions.size());
    QCOMPARE(again.program->files.size(), size_t(2));
    QCOMPARE(std::string(again.programSource()), std::string(r.programSource()));
    auto files = decodeSourceBundle(r.programSource());
    QVERIFY(files);
    QCOMPARE(files->size(), size_t(2));
    QCOMPARE((*files)[0].path, std::string("main.aefl"));
    QCOMPARE((*files)[0].text, main);
    QCOMPARE((*files)[1].path, std::string("orders.aefl"));
}

// A bundle comes from a trace, a snapshot or a built program: untrusted.
void TstModules::damagedBundlesAreErrors()
{
    const std::string good = encodeSourceBundle({{"main.aefl", "import \"./b.aefl\"\nprint(b())\n"},
                                                 {"b.aefl", "fn b() { return 1 }\n"}});
    QVERIFY(compile("main.aefl", good, {true, false}).ok());
    for (size_t cut = 0; cut < good.size(); ++cut) {
        const auto r = compile("main.aefl", good.substr(0, cut), {true, false});
        if (cut >= 20) // past the magic line: a damaged bundle, reported
            QVERIFY2(!r.ok() && !r.diagnostics.empty(), qPrintable(QString::number(cut)));
    }
    const std::vector<std::string> bad = {
        "#!aeroflow-bundle 1\n/etc/passwd\n3\nabc\n", "#!aeroflow-bundle 1\n../x.aefl\n3\nabc\n",
        "#!aeroflow-bundle 1\nmain.aefl\n99999999999999\nabc\n", "#!aeroflow-bundle 1\nmain.aefl\n-1\n\n",
        "#!aeroflow-bundle 1\nmain.aefl\n1\nab\n", "#!aeroflow-bundle 1\n",
        "#!aeroflow-bundle 1\nmain.aefl\n0\n\nmain.aefl\n0\n\n"};
    for (const std::string& b : bad) {
        const auto r = compile("main.aefl", b, {true, false});
        QVERIFY2(!r.ok() && r.formatDiagnostics().find("bundle of source files") != std::string::npos, b.c_str());
    }
}

void TstModules::limits()
{
    // A chain of imports longer than a program may have.
    const auto many = compileProject("main.aefl", "import \"./f0.aefl\"\n",
        [](const std::string& path) -> std::expected<std::string, std::string> {
            const int n = std::stoi(path.substr(1));
            return "import \"./f" + std::to_string(n + 1) + ".aefl\"\n";
        });
    QVERIFY(!many.ok());
    QVERIFY2(many.formatDiagnostics().find("too many files in this program (at most 256)") != std::string::npos,
             many.formatDiagnostics(false).c_str());

    const auto large = compileProject("main.aefl", "import \"./big.aefl\"\n",
        [](const std::string&) -> std::expected<std::string, std::string> {
            return std::string(ProjectLimits::kMaxFileBytes + 1, '#');
        });
    QVERIFY(!large.ok());
    QVERIFY2(large.formatDiagnostics().find("main.aefl:1:8: error: cannot import \"./big.aefl\": the file is too large")
                 != std::string::npos,
             large.formatDiagnostics().c_str());

    const auto unreadable = compileProject("main.aefl", "import \"./x.aefl\"\n",
        [](const std::string&) -> std::expected<std::string, std::string> {
            return std::unexpected(std::string("permission denied"));
        });
    QVERIFY(unreadable.formatDiagnostics().find("cannot import \"./x.aefl\" (x.aefl): permission denied")
            != std::string::npos);
}

void TstModules::singleFileUnchanged()
{
    const std::string text = "fn f(x) { return x + 1 }\nprint(f(1))\n";
    TableLoader t;
    const auto viaProject = compileProject("one.aefl", text, t.loader(), {true, false});
    const auto plain = compile("one.aefl", text, {true, false});
    QVERIFY(t.asked.empty());
    QVERIFY(plain.ok() && viaProject.ok());
    QVERIFY(viaProject.bundle.empty());
    QCOMPARE(viaProject.program->programHash, fnv1a64(text));
    QCOMPARE(plain.program->programHash, viaProject.program->programHash);
    QVERIFY(viaProject.program->files.empty());
    QCOMPARE(std::string(plain.programSource()), text);
    // A file import in text compiled alone is an error, never a silent skip.
    const auto alone = compile("one.aefl", "import \"./two.aefl\"\n", {true, false});
    QVERIFY(!alone.ok());
}

void TstModules::positionsNameTheFile()
{
    TableLoader t;
    t.files["util.aefl"] = "# util\n\nfn half(x) {\n    return x / 2\n}\n";
    const auto r = compileProject("app/main.aefl", "import \"./util.aefl\"\nprint(half(4))\n", t.loader(),
                                  {true, false});
    QVERIFY2(r.ok() && r.program, r.formatDiagnostics().c_str());
    const Program& p = *r.program;
    const int32_t half = p.findFunction("half");
    QVERIFY(half >= 0);
    const auto& fn = p.functions[size_t(half)];
    const SourcePlace at = p.locate(fn.positionAt(0).line);
    QCOMPARE(std::string(at.file), std::string("app/util.aefl"));
    QCOMPARE(at.line, 4u);
    QCOMPARE(p.where(fn.positionAt(0)).substr(0, 16), std::string("app/util.aefl:4:"));
    QCOMPARE(p.programLine("util.aefl", 4), fn.positionAt(0).line);
    QCOMPARE(p.programLine("app/main.aefl", 2), 2u);
    QCOMPARE(p.programLine("nope.aefl", 1), 0u);

    t.files["util.aefl"] = "fn half(x) {\n    let y: int = \"s\"\n    return x\n}\n";
    const auto bad = compileProject("app/main.aefl", "import \"./util.aefl\"\nprint(half(4))\n", t.loader());
    QVERIFY(!bad.ok());
    QVERIFY2(bad.formatDiagnostics().starts_with("app/util.aefl:2:18: error: cannot initialise 'y'"),
             bad.formatDiagnostics().c_str());
}

QTEST_GUILESS_MAIN(TstModules)
#include "tst_modules.moc"
