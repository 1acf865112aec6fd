// Statement stepping inside a handler (DESIGN.md "Time travel": "Stepping
// inside a handler re-executes that one handler to the chosen statement"):
// TimeTravel::statementsOf re-executes one delivery with the engine's
// statement observer installed; the stops come in source order with the
// values the program computes, stepping moves over them both ways, and the
// re-execution ends in exactly the recorded state.

#include "TraceTestSupport.h"

#include "TimeTravel.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace aeroflow;
using namespace aeroflow::debugger;

namespace {

const char* kCounter = R"(fn double(x) {
    let y = x * 2
    return y
}
actor Counter {
    state count = 0
    state hist: list[int] = []
    on Add(n) {
        let before = count
        let d = double(n)
        count = before + d
        hist.push(count)
    }
    on Loop(k) {
        for i in range(k) {
            count += i
        }
    }
    on Report {
        print("count is", count)
        emit(count)
    }
}
let c = spawn(Counter)
send(c, Add(1))
send(c, Add(5))
send(c, Loop(3))
send(c, Report)
let got = recv()
print("main got", got)
)";

/// Counts statements; the engine must run exactly as without it.
struct CountingObserver final : engine::StatementObserver {
    uint64_t stops = 0;
    uint64_t lineSum = 0;
    uint32_t maxDepth = 0;
    void onStatement(const engine::StatementEvent& e) override
    {
        ++stops;
        lineSum += e.line;
        maxDepth = std::max(maxDepth, e.depth);
    }
};

struct RunResult {
    std::string output;
    engine::RunStats stats;
    std::vector<std::vector<uint64_t>> hashes;
};

RunResult runWith(const std::string& text, uint64_t seed, uint64_t fuel, engine::StatementObserver* observer)
{
    RunResult out;
    auto program = tracetest::compileOrNull("observed", text);
    if (!program)
        return out;
    engine::RunOptions o;
    o.seed = seed;
    o.fuel = fuel;
    o.maxMessages = 100'000;
    o.statementObserver = observer;
    engine::Scheduler s(program, o, [&](engine::Stream, std::string_view t) { out.output.append(t); });
    s.start();
    out.hashes.push_back(tracetest::allHashes(s));
    while (s.step())
        out.hashes.push_back(tracetest::allHashes(s));
    out.stats = s.finish();
    return out;
}

const char* kBudget = R"(actor Spinner {
    state n = 0
    on Spin(k) {
        mut i = 0
        while i < k {
            i += 1
            n += helper(i)
        }
    }
}
fn helper(x) {
    return x % 7
}
let s = spawn(Spinner)
send(s, Spin(10))
send(s, Spin(1000000))
send(s, Spin(20))
)";

/// Lambdas run by map and sort inside a handler: the statement observer sees
/// their lines one frame deeper, and their budget is the handler's.
const char* kCallbacks = R"(actor Sorter {
    state seen = 0
    on Go(xs) {
        let scaled = xs.map(fn(x) {
            seen += 1
            return x * 10
        })
        let ordered = sort(scaled, fn(a, b) => a > b)
        print(ordered, seen)
    }
}
let s = spawn(Sorter)
send(s, Go([3, 1, 2]))
send(s, Go(range(5000)))
send(s, Go([7]))
)";

/// The line of `needle` in kCounter (1-based).
uint32_t lineOf(const std::string& needle)
{
    const std::string text = kCounter;
    const size_t at = text.find(needle);
    Q_ASSERT(at != std::string::npos);
    return uint32_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(at), '\n') + 1);
}

/// The printed value of `name` in (name, value) pairs, or "<absent>".
std::string valueOf(const std::vector<std::pair<std::string, std::string>>& pairs, const std::string& name)
{
    for (const auto& [k, v] : pairs)
        if (k == name)
            return v;
    return "<absent>";
}

