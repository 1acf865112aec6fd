// The outside-world lane's data side (WorldFrameBuilder through
// FrameBuilder): marks and folded counts equal the trace's inputs and
// outputs per tick range, arrows follow input_links and the deliveries that
// answered, responses carry what became of them (5xx, timed out, vanished),
// dense traffic folds into (estimated) density, and damaged, forged and old
// traces build frames without crashing.
#include "WorldSessionSupport.h"

#include "FrameBuilder.h"
#include "Sqlite.h"

#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <set>

using namespace aeroflow;
using namespace aeroflow::timeline;
using engine::InputEvent;
using Kind = FrameWorldMark::Kind;

namespace {

/// What the lane should show, computed from plain SQL and the engine's decoder.
struct Expected {
    struct Item {
        uint64_t row = 0, seq = 0, tick = 0, id = 0;
        bool output = false;
        int32_t status = 0;
        std::string kind;
    };
    std::vector<Item> inputs, outputs, dones;

    static Expected read(const std::string& trace)
    {
        Expected e;
        debugger::Database db;
        if (!db.open(trace, debugger::Database::Mode::ReadOnly))
            return e;
        auto in = db.prepare("SELECT e.rowid, e.seq, e.kind, e.value, coalesce((SELECT tick FROM messages m WHERE "
                             "m.seq = e.seq), 0) FROM effects e ORDER BY e.rowid");
        while (in.step()) {
            const std::string kind = in.columnText(2);
            if (!debugger::isWorldInputKind(kind))
                continue;
            Item it { uint64_t(in.columnInt(0)), uint64_t(in.columnInt(1)), uint64_t(in.columnInt(4)) + 1, 0, false, 0,
                kind };
            if (auto ev = engine::decodeInput(in.columnBlob(3))) {
                it.id = ev->id;
                it.status = ev->status;
            }
            (kind == "request_done" ? e.dones : e.inputs).push_back(it);
        }
        auto out = db.prepare("SELECT o.rowid, o.seq, o.text, coalesce((SELECT tick FROM messages m WHERE m.seq = "
                              "o.seq), 0) FROM outputs o WHERE stream = 3 ORDER BY o.rowid");
        while (out.step()) {
            Item it { uint64_t(out.columnInt(0)), uint64_t(out.columnInt(1)), uint64_t(out.columnInt(3)), 0, true, 0,
                "" };
            if (auto ev = engine::decodeOutput(out.columnBlob(2))) {
                it.id = ev->id;
                it.status = ev->status;
                it.kind = engine::outputKindName(ev->kind);
            }
            e.outputs.push_back(it);
        }
        return e;
    }
    /// Inputs shown in ticks [t0, t1] (request_done are not inputs of the lane).
    size_t inputsIn(uint64_t t0, uint64_t t1) const
    {
        size_t n = 0;
        for (const Item& i : inputs)
            n += i.tick >= t0 && i.tick <= t1;
        return n;
    }
    /// Outputs shown, plus timeouts / vanished clients without a response there.
    size_t outputsIn(uint64_t t0, uint64_t t1) const
    {
        size_t n = 0;
        std::set<uint64_t> responded;
        for (const Item& o : outputs)
            if (o.tick >= t0 && o.tick <= t1) {
                ++n;
                if (o.kind == "respond")
                    responded.insert(o.id);
            }
        for (const Item& d : dones)
            n += d.tick >= t0 && d.tick <= t1 && (d.status == 504 || d.status == 0) && !responded.count(d.id);
        return n;
    }
};

int64_t scalar(const std::string& trace, const std::string& sql)
{
    debugger::Database db;
    if (!db.open(trace, debugger::Database::Mode::ReadOnly))
        return -1;
    return db.scalar(sql, -1);
}

bool exec(const std::string& trace, const std::string& sql)
{
    debugger::Database db;
    return db.open(trace, debugger::Database::Mode::ReadWriteCreate) && db.exec(sql);
}

std::unique_ptr<FrameBuilder> builder(const std::string& trace)
{
    auto b = FrameBuilder::open(trace, nullptr);
    return b ? std::move(*b) : nullptr;
}

FrameRequest request(double first, double last, int width, uint32_t actors)
{
    FrameRequest r;
    r.id = 1;
    r.viewport = TimelineViewport::fit(first, last, width);
    r.world = true;
    for (uint32_t a = 0; a < actors; ++a)
        r.lanes.push_back(a);
    return r;
}

/// Marks plus folded counts of one half.
uint64_t shown(const WorldFrame& w, bool output)
{
    uint64_t n = 0;
    for (const auto& m : w.marks)
        n += m.output == output;
    for (const auto& d : w.density)
        n += d.output == output ? d.count : 0;
    return n;
}

} // namespace

