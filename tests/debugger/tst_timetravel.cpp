// Time travel: seek reproduces exactly the state the engine had at every
// position of the original run (checked against every actor's state hash,
// captured live), and the debugger questions built on it.

#include "TraceTestSupport.h"

#include "Sqlite.h"
#include "TimeTravel.h"

#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace aeroflow;
using namespace aeroflow::debugger;

namespace {

const char* kBank = R"(
actor Account {
    state balance = 100
    state owner = "nobody"
    on Open(name) { owner = name }
    on Deposit(n) {
        balance += n
    }
    on Withdraw(n) {
        if n <= balance { balance -= n } else { print("refused", owner, n) }
    }
    on Ping { }
}
let a = spawn(Account)
send(a, Open("ada"))
for i in range(20) {
    after(i + 1, a, Deposit(i))
    after(i + 2, a, Withdraw(i * 3))
    after(i + 2, a, Ping)
}
)";

/// The line of `needle` in `text` (1-based).
uint32_t lineOf(const std::string& text, const std::string& needle)
{
    const size_t at = text.find(needle);
    return uint32_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(at), '\n') + 1);
}

} // namespace

class TestTimeTravel : public QObject {
    Q_OBJECT
private slots:
    void seekMatchesTheOriginalRunAtEveryPosition_data();
    void seekMatchesTheOriginalRunAtEveryPosition();
    void stepAndSeekByTick();
    void stateDiffAndLastChange();
    void breakpointsContinueAndReverse();
    void damagedCheckpointsFallBackToEarlierOnes();

private:
    std::unique_ptr<TimeTravel> open(const std::string& name, const std::string& src, tracetest::Recording& rec,
                                     uint64_t seed = 0, uint64_t checkpointEvery = 8);
    QTemporaryDir m_dir;
};

std::unique_ptr<TimeTravel> TestTimeTravel::open(const std::string& name, const std::string& src,
                                                 tracetest::Recording& rec, uint64_t seed, uint64_t checkpointEvery)
{
    const std::string trace = m_dir.filePath(QString::fromStdString(name) + ".aftrace").toStdString();
    tracetest::RecordOptions o;
    o.seed = seed;
    o.captureHashes = true;
    o.recorder.minCheckpointInterval = checkpointEvery;
    o.recorder.maxCheckpointInterval = checkpointEvery;
    rec = tracetest::record(name, src, trace, o);
    if (!rec.ok) {
        qWarning("%s", rec.error.c_str());
        return nullptr;
    }
    auto tt = TimeTravel::open(trace);
    if (!tt) {
        qWarning("%s", tt.error().c_str());
        return nullptr;
    }
    return std::move(*tt);
}

void TestTimeTravel::seekMatchesTheOriginalRunAtEveryPosition_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<quint64>("checkpointEvery");
    QTest::newRow("bank") << QString::fromLatin1(kBank) << quint64(0) << quint64(8);
    QTest::newRow("generated 1") << QString::fromStdString(tracetest::generateProgram(1)) << quint64(3) << quint64(5);
    QTest::newRow("generated 7") << QString::fromStdString(tracetest::generateProgram(7)) << quint64(9) << quint64(16);
    QTest::newRow("generated 8, no checkpoints") << QString::fromStdString(tracetest::generateProgram(8))
                                                 << quint64(1) << quint64(1'000'000);
}

void TestTimeTravel::seekMatchesTheOriginalRunAtEveryPosition()
{
    QFETCH(QString, source);
    QFETCH(quint64, seed);
    QFETCH(quint64, checkpointEvery);
    tracetest::Recording rec;
    auto tt = open("seek", source.toStdString(), rec, seed, checkpointEvery);
    QVERIFY(tt);
    const uint64_t n = tt->end();
    QCOMPARE(uint64_t(rec.hashes.size()), n + 1);
    auto check = [&](uint64_t t) {
        auto r = tt->seek(t);
        QVERIFY2(r, r ? "" : r.error().c_str());
        QCOMPARE(tt->position(), t);
        const auto now = tracetest::allHashes(tt->scheduler());
        QCOMPARE(now, rec.hashes[t]);
    };
    for (uint64_t t = 0; t <= n; ++t) // forward, every position
        check(t);
    for (uint64_t t = n + 1; t-- > 0;) // backward, every position
        check(t);
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 200; ++k) // random jumps
        check(rng() % (n + 1));
}

