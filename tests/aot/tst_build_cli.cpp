// `aeroflow build` and the JIT choices of `aeroflow run`, as a user runs them:
// bad input gets a clear error and leaves no output file; objects are real
// ELF / wasm objects; a run that switches from the interpreter to native code
// part-way (the default for long runs, --jit-after) prints the same output and
// message-log hash as the interpreter alone; `resume --jit` continues the same.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int code = -1;
    QByteArray out, err;
    bool finished = false;
    QString describe() const
    {
        return QStringLiteral("exit %1\n--- stdout\n%2\n--- stderr\n%3")
            .arg(code)
            .arg(QString::fromUtf8(out.right(1500)), QString::fromUtf8(err.right(1500)));
    }
};

Run run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(program, args);
    Run r;
    r.finished = p.waitForFinished(300'000) && p.exitStatus() == QProcess::NormalExit;
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

Run cli(const QStringList& args) { return run(QStringLiteral(AEROFLOW_CLI), args); }

/// 20,000 messages to one counter, then its total: long enough to switch.
const char* const kCounter = R"(actor Counter {
    state count = 0
    on Add(n) { count = count + n }
    on Get { emit(count) }
}
fn weight(i) { return (i * 7 + 3) % 11 }
let c = spawn(Counter)
mut i = 0
while i < 20000 {
    send(c, Add(weight(i)))
    i = i + 1
}
send(c, Get)
print("total", recv())
)";

/// A chain of 5,000 self-sends, one tick each: a snapshot part-way has work left.
const char* const kChain = R"(fn weight(i) { return (i * 7 + 3) % 11 }
actor Chain {
    state total = 0
    on Step(n) {
        total = total + weight(n)
        if n > 0 { send(self, Step(n - 1)) } else { print("total", total) }
    }
}
let c = spawn(Chain)
send(c, Step(5000))
)";

} // namespace

class TestBuildCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString& name, const QByteArray& text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size())
            return {};
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void switchingToNativeMidRunChangesNothing()
    {
        const QString file = write(QStringLiteral("counter.aefl"), kCounter);
        const Run interp = cli({QStringLiteral("run"), file, QStringLiteral("--no-jit"), QStringLiteral("--log-hash")});
        QVERIFY2(interp.finished && interp.code == 0, qPrintable(interp.describe()));
        QVERIFY(interp.out.contains("total"));
        const Run switched = cli({QStringLiteral("run"), file, QStringLiteral("--jit-after"), QStringLiteral("1000"),
                                  QStringLiteral("--jit-wait"), QStringLiteral("-v"), QStringLiteral("--log-hash")});
        QVERIFY2(switched.finished && switched.code == 0, qPrintable(switched.describe()));
        QVERIFY2(switched.err.contains("native code (JIT -O2") && switched.err.contains("from delivery 1000"),
                 qPrintable(switched.describe()));
        QCOMPARE(switched.out, interp.out);
        const auto hashLine = [](const QByteArray& err) {
            for (const QByteArray& line : err.split('\n'))
                if (line.startsWith("message-log hash"))
                    return line;
            return QByteArray();
        };
        QVERIFY(!hashLine(interp.err).isEmpty());
        QCOMPARE(hashLine(switched.err), hashLine(interp.err));
        // The default for a short run: the interpreter only, and it says so.
        const Run shortRun = cli({QStringLiteral("run"), file, QStringLiteral("-v")});
        QVERIFY2(shortRun.code == 0 && shortRun.err.contains("interpreter only"), qPrintable(shortRun.describe()));
        const Run both = cli({QStringLiteral("run"), file, QStringLiteral("--jit"), QStringLiteral("--no-jit")});
        QCOMPARE(both.code, 2);
    }

    void resumeWithTheJit()
    {
        const QString file = write(QStringLiteral("resume.aefl"), kChain);
        const QString image = m_dir.filePath(QStringLiteral("r.afs"));
        const Run first = cli({QStringLiteral("run"), file, QStringLiteral("--no-jit"), QStringLiteral("--stop-at-tick"),
                               QStringLiteral("2000"), QStringLiteral("--snapshot"), image});
        QVERIFY2(first.code == 0 && QFile::exists(image), qPrintable(first.describe()));
        const Run a = cli({QStringLiteral("resume"), image, QStringLiteral("--log-hash")});
        const Run b = cli({QStringLiteral("resume"), image, QStringLiteral("--jit"), QStringLiteral("--log-hash")});
        QVERIFY2(a.code == 0 && a.out.contains("total") && a.err.contains("(3002 events)"), qPrintable(a.describe()));
        QCOMPARE(b.code, a.code);
        QCOMPARE(b.out, a.out);
        QCOMPARE(b.err, a.err);
    }

    void buildRejectsBadInput()
    {
        const QString broken = write(QStringLiteral("broken.aefl"), "let x = \nprint(y)\n");
        const QString out = m_dir.filePath(QStringLiteral("broken.bin"));
        Run r = cli({QStringLiteral("build"), broken, QStringLiteral("--out"), out});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("error:"), qPrintable(r.describe()));
        QVERIFY(!QFile::exists(out));
        r = cli({QStringLiteral("build"), m_dir.filePath(QStringLiteral("missing.aefl"))});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("cannot read"));
        r = cli({QStringLiteral("build"), broken, QStringLiteral("--target"), QStringLiteral("riscv64")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("unknown target 'riscv64'"));
        r = cli({QStringLiteral("build"), m_dir.filePath(QStringLiteral("notes.txt"))});
        QCOMPARE(r.code, 2);
        r = cli({QStringLiteral("build"), broken, QStringLiteral("-O"), QStringLiteral("7")});
        QCOMPARE(r.code, 2);
        // Nothing half-written is left behind.
        for (const QString& name : QDir(m_dir.path()).entryList(QDir::Files))
            QVERIFY2(!name.contains(QLatin1String(".tmp-")), qPrintable(name));
    }

    void objectsAreRealObjects_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QByteArray>("magic");
        QTest::newRow("x86_64-linux") << QStringLiteral("x86_64-linux") << QByteArray("\x7f" "ELF\x02\x01", 6);
        QTest::newRow("aarch64-linux") << QStringLiteral("aarch64-linux") << QByteArray("\x7f" "ELF\x02\x01", 6);
        QTest::newRow("wasm32") << QStringLiteral("wasm32") << QByteArray("\0asm\x01\0\0\0", 8);
    }

    void objectsAreRealObjects()
    {
        QFETCH(QString, target);
        QFETCH(QByteArray, magic);
        const QString file = write(QStringLiteral("obj.aefl"), kCounter);
        const QString out = m_dir.filePath(QStringLiteral("obj-%1.o").arg(target));
        const Run r = cli({QStringLiteral("build"), file, QStringLiteral("--target"), target, QStringLiteral("--emit-object"),
                           QStringLiteral("-O0"), QStringLiteral("--out"), out});
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(magic.size()), magic);
        // e_machine of the ELF header: 62 x86-64, 183 AArch64.
        if (magic.startsWith("\x7f" "ELF")) {
            f.seek(18);
            const QByteArray m = f.read(2);
            QCOMPARE(uchar(m[0]) | (uchar(m[1]) << 8), target == QLatin1String("x86_64-linux") ? 62 : 183);
        }
    }

    void builtProgramHelpAndOptions()
    {
        const QString file = write(QStringLiteral("help.aefl"), "print(\"hi\")\n");
        const QString out = m_dir.filePath(QStringLiteral("help.bin"));
        Run r = cli({QStringLiteral("build"), file, QStringLiteral("--out"), out});
        if (r.code != 0 && r.err.contains("is not installed"))
            QSKIP("the x86_64-linux runtime was not built");
        QVERIFY2(r.code == 0, qPrintable(r.describe()));
        r = run(out, {QStringLiteral("--help")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--log-hash"));
        r = run(out, {});
        QCOMPARE(r.code, 0);
        QCOMPARE(r.out, QByteArray("hi\n"));
        r = run(out, {QStringLiteral("--fuel"), QStringLiteral("0")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--fuel needs a positive integer"));
    }
};

QTEST_GUILESS_MAIN(TestBuildCli)
#include "tst_build_cli.moc"
