// Unit tests of the IDE symbol index (compiler/Symbols.h) as `compile()`
// builds it: go-to-definition from uses, what is visible where (completion),
// the handlers of an actor, and reference counts.

#include "Compiler.h"

#include <QtTest>

#include <algorithm>

using namespace aeroflow::compiler;

namespace {

// Line numbers are given in the comments; tests find places by text, never by
// hard-coded offsets.
const char kProgram[] =
    "import math\n"                                   // 1
    "from math sqrt\n"                                // 2
    "let limit = 10\n"                                // 3
    "mut counter = 0\n"                               // 4
    "fn area(w: Int, h) -> Int {\n"                   // 5
    "  let a = w * h\n"                               // 6
    "  if a > limit {\n"                              // 7
    "    let big = a - limit\n"                       // 8
    "    return big\n"                                // 9
    "  }\n"                                           // 10
    "  return a\n"                                    // 11
    "}\n"                                             // 12
    "fn other(z) {\n"                                 // 13
    "  mut b = z\n"                                   // 14
    "  for item in [1, 2] { b += item }\n"            // 15
    "  fn inner() { return z }\n"                     // 16
    "  return inner()\n"                              // 17
    "}\n"                                             // 18
    "pure fn unused() { return 1 }\n"                 // 19
    "actor Counter {\n"                               // 20
    "  state count: Int = 0\n"                        // 21
    "  fn bump(n) { count += n }\n"                   // 22
    "  on Increment { count += 1 }\n"                 // 23
    "  on Add(n) { bump(n) }\n"                       // 24
    "  on Get { emit(count) }\n"                      // 25
    "}\n"                                             // 26
    "screen Panel {\n"                                // 27
    "  state title = \"t\"\n"                         // 28
    "  render { Text { title } }\n"                   // 29
    "}\n"                                             // 30
    "model Tiny { input Tensor output Tensor }\n"     // 31
    "let c: Counter = spawn Counter\n"                // 32
    "send(c, Add(area(2, limit)))\n"                  // 33
    "print(area(1, 2), math.sqrt(4.0), sqrt(9.0))\n"  // 34
    "let r = match 3 {\n"                             // 35
    "  v => v + 1\n"                                  // 36
    "}\n"                                             // 37
    "counter += 1\n";                                 // 38

struct Compiled {
    CompileResult result;
    std::string text;

    explicit Compiled(const char* source)
        : result(compile("symbols.aefl", source, CompileOptions{false, true}))
        , text(source)
    {
    }
    const SymbolIndex& index() const { return *result.symbols; }

    /// Offset of the `occurrence`-th (0-based) match of `needle`, plus `into`
    /// bytes; fails the test if there is none.
    uint32_t at(const char* needle, int occurrence = 0, int into = 0) const
    {
        size_t pos = std::string::npos;
        size_t from = 0;
        for (int i = 0; i <= occurrence; ++i) {
            pos = text.find(needle, from);
            if (pos == std::string::npos)
                break;
            from = pos + 1;
        }
        if (pos == std::string::npos)
            qFatal("test program has no occurrence %d of '%s'", occurrence, needle);
        return uint32_t(pos) + uint32_t(into);
    }
    int lineOf(uint32_t offset) const { return int(result.file->lineCol(offset).line); }
    QString slice(SourceRange r) const { return QString::fromStdString(text.substr(r.begin, r.end - r.begin)); }

    /// The declaration with this name and kind, or -1.
    int32_t declIndex(const char* name, SymbolKind kind) const
    {
        const auto& decls = index().decls();
        for (size_t i = 0; i < decls.size(); ++i)
            if (decls[i].name == name && decls[i].kind == kind)
                return int32_t(i);
        return -1;
    }
    QString describe(const SymbolDecl* d) const
    {
        if (!d)
            return QStringLiteral("(null)");
        return QStringLiteral("%1 %2 line %3").arg(QString::fromLatin1(symbolKindName(d->kind)),
            QString::fromStdString(d->name)).arg(lineOf(d->range.begin));
    }
};

QStringList names(const std::vector<const SymbolDecl*>& decls)
{
    QStringList out;
    for (const SymbolDecl* d : decls)
        out << QString::fromStdString(d->name);
    return out;
}

} // namespace