void TestTimeTravel::stepAndSeekByTick()
{
    tracetest::Recording rec;
    auto tt = open("bank", kBank, rec);
    QVERIFY(tt);
    QVERIFY(tt->seek(10));
    QVERIFY(tt->stepForward());
    QCOMPARE(tt->position(), uint64_t(11));
    QVERIFY(tt->stepBack());
    QVERIFY(tt->stepBack());
    QCOMPARE(tt->position(), uint64_t(9));
    QVERIFY(tt->seek(0));
    QVERIFY(!tt->stepBack());
    QVERIFY(tt->seek(UINT64_MAX));
    QCOMPARE(tt->position(), tt->end());
    QVERIFY(!tt->stepForward());
    // seekTick(T): after the last message with tick <= T.
    QVERIFY(tt->seekTick(5));
    auto last = tt->trace().message(tt->position());
    QVERIFY(last && *last);
    QVERIFY((*last)->tick <= 5);
    auto next = tt->trace().message(tt->position() + 1);
    QVERIFY(next && *next);
    QVERIFY((*next)->tick > 5);
}

void TestTimeTravel::stateDiffAndLastChange()
{
    tracetest::Recording rec;
    auto tt = open("bank", kBank, rec);
    QVERIFY(tt);
    auto s0 = tt->stateAt(1, 0);
    QVERIFY(s0);
    QVERIFY(s0->exists && s0->alive);
    QCOMPARE(s0->fields.size(), size_t(2));
    QCOMPARE(s0->fields[0], (std::pair<std::string, std::string>("balance", "100")));
    QCOMPARE(s0->fields[1].second, std::string("\"nobody\""));
    auto s1 = tt->stateAt(1, 1);
    QCOMPARE(s1->fields[1].second, std::string("\"ada\""));
    auto d = tt->diff(1, 0, 1);
    QVERIFY(d);
    QCOMPARE(d->size(), size_t(1));
    QCOMPARE((*d)[0].field, std::string("owner"));
    QCOMPARE((*d)[0].after, std::string("\"ada\""));
    // Main's globals are its state.
    auto m = tt->stateAt(0, 0);
    QVERIFY(m && !m->fields.empty());
    QCOMPARE(m->fields[0].first, std::string("a"));

    // The last message before the end that changed the account: the last
    // Deposit/Withdraw that moved the balance (Ping changes nothing).
    const uint64_t end = tt->end();
    auto change = tt->lastChange(1, end);
    QVERIFY(change && *change);
    auto msg = tt->trace().message(**change);
    QVERIFY(msg && *msg);
    const std::string name = tt->program().messages[size_t(*(*msg)->handler)].name;
    QVERIFY2(name == "Deposit" || name == "Withdraw", name.c_str());
    auto before = tt->stateAt(1, **change - 1);
    auto after = tt->stateAt(1, **change);
    QVERIFY(before->hash != after->hash);
    auto atEnd = tt->stateAt(1, end);
    QCOMPARE(atEnd->hash, after->hash);
    // One field: owner last changed at the Open message (seq 1).
    auto owner = tt->lastChange(1, end, "owner");
    QVERIFY2(owner, owner ? "" : owner.error().c_str());
    QCOMPARE(owner->value_or(0), uint64_t(1));
    auto balance = tt->lastChange(1, end, "balance");
    QVERIFY(balance && *balance);
    QCOMPARE(**balance, **change);
    QVERIFY(!tt->lastChange(1, end, "nosuchfield"));

    auto chain = tt->causalChain(end);
    QVERIFY(chain);
    QCOMPARE(chain->size(), size_t(1)); // timers set by top-level code
    auto outputs = tt->outputsUpTo(end);
    QVERIFY(outputs);
    std::string all;
    for (const auto& o : *outputs)
        all += o.text;
    QCOMPARE(all, rec.output);
}

