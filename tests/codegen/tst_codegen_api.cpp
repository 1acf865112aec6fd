// codegen::Jit as a library: bad input gives error values (never an abort),
// the IR keeps IEEE semantics (no fast-math, no contraction), and the engine
// integration's edge cases: deep recursion past the native nesting bound,
// statement observers (the JIT steps aside), suspension in nested calls.

#include "TraceCapture.h"

#include "Compiler.h"
#include "Jit.h"
#include "JitRuntime.h"
#include "NativeJit.h"

#include <QtTest>

using namespace aeroflow;

namespace {

std::shared_ptr<const compiler::Program> compileText(const std::string& text)
{
    auto r = compiler::compile("t.aefl", text, {true, false});
    return r.ok() ? r.program : nullptr;
}

codegen::JitOptions engineOptions(int opt)
{
    codegen::JitOptions o;
    o.optLevel = opt;
    const auto l = engine::nativeLayout();
    o.layout.fiberFuelOffset = l.fiberFuelOffset;
    o.layout.valueSize = l.valueSize;
    for (const auto& s : engine::nativeRuntimeSymbols())
        o.runtime.push_back({s.name, s.address});
    return o;
}

compiler::Function returningFunction()
{
    compiler::Function f;
    f.name = "main";
    f.kind = compiler::FunctionKind::Main;
    f.numRegs = 1;
    f.code.push_back({compiler::Op::RETURNNIL, 0, 0, 0, 0});
    return f;
}

class Statements final : public engine::StatementObserver {
public:
    void onStatement(const engine::StatementEvent&) override { ++count; }
    int count = 0;
};

} // namespace

class TestCodegenApi : public QObject {
    Q_OBJECT
private slots:
    void missingRuntimeSymbolIsAnError();
    void foreignLayoutIsAnError();
    void malformedProgramsAreErrors();
    void irHasNoFastMathOrContraction();
    void fastPathsAreInlined();
    void deepRecursionLeavesTheCStackAlone();
    void statementObserverRunsTheInterpreter();
};

void TestCodegenApi::missingRuntimeSymbolIsAnError()
{
    auto program = compileText("print(1)\n");
    QVERIFY(program);
    auto options = engineOptions(0);
    options.runtime.erase(options.runtime.begin());
    auto jit = codegen::Jit::compile(*program, options);
    QVERIFY(!jit);
    QVERIFY2(jit.error().find("af_exec") != std::string::npos, jit.error().c_str());
}

void TestCodegenApi::foreignLayoutIsAnError()
{
    auto program = compileText("print(1)\n");
    QVERIFY(program);
    auto options = engineOptions(0);
    options.layout.valueSize = 24;
    QVERIFY(!codegen::Jit::compile(*program, options));
}

void TestCodegenApi::malformedProgramsAreErrors()
{
    compiler::Program noReturn;
    noReturn.functions.push_back(returningFunction());
    noReturn.functions[0].code[0].op = compiler::Op::NOP;
    auto a = codegen::Jit::compile(noReturn, engineOptions(0));
    QVERIFY(!a);
    QVERIFY2(a.error().find("return") != std::string::npos, a.error().c_str());

    compiler::Program badJump;
    badJump.functions.push_back(returningFunction());
    compiler::Instr jmp{compiler::Op::JMP, 0, 0, 0, 0};
    jmp.setSbc(1000);
    badJump.functions[0].code.insert(badJump.functions[0].code.begin(), jmp);
    auto b = codegen::Jit::compile(badJump, engineOptions(2));
    QVERIFY(!b);
    QVERIFY2(b.error().find("jump") != std::string::npos, b.error().c_str());

    compiler::Program badCall;
    badCall.functions.push_back(returningFunction());
    compiler::Instr call{compiler::Op::CALL, 0, 0, 0, 0};
    call.setBc(77);
    badCall.functions[0].code.insert(badCall.functions[0].code.begin(), call);
    QVERIFY(!codegen::Jit::compile(badCall, engineOptions(0)));

    compiler::Program badOp;
    badOp.functions.push_back(returningFunction());
    badOp.functions[0].code.insert(badOp.functions[0].code.begin(), {compiler::Op(250), 0, 0, 0, 0});
    QVERIFY(!codegen::Jit::compile(badOp, engineOptions(0)));

    compiler::Program empty; // nothing to compile is not an error
    auto e = codegen::Jit::compile(empty, engineOptions(0));
    QVERIFY(e.has_value());
    QVERIFY((*e)->entry(0) == nullptr);
}

