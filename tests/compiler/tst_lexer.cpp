// Unit tests of the AeroFlow lexer (compiler/Lexer.h): token kinds and exact
// byte ranges, numbers, strings and escapes, comments, newline handling,
// lexical errors, and the invariants every token stream keeps (monotonic
// in-bounds ranges, exactly one Eof at the end).

#include "Lexer.h"

#include <QtTest>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace aeroflow::compiler;

namespace {

/// Enum names (`LParen`, `KwLet`) for readable failure messages.
constexpr const char* kTokNames[] = {
#define AEROFLOW_TEST_TOKEN_NAME(name, spelling) #name,
    AEROFLOW_TOKENS(AEROFLOW_TEST_TOKEN_NAME)
#undef AEROFLOW_TEST_TOKEN_NAME
};

struct TokenSpec {
    Tok kind;
    const char* name;
    const char* spelling;
};

constexpr TokenSpec kAllTokens[] = {
#define AEROFLOW_TEST_TOKEN_SPEC(name, spelling) {Tok::name, #name, spelling},
    AEROFLOW_TOKENS(AEROFLOW_TEST_TOKEN_SPEC)
#undef AEROFLOW_TEST_TOKEN_SPEC
};

QString tokName(Tok k)
{
    return size_t(k) < std::size(kTokNames) ? QString::fromLatin1(kTokNames[size_t(k)]) : QStringLiteral("?");
}

/// The lexer's whole output for one text.
struct Lexed {
    std::string text;
    std::vector<Token> tokens;
    std::vector<Diagnostic> diags;

    /// Token kinds as `Ident Newline Ident Eof`.
    QString kinds() const
    {
        QStringList out;
        for (const Token& t : tokens)
            out << tokName(t.kind);
        return out.join(QLatin1Char(' '));
    }
    /// The source slice a token covers.
    QByteArray slice(size_t i) const
    {
        const Token& t = tokens.at(i);
        return QByteArray(text.data() + t.range.begin, int(t.range.end - t.range.begin));
    }
    size_t errorCount() const
    {
        return size_t(std::count_if(diags.begin(), diags.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; }));
    }
    QString messages() const
    {
        QStringList out;
        for (const Diagnostic& d : diags)
            out << QString::fromStdString(d.message);
        return out.join(QStringLiteral(" | "));
    }
};

Lexed lex(const QByteArray& text)
{
    Lexed out;
    out.text = text.toStdString();
    SourceFile file(QStringLiteral("test.aefl").toStdString(), out.text);
    DiagnosticSink sink;
    Lexer lexer(file, sink);
    out.tokens = lexer.tokenize();
    out.diags = sink.take();
    return out;
}

/// Checks the invariants every token stream keeps; returns a description of
/// the first violation, or an empty string.
QString invariantViolation(const Lexed& l)
{
    const auto size = uint32_t(l.text.size());
    if (l.tokens.empty())
        return QStringLiteral("no tokens at all");
    const Token& last = l.tokens.back();
    if (last.kind != Tok::Eof)
        return QStringLiteral("last token is %1, not Eof").arg(tokName(last.kind));
    if (!(last.range == SourceRange{size, size}))
        return QStringLiteral("Eof range is [%1,%2), expected [%3,%3)").arg(last.range.begin).arg(last.range.end).arg(size);
    uint32_t prevEnd = 0;
    size_t errorTokens = 0;
    for (size_t i = 0; i < l.tokens.size(); ++i) {
        const Token& t = l.tokens[i];
        if (t.kind == Tok::Eof && i + 1 != l.tokens.size())
            return QStringLiteral("Eof at index %1 of %2").arg(i).arg(l.tokens.size());
        if (t.range.begin > t.range.end || t.range.end > size)
            return QStringLiteral("token %1 has range [%2,%3) outside the text").arg(i).arg(t.range.begin).arg(t.range.end);
        if (t.range.begin < prevEnd)
            return QStringLiteral("token %1 starts at %2, before the previous end %3").arg(i).arg(t.range.begin).arg(prevEnd);
        if (t.kind != Tok::Eof && t.range.begin == t.range.end)
            return QStringLiteral("token %1 (%2) is empty").arg(i).arg(tokName(t.kind));
        if (t.kind == Tok::Newline && i > 0 && l.tokens[i - 1].kind == Tok::Newline)
            return QStringLiteral("two Newline tokens in a row at %1").arg(i);
        if (t.kind == Tok::Newline && i == 0)
            return QStringLiteral("the stream starts with a Newline");
        errorTokens += t.kind == Tok::Error;
        prevEnd = t.range.end;
    }
    if (errorTokens > 0 && l.errorCount() == 0)
        return QStringLiteral("%1 Error tokens but no diagnostic").arg(errorTokens);
    return {};
}

} // namespace

class TestLexer : public QObject {
    Q_OBJECT
private slots:
    void tokenTable();
    void punctuators_data();
    void punctuators();
    void keywords_data();
    void keywords();
    void keywordLookup_data();
    void keywordLookup();
    void maximalMunch_data();
    void maximalMunch();
    void identifiers_data();
    void identifiers();
    void numbers_data();
    void numbers();
    void numberSequences_data();
    void numberSequences();
    void numberErrors_data();
    void numberErrors();
    void strings_data();
    void strings();
    void unterminatedString_data();
    void unterminatedString();
    void fstrings_data();
    void fstrings();
    void fstringErrors_data();
    void fstringErrors();
    void decodeString_data();
    void decodeString();
    void decodeStringErrors_data();
    void decodeStringErrors();
    void decodeStringErrorRange();
    void comments_data();
    void comments();
    void unterminatedBlockComment();
    void newlines_data();
    void newlines();
    void collapsedBlankLinesKeepFirstRange();
    void invalidCharacters_data();
    void invalidCharacters();
    void ampersandPipeHints_data();
    void ampersandPipeHints();
    void exactlyOneEof_data();
    void exactlyOneEof();
    void randomInputKeepsInvariants();
    void sourcePositions();
};

