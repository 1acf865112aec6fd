// The JIT at scale: one huge function (20,000 lines of `x = x + 1`, a
// 1,500-operator expression) must not cost the JIT more than its size — it is
// compiled per function, in regions, in the background while the interpreter
// runs it — and the JIT's time and memory have limits that leave functions to
// the interpreter with a reason. The JIT's own counters (CompileStats) stand
// in for clocks: no assertion here depends on timing. Compile times are in
// bench/jit (aeroflow-jit-benchmark --only scale) and docs/PERFORMANCE.md.

#include "TraceCapture.h"

#include "Aot.h"
#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char** environ;

using namespace aeroflow;

namespace {

std::string incrementLines(int lines)
{
    std::string text = "mut x = 0\n";
    for (int i = 0; i < lines; ++i)
        text += "x = x + 1\n";
    return text + "print(x)\n";
}

std::string longExpression(int operators)
{
    std::string text = "mut x = 1\nlet y = x";
    for (int i = 0; i < operators; ++i)
        text += " + x";
    return text + "\nprint(y)\n";
}

std::shared_ptr<const compiler::Program> compileText(const std::string& text)
{
    auto r = compiler::compile("scale.aefl", text, {true, false});
    return r.ok() ? r.program : nullptr;
}

cli::JitPolicy wholeProgram()
{
    cli::JitPolicy policy;
    policy.eagerProgramInstructions = UINT64_MAX;
    return policy;
}

struct ChildRun {
    bool exited = false;
    int status = -1;
    long peakKb = 0;
    QByteArray out, err;
};

/// Runs `argv` with stdout and stderr to files in `dir`; the child's exit
/// status and peak resident memory (wait4).
ChildRun runChild(const QStringList& argv, const QString& dir)
{
    ChildRun run;
    std::vector<QByteArray> bytes;
    for (const QString& a : argv)
        bytes.push_back(a.toLocal8Bit());
    std::vector<char*> args;
    for (auto& b : bytes)
        args.push_back(b.data());
    args.push_back(nullptr);
    const QByteArray outPath = (dir + QStringLiteral("/out.txt")).toLocal8Bit();
    const QByteArray errPath = (dir + QStringLiteral("/err.txt")).toLocal8Bit();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, outPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return run;
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid)
        return run;
    run.peakKb = usage.ru_maxrss;
    run.exited = WIFEXITED(status);
    run.status = run.exited ? WEXITSTATUS(status) : -WTERMSIG(status);
    QFile out(QString::fromLocal8Bit(outPath)), err(QString::fromLocal8Bit(errPath));
    if (out.open(QIODevice::ReadOnly))
        run.out = out.readAll();
    if (err.open(QIODevice::ReadOnly))
        run.err = err.readAll();
    return run;
}

} // namespace

class TestCodegenScale : public QObject {
    Q_OBJECT
private slots:
    void hugeMainCompilesInTheBackground();
    void compileMemoryDoesNotGrowWithTheFunction();
    void loopsInBigFunctionsKeepTheirFastPaths();
    void longExpressionCompiles();
    void overTheSizeLimitStaysInterpreted();
    void codeLimitLeavesTheRestInterpreted();
    void aotSplitsHugeFunctions();
    void runJitHugeProgramEndsNormally();
};

