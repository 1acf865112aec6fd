// The JIT's pure tier (compiler/codegen/PureLowering.h): scalar functions
// called from native code run as SSA code without frames or helpers, and
// abort to the ordinary CALL wherever the interpreter would do anything else.
// Every program here is run on the interpreter and under the JIT (-O0 and
// -O2) with the same limits; the captured runs (TraceCapture.h: output, exit
// code, delivery log, state hashes, errors) must be identical. The programs
// aim at the aborts: overflow, division by zero, fuel and call depth running
// out deep inside pure recursion, the native depth cap, arguments that are
// not scalars, mixed int/float/bool/nil operands.

#include "ProgramGen.h"
#include "TraceCapture.h"

#include "Compiler.h"
#include "Jit.h"
#include "JitRuntime.h"
#include "NativeJit.h"
#include "Snapshot.h"

#include <QtTest>

#include <atomic>

extern "C" int32_t af_call_push(void* vm, aeroflow::engine::Fiber* fiber, aeroflow::engine::Value* R, uint64_t bits,
                                uint32_t pc);

using namespace aeroflow;

namespace {

std::shared_ptr<const compiler::Program> compileText(const std::string& text)
{
    auto r = compiler::compile("pure.aefl", text, {true, false});
    if (!r.ok())
        qWarning("%s", r.formatDiagnostics(false).c_str());
    return r.ok() ? r.program : nullptr;
}

/// Counts the frame pushes of native calls (the slow CALL path).
std::atomic<uint64_t> g_callPushes{0};
int32_t countingCallPush(void* vm, engine::Fiber* fiber, engine::Value* R, uint64_t bits, uint32_t pc)
{
    ++g_callPushes;
    return af_call_push(vm, fiber, R, bits, pc);
}

codegen::JitOptions engineOptions(int opt, bool countPushes)
{
    codegen::JitOptions o;
    o.optLevel = opt;
    o.keepIr = true;
    const auto l = engine::nativeLayout();
    o.layout.fiberFuelOffset = l.fiberFuelOffset;
    o.layout.valueSize = l.valueSize;
    for (const auto& s : engine::nativeRuntimeSymbols()) {
        const bool push = countPushes && std::string(s.name) == "af_call_push";
        o.runtime.push_back({s.name, push ? reinterpret_cast<void*>(&countingCallPush) : s.address});
    }
    return o;
}

/// A codegen::Jit served to the engine (what cli::NativeJit does through the plug-in).
class DirectNative final : public engine::NativeCode {
public:
    explicit DirectNative(std::unique_ptr<codegen::Jit> jit) : m_jit(std::move(jit)) {}
    engine::NativeEntry entry(uint32_t function) const override
    {
        return reinterpret_cast<engine::NativeEntry>(m_jit->entry(function));
    }
    const codegen::Jit& jit() const { return *m_jit; }

private:
    std::unique_ptr<codegen::Jit> m_jit;
};

/// The text of LLVM function `name` in `ir` ("" if not defined).
std::string functionBody(const std::string& ir, const std::string& name)
{
    for (size_t at = ir.find("@" + name + "("); at != std::string::npos; at = ir.find("@" + name + "(", at + 1)) {
        const size_t line = ir.rfind('\n', at) + 1; // npos + 1 == 0: the first line
        if (ir.compare(line, 7, "define ") == 0)
            return ir.substr(line, ir.find("\n}\n", at) - line);
    }
    return {};
}

struct Limits {
    uint64_t fuel = 10'000'000;
    uint32_t depth = 2'000;
    int64_t memory = 256ll << 20;
};

} // namespace

class TestCodegenPure : public QObject {
    Q_OBJECT
private slots:
    void fibRunsOnThePureTier();
    void qualification();
    void snapshotsMatchTheInterpreter();
    void sameAsInterpreter_data();
    void sameAsInterpreter();
    void generatedPrograms();
};

