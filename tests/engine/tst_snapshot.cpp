// .afs snapshots (docs/SNAPSHOT_FORMAT.md).
//
// roundTrip: for every golden run program and every example, cut the run
// after k deliveries for many k, save, restore into a fresh scheduler and run
// on: the output before the cut plus the output after it must equal the
// uninterrupted run's output byte for byte, and every later delivery must be
// the same message with the same state hash. Saving the restored scheduler
// again must give the very same image (nothing is lost or reordered).
//
// version3ImageLoads: an image written by the engine before map keys were
// encoded (version 3, snapshots/v3_string_maps.afs from
// snapshots/v3_string_maps.aefl) still resumes with the same output.
//
// damaged/foreign: truncations, flipped bytes and non-snapshot files give an
// error message, never a crash; with verification off, a flipped byte still
// never crashes the loader or the run that follows.

#include "Compiler.h"
#include "Print.h"
#include "Scheduler.h"
#include "Snapshot.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QtTest>

#include <random>

using namespace aeroflow;

namespace {

struct Program {
    std::shared_ptr<const compiler::Program> program;
    std::string source;
    engine::RunOptions options;
};

/// Everything observable about a run, in order.
struct Log : engine::RunObserver {
    std::string text; ///< output lines of every stream, tagged
    std::vector<std::string> deliveries;
    const compiler::Program* program = nullptr;

