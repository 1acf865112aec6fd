#include "FrameBuilder.h"

#include "TraceSchema.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace aeroflow::timeline {

namespace {

constexpr double kMarkCellPixels = 2.0; // folded messages merge per cell of this width
constexpr size_t kMaxArrows = 5000;
constexpr size_t kMaxCauseLookups = 256;
constexpr size_t kMaxCrashes = 10'000;
constexpr uint64_t kMaxEffectScan = 4'000'000;

} // namespace

/// Folded marks of one lane, merged per cell of kMarkCellPixels.
struct FrameBuilder::LaneAcc {
    uint32_t actor = 0;
    std::vector<FrameMark> marks;
    std::vector<double> weights;
    int64_t openCell = INT64_MIN;

    void add(double t0, double t1, double count, bool estimated, const TimelineViewport& vp)
    {
        const auto cell = int64_t(std::floor(vp.x(t0) / kMarkCellPixels));
        if (!marks.empty() && cell == openCell && marks.back().estimated == estimated) {
            marks.back().tick1 = std::max(marks.back().tick1, t1);
            weights.back() += count;
            return;
        }
        openCell = cell;
        marks.push_back({ t0, t1, 0, actor, estimated });
        weights.push_back(count);
    }
};

debugger::Result<std::unique_ptr<FrameBuilder>> FrameBuilder::open(
    const std::string& tracePath, std::shared_ptr<const DensityPyramid> pyramid)
{
    auto reader = debugger::TraceReader::open(tracePath);
    if (!reader)
        return std::unexpected(reader.error());
    std::unique_ptr<FrameBuilder> b(new FrameBuilder);
    b->m_reader = std::move(*reader);
    b->m_pyramid = std::move(pyramid);
    auto extent = b->m_reader->extent();
    if (!extent)
        return std::unexpected(extent.error());
    b->m_extent = *extent;
    b->m_lastSeq = extent->messages;
    b->m_lastTick = extent->finalTick;
    auto& db = b->m_reader->database();
    b->m_rows = db.prepare(
        "SELECT seq, tick, sender, receiver, handler, cause_seq, outcome FROM messages WHERE seq BETWEEN ? AND ?",
        true);
    b->m_point = db.prepare("SELECT tick, receiver, cause_seq FROM messages WHERE seq = ?", true);
    b->m_outputAt = db.prepare("SELECT rowid, seq FROM outputs WHERE rowid >= ? ORDER BY rowid LIMIT 1", true);
    b->m_outputs = db.prepare("SELECT seq, stream FROM outputs WHERE rowid >= ? ORDER BY rowid", true);
    b->m_laneForward
        = db.prepare("SELECT seq FROM messages WHERE seq > ? AND seq <= ? AND receiver = ? ORDER BY seq LIMIT 1", true);
    b->m_laneBackward = db.prepare(
        "SELECT seq FROM messages WHERE seq >= ? AND seq < ? AND receiver = ? ORDER BY seq DESC LIMIT 1", true);
    b->m_effect = db.prepare(
        "SELECT seq FROM messages WHERE seq > ? AND seq <= ? AND cause_seq = ? ORDER BY seq LIMIT 1", true);
    if (!b->m_rows.valid() || !b->m_point.valid() || !b->m_outputAt.valid() || !b->m_outputs.valid()
        || !b->m_laneForward.valid() || !b->m_laneBackward.valid() || !b->m_effect.valid())
        return std::unexpected("cannot read the trace's messages: " + db.lastError());
    if (auto world = WorldFrameBuilder::open(*b->m_reader))
        b->m_world = std::move(*world);
    if (auto crashes = b->m_reader->crashes()) {
        // Only crashes of the trace's actors during its deliveries are drawn.
        for (auto& c : *crashes) {
            if (b->m_crashes.size() >= kMaxCrashes)
                break;
            if (c.seq == 0 || c.seq > b->m_lastSeq || !b->m_extent.isActor(c.actor))
                continue;
            auto t = b->m_reader->tickOf(c.seq);
            b->m_crashTicks.push_back(t ? *t : 0);
            b->m_crashes.push_back(std::move(c));
        }
    }
    return b;
}

FrameList FrameBuilder::build(const FrameRequest& request)
{
    const LockRelease release { this };
    FrameList out;
    out.requestId = request.id;
    out.viewport = request.viewport;
    out.lanes = request.lanes;
    std::sort(out.lanes.begin(), out.lanes.end());
    out.lanes.erase(std::unique(out.lanes.begin(), out.lanes.end()), out.lanes.end());
    buildLanes(out);
    if (request.world && m_world)
        buildWorld(out);
    return out;
}

