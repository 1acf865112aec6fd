// Replays the fuzzing corpus (tests/fuzz/corpus), the golden language cases
// (tests/lang) and the examples (resources/examples) through the same entry
// point as the fuzzer (FrontendProbe.h), so every input the fuzzer ever
// found interesting, and every regression input of a fixed crash, runs in
// ctest on ordinary g++ builds too.

#include "Compiler.h"
#include "FrontendProbe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <QtTest>

namespace {

/// An input that takes longer than this to compile is a hang (a bug). Sanitizer
/// builds run several times slower; AEROFLOW_FUZZ_TIME_LIMIT_MS overrides it.
qint64 timeLimitMs()
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue("AEROFLOW_FUZZ_TIME_LIMIT_MS", &ok);
    return ok && v > 0 ? v : 1000;
}

const QString kCorpusDir = QStringLiteral(AEROFLOW_TESTS_DIR "/fuzz/corpus");

} // namespace

class TestFuzzCorpus : public QObject {
    Q_OBJECT
private slots:
    void replay_data();
    void replay();
    void deepestTreeOnASmallStack();
    void corpusIsSmall();
};

void TestFuzzCorpus::replay_data()
{
    QTest::addColumn<QString>("path");
    const QDir corpus(kCorpusDir);
    for (const QString& f : corpus.entryList(QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(QStringLiteral("corpus/") + f)) << corpus.filePath(f);
    const QDir lang(QStringLiteral(AEROFLOW_TESTS_DIR "/lang"));
    for (const QString& f : lang.entryList({QStringLiteral("*.aefl"), QStringLiteral("*.af")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(QStringLiteral("lang/") + f)) << lang.filePath(f);
    const QDir examples(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples"));
    for (const QString& f : examples.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(QStringLiteral("examples/") + f)) << examples.filePath(f);
}

void TestFuzzCorpus::replay()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
    const QByteArray bytes = file.readAll();
    const std::string_view input(bytes.constData(), size_t(bytes.size()));

    const std::string problem = aeroflow::fuzz::probeFrontend(input);
    QVERIFY2(problem.empty(), problem.c_str());

    QElapsedTimer timer;
    timer.start();
    const auto result = aeroflow::compiler::compile("replay.aefl", std::string(input));
    const qint64 ms = timer.elapsed();
    QVERIFY2(ms <= timeLimitMs(),
        qPrintable(QStringLiteral("compile() took %1 ms (limit %2 ms): a hang").arg(ms).arg(timeLimitMs())));
    Q_UNUSED(result);
}

// The deepest tree the parser accepts (a postfix chain just under its limit)
// compiled from a thread with a 256 KiB stack, as a caller's worker thread
// may have: compile() checks on a stack of its own. Regression: the corpus
// input `m.a[0]().a[0]()...` (1,350 operators) overflowed 8 MiB under ASan.
void TestFuzzCorpus::deepestTreeOnASmallStack()
{
    std::string source = "fn f() { return f }\nlet m = {a: [f]}\nlet x = m";
    for (int i = 0; i < 520; ++i)
        source += ".a[0]()"; // 1,560 chained operators
    source += "\n";
    aeroflow::compiler::CompileResult result;
    QThread* thread = QThread::create([&] { result = aeroflow::compiler::compile("deep.aefl", source); });
    thread->setStackSize(256 * 1024);
    thread->start();
    QVERIFY(thread->wait());
    delete thread;
    QVERIFY2(result.errorCount == 0, result.formatDiagnostics(false).c_str());
    QVERIFY(result.program);
}

// The corpus is checked in: keep it minimised (libFuzzer -merge=1).
void TestFuzzCorpus::corpusIsSmall()
{
    const QDir corpus(kCorpusDir);
    const QFileInfoList files = corpus.entryInfoList(QDir::Files);
    qint64 bytes = 0;
    for (const QFileInfo& f : files)
        bytes += f.size();
    QVERIFY2(files.size() > 0, "the corpus is empty");
    QVERIFY2(files.size() < 300, qPrintable(QStringLiteral("%1 corpus files (limit 300)").arg(files.size())));
    QVERIFY2(bytes < 2 * 1024 * 1024, qPrintable(QStringLiteral("%1 corpus bytes (limit 2 MB)").arg(bytes)));
}

QTEST_APPLESS_MAIN(TestFuzzCorpus)
#include "tst_fuzz_corpus.moc"