// Every token kind has a distinct spelling and the keyword block is exactly
// the `Kw*` entries of the X-macro.
void TestLexer::tokenTable()
{
    QSet<QString> spellings;
    for (const TokenSpec& t : kAllTokens) {
        const QString spelling = QString::fromLatin1(t.spelling);
        QVERIFY2(!spellings.contains(spelling), qPrintable(QStringLiteral("duplicate spelling ") + spelling));
        spellings.insert(spelling);
        QCOMPARE(QString::fromLatin1(tokenSpelling(t.kind).data(), int(tokenSpelling(t.kind).size())), spelling);
        const bool named = QByteArray(t.name).startsWith("Kw");
        QVERIFY2(isKeyword(t.kind) == named, t.name);
    }
    QCOMPARE(size_t(Tok::Count), std::size(kAllTokens));
    QCOMPARE(QByteArray(tokenSpelling(Tok::Count).data()), QByteArray("?"));
}

// Every punctuator of the table lexes alone to one token of its kind whose
// range is exactly its spelling, also when surrounded by spaces.
void TestLexer::punctuators_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("spelling");
    int rows = 0;
    for (const TokenSpec& t : kAllTokens) {
        if (isKeyword(t.kind) || t.kind == Tok::Eof || t.kind == Tok::Newline || t.kind == Tok::Error
            || t.kind == Tok::Ident || t.kind == Tok::Int || t.kind == Tok::Float || t.kind == Tok::String
            || t.kind == Tok::FString)
            continue;
        QTest::newRow(t.name) << int(t.kind) << QByteArray(t.spelling);
        ++rows;
    }
    QVERIFY(rows >= 30);
}

void TestLexer::punctuators()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, spelling);
    const Tok k = Tok(kind);
    const auto len = uint32_t(spelling.size());

    const Lexed alone = lex(spelling);
    QCOMPARE(alone.kinds(), tokName(k) + QStringLiteral(" Eof"));
    QVERIFY((alone.tokens[0].range == SourceRange{0, len}));
    QCOMPARE(alone.errorCount(), size_t(0));

    const Lexed spaced = lex("  " + spelling + " x");
    QCOMPARE(spaced.kinds(), tokName(k) + QStringLiteral(" Ident Eof"));
    QVERIFY((spaced.tokens[0].range == SourceRange{2, 2 + len}));
    QCOMPARE(spaced.slice(0), spelling);
    QCOMPARE(spaced.slice(1), QByteArray("x"));
}

void TestLexer::keywords_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("spelling");
    int rows = 0;
    for (const TokenSpec& t : kAllTokens) {
        if (!isKeyword(t.kind))
            continue;
        QTest::newRow(t.name) << int(t.kind) << QByteArray(t.spelling);
        ++rows;
    }
    QCOMPARE(rows, int(Tok::KwLast) - int(Tok::KwFirst) + 1);
}

void TestLexer::keywords()
{
    QFETCH(int, kind);
    QFETCH(QByteArray, spelling);
    const Tok k = Tok(kind);
    const auto len = uint32_t(spelling.size());

    const Lexed alone = lex(spelling);
    QCOMPARE(alone.kinds(), tokName(k) + QStringLiteral(" Eof"));
    QVERIFY((alone.tokens[0].range == SourceRange{0, len}));

    // Between other tokens, with its exact range.
    const Lexed mid = lex("a " + spelling + "(");
    QCOMPARE(mid.kinds(), QStringLiteral("Ident ") + tokName(k) + QStringLiteral(" LParen Eof"));
    QVERIFY((mid.tokens[1].range == SourceRange{2, 2 + len}));

    // A keyword is a whole word: a longer word, or a different case, is an identifier.
    QCOMPARE(lex(spelling + "x").kinds(), QStringLiteral("Ident Eof"));
    QCOMPARE(lex(spelling + "_").kinds(), QStringLiteral("Ident Eof"));
    QCOMPARE(lex(spelling + "1").kinds(), QStringLiteral("Ident Eof"));
    QCOMPARE(lex("_" + spelling).kinds(), QStringLiteral("Ident Eof"));
    QCOMPARE(lex(spelling.toUpper()).kinds(), QStringLiteral("Ident Eof"));
}