void FrameBuilder::buildLanes(FrameList& out)
{
    const TimelineViewport& vp = out.viewport;
    if (m_lastSeq == 0 || vp.endTick() < 0 || vp.startTick > double(m_lastTick) + 1)
        return;
    const auto t0 = uint64_t(std::max(0.0, std::floor(vp.startTick)));
    const auto t1 = uint64_t(std::max(0.0, std::min(double(m_lastTick), std::floor(vp.endTick()))));
    auto before = t0 == 0 ? debugger::Result<uint64_t>(0) : m_reader->seqAtTick(t0 - 1, m_lastSeq);
    auto last = m_reader->seqAtTick(t1, m_lastSeq);
    if (!before || !last || *last <= *before)
        return;
    out.firstSeq = *before + 1;
    out.lastSeq = std::min(*last, m_lastSeq);

    std::vector<LaneAcc> acc(out.lanes.size());
    for (size_t i = 0; i < acc.size(); ++i)
        acc[i].actor = out.lanes[i];
    if (out.lastSeq - out.firstSeq + 1 <= m_directLimit) {
        out.mode = FrameList::Mode::Direct;
        buildDirect(out, out.firstSeq, out.lastSeq, acc, true);
    } else {
        out.mode = FrameList::Mode::Aggregate;
        buildAggregate(out, acc);
    }
    for (LaneAcc& a : acc) {
        double carry = 0; // sampled weights are fractional: diffuse the rounding along the lane
        for (size_t i = 0; i < a.marks.size(); ++i) {
            const int64_t count = std::max<int64_t>(0, std::llround(a.weights[i] + carry));
            carry += a.weights[i] - double(count);
            a.marks[i].count = uint64_t(count);
            if (a.marks[i].count > 0)
                out.marks.push_back(a.marks[i]);
        }
    }
    std::sort(out.slices.begin(), out.slices.end(), [](const FrameSlice& a, const FrameSlice& b) {
        return a.actor != b.actor ? a.actor < b.actor : a.seq < b.seq;
    });
    // Crashes are few and known up front; outputs come with the rows (direct only).
    for (size_t i = 0; i < m_crashes.size(); ++i) {
        const auto& c = m_crashes[i];
        if (c.seq >= out.firstSeq && c.seq <= out.lastSeq
            && std::binary_search(out.lanes.begin(), out.lanes.end(), c.actor))
            out.events.push_back({ FrameEvent::Kind::Crash, c.seq, double(m_crashTicks[i]) + 0.5, c.actor });
    }
}

void FrameBuilder::buildWorld(FrameList& out)
{
    // Deliveries the arrows point at: a prepared slice, else (a folded or
    // off-range delivery on a prepared lane) the middle of its tick.
    std::vector<std::pair<uint64_t, uint32_t>> bySeq; // seq -> index into out.slices
    bySeq.reserve(out.slices.size());
    for (size_t i = 0; i < out.slices.size(); ++i)
        bySeq.emplace_back(out.slices[i].seq, uint32_t(i));
    std::sort(bySeq.begin(), bySeq.end());
    size_t lookups = 0;
    using Spot = WorldFrameBuilder::DeliverySpot;
    auto deliveryAt = [&](uint64_t seq) -> std::optional<Spot> {
        auto it = std::lower_bound(bySeq.begin(), bySeq.end(), std::pair<uint64_t, uint32_t> { seq, 0 });
        if (it != bySeq.end() && it->first == seq) {
            const FrameSlice& s = out.slices[it->second];
            return Spot { s.tick0, s.tick1, s.actor };
        }
        if (lookups++ >= kMaxCauseLookups)
            return std::nullopt;
        m_point.reset();
        m_point.bind(1, int64_t(std::min<uint64_t>(seq, INT64_MAX)));
        if (!m_point.step())
            return std::nullopt;
        const int64_t recv = m_point.columnInt(1);
        if (recv < 0 || !std::binary_search(out.lanes.begin(), out.lanes.end(), uint32_t(recv)))
            return std::nullopt;
        const auto tick = double(m_point.columnInt(0));
        return Spot { tick, tick + 1, uint32_t(recv) };
    };
    m_world->build(out.world, out.viewport, m_lastTick, deliveryAt);
}

