// The editor without a window: highlighting, live diagnostics placement,
// completion, breakpoints, and the small parsers the Studio relies on.

#include "docks/UiTree.h"
#include "editor/AeroFlowScanner.h"
#include "editor/CodeEditor.h"
#include "editor/CompletionProvider.h"
#include "editor/DiagnosticsService.h"
#include "run/BreakpointCondition.h"

#include <QSignalSpy>
#include <QTest>

using namespace aeroflow::studio;

class TestStudioEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scannerCategories();
    void scannerFStrings();
    void scannerBlockCommentAcrossLines();
    void lexerStylesEditorText();
    void diagnosticsPlacedAtBadEdit();
    void completionOffersActorsAndKeywords();
    void breakpointToggleAndCondition();
    void goToDefinitionJumpsToActor();
    void conditionExpressions();
    void uiTreeParsesRender();

private:
    static TokenStyle styleAt(const ScannedLine& line, std::string_view text, std::string_view word);
    static bool waitForAnalysis(CodeEditor& e);
};

TokenStyle TestStudioEditor::styleAt(const ScannedLine& line, std::string_view text, std::string_view word)
{
    const size_t at = text.find(word);
    for (const ScannedToken& t : line.tokens)
        if (t.begin <= at && at < t.begin + t.length)
            return t.style;
    return TokenStyle::Count;
}