void TestLexer::keywordLookup_data()
{
    QTest::addColumn<QByteArray>("word");
    QTest::addColumn<int>("kind");
    QTest::newRow("let") << QByteArray("let") << int(Tok::KwLet);
    QTest::newRow("continue (longest)") << QByteArray("continue") << int(Tok::KwContinue);
    QTest::newRow("in (shortest)") << QByteArray("in") << int(Tok::KwIn);
    QTest::newRow("time") << QByteArray("time") << int(Tok::KwTime);
    QTest::newRow("empty") << QByteArray("") << int(Tok::Ident);
    QTest::newRow("one letter") << QByteArray("i") << int(Tok::Ident);
    QTest::newRow("prefix of keyword") << QByteArray("le") << int(Tok::Ident);
    QTest::newRow("keyword plus letter") << QByteArray("lets") << int(Tok::Ident);
    QTest::newRow("capitalised") << QByteArray("Let") << int(Tok::Ident);
    QTest::newRow("long word") << QByteArray("continued") << int(Tok::Ident);
    QTest::newRow("tensor is not a keyword") << QByteArray("tensor") << int(Tok::Ident);
    QTest::newRow("print is not a keyword") << QByteArray("print") << int(Tok::Ident);
}

void TestLexer::keywordLookup()
{
    QFETCH(QByteArray, word);
    QFETCH(int, kind);
    QCOMPARE(tokName(Lexer::keywordKind(std::string_view(word.constData(), size_t(word.size())))), tokName(Tok(kind)));
}

void TestLexer::maximalMunch_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::newRow("+=") << QByteArray("a+=b") << "Ident PlusAssign Ident Eof";
    QTest::newRow("+ =") << QByteArray("a+ =b") << "Ident Plus Assign Ident Eof";
    QTest::newRow("===") << QByteArray("===") << "Eq Assign Eof";
    QTest::newRow("=>=") << QByteArray("=>=") << "FatArrow Assign Eof";
    QTest::newRow("->") << QByteArray("a->b") << "Ident Arrow Ident Eof";
    QTest::newRow("- >") << QByteArray("a- >b") << "Ident Minus Gt Ident Eof";
    QTest::newRow("-=") << QByteArray("-=-") << "MinusAssign Minus Eof";
    QTest::newRow("...") << QByteArray("...") << "DotDot Dot Eof";
    QTest::newRow("....") << QByteArray("....") << "DotDot DotDot Eof";
    QTest::newRow("!==") << QByteArray("!==") << "Ne Assign Eof";
    QTest::newRow("!!") << QByteArray("!!x") << "Bang Bang Ident Eof";
    QTest::newRow("<=>") << QByteArray("<=>") << "Le Gt Eof";
    QTest::newRow(">==") << QByteArray(">==") << "Ge Assign Eof";
    QTest::newRow("&&||") << QByteArray("&&||") << "AndAnd OrOr Eof";
    QTest::newRow("*=/=%=") << QByteArray("*=/=%=") << "StarAssign SlashAssign PercentAssign Eof";
    QTest::newRow("no spaces") << QByteArray("f(a,b)[0].c") << "Ident LParen Ident Comma Ident RParen LBracket Int RBracket Dot Ident Eof";
    QTest::newRow("map") << QByteArray("{k:v;}") << "LBrace Ident Colon Ident Semicolon RBrace Eof";
}

void TestLexer::maximalMunch()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(0));
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
}

void TestLexer::identifiers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("letter") << QByteArray("x");
    QTest::newRow("underscore") << QByteArray("_");
    QTest::newRow("leading underscore") << QByteArray("_private");
    QTest::newRow("digits inside") << QByteArray("a1b2");
    QTest::newRow("mixed case") << QByteArray("CamelCase");
    QTest::newRow("snake") << QByteArray("snake_case_name");
    QTest::newRow("long") << QByteArray(300, 'q');
}

void TestLexer::identifiers()
{
    QFETCH(QByteArray, text);
    const Lexed l = lex(" " + text + " ");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Eof"));
    QCOMPARE(l.slice(0), text);
    QVERIFY((l.tokens[0].range == SourceRange{1, 1 + uint32_t(text.size())}));
}

void TestLexer::numbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("kind");
    QTest::newRow("zero") << QByteArray("0") << int(Tok::Int);
    QTest::newRow("decimal") << QByteArray("42") << int(Tok::Int);
    QTest::newRow("underscores") << QByteArray("1_000_000") << int(Tok::Int);
    QTest::newRow("hex lower") << QByteArray("0x1f") << int(Tok::Int);
    QTest::newRow("hex upper") << QByteArray("0XDEADbeef") << int(Tok::Int);
    QTest::newRow("hex underscores") << QByteArray("0xFF_FF") << int(Tok::Int);
    QTest::newRow("float") << QByteArray("1.5") << int(Tok::Float);
    QTest::newRow("float leading zero") << QByteArray("0.25") << int(Tok::Float);
    QTest::newRow("float underscores") << QByteArray("1_000.000_1") << int(Tok::Float);
    QTest::newRow("exponent") << QByteArray("1e10") << int(Tok::Float);
    QTest::newRow("exponent upper") << QByteArray("1E10") << int(Tok::Float);
    QTest::newRow("negative exponent") << QByteArray("2.5e-3") << int(Tok::Float);
    QTest::newRow("positive exponent") << QByteArray("7e+2") << int(Tok::Float);
    QTest::newRow("fraction and exponent") << QByteArray("6.02e23") << int(Tok::Float);
    QTest::newRow("huge int is one token") << QByteArray("99999999999999999999") << int(Tok::Int);
}

void TestLexer::numbers()
{
    QFETCH(QByteArray, text);
    QFETCH(int, kind);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), tokName(Tok(kind)) + QStringLiteral(" Eof"));
    QCOMPARE(l.slice(0), text);
    QCOMPARE(l.errorCount(), size_t(0));
}