class TestSymbols : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void definitionOfUse_data();
    void definitionOfUse();
    void definitionOfDeclarationIsItself_data();
    void definitionOfDeclarationIsItself();
    void noDefinitionOutsideNames_data();
    void noDefinitionOutsideNames();
    void definitionOfMessage();
    void declarationDetails_data();
    void declarationDetails();
    void visibleInsideFunction();
    void visibleInsideOtherFunction();
    void visibleInsideHandler();
    void visibleAtTopLevel();
    void innermostDeclarationWins();
    void handlersOfActor();
    void referenceCounts_data();
    void referenceCounts();
    void symbolsDespiteErrors();
    void namesInsideFStrings();
    void recordsAndFields();
};

void TestSymbols::initTestCase()
{
    const Compiled c(kProgram);
    QVERIFY2(c.result.ok(), c.result.formatDiagnostics().c_str());
    QVERIFY(c.result.symbols);
}

void TestSymbols::definitionOfUse_data()
{
    QTest::addColumn<QString>("use");       // text to search for
    QTest::addColumn<int>("occurrence");   // which match of it
    QTest::addColumn<int>("into");         // bytes into the match where the cursor is
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("line");         // line of the declaration

    // variables and parameters
    QTest::newRow("local in expression") << "if a > limit" << 0 << 3 << "a" << int(SymbolKind::Constant) << 6;
    QTest::newRow("local in return") << "return a\n" << 0 << 7 << "a" << int(SymbolKind::Constant) << 6;
    QTest::newRow("cursor at end of name") << "return big" << 0 << 10 << "big" << int(SymbolKind::Constant) << 8;
    QTest::newRow("parameter") << "let a = w * h" << 0 << 8 << "w" << int(SymbolKind::Parameter) << 5;
    QTest::newRow("untyped parameter") << "w * h" << 0 << 4 << "h" << int(SymbolKind::Parameter) << 5;
    QTest::newRow("mut local") << "b += item" << 0 << 0 << "b" << int(SymbolKind::Variable) << 14;
    QTest::newRow("loop variable") << "b += item" << 0 << 6 << "item" << int(SymbolKind::Constant) << 15;
    QTest::newRow("captured parameter") << "return z }" << 0 << 7 << "z" << int(SymbolKind::Parameter) << 13;
    QTest::newRow("match binding") << "v + 1" << 0 << 0 << "v" << int(SymbolKind::Constant) << 36;
    QTest::newRow("global in function") << "if a > limit" << 0 << 8 << "limit" << int(SymbolKind::Global) << 3;
    QTest::newRow("global at top level") << "area(2, limit)" << 0 << 9 << "limit" << int(SymbolKind::Global) << 3;
    QTest::newRow("global compound assignment") << "counter += 1" << 0 << 2 << "counter" << int(SymbolKind::Global) << 4;
    QTest::newRow("global with annotation") << "send(c," << 0 << 5 << "c" << int(SymbolKind::Global) << 32;
    // functions
    QTest::newRow("function call") << "area(2" << 0 << 1 << "area" << int(SymbolKind::Function) << 5;
    QTest::newRow("second call") << "area(1" << 0 << 0 << "area" << int(SymbolKind::Function) << 5;
    QTest::newRow("nested function") << "return inner()" << 0 << 8 << "inner" << int(SymbolKind::Function) << 16;
    QTest::newRow("method in handler") << "bump(n) }\n  on Get" << 0 << 1 << "bump" << int(SymbolKind::Method) << 22;
    QTest::newRow("handler parameter") << "bump(n) }\n  on Get" << 0 << 5 << "n" << int(SymbolKind::Parameter) << 24;
    QTest::newRow("method parameter") << "count += n }" << 0 << 9 << "n" << int(SymbolKind::Parameter) << 22;
    // actors and state
    QTest::newRow("actor in spawn") << "spawn Counter" << 0 << 8 << "Counter" << int(SymbolKind::Actor) << 20;
    QTest::newRow("actor in type annotation") << "let c: Counter" << 0 << 8 << "Counter" << int(SymbolKind::Actor) << 20;
    QTest::newRow("state field in method") << "count += n" << 0 << 2 << "count" << int(SymbolKind::StateField) << 21;
    QTest::newRow("state field in handler") << "count += 1" << 0 << 0 << "count" << int(SymbolKind::StateField) << 21;
    QTest::newRow("state field in emit") << "emit(count)" << 0 << 6 << "count" << int(SymbolKind::StateField) << 21;
    QTest::newRow("state field in render") << "Text { title }" << 0 << 8 << "title" << int(SymbolKind::StateField) << 28;
    // modules
    QTest::newRow("module") << "math.sqrt(4.0)" << 0 << 1 << "math" << int(SymbolKind::Module) << 1;
    QTest::newRow("imported member") << "sqrt(9.0)" << 0 << 1 << "sqrt" << int(SymbolKind::Module) << 2;
}

