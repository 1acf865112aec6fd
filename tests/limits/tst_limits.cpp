// The standing guard of "a host that cannot be knocked over": every runaway
// shape in tests/limits/shapes runs under the default limits as a child
// process — on the interpreter, on the JIT and as an AOT-built x86-64
// program — and must end with its clear error, its exit status, no signal,
// a bounded peak memory (the child's ru_maxrss, generous bounds) and bounded
// output. Each shape's header says what it expects:
//
//   # expect error: TEXT    stderr contains TEXT (several lines allowed)
//   # exit: N               the exit status
//   # peak-mb: N            peak resident memory stays under N MiB
//   # max-stderr-lines: N   stderr has at most N lines (default 1000)
//   # args: ...             extra options of the run
//   # paths: interpreter jit aot   the paths to run (default: all three)
//
// Also here: outputs that would destroy an input are refused.

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

const QString kBin = QStringLiteral(AEROFLOW_BIN);
const QString kShapes = QStringLiteral(AEROFLOW_TESTS_DIR "/limits/shapes");

struct Child {
    bool started = false;
    bool signalled = false;
    int signal = 0;
    int exit = -1;
    long peakKb = 0;
    QString err;
};

/// Runs `argv` with stdout to /dev/null and stderr to a file; waits with
/// wait4() for the exit status and the child's peak memory.
Child runChild(const QStringList& argv, const QString& errFile)
{
    Child c;
    std::vector<QByteArray> bytes;
    for (const QString& a : argv)
        bytes.push_back(a.toLocal8Bit());
    std::vector<char*> args;
    for (auto& b : bytes)
        args.push_back(b.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    const QByteArray errPath = errFile.toLocal8Bit();
    posix_spawn_file_actions_addopen(&fa, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return c;
    c.started = true;
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) != pid)
        return c;
    c.peakKb = ru.ru_maxrss;
    if (WIFSIGNALED(status)) {
        c.signalled = true;
        c.signal = WTERMSIG(status);
    } else {
        c.exit = WEXITSTATUS(status);
    }
    QFile f(errFile);
    if (f.open(QIODevice::ReadOnly))
        c.err = QString::fromUtf8(f.read(1 << 20));
    return c;
}

struct Shape {
    QStringList errors;
    int exit = 0;
    long peakMb = 1024;
    int maxStderrLines = 1000;
    QStringList args;
    QStringList paths = {"interpreter", "jit", "aot"};
};

Shape readShape(const QString& file)
{
    Shape s;
    QFile f(file);
    f.open(QIODevice::ReadOnly);
    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n')) {
        if (!line.startsWith("# "))
            continue;
        const QString body = line.mid(2);
        auto value = [&](const char* key) { return body.mid(int(qstrlen(key))).trimmed(); };
        if (body.startsWith("expect error:"))
            s.errors << value("expect error:");
        else if (body.startsWith("exit:"))
            s.exit = value("exit:").toInt();
        else if (body.startsWith("peak-mb:"))
            s.peakMb = value("peak-mb:").toLong();
        else if (body.startsWith("max-stderr-lines:"))
            s.maxStderrLines = value("max-stderr-lines:").toInt();
        else if (body.startsWith("args:"))
            s.args = value("args:").split(' ', Qt::SkipEmptyParts);
        else if (body.startsWith("paths:"))
            s.paths = value("paths:").split(' ', Qt::SkipEmptyParts);
    }
    return s;
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void shapes_data();
    void shapes();
    void hugeJitInput();
    void outputsNeverDestroyInputs();

private:
    QTemporaryDir m_dir;
    bool m_aot = false;
};

void TestLimits::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // AOT needs the x86-64 runtime library next to the command (built by CMake).
    QProcess p;
    p.start(kBin, {"build", kShapes + "/time_overflow.aefl", "--out", m_dir.path() + "/probe"});
    p.waitForFinished(120000);
    m_aot = p.exitCode() == 0;
    if (!m_aot)
        qWarning("AOT path skipped: %s", qPrintable(p.readAllStandardError()));
}

void TestLimits::shapes_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(kShapes).entryList({"*.aefl"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 7);
    for (const QString& f : files)
        for (const QString& path : readShape(kShapes + "/" + f).paths)
            QTest::newRow(qPrintable(f + " " + path)) << f << path;
}