// Where a number ends: `..` and `.name` are not part of it.
void TestLexer::numberSequences_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::addColumn<QStringList>("slices");
    QTest::newRow("range") << QByteArray("0..10") << "Int DotDot Int Eof" << QStringList{"0", "..", "10"};
    QTest::newRow("range spaced") << QByteArray("0 .. 10") << "Int DotDot Int Eof" << QStringList{"0", "..", "10"};
    QTest::newRow("float then range") << QByteArray("1.5..2") << "Float DotDot Int Eof" << QStringList{"1.5", "..", "2"};
    QTest::newRow("method on int") << QByteArray("1.foo") << "Int Dot Ident Eof" << QStringList{"1", ".", "foo"};
    QTest::newRow("trailing dot") << QByteArray("1.") << "Int Dot Eof" << QStringList{"1", "."};
    QTest::newRow("dot then exponent-like name") << QByteArray("1.e5") << "Int Dot Ident Eof" << QStringList{"1", ".", "e5"};
    QTest::newRow("minus is separate") << QByteArray("-3") << "Minus Int Eof" << QStringList{"-", "3"};
    QTest::newRow("index after ident") << QByteArray("t.0") << "Ident Dot Int Eof" << QStringList{"t", ".", "0"};
    QTest::newRow("two numbers") << QByteArray("1 2.0") << "Int Float Eof" << QStringList{"1", "2.0"};
}

void TestLexer::numberSequences()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    QFETCH(QStringList, slices);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(0));
    for (int i = 0; i < slices.size(); ++i)
        QCOMPARE(QString::fromLatin1(l.slice(size_t(i))), slices[i]);
}

void TestLexer::numberErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("0x without digits") << QByteArray("0x") << "at least one digit";
    QTest::newRow("0x then space") << QByteArray("0x + 1") << "at least one digit";
    QTest::newRow("suffix") << QByteArray("12abc") << "invalid suffix 'abc'";
    QTest::newRow("float suffix") << QByteArray("1.5f") << "invalid suffix 'f'";
    QTest::newRow("dangling exponent") << QByteArray("1e") << "invalid suffix 'e'";
    QTest::newRow("hex digits then letters") << QByteArray("0x1g") << "invalid suffix";
    QTest::newRow("0x with only underscores") << QByteArray("0x_") << "at least one digit";
}

void TestLexer::numberErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const Lexed l = lex(text);
    QCOMPARE(l.errorCount(), size_t(1));
    QVERIFY2(l.messages().contains(message), qPrintable(l.messages()));
    QCOMPARE(tokName(l.tokens.front().kind), tokName(Tok::Error));
    QCOMPARE(l.tokens.front().range.begin, 0u);
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
}

void TestLexer::strings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("double quotes") << QByteArray("\"hello\"");
    QTest::newRow("single quotes") << QByteArray("'hello'");
    QTest::newRow("empty") << QByteArray("\"\"");
    QTest::newRow("escaped quote") << QByteArray(R"("say \"hi\"")");
    QTest::newRow("escaped backslash before quote") << QByteArray(R"("a\\")");
    QTest::newRow("other quote inside") << QByteArray(R"("it's")");
    QTest::newRow("escapes") << QByteArray(R"("\n\t\r\0\u{1F600}")");
    QTest::newRow("comment markers inside") << QByteArray(R"("# not // a /* comment")");
    QTest::newRow("utf-8 inside") << QByteArray("\"h\xc3\xa9llo \xf0\x9f\x98\x80\"");
}

void TestLexer::strings()
{
    QFETCH(QByteArray, text);
    const Lexed l = lex("x = " + text + " y");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Assign String Ident Eof"));
    QCOMPARE(l.slice(2), text);
    QCOMPARE(l.errorCount(), size_t(0));
}

void TestLexer::unterminatedString_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::addColumn<QByteArray>("errorSlice");
    QTest::newRow("at end of file") << QByteArray("x = \"abc") << "Ident Assign Error Eof" << QByteArray("\"abc");
    QTest::newRow("at end of line") << QByteArray("x = \"abc\ny") << "Ident Assign Error Newline Ident Eof" << QByteArray("\"abc");
    QTest::newRow("escaped closing quote") << QByteArray("\"abc\\\"") << "Error Eof" << QByteArray("\"abc\\\"");
    QTest::newRow("wrong closing quote") << QByteArray("'abc\"") << "Error Eof" << QByteArray("'abc\"");
    QTest::newRow("backslash before newline") << QByteArray("\"abc\\\nz") << "Error Newline Ident Eof" << QByteArray("\"abc\\");
}

void TestLexer::unterminatedString()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    QFETCH(QByteArray, errorSlice);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(1));
    QVERIFY2(l.messages().contains(QStringLiteral("unterminated string")), qPrintable(l.messages()));
    const auto errorIndex = size_t(std::find_if(l.tokens.begin(), l.tokens.end(), [](const Token& t) { return t.kind == Tok::Error; }) - l.tokens.begin());
    QCOMPARE(l.slice(errorIndex), errorSlice);
    QCOMPARE(l.diags[0].range.begin, l.tokens[errorIndex].range.begin);
}