void TestTimeTravel::breakpointsContinueAndReverse()
{
    tracetest::Recording rec;
    auto tt = open("bank", kBank, rec);
    QVERIFY(tt);
    const uint32_t depositLine = lineOf(kBank, "balance += n");
    auto bp = tt->breakpoint("bank", depositLine);
    QVERIFY2(bp, bp ? "" : bp.error().c_str());
    QCOMPARE(bp->handlers.size(), size_t(1));
    QVERIFY(!tt->breakpoint("other.aefl", depositLine));
    QVERIFY(!tt->breakpoint("bank", lineOf(kBank, "let a = spawn")).value().handlers.size() == 0 ||
            tt->breakpoint("bank", lineOf(kBank, "let a = spawn"))->mainProgram);

    QVERIFY(tt->seek(0));
    std::vector<uint64_t> forward;
    for (;;) {
        auto hit = tt->continueTo(*bp);
        QVERIFY2(hit, hit ? "" : hit.error().c_str());
        if (!*hit)
            break;
        QCOMPARE(tt->position(), (*hit)->seq - 1);
        forward.push_back((*hit)->seq);
    }
    QCOMPARE(forward.size(), size_t(20)); // one Deposit per i
    std::vector<uint64_t> backward;
    QVERIFY(tt->seek(tt->end()));
    for (;;) {
        auto hit = tt->reverseContinue(*bp);
        QVERIFY(hit);
        if (!*hit)
            break;
        backward.push_back((*hit)->seq);
    }
    std::reverse(backward.begin(), backward.end());
    QCOMPARE(backward, forward);

    // With a condition on the actor's state before the handler runs.
    auto cond = tt->breakpoint("bank", depositLine, "balance < 50");
    QVERIFY(cond);
    QVERIFY(tt->seek(0));
    auto hit = tt->continueTo(*cond);
    QVERIFY(hit && *hit);
    const ActorState s = tt->state(1);
    QVERIFY(std::stoll(s.fields[0].second) < 50);
    auto prev = tt->stateAt(1, 0);
    QVERIFY(tt->seek((*hit)->seq - 1));
    auto reverse = tt->reverseContinue(*cond); // nothing earlier satisfies it
    QVERIFY(reverse);
    QVERIFY(!*reverse);
    QCOMPARE(tt->position(), (*hit)->seq - 1);
    QVERIFY(!BreakCondition::parse("balance"));

    // Every conditional hit, forward, equals the same walked backwards
    // (the backward search goes window by window between checkpoints).
    QVERIFY(tt->seek(0));
    std::vector<uint64_t> condForward, condBackward;
    for (;;) {
        auto h = tt->continueTo(*cond);
        QVERIFY(h);
        if (!*h)
            break;
        condForward.push_back((*h)->seq);
    }
    QVERIFY(condForward.size() > 1);
    QVERIFY(tt->seek(tt->end()));
    for (;;) {
        auto h = tt->reverseContinue(*cond);
        QVERIFY(h);
        if (!*h)
            break;
        condBackward.push_back((*h)->seq);
    }
    std::reverse(condBackward.begin(), condBackward.end());
    QCOMPARE(condBackward, condForward);
}

void TestTimeTravel::damagedCheckpointsFallBackToEarlierOnes()
{
    tracetest::Recording rec;
    QVERIFY(open("damaged", kBank, rec, 0, 8));
    const std::string trace = m_dir.filePath(QStringLiteral("damaged.aftrace")).toStdString();
    std::vector<uint64_t> seqs;
    {
        Database db;
        QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
        Statement st = db.prepare("SELECT seq FROM checkpoints ORDER BY seq");
        while (st.step())
            seqs.push_back(uint64_t(st.columnInt(0)));
        QVERIFY(seqs.size() >= 4);
        // The last one cut in half, the one before it not an image at all.
        const std::string last = std::to_string(seqs.back()), before = std::to_string(seqs[seqs.size() - 2]);
        QVERIFY(db.exec("UPDATE checkpoints SET snapshot = substr(snapshot, 1, length(snapshot) / 2) WHERE seq = " + last));
        QVERIFY(db.exec("UPDATE checkpoints SET snapshot = x'00010203' WHERE seq = " + before));
    }
    auto tt = TimeTravel::open(trace);
    QVERIFY2(tt, tt ? "" : tt.error().c_str());
    std::vector<std::string> warnings;
    (*tt)->setWarningHandler([&](const std::string& w) { warnings.push_back(w); });
    const uint64_t n = (*tt)->end();
    QVERIFY(n > seqs.back());
    auto r = (*tt)->seek(n);
    QVERIFY2(r, r ? "" : r.error().c_str());
    QCOMPARE(tracetest::allHashes((*tt)->scheduler()), rec.hashes[n]);
    QCOMPARE(warnings.size(), size_t(2));
    QVERIFY2(warnings[0].find("checkpoint at seq " + std::to_string(seqs.back()) + " cannot be used") == 0,
             warnings[0].c_str());
    QVERIFY2(warnings[1].find("restoring the checkpoint at seq " + std::to_string(seqs[seqs.size() - 3])) !=
                 std::string::npos,
             warnings[1].c_str());
    // Known damaged checkpoints are not tried again, and every position
    // still has the state of the original run.
    for (uint64_t t = n + 1; t-- > 0;) {
        QVERIFY((*tt)->seek(t));
        QCOMPARE(tracetest::allHashes((*tt)->scheduler()), rec.hashes[t]);
    }
    QCOMPARE(warnings.size(), size_t(2));

    // Every checkpoint damaged: re-execution from the start.
    {
        Database db;
        QVERIFY(db.open(trace, Database::Mode::ReadWriteCreate));
        QVERIFY(db.exec("UPDATE checkpoints SET snapshot = x'00'"));
    }
    tt = TimeTravel::open(trace);
    QVERIFY(tt);
    warnings.clear();
    (*tt)->setWarningHandler([&](const std::string& w) { warnings.push_back(w); });
    QVERIFY((*tt)->seek(n));
    QCOMPARE(tracetest::allHashes((*tt)->scheduler()), rec.hashes[n]);
    QCOMPARE(warnings.size(), seqs.size());
    QVERIFY2(warnings.back().find("re-executing from the start instead") != std::string::npos, warnings.back().c_str());
}

QTEST_GUILESS_MAIN(TestTimeTravel)
#include "tst_timetravel.moc"
