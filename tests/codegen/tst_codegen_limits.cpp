// Work charges and in-place string appends under the JIT: the same run as
// the interpreter's, event for event, whatever the budget.
//  - fuelAtEveryInstruction: `s = s + x` on a global and on a state field,
//    with the fuel running out at every instruction in turn, including the
//    SETGLOBAL/SETSTATE right after an append (where the interpreter and
//    the JIT decide in-place vs copy each their own way, invisibly);
//  - workAtEveryBudget: instructions that copy, compare, print, sort and
//    send large values, with budgets from tiny to ample, so that the work
//    budget runs out at many different places.

#include "TraceCapture.h"

#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"

#include <QtTest>

using namespace aeroflow;

namespace {

struct Compiled {
    std::shared_ptr<const compiler::Program> program;
    std::unique_ptr<engine::NativeCode> native;
};

Compiled compileBoth(const std::string& text)
{
    Compiled c;
    auto r = compiler::compile("limits.aefl", text, {true, false});
    if (!r.ok() || !r.program)
        qFatal("does not compile: %s", r.formatDiagnostics(false).c_str());
    c.program = r.program;
    auto jit = cli::NativeJit::compile(*r.program, 0);
    if (!jit)
        qFatal("JIT: %s", jit.error().c_str());
    c.native = std::move(*jit);
    return c;
}

/// Runs both ways with `fuel`; fails the test when they differ. Returns the interpreter's run.
std::string compareAt(const Compiled& c, uint64_t fuel, const std::string& name)
{
    engine::RunOptions options;
    options.fuel = fuel;
    options.maxMessages = 10'000;
    options.memoryLimit = 64ll << 20;
    const std::string interpreted = testing::captureRun(c.program, options, nullptr);
    const std::string native = testing::captureRun(c.program, options, c.native.get());
    if (interpreted != native)
        qFatal("%s with fuel %llu: the JIT's run differs\n--- interpreter\n%s\n--- JIT\n%s", name.c_str(),
               static_cast<unsigned long long>(fuel), interpreted.c_str(), native.c_str());
    return interpreted;
}

} // namespace

class TestCodegenLimits : public QObject {
    Q_OBJECT
private slots:
    void fuelAtEveryInstruction();
    void workAtEveryBudget_data();
    void workAtEveryBudget();
};

void TestCodegenLimits::fuelAtEveryInstruction()
{
    // Main's segment after recv() and the handler both append in loops; the
    // state hash recorded after each delivery shows the global or field as
    // the failing instruction left it.
    const Compiled c = compileBoth(R"(
actor Log {
  state text = "start"
  on Grow(n) {
    for i in range(n) { text = text + "ab" }
    emit(len(text))
  }
}
mut s = "x"
let log = spawn(Log)
send(log, Grow(40))
let got = recv()
for i in range(40) { s = s + "cd" }
print(got, len(s))
)");
    int fuelErrors = 0, finished = 0;
    for (uint64_t fuel = 1; fuel <= 400; ++fuel) {
        const std::string run = compareAt(c, fuel, "appends");
        fuelErrors += run.find("instruction budget exhausted") != std::string::npos;
        finished += run.find("85 81") != std::string::npos;
    }
    qInfo("%d runs out of fuel, %d finished", fuelErrors, finished);
    QVERIFY(fuelErrors > 150);
    QVERIFY(finished > 100);
}

void TestCodegenLimits::workAtEveryBudget_data()
{
    QTest::addColumn<QString>("program");
    const QString grow = QStringLiteral("mut s = \"x\"\nfor i in range(16) { s = s + s }\nmut xs = range(20000)\n");
    QTest::newRow("copies") << grow + "mut n = 0\nwhile n < 50 { let t = s + \"y\"\n let u = xs + xs\n n = n + 1 }\nprint(n)\n";
    QTest::newRow("compare and print")
        << grow + "mut n = 0\nwhile n < 50 { if xs == xs.slice(0) { n = n + 1 }\n let t = str(xs) }\nprint(n)\n";
    QTest::newRow("sort and keys")
        << grow + "mut m = {}\nfor i in range(3000) { m[str(i)] = i }\nmut n = 0\nwhile n < 30 { let k = m.keys().sort()\n n = n + 1 }\nprint(n)\n";
    QTest::newRow("send")
        << grow + "actor Sink { on Take(v) { emit(len(v)) } }\nlet k = spawn(Sink)\nfor i in range(20) { send(k, Take(xs)) }\nmut n = 0\nfor i in range(20) { n = n + recv() }\nprint(n)\n";
}

void TestCodegenLimits::workAtEveryBudget()
{
    QFETCH(QString, program);
    const Compiled c = compileBoth(program.toStdString());
    int workErrors = 0, clean = 0;
    for (uint64_t fuel = 50; fuel < 40'000'000; fuel = fuel * 5 / 4 + 7) {
        const std::string run = compareAt(c, fuel, QTest::currentDataTag());
        workErrors += run.find("work budget exhausted") != std::string::npos;
        clean += run.find("runtime error") == std::string::npos;
    }
    QVERIFY2(workErrors >= 3, qPrintable(QString::number(workErrors)));
    QVERIFY(clean >= 1);
}

QTEST_GUILESS_MAIN(TestCodegenLimits)
#include "tst_codegen_limits.moc"