// `f"..."` is one token however its fields nest: strings (also in its own
// quote), brackets and f-strings inside a field do not end it.
void TestLexer::fstrings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("no fields") << QByteArray(R"(f"plain")");
    QTest::newRow("single quotes") << QByteArray(R"(f'{a} and {b}')");
    QTest::newRow("spec") << QByteArray(R"(f"{price:>8.2f}")");
    QTest::newRow("escaped braces") << QByteArray(R"(f"{{x}} }}{{")");
    QTest::newRow("same quote in a field") << QByteArray(R"(f"{m["k"]}")");
    QTest::newRow("closing brace in a string") << QByteArray(R"(f"{s.find("}")}")");
    QTest::newRow("map literal in a field") << QByteArray(R"(f"{ {a: 1}.a }")");
    QTest::newRow("colon inside brackets") << QByteArray(R"(f"{f({a: 1})}")");
    QTest::newRow("nested f-string") << QByteArray(R"(f"{f"{x:>3}"}!")");
    QTest::newRow("field in the spec") << QByteArray(R"(f"{x:>{w}}")");
    QTest::newRow("unicode escape") << QByteArray(R"(f"\u{1F600} {x}")");
    QTest::newRow("hash is not a comment") << QByteArray(R"(f"# {n:#x}")");
}

void TestLexer::fstrings()
{
    QFETCH(QByteArray, text);
    const Lexed l = lex("x = " + text + " y");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Assign FString Ident Eof"));
    QCOMPARE(l.slice(2), text);
    QCOMPARE(l.errorCount(), size_t(0));
}

// What is wrong with an f-string's braces is a lexical error at the brace.
void TestLexer::fstringErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("column"); // 0-based offset of the error
    QTest::newRow("unterminated") << QByteArray("f\"abc\nx") << "Error Newline Ident Eof" << "unterminated string literal" << 0;
    QTest::newRow("field never closed") << QByteArray("f\"a {x\"\nz") << "Error Newline Ident Eof"
                                        << "unterminated '{' in f-string (missing '}')" << 4;
    QTest::newRow("spec runs into the quote") << QByteArray("f\"{x:>5\"") << "Error Eof"
                                              << "unterminated '{' in f-string (missing '}')" << 2;
    QTest::newRow("single closing brace") << QByteArray("f\"a } b\"") << "FString Eof"
                                          << "single '}' in f-string (write '}}' for a literal brace)" << 4;
    QTest::newRow("empty field") << QByteArray("f\"a {} b\"") << "FString Eof"
                                 << "empty field in f-string: write an expression in the braces, or '{{' and '}}' for braces" << 4;
    QTest::newRow("spec of a spec field") << QByteArray("f\"{x:>{w:3}}\"") << "FString Eof"
                                          << "a field inside a format spec cannot have a spec of its own" << 8;
}

void TestLexer::fstringErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    QFETCH(QString, message);
    QFETCH(int, column);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(1));
    QCOMPARE(QString::fromStdString(l.diags[0].message), message);
    QCOMPARE(int(l.diags[0].range.begin), column);
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
}

void TestLexer::decodeString_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("newline") << QByteArray(R"(a\nb)") << QByteArray("a\nb");
    QTest::newRow("tab") << QByteArray(R"(\t)") << QByteArray("\t");
    QTest::newRow("carriage return") << QByteArray(R"(\r)") << QByteArray("\r");
    QTest::newRow("nul") << QByteArray(R"(a\0b)") << QByteArray("a\0b", 3);
    QTest::newRow("backslash") << QByteArray(R"(\\)") << QByteArray("\\");
    QTest::newRow("double quote") << QByteArray(R"(\")") << QByteArray("\"");
    QTest::newRow("single quote") << QByteArray(R"(\')") << QByteArray("'");
    QTest::newRow("backslash then n") << QByteArray(R"(\\n)") << QByteArray("\\n");
    QTest::newRow("u ascii") << QByteArray(R"(\u{41})") << QByteArray("A");
    QTest::newRow("u two bytes") << QByteArray(R"(\u{e9})") << QByteArray("\xc3\xa9");
    QTest::newRow("u three bytes") << QByteArray(R"(\u{20AC})") << QByteArray("\xe2\x82\xac");
    QTest::newRow("u four bytes") << QByteArray(R"(\u{1F600})") << QByteArray("\xf0\x9f\x98\x80");
    QTest::newRow("u max") << QByteArray(R"(\u{10FFFF})") << QByteArray("\xf4\x8f\xbf\xbf");
    QTest::newRow("u leading zeros") << QByteArray(R"(\u{000041})") << QByteArray("A");
    QTest::newRow("u boundary 7f") << QByteArray(R"(\u{7f})") << QByteArray("\x7f");
    QTest::newRow("u boundary 80") << QByteArray(R"(\u{80})") << QByteArray("\xc2\x80");
    QTest::newRow("u boundary 7ff") << QByteArray(R"(\u{7FF})") << QByteArray("\xdf\xbf");
    QTest::newRow("u boundary 800") << QByteArray(R"(\u{800})") << QByteArray("\xe0\xa0\x80");
    QTest::newRow("u boundary ffff") << QByteArray(R"(\u{FFFF})") << QByteArray("\xef\xbf\xbf");
    QTest::newRow("u boundary 10000") << QByteArray(R"(\u{10000})") << QByteArray("\xf0\x90\x80\x80");
    QTest::newRow("mixed") << QByteArray(R"(x=\u{1F600}\n\t"ok")") << QByteArray("x=\xf0\x9f\x98\x80\n\t\"ok\"");
    QTest::newRow("utf-8 passes through") << QByteArray("caf\xc3\xa9") << QByteArray("caf\xc3\xa9");
}