void TestCodegenScale::hugeMainCompilesInTheBackground()
{
    auto program = compileText(incrementLines(20'000));
    QVERIFY(program);
    const uint32_t main = program->mainFunction;
    QVERIFY(program->functions[main].code.size() > 60'000);
    // `run --jit`: nothing is compiled up front for a program this size;
    // main, too long to compile on the engine thread, goes to the background
    // and the interpreter runs it meanwhile.
    auto jit = cli::NativeJit::compile(*program, 0);
    QVERIFY2(jit, jit ? "" : jit.error().c_str());
    QCOMPARE((*jit)->stats().functions, 0u);
    QCOMPARE((*jit)->state(main), cli::NativeJit::State::NotCompiled);
    const std::string interpreted = testing::captureRun(program, {}, nullptr);
    QVERIFY(interpreted.find("20000") != std::string::npos);
    QCOMPARE(testing::captureRun(program, {}, jit->get()), interpreted);
    const auto state = (*jit)->state(main);
    QVERIFY(state == cli::NativeJit::State::Queued || state == cli::NativeJit::State::Native);

    (*jit)->waitIdle();
    QCOMPARE((*jit)->state(main), cli::NativeJit::State::Native);
    const codegen::CompileStats stats = (*jit)->stats();
    QCOMPARE(stats.functions, 1u);
    QVERIFY2(stats.regions >= 60, qPrintable(QString::number(stats.regions))); // 60,005 instructions, 1,000 a region
    QVERIFY(jit->get()->entry(main) != nullptr);
    // The same run, now natively from the first instruction.
    QCOMPARE(testing::captureRun(program, {}, jit->get()), interpreted);
    // ... also when the fuel runs out in the middle of a region.
    engine::RunOptions tight;
    tight.fuel = 31'337;
    const std::string interpretedTight = testing::captureRun(program, tight, nullptr);
    QVERIFY(interpretedTight.find("instruction budget exhausted") != std::string::npos);
    QCOMPARE(testing::captureRun(program, tight, jit->get()), interpretedTight);
}

void TestCodegenScale::compileMemoryDoesNotGrowWithTheFunction()
{
    // What one compile holds at a time is one module; the largest module is
    // the same for 2,000 and 20,000 lines (one region), and code grows in
    // proportion. (Before regions, main was one module of ~600,000 IR
    // instructions and the compile took 1.1 GB.)
    auto small = compileText(incrementLines(2'000));
    auto big = compileText(incrementLines(20'000));
    QVERIFY(small && big);
    auto a = cli::NativeJit::compile(*small, 0, wholeProgram());
    auto b = cli::NativeJit::compile(*big, 0, wholeProgram());
    QVERIFY(a && b);
    const codegen::CompileStats sa = (*a)->stats(), sb = (*b)->stats();
    const uint32_t region = codegen::JitLimits{}.maxRegionInstructions;
    QCOMPARE(sb.functions, 1u);
    QVERIFY(sb.regions >= 60);
    QCOMPARE(sb.compactRegions, sb.regions); // straight-line code: no inline fast paths
    QVERIFY2(sb.largestModuleInstructions <= sa.largestModuleInstructions + 64,
             qPrintable(QStringLiteral("%1 vs %2").arg(sb.largestModuleInstructions).arg(sa.largestModuleInstructions)));
    QVERIFY2(sb.largestModuleInstructions < 16ull * region, qPrintable(QString::number(sb.largestModuleInstructions)));
    QVERIFY2(sb.codeBytes < 12 * sa.codeBytes && sb.codeBytes > 8 * sa.codeBytes,
             qPrintable(QStringLiteral("%1 vs %2").arg(sb.codeBytes).arg(sa.codeBytes)));
    QCOMPARE(testing::captureRun(big, {}, b->get()), testing::captureRun(big, {}, nullptr));
}

void TestCodegenScale::loopsInBigFunctionsKeepTheirFastPaths()
{
    // A big function is compiled as at -O0 and its straight-line regions
    // call helpers for everything but jumps; the region holding a loop keeps
    // the inline arithmetic.
    std::string text = incrementLines(3'000);
    text.insert(text.find("print(x)"), "for i in 0..1000 {\n    x = x + i * 2\n}\n");
    auto program = compileText(text);
    QVERIFY(program);
    auto jit = cli::NativeJit::compile(*program, 2, wholeProgram());
    QVERIFY(jit);
    const codegen::CompileStats stats = (*jit)->stats();
    QCOMPARE(stats.unoptimised, 1u);
    QVERIFY(stats.regions >= 9);
    QCOMPARE(stats.compactRegions, stats.regions - 1);
    QVERIFY(stats.inlinedInstructions > 0);
    QCOMPARE(testing::captureRun(program, {}, jit->get()), testing::captureRun(program, {}, nullptr));
}

void TestCodegenScale::longExpressionCompiles()
{
    auto program = compileText(longExpression(1'500));
    QVERIFY(program);
    auto jit = cli::NativeJit::compile(*program, 0, wholeProgram());
    QVERIFY2(jit, jit ? "" : jit.error().c_str());
    const codegen::CompileStats stats = (*jit)->stats();
    QCOMPARE((*jit)->state(program->mainFunction), cli::NativeJit::State::Native);
    QVERIFY(stats.regions > stats.functions);
    QVERIFY2(stats.largestModuleInstructions < 32ull * codegen::JitLimits{}.maxRegionInstructions,
             qPrintable(QString::number(stats.largestModuleInstructions)));
    const std::string interpreted = testing::captureRun(program, {}, nullptr);
    QVERIFY(interpreted.find("1501") != std::string::npos);
    QCOMPARE(testing::captureRun(program, {}, jit->get()), interpreted);
}

void TestCodegenScale::overTheSizeLimitStaysInterpreted()
{
    auto program = compileText(incrementLines(20'000));
    QVERIFY(program);
    cli::JitPolicy policy;
    policy.limits.maxFunctionInstructions = 50'000;
    auto jit = cli::NativeJit::compile(*program, 2, policy);
    QVERIFY(jit);
    const std::string interpreted = testing::captureRun(program, {}, nullptr);
    QCOMPARE(testing::captureRun(program, {}, jit->get()), interpreted);
    (*jit)->waitIdle();
    QCOMPARE((*jit)->state(program->mainFunction), cli::NativeJit::State::Interpreted);
    QCOMPARE((*jit)->stats().tooLarge, 1u);
    QCOMPARE((*jit)->stats().modules, 0u); // nothing was lowered
    const std::string report = (*jit)->report();
    QVERIFY2(report.find("interpreted: main (60005 instructions, over the JIT's limit of 50000 per function)") !=
                 std::string::npos,
             report.c_str());
}

void TestCodegenScale::codeLimitLeavesTheRestInterpreted()
{
    // 30 functions of 200 lines each, all called.
    std::string text;
    for (int f = 0; f < 30; ++f) {
        text += "fn f" + std::to_string(f) + "(x: int) -> int {\n    mut y = x\n";
        for (int i = 0; i < 200; ++i)
            text += "    y = y + " + std::to_string(i % 7) + "\n    print(y)\n";
        text += "    return y\n}\n";
    }
    text += "mut t = 0\n";
    for (int f = 0; f < 30; ++f)
        text += "t = t + f" + std::to_string(f) + "(" + std::to_string(f) + ")\n";
    text += "print(t)\n";
    auto program = compileText(text);
    QVERIFY(program);
    cli::JitPolicy policy = wholeProgram();
    auto unlimited = cli::NativeJit::compile(*program, 0, policy);
    QVERIFY(unlimited);
    const uint64_t all = (*unlimited)->stats().codeBytes;
    policy.limits.maxCodeBytes = all / 3;
    auto jit = cli::NativeJit::compile(*program, 0, policy);
    QVERIFY(jit);
    const codegen::CompileStats stats = (*jit)->stats();
    QVERIFY2(stats.codeBytes <= policy.limits.maxCodeBytes, qPrintable(QString::number(stats.codeBytes)));
    QVERIFY(stats.functions > 0);
    QVERIFY(stats.overCodeLimit > 0);
    QCOMPARE(stats.functions + stats.overCodeLimit, uint32_t(program->functions.size()));
    QVERIFY((*jit)->report().find("code memory reached its limit") != std::string::npos);
    QCOMPARE(testing::captureRun(program, {}, jit->get()), testing::captureRun(program, {}, nullptr));
}

void TestCodegenScale::aotSplitsHugeFunctions()
{
    // `aeroflow build` compiles eagerly, in one module, with the same regions
    // and the same rule for big functions (not optimised: optnone).
    const std::string text = incrementLines(6'000);
    auto program = compileText(text);
    QVERIFY(program);
    auto object = cli::NativeJit::emitObject(*program, "x86_64-linux", 2, "scale.aefl", text);
    QVERIFY2(object, object ? "" : object.error().c_str());
    QVERIFY(object->bytes.size() > 1000);
    QCOMPARE(object->stats.functions, 1u);
    QVERIFY(object->stats.regions >= 18);
    QCOMPARE(object->stats.unoptimised, 1u);
}

void TestCodegenScale::runJitHugeProgramEndsNormally()
{
    // The command a user runs: it must end with the interpreter's output,
    // without waiting for LLVM, and within a modest amount of memory (the
    // whole-program compile took minutes and over a gigabyte here).
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = dir.filePath(QStringLiteral("huge.aefl"));
    QFile f(source);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(incrementLines(20'000)));
    f.close();
    for (const QString& opt : {QStringLiteral("0"), QStringLiteral("2")}) {
        const ChildRun run = runChild({QStringLiteral(AEROFLOW_BIN), QStringLiteral("run"), QStringLiteral("--jit"),
                                       QStringLiteral("--jit-opt"), opt, source},
                                      dir.path());
        QVERIFY2(run.exited && run.status == 0, run.err.constData());
        QCOMPARE(run.out, QByteArray("20000\n"));
        // AddressSanitizer's shadow and quarantine roughly triple a run's peak.
#if defined(__SANITIZE_ADDRESS__)
        constexpr qint64 kPeakBoundKb = 1600 * 1024;
#else
        constexpr qint64 kPeakBoundKb = 400 * 1024;
#endif
        QVERIFY2(run.peakKb < kPeakBoundKb, qPrintable(QString::number(run.peakKb)));
    }
}

QTEST_GUILESS_MAIN(TestCodegenScale)
#include "tst_codegen_scale.moc"