std::string describe(const HandlerStatements& h)
{
    std::string s;
    for (const auto& st : h.stops) {
        s += std::to_string(st.index) + " " + st.functionName + " line " + std::to_string(st.line) + " depth " +
             std::to_string(st.depth) + " |";
        for (const auto& [k, v] : st.locals)
            s += " " + k + "=" + v;
        s += " |";
        for (const auto& [k, v] : st.state)
            s += " " + k + "=" + v;
        s += "\n";
    }
    return s;
}

} // namespace

class TestStepping : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void stopsComeInSourceOrder();
    void localsAndStateShowComputedValues();
    void loopsStopOncePerIteration();
    void stepIntoOverOutBothWays();
    void reExecutionIsExactAndRepeatable();
    void mainProgramDeliveriesAndErrors();
    void observingChangesNothing_data();
    void observingChangesNothing();
    void stopsInsideCallbacks();

private:
    QTemporaryDir m_dir;
    tracetest::Recording m_rec;
    std::unique_ptr<TimeTravel> m_tt;
};

void TestStepping::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const std::string trace = m_dir.filePath("counter.aftrace").toStdString();
    tracetest::RecordOptions o;
    o.captureHashes = true;
    o.recorder.minCheckpointInterval = 2;
    o.recorder.maxCheckpointInterval = 2;
    m_rec = tracetest::record("counter", kCounter, trace, o);
    QVERIFY2(m_rec.ok, m_rec.error.c_str());
    auto tt = TimeTravel::open(trace);
    QVERIFY2(tt, tt ? "" : tt.error().c_str());
    m_tt = std::move(*tt);
    // Add(1), Add(5), Loop(3), Report, the value emitted to main.
    QCOMPARE(m_tt->end(), uint64_t(5));
}

void TestStepping::stopsComeInSourceOrder()
{
    auto h = m_tt->statementsOf(2); // Add(5)
    QVERIFY2(h, h ? "" : h.error().c_str());
    QCOMPARE(h->seq, uint64_t(2));
    QCOMPARE(h->receiver, uint32_t(1));
    QVERIFY(!h->truncated);
    const std::string all = describe(*h);
    // The handler's lines, with the helper's two lines (one frame deeper)
    // where `let d = double(n)` calls it.
    const std::vector<std::tuple<uint32_t, uint32_t, std::string>> expected{
        {lineOf("let before"), 1, "Counter.on Add"}, {lineOf("let d ="), 1, "Counter.on Add"},
        {lineOf("let y ="), 2, "double"},            {lineOf("return y"), 2, "double"},
        {lineOf("count = before"), 1, "Counter.on Add"}, {lineOf("hist.push"), 1, "Counter.on Add"},
    };
    QVERIFY2(h->stops.size() >= expected.size(), all.c_str());
    for (size_t i = 0; i < expected.size(); ++i) {
        const StatementStop& st = h->stops[i];
        QCOMPARE(st.index, i);
        QVERIFY2(st.line == std::get<0>(expected[i]), all.c_str());
        QVERIFY2(st.depth == std::get<1>(expected[i]), all.c_str());
        QVERIFY2(st.functionName == std::get<2>(expected[i]), all.c_str());
        QCOMPARE(st.actor, uint32_t(1));
        QVERIFY(st.col >= 1);
    }
    // Anything after the last statement belongs to the handler's end.
    for (size_t i = expected.size(); i < h->stops.size(); ++i) {
        QVERIFY2(h->stops[i].depth == 1 && h->stops[i].line > lineOf("hist.push") &&
                     h->stops[i].line <= lineOf("on Loop"),
                 all.c_str());
    }
    QCOMPARE(m_tt->position(), uint64_t(2));
}

