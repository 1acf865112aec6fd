// Golden front-end tests. Each tests/lang/*.aefl file is one case:
//
//   let x: int = "a"   # expect error: cannot initialise 'x'
//   # expect error line 7: unterminated string
//   # expect warning: never reached
//
// An `expect error` names the line it is written on (or `line N`) and a text
// the diagnostic's message must contain. A file must produce exactly the
// expected errors and warnings, no more; a file with no expected errors must
// also lower to bytecode and disassemble. Examples in resources/examples are
// cases too (they must be clean).

#include "Compiler.h"
#include "Disassembler.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace aeroflow::compiler;

namespace {

struct Expectation {
    Severity severity;
    uint32_t line;
    QString text;
    bool matched = false;
};

QList<Expectation> parseExpectations(const QString& source)
{
    QList<Expectation> out;
    static const QRegularExpression re(
        QStringLiteral(R"((?:#|//)\s*expect (error|warning)(?: line (\d+))?:\s*(.*?)\s*$)"));
    const QStringList lines = source.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const auto m = re.match(lines[i]);
        if (!m.hasMatch())
            continue;
        Expectation e;
        e.severity = m.captured(1) == QLatin1String("error") ? Severity::Error : Severity::Warning;
        e.line = m.captured(2).isEmpty() ? uint32_t(i + 1) : m.captured(2).toUInt();
        e.text = m.captured(3);
        out.push_back(e);
    }
    return out;
}

} // namespace

class TestLang : public QObject {
    Q_OBJECT
private slots:
    void golden_data();
    void golden();
    void enoughCases();
};

void TestLang::golden_data()
{
    QTest::addColumn<QString>("path");
    const QDir lang(QStringLiteral(AEROFLOW_TESTS_DIR "/lang"));
    for (const QString& f : lang.entryList({QStringLiteral("*.aefl"), QStringLiteral("*.af")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(f)) << lang.filePath(f);
    const QDir examples(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"));
    for (const QString& f : examples.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(QStringLiteral("example/") + f)) << examples.filePath(f);
}

void TestLang::golden()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = file.readAll();
    const QString source = QString::fromUtf8(bytes);
    QList<Expectation> expected = parseExpectations(source);

    const CompileResult r = compile(QFileInfo(path).fileName().toStdString(), bytes.toStdString());
    QStringList unexpected;
    for (const Diagnostic& d : r.diagnostics) {
        if (d.severity == Severity::Note)
            continue;
        const uint32_t line = r.file->lineCol(d.range.begin).line;
        const QString msg = QString::fromStdString(d.message);
        bool found = false;
        for (Expectation& e : expected) {
            if (!e.matched && e.severity == d.severity && e.line == line && msg.contains(e.text)) {
                e.matched = found = true;
                break;
            }
        }
        if (!found)
            unexpected << QString::fromStdString(formatDiagnostic(*r.file, d, false)).trimmed();
    }
    QStringList missing;
    for (const Expectation& e : expected)
        if (!e.matched)
            missing << QStringLiteral("line %1: %2: %3")
                           .arg(e.line)
                           .arg(e.severity == Severity::Error ? "error" : "warning", e.text);
    QVERIFY2(unexpected.isEmpty(), qPrintable("unexpected diagnostics:\n  " + unexpected.join("\n  ")));
    QVERIFY2(missing.isEmpty(), qPrintable("expected diagnostics not reported:\n  " + missing.join("\n  ")));

    const bool expectsErrors = std::any_of(expected.begin(), expected.end(),
        [](const Expectation& e) { return e.severity == Severity::Error; });
    if (!expectsErrors) {
        QVERIFY2(r.program, "a clean program must lower to bytecode");
        const std::vector<std::string> problems = verifyProgram(*r.program);
        QString joined;
        for (const auto& p : problems)
            joined += QString::fromStdString(p) + QLatin1Char('\n');
        QVERIFY2(problems.empty(), qPrintable("bytecode fails verification:\n" + joined));
        const std::string listing = disassemble(*r.program);
        QVERIFY(!listing.empty());
    } else {
        QVERIFY(!r.program);
    }
}

void TestLang::enoughCases()
{
    const QDir lang(QStringLiteral(AEROFLOW_TESTS_DIR "/lang"));
    const auto n = lang.entryList({QStringLiteral("*.aefl")}, QDir::Files).size();
    QVERIFY2(n >= 150, qPrintable(QStringLiteral("only %1 golden cases").arg(n)));
}

QTEST_APPLESS_MAIN(TestLang)
#include "tst_lang.moc"