void TestSymbols::definitionOfUse()
{
    QFETCH(QString, use);
    QFETCH(int, occurrence);
    QFETCH(int, into);
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(int, line);
    const Compiled c(kProgram);
    const QByteArray needle = use.toUtf8();
    const uint32_t offset = c.at(needle.constData(), occurrence, into);
    const SymbolDecl* d = c.index().definitionAt(offset);
    QVERIFY2(d, qPrintable(QStringLiteral("nothing at offset %1 (line %2)").arg(offset).arg(c.lineOf(offset))));
    QCOMPARE(QString::fromStdString(d->name), name);
    QCOMPARE(QString::fromLatin1(symbolKindName(d->kind)), QString::fromLatin1(symbolKindName(SymbolKind(kind))));
    QCOMPARE(c.lineOf(d->range.begin), line);
    QCOMPARE(c.slice(d->range), name); // the declaration's range is exactly its name
}

void TestSymbols::definitionOfDeclarationIsItself_data()
{
    QTest::addColumn<QString>("declaration");
    QTest::addColumn<QString>("name");
    QTest::newRow("function") << "fn area" << "area";
    QTest::newRow("global") << "let limit" << "limit";
    QTest::newRow("local") << "let big" << "big";
    QTest::newRow("parameter") << "(w: Int" << "w";
    QTest::newRow("actor") << "actor Counter" << "Counter";
    QTest::newRow("screen") << "screen Panel" << "Panel";
    QTest::newRow("state") << "state count" << "count";
    QTest::newRow("method") << "fn bump" << "bump";
    QTest::newRow("handler") << "on Increment" << "Increment";
    QTest::newRow("model") << "model Tiny" << "Tiny";
}

void TestSymbols::definitionOfDeclarationIsItself()
{
    QFETCH(QString, declaration);
    QFETCH(QString, name);
    const Compiled c(kProgram);
    const QByteArray needle = declaration.toUtf8();
    const uint32_t nameBegin = c.at(needle.constData(), 0, int(declaration.indexOf(name)));
    for (uint32_t offset : {nameBegin, nameBegin + 1, nameBegin + uint32_t(name.size())}) {
        const SymbolDecl* d = c.index().definitionAt(offset);
        QVERIFY2(d, qPrintable(declaration));
        QCOMPARE(QString::fromStdString(d->name), name);
        QCOMPARE(d->range.begin, nameBegin);
    }
}

void TestSymbols::noDefinitionOutsideNames_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("into");
    QTest::newRow("keyword") << "  return a\n" << 3;
    QTest::newRow("number literal") << "let limit = 10" << 13;
    QTest::newRow("string literal") << "\"t\"" << 1;
    QTest::newRow("builtin") << "print(area" << 2;
    QTest::newRow("operator") << "w * h" << 2;
}

void TestSymbols::noDefinitionOutsideNames()
{
    QFETCH(QString, text);
    QFETCH(int, into);
    const Compiled c(kProgram);
    const QByteArray needle = text.toUtf8();
    const SymbolDecl* d = c.index().definitionAt(c.at(needle.constData(), 0, into));
    QVERIFY2(!d, qPrintable(c.describe(d)));
    QVERIFY(!c.index().definitionAt(uint32_t(c.text.size()) + 100));
}