    void onDelivered(const engine::DeliveryEvent& e) override
    {
        deliveries.push_back(std::to_string(e.seq) + " t" + std::to_string(e.time) + " " + std::to_string(e.sender) +
                             "->" + std::to_string(e.receiver) + " cause " + std::to_string(e.causeSeq) + " " +
                             engine::toDisplay(*e.payload, program) + " h" + std::to_string(e.stateHash) + " o" +
                             std::to_string(int(e.outcome)));
    }
    engine::OutputFn output()
    {
        return [this](engine::Stream s, std::string_view t) {
            text += char('0' + int(s));
            text.append(t);
        };
    }
};

QString readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

Program load(const QString& path)
{
    Program p;
    const QString source = readAll(path);
    p.source = source.toStdString();
    auto r = compiler::compile(QFileInfo(path).fileName().toStdString(), p.source, {true, false});
    p.program = r.program;
    p.options.fuel = 2'000'000;
    p.options.maxMessages = 20'000;
    p.options.memoryLimit = 64ll << 20;
    static const QRegularExpression optRe(QStringLiteral(R"(^#\s*(seed|fuel|memory|max-messages|depth):\s*(\d+)\s*$)"));
    for (const QString& line : source.split(QLatin1Char('\n')))
        if (auto m = optRe.match(line); m.hasMatch()) {
            const QString k = m.captured(1);
            const qulonglong v = m.captured(2).toULongLong();
            if (k == QLatin1String("seed")) p.options.seed = v;
            else if (k == QLatin1String("fuel")) p.options.fuel = v;
            else if (k == QLatin1String("memory")) p.options.memoryLimit = qint64(v);
            else if (k == QLatin1String("max-messages")) p.options.maxMessages = v;
            else if (k == QLatin1String("depth")) p.options.maxCallDepth = uint32_t(v);
        }
    return p;
}

/// Runs to the end; returns the exit code.
int runToEnd(engine::Scheduler& s)
{
    s.start();
    while (s.step()) {
    }
    return s.finish().exitCode;
}

/// Scheduler stepped `k` times (or to its end), with `log` observing.
std::unique_ptr<engine::Scheduler> runTo(const Program& p, Log& log, uint64_t k)
{
    auto o = p.options;
    o.observer = &log;
    auto s = std::make_unique<engine::Scheduler>(p.program, o, log.output());
    s->start();
    for (uint64_t i = 0; i < k && s->step(); ++i) {
    }
    return s;
}

QStringList programFiles()
{
    QStringList files;
    for (const QString& dir : {QStringLiteral(AEROFLOW_TESTS_DIR "/run"), QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples")}) {
        const QDir d(dir);
        for (const QString& f : d.entryList({QStringLiteral("*.aefl")}, QDir::Files, QDir::Name))
            files << d.filePath(f);
    }
    return files;
}

std::string midImage(const Program& p)
{
    Log log;
    log.program = p.program.get();
    Log probe;
    probe.program = p.program.get();
    auto full = runTo(p, probe, UINT64_MAX);
    const uint64_t n = full->delivered();
    auto s = runTo(p, log, n / 2);
    return engine::saveSnapshot(*s, {true, p.source});
}

} // namespace

class TestSnapshot : public QObject {
    Q_OBJECT
private slots:
    void roundTrip_data();
    void roundTrip();
    void embeddedSourceResumesAlone();
    void supervisionInImage_data();
    void supervisionInImage();
    void damaged_data();
    void damaged();
    void foreign();
    void infoReadsHeader();
    void fuzzCorpusNeverCrashes();
    void version3ImageLoads();
    void keyedMapsAndSetsRoundTrip();
};

void TestSnapshot::roundTrip_data()
{
    QTest::addColumn<QString>("path");
    for (const QString& f : programFiles())
        QTest::newRow(qPrintable(QFileInfo(f).fileName())) << f;
}

void TestSnapshot::roundTrip()
{
    QFETCH(QString, path);
    const Program p = load(path);
    QVERIFY2(p.program, qPrintable(path));

    Log reference;
    reference.program = p.program.get();
    int refExit = 0;
    {
        auto s = runTo(p, reference, 0);
        while (s->step()) {
        }
        refExit = s->finish().exitCode;
    }
    const uint64_t n = reference.deliveries.size();

    // Cut points: the first few, the last few, and up to 12 spread between.
    std::vector<uint64_t> cuts = {0, 1, 2, 3};
    for (uint64_t i = 1; i <= 12; ++i)
        cuts.push_back(n * i / 13);
    if (n > 0)
        cuts.push_back(n - 1);
    cuts.push_back(n);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    for (uint64_t k : cuts) {
        if (k > n)
            continue;
        Log before;
        before.program = p.program.get();
        auto s = runTo(p, before, k);
        const std::string image = engine::saveSnapshot(*s, {false, {}});
        QCOMPARE(engine::saveSnapshot(*s, {false, {}}), image); // saving is a pure function of the state

        Log after;
        after.program = p.program.get();
        auto o = p.options;
        o.observer = &after;
        auto restored = engine::restoreSnapshot(image, p.program, o, after.output());
        QVERIFY2(restored, restored ? "" : restored.error().c_str());
        QCOMPARE((*restored)->delivered(), s->delivered());
        // Nothing lost: the restored state saves to the same image.
        {
            const std::string again = engine::saveSnapshot(**restored, {false, {}});
            size_t d = 0;
            while (d < again.size() && d < image.size() && again[d] == image[d])
                ++d;
            QVERIFY2(again == image, qPrintable(QStringLiteral("cut %1: re-saved image differs at byte %2 of %3")
                                                    .arg(k).arg(d).arg(image.size())));
        }

        auto& r = **restored;
        while (r.step()) {
        }
        const int exitCode = r.finish().exitCode;
        QCOMPARE(exitCode, refExit);
        const std::string joined = before.text + after.text;
        if (joined != reference.text)
            QFAIL(qPrintable(QStringLiteral("cut after %1 of %2 deliveries: output differs\n--- uninterrupted\n%3\n--- resumed\n%4")
                                 .arg(k).arg(n).arg(QString::fromStdString(reference.text.substr(0, 2000)),
                                                   QString::fromStdString(joined.substr(0, 2000)))));
        std::vector<std::string> all = before.deliveries;
        all.insert(all.end(), after.deliveries.begin(), after.deliveries.end());
        QCOMPARE(all.size(), reference.deliveries.size());
        for (size_t i = 0; i < all.size(); ++i)
            if (all[i] != reference.deliveries[i])
                QFAIL(qPrintable(QStringLiteral("cut %1: delivery %2 differs:\n%3\n%4")
                                     .arg(k).arg(i + 1).arg(QString::fromStdString(reference.deliveries[i]),
                                                           QString::fromStdString(all[i]))));
    }
}

void TestSnapshot::embeddedSourceResumesAlone()
{
    const Program p = load(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/bank.aefl"));
    QVERIFY(p.program);
    const std::string image = midImage(p);
    // No program given: it is compiled from the image's own source.
    std::string out;
    auto restored = engine::restoreSnapshot(image, nullptr, p.options,
                                            [&](engine::Stream, std::string_view t) { out.append(t); });
    QVERIFY2(restored, restored ? "" : restored.error().c_str());
    QCOMPARE(runToEnd(**restored), 0);

    // Without the source, it must say what is missing.
    Log log;
    auto s = runTo(p, log, 1);
    const std::string bare = engine::saveSnapshot(*s, {false, {}});
    auto refused = engine::restoreSnapshot(bare, nullptr, p.options, {});
    QVERIFY(!refused);
    QVERIFY2(refused.error().find("source") != std::string::npos, refused.error().c_str());
}

void TestSnapshot::supervisionInImage_data()
{
    QTest::addColumn<QString>("path");
    for (const char* name : {"sup_max_restarts.aefl", "sup_one_for_all.aefl", "ask_timeout.aefl", "ask_failures.aefl"})
        QTest::newRow(name) << QStringLiteral(AEROFLOW_TESTS_DIR "/run/") + QLatin1String(name);
}

// Every cut of a run with supervision state writes it (version 5, seven
// sections) and resumes to the uninterrupted run's output (roundTrip covers
// every run case; this makes sure those cuts did carry the new section).
void TestSnapshot::supervisionInImage()
{
    QFETCH(QString, path);
    const Program p = load(path);
    QVERIFY(p.program);
    Log reference;
    reference.program = p.program.get();
    {
        auto s = runTo(p, reference, UINT64_MAX);
        s->finish();
    }
    const uint64_t n = reference.deliveries.size();
    int withSection = 0;
    for (uint64_t k = 0; k <= n; ++k) {
        Log before;
        before.program = p.program.get();
        auto s = runTo(p, before, k);
        const std::string image = engine::saveSnapshot(*s, {false, {}});
        auto info = engine::readSnapshotInfo(image);
        QVERIFY(info);
        if (info->version == 5)
            ++withSection;
        Log after;
        after.program = p.program.get();
        auto o = p.options;
        o.observer = &after;
        auto restored = engine::restoreSnapshot(image, p.program, o, after.output());
        QVERIFY2(restored, restored ? "" : restored.error().c_str());
        runToEnd(**restored);
        QCOMPARE(QString::fromStdString(before.text + after.text), QString::fromStdString(reference.text));
    }
    QVERIFY2(withSection > 0, "no cut had supervision state");
}

void TestSnapshot::damaged_data()
{
    QTest::addColumn<QString>("path");
    for (const char* name : {"bank.aefl", "order_book.aefl", "game_room.aefl", "tensor_classifier.aefl", "login_screen.aefl"})
        QTest::newRow(name) << QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/") + QLatin1String(name);
    // Monitors, supervisors and pending asks (the supervision section).
    for (const char* name : {"sup_max_restarts.aefl", "ask_failures.aefl"})
        QTest::newRow(name) << QStringLiteral(AEROFLOW_TESTS_DIR "/run/") + QLatin1String(name);
}

void TestSnapshot::damaged()
{
    QFETCH(QString, path);
    const Program p = load(path);
    QVERIFY(p.program);
    const std::string image = midImage(p);
    auto quiet = [](engine::Stream, std::string_view) {};

    // Every truncation is refused.
    for (size_t len = 0; len < image.size(); len += 1 + len / 7) {
        auto r = engine::restoreSnapshot(std::string_view(image).substr(0, len), p.program, p.options, quiet);
        QVERIFY2(!r, qPrintable(QStringLiteral("truncated to %1 bytes was accepted").arg(len)));
    }

    // The bytes that carry data (header and sections, not the page padding).
    auto info = engine::readSnapshotInfo(image);
    QVERIFY(info);
    std::mt19937_64 rng(42);
    int refused = 0, trials = 0;
    for (int i = 0; i < 400; ++i) {
        std::string bad = image;
        const size_t at = rng() % bad.size();
        if (bad[at] == 0 && at > 4096 && (at % 4096) > 2048)
            continue; // most likely padding; flipping it changes nothing
        bad[at] = char(bad[at] ^ char(1 + rng() % 255));
        ++trials;
        auto r = engine::restoreSnapshot(bad, p.program, p.options, quiet, true);
        if (!r) {
            ++refused;
            QVERIFY(!r.error().empty());
        } else {
            // A flip that verification cannot see must not change the run.
            Log a, b;
            a.program = b.program = p.program.get();
            auto good = engine::restoreSnapshot(image, p.program, p.options, a.output());
            QVERIFY(good);
            runToEnd(**good);
            auto o = p.options;
            auto again = engine::restoreSnapshot(bad, p.program, o, b.output());
            runToEnd(**again);
            QCOMPARE(b.text, a.text);
        }
        // Without verification: never a crash, whatever happens.
        auto unverified = engine::restoreSnapshot(bad, p.program, p.options, quiet, false);
        if (unverified) {
            auto o = p.options;
            (void)o;
            runToEnd(**unverified);
        }
    }
    QVERIFY2(refused * 10 >= trials * 9, qPrintable(QStringLiteral("only %1 of %2 flips refused").arg(refused).arg(trials)));
}

void TestSnapshot::foreign()
{
    const Program bank = load(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/bank.aefl"));
    const Program counter = load(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/counter.aefl"));
    QVERIFY(bank.program && counter.program);
    const std::string image = midImage(bank);
    auto quiet = [](engine::Stream, std::string_view) {};

    auto wrongProgram = engine::restoreSnapshot(image, counter.program, counter.options, quiet);
    QVERIFY(!wrongProgram);
    QVERIFY2(wrongProgram.error().find("different program") != std::string::npos, wrongProgram.error().c_str());

    for (const std::string& junk : {std::string(), std::string("hello world\n"), std::string(5000, '\0'),
                                    std::string("SQLite format 3") + std::string(4096, 'x')}) {
        auto r = engine::restoreSnapshot(junk, bank.program, bank.options, quiet);
        QVERIFY(!r);
        QVERIFY2(r.error().find("not a valid AeroFlow snapshot") != std::string::npos, r.error().c_str());
    }

    // A future version is named as such.
    std::string future = image;
    future[8] = char(99);
    auto v = engine::restoreSnapshot(future, bank.program, bank.options, quiet);
    QVERIFY(!v);
    QVERIFY2(v.error().find("version 99") != std::string::npos, v.error().c_str());
}

void TestSnapshot::infoReadsHeader()
{
    const Program p = load(QStringLiteral(AEROFLOW_SOURCE_DIR "/resources/examples/ping_pong.aefl"));
    QVERIFY(p.program);
    Log log;
    auto s = runTo(p, log, 3);
    const std::string image = engine::saveSnapshot(*s, {true, p.source});
    auto info = engine::readSnapshotInfo(image);
    QVERIFY2(info, info ? "" : info.error().c_str());
    QCOMPARE(info->delivered, uint64_t(3));
    QCOMPARE(info->time, s->now());
    QCOMPARE(info->programHash, p.program->programHash);
    QCOMPARE(info->actors, uint32_t(s->actorCount()));
    QCOMPARE(info->sourceText, p.source);
    QCOMPARE(image.size() % 4096, size_t(0)); // sections are page aligned
}

// The fuzzer's seeds and every crash regression it found (tests/fuzz/afs-corpus):
// each is refused with a message or restores and runs, never crashes.
void TestSnapshot::fuzzCorpusNeverCrashes()
{
    const QDir dir(QStringLiteral(AEROFLOW_TESTS_DIR "/fuzz/afs-corpus"));
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 8);
    int accepted = 0;
    for (const QString& f : files) {
        QFile file(dir.filePath(f));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        engine::RunOptions o;
        o.fuel = 100'000;
        o.maxMessages = 1'000;
        auto r = engine::restoreSnapshot(std::string_view(bytes.constData(), size_t(bytes.size())), nullptr, o,
                                         [](engine::Stream, std::string_view) {});
        if (!r) {
            QVERIFY(!r.error().empty());
            continue;
        }
        ++accepted;
        QVERIFY(runToEnd(**r) >= 0);
    }
    QVERIFY(accepted > 0); // the seeds themselves are valid images
}

void TestSnapshot::version3ImageLoads()
{
    const QString dir = QStringLiteral(AEROFLOW_TESTS_DIR "/engine/snapshots/");
    QFile f(dir + QStringLiteral("v3_string_maps.afs"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    const std::string image(bytes.constData(), size_t(bytes.size()));
    auto info = engine::readSnapshotInfo(image);
    QVERIFY2(info, info ? "" : info.error().c_str());
    QCOMPARE(info->version, uint32_t(3));
    std::string out;
    engine::RunOptions options;
    auto restored = engine::restoreSnapshot(image, nullptr, options,
                                            [&](engine::Stream, std::string_view t) { out.append(t); });
    QVERIFY2(restored, restored ? "" : restored.error().c_str());
    QCOMPARE(runToEnd(**restored), 0);
    QCOMPARE(out, std::string("{alpha: 1, \"with space\": 2, k: {nested: [1, 2]}} [\"alpha\", \"with space\", \"k\"]\n"));
}

void TestSnapshot::keyedMapsAndSetsRoundTrip()
{
    // Int, bool and string keys and a set, in the state of an actor and in a
    // queued message: saved, restored and saved again give the same image,
    // and the continued run prints what the uninterrupted one does.
    const std::string source = "actor A {\n"
                               "    state m = {1: \"one\", true: \"yes\", \"1\": \"text\"}\n"
                               "    state s = set([3, 1, 2])\n"
                               "    on Put(k, v) { m[k] = v; s.add(k) }\n"
                               "    on Show { print(m, s, s.has(-7)) }\n"
                               "}\n"
                               "let a = spawn A\n"
                               "send(a, Put(-7, set([\"x\"])))\n"
                               "after(3, a, Show)\n";
    auto r = compiler::compile("keyed.aefl", source, {true, false});
    QVERIFY(r.program);
    engine::RunOptions options;
    std::string whole;
    {
        engine::Scheduler s(r.program, options, [&](engine::Stream, std::string_view t) { whole.append(t); });
        QCOMPARE(runToEnd(s), 0);
    }
    QCOMPARE(whole, std::string("{1: \"one\", true: \"yes\", \"1\": \"text\", -7: {\"x\"}} {3, 1, 2, -7} true\n"));
    std::string before;
    engine::Scheduler s(r.program, options, [&](engine::Stream, std::string_view t) { before.append(t); });
    s.start();
    QVERIFY(s.step()); // the spawn's init; Put and Show still queued
    const std::string image = engine::saveSnapshot(s, {true, source});
    std::string after;
    auto restored = engine::restoreSnapshot(image, nullptr, options,
                                            [&](engine::Stream, std::string_view t) { after.append(t); });
    QVERIFY2(restored, restored ? "" : restored.error().c_str());
    QCOMPARE(engine::saveSnapshot(**restored, {true, source}), image);
    QCOMPARE(runToEnd(**restored), 0);
    QCOMPARE(before + after, whole);
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