void TestCodegenPure::fibRunsOnThePureTier()
{
    auto program = compileText("fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}\n"
                               "fn twice(x) {\n    return x + x\n}\n"
                               "print(fib(20))\nprint(twice(4))\nprint(twice(\"ab\"))\n");
    QVERIFY(program);
    uint32_t fib = 0;
    while (program->functions[fib].name != "fib")
        ++fib;
    for (int opt : {0, 2}) {
        auto jit = codegen::Jit::compile(*program, engineOptions(opt, true));
        QVERIFY2(jit, jit ? "" : jit.error().c_str());
        QCOMPARE((*jit)->stats().pureFunctions, 2u); // fib and twice; main is not a plain function
        // Two versions: af_pure_N (any scalars) and af_purei_N (int
        // arguments). The recursion of the int one is a direct call of
        // itself, with no helper and no register file: no call of any af_
        // function but the pure ones.
        for (const char* prefix : {"af_pure_", "af_purei_"}) {
            const std::string name = prefix + std::to_string(fib);
            const std::string body = functionBody((*jit)->ir(), name);
            QVERIFY2(!body.empty(), (*jit)->ir().c_str());
            QVERIFY2(body.find(" fastcc ") != std::string::npos, body.c_str());
            QVERIFY2(body.find("call fastcc { i8, i64, i64 } @af_purei_" + std::to_string(fib) + "(") !=
                         std::string::npos,
                     body.c_str());
            for (size_t at = body.find("@af_"); at != std::string::npos; at = body.find("@af_", at + 1))
                QVERIFY2(body.compare(at, 8, "@af_pure") == 0, body.c_str());
            if (opt == 2)
                QVERIFY2(body.find("alloca") == std::string::npos, body.c_str());
        }
        // The int version takes the payload alone: (state, fuel, room, base, n).
        QVERIFY(functionBody((*jit)->ir(), "af_purei_" + std::to_string(fib)).find("i32 %3, i64 %4)") !=
                std::string::npos);

        // At run time: fib(20) and twice(4) push no frame; twice("ab") (not a
        // scalar argument) takes the ordinary call, which pushes one.
        DirectNative native(std::move(*jit));
        g_callPushes = 0;
        const std::string run = testing::captureRun(program, {}, &native);
        QVERIFY2(run.find("1|6765\n1|8\n1|abab\n") != std::string::npos, run.c_str());
        QCOMPARE(g_callPushes.load(), uint64_t(1));
        QCOMPARE(run, testing::captureRun(program, {}, nullptr));
    }
}

void TestCodegenPure::qualification()
{
    // Qualify: scalar code calling only qualifying functions. Not: strings,
    // lists, builtins (print), globals, and callers of those.
    auto program = compileText("let G = 3\n"
                               "fn a(n) { return b(n) + 1 }\n"
                               "fn b(n) { if n > 0 { return a(n - 1) } return 0.5 }\n"
                               "fn s(n) { return \"x\" }\n"
                               "fn callsS(n) { return s(n) }\n"
                               "fn g(n) { return n + G }\n"
                               "fn p(n) { print(n)\n return n }\n"
                               "fn l(n) { return [n] }\n"
                               "fn loop(n) {\n    mut t = 0\n    for i in 0..n { t = t + i }\n    return t\n}\n"
                               "print(a(3), callsS(1), g(1), p(2), l(1), loop(10))\n");
    QVERIFY(program);
    auto jit = codegen::Jit::compile(*program, engineOptions(0, false));
    QVERIFY2(jit, jit ? "" : jit.error().c_str());
    QCOMPARE((*jit)->stats().pureFunctions, 3u); // a, b, loop
    const std::string& ir = (*jit)->ir();
    for (uint32_t i = 0; i < program->functions.size(); ++i) {
        const std::string& name = program->functions[i].name;
        const bool expected = name == "a" || name == "b" || name == "loop";
        QVERIFY2(functionBody(ir, "af_pure_" + std::to_string(i)).empty() != expected, name.c_str());
    }
}

void TestCodegenPure::snapshotsMatchTheInterpreter()
{
    // Main suspends in recv() after deep pure calls: the snapshot (which
    // holds main's register file, grown by the frames the interpreter pushes
    // and the pure tier does not) is the same image byte for byte.
    auto program = compileText("fn down(n: int) -> int {\n    if n <= 0 { return 0 }\n    return 1 + down(n - 1)\n}\n"
                               "actor Echo {\n    on Ping(n) { emit(n) }\n}\n"
                               "let e = spawn(Echo)\nprint(down(300))\nsend(e, Ping(1))\nprint(recv())\n");
    QVERIFY(program);
    auto snapshot = [&](const engine::NativeCode* native) {
        engine::RunOptions options;
        options.native = native;
        engine::Scheduler s(program, options, [](engine::Stream, std::string_view) {});
        s.start();
        return engine::saveSnapshot(s);
    };
    const std::string interpreted = snapshot(nullptr);
    QVERIFY(interpreted.size() > 300 * 16); // main's registers are in it
    for (int opt : {0, 2}) {
        auto jit = codegen::Jit::compile(*program, engineOptions(opt, true));
        QVERIFY2(jit, jit ? "" : jit.error().c_str());
        DirectNative native(std::move(*jit));
        g_callPushes = 0;
        const std::string image = snapshot(&native);
        QCOMPARE(g_callPushes.load(), uint64_t(0)); // down ran on the pure tier
        QCOMPARE(image.size(), interpreted.size());
        QVERIFY(image == interpreted);
    }
}