// Go to definition on a message constructor (`Add` in `send(c, Add(...))`)
// should land on the handler that declares the message.
void TestSymbols::definitionOfMessage()
{
    const Compiled c(kProgram);
    const SymbolDecl* d = c.index().definitionAt(c.at("Add(area", 0, 1));
    QVERIFY2(d, "no definition for Add");
    QCOMPARE(QString::fromStdString(d->name), QStringLiteral("Add"));
    QCOMPARE(int(d->kind), int(SymbolKind::Handler));
}

void TestSymbols::declarationDetails_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("container"); // enclosing actor, or empty
    QTest::newRow("global let") << "limit" << int(SymbolKind::Global) << "let int" << "";
    QTest::newRow("global mut") << "counter" << int(SymbolKind::Global) << "mut int" << "";
    QTest::newRow("annotated global") << "c" << int(SymbolKind::Global) << "let Counter" << "";
    QTest::newRow("typed parameter") << "w" << int(SymbolKind::Parameter) << "int" << "";
    QTest::newRow("untyped parameter") << "h" << int(SymbolKind::Parameter) << "any" << "";
    QTest::newRow("function") << "area" << int(SymbolKind::Function) << "fn" << "";
    QTest::newRow("pure function") << "unused" << int(SymbolKind::Function) << "pure fn" << "";
    QTest::newRow("actor") << "Counter" << int(SymbolKind::Actor) << "actor" << "";
    QTest::newRow("screen") << "Panel" << int(SymbolKind::Screen) << "screen" << "";
    QTest::newRow("model") << "Tiny" << int(SymbolKind::Model) << "model" << "";
    QTest::newRow("state") << "count" << int(SymbolKind::StateField) << "int" << "Counter";
    QTest::newRow("screen state") << "title" << int(SymbolKind::StateField) << "string" << "Panel";
    QTest::newRow("method") << "bump" << int(SymbolKind::Method) << "fn" << "Counter";
    QTest::newRow("handler without args") << "Increment" << int(SymbolKind::Handler) << "on Increment" << "Counter";
    QTest::newRow("handler with args") << "Add" << int(SymbolKind::Handler) << "on Add(1 arg)" << "Counter";
    QTest::newRow("module") << "math" << int(SymbolKind::Module) << "module math" << "";
    QTest::newRow("imported member") << "sqrt" << int(SymbolKind::Module) << "math.sqrt" << "";
    QTest::newRow("loop variable") << "item" << int(SymbolKind::Constant) << "int" << "";
}

void TestSymbols::declarationDetails()
{
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(QString, detail);
    QFETCH(QString, container);
    const Compiled c(kProgram);
    const QByteArray n = name.toUtf8();
    const int32_t i = c.declIndex(n.constData(), SymbolKind(kind));
    QVERIFY2(i >= 0, qPrintable(name));
    const SymbolDecl& d = c.index().decls()[size_t(i)];
    QCOMPARE(QString::fromStdString(d.detail), detail);
    if (container.isEmpty()) {
        QCOMPARE(d.container, -1);
    } else {
        QVERIFY(d.container >= 0);
        QCOMPARE(QString::fromStdString(c.index().decls()[size_t(d.container)].name), container);
    }
}