void TestLexer::decodeString()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, decoded);
    DiagnosticSink sink;
    const std::string out = decodeStringLiteral(std::string_view(body.constData(), size_t(body.size())), 1, &sink);
    QCOMPARE(QByteArray(out.data(), int(out.size())), decoded);
    QCOMPARE(sink.errorCount(), size_t(0));
    // A null sink is allowed and gives the same text.
    const std::string quiet = decodeStringLiteral(std::string_view(body.constData(), size_t(body.size())), 1, nullptr);
    QCOMPARE(quiet, out);
}

void TestLexer::decodeStringErrors_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown escape") << QByteArray(R"(a\qb)") << "unknown escape sequence '\\q'";
    QTest::newRow("unknown escape x") << QByteArray(R"(\x41)") << "unknown escape sequence '\\x'";
    QTest::newRow("u without braces") << QByteArray(R"(\u0041)") << "invalid unicode escape";
    QTest::newRow("u empty") << QByteArray(R"(\u{})") << "invalid unicode escape";
    QTest::newRow("u not hex") << QByteArray(R"(\u{12G4})") << "invalid unicode escape";
    QTest::newRow("u seven digits") << QByteArray(R"(\u{1000000})") << "invalid unicode escape";
    QTest::newRow("u above max") << QByteArray(R"(\u{110000})") << "invalid unicode escape";
    QTest::newRow("u surrogate low end") << QByteArray(R"(\u{D800})") << "invalid unicode escape";
    QTest::newRow("u surrogate high end") << QByteArray(R"(\u{DFFF})") << "invalid unicode escape";
    QTest::newRow("u unclosed") << QByteArray(R"(\u{41)") << "invalid unicode escape";
    QTest::newRow("u at end") << QByteArray(R"(\u)") << "invalid unicode escape";
}

void TestLexer::decodeStringErrors()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    DiagnosticSink sink;
    decodeStringLiteral(std::string_view(body.constData(), size_t(body.size())), 0, &sink);
    QCOMPARE(sink.errorCount(), size_t(1));
    QVERIFY2(QString::fromStdString(sink.diagnostics()[0].message).contains(message),
        sink.diagnostics()[0].message.c_str());
    // Without a sink the decoder reports nothing and still returns.
    decodeStringLiteral(std::string_view(body.constData(), size_t(body.size())), 0, nullptr);
}

// The error of a bad escape points at the two characters `\q` in the file.
void TestLexer::decodeStringErrorRange()
{
    DiagnosticSink sink;
    const std::string out = decodeStringLiteral("ab\\qc", 10, &sink);
    QCOMPARE(sink.errorCount(), size_t(1));
    QVERIFY((sink.diagnostics()[0].range == SourceRange{12, 14}));
    QCOMPARE(out, std::string("abqc"));

    DiagnosticSink sink2;
    decodeStringLiteral("x\\u{110000}", 5, &sink2);
    QCOMPARE(sink2.errorCount(), size_t(1));
    QVERIFY((sink2.diagnostics()[0].range == SourceRange{6, 8}));
}

void TestLexer::comments_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::newRow("hash") << QByteArray("x # note\ny") << "Ident Newline Ident Eof";
    QTest::newRow("slashes") << QByteArray("x // note\ny") << "Ident Newline Ident Eof";
    QTest::newRow("block") << QByteArray("x /* note */ y") << "Ident Ident Eof";
    QTest::newRow("block spanning lines has no newline") << QByteArray("x /* a\nb\nc */ y") << "Ident Ident Eof";
    QTest::newRow("block then newline") << QByteArray("x /* a */\ny") << "Ident Newline Ident Eof";
    QTest::newRow("empty block") << QByteArray("/**/x") << "Ident Eof";
    QTest::newRow("block with stars") << QByteArray("x /*** a ***/ y") << "Ident Ident Eof";
    QTest::newRow("block slash star slash") << QByteArray("x /*/ y */ z") << "Ident Ident Eof";
    QTest::newRow("hash at end of file") << QByteArray("x # end") << "Ident Eof";
    QTest::newRow("slashes at end of file") << QByteArray("x // end") << "Ident Eof";
    QTest::newRow("comment only") << QByteArray("# only") << "Eof";
    QTest::newRow("leading comment lines") << QByteArray("# a\n// b\n/* c */\nx") << "Ident Eof";
    QTest::newRow("hash inside slashes") << QByteArray("x // a # b\ny") << "Ident Newline Ident Eof";
    QTest::newRow("block markers in line comment") << QByteArray("x // /* \ny */") << "Ident Newline Ident Star Slash Eof";
    QTest::newRow("slash is division") << QByteArray("a / b") << "Ident Slash Ident Eof";
    QTest::newRow("slash assign") << QByteArray("a /= b") << "Ident SlashAssign Ident Eof";
    QTest::newRow("comment in parens") << QByteArray("f(a, # note\n b)") << "Ident LParen Ident Comma Ident RParen Eof";
}

void TestLexer::comments()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(0));
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
}

void TestLexer::unterminatedBlockComment()
{
    const Lexed l = lex("x = 1 /* never\nclosed");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Assign Int Eof"));
    QCOMPARE(l.errorCount(), size_t(1));
    QVERIFY2(l.messages().contains(QStringLiteral("unterminated block comment")), qPrintable(l.messages()));
    QVERIFY((l.diags[0].range == SourceRange{6, 8})); // the opening `/*`

    const Lexed almost = lex("/* a *");
    QCOMPARE(almost.kinds(), QStringLiteral("Eof"));
    QCOMPARE(almost.errorCount(), size_t(1));
}