void TestLimits::shapes()
{
    QFETCH(QString, file);
    QFETCH(QString, path);
    const QString src = kShapes + "/" + file;
    const Shape shape = readShape(src);
    QStringList argv;
    if (path == "aot") {
        if (!m_aot)
            QSKIP("no AOT runtime for x86-64 in this build");
        const QString exe = m_dir.path() + "/" + QFileInfo(file).baseName();
        QProcess p;
        p.start(kBin, {"build", src, "--out", exe});
        p.waitForFinished(300000);
        QVERIFY2(p.exitCode() == 0, qPrintable(p.readAllStandardError()));
        argv << exe << shape.args;
    } else {
        argv << kBin << "run" << src << (path == "jit" ? "--jit" : "--no-jit") << shape.args;
    }
    const Child c = runChild(argv, m_dir.path() + "/stderr.txt");
    QVERIFY(c.started);
    QVERIFY2(!c.signalled, qPrintable(QString("killed by signal %1; stderr:\n%2").arg(c.signal).arg(c.err.left(2000))));
    QVERIFY2(c.exit == shape.exit, qPrintable(QString("exit %1; stderr:\n%2").arg(c.exit).arg(c.err.left(2000))));
    for (const QString& e : shape.errors)
        QVERIFY2(c.err.contains(e), qPrintable("missing '" + e + "' in stderr:\n" + c.err.left(2000)));
    QVERIFY2(c.peakKb / 1024 < shape.peakMb,
             qPrintable(QString("peak %1 MiB, bound %2 MiB").arg(c.peakKb / 1024).arg(shape.peakMb)));
    QVERIFY2(c.err.count('\n') <= shape.maxStderrLines, qPrintable(QString("%1 lines on stderr").arg(c.err.count('\n'))));
}

void TestLimits::hugeJitInput()
{
    // 20,000 lines in one function (the main program): the JIT used to take
    // minutes and gigabytes; it must finish with the interpreter's answer and
    // bounded memory (the JIT compiles huge functions cheaply or leaves them
    // to the interpreter: docs/CODEGEN.md).
    const QString src = m_dir.path() + "/huge.aefl";
    QFile f(src);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("mut x = 0\n");
    for (int i = 0; i < 20000; ++i)
        f.write("x = x + 1\n");
    f.write("print(x)\n");
    f.close();
    for (const char* mode : {"--jit", "--no-jit"}) {
        const Child c = runChild({kBin, "run", src, mode}, m_dir.path() + "/huge.err");
        QVERIFY(c.started);
        QVERIFY2(!c.signalled && c.exit == 0, qPrintable(QString("%1: exit %2 signal %3: %4")
                                                           .arg(mode).arg(c.exit).arg(c.signal).arg(c.err.left(500))));
        QVERIFY2(c.peakKb / 1024 < 1500, qPrintable(QString("%1: peak %2 MiB").arg(mode).arg(c.peakKb / 1024)));
    }
}

void TestLimits::outputsNeverDestroyInputs()
{
    const QString src = m_dir.path() + "/c.aefl";
    QVERIFY(QFile::copy(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl"), src));
    QFile::setPermissions(src, QFile::ReadOwner | QFile::WriteOwner);
    const QByteArray original = [&] { QFile f(src); f.open(QIODevice::ReadOnly); return f.readAll(); }();
    QVERIFY(QFile::link(src, m_dir.path() + "/link.aefl"));
    QFile notes(m_dir.path() + "/notes.txt");
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("my notes\n");
    notes.close();
    auto run = [&](const QStringList& args) {
        QProcess p;
        p.start(kBin, args);
        p.waitForFinished(120000);
        return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAllStandardError()));
    };
    const QString d = m_dir.path();
    for (const QStringList& args : {QStringList{"run", src, "--snapshot", src}, QStringList{"run", src, "--record", src},
                                    QStringList{"run", src, "--record", d + "/link.aefl"},
                                    QStringList{"build", src, "--out", src}}) {
        const auto [code, err] = run(args);
        QCOMPARE(code, 1);
        QVERIFY2(err.contains("writing it would destroy it"), qPrintable(err));
    }
    // Another kind of file is kept unless --force.
    auto [code, err] = run({"run", src, "--record", d + "/notes.txt"});
    QCOMPARE(code, 1);
    QVERIFY2(err.contains("exists and is not a trace; refusing to overwrite it (use --force)"), qPrintable(err));
    QCOMPARE(run({"run", src, "--record", d + "/notes.txt", "--force"}).first, 0);
    QCOMPARE(run({"run", src, "--record", d + "/notes.txt"}).first, 0); // now a trace: replaced freely
    QFile f(src);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), original);
}

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
