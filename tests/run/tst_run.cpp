// Golden run tests. Each tests/run/*.aefl file is one case:
//
//   print(1 + 2)          # expect: 3
//   # expect runtime error: division by zero
//   # seed: 7             (also: fuel, memory, max-messages, depth)
//
// The `# expect:` lines are the program's exact stdout lines, in order (a
// comment may sit on any line). Each `expect runtime error` text must appear
// in some runtime error; a case with none must run without runtime errors.
// The examples in resources/examples must run, print what their header says,
// and print the same on every run.

#include "Compiler.h"
#include "Scheduler.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

using namespace aeroflow;

namespace {

struct Outcome {
    bool compiled = false;
    QString diagnostics;
    QStringList lines;     ///< stdout lines
    QString errors;        ///< stderr text (runtime errors and warnings)
    int exitCode = 0;
    engine::RunStats stats;
};

Outcome runSource(const QString& name, const QByteArray& text, engine::RunOptions options)
{
    Outcome o;
    auto r = compiler::compile(name.toStdString(), text.toStdString(), {true, false});
    o.diagnostics = QString::fromStdString(r.formatDiagnostics(false));
    if (!r.ok() || !r.program)
        return o;
    o.compiled = true;
    std::string out, err;
    o.stats = engine::runProgram(r.program, std::move(options), [&](engine::Stream s, std::string_view t) {
        (s == engine::Stream::Output ? out : err).append(t);
    });
    o.exitCode = o.stats.exitCode;
    o.lines = QString::fromStdString(out).split(QLatin1Char('\n'));
    if (!o.lines.isEmpty() && o.lines.last().isEmpty())
        o.lines.removeLast();
    o.errors = QString::fromStdString(err);
    return o;
}

QString readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

/// The lines under "# What it prints:" in an example's header.
QStringList headerPrints(const QString& source)
{
    QStringList out;
    const QStringList lines = source.split(QLatin1Char('\n'));
    bool in = false;
    for (const QString& l : lines) {
        if (l.startsWith(QLatin1String("# What it prints:"))) {
            in = true;
            continue;
        }
        if (!in)
            continue;
        if (!l.startsWith(QLatin1String("#   ")))
            break;
        out << l.mid(4);
    }
    return out;
}

} // namespace

class TestRun : public QObject {
    Q_OBJECT
private slots:
    void golden_data();
    void golden();
    void enoughCases();
    void examples_data();
    void examples();
    void examplesAreDeterministic();
    void seedsChangeRandomStreams();
    void languageCorpusNeverCrashesTheEngine();
};

void TestRun::golden_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/run"));
    for (const QString& f : dir.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestRun::golden()
{
    QFETCH(QString, path);
    const QString source = readAll(path);
    QVERIFY2(!source.isEmpty(), qPrintable(path));
    static const QRegularExpression expectRe(QStringLiteral(R"(#\s*expect:\s?(.*?)\s*$)"));
    static const QRegularExpression errorRe(QStringLiteral(R"(#\s*expect runtime error:\s*(.*?)\s*$)"));
    static const QRegularExpression optRe(QStringLiteral(R"(^#\s*(seed|fuel|memory|max-messages|depth):\s*(\d+)\s*$)"));
    QStringList expected, expectedErrors;
    engine::RunOptions options;
    options.fuel = 5'000'000;
    options.maxMessages = 100'000;
    options.memoryLimit = 64ll << 20;
    for (const QString& line : source.split(QLatin1Char('\n'))) {
        if (auto m = errorRe.match(line); m.hasMatch())
            expectedErrors << m.captured(1);
        else if (auto m2 = expectRe.match(line); m2.hasMatch())
            expected << m2.captured(1);
        if (auto m3 = optRe.match(line); m3.hasMatch()) {
            const QString k = m3.captured(1);
            const qulonglong v = m3.captured(2).toULongLong();
            if (k == QLatin1String("seed")) options.seed = v;
            else if (k == QLatin1String("fuel")) options.fuel = v;
            else if (k == QLatin1String("memory")) options.memoryLimit = qint64(v);
            else if (k == QLatin1String("max-messages")) options.maxMessages = v;
            else if (k == QLatin1String("depth")) options.maxCallDepth = uint32_t(v);
        }
    }
    QVERIFY2(!expected.isEmpty() || !expectedErrors.isEmpty(), "a case must expect something");
    const Outcome o = runSource(QFileInfo(path).fileName(), source.toUtf8(), options);
    QVERIFY2(o.compiled, qPrintable(o.diagnostics));
    const QString got = o.lines.join(QLatin1Char('\n'));
    QVERIFY2(o.lines == expected, qPrintable(QStringLiteral("output differs.\n--- expected\n%1\n--- got\n%2\n--- stderr\n%3")
                                                 .arg(expected.join(QLatin1Char('\n')), got, o.errors)));
    for (const QString& e : expectedErrors)
        QVERIFY2(o.errors.contains(QLatin1String("runtime error: ")) && o.errors.contains(e),
                 qPrintable(QStringLiteral("missing runtime error '%1'; stderr:\n%2").arg(e, o.errors)));
    if (expectedErrors.isEmpty())
        QVERIFY2(!o.errors.contains(QLatin1String("runtime error")), qPrintable(o.errors));
}

void TestRun::enoughCases()
{
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/run"));
    QVERIFY(dir.entryList({QStringLiteral("*.aefl")}, QDir::Files).size() >= 120);
}

void TestRun::examples_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"));
    for (const QString& f : dir.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(f)) << dir.filePath(f);
}