std::vector<int32_t> FrameBuilder::slotsFor(const std::vector<LaneAcc>& acc) const
{
    std::vector<int32_t> slot;
    for (size_t i = 0; i < acc.size(); ++i) {
        if (!m_extent.isActor(acc[i].actor))
            continue; // a lane the trace does not have: nothing is ever drawn on it
        if (acc[i].actor >= slot.size())
            slot.resize(size_t(acc[i].actor) + 1, 0);
        slot[acc[i].actor] = int32_t(i + 1);
    }
    return slot;
}

void FrameBuilder::buildDirect(FrameList& out, uint64_t first, uint64_t last, std::vector<LaneAcc>& acc, bool slices)
{
    const TimelineViewport& vp = out.viewport;
    const std::vector<int32_t> slot = slotsFor(acc);
    struct Row {
        uint64_t seq, tick, cause;
        int64_t sender, handler;
        uint32_t receiver;
        uint8_t outcome;
    };
    std::vector<Row> group; // the wanted rows of one tick
    std::vector<int> perLane(acc.size(), 0), rank(acc.size(), 0);
    std::vector<int32_t> sliceBySeq(slices ? size_t(last - first + 1) : 0, -1);
    auto flush = [&] {
        for (const Row& r : group)
            ++perLane[size_t(slot[r.receiver] - 1)];
        for (const Row& r : group) {
            const size_t s = size_t(slot[r.receiver] - 1);
            const double k = perLane[s];
            const double a = double(r.tick) + rank[s] / k, b = double(r.tick) + (rank[s] + 1) / k;
            ++rank[s];
            if (slices && (b - a) * vp.pixelsPerTick() >= FrameList::kMinSlicePixels) {
                sliceBySeq[size_t(r.seq - first)] = int32_t(out.slices.size());
                out.slices.push_back({ r.seq, r.cause, a, b, r.receiver, r.handler, r.sender, r.outcome, false });
            } else {
                acc[s].add(a, b, 1.0, false, vp);
            }
        }
        for (const Row& r : group)
            perLane[size_t(slot[r.receiver] - 1)] = rank[size_t(slot[r.receiver] - 1)] = 0;
        group.clear();
    };
    m_rows.reset();
    m_rows.bind(1, int64_t(first));
    m_rows.bind(2, int64_t(last));
    uint64_t tick = UINT64_MAX;
    while (m_rows.step()) {
        Row r { uint64_t(m_rows.columnInt(0)), uint64_t(m_rows.columnInt(1)), uint64_t(m_rows.columnInt(5)),
            m_rows.columnInt(2), m_rows.isNull(4) ? -1 : m_rows.columnInt(4), 0, uint8_t(m_rows.columnInt(6)) };
        const int64_t receiver = m_rows.columnInt(3);
        if (r.tick != tick) {
            flush();
            tick = r.tick;
        }
        if (receiver < 0 || uint64_t(receiver) >= slot.size() || slot[size_t(receiver)] == 0)
            continue;
        if (r.seq < first || r.seq > last)
            continue;
        r.receiver = uint32_t(receiver);
        group.push_back(r);
    }
    flush();
    if (!slices)
        return;
    addOutputs(out, first, last, slot);
    // Arrows: cause slice -> effect slice, both prepared; causes left of the
    // range are looked up (a few hundred at most).
    size_t lookups = 0;
    for (const FrameSlice& s : out.slices) {
        if (out.arrows.size() >= kMaxArrows)
            break;
        if (s.causeSeq == 0)
            continue;
        if (s.causeSeq >= first && s.causeSeq <= last) {
            const int32_t c = sliceBySeq[size_t(s.causeSeq - first)];
            if (c >= 0) {
                const FrameSlice& from = out.slices[size_t(c)];
                out.arrows.push_back(
                    { from.seq, s.seq, (from.tick0 + from.tick1) / 2, (s.tick0 + s.tick1) / 2, from.actor, s.actor });
            }
        } else if (s.causeSeq < first && lookups++ < kMaxCauseLookups) {
            m_point.reset();
            m_point.bind(1, int64_t(s.causeSeq));
            if (m_point.step()) {
                const int64_t recv = m_point.columnInt(1);
                if (recv >= 0 && uint64_t(recv) < slot.size() && slot[size_t(recv)] != 0)
                    out.arrows.push_back({ s.causeSeq, s.seq, double(m_point.columnInt(0)) + 0.5,
                        (s.tick0 + s.tick1) / 2, uint32_t(recv), s.actor });
            }
        }
    }
}