bool TestStudioEditor::waitForAnalysis(CodeEditor& e)
{
    QSignalSpy spy(&e, &CodeEditor::diagnosticsUpdated);
    e.diagnosticsService()->analyzeNow();
    return spy.wait(10'000);
}

void TestStudioEditor::scannerCategories()
{
    const std::string_view text = R"(actor Counter { on Add(n) { print("hi", 42 + n) } } # note)";
    const ScannedLine line = scanLine(text, {});
    QCOMPARE(styleAt(line, text, "actor"), TokenStyle::Keyword);
    QCOMPARE(styleAt(line, text, "Counter"), TokenStyle::TypeName);
    QCOMPARE(styleAt(line, text, "on "), TokenStyle::Keyword);
    QCOMPARE(styleAt(line, text, "Add"), TokenStyle::HandlerName);
    QCOMPARE(styleAt(line, text, "print"), TokenStyle::Builtin);
    QCOMPARE(styleAt(line, text, "\"hi\""), TokenStyle::String);
    QCOMPARE(styleAt(line, text, "42"), TokenStyle::Number);
    QCOMPARE(styleAt(line, text, "+"), TokenStyle::Operator);
    QCOMPARE(styleAt(line, text, "n)"), TokenStyle::Identifier);
    QCOMPARE(styleAt(line, text, "# note"), TokenStyle::Comment);
    QCOMPARE(line.end.braceDepth, 0);
    // Tokens tile the line: nothing is left unstyled.
    uint32_t covered = 0;
    for (const ScannedToken& t : line.tokens) {
        QCOMPARE(t.begin, covered);
        covered += t.length;
    }
    QCOMPARE(covered, uint32_t(text.size()));
}

// An f-string is one string however its fields nest, so a quote or a `#`
// inside a field neither ends it nor starts a comment.
void TestStudioEditor::scannerFStrings()
{
    const std::string_view text = R"(print(f"{m["k"]:>{w}} {n:#x} {"#"}") # note)";
    const ScannedLine line = scanLine(text, {});
    QCOMPARE(styleAt(line, text, R"(f"{m["k"]:>{w}} {n:#x} {"#"}")"), TokenStyle::String);
    QCOMPARE(styleAt(line, text, ") #"), TokenStyle::Operator);
    QCOMPARE(styleAt(line, text, "# note"), TokenStyle::Comment);
    QCOMPARE(line.end.braceDepth, 0);
    const std::string_view open = R"(let s = f"{x)";
    QCOMPARE(styleAt(scanLine(open, {}), open, "f\"{x"), TokenStyle::Error);
    const std::string_view name = "let of = f + 1";
    QCOMPARE(styleAt(scanLine(name, {}), name, "f +"), TokenStyle::Identifier);
}

void TestStudioEditor::scannerBlockCommentAcrossLines()
{
    const ScannedLine first = scanLine("let x = 1 /* starts", {});
    QVERIFY(first.end.inBlockComment);
    const ScannedLine second = scanLine("still comment */ let", first.end);
    QCOMPARE(second.tokens.front().style, TokenStyle::Comment);
    QCOMPARE(second.tokens.back().style, TokenStyle::Keyword);
    QVERIFY(!second.end.inBlockComment);
    const ScannedLine open = scanLine("actor A {", {});
    QVERIFY(open.opensFold);
    QCOMPARE(open.end.braceDepth, 1);
}

void TestStudioEditor::lexerStylesEditorText()
{
    CodeEditor e;
    e.setText(QStringLiteral("actor Counter {\n    state count = 0 # c\n}\n"));
    e.SendScintilla(QsciScintillaBase::SCI_COLOURISE, 0, -1);
    auto styleAt = [&](int line, int index) {
        return int(e.SendScintilla(QsciScintillaBase::SCI_GETSTYLEAT, e.positionFromLineIndex(line, index)));
    };
    QCOMPARE(styleAt(0, 0), int(TokenStyle::Keyword));
    QCOMPARE(styleAt(0, 6), int(TokenStyle::TypeName));
    QCOMPARE(styleAt(1, 4), int(TokenStyle::Keyword));
    QCOMPARE(styleAt(1, 18), int(TokenStyle::Number));
    QCOMPARE(styleAt(1, 20), int(TokenStyle::Comment));
    // Line 0 heads a fold.
    const int level = int(e.SendScintilla(QsciScintillaBase::SCI_GETFOLDLEVEL, 0));
    QVERIFY(level & QsciScintillaBase::SC_FOLDLEVELHEADERFLAG);
}

void TestStudioEditor::diagnosticsPlacedAtBadEdit()
{
    CodeEditor e;
    e.setText(QStringLiteral("let x = 10\nprint(x)\n"));
    QVERIFY(waitForAnalysis(e));
    QCOMPARE(e.diagnostics().size(), 0);
    // A bad edit: an unknown name on line 2, column 7 (1-based).
    e.setSelection(1, 6, 1, 7);
    e.replaceSelectedText(QStringLiteral("undefined_thing"));
    QVERIFY(waitForAnalysis(e));
    QCOMPARE(e.diagnostics().size(), 1);
    const EditorDiagnostic& d = e.diagnostics().front();
    QCOMPARE(d.line, 1);
    QCOMPARE(d.index, 6);
    QCOMPARE(d.endIndex, 6 + int(strlen("undefined_thing")));
    QVERIFY(d.message.contains(QStringLiteral("undefined_thing")));
    // The squiggle is there, and hover text finds the message.
    const int pos = e.positionFromLineIndex(1, 8);
    QVERIFY(e.SendScintilla(QsciScintillaBase::SCI_INDICATORVALUEAT, CodeEditor::ErrorIndicator, pos) != 0);
    QVERIFY(e.diagnosticsAt(pos).join(' ').contains(QStringLiteral("unknown name")));
}

void TestStudioEditor::completionOffersActorsAndKeywords()
{
    CodeEditor e;
    e.setText(QStringLiteral("actor Counter {\n    state count = 0\n    on Add(n) { count = count + n }\n}\nlet c = spawn(Co\n"));
    QVERIFY(waitForAnalysis(e));
    e.setCursorPosition(4, 16); // after "Co"
    QString prefix;
    const QStringList candidates = e.completionCandidates(&prefix);
    QCOMPARE(prefix, QStringLiteral("Co"));
    QVERIFY2(candidates.contains(QStringLiteral("Counter")), qPrintable(candidates.join(',')));
    // Keywords and builtins, and handlers' messages, from the same provider.
    const QStringList all = completionsAt(e.analysis().symbols.get(), 0, QStringLiteral("a"));
    QVERIFY(all.contains(QStringLiteral("actor")));
    QVERIFY(completionsAt(e.analysis().symbols.get(), 0, QStringLiteral("pr")).contains(QStringLiteral("print")));
    QVERIFY(completionsAt(e.analysis().symbols.get(), 0, QStringLiteral("Ad")).contains(QStringLiteral("Add")));
    // Issue 15's builtins come from the same table: formatting and the
    // functions that take functions.
    for (const char* name : {"format", "filter", "reduce", "sort_by", "enumerate", "zip"}) {
        const QString n = QString::fromLatin1(name);
        QVERIFY2(completionsAt(e.analysis().symbols.get(), 0, n.left(n.size() - 1)).contains(n), name);
    }
    // Records and their fields (offered after `value.`).
    CodeEditor r;
    r.setText(QStringLiteral("record Order { id: int, quantity: int }\nlet o = Order(id: 1, quantity: 2)\nprint(o.quantity)\n"));
    QVERIFY(waitForAnalysis(r));
    QVERIFY(completionsAt(r.analysis().symbols.get(), 0, QStringLiteral("Ord")).contains(QStringLiteral("Order")));
    QVERIFY(completionsAt(r.analysis().symbols.get(), 0, QStringLiteral("quan")).contains(QStringLiteral("quantity")));
    // Go to definition on a field read lands on the field's declaration.
    QVERIFY(r.goToDefinition(r.positionFromLineIndex(2, 10)));
    int line = -1, index = -1;
    r.getCursorPosition(&line, &index);
    QCOMPARE(line, 0);
    QCOMPARE(index, 24);
}

void TestStudioEditor::breakpointToggleAndCondition()
{
    CodeEditor e;
    e.setText(QStringLiteral("a\nb\nc\nd\n"));
    QSignalSpy changed(&e, &CodeEditor::breakpointsChanged);
    e.toggleBreakpoint(2);
    QVERIFY(e.hasBreakpoint(2));
    QCOMPARE(e.breakpoints().size(), 1);
    QCOMPARE(e.breakpoints().front().line, 2);
    // Breakpoints move with the text.
    e.insertAt(QStringLiteral("new line\n"), 0, 0);
    QCOMPARE(e.breakpoints().front().line, 3);
    e.setBreakpoint(3, QStringLiteral("count > 2"));
    QCOMPARE(e.breakpoints().front().condition, QStringLiteral("count > 2"));
    QVERIFY(e.markersAtLine(3) & (1 << CodeEditor::ConditionalBreakpointMarker));
    e.toggleBreakpoint(3);
    QVERIFY(!e.hasBreakpoint(3));
    QVERIFY(e.breakpoints().isEmpty());
    QCOMPARE(changed.count(), 3);
}

void TestStudioEditor::goToDefinitionJumpsToActor()
{
    CodeEditor e;
    e.setText(QStringLiteral("actor Counter {\n    state count = 0\n}\nlet c = spawn(Counter)\n"));
    QVERIFY(waitForAnalysis(e));
    QVERIFY(e.goToDefinition(e.positionFromLineIndex(3, 16)));
    int line = -1, index = -1;
    e.getCursorPosition(&line, &index);
    QCOMPARE(line, 0);
    QCOMPARE(index, 6);
}

void TestStudioEditor::conditionExpressions()
{
    const auto lookup = [](const QString& name) -> std::optional<QString> {
        if (name == "count") return QStringLiteral("3");
        if (name == "who") return QStringLiteral("\"ada\"");
        return std::nullopt;
    };
    auto holds = [&](const char* text) {
        auto c = BreakpointCondition::parse(QString::fromLatin1(text));
        return c && c->evaluate(lookup);
    };
    QVERIFY(holds("count > 2"));
    QVERIFY(!holds("count >= 4"));
    QVERIFY(holds("count == 3 and who == \"ada\""));
    QVERIFY(holds("count == 1 || who != 'bob'"));
    QVERIFY(!holds("missing == 1"));
    QVERIFY(holds(""));
    QString error;
    QVERIFY(!BreakpointCondition::parse(QStringLiteral("count >"), &error));
    QVERIFY(!error.isEmpty());
}

void TestStudioEditor::uiTreeParsesRender()
{
    const QString text = QStringLiteral("Column\n  Text \"Sign in\"\n  Input placeholder=\"User name\" bind=userName \"ada\"\n"
                                        "  Row\n    Button \"Log in\" onClick\n    Button \"Clear\" onClick\n");
    const QVector<UiNode> roots = parseUiTree(text);
    QCOMPARE(roots.size(), 1);
    const UiNode& col = roots.front();
    QCOMPARE(col.element, QStringLiteral("Column"));
    QCOMPARE(col.children.size(), 3);
    QCOMPARE(col.children[0].args, QStringList{QStringLiteral("Sign in")});
    QCOMPARE(col.children[1].prop(QStringLiteral("placeholder")), QStringLiteral("User name"));
    QCOMPARE(col.children[1].bindField, QStringLiteral("userName"));
    QCOMPARE(col.children[1].bindValue, QStringLiteral("ada"));
    QCOMPARE(col.children[2].children.size(), 2);
    QCOMPARE(col.children[2].children[1].events, QStringList{QStringLiteral("onClick")});
}

QTEST_MAIN(TestStudioEditor)
#include "tst_studio_editor.moc"
