// Unit tests of the AeroFlow checker through the front-end facade
// (`compile()` in compiler/Compiler.h, diagnostics and symbols, no lowering):
// names and scopes, immutability, types, calls and returns, effects and
// purity, determinism, actors, global isolation, captures, modules, and the
// shape of the diagnostic list (sorted, one per independent mistake).
//
// Most tests are tables: a source text, the text its one error must contain
// (empty: the program is clean), the error's line and the exact source slice
// its range starts with.

#include "Compiler.h"

#include <QtTest>

#include <string>

using namespace aeroflow::compiler;

namespace {

CompileResult check(const QByteArray& source)
{
    return compile("test.aefl", source.toStdString(), CompileOptions{false, true});
}

QString describe(const CompileResult& r)
{
    QStringList out;
    for (const Diagnostic& d : r.diagnostics) {
        const LineCol lc = r.file->lineCol(d.range.begin);
        out << QStringLiteral("%1:%2: %3: %4")
                   .arg(lc.line)
                   .arg(lc.col)
                   .arg(QString::fromLatin1(severityName(d.severity)))
                   .arg(QString::fromStdString(d.message));
    }
    return out.isEmpty() ? QStringLiteral("(no diagnostics)") : out.join(QLatin1Char('\n'));
}

QString sliceOf(const CompileResult& r, SourceRange range)
{
    const std::string_view t = r.file->text();
    if (range.begin > range.end || range.end > t.size())
        return QStringLiteral("<bad range>");
    return QString::fromUtf8(t.data() + range.begin, int(range.end - range.begin));
}

const Diagnostic* firstError(const CompileResult& r)
{
    for (const Diagnostic& d : r.diagnostics)
        if (d.severity == Severity::Error)
            return &d;
    return nullptr;
}

/// Columns shared by the diagnostic tables.
void addColumns()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("message"); // empty: must check clean
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("at");      // the source text the error's range covers
}

void clean(const char* name, const QByteArray& source)
{
    QTest::newRow(name) << source << QString() << 0 << QString();
}

void error(const char* name, const QByteArray& source, const char* message, int line, const char* at)
{
    QTest::newRow(name) << source << QString::fromUtf8(message) << line << QString::fromUtf8(at);
}

/// Runs one row of a table: exactly one error with the message, line and
/// range given, or none at all.
void verifyRow()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, message);
    QFETCH(int, line);
    QFETCH(QString, at);
    const CompileResult r = check(source);
    QVERIFY(r.file);
    QVERIFY(r.symbols);
    QVERIFY(!r.program); // lowering was off
    if (message.isEmpty()) {
        QVERIFY2(r.ok(), qPrintable(describe(r)));
        QCOMPARE(r.errorCount, size_t(0));
        return;
    }
    QVERIFY2(r.errorCount == 1, qPrintable(describe(r)));
    QVERIFY(!r.ok());
    const Diagnostic* d = firstError(r);
    QVERIFY(d);
    QVERIFY2(QString::fromStdString(d->message).contains(message), qPrintable(describe(r)));
    QCOMPARE(int(r.file->lineCol(d->range.begin).line), line);
    QCOMPARE(sliceOf(r, d->range), at);
}

const QByteArray kCounter =
    "actor Counter {\n"              // 1
    "  state count = 0\n"            // 2
    "  fn bump(n) { count += n }\n"  // 3
    "  on Increment { count += 1 }\n"// 4
    "  on Add(n: Int) { bump(n) }\n" // 5
    "  on Get { emit(count) }\n"     // 6
    "}\n"                            // 7
    "actor Other {\n"                // 8
    "  on Ping { }\n"                // 9
    "}\n";                           // 10

} // namespace

class TestChecker : public QObject {
    Q_OBJECT
private slots:
    void names_data();
    void names() { verifyRow(); }
    void scopes_data();
    void scopes() { verifyRow(); }
    void immutability_data();
    void immutability() { verifyRow(); }
    void letStateFieldIsImmutable();
    void types_data();
    void types() { verifyRow(); }
    void calls_data();
    void calls() { verifyRow(); }
    void returns_data();
    void returns() { verifyRow(); }
    void effects_data();
    void effects() { verifyRow(); }
    void determinism_data();
    void determinism() { verifyRow(); }
    void actors_data();
    void actors() { verifyRow(); }
    void messageArgumentTypes();
    void globals_data();
    void globals() { verifyRow(); }
    void captures_data();
    void captures() { verifyRow(); }
    void modules_data();
    void modules() { verifyRow(); }
    void formatting_data();
    void formatting() { verifyRow(); }
    void warningsAreNotErrors_data();
    void warningsAreNotErrors();
    void sortedByPosition();
    void multiErrorFile();
    void parseAndCheckErrorsTogether();
    void samplePrograms_data();
    void samplePrograms();
    void resultTypes();
    void formattedDiagnostics();
    void longChainsDoNotCrash_data();
    void longChainsDoNotCrash();
    void options();
    void sourceFileNames_data();
    void sourceFileNames();
};

// ------------------------------------------------------------------- names --

void TestChecker::names_data()
{
    addColumns();
    error("unknown name", "print(y)", "unknown name 'y'", 1, "y");
    error("did you mean a variable", "let count = 1\nprint(cout)", "did you mean 'count'?", 2, "cout");
    error("did you mean a builtin", "prnt(1)", "did you mean 'print'?", 1, "prnt");
    error("capitalised unknown is not a message", "let m = Bogus", "no actor has an 'on Bogus' handler", 1, "Bogus");
    error("module member without module", "print(sqrt(2.0))", "did you mean math.sqrt after 'import math'?", 1, "sqrt");
    error("Ok without value", "let r = Ok", "Ok needs a value", 1, "Ok");
    error("builtin as value", "let p = print", "builtin 'print' is a function", 1, "print");
    error("actor type as value", kCounter + "let a = Counter", "'Counter' is an actor type", 11, "Counter");
    error("unknown actor in spawn", "let a = spawn Nope", "unknown actor 'Nope'", 1, "Nope");
    error("unknown type", "let x: Foo = 1", "unknown type 'Foo'", 1, "Foo");
    error("model outside agent", "let m = model", "only available inside an agent", 1, "model");
    clean("functions are hoisted", "print(later(1))\nfn later(x) { return x }");
    clean("actors are hoisted", "let c = spawn Late\nactor Late { on M { } }");
    clean("builtins", "print(len([1]), str(1), int(\"2\"), float(1), abs(-1), min(1, 2), max(1, 2))");
}