void FrameBuilder::releaseLocks()
{
    for (debugger::Statement* st :
        { &m_rows, &m_point, &m_outputAt, &m_outputs, &m_laneForward, &m_laneBackward, &m_effect })
        st->reset();
}

uint64_t FrameBuilder::firstOutputRowAtOrAfter(uint64_t seq)
{
    // outputs are appended in seq order, so seq is non-decreasing along rowid.
    auto& db = m_reader->database();
    int64_t lo = db.scalar("SELECT min(rowid) FROM outputs", 0), hi = db.scalar("SELECT max(rowid) FROM outputs", 0);
    if (hi <= 0)
        return UINT64_MAX;
    ++hi; // answer in [lo, hi]; hi means none
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        m_outputAt.reset();
        m_outputAt.bind(1, mid);
        if (!m_outputAt.step()) {
            hi = mid;
            continue;
        }
        if (uint64_t(m_outputAt.columnInt(1)) >= seq)
            hi = mid;
        else
            lo = m_outputAt.columnInt(0) + 1;
    }
    return uint64_t(lo);
}

void FrameBuilder::addOutputs(FrameList& out, uint64_t first, uint64_t last, const std::vector<int32_t>& slot)
{
    const uint64_t row = firstOutputRowAtOrAfter(first);
    if (row == UINT64_MAX)
        return;
    m_outputs.reset();
    m_outputs.bind(1, int64_t(row));
    size_t n = 0;
    while (m_outputs.step() && n++ < 100'000) {
        const auto seq = uint64_t(m_outputs.columnInt(0));
        if (seq > last)
            break;
        if (m_outputs.columnInt(1) == debugger::kTraceWorldStream)
            continue; // sent to the outside world (its lane shows it), not printed
        // out.slices is in seq order here (sorted by lane later).
        auto it = std::lower_bound(
            out.slices.begin(), out.slices.end(), seq, [](const FrameSlice& s, uint64_t q) { return s.seq < q; });
        if (it != out.slices.end() && it->seq == seq) {
            if (!it->output)
                out.events.push_back({ FrameEvent::Kind::Output, seq, (it->tick0 + it->tick1) / 2, it->actor });
            it->output = true;
        }
    }
    (void)slot;
}

void FrameBuilder::buildAggregate(FrameList& out, std::vector<LaneAcc>& acc)
{
    const uint64_t first = out.firstSeq, last = out.lastSeq;
    const uint64_t B = m_pyramid ? m_pyramid->bucketSize() : 0;
    if (!m_pyramid || last - first + 1 < 4 * B) {
        sample(out, first, last, acc);
        return;
    }
    const uint64_t bFirst = (first - 1 + B - 1) / B, bLast = last / B; // whole buckets [bFirst, bLast)
    if (first <= bFirst * B)
        buildDirect(out, first, bFirst * B, acc, false);
    uint64_t sampledFrom = bFirst;
    const TimelineViewport& vp = out.viewport;
    m_pyramid->read([&](const DensityPyramid::Level& fine, const DensityPyramid::Level& coarse, uint64_t ready) {
        const uint64_t end = std::max(bFirst, std::min(bLast, ready));
        const bool useCoarse = (bLast - bFirst) > uint64_t(4 * vp.width);
        const uint64_t C = DensityPyramid::kCoarseFactor;
        const std::vector<int32_t> slot = slotsFor(acc);
        auto emit = [&](const DensityPyramid::Bucket& b, const std::vector<DensityPyramid::Entry>& entries) {
            for (uint64_t e = b.entryBegin; e < b.entryEnd; ++e) {
                const auto& en = entries[e];
                if (en.actor < slot.size() && slot[en.actor] != 0)
                    acc[size_t(slot[en.actor] - 1)].add(
                        double(b.firstTick), double(b.lastTick) + 1, en.count, false, vp);
            }
        };
        for (uint64_t i = bFirst; i < end;) {
            if (useCoarse && i % C == 0 && i + C <= end && i / C < coarse.buckets.size()) {
                emit(coarse.buckets[i / C], coarse.entries);
                i += C;
            } else {
                emit(fine.buckets[i], fine.entries);
                ++i;
            }
        }
        sampledFrom = end;
    });
    if (sampledFrom < bLast)
        sample(out, sampledFrom * B + 1, bLast * B, acc);
    if (bLast * B + 1 <= last)
        buildDirect(out, bLast * B + 1, last, acc, false);
}

