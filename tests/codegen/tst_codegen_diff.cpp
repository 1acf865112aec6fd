// Differential tests: many generated programs (ProgramGen), each run on the
// interpreter and under the JIT with the same limits; the captured runs
// (TraceCapture.h) must be identical. Limits vary by seed so that fuel,
// call depth, overflow and division errors all happen somewhere, at varying
// places, and the suite checks that each did. Each program also runs with
// its functions split into small regions and compiled on first call (on the
// engine thread, or for every fourth seed on the background thread while the
// interpreter runs them), for odd seeds lowered as big functions are (no
// fast paths outside loops): where native code takes over must never show.

#include "ProgramGen.h"
#include "TraceCapture.h"

#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"

#include <QtTest>

using namespace aeroflow;

class TestCodegenDiff : public QObject {
    Q_OBJECT
private slots:
    void generatorIsDeterministic();
    void randomPrograms();
};

void TestCodegenDiff::generatorIsDeterministic()
{
    QCOMPARE(testing::generateProgram(7), testing::generateProgram(7));
    QVERIFY(testing::generateProgram(7) != testing::generateProgram(8));
}

void TestCodegenDiff::randomPrograms()
{
    constexpr uint64_t kSeeds = 80;
    int compiled = 0, fuelErrors = 0, depthErrors = 0, overflowErrors = 0, divisionErrors = 0, clean = 0;
    int callbacks = 0; // runs that reached the lambdas of map, filter, sort at the end
    uint64_t splitRegions = 0, splitFunctions = 0, compactRegions = 0;
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        const std::string text = testing::generateProgram(seed);
        auto r = compiler::compile("gen" + std::to_string(seed) + ".aefl", text, {true, false});
        if (!r.ok() || !r.program)
            QFAIL(qPrintable(QStringLiteral("seed %1 does not compile:\n%2\n%3")
                                 .arg(seed)
                                 .arg(QString::fromStdString(r.formatDiagnostics(false)), QString::fromStdString(text))));
        ++compiled;
        QVERIFY(compiler::verifyProgram(*r.program).empty());
        // A few -O2 compiles; the rest at -O0 (fast to compile).
        const int opt = seed % 20 == 0 ? 2 : 0;
        auto jit = cli::NativeJit::compile(*r.program, opt);
        QVERIFY2(jit.has_value(), jit ? "" : jit.error().c_str());
        engine::RunOptions options;
        options.maxMessages = 10'000;
        options.memoryLimit = 32ll << 20;
        // Fuel from tiny (errors early, in main or in handlers) to ample.
        static const uint64_t fuels[] = {50, 400, 3'000, 20'000, 200'000};
        options.fuel = fuels[seed % 5] + seed * 7;
        options.maxCallDepth = seed % 3 == 0 ? uint32_t(40 + seed) : 2'000;
        options.seed = seed;
        const std::string interpreted = testing::captureRun(r.program, options, nullptr);
        cli::JitPolicy lazy;
        lazy.limits.maxRegionInstructions = 1 + uint32_t(seed % 7);
        lazy.limits.maxOptimisedInstructions = seed % 2 ? 8 : 1'000; // odd seeds: big-function lowering
        lazy.eagerProgramInstructions = 0;
        lazy.background = seed % 4 == 0;
        auto split = cli::NativeJit::compile(*r.program, opt, lazy);
        QVERIFY2(split.has_value(), split ? "" : split.error().c_str());
        for (const cli::NativeJit* code : {jit->get(), split->get()}) {
            const std::string native = testing::captureRun(r.program, options, code);
            if (interpreted != native)
                QFAIL(qPrintable(QStringLiteral("seed %1 (fuel %2, depth %3, -O%4, %5): JIT run differs\n--- program\n"
                                                "%6\n--- interpreter\n%7\n--- JIT\n%8")
                                     .arg(seed)
                                     .arg(options.fuel)
                                     .arg(options.maxCallDepth)
                                     .arg(opt)
                                     .arg(code == jit->get() ? QStringLiteral("whole")
                                                             : QStringLiteral("regions of %1, %2")
                                                                   .arg(lazy.limits.maxRegionInstructions)
                                                                   .arg(lazy.background ? "background" : "on call"))
                                     .arg(QString::fromStdString(text), QString::fromStdString(interpreted),
                                          QString::fromStdString(native))));
        }
        // Once the background compiles are done a second run is (mostly)
        // native: still the same run.
        (*split)->waitIdle();
        QCOMPARE(testing::captureRun(r.program, options, split->get()), interpreted);
        splitRegions += (*split)->stats().regions;
        compactRegions += (*split)->stats().compactRegions;
        splitFunctions += (*split)->stats().functions;
        fuelErrors += interpreted.find("instruction budget exhausted") != std::string::npos;
        depthErrors += interpreted.find("call depth limit") != std::string::npos;
        overflowErrors += interpreted.find("integer overflow") != std::string::npos;
        divisionErrors += interpreted.find("by zero") != std::string::npos;
        clean += interpreted.find("runtime error") == std::string::npos;
        callbacks += interpreted.find("1|end ") != std::string::npos; // printed just before
    }
    qInfo("%d programs: %d with fuel errors, %d depth, %d overflow, %d division by zero, %d without errors, %d reaching "
          "the callbacks",
          compiled, fuelErrors, depthErrors, overflowErrors, divisionErrors, clean, callbacks);
    // The generator must keep reaching every kind of failure (and success).
    QVERIFY(fuelErrors >= 5);
    QVERIFY(depthErrors >= 5);
    QVERIFY(overflowErrors >= 5);
    QVERIFY(divisionErrors >= 3);
    QVERIFY(clean >= 5);
    QVERIFY(callbacks >= 15);
    // The split runs did split (many regions per function) and did compile.
    QVERIFY(splitFunctions > 80);
    QVERIFY(splitRegions > 5 * splitFunctions);
    QVERIFY(compactRegions > splitFunctions);
}

QTEST_GUILESS_MAIN(TestCodegenDiff)
#include "tst_codegen_diff.moc"