// ------------------------------------------------------------------ scopes --

void TestChecker::scopes_data()
{
    addColumns();
    clean("shadow global in function", "let a = 1\nfn f() {\n  let a = \"s\"\n  if true { let a = 2.0 }\n}");
    clean("shadow in nested block", "fn f() {\n  let a = 1\n  {\n    let a = 2\n  }\n  for a in [1] { }\n}");
    clean("shadow state in handler", "actor A {\n  state x = 1\n  on M { let x = 2 }\n}");
    clean("same name in sibling functions", "fn f() { let t = 1 }\nfn g() { let t = 2 }");
    error("redeclare global", "let a = 1\nlet a = 2", "'a' is already declared in this scope (at line 1)", 2, "a");
    error("redeclare local", "fn f() {\n  let a = 1\n  mut a = 2\n}", "already declared in this scope", 3, "a");
    error("redeclare parameter", "fn f(p, p) { }", "'p' is already declared", 1, "p");
    error("parameter and body share a scope", "fn f(a) {\n  let a = 1\n}", "already declared", 2, "a");
    error("redeclare function", "fn f() { }\nfn f() { }", "already declared", 2, "f");
    error("function then global", "fn f() { return 1 }\nlet f = 2", "already declared", 2, "f");
    error("block local ends with block", "fn f() {\n  if true { let t = 1 }\n  print(t)\n}", "unknown name 't'", 3, "t");
    error("loop variable ends with loop", "for i in range(3) { }\nprint(i)", "unknown name 'i'", 2, "i");
    error("function local is not global", "fn f() { let a = 1 }\nprint(a)", "unknown name 'a'", 2, "a");
    error("match binding ends with arm", "let v = match 1 {\n  n => n\n}\nprint(n + 1)", "unknown name 'n'", 4, "n");
    error("locals of another function", "fn f() { let secret = 1 }\nfn g() { return secret }", "unknown name 'secret'", 2, "secret");
}

// ------------------------------------------------------------ immutability --

void TestChecker::immutability_data()
{
    addColumns();
    error("assign global let", "let a = 1\na = 2", "cannot assign to 'a': it is declared with 'let'", 2, "a");
    error("compound assign local let", "fn f() {\n  let a = 1\n  a += 2\n}", "declared with 'let'", 3, "a");
    error("assign element of let list", "let l = [1]\nl[0] = 2", "declared with 'let'", 2, "l[0]");
    error("mutating method on let list", "let l = [1, 2]\nl.push(3)", "'push' changes its receiver", 2, "l");
    error("assign parameter", "fn f(p) { p = 2 }", "cannot assign to parameter 'p'", 1, "p");
    error("assign loop variable", "for i in [1] { i = 2 }", "cannot assign to", 1, "i");
    error("assign function", "fn f() { }\nf = 1", "cannot assign to function 'f'", 2, "f");
    error("assign to call", "f() = 1", "cannot assign to this expression", 1, "f()");
    clean("mut is assignable", "mut a = 1\na = 2\na += 3\nmut l = [1]\nl.push(2)\nl[0] = 5");
    clean("implicit global is mutable", "z = 5\nz = 6");
    clean("state is assignable in handlers", "actor A {\n  state n = 0\n  on M { n += 1 }\n}");
}

// `let` declares an immutable name everywhere else in the language; a `let`
// field of an actor should be no different.
void TestChecker::letStateFieldIsImmutable()
{
    const CompileResult r = check("actor A {\n  let limit = 3\n  on M { limit = 4 }\n}");
    QVERIFY2(r.errorCount == 1, qPrintable(describe(r)));
    QVERIFY2(describe(r).contains(QStringLiteral("'limit'")), qPrintable(describe(r)));
}

// ------------------------------------------------------------------- types --

