// The five execution paths agree (issue 7): for every example
// (resources/examples) and golden run test (tests/run), `aeroflow run`
// (interpreter), `aeroflow run --jit`, and the program built with
// `aeroflow build --target T` print the same stdout and stderr — including
// the message-log hash (`--log-hash`: every spawn, delivery with payload and
// state hash, output, crash and effect, in order) — and exit with the same
// status. AEROFLOW_AOT_TARGET picks the target of this run of the suite
// (x86_64-linux, which also checks the JIT; aarch64-linux under
// qemu-aarch64; wasm32 under node). A missing tool skips with a message
// saying what to install.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out, err;
    bool finished = false;
};

Result finish(QProcess& p)
{
    Result r;
    r.finished = p.waitForFinished(300'000) && p.exitStatus() == QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

void start(QProcess& p, const QString& program, const QStringList& args)
{
    p.setStandardInputFile(QProcess::nullDevice());
    p.start(program, args);
}

/// The limits tst_run uses, with the per-file overrides (`# fuel: N` ...), as options.
QStringList optionsFor(const QString& path)
{
    static const QRegularExpression optRe(QStringLiteral(R"(^#\s*(seed|fuel|memory|max-messages|depth):\s*(\d+)\s*$)"));
    QMap<QString, QString> o{{QStringLiteral("--fuel"), QStringLiteral("5000000")},
                             {QStringLiteral("--max-messages"), QStringLiteral("100000")},
                             {QStringLiteral("--memory-limit"), QString::number(64ll << 20)}};
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        for (const QString& line : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
            const auto m = optRe.match(line);
            if (!m.hasMatch())
                continue;
            const QString k = m.captured(1);
            const QString flag = k == QLatin1String("memory")  ? QStringLiteral("--memory-limit")
                                 : k == QLatin1String("depth") ? QStringLiteral("--max-depth")
                                                               : QStringLiteral("--") + k;
            o[flag] = m.captured(2);
        }
    }
    QStringList args;
    for (auto it = o.cbegin(); it != o.cend(); ++it)
        args << it.key() << it.value();
    args << QStringLiteral("--log-hash");
    return args;
}

QString describe(const Result& r)
{
    return QStringLiteral("exit %1%2\n--- stdout ---\n%3--- stderr ---\n%4")
        .arg(r.exitCode)
        .arg(r.finished ? QString() : QStringLiteral(" (did not finish)"))
        .arg(QString::fromUtf8(r.out.right(1500)), QString::fromUtf8(r.err.right(1500)));
}

} // namespace

class TestAotDeterminism : public QObject {
    Q_OBJECT

private:
    QString m_target;
    QString m_cli = QStringLiteral(AEROFLOW_CLI);
    QString m_runner;   ///< qemu-aarch64 or node; empty for x86_64-linux
    QStringList m_runnerArgs;
    QString m_missing;  ///< what to install, when the target cannot run here
    QTemporaryDir m_dir;

    /// The command that runs a built program.
    void runBuilt(QProcess& p, const QString& program, const QStringList& args)
    {
        if (m_runner.isEmpty())
            start(p, program, args);
        else
            start(p, m_runner, m_runnerArgs + QStringList{program} + args);
    }