void TestLexer::newlines_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("kinds");
    QTest::newRow("plain") << QByteArray("a\nb") << "Ident Newline Ident Eof";
    QTest::newRow("inside parens") << QByteArray("(a\nb)") << "LParen Ident Ident RParen Eof";
    QTest::newRow("inside brackets") << QByteArray("[a\nb]") << "LBracket Ident Ident RBracket Eof";
    QTest::newRow("inside braces") << QByteArray("{a\nb}") << "LBrace Ident Newline Ident RBrace Eof";
    QTest::newRow("after closing paren") << QByteArray("(a)\nb") << "LParen Ident RParen Newline Ident Eof";
    QTest::newRow("nested parens") << QByteArray("((\na\n)\n)") << "LParen LParen Ident RParen RParen Eof";
    QTest::newRow("braces inside parens count") << QByteArray("(a\n{b\nc}\nd)")
                                                 << "LParen Ident LBrace Ident Newline Ident RBrace Ident RParen Eof";
    QTest::newRow("parens inside braces do not") << QByteArray("{a\n(b\nc)\nd}")
                                                  << "LBrace Ident Newline LParen Ident Ident RParen Newline Ident RBrace Eof";
    QTest::newRow("blank lines collapse") << QByteArray("a\n\n\n\nb") << "Ident Newline Ident Eof";
    QTest::newRow("whitespace lines collapse") << QByteArray("a\n  \n\t\n \r\nb") << "Ident Newline Ident Eof";
    QTest::newRow("comment lines collapse") << QByteArray("a\n# x\n\n// y\nb") << "Ident Newline Ident Eof";
    QTest::newRow("no leading newline") << QByteArray("\n\n\na") << "Ident Eof";
    QTest::newRow("trailing newline kept once") << QByteArray("a\n\n\n") << "Ident Newline Eof";
    QTest::newRow("crlf") << QByteArray("a\r\nb\r\n") << "Ident Newline Ident Newline Eof";
    QTest::newRow("line continuation") << QByteArray("a +\\\nb") << "Ident Plus Ident Eof";
    QTest::newRow("unbalanced close paren does not swallow lines") << QByteArray("a)\nb") << "Ident RParen Newline Ident Eof";
    QTest::newRow("close brace ends an unclosed paren") << QByteArray("{f(a\n}\nb") << "LBrace Ident LParen Ident RBrace Newline Ident Eof";
    QTest::newRow("close paren does not close a brace") << QByteArray("{a)\nb}") << "LBrace Ident RParen Newline Ident RBrace Eof";
    QTest::newRow("semicolon is not a newline") << QByteArray("a;b") << "Ident Semicolon Ident Eof";
}

void TestLexer::newlines()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, kinds);
    const Lexed l = lex(text);
    QCOMPARE(l.kinds(), kinds);
    QCOMPARE(l.errorCount(), size_t(0));
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
    for (size_t i = 0; i < l.tokens.size(); ++i)
        if (l.tokens[i].kind == Tok::Newline)
            QCOMPARE(l.slice(i), QByteArray("\n"));
}

// A run of blank lines is one Newline token, placed on the first line break.
void TestLexer::collapsedBlankLinesKeepFirstRange()
{
    const Lexed l = lex("ab\n\n  \n# c\ncd");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Newline Ident Eof"));
    QVERIFY((l.tokens[1].range == SourceRange{2, 3}));
    QVERIFY((l.tokens[2].range == SourceRange{11, 13}));
}

void TestLexer::invalidCharacters_data()
{
    QTest::addColumn<QByteArray>("bad");
    QTest::addColumn<QString>("message");
    QTest::newRow("at sign") << QByteArray("@") << "unexpected character '@'";
    QTest::newRow("dollar") << QByteArray("$") << "unexpected character '$'";
    QTest::newRow("backtick") << QByteArray("`") << "unexpected character '`'";
    QTest::newRow("question mark") << QByteArray("?") << "unexpected character '?'";
    QTest::newRow("tilde") << QByteArray("~") << "unexpected character '~'";
    QTest::newRow("caret") << QByteArray("^") << "unexpected character '^'";
    QTest::newRow("lone backslash") << QByteArray("\\") << "unexpected character";
    QTest::newRow("control byte") << QByteArray("\x01") << "byte 0x01";
    QTest::newRow("utf-8 two bytes (e acute)") << QByteArray("\xc3\xa9") << "byte 0xc3";
    QTest::newRow("utf-8 three bytes (euro)") << QByteArray("\xe2\x82\xac") << "byte 0xe2";
    QTest::newRow("utf-8 four bytes (emoji)") << QByteArray("\xf0\x9f\x98\x80") << "byte 0xf0";
    QTest::newRow("stray continuation byte") << QByteArray("\x80") << "byte 0x80";
    QTest::newRow("byte ff") << QByteArray("\xff") << "byte 0xff";
}