void TestChecker::types_data()
{
    addColumns();
    error("annotation mismatch", "let x: Int = \"a\"", "cannot initialise 'x' of type int with a value of type string", 1, "\"a\"");
    error("float into string", "let x: String = 1.5", "of type string with a value of type float", 1, "1.5");
    error("list element type", "let x: List[String] = [1, 2]", "list[string] with a value of type list[int]", 1, "[1, 2]");
    error("assignment type", "mut x: Int = 1\nx = \"s\"", "cannot assign a value of type string to 'x' of type int", 2, "\"s\"");
    error("float into int variable", "mut n = 1\nn += 1.5", "cannot store a float result in int variable", 2, "1.5");
    error("state field annotation", "actor A {\n  state n: Int = \"x\"\n}", "field 'n' is declared int but initialised with string", 2, "\"x\"");
    error("string minus int", "let x = \"a\" - 1", "cannot apply '-' to string and int", 1, "-");
    error("list times int", "let x = [1] * 2", "cannot apply '*' to list[int] and int", 1, "*");
    error("bool plus int", "let x = true + 1", "cannot apply '+' to bool and int", 1, "+");
    error("int less than string", "let x = 1 < \"a\"", "cannot apply '<' to int and string", 1, "<");
    error("equality of different types", "let x = 1 == \"a\"", "is always false", 1, "==");
    error("not of int", "let x = not 1", "'not' needs a bool, found int", 1, "1");
    error("negate string", "let x = -\"a\"", "cannot negate a value of type string", 1, "-\"a\"");
    error("and of int", "let x = 1 and true", "'and' needs bool operands, found int", 1, "1");
    error("float range", "let x = 1.5..3", "range bounds must be ints", 1, "..");
    error("if condition", "if 1 { }", "the condition of 'if' must be a bool, found int", 1, "1");
    error("while condition", "while \"s\" { }", "the condition of 'while' must be a bool, found string", 1, "\"s\"");
    error("iterate an int", "for i in 10 { }", "cannot iterate over a value of type int (did you mean range(n)?)", 1, "10");
    error("list index type", "let v = [1, 2][\"a\"]", "list index must be an int, found string", 1, "\"a\"");
    error("index an int", "let n = 1\nlet v = n[0]", "cannot index a value of type int", 2, "n");
    error("field of int", "let x = 1\nprint(x.foo)", "int has no field 'foo'", 2, "foo");
    error("call an int", "let x = 1\nx()", "'x' is not a function (it is int)", 2, "x");
    error("unknown method", "mut l = [1]\nprint(l.nope())", "list[int] has no method 'nope'", 2, "nope");
    error("duplicate map key", "let m = {a: 1, a: 2}", "duplicate key 'a' in map", 1, "a");
    error("tensor element count", "let t = tensor[2, 2]{1, 2, 3}", "this tensor needs 4 elements, found 3", 1, "tensor[2, 2]{1, 2, 3}");
    error("tensor element type", "let t = tensor[2]{1, \"a\"}", "tensor elements must be numbers", 1, "\"a\"");
    error("literal pattern type", "let v = match 1 {\n  \"s\" => 1\n  _ => 2\n}", "a pattern of type string can never match a value of type int", 2, "\"s\"");
    clean("int widens to float", "let x: Float = 1\nfn f(a: Float) { }\nf(2)");
    clean("string concatenation with numbers", "let s = \"n=\" + 1 + \" f=\" + 2.5");
    clean("comparisons", "let a = 1 < 2.5\nlet b = \"a\" < \"b\"\nlet c = nil == 1");
    clean("unannotated is flexible", "fn f(a, b) { return a + b }\nprint(f(1, 2), f(\"a\", \"b\"))");
}

// ------------------------------------------------------------------- calls --

void TestChecker::calls_data()
{
    addColumns();
    error("too few arguments", "fn f(a, b) { }\nf(1)", "function 'f' takes 2 arguments, found 1", 2, "f(1)");
    error("too many arguments", "fn f() { }\nf(1)", "function 'f' takes 0 arguments, found 1", 2, "f(1)");
    error("argument type", "fn f(a: Int) { }\nf(\"s\")", "argument 1 of 'f' must be int, found string", 2, "\"s\"");
    error("second argument type", "fn f(a, b: Bool) { }\nf(1, 2)", "argument 2 of 'f' must be bool, found int", 2, "2");
    error("builtin arity", "print(len(1, 2))", "'len' takes 1 argument, found 2", 1, "len(1, 2)");
    error("builtin argument type", "let v = len(5)", "len() needs a string, list, map, set or tensor, found int", 1, "5");
    error("range argument type", "for i in range(\"a\") { }", "range() takes ints, found string", 1, "\"a\"");
    error("method arity", "print(\"s\".len(1))", "method 'len' takes 0 arguments, found 1", 1, "\"s\".len(1)");
    error("message arity", kCounter + "let c = spawn Counter\nsend(c, Add())", "message 'Add' takes 1 argument, found 0", 12, "Add");
    error("Ok arity", "let r = Ok(1, 2)", "Ok takes exactly one value", 1, "Ok(1, 2)");
    clean("recursion", "fn fact(n: Int) -> Int {\n  if n <= 1 { return 1 }\n  return n * fact(n - 1)\n}\nprint(fact(5))");
    clean("variadic print", "print()\nprint(1, \"a\", 2.5, [1], {k: 1})");
}

// ----------------------------------------------------------------- returns --

void TestChecker::returns_data()
{
    addColumns();
    error("wrong return type", "fn f() -> Int { return \"s\" }", "function 'f' returns int, not string", 1, "\"s\"");
    error("missing return value", "fn f() -> Int { return }", "returns int, not nil", 1, "return");
    error("missing return", "fn f() -> Int { }", "function 'f' must return a value of type int on every path", 1, "f");
    error("return only in then branch", "fn f(x) -> Int {\n  if x { return 1 }\n}", "on every path", 1, "f");
    error("return outside function", "return 1", "'return' outside a function", 1, "return 1");
    error("handler returns a value", "actor A { on M { return 1 } }", "a handler cannot return a value", 1, "1");
    error("break outside loop", "fn f() { break }", "'break' outside a loop", 1, "break");
    error("continue outside loop", "continue", "'continue' outside a loop", 1, "continue");
    error("result ok type", "fn f() -> Result[Float, String] { return Ok(\"s\") }", "returns Result[float, string], not Result[string, any]", 1, "Ok(\"s\")");
    clean("both branches return", "fn f(x) -> Int {\n  if x { return 1 } else { return 2 }\n}");
    clean("else if chain returns", "fn f(x) -> Int {\n  if x == 1 { return 1 } else if x == 2 { return 2 } else { return 3 }\n}");
    clean("match arms return", "fn f(x) -> Int {\n  match x {\n    1 => { return 1 }\n    _ => { return 2 }\n  }\n}");
    clean("nil return type needs no return", "fn f() -> Nil { }");
    clean("break in loop", "for i in range(3) { if i == 1 { break } else { continue } }\nwhile true { break }");
}

// ----------------------------------------------------------------- effects --

