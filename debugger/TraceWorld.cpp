// Reading a run's traffic with the outside world (see TraceWorld.h): ranges,
// samples and single rows. The searches that join rows (deliveries,
// exchanges, stepping) are in TraceWorldSearch.cpp.
//
// Invariants the queries rely on, and what happens when a trace breaks them:
//  - effects and outputs are appended in seq order, so seq never decreases
//    along rowid and a seq maps to a rowid by binary search. A forged table
//    that breaks this makes the search land somewhere else; every row read is
//    then checked against the asked range, so the answer is incomplete, never
//    out of range.
//  - an input's delivery runs at tick(seq) + 1, so it lies between delivery
//    seq + 1 and the last delivery of that tick: input_links is read over
//    that seq range only.
//  - sizes come from the asked range, the row caps and the scan bounds, never
//    from a count or a length stored in the file.

#include "TraceWorld.h"

#include "TraceSchema.h"
#include "TraceWorldRow.h"

#include <algorithm>
#include <array>

namespace aeroflow::debugger {

namespace {

using engine::InputEvent;
using engine::OutputEvent;

/// Kinds of world inputs, as an SQL list (from the engine's own names).
std::string worldKindsSql()
{
    std::string s;
    for (uint8_t k = 1; k <= uint8_t(InputEvent::Kind::Halt); ++k) {
        if (!s.empty())
            s += ", ";
        s += "'";
        s += engine::inputKindName(InputEvent::Kind(k));
        s += "'";
    }
    return s;
}

/// Bodies and fields cut to what the caller asked for.
template <typename Event> void trim(Event& e, uint64_t& bodyBytes, const WorldReadOptions& o)
{
    bodyBytes = e.body.size();
    if (e.body.size() > o.bodyLimit)
        e.body = e.body.substr(0, o.bodyLimit);
    if (!o.withFields)
        e.headers = {};
}

constexpr size_t kMaxSamples = 4096;
constexpr size_t kSampleDecodeBytes = 4096;

} // namespace

using world::bindable;
using world::saturatingAdd;

bool isWorldInputKind(std::string_view kind)
{
    return engine::inputKindFromName(kind).has_value();
}

std::optional<int32_t> HttpExchange::statusSent() const
{
    if (done && done->error.empty())
        return done->event.status;
    if (response && response->error.empty())
        return response->event.status;
    return std::nullopt;
}

std::optional<uint64_t> HttpExchange::latencyUs() const
{
    if (done && done->error.empty())
        return done->event.latencyUs;
    return std::nullopt;
}

Result<std::unique_ptr<TraceWorld>> TraceWorld::open(TraceReader& reader)
{
    std::unique_ptr<TraceWorld> w(new TraceWorld(reader));
    if (auto r = w->prepare(); !r)
        return std::unexpected(r.error());
    return w;
}

std::string TraceWorld::fail(const std::string& what) const
{
    return "trace '" + m_reader.path() + "': " + what + ": " + m_reader.database().lastError();
}

Result<void> TraceWorld::prepare()
{
    Database& db = m_reader.database();
    // The checked extent, not the last row: a forged seq or tick past the
    // rest of the trace bounds no search (TraceExtent).
    auto extent = m_reader.extent();
    if (!extent)
        return std::unexpected(extent.error());
    m_lastSeq = extent->messages;
    m_lastTick = extent->finalTick;
    m_effectsCount = m_reader.info().effects;
    m_outputsCount = m_reader.info().outputs + m_reader.info().worldOutputs;
    m_effectsMaxRow = uint64_t(std::max<int64_t>(0, db.scalar("SELECT max(rowid) FROM effects", 0)));
    m_outputsMaxRow = uint64_t(std::max<int64_t>(0, db.scalar("SELECT max(rowid) FROM outputs", 0)));
    m_hasLinks = db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'input_links'", 0) > 0;

    const std::string kinds = worldKindsSql();
    // Columns of every row read: rowid, seq, kind, length, and the bytes when
    // they are at most ?3 long (else NULL: a frame never loads a huge body).
    const std::string effectCols
        = "SELECT rowid, seq, kind, length(value), CASE WHEN length(value) <= ?3 THEN value END FROM effects ";
    const std::string outputCols
        = "SELECT rowid, seq, 'out', length(text), CASE WHEN length(text) <= ?3 THEN text END FROM outputs ";
    // Range scans: rowid in [?1, ?2), world rows only, at most ?4.
    const std::string effectRange = "WHERE rowid >= ?1 AND rowid < ?2 AND kind IN (" + kinds + ") ORDER BY rowid";
    const std::string outputRange = "WHERE rowid >= ?1 AND rowid < ?2 AND stream = 3 ORDER BY rowid";
    m_effectRows = db.prepare(effectCols + effectRange + " LIMIT ?4", true);
    m_effectRowsBack = db.prepare(effectCols + effectRange + " DESC LIMIT ?4", true);
    m_outputRows = db.prepare(outputCols + outputRange + " LIMIT ?4", true);
    m_outputRowsBack = db.prepare(outputCols + outputRange + " DESC LIMIT ?4", true);
    m_effectSeqAt = db.prepare("SELECT rowid, seq FROM effects WHERE rowid >= ? ORDER BY rowid LIMIT 1", true);
    m_outputSeqAt = db.prepare("SELECT rowid, seq FROM outputs WHERE rowid >= ? ORDER BY rowid LIMIT 1", true);
    // One row: rowid ?1, bytes up to ?2.
    m_effectAt = db.prepare(
        "SELECT rowid, seq, kind, length(value), CASE WHEN length(value) <= ?2 THEN value END FROM effects "
        "WHERE rowid = ?1",
        true);
    m_outputAt = db.prepare(
        "SELECT rowid, seq, 'out', length(text), CASE WHEN length(text) <= ?2 THEN text END FROM outputs "
        "WHERE rowid = ?1 AND stream = 3",
        true);
    // Stepping: the first world row of [?1, ?2) whose kind is not ?3.
    const std::string step = "SELECT rowid FROM effects WHERE rowid >= ?1 AND rowid < ?2 AND kind IN (" + kinds
        + ") AND kind <> ?3 ORDER BY rowid";
    m_stepRows = db.prepare(step + " LIMIT 1", true);
    m_stepRowsBack = db.prepare(step + " DESC LIMIT 1", true);
    m_effectValue = db.prepare("SELECT value FROM effects WHERE rowid = ?", true);
    m_outputValue = db.prepare("SELECT text FROM outputs WHERE rowid = ?", true);
    m_sampleEffect = db.prepare(
        "SELECT rowid, seq, kind, length(value), CASE WHEN length(value) <= ?2 THEN value END FROM effects "
        "WHERE rowid = ?1",
        true);
    m_sampleOutput = db.prepare(
        "SELECT rowid, seq, stream, length(text), CASE WHEN stream = 3 AND length(text) <= ?2 THEN text END "
        "FROM outputs WHERE rowid = ?1",
        true);
    for (const Statement* st : {&m_effectRows, &m_effectRowsBack, &m_outputRows, &m_outputRowsBack, &m_effectSeqAt,
                                &m_outputSeqAt, &m_effectAt, &m_outputAt, &m_sampleEffect, &m_sampleOutput,
                                &m_effectValue, &m_outputValue, &m_stepRows, &m_stepRowsBack})
        if (!st->valid())
            return std::unexpected(fail("cannot read inputs and outputs"));
    if (m_hasLinks) {
        m_linksIn = db.prepare("SELECT seq, effect FROM input_links WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?",
                               true);
        m_linkOf = db.prepare("SELECT effect FROM input_links WHERE seq = ?", true);
        if (!m_linksIn.valid() || !m_linkOf.valid())
            return std::unexpected(fail("cannot read input_links"));
    }

    // Anything from outside? An output to the world, or a world input among
    // the first effects (a program that serves has a `listen` answer and its
    // inputs early; a bounded look, never a scan of a huge table).
    m_hasWorld = m_reader.info().worldOutputs > 0
        || db.scalar(("SELECT count(*) FROM (SELECT kind FROM effects ORDER BY rowid LIMIT 1000) WHERE kind IN ("
                      + kinds + ")")
                         .c_str(),
                     0)
            > 0;
    return {};
}

Result<uint64_t> TraceWorld::firstRowAtOrAfter(bool outputs, uint64_t seq)
{
    Statement& st = outputs ? m_outputSeqAt : m_effectSeqAt;
    const uint64_t maxRow = outputs ? m_outputsMaxRow : m_effectsMaxRow;
    // Answer in [lo, hi]; hi = maxRow + 1 means none. Rowids may have gaps.
    uint64_t lo = 1, hi = saturatingAdd(maxRow, 1);
    while (lo < hi) {
        const uint64_t mid = lo + (hi - lo) / 2;
        st.reset();
        st.bind(1, bindable(mid));
        if (!st.step()) {
            if (!st.ok())
                return std::unexpected(fail(outputs ? "cannot read outputs" : "cannot read effects"));
            hi = mid;
            continue;
        }
        const auto row = uint64_t(std::max<int64_t>(0, st.columnInt(0)));
        if (uint64_t(std::max<int64_t>(0, st.columnInt(1))) >= seq || row < mid)
            hi = mid;
        else
            lo = row + 1;
    }
    st.reset();
    return lo;
}

Result<WorldSpan> TraceWorld::span(bool outputs, uint64_t firstSeq, uint64_t lastSeq)
{
    if (firstSeq > lastSeq)
        return WorldSpan{};
    auto first = firstRowAtOrAfter(outputs, firstSeq);
    if (!first)
        return std::unexpected(first.error());
    auto end = firstRowAtOrAfter(outputs, saturatingAdd(lastSeq, 1));
    if (!end)
        return std::unexpected(end.error());
    WorldSpan sp{*first, std::max(*first, *end), 0};
    sp.rows = std::min(sp.end - sp.first, outputs ? m_outputsCount : m_effectsCount);
    return sp;
}

Result<WorldSpan> TraceWorld::inputSpan(uint64_t firstSeq, uint64_t lastSeq)
{
    return span(false, firstSeq, lastSeq);
}

Result<WorldSpan> TraceWorld::outputSpan(uint64_t firstSeq, uint64_t lastSeq)
{
    return span(true, firstSeq, lastSeq);
}

WorldInput TraceWorld::decodeInputRow(const RawRow& raw, const WorldReadOptions& options) const
{
    WorldInput in;
    in.effectRow = raw.row;
    in.seq = raw.seq;
    in.rowBytes = raw.bytes;
    const auto kind = engine::inputKindFromName(raw.kind);
    in.event.kind = kind.value_or(InputEvent::Kind::Halt);
    const std::string name(raw.kind.substr(0, 40));
    if (in.seq > m_lastSeq) {
        in.error = "arrived after delivery " + std::to_string(in.seq) + ", past the last one (" +
                   std::to_string(m_lastSeq) + ")";
        in.seq = m_lastSeq;
        return in;
    }
    if (!raw.hasValue || raw.value.size() > options.maxDecodeBytes) {
        in.error = name + " input of " + std::to_string(raw.bytes) + " bytes: too large to read here";
        in.unread = kind.has_value();
        return in;
    }
    auto e = engine::decodeInput(raw.value);
    if (!e) {
        in.error = "damaged " + name + " input: " + e.error();
        return in;
    }
    if (!kind || e->kind != *kind) {
        in.error = "recorded as " + name + " but holds a " + engine::inputKindName(e->kind);
        return in;
    }
    in.event = std::move(*e);
    trim(in.event, in.bodyBytes, options);
    if (!options.withFields)
        in.event.query = {};
    return in;
}

WorldOutput TraceWorld::decodeOutputRow(const RawRow& raw, const WorldReadOptions& options) const
{
    WorldOutput out;
    out.row = raw.row;
    out.seq = raw.seq;
    out.rowBytes = raw.bytes;
    if (out.seq > m_lastSeq) {
        out.error = "sent during delivery " + std::to_string(out.seq) + ", past the last one (" +
                    std::to_string(m_lastSeq) + ")";
        out.seq = m_lastSeq;
        return out;
    }
    if (!raw.hasValue || raw.value.size() > options.maxDecodeBytes) {
        out.error = "output of " + std::to_string(raw.bytes) + " bytes: too large to read here";
        out.unread = true;
        return out;
    }
    auto e = engine::decodeOutput(raw.value);
    if (!e) {
        out.error = "damaged output: " + e.error();
        return out;
    }
    out.event = std::move(*e);
    trim(out.event, out.bodyBytes, options);
    return out;
}

bool TraceWorld::fetchLarge(RawRow& raw, bool outputs, const WorldReadOptions& options, size_t& budget)
{
    if (raw.hasValue || raw.bytes > options.maxDecodeBytes || raw.bytes > budget)
        return raw.hasValue;
    Statement& st = outputs ? m_outputValue : m_effectValue;
    st.reset();
    st.bind(1, bindable(raw.row));
    if (!st.step())
        return false;
    raw.value = st.columnBlob(0); // valid until the statement is used again
    raw.hasValue = true;
    budget -= std::min<size_t>(budget, raw.value.size());
    return true;
}

template <typename Row> Result<void> TraceWorld::resolveTicks(std::vector<Row>& rows, uint64_t plus)
{
    if (rows.empty())
        return {};
    // Ticks never decrease along seq: bisect the sorted seqs and look up only
    // where the tick changes (a handful of lookups for rows of a few ticks).
    std::vector<uint64_t> seqs;
    seqs.reserve(rows.size());
    for (const Row& r : rows)
        seqs.push_back(std::min(r.seq, m_lastSeq));
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    std::vector<uint64_t> ticks(seqs.size(), 0);
    auto lookup = [&](size_t i, uint64_t fallback) {
        auto t = m_reader.tickOf(seqs[i]);
        return t ? *t : fallback; // a gap in a damaged messages table: keep the neighbour's tick
    };
    ticks.front() = lookup(0, 0);
    ticks.back() = lookup(seqs.size() - 1, ticks.front());
    std::vector<std::pair<size_t, size_t>> stack{{0, seqs.size() - 1}};
    while (!stack.empty()) {
        const auto [i, j] = stack.back();
        stack.pop_back();
        if (j <= i + 1)
            continue;
        if (ticks[i] == ticks[j]) {
            std::fill(ticks.begin() + std::ptrdiff_t(i) + 1, ticks.begin() + std::ptrdiff_t(j), ticks[i]);
            continue;
        }
        const size_t m = i + (j - i) / 2;
        ticks[m] = lookup(m, ticks[i]);
        stack.emplace_back(i, m);
        stack.emplace_back(m, j);
    }
    for (Row& r : rows) {
        const size_t k = size_t(std::lower_bound(seqs.begin(), seqs.end(), std::min(r.seq, m_lastSeq)) - seqs.begin());
        r.tick = saturatingAdd(ticks[k], plus);
    }
    return {};
}

// The exchange searches (TraceWorldSearch.cpp) resolve ticks too.
template Result<void> TraceWorld::resolveTicks(std::vector<WorldInput>&, uint64_t);
template Result<void> TraceWorld::resolveTicks(std::vector<WorldOutput>&, uint64_t);
template Result<void> TraceWorld::resolveTicks(std::vector<WorldSample>&, uint64_t);

Result<void> TraceWorld::resolveDeliveries(std::vector<WorldInput>& rows)
{
    if (!m_hasLinks || rows.empty())
        return {};
    uint64_t minSeq = UINT64_MAX, maxTick = 0, minRow = UINT64_MAX, maxRow = 0;
    for (const WorldInput& in : rows) {
        minSeq = std::min(minSeq, in.seq);
        maxTick = std::max(maxTick, in.tick);
        minRow = std::min(minRow, in.effectRow);
        maxRow = std::max(maxRow, in.effectRow);
    }
    auto upper = m_reader.seqAtTick(maxTick, m_lastSeq);
    if (!upper)
        return std::unexpected(upper.error());
    std::vector<std::pair<uint64_t, uint64_t>> links; // (effect, delivery)
    m_linksIn.reset();
    m_linksIn.bind(1, bindable(saturatingAdd(minSeq, 1)));
    m_linksIn.bind(2, bindable(std::min(*upper, m_lastSeq)));
    // A delivery has one link and each input queues at most one delivery, so
    // more links than this would be damage; bounded either way.
    m_linksIn.bind(3, bindable(rows.size() * 4 + 256));
    while (m_linksIn.step()) {
        const int64_t seq = m_linksIn.columnInt(0), effect = m_linksIn.columnInt(1);
        if (effect >= int64_t(minRow) && effect <= int64_t(maxRow))
            links.emplace_back(uint64_t(effect), uint64_t(seq));
    }
    const bool ok = m_linksIn.ok();
    m_linksIn.reset();
    if (!ok)
        return std::unexpected(fail("cannot read input_links"));
    std::sort(links.begin(), links.end());
    for (WorldInput& in : rows) {
        auto it = std::lower_bound(links.begin(), links.end(), std::pair<uint64_t, uint64_t>{in.effectRow, 0});
        if (it != links.end() && it->first == in.effectRow && it->second > in.seq && it->second <= m_lastSeq)
            in.deliveredSeq = it->second;
    }
    return {};
}

Result<WorldPage<WorldInput>> TraceWorld::inputs(uint64_t firstSeq, uint64_t lastSeq, const WorldReadOptions& options)
{
    WorldPage<WorldInput> page;
    lastSeq = std::min(lastSeq, m_lastSeq);
    if (firstSeq > lastSeq || options.maxRows == 0)
        return page;
    auto sp = span(false, firstSeq, lastSeq);
    if (!sp)
        return std::unexpected(sp.error());
    Statement& st = m_effectRows;
    st.reset();
    st.bind(1, bindable(sp->first));
    st.bind(2, bindable(sp->end));
    st.bind(3, bindable(std::min(options.maxDecodeBytes, kInlineBytes)));
    st.bind(4, bindable(saturatingAdd(options.maxRows, 1)));
    size_t budget = options.decodeBudget;
    while (st.step()) {
        RawRow raw = RawRow::from(st);
        if (raw.seq < firstSeq || raw.seq > lastSeq)
            continue; // out of order: a damaged table
        if (page.rows.size() == options.maxRows) {
            page.truncated = true;
            break;
        }
        fetchLarge(raw, false, options, budget);
        page.rows.push_back(decodeInputRow(raw, options));
    }
    m_effectValue.reset();
    const bool ok = st.ok();
    st.reset();
    if (!ok)
        return std::unexpected(fail("cannot read effects"));
    if (auto r = resolveTicks(page.rows, 1); !r)
        return std::unexpected(r.error());
    if (auto r = resolveDeliveries(page.rows); !r)
        return std::unexpected(r.error());
    return page;
}

Result<WorldSeqRange> TraceWorld::inputSeqsOfTicks(uint64_t firstTick, uint64_t lastTick)
{
    // Stamped at tick(seq) + 1 in [firstTick, lastTick]: tick(seq) in [firstTick - 1, lastTick - 1].
    WorldSeqRange r;
    if (lastTick == 0 || firstTick > lastTick)
        return r;
    r.first = 0;
    if (firstTick >= 2) {
        auto s = m_reader.seqAtTick(firstTick - 2, m_lastSeq);
        if (!s)
            return std::unexpected(s.error());
        r.first = *s + 1;
    }
    auto last = m_reader.seqAtTick(lastTick - 1, m_lastSeq);
    if (!last)
        return std::unexpected(last.error());
    r.last = *last;
    return r;
}

Result<WorldSeqRange> TraceWorld::outputSeqsOfTicks(uint64_t firstTick, uint64_t lastTick)
{
    WorldSeqRange r;
    if (firstTick > lastTick)
        return r;
    r.first = 0;
    if (firstTick >= 1) {
        auto s = m_reader.seqAtTick(firstTick - 1, m_lastSeq);
        if (!s)
            return std::unexpected(s.error());
        r.first = *s + 1;
    }
    auto last = m_reader.seqAtTick(lastTick, m_lastSeq);
    if (!last)
        return std::unexpected(last.error());
    r.last = *last;
    return r;
}

Result<WorldPage<WorldInput>> TraceWorld::inputsInTicks(uint64_t firstTick, uint64_t lastTick,
                                                        const WorldReadOptions& options)
{
    auto r = inputSeqsOfTicks(firstTick, lastTick);
    if (!r)
        return std::unexpected(r.error());
    if (r->empty())
        return WorldPage<WorldInput>{};
    return inputs(r->first, r->last, options);
}

Result<WorldPage<WorldOutput>> TraceWorld::outputs(uint64_t firstSeq, uint64_t lastSeq,
                                                   const WorldReadOptions& options)
{
    WorldPage<WorldOutput> page;
    lastSeq = std::min(lastSeq, m_lastSeq);
    if (firstSeq > lastSeq || options.maxRows == 0)
        return page;
    auto sp = span(true, firstSeq, lastSeq);
    if (!sp)
        return std::unexpected(sp.error());
    Statement& st = m_outputRows;
    st.reset();
    st.bind(1, bindable(sp->first));
    st.bind(2, bindable(sp->end));
    st.bind(3, bindable(std::min(options.maxDecodeBytes, kInlineBytes)));
    st.bind(4, bindable(saturatingAdd(options.maxRows, 1)));
    size_t budget = options.decodeBudget;
    while (st.step()) {
        RawRow raw = RawRow::from(st);
        if (raw.seq < firstSeq || raw.seq > lastSeq)
            continue;
        if (page.rows.size() == options.maxRows) {
            page.truncated = true;
            break;
        }
        fetchLarge(raw, true, options, budget);
        page.rows.push_back(decodeOutputRow(raw, options));
    }
    m_outputValue.reset();
    const bool ok = st.ok();
    st.reset();
    if (!ok)
        return std::unexpected(fail("cannot read outputs"));
    if (auto r = resolveTicks(page.rows, 0); !r)
        return std::unexpected(r.error());
    return page;
}

Result<WorldPage<WorldOutput>> TraceWorld::outputsInTicks(uint64_t firstTick, uint64_t lastTick,
                                                          const WorldReadOptions& options)
{
    auto r = outputSeqsOfTicks(firstTick, lastTick);
    if (!r)
        return std::unexpected(r.error());
    if (r->empty())
        return WorldPage<WorldOutput>{};
    return outputs(r->first, r->last, options);
}

Result<std::vector<WorldSample>> TraceWorld::sampleInputs(WorldSpan sp, size_t count)
{
    std::vector<WorldSample> out;
    const uint64_t n = sp.size(), width = sp.end > sp.first ? sp.end - sp.first : 0;
    count = size_t(std::min<uint64_t>({uint64_t(count), n, kMaxSamples}));
    out.reserve(count);
    Statement& st = m_sampleEffect;
    for (size_t i = 0; i < count; ++i) {
        const uint64_t row = sp.first + uint64_t(double(i) * double(width) / double(count));
        st.reset();
        st.bind(1, bindable(row));
        st.bind(2, bindable(kSampleDecodeBytes));
        if (!st.step()) {
            if (!st.ok())
                return std::unexpected(fail("cannot read effects"));
            continue;
        }
        const RawRow raw = RawRow::from(st);
        const auto kind = engine::inputKindFromName(raw.kind);
        if (!kind || raw.seq > m_lastSeq)
            continue;
        WorldSample s{raw.row, raw.seq, 0, false, uint8_t(*kind), 0, double(n) / double(count)};
        if (*kind == InputEvent::Kind::RequestDone) {
            std::expected<InputEvent, std::string> e = std::unexpected(std::string("too large"));
            if (raw.hasValue)
                e = engine::decodeInput(raw.value);
            if (e && e->kind == *kind)
                s.status = e->status;
            else
                s.kind = 0;
        }
        out.push_back(s);
    }
    st.reset();
    if (auto r = resolveTicks(out, 1); !r)
        return std::unexpected(r.error());
    return out;
}

Result<std::vector<WorldSample>> TraceWorld::sampleOutputs(WorldSpan sp, size_t count)
{
    std::vector<WorldSample> out;
    const uint64_t n = sp.size(), width = sp.end > sp.first ? sp.end - sp.first : 0;
    count = size_t(std::min<uint64_t>({uint64_t(count), n, kMaxSamples}));
    out.reserve(count);
    Statement& st = m_sampleOutput;
    for (size_t i = 0; i < count; ++i) {
        const uint64_t row = sp.first + uint64_t(double(i) * double(width) / double(count));
        st.reset();
        st.bind(1, bindable(row));
        st.bind(2, bindable(kSampleDecodeBytes));
        if (!st.step()) {
            if (!st.ok())
                return std::unexpected(fail("cannot read outputs"));
            continue;
        }
        if (st.columnInt(2) != kTraceWorldStream)
            continue;
        const RawRow raw = RawRow::from(st);
        if (raw.seq > m_lastSeq)
            continue;
        WorldSample s{raw.row, raw.seq, 0, true, 0, 0, double(n) / double(count)};
        if (raw.hasValue)
            if (auto e = engine::decodeOutput(raw.value)) {
                s.kind = uint8_t(e->kind);
                s.status = e->status;
            }
        out.push_back(s);
    }
    st.reset();
    if (auto r = resolveTicks(out, 0); !r)
        return std::unexpected(r.error());
    return out;
}

Result<std::optional<WorldInput>> TraceWorld::input(uint64_t effectRow, const WorldReadOptions& options)
{
    if (effectRow == 0 || effectRow > m_effectsMaxRow)
        return std::optional<WorldInput>{};
    Statement& st = m_effectAt;
    st.reset();
    st.bind(1, bindable(effectRow));
    st.bind(2, bindable(options.maxDecodeBytes));
    std::optional<WorldInput> in;
    if (st.step()) {
        const RawRow raw = RawRow::from(st);
        if (isWorldInputKind(raw.kind))
            in = decodeInputRow(raw, options);
    }
    const bool ok = st.ok();
    st.reset();
    if (!ok)
        return std::unexpected(fail("cannot read effects"));
    if (!in)
        return in;
    std::vector<WorldInput> one{std::move(*in)};
    if (auto r = resolveTicks(one, 1); !r)
        return std::unexpected(r.error());
    auto delivery = deliveryOf(one.front());
    if (!delivery)
        return std::unexpected(delivery.error());
    one.front().deliveredSeq = *delivery;
    return std::move(one.front());
}

Result<std::optional<WorldOutput>> TraceWorld::output(uint64_t row, const WorldReadOptions& options)
{
    if (row == 0 || row > m_outputsMaxRow)
        return std::optional<WorldOutput>{};
    Statement& st = m_outputAt;
    st.reset();
    st.bind(1, bindable(row));
    st.bind(2, bindable(options.maxDecodeBytes));
    std::optional<WorldOutput> out;
    if (st.step())
        out = decodeOutputRow(RawRow::from(st), options);
    const bool ok = st.ok();
    st.reset();
    if (!ok)
        return std::unexpected(fail("cannot read outputs"));
    if (!out)
        return out;
    std::vector<WorldOutput> one{std::move(*out)};
    if (auto r = resolveTicks(one, 0); !r)
        return std::unexpected(r.error());
    return std::move(one.front());
}

} // namespace aeroflow::debugger