// Completion inside `area`: its parameters and locals, the globals and
// declarations of the file, and nothing that belongs to `other` or an actor.
void TestSymbols::visibleInsideFunction()
{
    const Compiled c(kProgram);
    const QStringList visible = names(c.index().visibleAt(c.at("return big", 0, 7)));
    for (const char* want : {"big", "a", "w", "h", "limit", "area", "other", "unused", "Counter", "Panel", "Tiny", "math", "sqrt"})
        QVERIFY2(visible.contains(QLatin1String(want)), qPrintable(QStringLiteral("%1 missing from: %2").arg(QLatin1String(want), visible.join(QLatin1Char(' ')))));
    for (const char* not_ : {"z", "b", "item", "inner", "count", "bump", "n", "title", "v", "r", "Increment", "Add"})
        QVERIFY2(!visible.contains(QLatin1String(not_)), qPrintable(QStringLiteral("%1 should not be in: %2").arg(QLatin1String(not_), visible.join(QLatin1Char(' ')))));
    QCOMPARE(visible.count(QStringLiteral("a")), 1); // no duplicates by name

    // Before `big` is declared (but in the same function) it is not visible yet.
    const QStringList early = names(c.index().visibleAt(c.at("if a > limit", 0, 3)));
    QVERIFY(early.contains(QStringLiteral("a")));
    QVERIFY(!early.contains(QStringLiteral("big")));
    // After the block that declares it, it is gone again.
    const QStringList after = names(c.index().visibleAt(c.at("return a\n", 0, 7)));
    QVERIFY(after.contains(QStringLiteral("a")));
    QVERIFY(!after.contains(QStringLiteral("big")));
}

void TestSymbols::visibleInsideOtherFunction()
{
    const Compiled c(kProgram);
    const QStringList visible = names(c.index().visibleAt(c.at("return inner()", 0, 7)));
    for (const char* want : {"z", "b", "inner", "area", "limit"})
        QVERIFY2(visible.contains(QLatin1String(want)), qPrintable(visible.join(QLatin1Char(' '))));
    for (const char* not_ : {"a", "w", "h", "big", "item"})
        QVERIFY2(!visible.contains(QLatin1String(not_)), qPrintable(visible.join(QLatin1Char(' '))));
    // Inside the loop body the loop variable is visible.
    const QStringList loop = names(c.index().visibleAt(c.at("b += item", 0, 2)));
    QVERIFY2(loop.contains(QStringLiteral("item")), qPrintable(loop.join(QLatin1Char(' '))));
}

void TestSymbols::visibleInsideHandler()
{
    const Compiled c(kProgram);
    const auto decls = c.index().visibleAt(c.at("bump(n) }\n  on Get", 0, 5));
    const QStringList visible = names(decls);
    for (const char* want : {"n", "bump", "count", "Counter", "limit"})
        QVERIFY2(visible.contains(QLatin1String(want)), qPrintable(visible.join(QLatin1Char(' '))));
    for (const char* not_ : {"title", "Increment", "Add", "Get", "a", "z"})
        QVERIFY2(!visible.contains(QLatin1String(not_)), qPrintable(visible.join(QLatin1Char(' '))));
    // `n` is the handler's parameter, not bump's.
    const auto n = std::find_if(decls.begin(), decls.end(), [](const SymbolDecl* d) { return d->name == "n"; });
    QVERIFY(n != decls.end());
    QCOMPARE(c.lineOf((*n)->range.begin), 24);
}

void TestSymbols::visibleAtTopLevel()
{
    const Compiled c(kProgram);
    const QStringList end = names(c.index().visibleAt(uint32_t(c.text.size())));
    for (const char* want : {"limit", "counter", "c", "r", "area", "Counter", "math"})
        QVERIFY2(end.contains(QLatin1String(want)), qPrintable(end.join(QLatin1Char(' '))));
    for (const char* not_ : {"a", "count", "n", "v", "inner"})
        QVERIFY2(!end.contains(QLatin1String(not_)), qPrintable(end.join(QLatin1Char(' '))));
    // A global is visible only after its declaration; hoisted declarations everywhere.
    const QStringList start = names(c.index().visibleAt(c.at("let limit", 0, 0)));
    QVERIFY(!start.contains(QStringLiteral("limit")));
    QVERIFY(!start.contains(QStringLiteral("c")));
    QVERIFY(start.contains(QStringLiteral("area")));
    QVERIFY(start.contains(QStringLiteral("Counter")));
}