void TestChecker::effects_data()
{
    addColumns();
    error("env without uses", "fn f() { print(env(\"HOME\")) }", "'env' reads the outside world: declare 'uses env' on function 'f'", 1, "env");
    error("read_line without uses", "fn f() { let l = read_line() }", "declare 'uses io'", 1, "read_line");
    error("http without uses", "import http\nfn f() { return http.get(\"u\") }", "declare 'uses http'", 2, "get");
    error("handler without uses", "actor A { on M { print(env(\"X\")) } }", "declare 'uses env' on handler 'M'", 1, "env");
    error("caller lacks callee's effect", "fn g() uses env { }\nfn f() { g() }", "'g' uses env; declare 'uses env' on 'f' too", 2, "g");
    error("pure prints", "pure fn f() { print(1) }", "pure function 'f' cannot use 'print' (printing is an effect)", 1, "print");
    error("pure reads time", "pure fn f(x) { return x + time }", "pure function 'f' cannot read 'time'", 1, "time");
    error("pure calls impure", "fn g() { }\npure fn f() { g() }", "pure function 'f' cannot call 'g', which is not pure", 2, "g");
    error("pure declares uses", "pure fn f() uses io { }", "a pure function cannot declare 'uses'", 1, "uses io");
    error("pure spawns", "actor A { }\npure fn f() { let a = spawn A }", "pure function 'f' cannot spawn actors", 2, "spawn A");
    error("pure sends", "actor A { on M { } }\npure fn f(a) { send(a, M) }", "pure function 'f' cannot use 'send'", 2, "send");
    error("pure handler", "actor A { pure on M { } }", "handlers cannot be pure", 1, "M");
    error("env argument type", "fn f() uses env { return env(1) }", "env() takes a variable name (a string), found int", 1, "1");
    clean("uses declared", "fn f() uses env { print(env(\"HOME\")) }\nfn g() uses io, env { f() }");
    clean("handler uses", "actor A { on M uses env { print(env(\"X\")) } }");
    clean("main may use everything", "print(env(\"HOME\"))\nlet l = read_line()");
    clean("pure calls pure", "pure fn g(x) { return x * 2 }\npure fn f() { return g(1) }");
}

// ------------------------------------------------------------- determinism --

void TestChecker::determinism_data()
{
    addColumns();
    error("wall_time", "print(wall_time())", "'wall_time' is not available: it reads the wall clock", 1, "wall_time");
    error("clock", "let t = clock()", "use `time` (logical time)", 1, "clock");
    error("rand", "let r = rand()", "is unseeded randomness; use `random()`", 1, "rand");
    error("srand", "srand(1)", "seeds randomness from outside the run", 1, "srand");
    error("sleep", "sleep(1)", "use `after(ticks, actor, message)`", 1, "sleep");
    error("random with a seed", "let r = random(42)", "'random' takes 0 arguments, found 1 (random() draws from the run's seeded stream", 1, "random(42)");
    clean("logical time and seeded random", "let t = time\nlet r = random()\nlet d = random_int(1, 6)");
}

// ------------------------------------------------------------------ actors --

void TestChecker::actors_data()
{
    addColumns();
    clean("counter", kCounter + "c = spawn Counter\nsend(c, Increment)\nsend(c, Add(2))\nsend(c, Get)\nafter(5, c, Increment)");
    error("send to unknown handler", kCounter + "c = spawn Counter\nsend(c, Ping)", "actor 'Counter' has no handler for message 'Ping'", 12, "Ping");
    error("after to unknown handler", kCounter + "let c = spawn(Counter)\nafter(1, c, Ping)", "has no handler for message 'Ping'", 12, "Ping");
    error("read another actor's state", kCounter + "c = spawn Counter\nprint(c.count)", "cannot read the state of another actor ('count')", 12, "c.count");
    error("call a method on an actor", kCounter + "c = spawn Counter\nc.bump(1)", "actors only receive messages", 12, "bump");
    error("call another actor's method", kCounter + "actor B { on N { bump(1) } }", "unknown name 'bump'", 11, "bump");
    error("send unknown message", kCounter + "c = spawn Counter\nsend(c, Bogus)", "no actor has an 'on Bogus' handler", 12, "Bogus");
    error("send to a non-actor", kCounter + "send(1, Increment)", "send() needs an actor reference, found int", 11, "1");
    error("send a non-message", kCounter + "c = spawn Counter\nsend(c, 5)", "the message argument must be a message", 12, "5");
    error("after delay type", kCounter + "after(\"x\", spawn Counter, Increment)", "the delay of after() is a number of ticks", 11, "\"x\"");
    error("self outside actor", "print(self)", "'self' is only available inside an actor", 1, "self");
    error("self in plain function", "fn f() { return self }", "'self' is only available inside an actor", 1, "self");
    error("emit in main", "emit(1)", "emit() replies to the sender of the message being handled", 1, "emit");
    error("recv in a handler", "actor A { on M { let x = recv() } }", "recv() is only available in the main program", 1, "recv");
    error("stop in main", "stop()", "stop() stops the current actor", 1, "stop");
    error("duplicate handler", "actor A {\n  on M { }\n  on M { }\n}", "actor 'A' already handles 'M'", 3, "M");
    error("message shape differs", "actor A { on M(x) { } }\nactor B { on M { } }", "message 'M' takes 0 arguments here but 1 argument at line 1", 2, "M");
    error("screen without render", "screen S { state x = 1 }", "screen 'S' needs a render block", 1, "S");
    error("actor with render", "actor A {\n  render { Text { \"x\" } }\n}", "only screens and agents have a render block", 2, "render");
    error("unknown UI element", "screen S {\n  render { Blink { \"x\" } }\n}", "unknown UI element 'Blink'", 2, "Blink");
    error("bind needs state", "screen S {\n  render { Input { bind: 1 } }\n}", "'bind' needs a state field of this screen", 2, "1");
    error("handler pattern arity", kCounter + "let v = match recv() {\n  Add(a, b) => 1\n  _ => 0\n}", "message 'Add' has 1 argument, the pattern has 2", 12, "Add(a, b)");
    clean("self and emit in handler", "actor A {\n  state n = 0\n  on M { send(self, N)\n emit(n) }\n  on N { stop() }\n}");
    clean("recv in main", kCounter + "c = spawn Counter\nsend(c, Get)\nlet v = recv()");
    clean("screen", "screen S {\n  state name = \"\"\n  render { Column { Text { \"hi \" + name } Input { bind: name } Button { \"ok\", onClick: send(self, Go) } } }\n  on Go { print(name) }\n}");
}