void TestCodegenApi::irHasNoFastMathOrContraction()
{
    auto program = compileText("fn f(a: float, b: float, c: float) -> float {\n    return a * b + c\n}\n"
                               "print(f(0.1, 0.2, 0.3))\n");
    QVERIFY(program);
    for (int opt : {0, 2}) {
        auto options = engineOptions(opt);
        options.keepIr = true;
        auto jit = codegen::Jit::compile(*program, options);
        QVERIFY2(jit, jit ? "" : jit.error().c_str());
        const std::string& ir = (*jit)->ir();
        QVERIFY(ir.find("fmul double") != std::string::npos);
        QVERIFY(ir.find("fadd double") != std::string::npos);
        // Flags would sit between the opcode and the type ("fmul fast double").
        for (const char* banned : {"fmul fast", "fadd fast", "fsub fast", " contract ", " reassoc ", " nnan ", " ninf ",
                                   " nsz ", " arcp ", " afn ", "fmuladd", "llvm.fma"})
            QVERIFY2(ir.find(banned) == std::string::npos, banned);
    }
}

void TestCodegenApi::fastPathsAreInlined()
{
    auto program = compileText("mut t = 0\nfor i in 0..100 { t = t + i * 2 }\nprint(t)\n");
    QVERIFY(program);
    auto jit = cli::NativeJit::compile(*program, 0);
    QVERIFY(jit);
    QVERIFY((*jit)->stats().inlinedInstructions > 0);
    QVERIFY((*jit)->stats().inlinedInstructions <= (*jit)->stats().instructions);
    QVERIFY((*jit)->entry(program->mainFunction) != nullptr);
}

void TestCodegenApi::deepRecursionLeavesTheCStackAlone()
{
    // 60,000 frames: far past the native nesting bound; the interpreter
    // takes the deep part, results and errors stay the interpreter's.
    auto program = compileText("fn rec(n: int) -> int {\n    if n <= 0 { return 0 }\n    return 1 + rec(n - 1)\n}\n"
                               "print(rec(60000))\nprint(rec(200000))\n");
    QVERIFY(program);
    auto jit = cli::NativeJit::compile(*program, 0);
    QVERIFY(jit);
    engine::RunOptions options;
    options.maxCallDepth = 100'000;
    const std::string interpreted = testing::captureRun(program, options, nullptr);
    const std::string native = testing::captureRun(program, options, jit->get());
    QCOMPARE(native, interpreted);
    QVERIFY(native.find("1|60000\n") != std::string::npos);
    QVERIFY(native.find("call depth limit of 100000") != std::string::npos);
}

void TestCodegenApi::statementObserverRunsTheInterpreter()
{
    auto program = compileText("fn f(a: int) -> int {\n    return a + 1\n}\nmut x = 0\nwhile x < 5 { x = f(x) }\nprint(x)\n");
    QVERIFY(program);
    auto jit = cli::NativeJit::compile(*program, 0);
    QVERIFY(jit);
    Statements plain, withJit;
    engine::RunOptions options;
    options.statementObserver = &plain;
    const std::string a = testing::captureRun(program, options, nullptr);
    options.statementObserver = &withJit;
    const std::string b = testing::captureRun(program, options, jit->get());
    QCOMPARE(b, a);
    QVERIFY(plain.count > 5);
    QCOMPARE(withJit.count, plain.count);
}

QTEST_GUILESS_MAIN(TestCodegenApi)
#include "tst_codegen_api.moc"