void TestSymbols::innermostDeclarationWins()
{
    const Compiled c("let x = 1\nfn f() {\n  let x = \"s\"\n  if true {\n    let x = 2.5\n    print(x)\n  }\n  print(x)\n}\n");
    QVERIFY2(c.result.ok(), c.result.formatDiagnostics().c_str());
    const auto inner = c.index().visibleAt(c.at("print(x)", 0, 6));
    const auto x1 = std::find_if(inner.begin(), inner.end(), [](const SymbolDecl* d) { return d->name == "x"; });
    QVERIFY(x1 != inner.end());
    QCOMPARE(c.lineOf((*x1)->range.begin), 5);
    QCOMPARE(int(std::count_if(inner.begin(), inner.end(), [](const SymbolDecl* d) { return d->name == "x"; })), 1);

    const auto outer = c.index().visibleAt(c.at("print(x)", 1, 6));
    const auto x2 = std::find_if(outer.begin(), outer.end(), [](const SymbolDecl* d) { return d->name == "x"; });
    QVERIFY(x2 != outer.end());
    QCOMPARE(c.lineOf((*x2)->range.begin), 3);

    // And go-to-definition agrees.
    QCOMPARE(c.lineOf(c.index().definitionAt(c.at("print(x)", 0, 6))->range.begin), 5);
    QCOMPARE(c.lineOf(c.index().definitionAt(c.at("print(x)", 1, 6))->range.begin), 3);
}

void TestSymbols::handlersOfActor()
{
    const Compiled c(kProgram);
    const int32_t counter = c.declIndex("Counter", SymbolKind::Actor);
    QVERIFY(counter >= 0);
    const auto handlers = c.index().handlersOf(counter);
    QCOMPARE(names(handlers), (QStringList{"Increment", "Add", "Get"}));
    for (const SymbolDecl* h : handlers) {
        QCOMPARE(int(h->kind), int(SymbolKind::Handler));
        QCOMPARE(h->container, counter);
        QCOMPARE(c.slice(h->range), QString::fromStdString(h->name));
    }
    // A screen without handlers, a function and an out-of-range index have none.
    QVERIFY(c.index().handlersOf(c.declIndex("Panel", SymbolKind::Screen)).empty());
    QVERIFY(c.index().handlersOf(c.declIndex("area", SymbolKind::Function)).empty());
    QVERIFY(c.index().handlersOf(-1).empty());

    // Two actors keep their handlers apart.
    const Compiled two("actor A {\n  on Ping { }\n  on Shared { }\n}\nactor B {\n  on Pong { }\n  on Shared { }\n}\n");
    QVERIFY2(two.result.ok(), two.result.formatDiagnostics().c_str());
    QCOMPARE(names(two.index().handlersOf(two.declIndex("A", SymbolKind::Actor))), (QStringList{"Ping", "Shared"}));
    QCOMPARE(names(two.index().handlersOf(two.declIndex("B", SymbolKind::Actor))), (QStringList{"Pong", "Shared"}));
}

void TestSymbols::referenceCounts_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("count");
    QTest::newRow("function used twice") << "area" << int(SymbolKind::Function) << 2;
    QTest::newRow("global used three times") << "limit" << int(SymbolKind::Global) << 3;
    QTest::newRow("local used three times") << "a" << int(SymbolKind::Constant) << 3;
    QTest::newRow("state used three times") << "count" << int(SymbolKind::StateField) << 3;
    QTest::newRow("actor used twice") << "Counter" << int(SymbolKind::Actor) << 2;
    QTest::newRow("method used once") << "bump" << int(SymbolKind::Method) << 1;
    QTest::newRow("unused function") << "unused" << int(SymbolKind::Function) << 0;
    QTest::newRow("unused model") << "Tiny" << int(SymbolKind::Model) << 0;
    QTest::newRow("module used once") << "math" << int(SymbolKind::Module) << 1;
}

void TestSymbols::referenceCounts()
{
    QFETCH(QString, name);
    QFETCH(int, kind);
    QFETCH(int, count);
    const Compiled c(kProgram);
    const QByteArray n = name.toUtf8();
    const int32_t i = c.declIndex(n.constData(), SymbolKind(kind));
    QVERIFY2(i >= 0, qPrintable(name));
    const std::vector<SourceRange> refs = c.index().referencesTo(i);
    QCOMPARE(int(refs.size()), count);
    for (const SourceRange& r : refs) {
        QCOMPARE(c.slice(r), name); // every reference covers exactly the name
        QCOMPARE(c.index().definitionAt(r.begin), &c.index().decls()[size_t(i)]);
    }
}