class TstTimelineOutside : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_trace;
    Expected m_expected;
    uint64_t m_finalTick = 0;
    uint32_t m_actors = 0;

    std::string copy(const char* name)
    {
        const QString to = m_dir.filePath(QString::fromLatin1(name));
        QFile::remove(to);
        return QFile::copy(QString::fromStdString(m_trace), to) ? to.toStdString() : std::string();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_trace = m_dir.filePath(QStringLiteral("world.aftrace")).toStdString();
        const auto rec = worldtest::recordSession(m_trace);
        QVERIFY2(rec.ok, rec.error.c_str());
        m_expected = Expected::read(m_trace);
        QVERIFY(m_expected.inputs.size() > 50);
        QVERIFY(m_expected.outputs.size() > 50);
        m_finalTick = uint64_t(scalar(m_trace, "SELECT max(tick) FROM messages"));
        m_actors = uint32_t(scalar(m_trace, "SELECT count(*) FROM actors"));
        QVERIFY(m_finalTick > 20);
    }

    void laneOnlyForTracesWithAWorld()
    {
        auto b = builder(m_trace);
        QVERIFY(b);
        QVERIFY(b->hasWorld());
        const std::string plain = m_dir.filePath(QStringLiteral("plain.aftrace")).toStdString();
        QVERIFY(tracetest::record("plain.aefl", tracetest::generateProgram(5), plain).ok);
        auto p = builder(plain);
        QVERIFY(p);
        QVERIFY(!p->hasWorld());
        // Not asked for: not prepared.
        FrameRequest r = request(0, double(m_finalTick), 1000, m_actors);
        r.world = false;
        const FrameList f = b->build(r);
        QVERIFY(!f.world.enabled);
        QVERIFY(f.world.marks.empty() && f.world.density.empty());
    }

    void marksAndCountsEqualTheTable()
    {
        auto b = builder(m_trace);
        QVERIFY(b);
        struct Window {
            double first, last;
            int width;
        };
        const double end = double(m_finalTick) + 2;
        for (const Window& win : { Window { 0, end, 1100 }, Window { 0, 12, 1100 },
                 Window { end / 3, end / 3 + 9, 900 }, Window { 0, end, 120 }, Window { end - 6, end, 600 } }) {
            const FrameList f = b->build(request(win.first, win.last, win.width, m_actors));
            QVERIFY(f.world.enabled);
            QVERIFY2(f.world.error.empty(), f.world.error.c_str());
            QVERIFY(!f.world.estimated);
            const auto t0 = uint64_t(std::max(0.0, std::floor(win.first)));
            const auto t1 = uint64_t(std::floor(f.viewport.endTick()));
            const QByteArray where = QByteArray::number(win.first) + ".." + QByteArray::number(win.last);
            QVERIFY2(shown(f.world, false) == m_expected.inputsIn(t0, t1), where);
            QVERIFY2(shown(f.world, true) == m_expected.outputsIn(t0, t1), where);
            // Each mark: inside its tick, of its row's kind, wide enough.
            for (const FrameWorldMark& m : f.world.marks) {
                QVERIFY(m.tick1 > m.tick0);
                QVERIFY((m.tick1 - m.tick0) * f.viewport.pixelsPerTick() >= FrameList::kMinSlicePixels - 1e-9);
                QCOMPARE(std::floor(m.tick0), std::floor(m.tick1 - 1e-9));
                const auto& list = m.output ? m_expected.outputs : m_expected.inputs;
                auto it = std::find_if(list.begin(), list.end(), [&](const auto& i) { return i.row == m.row; });
                if (m.kind == Kind::RequestDone) {
                    it = std::find_if(m_expected.dones.begin(), m_expected.dones.end(),
                        [&](const auto& i) { return i.row == m.row; });
                    QVERIFY(it != m_expected.dones.end());
                } else {
                    QVERIFY(it != list.end());
                }
                QCOMPARE(uint64_t(m.tick0), it->tick);
                QCOMPARE(m.seq, it->seq);
            }
        }
        // Zoomed in, everything is a mark; zoomed out, folded.
        const FrameList near = b->build(request(0, 12, 1100, m_actors));
        QVERIFY(!near.world.marks.empty());
        QVERIFY(near.world.density.empty());
        const FrameList far = b->build(request(0, end, 120, m_actors));
        QVERIFY(!far.world.density.empty());
    }

    void arrowsFollowLinksAndAnswers()
    {
        auto b = builder(m_trace);
        QVERIFY(b);
        // Wide enough for every event to be a mark and every delivery a slice.
        const FrameList f = b->build(request(0, double(m_finalTick) + 2, 60'000, m_actors));
        QVERIFY(f.world.density.empty());
        std::map<uint64_t, uint64_t> link; // effect -> delivery
        {
            debugger::Database db;
            QVERIFY(db.open(m_trace, debugger::Database::Mode::ReadOnly));
            auto st = db.prepare("SELECT effect, seq FROM input_links");
            while (st.step())
                link[uint64_t(st.columnInt(0))] = uint64_t(st.columnInt(1));
        }
        size_t inArrows = 0, outArrows = 0;
        for (const FrameWorldMark& m : f.world.marks) {
            auto arrow = std::find_if(f.world.arrows.begin(), f.world.arrows.end(),
                [&](const FrameWorldArrow& a) { return a.row == m.row && a.output == m.output; });
            uint64_t delivery = 0;
            if (!m.output && link.count(m.row)) {
                delivery = link[m.row];
                QCOMPARE(m.deliveredSeq, delivery);
            } else if (m.output && (m.kind == Kind::Respond || m.kind == Kind::CallStart) && m.seq > 0) {
                delivery = m.seq;
            }
            if (delivery == 0) {
                QVERIFY(arrow == f.world.arrows.end());
                continue;
            }
            QVERIFY2(arrow != f.world.arrows.end(), std::to_string(m.row).c_str());
            QCOMPARE(arrow->deliverySeq, delivery);
            const std::string s = std::to_string(delivery);
            QCOMPARE(int64_t(arrow->actor), scalar(m_trace, "SELECT receiver FROM messages WHERE seq = " + s));
            const auto tick = double(scalar(m_trace, "SELECT tick FROM messages WHERE seq = " + s));
            QVERIFY(arrow->deliveryTick > tick && arrow->deliveryTick < tick + 1);
            QCOMPARE(arrow->markTick, (m.tick0 + m.tick1) / 2);
            // On the delivery's slice: inputs land left of its middle, answers leave right of it.
            auto slice = std::find_if(
                f.slices.begin(), f.slices.end(), [&](const FrameSlice& x) { return x.seq == delivery; });
            QVERIFY(slice != f.slices.end());
            QVERIFY(arrow->deliveryTick > slice->tick0 && arrow->deliveryTick < slice->tick1);
            QCOMPARE(arrow->deliveryTick < (slice->tick0 + slice->tick1) / 2, !m.output);
            (m.output ? outArrows : inArrows)++;
        }
        QCOMPARE(inArrows, link.size());
        // A handler's "printed" dot means printing, not sending to the world.
        int printed = 0;
        for (const FrameEvent& e : f.events)
            if (e.kind == FrameEvent::Kind::Output) {
                QVERIFY(
                    scalar(m_trace, "SELECT count(*) FROM outputs WHERE stream < 3 AND seq = " + std::to_string(e.seq))
                    > 0);
                ++printed;
            }
        QCOMPARE(
            int64_t(printed), scalar(m_trace, "SELECT count(DISTINCT seq) FROM outputs WHERE stream < 3 AND seq > 0"));
        QVERIFY(outArrows > 30);
        QCOMPARE(f.world.arrows.size(), inArrows + outArrows);
        // Arrows only to prepared lanes.
        FrameRequest only = request(0, double(m_finalTick) + 2, 60'000, 0);
        only.lanes = { 0 };
        const FrameList g = b->build(only);
        for (const FrameWorldArrow& a : g.world.arrows)
            QCOMPARE(a.actor, 0u);
    }

    void responsesSayWhatBecameOfThem()
    {
        auto b = builder(m_trace);
        QVERIFY(b);
        const FrameList f = b->build(request(0, double(m_finalTick) + 2, 60'000, m_actors));
        std::map<uint64_t, const FrameWorldMark*> requests;
        for (const FrameWorldMark& m : f.world.marks)
            if (m.kind == Kind::HttpRequest)
                requests[m.id] = &m;
        int timedOut = 0, vanished = 0, failed = 0, ok = 0;
        for (const FrameWorldMark& m : f.world.marks) {
            if (m.kind == Kind::Respond) {
                QVERIFY(requests.count(m.id)); // paired by request id
                QCOMPARE(m.family(), requests[m.id]->family());
                QCOMPARE(m.label, std::to_string(m.status));
                if (m.flags & FrameWorldMark::Vanished) {
                    QCOMPARE(m.id, uint64_t(3));
                    ++vanished;
                } else if (m.status >= 500) {
                    QVERIFY(m.flags & FrameWorldMark::ServerError);
                    ++failed;
                } else {
                    QCOMPARE(m.flags, uint8_t(0));
                    ++ok;
                }
            }
            if (m.kind == Kind::RequestDone) {
                QVERIFY(m.output);
                QVERIFY(m.flags & FrameWorldMark::TimedOut);
                QCOMPARE(m.status, 504);
                QCOMPARE(m.label, std::string("504 timeout"));
                QVERIFY(requests.count(m.id));
                ++timedOut;
            }
            if (m.kind == Kind::HttpRequest)
                QVERIFY(m.label.rfind("GET /", 0) == 0 || m.label.rfind("POST /", 0) == 0);
        }
        QCOMPARE(timedOut, 1);
        QCOMPARE(vanished, 1);
        QVERIFY(failed >= 1);
        QVERIFY(ok > 20);
        // Kinds of the other inputs are all there.
        std::set<Kind> kinds;
        for (const FrameWorldMark& m : f.world.marks)
            kinds.insert(m.kind);
        for (Kind k : { Kind::WsOpen, Kind::WsText, Kind::WsClosed, Kind::CallDone, Kind::Timer, Kind::Shutdown,
                 Kind::Halt, Kind::WsSend, Kind::CallStart, Kind::TimerStart })
            QVERIFY2(kinds.count(k), std::to_string(int(k)).c_str());
    }

    void denseTrafficFoldsIntoDensity()
    {
        const std::string dense = m_dir.filePath(QStringLiteral("dense.aftrace")).toStdString();
        worldtest::SessionOptions o;
        o.rounds = 3;
        o.bigBody = 0;
        o.extraRequests = 6000;
        const auto rec = worldtest::recordSession(dense, o);
        QVERIFY2(rec.ok, rec.error.c_str());
        const Expected e = Expected::read(dense);
        QVERIFY(e.inputs.size() > 6000);
        auto b = builder(dense);
        QVERIFY(b);
        const auto finalTick = uint64_t(scalar(dense, "SELECT max(tick) FROM messages"));
        const uint32_t actors = uint32_t(scalar(dense, "SELECT count(*) FROM actors"));
        const double end = double(finalTick) + 2;
        // More rows than a frame reads one by one: sampled, estimated counts.
        FrameList f = b->build(request(0, end, 800, actors));
        QVERIFY(f.world.estimated);
        QVERIFY(!f.world.density.empty());
        const auto exact = double(e.inputsIn(0, uint64_t(end)));
        const auto estimate = double(shown(f.world, false));
        QVERIFY2(std::abs(estimate - exact) <= 0.25 * exact,
            (std::to_string(estimate) + " vs " + std::to_string(exact)).c_str());
        for (const FrameWorldDensity& d : f.world.density)
            QVERIFY(d.count >= 1);
        // Density cells are 2 px: no more of them than the width allows, per half.
        size_t inCells = 0;
        for (const FrameWorldDensity& d : f.world.density)
            inCells += !d.output;
        QVERIFY(inCells <= 800 / 2 + 2);
        // Read one by one (a higher limit), the counts are exact again.
        b->world()->setDirectRows(100'000);
        f = b->build(request(0, end, 800, actors));
        QVERIFY(!f.world.estimated);
        QCOMPARE(shown(f.world, false), uint64_t(e.inputsIn(0, uint64_t(end))));
        QCOMPARE(shown(f.world, true), uint64_t(e.outputsIn(0, uint64_t(end))));
        // Zoomed into the burst, requests become marks again.
        const uint64_t burst = e.inputs[e.inputs.size() - 20].tick;
        f = b->build(request(double(burst), double(burst) + 1, 1000, actors));
        size_t marks = 0;
        for (const FrameWorldMark& m : f.world.marks)
            marks += !m.output;
        QVERIFY(marks <= 1000 / 3);
        QCOMPARE(uint64_t(shown(f.world, false)), uint64_t(e.inputsIn(burst, burst + 1)));
    }

    void damagedAndForgedTracesBuild()
    {
        const std::string t = copy("forged.aftrace");
        QVERIFY(!t.empty());
        const int64_t lastLink = scalar(t, "SELECT max(seq) FROM input_links");
        QVERIFY(exec(t,
            "UPDATE effects SET value = x'0101ff' WHERE rowid = (SELECT min(rowid) FROM effects WHERE "
            "kind = 'http_request')"));
        QVERIFY(
            exec(t, "UPDATE outputs SET text = x'01' WHERE rowid = (SELECT min(rowid) FROM outputs WHERE stream = 3)"));
        QVERIFY(exec(t,
            "UPDATE effects SET seq = 900000000000 WHERE rowid = (SELECT max(rowid) FROM effects WHERE kind "
            "= 'ws_text')"));
        QVERIFY(exec(t, "UPDATE input_links SET effect = 77777777777 WHERE seq = " + std::to_string(lastLink)));
        QVERIFY(exec(t, "INSERT INTO input_links(seq, effect) VALUES (999999999, 1)"));
        QVERIFY(exec(t, "INSERT INTO effects(rowid, seq, kind, value) VALUES (4611686018427387904, 3, 'timer', 'x')"));
        auto b = builder(t);
        QVERIFY(b);
        QVERIFY(b->hasWorld());
        for (int width : { 60'000, 800, 50 }) {
            const FrameList f = b->build(request(0, double(m_finalTick) + 2, width, m_actors));
            QVERIFY(f.world.enabled);
            for (const FrameWorldArrow& a : f.world.arrows) {
                QVERIFY(a.deliverySeq >= 1 && a.deliverySeq <= uint64_t(scalar(t, "SELECT max(seq) FROM messages")));
                QVERIFY(a.actor < m_actors);
            }
            if (width == 60'000) {
                int damaged = 0;
                for (const FrameWorldMark& m : f.world.marks)
                    damaged += m.kind == Kind::Damaged;
                QVERIFY(damaged >= 2);
            }
        }
        // A trace from before input_links: marks without input arrows.
        const std::string old = copy("old.aftrace");
        QVERIFY(exec(old, "DROP TABLE input_links"));
        auto ob = builder(old);
        QVERIFY(ob && ob->hasWorld());
        const FrameList f = ob->build(request(0, double(m_finalTick) + 2, 60'000, m_actors));
        QVERIFY(!f.world.marks.empty());
        for (const FrameWorldMark& m : f.world.marks)
            QCOMPARE(m.deliveredSeq, uint64_t(0));
        for (const FrameWorldArrow& a : f.world.arrows)
            QVERIFY(a.output); // only the answering deliveries
        QVERIFY(!f.world.arrows.empty());
        // Not a trace at all: the builder refuses to open.
        const QString junk = m_dir.filePath(QStringLiteral("junk.aftrace"));
        QFile j(junk);
        QVERIFY(j.open(QIODevice::WriteOnly));
        j.write(QByteArray(4096, 'x'));
        j.close();
        QVERIFY(!FrameBuilder::open(junk.toStdString(), nullptr).has_value());
    }
};

QTEST_GUILESS_MAIN(TstTimelineOutside)
#include "tst_timeline_outside.moc"