    QString build(const QString& source, const QString& out, QString& error)
    {
        QProcess b;
        start(b, m_cli, {QStringLiteral("build"), source, QStringLiteral("--target"), m_target, QStringLiteral("--out"), out});
        const Result r = finish(b);
        if (!r.finished || r.exitCode != 0) {
            error = QString::fromUtf8(r.err);
            return {};
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_target = qEnvironmentVariable("AEROFLOW_AOT_TARGET", QStringLiteral("x86_64-linux"));
        QVERIFY2(QStringList({"x86_64-linux", "aarch64-linux", "wasm32"}).contains(m_target), qPrintable(m_target));
        const QString rt = QStringLiteral(AEROFLOW_RUNTIME_DIR "/") + m_target;
        if (!QFile::exists(rt + QStringLiteral("/libaeroflow_rt.a")))
            m_missing = QStringLiteral("the %1 runtime was not built (its compiler is missing: installer/deps.sh)").arg(m_target);
        if (m_target == QLatin1String("aarch64-linux")) {
            m_runner = QStandardPaths::findExecutable(QStringLiteral("qemu-aarch64"));
            if (m_runner.isEmpty())
                m_missing = QStringLiteral("qemu-aarch64 (Debian package qemu-user)");
        } else if (m_target == QLatin1String("wasm32")) {
            m_runner = QStandardPaths::findExecutable(QStringLiteral("node"));
            m_runnerArgs = {rt + QStringLiteral("/run-wasm.mjs")};
            if (m_runner.isEmpty())
                m_missing = QStringLiteral("node (Debian package nodejs)");
            else if (!QFile::exists(m_runnerArgs.first()))
                m_missing = QStringLiteral("runtime/wasm/run-wasm.mjs in the build tree");
        }
    }

    /// The comparison can fail: another seed changes a random program's hash,
    /// and a bad option is refused by the built program as by `aeroflow run`.
    void hashSeesDifferences()
    {
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 cannot run here: install %2").arg(m_target, m_missing)));
        const QString source = m_dir.filePath(QStringLiteral("dice.aefl"));
        QFile f(source);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("actor Die {\n    on Roll { emit(random_int(1, 6)) }\n}\nlet d = spawn(Die)\n"
                "send(d, Roll)\nprint(\"rolled\")\nlet x = recv()\n");
        f.close();
        QString error;
        const QString exe = build(source, m_dir.filePath(QStringLiteral("dice.bin")), error);
        QVERIFY2(!exe.isEmpty(), qPrintable(error));
        QProcess a, b, c;
        runBuilt(a, exe, {QStringLiteral("--seed"), QStringLiteral("1"), QStringLiteral("--log-hash")});
        runBuilt(b, exe, {QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--log-hash")});
        runBuilt(c, exe, {QStringLiteral("--no-such-option")});
        const Result ra = finish(a), rb = finish(b), rc = finish(c);
        QVERIFY2(ra.exitCode == 0 && rb.exitCode == 0, qPrintable(describe(ra) + describe(rb)));
        QCOMPARE(ra.out, rb.out);
        QVERIFY(ra.err.contains("message-log hash"));
        QVERIFY2(ra.err != rb.err, "the message-log hash does not see the random stream");
        QCOMPARE(rc.exitCode, 2);
        QVERIFY(rc.err.contains("unknown option"));
    }

    void samePaths_data()
    {
        QTest::addColumn<QString>("path");
        QStringList files;
        for (const QString& dir : {QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"),
                                   QStringLiteral(AEROFLOW_TESTS_DIR "/run")}) {
            const QDir d(dir);
            for (const QString& name : d.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
                files << d.filePath(name);
        }
        QVERIFY(files.size() > 100);
        for (const QString& f : files)
            QTest::newRow(qPrintable(QFileInfo(f).dir().dirName() + QLatin1Char('/') + QFileInfo(f).fileName())) << f;
    }

    void samePaths()
    {
        QFETCH(QString, path);
        if (!m_missing.isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 cannot run here: install %2").arg(m_target, m_missing)));
        {
            // `aeroflow run` gives a program the live outside world (the
            // network, the clock); a built program has none. Such programs
            // say so, and are compared by record -> replay instead
            // (tests/services, tests/debugger/tst_world_replay).
            QFile f(path);
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains("# paths: outside world"))
                QSKIP("uses the outside world: not comparable across live runs and built programs");
        }
        const QStringList options = optionsFor(path);
        // The interpreter's run (the reference) and the build, side by side.
        QProcess ref, builder;
        start(ref, m_cli, QStringList{QStringLiteral("run"), path, QStringLiteral("--no-jit")} + options);
        const QString exe = m_dir.filePath(QFileInfo(path).completeBaseName() + QStringLiteral(".bin"));
        start(builder, m_cli, {QStringLiteral("build"), path, QStringLiteral("--target"), m_target, QStringLiteral("--out"), exe});
        const Result expected = finish(ref);
        const Result built = finish(builder);
        QVERIFY2(expected.finished, qPrintable(describe(expected)));
        QVERIFY2(expected.err.contains("message-log hash"), qPrintable(describe(expected)));
        QVERIFY2(built.finished && built.exitCode == 0, qPrintable(QStringLiteral("build failed: ") + describe(built)));

        QProcess native, jit;
        runBuilt(native, exe, options);
        if (m_target == QLatin1String("x86_64-linux"))
            start(jit, m_cli, QStringList{QStringLiteral("run"), path, QStringLiteral("--jit")} + options);
        const Result got = finish(native);
        QFile::remove(exe);
        QVERIFY2(got.finished, qPrintable(describe(got)));
        QVERIFY2(got.out == expected.out && got.err == expected.err && got.exitCode == expected.exitCode,
                 qPrintable(QStringLiteral("%1 differs from the interpreter.\nInterpreter: %2\n%1: %3")
                                .arg(m_target, describe(expected), describe(got))));
        if (m_target == QLatin1String("x86_64-linux")) {
            const Result j = finish(jit);
            QVERIFY2(j.out == expected.out && j.err == expected.err && j.exitCode == expected.exitCode,
                     qPrintable(QStringLiteral("the JIT differs from the interpreter.\nInterpreter: %1\nJIT: %2")
                                    .arg(describe(expected), describe(j))));
        }
    }
};

QTEST_GUILESS_MAIN(TestAotDeterminism)
#include "tst_aot_determinism.moc"