void TestCodegenPure::sameAsInterpreter_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<qulonglong>("fuel");
    QTest::addColumn<uint>("depth");
    QTest::addColumn<QString>("expect"); // a substring of the interpreter's run

    const QString fib = "fn fib(n: int) -> int {\n    if n < 2 { return n }\n    return fib(n - 1) + fib(n - 2)\n}\n";
    QTest::newRow("fib") << fib + "print(fib(22))\n" << 10'000'000ull << 2000u << "1|17711\n";
    // Fuel runs out deep inside the pure recursion (and at various points).
    for (uint64_t fuel : {300ull, 4'321ull, 77'777ull})
        QTest::newRow(qPrintable("fib fuel " + QString::number(fuel)))
            << fib + "print(fib(25))\n" << qulonglong(fuel) << 2000u << "instruction budget exhausted";
    QTest::newRow("ackermann")
        << "fn ack(m: int, n: int) -> int {\n    if m == 0 { return n + 1 }\n"
           "    if n == 0 { return ack(m - 1, 1) }\n    return ack(m - 1, ack(m, n - 1))\n}\n"
           "print(ack(2, 3))\nprint(ack(3, 3))\n"
        << 10'000'000ull << 2000u << "1|9\n1|61\n";
    const QString evenOdd = "fn even(n: int) -> bool {\n    if n == 0 { return true }\n    return odd(n - 1)\n}\n"
                            "fn odd(n: int) -> bool {\n    if n == 0 { return false }\n    return even(n - 1)\n}\n";
    QTest::newRow("mutual") << evenOdd + "print(even(1000), odd(77))\n" << 10'000'000ull << 2000u << "1|true true\n";
    QTest::newRow("mutual depth default") << evenOdd + "print(even(1500))\nprint(even(2500))\n" << 10'000'000ull
                                          << 2000u << "call depth limit of 2000";
    QTest::newRow("mutual depth small") << evenOdd + "print(even(20))\nprint(odd(60))\n" << 10'000'000ull << 41u
                                        << "call depth limit of 41";
    // Past the native cap (10,000 pure frames): the ordinary path finishes.
    const QString down = "fn down(n: int) -> int {\n    if n <= 0 { return 0 }\n    return 1 + down(n - 1)\n}\n";
    QTest::newRow("past the native cap") << down + "print(down(9000))\nprint(down(15000))\nprint(down(21000))\n"
                                         << 100'000'000ull << 20'000u << "1|15000\n";
    // Big frames: the C stack bound of pure frames ends the recursion first.
    QTest::newRow("big frames deep")
        << "fn fat(n: int, a, b) {\n    if n <= 0 { return a - b }\n"
           "    let c = a * 2 + b\n    let d = c - a / 3\n    let e = d * c % 97 + n\n    let f = e + d - c\n"
           "    let g = f * 3 - e\n    let h = g + f * d % 13\n    let r = fat(n - 1, h % 1000, g % 1000)\n"
           "    return r + a + b + c + d + e + f + g + h\n}\n"
           "print(fat(100, 1, 2))\nprint(fat(9500, 3, 4))\nprint(fat(13000, 5, 6))\nprint(fat(15000, 5, 6))\n"
        << 100'000'000ull << 14'000u << "call depth limit of 14000";
    QTest::newRow("overflow deep")
        << "fn fact(n: int) -> int {\n    if n <= 1 { return 1 }\n    return n * fact(n - 1)\n}\n"
           "print(fact(20))\nprint(fact(25))\n"
        << 10'000'000ull << 2000u << "integer overflow";
    QTest::newRow("overflow add and neg")
        << "fn up(x: int, n: int) -> int {\n    if n == 0 { return x + 9223372036854775807 }\n    return up(x, n - 1)\n}\n"
           "fn neg(x: int) -> int { return -x }\n"
           "print(up(0, 50))\nprint(neg(5))\nprint(neg(-9223372036854775807 - 1))\n"
        << 10'000'000ull << 2000u << "1|9223372036854775807\n1|-5\n";
    QTest::newRow("division by zero deep")
        << "fn d(n: int) -> int {\n    if n == 0 { return 10 / n }\n    return d(n - 1) + 1\n}\n"
           "print(d(0 + 100))\n"
        << 10'000'000ull << 2000u << "division by zero";
    QTest::newRow("modulo by zero deep")
        << "fn m(n: int, k: int) -> int {\n    if n == 0 { return 7 % k }\n    return m(n - 1, k) + 1\n}\n"
           "print(m(10, 3))\nprint(m(10, -1))\nprint(m(100, 0))\n"
        << 10'000'000ull << 2000u << "remainder by zero";
    QTest::newRow("int min / -1")
        << "fn q(a: int, b: int) -> int { return a / b }\nfn r(a: int, b: int) -> int { return a % b }\n"
           "print(q(-7, 2), r(-7, 2), r(-9223372036854775807 - 1, -1))\nprint(q(-9223372036854775807 - 1, -1))\n"
        << 10'000'000ull << 2000u << "1|-3 -1 0\n";
    QTest::newRow("not scalar arguments")
        << "fn twice(x) { return x + x }\nfn first(x) { return x }\n"
           "print(twice(2), twice(1.25), twice(\"ab\"), twice([1, 2]))\nprint(first(\"s\"), first(nil))\n"
           "print(twice(true))\n"
        << 10'000'000ull << 2000u << "1|4 2.5 abab [1, 2, 1, 2]\n";
    QTest::newRow("floats mixed")
        << "fn h(x: float, n: int) -> float {\n    if n == 0 { return x }\n    return h(x * 1.5 + n - 0.25 / 3, n - 1)\n}\n"
           "fn mix(a, b) { return a + b * 2 - a / b }\n"
           "fn fm(a, b) { return a % b }\n"
           "print(h(0.1, 30))\nprint(mix(1, 2.5), mix(3, 4), mix(2.0, 8))\nprint(fm(7.5, 2), fm(7, 2))\n"
           "print(mix(1.0, 0.0))\n"
        << 10'000'000ull << 2000u << "division by zero";
    QTest::newRow("compares mixed")
        << "fn eq(a, b) { return a == b }\nfn ne(a, b) { return a != b }\nfn lt(a, b) { return a < b }\n"
           "fn ge(a, b) { return a >= b }\nfn nan() { return 0.0 / 1.0 * 1e308 * 1e308 - 1e308 * 1e308 }\n"
           "print(eq(1, 1.0), eq(true, 1), eq(nil, nil), eq(true, true), eq(false, true), eq(nil, false))\n"
           "print(ne(2, 2.5), ne(nil, 0), lt(1, 1.5), lt(2.5, 2), ge(3, 3), ge(-0.0, 0.0))\n"
           "print(eq(nan(), nan()), lt(nan(), 1), ge(1, nan()), ne(nan(), nan()))\n"
           "print(not eq(1, 2))\n"
           "print(lt(true, 1))\n"
        << 10'000'000ull << 2000u << "cannot compare";
    QTest::newRow("loops and branches")
        << "fn tri(n: int) -> int {\n    mut t = 0\n    for i in 0..n { t = t + i }\n    return t\n}\n"
           "fn down(n: int) -> int {\n    mut t = 0\n    for i in range(n, 0, -3) { t = t + i }\n    return t\n}\n"
           "fn w(n: int) -> int {\n    mut k = 0\n    while k * k < n { k += 1 }\n    if k > 3 and n != 0 { return k }\n"
           "    return -k\n}\n"
           "print(tri(100), down(50), w(10), w(50), tri(0))\nprint(tri(1000000))\n"
        << 2'000'000ull << 2000u << "instruction budget exhausted";
    QTest::newRow("in an actor")
        << fib + "actor A {\n    state total = 0\n"
                 "    on Go(n) {\n        total = total + fib(n)\n        print(total)\n    }\n}\n"
                 "let a = spawn(A)\nsend(a, Go(10))\nsend(a, Go(15))\nsend(a, Go(40))\nsend(a, Go(3))\n"
        << 200'000ull << 2000u << "1|55\n1|665\n";
}