// Sending a message whose argument cannot match the receiving handler's
// declared parameter type, when the receiver's actor type is known.
void TestChecker::messageArgumentTypes()
{
    const CompileResult r = check(kCounter + "c = spawn Counter\nsend(c, Add(\"x\"))");
    QVERIFY2(r.errorCount == 1, qPrintable(describe(r)));
}

// ----------------------------------------------------------------- globals --

void TestChecker::globals_data()
{
    addColumns();
    error("mutable global from a function", "mut total = 0\nfn add() { total += 1 }", "'total' is a mutable variable of the main program; functions and actors cannot access it", 2, "total");
    error("mutable global from an actor", "mut g = 1\nactor A { on M { print(g) } }", "functions and actors cannot access it", 2, "g");
    error("implicit global from a function", "x = 5\nfn f() { return x }", "'x' is a mutable variable of the main program", 2, "x");
    error("later mutable global from a function", "fn f() { return later }\nmut later = 1", "'later' is a mutable variable", 1, "later");
    clean("immutable global from a function", "let limit = 10\nfn f() { return limit }");
    clean("later immutable global from a function", "fn f() { return later }\nlet later = 1");
    clean("immutable global from an actor", "let step = 2\nactor A {\n  state n = 0\n  on M { n += step }\n}");
}

// ---------------------------------------------------------------- captures --

void TestChecker::captures_data()
{
    addColumns();
    clean("capture immutable local", "fn outer() {\n  let k = 1\n  fn inner() { return k }\n  return inner()\n}");
    clean("capture parameter", "fn outer(p) {\n  fn inner() { return p }\n  return inner()\n}");
    clean("capture through two levels", "fn outer() {\n  let k = 1\n  fn mid() {\n    fn inner() { return k }\n    return inner()\n  }\n  return mid()\n}");
    error("capture mutable local", "fn outer() {\n  mut k = 1\n  fn inner() { return k }\n  return inner()\n}", "nested function cannot capture mutable variable 'k'", 3, "k");
    error("capture mutable through two levels", "fn outer() {\n  mut k = 1\n  fn mid() {\n    fn inner() { return k }\n  }\n}", "cannot capture mutable variable 'k'", 4, "k");
}

// ------------------------------------------------- f-strings and format() --