void TestRun::examples()
{
    QFETCH(QString, path);
    const QString source = readAll(path);
    const Outcome o = runSource(QFileInfo(path).fileName(), source.toUtf8(), {});
    QVERIFY2(o.compiled, qPrintable(o.diagnostics));
    QCOMPARE(o.exitCode, 0);
    QVERIFY2(!o.errors.contains(QLatin1String("runtime error")), qPrintable(o.errors));
    const QStringList header = headerPrints(source);
    if (header.isEmpty())
        return; // login_screen (prints nothing per its header), game_room (seed-dependent)
    QVERIFY2(o.lines.size() >= header.size(), qPrintable(o.lines.join(QLatin1Char('\n'))));
    for (int i = 0; i < header.size(); ++i)
        QCOMPARE(o.lines[i], header[i]);
}

void TestRun::examplesAreDeterministic()
{
    const QDir dir(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"));
    for (const QString& f : dir.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name)) {
        const QByteArray text = readAll(dir.filePath(f)).toUtf8();
        engine::RunOptions opt;
        opt.seed = 42;
        const Outcome first = runSource(f, text, opt);
        for (int i = 0; i < 19; ++i) {
            const Outcome again = runSource(f, text, opt);
            QVERIFY2(again.lines == first.lines && again.errors == first.errors, qPrintable(f));
        }
    }
}

void TestRun::seedsChangeRandomStreams()
{
    const QByteArray text = readAll(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/game_room.aefl")).toUtf8();
    engine::RunOptions a, b;
    a.seed = 1;
    b.seed = 2;
    QVERIFY(runSource(QStringLiteral("game_room.aefl"), text, a).lines != runSource(QStringLiteral("game_room.aefl"), text, b).lines);
    const QByteArray r = "print(random(), random_int(1, 1000000))\n";
    QVERIFY(runSource(QStringLiteral("r.aefl"), r, a).lines != runSource(QStringLiteral("r.aefl"), r, b).lines);
    QCOMPARE(runSource(QStringLiteral("r.aefl"), r, a).lines, runSource(QStringLiteral("r.aefl"), r, a).lines);
}

void TestRun::languageCorpusNeverCrashesTheEngine()
{
    // Every front-end golden case that compiles must run to an end (runtime
    // errors allowed) under tight limits: no hang, no crash of the process.
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/lang"));
    int ran = 0;
    for (const QString& f : dir.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name)) {
        engine::RunOptions opt;
        opt.fuel = 200'000;
        opt.maxMessages = 2'000;
        opt.memoryLimit = 16ll << 20;
        const Outcome o = runSource(f, readAll(dir.filePath(f)).toUtf8(), opt);
        ran += o.compiled;
    }
    QVERIFY(ran > 50);
}

QTEST_GUILESS_MAIN(TestRun)
#include "tst_run.moc"