void TestCodegenPure::sameAsInterpreter()
{
    QFETCH(QString, source);
    QFETCH(qulonglong, fuel);
    QFETCH(uint, depth);
    QFETCH(QString, expect);
    auto program = compileText(source.toStdString());
    QVERIFY2(program, qPrintable(source));
    engine::RunOptions options;
    options.fuel = fuel;
    options.maxCallDepth = depth;
    options.maxMessages = 1000;
    const std::string interpreted = testing::captureRun(program, options, nullptr);
    QVERIFY2(interpreted.find(expect.toStdString()) != std::string::npos, interpreted.c_str());
    for (int opt : {0, 2}) {
        auto jit = codegen::Jit::compile(*program, engineOptions(opt, false));
        QVERIFY2(jit, jit ? "" : jit.error().c_str());
        QVERIFY((*jit)->stats().pureFunctions > 0);
        DirectNative native(std::move(*jit));
        const std::string run = testing::captureRun(program, options, &native);
        if (run != interpreted)
            QFAIL(qPrintable(QStringLiteral("-O%1: JIT run differs\n--- interpreter\n%2\n--- JIT\n%3")
                                 .arg(opt)
                                 .arg(QString::fromStdString(interpreted), QString::fromStdString(run))));
    }
}

void TestCodegenPure::generatedPrograms()
{
    QCOMPARE(testing::generatePureProgram(3), testing::generatePureProgram(3));
    constexpr uint64_t kSeeds = 20;
    int fuelErrors = 0, depthErrors = 0, overflowErrors = 0, divisionErrors = 0, typeErrors = 0, clean = 0;
    // Programs of which at least one handler finished (clean): most also crash some.
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        const std::string text = testing::generatePureProgram(seed);
        auto r = compiler::compile("pure" + std::to_string(seed) + ".aefl", text, {true, false});
        if (!r.ok() || !r.program)
            QFAIL(qPrintable(QStringLiteral("seed %1 does not compile:\n%2\n%3")
                                 .arg(seed)
                                 .arg(QString::fromStdString(r.formatDiagnostics(false)), QString::fromStdString(text))));
        QVERIFY(compiler::verifyProgram(*r.program).empty());
        engine::RunOptions options;
        options.maxMessages = 1000;
        static const uint64_t fuels[] = {2'000, 20'000, 300'000, 5'000'000};
        options.fuel = fuels[seed % 4] + seed * 13;
        options.maxCallDepth = seed % 3 == 0 ? uint32_t(41 + seed) : 2'000;
        options.seed = seed;
        const std::string interpreted = testing::captureRun(r.program, options, nullptr);
        const int opt = seed % 8 == 0 ? 2 : 0;
        auto jit = codegen::Jit::compile(*r.program, engineOptions(opt, false));
        QVERIFY2(jit, jit ? "" : jit.error().c_str());
        QVERIFY2((*jit)->stats().pureFunctions >= 2, text.c_str());
        DirectNative native(std::move(*jit));
        const std::string run = testing::captureRun(r.program, options, &native);
        if (run != interpreted)
            QFAIL(qPrintable(QStringLiteral("seed %1 (fuel %2, depth %3, -O%4): JIT run differs\n--- program\n%5\n"
                                            "--- interpreter\n%6\n--- JIT\n%7")
                                 .arg(seed)
                                 .arg(options.fuel)
                                 .arg(options.maxCallDepth)
                                 .arg(opt)
                                 .arg(QString::fromStdString(text), QString::fromStdString(interpreted),
                                      QString::fromStdString(run))));
        const auto has = [&](const char* s) { return interpreted.find(s) != std::string::npos; };
        fuelErrors += has("instruction budget exhausted");
        depthErrors += has("call depth limit");
        overflowErrors += has("integer overflow");
        divisionErrors += has("by zero");
        typeErrors += has("cannot ");
        clean += has("1|P"); // a handler printed its result
    }
    // The generator reaches every kind of abort (and finished calls).
    QVERIFY(fuelErrors > 0);
    QVERIFY(depthErrors > 0);
    QVERIFY(overflowErrors > 0);
    QVERIFY(divisionErrors > 0);
    QVERIFY(typeErrors > 0);
    QVERIFY(clean > 0);
    qInfo("pure programs: %d with fuel, %d depth, %d overflow, %d division, %d type errors, %d with results", fuelErrors,
          depthErrors, overflowErrors, divisionErrors, typeErrors, clean);
}

QTEST_GUILESS_MAIN(TestCodegenPure)
#include "tst_codegen_pure.moc"