// Every error inside an f-string or a literal template covers exactly the
// text at fault: the expression, the brace, or the part of the spec.
void TestChecker::formatting_data()
{
    addColumns();
    clean("f-string", "let n = 1\nlet s = f\"{n:>5} {n:x} {{n}}\"");
    clean("literal template", "let s = format(\"{} {:.2f} {{}}\", \"a\", 1.5)");
    clean("numbered template", "let s = format(\"{1}{0}{1}\", \"a\", \"b\")");
    clean("computed template", "fn f(t) { return format(t, 1) }");
    clean("spec with a field", "let w = 5\nlet s = f\"{1:>{w}} {2.5:{w}.{w}f}\"");
    clean("unknown type is checked at run time", "fn f(x) { return f\"{x:.2f} {x:d}\" }");
    clean("int as float", "let s = f\"{3:.1f} {3:e} {3:%}\"");
    clean("text options on any value", "let s = f\"{true:>6} {[1]:^9} {nil:.2}\"");
    clean("nested f-string", "let a = 1\nlet s = f\"{f\"{a:03}\":>6}\"");
    clean("same quote inside a field", "let m = {k: 1}\nlet s = f\"{m[\"k\"]:+}\"");
    clean("format shadowed, f-string not", "fn format(x) { return x }\nlet s = f\"{1:>3}\"");

    error("unknown type", "let s = f\"{1:>5q}\"", "unknown format type 'q' (expected s, d, f, e, E, g, %, x, X, o or b)", 1, "q");
    error("float type on a string", "let s = \"a\"\nlet t = f\"{s:.2f}\"", "format spec '.2f': 'f' needs a number, found string", 2, ".2f");
    error("int type on a float", "let t = f\"{1.5:d}\"", "'d' needs an int, found float (use '.0f'", 1, "d");
    error("int type on a bool", "let t = f\"{true:x}\"", "'x' needs an int, found bool", 1, "x");
    error("float type on a list", "let t = f\"{[1]:e}\"", "'e' needs a number, found list[int]", 1, "e");
    error("precision on an int", "let t = f\"{1:.2}\"", "an int takes no precision; write '.2f'", 1, ".2");
    error("precision on a float without a type", "let t = f\"{1.5:.3}\"",
        "a precision on a float needs a type: '.3f' (digits after the point), '.3e' or '.3g'", 1, ".3");
    error("precision with d", "let t = f\"{1:.3d}\"", "a precision cannot be used with 'd'", 1, ".3d");
    error("prefix without a base", "let t = f\"{1:#d}\"", "'#' (a 0x, 0o or 0b prefix) needs the type x, X, o or b", 1, "#");
    error("comma on hex digits", "let t = f\"{255:,x}\"", "',' cannot group 'x' digits (use '_'", 1, ",");
    error("grouped twice", "let t = f\"{1:,_}\"", "digits are grouped once", 1, "_");
    error("sign on text", "let s = \"a\"\nlet t = f\"{s:+}\"", "a sign ('+') needs a number, found string", 2, "+");
    error("zero padding on text", "let s = \"a\"\nlet t = f\"{s:05}\"", "'0' padding needs a number, found string", 2, "05");
    error("'=' on text", "let s = \"a\"\nlet t = f\"{s:=5}\"", "'=' alignment needs a number, found string", 2, "=5");
    error("sign with s", "let t = f\"{1:+s}\"", "a sign cannot be used with 's' (text)", 1, "+");
    error("width too large", "let t = f\"{1:2000}\"", "format width 2000 is too large (at most 1000)", 1, "2000");
    error("precision too large", "let t = f\"{1.5:.1001f}\"", "format precision 1001 is too large (at most 1000)", 1, "1001");
    error("point without digits", "let t = f\"{1.5:.f}\"", "expected digits after '.' in a format spec", 1, ".");
    error("junk after the type", "let t = f\"{1:>5d!}\"", "unexpected '!' in a format spec", 1, "!");
    error("escape in a spec", "let t = f\"{1:\\t>5}\"", "a format spec cannot contain '\\'", 1, "\\");

    error("expression missing", "let t = f\"{1 +}\"", "expected an expression, found '}'", 1, "}");
    error("two expressions", "let a = 1\nlet t = f\"{a a}\"", "unexpected 'a' in an f-string field", 2, "a");
    error("unknown name in a field", "let t = f\"x {nope:>3}\"", "unknown name 'nope'", 1, "nope");
    error("type error in a field", "let t = f\"{\"a\" - 1}\"", "cannot apply '-' to string and int", 1, "-");
    error("lexical error in a field", "let t = f\"{1abc}\"", "invalid suffix 'abc' on number", 1, "abc");
    error("error in a spec field", "let t = f\"{1:>{nope}}\"", "unknown name 'nope'", 1, "nope");
    error("error in a nested f-string", "let t = f\"{f\"{1:q}\"}\"", "unknown format type 'q'", 1, "q");
    error("bad escape in the text", "let t = f\"a\\q{1}\"", "unknown escape sequence '\\q'", 1, "\\q");
    error("brace never closed", "let t = f\"ab {1\"", "unterminated '{' in f-string (missing '}')", 1, "{");
    error("single closing brace", "let t = f\"a } b\"", "single '}' in f-string (write '}}' for a literal brace)", 1, "}");
    error("empty field", "let t = f\"a {} b\"", "empty field in f-string", 1, "{}");
    error("pure function", "pure fn p(x: int) -> string { return f\"{x:>4}\" }\nprint(f\"{p(1)}\")\nprint(nope)",
        "unknown name 'nope'", 3, "nope");

    error("too few arguments", "let t = format(\"{} {}\", 1)", "format template takes 2 arguments, found 1", 1, "\"{} {}\"");
    error("too many arguments", "let t = format(\"{}\", 1, 2)", "format template takes 1 argument, found 2", 1, "\"{}\"");
    error("numbered and automatic", "let t = format(\"{0} {}\", 1, 2)", "cannot mix automatic {} and numbered {0} fields", 1, "{}");
    error("named field", "let t = format(\"{name}\", 1)", "format fields are positional: write {} or {0}, not {name}", 1, "{name}");
    error("template brace never closed", "let t = format(\"ab{\", 1)", "unterminated '{' in format template", 1, "{");
    error("template single brace", "let t = format(\"a } b\")", "single '}' in format template", 1, "}");
    error("template spec", "let t = format(\"{:q}\", 1)", "unknown format type 'q'", 1, "q");
    error("template spec after escapes", "let t = format(\"\\t\\u{E9}\\\"{:>5q}\", 1)", "unknown format type 'q'", 1, "q");
    error("template spec against its argument", "let t = format(\"{1:.2f}{0}\", 1, \"x\")",
        "format spec '.2f': 'f' needs a number, found string", 1, ".2f");
    error("template not a string", "let t = format(1)", "format() needs a template string, found int", 1, "1");
    error("no template", "let t = format()", "'format' takes at least 1 argument, found 0", 1, "format()");
}

// ----------------------------------------------------------------- modules --

void TestChecker::modules_data()
{
    addColumns();
    error("module used without import", "print(math.sqrt(2.0))", "module 'math' is not imported; add 'import math'", 1, "math");
    error("module value without import", "print(math.pi)", "module 'math' is not imported", 1, "math");
    error("unknown module", "import nothing", "unknown module 'nothing' (standard modules: math", 1, "nothing");
    error("unknown dotted module", "import missing.module", "unknown module 'missing.module'", 1, "missing.module");
    error("unknown member function", "import math\nprint(math.nope(1))", "module 'math' has no function 'nope'", 2, "nope");
    error("unknown member value", "import math\nprint(math.nope)", "module 'math' has no member 'nope'", 2, "nope");
    error("module is not a value", "import math\nlet m = math", "module 'math' is not a value", 2, "math");
    error("module function arity", "import math\nprint(math.sqrt())", "'math.sqrt' takes 1 argument, found 0", 2, "math.sqrt()");
    error("module value called", "import math\nprint(math.pi())", "'math.pi' is a value, not a function", 2, "pi");
    clean("import and use", "import math\nprint(math.sqrt(2.0), math.pi)\nimport math");
    clean("from import", "from math sqrt\nfrom math import pi\nprint(sqrt(4.0) + pi)");
    clean("dotted module", "import ai.tensor\nlet t = tensor.matmul(tensor[1]{1.0}, tensor[1]{2.0})");
}

// --------------------------------------------------------------- warnings --

void TestChecker::warningsAreNotErrors_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("warning");
    QTest::addColumn<QString>("at");
    QTest::newRow("always nil") << QByteArray("let x = nil") << "'x' is always nil" << "nil";
    QTest::newRow("unreachable arm") << QByteArray("let v = match 1 {\n  _ => 1\n  2 => 2\n}") << "this arm is never reached" << "2 => 2";
    // An import of a name the module does not have (yet) is ignored with a
    // warning, so programs written for later modules still run.
    QTest::newRow("unknown from member") << QByteArray("from math nope") << "module 'math' has no member 'nope': the import is ignored" << "nope";
}