// One bad character (however many bytes it takes in UTF-8) is one Error token
// covering the whole character, and one diagnostic; lexing continues after it.
void TestLexer::invalidCharacters()
{
    QFETCH(QByteArray, bad);
    QFETCH(QString, message);
    const Lexed l = lex("a " + bad + " b");
    QCOMPARE(l.kinds(), QStringLiteral("Ident Error Ident Eof"));
    QCOMPARE(l.slice(1), bad);
    QCOMPARE(l.errorCount(), size_t(1));
    QVERIFY2(l.messages().contains(message), qPrintable(l.messages()));
    QVERIFY((l.diags[0].range == SourceRange{2, 2 + uint32_t(bad.size())}));

    // Two of them in a row are two errors, not one and not one per byte (a
    // stray continuation byte is skipped as part of the character before it).
    if ((uchar(bad[0]) & 0xC0) == 0x80)
        return;
    const Lexed twice = lex(bad + bad);
    QCOMPARE(twice.kinds(), QStringLiteral("Error Error Eof"));
    QCOMPARE(twice.errorCount(), size_t(2));
}

void TestLexer::ampersandPipeHints_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("hint");
    QTest::newRow("&") << QByteArray("a & b") << "did you mean '&&'?";
    QTest::newRow("|") << QByteArray("a | b") << "did you mean '||'?";
    QTest::newRow("& at end") << QByteArray("a &") << "did you mean '&&'?";
    QTest::newRow("&&& is && then &") << QByteArray("a &&& b") << "did you mean '&&'?";
}

void TestLexer::ampersandPipeHints()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, hint);
    const Lexed l = lex(text);
    QCOMPARE(l.errorCount(), size_t(1));
    QVERIFY2(l.messages().contains(hint), qPrintable(l.messages()));
    QVERIFY2(l.kinds().contains(QStringLiteral("Error")), qPrintable(l.kinds()));
    // The doubled operators are fine.
    QCOMPARE(lex("a && b || c").errorCount(), size_t(0));
}

void TestLexer::exactlyOneEof_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("spaces") << QByteArray("   \t ");
    QTest::newRow("newlines only") << QByteArray("\n\n\n");
    QTest::newRow("comment only") << QByteArray("# c");
    QTest::newRow("unterminated comment") << QByteArray("/* c");
    QTest::newRow("unterminated string") << QByteArray("\"abc");
    QTest::newRow("open parens") << QByteArray("((((");
    QTest::newRow("close braces") << QByteArray("}}}}");
    QTest::newRow("bad bytes") << QByteArray("\xff\xfe\x80");
    QTest::newRow("truncated utf-8") << QByteArray("x \xe2\x82");
    QTest::newRow("embedded nul") << QByteArray("a\0b", 3);
    QTest::newRow("statement") << QByteArray("let x = 1\n");
    QTest::newRow("trailing backslash") << QByteArray("x \\");
}

void TestLexer::exactlyOneEof()
{
    QFETCH(QByteArray, text);
    const Lexed l = lex(text);
    QVERIFY2(invariantViolation(l).isEmpty(), qPrintable(invariantViolation(l)));
    QCOMPARE(int(std::count_if(l.tokens.begin(), l.tokens.end(), [](const Token& t) { return t.kind == Tok::Eof; })), 1);
}

// Random soups of AeroFlow-ish characters from a fixed seed: every stream
// keeps the invariants (no crash, one Eof, ordered ranges, no empty tokens).
void TestLexer::randomInputKeepsInvariants()
{
    static const char kAlphabet[] = "abcfxyz_019 \t\n\r(){}[].,:;+-*/%=!<>&|#\"'\\eE@\xc3\xa9\x80";
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
    std::uniform_int_distribution<int> length(0, 200);
    for (int round = 0; round < 500; ++round) {
        QByteArray text;
        const int n = length(rng);
        for (int i = 0; i < n; ++i)
            text += kAlphabet[pick(rng)];
        const Lexed l = lex(text);
        const QString why = invariantViolation(l);
        QVERIFY2(why.isEmpty(), qPrintable(QStringLiteral("round %1: %2 for %3").arg(round).arg(why).arg(QString::fromLatin1(text.toHex()))));
    }
}

// Line/column and line text of SourceFile, which every diagnostic goes through.
void TestLexer::sourcePositions()
{
    const SourceFile file("f.aefl", "ab\ncd\r\n\nlast");
    QCOMPARE(file.lineCount(), 4u);
    QCOMPARE(file.lineCol(0).line, 1u);
    QCOMPARE(file.lineCol(0).col, 1u);
    QCOMPARE(file.lineCol(2).col, 3u);  // the '\n' itself is on line 1
    QCOMPARE(file.lineCol(3).line, 2u);
    QCOMPARE(file.lineCol(4).col, 2u);
    QCOMPARE(file.lineCol(7).line, 3u);  // the empty line
    QCOMPARE(file.lineCol(8).line, 4u);
    QCOMPARE(file.lineCol(8).col, 1u);
    QCOMPARE(file.lineCol(1000).line, 4u); // clamps
    QCOMPARE(file.lineCol(1000).col, 5u);
    QCOMPARE(QByteArray(file.lineText(1).data(), int(file.lineText(1).size())), QByteArray("ab"));
    QCOMPARE(QByteArray(file.lineText(2).data(), int(file.lineText(2).size())), QByteArray("cd"));
    QCOMPARE(file.lineText(3).size(), size_t(0));
    QCOMPARE(QByteArray(file.lineText(4).data(), int(file.lineText(4).size())), QByteArray("last"));
    QCOMPARE(file.lineText(5).size(), size_t(0));
    QCOMPARE(file.lineStart(2), 3u);
    QCOMPARE(file.lineStart(99), 12u);
}

QTEST_APPLESS_MAIN(TestLexer)
#include "tst_lexer.moc"