void TestStepping::localsAndStateShowComputedValues()
{
    auto h = m_tt->statementsOf(2); // Add(5) on count 2 (Add(1) doubled)
    QVERIFY2(h, h ? "" : h.error().c_str());
    const std::string all = describe(*h);
    const auto& s = h->stops;
    QVERIFY2(s.size() >= 6, all.c_str());
    // Before `let before = count`: the argument only, count as Add(1) left it.
    QCOMPARE(valueOf(s[0].locals, "n"), std::string("5"));
    QCOMPARE(valueOf(s[0].locals, "before"), std::string("<absent>"));
    QCOMPARE(valueOf(s[0].state, "count"), std::string("2"));
    QCOMPARE(valueOf(s[0].state, "hist"), std::string("[2]"));
    QCOMPARE(valueOf(s[1].locals, "before"), std::string("2"));
    // Inside double(5): its own frame's variables.
    QCOMPARE(valueOf(s[2].locals, "x"), std::string("5"));
    QCOMPARE(valueOf(s[2].locals, "n"), std::string("<absent>"));
    QCOMPARE(valueOf(s[3].locals, "y"), std::string("10"));
    // Back in the handler: d = 10, count still 2 until the assignment runs.
    QCOMPARE(valueOf(s[4].locals, "d"), std::string("10"));
    QCOMPARE(valueOf(s[4].state, "count"), std::string("2"));
    QCOMPARE(valueOf(s[5].state, "count"), std::string("12"));
    QCOMPARE(valueOf(s[5].state, "hist"), std::string("[2]"));
    // After the last stop: the state the delivery left.
    QCOMPARE(valueOf(h->after.fields, "count"), std::string("12"));
    QCOMPARE(valueOf(h->after.fields, "hist"), std::string("[2, 12]"));
}

void TestStepping::loopsStopOncePerIteration()
{
    auto h = m_tt->statementsOf(3); // Loop(3) on count 12
    QVERIFY2(h, h ? "" : h.error().c_str());
    const std::string all = describe(*h);
    std::vector<std::string> is, counts;
    for (const auto& st : h->stops)
        if (st.line == lineOf("count += i")) {
            is.push_back(valueOf(st.locals, "i"));
            counts.push_back(valueOf(st.state, "count"));
        }
    QCOMPARE(is, (std::vector<std::string>{"0", "1", "2"}));
    QCOMPARE(counts, (std::vector<std::string>{"12", "12", "13"}));
    QVERIFY2(!h->stops.empty() && h->stops.front().line == lineOf("for i in"), all.c_str());
    QCOMPARE(valueOf(h->after.fields, "count"), std::string("15"));
    // The loop line, then per iteration the body and the loop line again
    // (its FORLOOP), then the handler's closing line.
    std::vector<uint32_t> lines;
    for (const auto& st : h->stops)
        lines.push_back(st.line);
    const uint32_t f = lineOf("for i in"), b = lineOf("count += i"), e = lineOf("on Report") - 1;
    QVERIFY2(lines == (std::vector<uint32_t>{f, b, f, b, f, b, f, e}), all.c_str());
    auto cut = m_tt->statementsOf(3, 2);
    QVERIFY(cut);
    QVERIFY(cut->truncated);
    QCOMPARE(cut->stops.size(), size_t(2));
    QVERIFY(cut->stops[0] == h->stops[0] && cut->stops[1] == h->stops[1]);
    QCOMPARE(cut->after.hash, h->after.hash); // the delivery still ran to its end
}

void TestStepping::stepIntoOverOutBothWays()
{
    auto h = m_tt->statementsOf(2);
    QVERIFY2(h, h ? "" : h.error().c_str());
    const auto& s = h->stops;
    QVERIFY(s.size() >= 6);
    // Into: every stop, forward and back; back returns the previous stop exactly.
    for (size_t i = 0; i + 1 < s.size(); ++i) {
        QCOMPARE(stepInto(s, i).value_or(999), i + 1);
        QCOMPARE(stepInto(s, i + 1, false).value_or(999), i);
        QVERIFY(s[*stepInto(s, i + 1, false)] == s[i]);
    }
    QVERIFY(!stepInto(s, s.size() - 1));
    QVERIFY(!stepInto(s, 0, false));
    QVERIFY(!stepInto(s, s.size())); // out of range
    // Over: `let d = double(n)` (1) -> `count = before + d` (4), and back.
    QCOMPARE(stepOver(s, 1).value_or(999), size_t(4));
    QCOMPARE(stepOver(s, 4, false).value_or(999), size_t(1));
    QCOMPARE(stepOver(s, 2).value_or(999), size_t(3)); // inside double: its next line
    // Out: from inside double to the handler's next line; backwards to the
    // line that called it.
    QCOMPARE(stepOut(s, 2).value_or(999), size_t(4));
    QCOMPARE(stepOut(s, 3, false).value_or(999), size_t(1));
    QVERIFY(!stepOut(s, 0)); // the handler itself: nothing shallower
    QVERIFY(!stepOut(s, 5, false));
}