void FrameBuilder::sample(FrameList& out, uint64_t first, uint64_t last, std::vector<LaneAcc>& acc)
{
    const uint64_t n = last - first + 1;
    // About one lookup per pixel column: a cold cache costs ~0.1 ms per lookup.
    const uint64_t samples = std::min<uint64_t>(n, uint64_t(std::max(1000, out.viewport.width)));
    const double weight = double(n) / double(samples);
    const std::vector<int32_t> slot = slotsFor(acc);
    for (uint64_t i = 0; i < samples; ++i) {
        const uint64_t seq = first + uint64_t(double(i) * double(n) / double(samples));
        m_point.reset();
        m_point.bind(1, int64_t(seq));
        if (!m_point.step())
            continue;
        const int64_t recv = m_point.columnInt(1);
        if (recv < 0 || uint64_t(recv) >= slot.size() || slot[size_t(recv)] == 0)
            continue;
        const double tick = double(m_point.columnInt(0));
        acc[size_t(slot[size_t(recv)] - 1)].add(tick, tick + 1, weight, true, out.viewport);
    }
    out.estimated = out.estimated || samples < n;
    if (samples >= n) // every row was looked at: exact after all
        for (auto& a : acc)
            for (auto& m : a.marks)
                m.estimated = false;
}

std::optional<uint64_t> FrameBuilder::stepOnLane(uint32_t actor, uint64_t seq, bool forward)
{
    const LockRelease release { this };
    const uint64_t B = m_pyramid ? m_pyramid->bucketSize() : 65536;
    const uint64_t ready = m_pyramid ? m_pyramid->readyBuckets() : 0;
    if (forward) {
        for (uint64_t from = seq; from < m_lastSeq;) {
            const uint64_t b = from / B; // bucket holding from + 1
            const bool known = b < ready;
            if (known && !m_pyramid->bucketHasActor(b, actor)) {
                from = (b + 1) * B;
                continue;
            }
            const uint64_t to = std::min(m_lastSeq, known ? (b + 1) * B : from + 64 * B);
            m_laneForward.reset();
            m_laneForward.bind(1, int64_t(from));
            m_laneForward.bind(2, int64_t(to));
            m_laneForward.bind(3, int64_t(actor));
            if (m_laneForward.step())
                return uint64_t(m_laneForward.columnInt(0));
            if (!m_laneForward.ok())
                return std::nullopt;
            from = to;
        }
        return std::nullopt;
    }
    for (uint64_t to = std::min(seq, m_lastSeq + 1); to > 1;) { // look in [.., to)
        const uint64_t b = (to - 2) / B; // bucket holding to - 1
        const bool known = b < ready;
        if (known && !m_pyramid->bucketHasActor(b, actor)) {
            to = b * B + 1;
            continue;
        }
        const uint64_t from = known ? b * B + 1 : (to > 64 * B ? to - 64 * B : 1);
        m_laneBackward.reset();
        m_laneBackward.bind(1, int64_t(from));
        m_laneBackward.bind(2, int64_t(to));
        m_laneBackward.bind(3, int64_t(actor));
        if (m_laneBackward.step())
            return uint64_t(m_laneBackward.columnInt(0));
        if (!m_laneBackward.ok())
            return std::nullopt;
        to = from;
    }
    return std::nullopt;
}

std::optional<uint64_t> FrameBuilder::causeOf(uint64_t seq)
{
    const LockRelease release { this };
    m_point.reset();
    m_point.bind(1, int64_t(seq));
    if (!m_point.step() || m_point.columnInt(2) <= 0)
        return std::nullopt;
    return uint64_t(m_point.columnInt(2));
}

std::optional<uint64_t> FrameBuilder::firstEffectOf(uint64_t seq)
{
    const LockRelease release { this };
    // Effects come later in seq order; a handler that sent nothing scans to
    // the end, so the scan is bounded.
    m_effect.reset();
    m_effect.bind(1, int64_t(seq));
    m_effect.bind(2, int64_t(std::min(m_lastSeq, seq + kMaxEffectScan)));
    m_effect.bind(3, int64_t(seq));
    if (!m_effect.step())
        return std::nullopt;
    return uint64_t(m_effect.columnInt(0));
}

std::optional<uint32_t> FrameBuilder::receiverOf(uint64_t seq)
{
    const LockRelease release { this };
    m_point.reset();
    m_point.bind(1, int64_t(seq));
    if (!m_point.step() || m_point.columnInt(1) < 0)
        return std::nullopt;
    return uint32_t(m_point.columnInt(1));
}

} // namespace aeroflow::timeline
