// Every golden run program (tests/run), every example (resources/examples)
// and every front-end case that compiles (tests/lang): the JIT's run must
// equal the interpreter's, event for event (output, exit code, delivery log,
// observer events with payloads and state hashes, crashes). The run programs
// and examples also run "split": every function cut into regions of three
// instructions (FunctionPlan.h), compiled on first call, and lowered as big
// functions are (no fast paths outside loops) when over 12 instructions, so
// that jumps, fall-throughs, fuel and resumption across regions, and the
// compact lowering, meet every program.

#include "TraceCapture.h"

#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace aeroflow;

namespace {

QString readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

/// The limits tst_run uses, with the per-file overrides (`# fuel: N` ...).
engine::RunOptions optionsFor(const QString& source)
{
    static const QRegularExpression optRe(QStringLiteral(R"(^#\s*(seed|fuel|memory|max-messages|depth):\s*(\d+)\s*$)"));
    engine::RunOptions options;
    options.fuel = 5'000'000;
    options.maxMessages = 100'000;
    options.memoryLimit = 64ll << 20;
    for (const QString& line : source.split(QLatin1Char('\n'))) {
        if (auto m = optRe.match(line); m.hasMatch()) {
            const QString k = m.captured(1);
            const qulonglong v = m.captured(2).toULongLong();
            if (k == QLatin1String("seed")) options.seed = v;
            else if (k == QLatin1String("fuel")) options.fuel = v;
            else if (k == QLatin1String("memory")) options.memoryLimit = qint64(v);
            else if (k == QLatin1String("max-messages")) options.maxMessages = v;
            else if (k == QLatin1String("depth")) options.maxCallDepth = uint32_t(v);
        }
    }
    return options;
}

/// Counts the lookups the engine makes: proves native code was asked for.
class CountingNative final : public engine::NativeCode {
public:
    explicit CountingNative(const engine::NativeCode& inner) : m_inner(inner) {}
    engine::NativeEntry entry(uint32_t function) const override
    {
        ++lookups;
        return m_inner.entry(function);
    }
    mutable uint64_t lookups = 0;

private:
    const engine::NativeCode& m_inner;
};

void addDir(const QString& dir, const QString& prefix, int optLevel, bool split = false)
{
    const QDir d(dir);
    for (const QString& f : d.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(prefix + f + QStringLiteral(" -O") + QString::number(optLevel) +
                                 (split ? QStringLiteral(" split") : QString())))
            << d.filePath(f) << optLevel << split;
}

} // namespace

class TestCodegenGolden : public QObject {
    Q_OBJECT
private slots:
    void sameRun_data();
    void sameRun();
    void enoughCases();
};

void TestCodegenGolden::sameRun_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("optLevel");
    QTest::addColumn<bool>("split");
    addDir(QStringLiteral(AEROFLOW_TESTS_DIR "/run"), QStringLiteral("run/"), 0);
    addDir(QStringLiteral(AEROFLOW_TESTS_DIR "/run"), QStringLiteral("run/"), 0, true);
    addDir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"), QStringLiteral("examples/"), 0);
    addDir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"), QStringLiteral("examples/"), 2);
    addDir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"), QStringLiteral("examples/"), 2, true);
    addDir(QStringLiteral(AEROFLOW_TESTS_DIR "/lang"), QStringLiteral("lang/"), 0);
}

void TestCodegenGolden::sameRun()
{
    QFETCH(QString, path);
    QFETCH(int, optLevel);
    QFETCH(bool, split);
    const QString source = readAll(path);
    QVERIFY2(QFile::exists(path), qPrintable(path));
    auto r = compiler::compile(QFileInfo(path).fileName().toStdString(), source.toStdString(), {true, false});
    if (!r.ok() || !r.program) {
        // tests/lang holds compile-error cases too; the other folders must compile.
        QVERIFY2(path.contains(QLatin1String("/lang/")), qPrintable(QString::fromStdString(r.formatDiagnostics(false))));
        return;
    }
    QVERIFY(compiler::verifyProgram(*r.program).empty());
    cli::JitPolicy policy;
    if (split) {
        policy.limits.maxRegionInstructions = 3;
        policy.limits.maxOptimisedInstructions = 12; // longer functions: big-function style (compact outside loops)
        policy.eagerProgramInstructions = 0;         // each function on its first call
    }
    auto jit = cli::NativeJit::compile(*r.program, optLevel, policy);
    QVERIFY2(jit.has_value(), qPrintable(QString::fromStdString(jit ? std::string() : jit.error())));
    if (!split)
        QCOMPARE((*jit)->stats().functions, uint32_t(r.program->functions.size()));
    else
        QCOMPARE((*jit)->stats().functions, 0u);
    engine::RunOptions options = optionsFor(source);
    if (path.contains(QLatin1String("/lang/"))) {
        options.fuel = 200'000;
        options.maxMessages = 2'000;
        options.memoryLimit = 16ll << 20;
    }
    CountingNative counting(**jit);
    const std::string interpreted = testing::captureRun(r.program, options, nullptr);
    const std::string native = testing::captureRun(r.program, options, &counting);
    QVERIFY(counting.lookups > 0);
    if (split) {
        // main at least was compiled on its first call, in regions.
        const codegen::CompileStats stats = (*jit)->stats();
        QVERIFY(stats.functions > 0);
        QVERIFY2(r.program->functions[r.program->mainFunction].code.size() <= 3 || stats.regions > stats.functions,
                 qPrintable(QString::number(stats.regions)));
    }
    if (interpreted != native) {
        QFAIL(qPrintable(QStringLiteral("JIT run differs\n--- interpreter\n%1\n--- JIT\n%2")
                             .arg(QString::fromStdString(interpreted), QString::fromStdString(native))));
    }
}

void TestCodegenGolden::enoughCases()
{
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/run"));
    QVERIFY(dir.entryList({QStringLiteral("*.aefl")}, QDir::Files).size() >= 120);
}

QTEST_GUILESS_MAIN(TestCodegenGolden)
#include "tst_codegen_golden.moc"