void TestChecker::warningsAreNotErrors()
{
    QFETCH(QByteArray, source);
    QFETCH(QString, warning);
    QFETCH(QString, at);
    const CompileResult r = check(source);
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QCOMPARE(r.diagnostics.size(), size_t(1));
    QCOMPARE(int(r.diagnostics[0].severity), int(Severity::Warning));
    QVERIFY2(QString::fromStdString(r.diagnostics[0].message).contains(warning), qPrintable(describe(r)));
    QCOMPARE(sliceOf(r, r.diagnostics[0].range), at);
}

// ------------------------------------------------------- diagnostic lists --

// Errors found while collecting declarations (imports, message shapes) are
// reported before those in code above them; the result is still in order.
void TestChecker::sortedByPosition()
{
    const CompileResult r = check("print(nope)\n"
                                  "import nothing\n"
                                  "let x: Int = \"s\"\n"
                                  "actor A { on M(x) { } }\n"
                                  "actor B { on M { } }\n"
                                  "let y = 1 +\n");
    QVERIFY2(r.errorCount >= 5, qPrintable(describe(r)));
    for (size_t i = 1; i < r.diagnostics.size(); ++i)
        QVERIFY2(r.diagnostics[i - 1].range.begin <= r.diagnostics[i].range.begin, qPrintable(describe(r)));
    QList<int> lines;
    for (const Diagnostic& d : r.diagnostics)
        lines << int(r.file->lineCol(d.range.begin).line);
    QCOMPARE(lines.first(), 1);
    QVERIFY2(std::is_sorted(lines.begin(), lines.end()), qPrintable(describe(r)));
    // The formatted text lists them in the same order.
    const QString text = QString::fromStdString(r.formatDiagnostics(false));
    QVERIFY2(text.indexOf(QStringLiteral("test.aefl:1:")) < text.indexOf(QStringLiteral("test.aefl:2:")), qPrintable(text));
    QVERIFY2(text.indexOf(QStringLiteral("test.aefl:2:")) < text.indexOf(QStringLiteral("test.aefl:5:")), qPrintable(text));
}

// Independent mistakes all over a file are each reported once.
void TestChecker::multiErrorFile()
{
    const CompileResult r = check("let a = 1\n"                          // 1
                                  "a = 2\n"                              // 2  let immutability
                                  "print(b)\n"                           // 3  unknown name
                                  "let c: Int = \"s\"\n"                 // 4  annotation
                                  "fn f(x) -> Int {\n"                   // 5  missing return
                                  "  if x { return 1 }\n"                // 6
                                  "}\n"                                  // 7
                                  "fn g() { print(env(\"X\")) }\n"      // 8  uses env
                                  "let t = clock()\n"                    // 9  determinism
                                  "print(self)\n"                        // 10 self outside actor
                                  "mut m = 0\n"                          // 11
                                  "fn h() { return m }\n"                // 12 global isolation
                                  "import nothing\n"                     // 13 unknown module
                                  "if 1 { }\n"                           // 14 condition
                                  "let ok = 1\n");                       // 15
    QList<int> lines;
    for (const Diagnostic& d : r.diagnostics)
        lines << int(r.file->lineCol(d.range.begin).line);
    QCOMPARE(lines, (QList<int>{2, 3, 4, 5, 8, 9, 10, 12, 13, 14}));
    QCOMPARE(r.errorCount, size_t(10));
}

// Syntax errors do not stop checking: the rest of the file is still checked.
void TestChecker::parseAndCheckErrorsTogether()
{
    const CompileResult r = check("let = 1\nprint(nope)\nlet x: Int = \"s\"\n");
    QCOMPARE(r.errorCount, size_t(3));
    QVERIFY2(describe(r).contains(QStringLiteral("expected a variable name")), qPrintable(describe(r)));
    QVERIFY2(describe(r).contains(QStringLiteral("unknown name 'nope'")), qPrintable(describe(r)));
    QVERIFY2(describe(r).contains(QStringLiteral("cannot initialise 'x'")), qPrintable(describe(r)));
}

// ------------------------------------------------------------------ samples --

void TestChecker::samplePrograms_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::newRow("divide") << QByteArray(
        "fn divide(a, b) -> Result[Float, String] {\n"
        "  if b == 0 {\n"
        "    return Err(\"division by zero\")\n"
        "  }\n"
        "  return Ok(a / b)\n"
        "}\n"
        "\n"
        "let r = divide(10.0, 2.0)\n"
        "match r {\n"
        "  Ok(v) => print(\"result: \" + str(v))\n"
        "  Err(e) => print(\"error: \" + e)\n"
        "}\n"
        "print(divide(1.0, 0.0).is_err())\n"
        "let v: Float = divide(4.0, 2.0).unwrap_or(0.0)\n");
    QTest::newRow("counter") << kCounter + QByteArray(
        "c = spawn Counter\n"
        "for i in range(3) {\n"
        "  send(c, Add(i))\n"
        "}\n"
        "send(c, Increment)\n"
        "send(c, Get)\n"
        "print(recv())\n");
    QTest::newRow("agent") << QByteArray(
        "model Tiny { input Tensor output Tensor }\n"
        "agent Helper {\n"
        "  model \"tiny\"\n"
        "  on Ask(q) { emit(model.run(q)) }\n"
        "}\n"
        "let h = spawn Helper\n"
        "send(h, Ask(tensor[2]{1.0, 2.0}))\n");
    QTest::newRow("collections") << QByteArray(
        "mut scores = {alice: 3, bob: 5}\n"
        "scores[\"carol\"] = 4\n"
        "mut names = []\n"
        "for name in scores.keys() {\n"
        "  names.push(name)\n"
        "}\n"
        "let total = [1, 2, 3].sum()\n"
        "let upper = \"abc\".upper()\n"
        "print(names, total, upper, len(names))\n");
}

