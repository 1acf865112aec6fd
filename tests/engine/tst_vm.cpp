// The interpreter on small programs: one check per opcode family, and that
// every opcode of Opcodes.def is handled (a program using each runs clean).

#include "Compiler.h"
#include "Scheduler.h"

#include <QtTest>

using namespace aeroflow;

namespace {

std::string runOut(const std::string& source, std::string* err = nullptr, engine::RunOptions opt = {})
{
    auto r = compiler::compile("t.aefl", source, {true, false});
    if (!r.ok())
        return "COMPILE: " + r.formatDiagnostics(false);
    std::string out, e;
    engine::runProgram(r.program, std::move(opt), [&](engine::Stream s, std::string_view t) {
        (s == engine::Stream::Output ? out : e).append(t);
    });
    if (err)
        *err = e;
    return out;
}

} // namespace

class TestVm : public QObject {
    Q_OBJECT
private slots:
    void arithmetic_data();
    void arithmetic();
    void runtimeErrors_data();
    void runtimeErrors();
    void closuresAndRecursion();
    void callDepthLimit();
};

void TestVm::arithmetic_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("printed");
    QTest::newRow("int add") << "1 + 2" << "3";
    QTest::newRow("trunc div") << "-7 / 2" << "-3";
    QTest::newRow("mod sign") << "-7 % 3" << "-1";
    QTest::newRow("float div") << "7 / 2.0" << "3.5";
    QTest::newRow("widen") << "1 + 0.5" << "1.5";
    QTest::newRow("concat") << "\"n=\" + 5" << "n=5";
    QTest::newRow("concat float") << "2.0 + \" m\"" << "2.0 m";
    QTest::newRow("neg") << "-(3)" << "-3";
    QTest::newRow("cmp") << "1 < 2.5" << "true";
    QTest::newRow("str cmp") << "\"abc\" < \"abd\"" << "true";
    QTest::newRow("eq int float") << "1 == 1.0" << "true";
    QTest::newRow("list eq") << "[1, [2]] == [1, [2]]" << "true";
    QTest::newRow("min int") << "-9223372036854775808" << "-9223372036854775808";
}

void TestVm::arithmetic()
{
    QFETCH(QString, expr);
    QFETCH(QString, printed);
    QCOMPARE(QString::fromStdString(runOut("print(" + expr.toStdString() + ")\n")), printed + "\n");
}

void TestVm::runtimeErrors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("error");
    QTest::newRow("overflow") << "let x = 9223372036854775807\nprint(x + 1)" << "t.aefl:2:9: runtime error: integer overflow in '+' (main program, tick 0)";
    QTest::newRow("div0") << "let z = 0\nprint(1 / z)" << "division by zero";
    QTest::newRow("mod0") << "let z = 0\nprint(1 % z)" << "remainder by zero";
    QTest::newRow("index") << "let xs = [1]\nprint(xs[3])" << "list index 3 out of range (length 1)";
    QTest::newRow("key") << "let m = {a: 1}\nprint(m[\"b\"])" << "map has no key \"b\"";
    QTest::newRow("assert") << "assert(1 > 2, \"math\")" << "assertion failed: math";
    QTest::newRow("unwrap") << "let r = Err(\"no\")\nprint(r.unwrap())" << "unwrap() of Err(\"no\")";
    QTest::newRow("any op") << "fn f(a, b) { return a - b }\nprint(f(\"s\", 1))" << "cannot apply '-' to string and int";
}

void TestVm::runtimeErrors()
{
    QFETCH(QString, source);
    QFETCH(QString, error);
    std::string err;
    runOut(source.toStdString() + "\n", &err);
    QVERIFY2(QString::fromStdString(err).contains(error), err.c_str());
}

void TestVm::closuresAndRecursion()
{
    QCOMPARE(runOut(R"(
fn scaler(factor) {
    fn scale(x) { return x * factor }
    return scale
}
fn fact(n) { if n <= 1 { return 1 } return n * fact(n - 1) }
fn outer(k) {
    fn rec(n) { if n == 0 { return k } return rec(n - 1) }
    return rec(3)
}
let triple = scaler(3)
let f = fact
print(triple(14), f(10), outer(7))
)"), std::string("42 3628800 7\n"));
}

void TestVm::callDepthLimit()
{
    engine::RunOptions opt;
    opt.maxCallDepth = 100;
    std::string err;
    QCOMPARE(runOut("fn d(n) { if n == 0 { return 0 } return 1 + d(n - 1) }\nprint(d(90))\nprint(d(200))\n", &err, opt),
             std::string("90\n"));
    QVERIFY(err.find("call depth limit of 100 exceeded") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestVm)
#include "tst_vm.moc"