void TestStepping::reExecutionIsExactAndRepeatable()
{
    // Every delivery: the state after the re-executed one equals the
    // recorded state hash, twice in a row and from different positions.
    for (uint64_t seq = 1; seq <= m_tt->end(); ++seq) {
        auto msg = m_tt->trace().message(seq);
        QVERIFY(msg && *msg);
        auto a = m_tt->statementsOf(seq);
        QVERIFY2(a, a ? "" : a.error().c_str());
        QCOMPARE(a->after.hash, (*msg)->stateHash);
        QCOMPARE(m_tt->position(), seq);
        // The position after stepping is the recorded one for every actor.
        QCOMPARE(tracetest::allHashes(m_tt->scheduler()), m_rec.hashes[seq]);
        QVERIFY(m_tt->seek(m_tt->end()));
        auto b = m_tt->statementsOf(seq);
        QVERIFY(b);
        QVERIFY(a->stops == b->stops);
        QCOMPARE(b->after.hash, a->after.hash);
        QVERIFY(!a->stops.empty());
        QCOMPARE(a->stops.back().index, a->stops.size() - 1);
    }
    // Seeking around afterwards still reproduces the original run.
    for (uint64_t t = 0; t <= m_tt->end(); ++t) {
        QVERIFY(m_tt->seek(t));
        QCOMPARE(tracetest::allHashes(m_tt->scheduler()), m_rec.hashes[t]);
    }
}

void TestStepping::mainProgramDeliveriesAndErrors()
{
    // Report (seq 4) prints; its output is not produced again anywhere, and
    // the handler's stops see the state.
    auto r = m_tt->statementsOf(4);
    QVERIFY2(r, r ? "" : r.error().c_str());
    QVERIFY(r->stops.size() >= 2);
    QCOMPARE(r->stops[0].line, lineOf("print(\"count is\""));
    QCOMPARE(r->stops[1].line, lineOf("emit(count)"));
    QCOMPARE(valueOf(r->stops[0].state, "count"), std::string("15"));
    // The value emitted to main (seq 5): main resumes in recv() and runs its
    // last line, with its globals as the state.
    auto m = m_tt->statementsOf(5);
    QVERIFY2(m, m ? "" : m.error().c_str());
    QCOMPARE(m->receiver, uint32_t(0));
    bool printed = false;
    for (const auto& st : m->stops) {
        QCOMPARE(st.actor, uint32_t(0));
        if (st.line == lineOf("print(\"main got\"")) {
            printed = true;
            QCOMPARE(valueOf(st.state, "got"), std::string("15"));
        }
    }
    QVERIFY2(printed, describe(*m).c_str());
    QCOMPARE(valueOf(m->after.fields, "got"), std::string("15"));
    // Out of range.
    QVERIFY(!m_tt->statementsOf(0));
    QVERIFY(!m_tt->statementsOf(m_tt->end() + 1));
}