void TestChecker::samplePrograms()
{
    QFETCH(QByteArray, source);
    const CompileResult r = check(source);
    QVERIFY2(r.ok(), qPrintable(describe(r)));
    QVERIFY2(r.diagnostics.empty(), qPrintable(describe(r)));
    QVERIFY(r.symbols && !r.symbols->decls().empty());
}

void TestChecker::resultTypes()
{
    const QByteArray divide = "fn divide(a: Float, b: Float) -> Result[Float, String] {\n"
                              "  if b == 0.0 { return Err(\"division by zero\") }\n"
                              "  return Ok(a / b)\n"
                              "}\n";
    const CompileResult bad = check(divide + "let bad: Result[Int, String] = divide(1.0, 2.0)\n");
    QCOMPARE(bad.errorCount, size_t(1));
    QVERIFY2(describe(bad).contains(QStringLiteral("of type Result[int, string] with a value of type Result[float, string]")),
        qPrintable(describe(bad)));

    const CompileResult pattern = check(divide + "let v = match divide(1.0, 2.0) {\n  Ok(x) => x\n  Err(e) => 0.0\n}\n"
                                                 "let w = match 5 {\n  Ok(x) => x\n  _ => 0\n}\n");
    QCOMPARE(pattern.errorCount, size_t(1));
    QVERIFY2(describe(pattern).contains(QStringLiteral("Ok(...) pattern needs a Result, found int")), qPrintable(describe(pattern)));
}

// `FILE:LINE:COL: error: message`, the source line, and a caret line.
void TestChecker::formattedDiagnostics()
{
    const CompileResult r = check("let count = 1\nprint(cout)\n");
    QCOMPARE(r.errorCount, size_t(1));
    const QString text = QString::fromStdString(r.formatDiagnostics());
    QCOMPARE(text, QStringLiteral("test.aefl:2:7: error: unknown name 'cout' (did you mean 'count'?)\n"
                                  "  print(cout)\n"
                                  "        ^~~~\n"));
    QCOMPARE(QString::fromStdString(r.formatDiagnostics(false)),
        QStringLiteral("test.aefl:2:7: error: unknown name 'cout' (did you mean 'count'?)\n"));

    // Tabs are kept in the caret line so the caret lines up.
    const CompileResult tabbed = check("fn f() {\n\tprint(nope)\n}\n");
    QVERIFY2(QString::fromStdString(tabbed.formatDiagnostics()).endsWith(QStringLiteral("\t      ^~~~\n")),
        qPrintable(QString::fromStdString(tabbed.formatDiagnostics())));

    // Warnings are labelled as such.
    const CompileResult warn = check("let x = nil\n");
    QVERIFY(QString::fromStdString(warn.formatDiagnostics(false)).startsWith(QStringLiteral("test.aefl:1:9: warning: ")));
}

void TestChecker::longChainsDoNotCrash_data()
{
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<bool>("mustBeClean");
    QTest::newRow("1k-term sum") << "let s = 1" + QByteArray(" + 1").repeated(1000) << true;
    QTest::newRow("1k string concatenation") << "let s = \"\"" + QByteArray(" + \"ab\"").repeated(1000) << true;
    QTest::newRow("20k-term sum") << "let s = 1" + QByteArray(" + 1").repeated(20000) << false;
    QTest::newRow("20k and chain") << "let s = true" + QByteArray(" and true").repeated(20000) << false;
    QTest::newRow("20k field chain") << "let m = {k: 1}\nlet s = m" + QByteArray(".k").repeated(20000) << false;
    QTest::newRow("20k call chain") << "fn f(x) { return f }\nlet s = f" + QByteArray("(1)").repeated(20000) << false;
    QTest::newRow("20k index chain") << "let l = [1]\nlet s = l" + QByteArray("[0]").repeated(20000) << false;
}

// The checker recurses over expression trees; a chain of left-associative
// operators must not be able to overflow its stack (the parser bounds them).
void TestChecker::longChainsDoNotCrash()
{
    QFETCH(QByteArray, source);
    QFETCH(bool, mustBeClean);
    const CompileResult r = check(source);
    if (mustBeClean)
        QVERIFY2(r.ok(), qPrintable(describe(r).left(500)));
    else
        QVERIFY2(r.ok() || describe(r).contains(QStringLiteral("error")), qPrintable(describe(r).left(500)));
}

void TestChecker::options()
{
    const QByteArray source = "let x = 1\nprint(x)\n";
    const CompileResult noSymbols = compile("a.aefl", source.toStdString(), CompileOptions{false, false});
    QVERIFY(noSymbols.ok());
    QVERIFY(!noSymbols.symbols);
    QVERIFY(!noSymbols.program);

    const CompileResult withSymbols = compile("a.aefl", source.toStdString(), CompileOptions{false, true});
    QVERIFY(withSymbols.symbols);
    QVERIFY(!withSymbols.program);
    QCOMPARE(QString::fromStdString(withSymbols.file->name()), QStringLiteral("a.aefl"));

    // A program with errors never gets bytecode, whatever the options say.
    const CompileResult broken = compile("b.aefl", "print(nope)\n", CompileOptions{true, true});
    QVERIFY(!broken.ok());
    QVERIFY(!broken.program);
}

void TestChecker::sourceFileNames_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("accepted");
    QTest::newRow(".aefl") << "prog.aefl" << true;
    QTest::newRow(".af") << "dir/prog.af" << true;
    QTest::newRow(".txt") << "prog.txt" << false;
    QTest::newRow("no extension") << "aefl" << false;
    QTest::newRow("extension only") << ".aefl" << false;
    QTest::newRow(".aefl.bak") << "prog.aefl.bak" << false;
    QTest::newRow(".AEFL") << "prog.AEFL" << false;
}

void TestChecker::sourceFileNames()
{
    QFETCH(QString, path);
    QFETCH(bool, accepted);
    QCOMPARE(isSourceFileName(path.toStdString()), accepted);
}

QTEST_APPLESS_MAIN(TestChecker)
#include "tst_checker.moc"