// Names inside f-string fields (and in their specs, and in nested f-strings)
// are references like any other: go-to-definition and find-references work.
void TestSymbols::namesInsideFStrings()
{
    const Compiled c("let width = 8\nlet price = 2.5\nprint(f\"{price:>{width}.2f} {f\"{width}\"}\")\n");
    QVERIFY2(c.result.ok(), c.result.formatDiagnostics().c_str());
    const int32_t w = c.declIndex("width", SymbolKind::Constant) >= 0 ? c.declIndex("width", SymbolKind::Constant)
                                                                      : c.declIndex("width", SymbolKind::Global);
    QVERIFY(w >= 0);
    const std::vector<SourceRange> refs = c.index().referencesTo(w);
    QCOMPARE(int(refs.size()), 2);
    QCOMPARE(refs[0].begin, c.at("width}", 0));
    QCOMPARE(refs[1].begin, c.at("width}", 1));
    for (const SourceRange& r : refs)
        QCOMPARE(c.slice(r), QStringLiteral("width"));
    const int32_t p = c.declIndex("price", SymbolKind::Global) >= 0 ? c.declIndex("price", SymbolKind::Global)
                                                                    : c.declIndex("price", SymbolKind::Constant);
    QCOMPARE(c.index().definitionAt(c.at("price:", 0, 2)), &c.index().decls()[size_t(p)]);
}

// Go to definition on a record type, a named argument, a field read and a
// named sub-pattern lands on the record or the field's declaration.
void TestSymbols::recordsAndFields()
{
    const Compiled c("record Order {\n    id: int\n    qty: int = 0\n}\nfn total(o: Order) { return o.qty }\n"
                     "let o = Order(id: 1, qty: 2)\nprint(match o { Order(qty: q) => q })\n");
    QVERIFY2(c.result.ok(), c.result.formatDiagnostics().c_str());
    const int32_t rec = c.declIndex("Order", SymbolKind::Record);
    const int32_t qty = c.declIndex("qty", SymbolKind::RecordField);
    QVERIFY(rec >= 0);
    QVERIFY(qty >= 0);
    QCOMPARE(c.lineOf(c.index().decls()[size_t(qty)].range.begin), 3);
    QCOMPARE(c.index().definitionAt(c.at("Order)", 0, 1)), &c.index().decls()[size_t(rec)]);
    QCOMPARE(c.index().definitionAt(c.at("Order(id", 0, 1)), &c.index().decls()[size_t(rec)]);
    for (const char* use : {"qty }", "qty: 2", "qty: q"})
        QVERIFY2(c.index().definitionAt(c.at(use, 0, 1)) == &c.index().decls()[size_t(qty)], use);
    QCOMPARE(int(c.index().referencesTo(qty).size()), 3);
}

// While the user types, the file usually has errors; the rest of it still
// has symbols.
void TestSymbols::symbolsDespiteErrors()
{
    const Compiled c("fn good(a) { return a + missing }\nlet x = )\nactor A { state s = 0\n on M { s += 1 } }\nlet y: Int = \"s\"\n");
    QVERIFY(!c.result.ok());
    QVERIFY(c.result.symbols);
    QVERIFY(c.declIndex("good", SymbolKind::Function) >= 0);
    QVERIFY(c.declIndex("A", SymbolKind::Actor) >= 0);
    QVERIFY(c.declIndex("s", SymbolKind::StateField) >= 0);
    QVERIFY(c.declIndex("y", SymbolKind::Global) >= 0);
    QCOMPARE(c.index().handlersOf(c.declIndex("A", SymbolKind::Actor)).size(), size_t(1));
    const SymbolDecl* d = c.index().definitionAt(c.at("a + missing", 0, 0));
    QVERIFY(d);
    QCOMPARE(int(d->kind), int(SymbolKind::Parameter));
}

QTEST_APPLESS_MAIN(TestSymbols)
#include "tst_symbols.moc"