void TestStepping::observingChangesNothing_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<quint64>("fuel");
    QTest::newRow("counter") << QString::fromLatin1(kCounter) << quint64(0) << quint64(100'000'000);
    QTest::newRow("generated 7") << QString::fromStdString(tracetest::generateProgram(7)) << quint64(9)
                                 << quint64(100'000'000);
    QTest::newRow("generated 3") << QString::fromStdString(tracetest::generateProgram(3)) << quint64(2)
                                 << quint64(100'000'000);
    // The middle Spin runs out of fuel at the same instruction either way.
    QTest::newRow("fuel") << QString::fromLatin1(kBudget) << quint64(0) << quint64(5'000);
    QTest::newRow("fuel 1") << QString::fromLatin1(kBudget) << quint64(0) << quint64(1);
    // The middle Go runs out of fuel inside a lambda that map() calls.
    QTest::newRow("callbacks") << QString::fromLatin1(kCallbacks) << quint64(0) << quint64(100'000'000);
    QTest::newRow("callbacks fuel") << QString::fromLatin1(kCallbacks) << quint64(0) << quint64(20'000);
}

void TestStepping::observingChangesNothing()
{
    QFETCH(QString, source);
    QFETCH(quint64, seed);
    QFETCH(quint64, fuel);
    const std::string text = source.toStdString();
    const RunResult plain = runWith(text, seed, fuel, nullptr);
    CountingObserver counter;
    const RunResult observed = runWith(text, seed, fuel, &counter);
    QVERIFY(!plain.hashes.empty());
    QCOMPARE(observed.output, plain.output);
    QCOMPARE(observed.hashes, plain.hashes);
    QCOMPARE(observed.stats.exitCode, plain.stats.exitCode);
    QCOMPARE(observed.stats.messagesDelivered, plain.stats.messagesDelivered);
    QCOMPARE(observed.stats.crashes, plain.stats.crashes);
    QCOMPARE(observed.stats.warnings, plain.stats.warnings);
    QCOMPARE(observed.stats.effects, plain.stats.effects);
    // Fuel 1: main's first instruction fails before it runs, so no stop.
    QCOMPARE(counter.stops > 0, fuel > 1);
    if (fuel == 5'000)
        QVERIFY2(plain.output.find("instruction budget exhausted") != std::string::npos, plain.output.c_str());
    // Twice observed: the same statements.
    CountingObserver again;
    runWith(text, seed, fuel, &again);
    QCOMPARE(again.stops, counter.stops);
    QCOMPARE(again.lineSum, counter.lineSum);
    QCOMPARE(again.maxDepth, counter.maxDepth);
}

void TestStepping::stopsInsideCallbacks()
{
    const std::string trace = m_dir.filePath("callbacks.aftrace").toStdString();
    tracetest::RecordOptions o;
    o.captureHashes = true;
    const auto rec = tracetest::record("callbacks", kCallbacks, trace, o);
    QVERIFY2(rec.ok, rec.error.c_str());
    auto tt = TimeTravel::open(trace);
    QVERIFY2(tt, tt ? "" : tt.error().c_str());
    auto h = (*tt)->statementsOf(1); // Go([3, 1, 2])
    QVERIFY2(h, h ? "" : h.error().c_str());
    const std::string all = describe(*h);
    const std::string text = kCallbacks;
    auto line = [&](const char* needle) {
        return uint32_t(std::count(text.begin(), text.begin() + std::ptrdiff_t(text.find(needle)), '\n') + 1);
    };
    // The lambda's two lines once per element, one frame below the handler;
    // then the comparator's line once per comparison: [30, 10, 20] takes 4
    // (10 vs 30; then the runs [30, 10] and [20]: 20 vs 10, 20 vs 30, 20 vs 10).
    size_t bodyStops = 0, comparatorStops = 0;
    for (const auto& st : h->stops) {
        if (st.line == line("seen += 1")) {
            QCOMPARE(st.depth, 2u);
            QVERIFY2(st.functionName.find("lambda@") != std::string::npos, all.c_str());
            ++bodyStops;
        }
        if (st.line == line("let ordered") && st.depth == 2)
            ++comparatorStops;
        QVERIFY2(st.depth <= 2, all.c_str());
    }
    QCOMPARE(bodyStops, size_t(3));
    QCOMPARE(comparatorStops, size_t(4));
    const auto print = std::find_if(h->stops.begin(), h->stops.end(),
        [&](const StatementStop& st) { return st.line == line("print(ordered"); });
    QVERIFY2(print != h->stops.end(), all.c_str());
    QCOMPARE(print->depth, 1u);
    QVERIFY2(valueOf(print->state, "seen") == "3", all.c_str());
    // The re-execution ends in the recorded state.
    QCOMPARE(h->after.hash, rec.hashes.at(1).at(1));
}

QTEST_GUILESS_MAIN(TestStepping)
#include "tst_stepping.moc"
