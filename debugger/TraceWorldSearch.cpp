// Searches over a run's traffic with the outside world (see TraceWorld.h):
// the delivery an input queued and the input of a delivery (input_links),
// HTTP exchanges (a request's response and request_done, found by request
// id), and stepping from one input or output to the next. Every search is
// bounded by TraceWorld::kExchangeScanRows rows and says when it gave up.

#include "TraceWorld.h"

#include "TraceSchema.h"
#include "TraceWorldRow.h"

namespace aeroflow::debugger {

namespace {

using engine::InputEvent;
using engine::OutputEvent;
using world::bindable;
using world::saturatingAdd;

/// Rowid windows a navigation step looks through before giving up.
constexpr int kStepWindows = 8;

} // namespace

Result<std::optional<uint64_t>> TraceWorld::deliveryOf(const WorldInput& in)
{
    if (!m_hasLinks || !in.error.empty())
        return std::optional<uint64_t>{};
    auto upper = m_reader.seqAtTick(in.tick, m_lastSeq);
    if (!upper)
        return std::unexpected(upper.error());
    m_linksIn.reset();
    m_linksIn.bind(1, bindable(saturatingAdd(in.seq, 1)));
    m_linksIn.bind(2, bindable(std::min(*upper, m_lastSeq)));
    m_linksIn.bind(3, bindable(kExchangeScanRows));
    std::optional<uint64_t> found;
    while (m_linksIn.step())
        if (uint64_t(m_linksIn.columnInt(1)) == in.effectRow) {
            found = uint64_t(m_linksIn.columnInt(0));
            break;
        }
    const bool ok = m_linksIn.ok();
    m_linksIn.reset();
    if (!ok)
        return std::unexpected(fail("cannot read input_links"));
    if (!found)
        return found;
    // The link must name a delivery from outside.
    auto m = m_reader.message(*found);
    if (!m)
        return std::unexpected(m.error());
    if (!*m || (*m)->sender != kTraceOutsideSender)
        return std::optional<uint64_t>{};
    return found;
}

Result<std::optional<uint64_t>> TraceWorld::inputOfDelivery(uint64_t seq)
{
    if (!m_hasLinks || seq == 0 || seq > m_lastSeq)
        return std::optional<uint64_t>{};
    m_linkOf.reset();
    m_linkOf.bind(1, bindable(seq));
    std::optional<uint64_t> effect;
    if (m_linkOf.step())
        effect = uint64_t(std::max<int64_t>(0, m_linkOf.columnInt(0)));
    const bool ok = m_linkOf.ok();
    m_linkOf.reset();
    if (!ok)
        return std::unexpected(fail("cannot read input_links"));
    if (!effect || *effect == 0 || *effect > m_effectsMaxRow)
        return std::optional<uint64_t>{};
    // Only a world input that arrived before the delivery counts.
    auto in = input(*effect, WorldReadOptions{1, 0, 0});
    if (!in)
        return std::unexpected(in.error());
    if (!*in || (*in)->seq >= seq)
        return std::optional<uint64_t>{};
    return effect;
}

Result<std::optional<WorldInput>> TraceWorld::findDone(const WorldInput& request, bool& cut)
{
    // request_done comes after the request, within the scan window.
    Statement& st = m_effectRows;
    st.reset();
    const uint64_t windowEnd = saturatingAdd(request.effectRow, saturatingAdd(kExchangeScanRows, 1));
    st.bind(1, bindable(saturatingAdd(request.effectRow, 1)));
    st.bind(2, bindable(windowEnd));
    st.bind(3, 1024); // request_done carries no body
    st.bind(4, bindable(kExchangeScanRows));
    std::optional<WorldInput> found;
    while (st.step()) {
        const RawRow raw = RawRow::from(st);
        if (raw.kind != engine::inputKindName(InputEvent::Kind::RequestDone))
            continue;
        WorldInput in = decodeInputRow(raw, WorldReadOptions{});
        if (in.error.empty() && in.event.id == request.event.id) {
            found = std::move(in);
            break;
        }
    }
    const bool ok = st.ok();
    st.reset();
    if (!ok)
        return std::unexpected(fail("cannot read effects"));
    if (found) {
        std::vector<WorldInput> one{std::move(*found)};
        if (auto r = resolveTicks(one, 1); !r)
            return std::unexpected(r.error());
        return std::move(one.front());
    }
    cut = cut || windowEnd <= m_effectsMaxRow;
    return found;
}

Result<std::optional<WorldOutput>> TraceWorld::findResponse(const WorldInput& request,
                                                            const WorldReadOptions& options, bool& cut)
{
    // The answer is sent during the request's delivery or later (or while
    // the request is injected: 404, 503), so from the request's seq on.
    auto from = firstRowAtOrAfter(true, request.seq);
    if (!from)
        return std::unexpected(from.error());
    Statement& st = m_outputRows;
    st.reset();
    const uint64_t windowEnd = saturatingAdd(*from, kExchangeScanRows);
    st.bind(1, bindable(*from));
    st.bind(2, bindable(windowEnd));
    st.bind(3, bindable(std::min(options.maxDecodeBytes, kInlineBytes)));
    st.bind(4, bindable(kExchangeScanRows));
    std::optional<WorldOutput> found;
    size_t budget = options.decodeBudget;
    while (st.step()) {
        RawRow raw = RawRow::from(st);
        fetchLarge(raw, true, options, budget);
        WorldOutput out = decodeOutputRow(raw, options);
        if (out.error.empty() && out.event.kind == OutputEvent::Kind::Respond && out.event.id == request.event.id) {
            found = std::move(out);
            break;
        }
    }
    const bool ok = st.ok();
    st.reset();
    m_outputValue.reset();
    if (!ok)
        return std::unexpected(fail("cannot read outputs"));
    if (found) {
        std::vector<WorldOutput> one{std::move(*found)};
        if (auto r = resolveTicks(one, 0); !r)
            return std::unexpected(r.error());
        return std::move(one.front());
    }
    cut = cut || windowEnd <= m_outputsMaxRow;
    return found;
}

Result<std::optional<HttpExchange>> TraceWorld::exchange(uint64_t effectRow, const WorldReadOptions& options)
{
    auto in = input(effectRow, options);
    if (!in)
        return std::unexpected(in.error());
    if (!*in || (*in)->event.kind != InputEvent::Kind::HttpRequest)
        return std::optional<HttpExchange>{};
    HttpExchange x;
    x.request = std::move(**in);
    if (!x.request.error.empty())
        return x; // no id to pair by
    auto done = findDone(x.request, x.searchCut);
    if (!done)
        return std::unexpected(done.error());
    x.done = std::move(*done);
    auto response = findResponse(x.request, options, x.searchCut);
    if (!response)
        return std::unexpected(response.error());
    x.response = std::move(*response);
    return x;
}

Result<std::optional<uint64_t>> TraceWorld::requestOf(uint64_t id, uint64_t seq)
{
    auto end = firstRowAtOrAfter(false, saturatingAdd(seq, 1));
    if (!end)
        return std::unexpected(end.error());
    Statement& st = m_effectRowsBack;
    st.reset();
    st.bind(1, bindable(*end > kExchangeScanRows ? *end - kExchangeScanRows : 1));
    st.bind(2, bindable(*end));
    WorldReadOptions o;
    o.maxRows = 1;
    o.maxDecodeBytes = 64 << 20;
    o.decodeBudget = 256 << 20;
    o.withFields = false;
    st.bind(3, bindable(kInlineBytes));
    st.bind(4, bindable(kExchangeScanRows));
    std::optional<uint64_t> request;
    size_t budget = o.decodeBudget;
    while (st.step()) {
        RawRow raw = RawRow::from(st);
        if (raw.kind != engine::inputKindName(InputEvent::Kind::HttpRequest))
            continue;
        fetchLarge(raw, false, o, budget);
        const WorldInput in = decodeInputRow(raw, o);
        if (in.error.empty() && in.event.id == id) {
            request = in.effectRow;
            break;
        }
    }
    const bool ok = st.ok();
    st.reset();
    m_effectValue.reset();
    if (!ok)
        return std::unexpected(fail("cannot read effects"));
    return request;
}

Result<std::optional<HttpExchange>> TraceWorld::exchangeOfResponse(uint64_t row, const WorldReadOptions& options)
{
    auto out = output(row, options);
    if (!out)
        return std::unexpected(out.error());
    if (!*out || !(*out)->error.empty() || (*out)->event.kind != OutputEvent::Kind::Respond)
        return std::optional<HttpExchange>{};
    // The request arrived at or before the delivery that answered it.
    auto request = requestOf((*out)->event.id, (*out)->seq);
    if (!request)
        return std::unexpected(request.error());
    if (!*request)
        return std::optional<HttpExchange>{};
    return exchange(**request, options);
}

Result<std::optional<uint64_t>> TraceWorld::stepInput(uint64_t effectRow, bool forward, bool withDone)
{
    Statement& st = forward ? m_stepRows : m_stepRowsBack;
    const std::string_view skip = withDone ? "" : engine::inputKindName(InputEvent::Kind::RequestDone);
    uint64_t lo = forward ? saturatingAdd(effectRow, 1)
                          : (effectRow > kExchangeScanRows ? effectRow - kExchangeScanRows : 1);
    uint64_t hi = forward ? saturatingAdd(lo, kExchangeScanRows) : effectRow;
    for (int window = 0; window < kStepWindows && lo < hi && lo <= m_effectsMaxRow; ++window) {
        st.reset();
        st.bind(1, bindable(lo));
        st.bind(2, bindable(hi));
        st.bindText(3, skip);
        if (st.step()) {
            const auto row = uint64_t(std::max<int64_t>(0, st.columnInt(0)));
            st.reset();
            return std::optional<uint64_t>(row);
        }
        if (!st.ok()) {
            st.reset();
            return std::unexpected(fail("cannot read effects"));
        }
        if (forward) {
            lo = hi;
            hi = saturatingAdd(lo, kExchangeScanRows);
        } else {
            hi = lo;
            lo = lo > kExchangeScanRows ? lo - kExchangeScanRows : 1;
        }
    }
    st.reset();
    return std::optional<uint64_t>{};
}

Result<std::optional<uint64_t>> TraceWorld::stepOutput(uint64_t row, bool forward)
{
    Statement& st = forward ? m_outputRows : m_outputRowsBack;
    uint64_t lo = forward ? saturatingAdd(row, 1) : (row > kExchangeScanRows ? row - kExchangeScanRows : 1);
    uint64_t hi = forward ? saturatingAdd(lo, kExchangeScanRows) : row;
    for (int window = 0; window < kStepWindows && lo < hi && lo <= m_outputsMaxRow; ++window) {
        st.reset();
        st.bind(1, bindable(lo));
        st.bind(2, bindable(hi));
        st.bind(3, 0);
        st.bind(4, 1);
        if (st.step()) {
            const auto found = uint64_t(std::max<int64_t>(0, st.columnInt(0)));
            st.reset();
            return std::optional<uint64_t>(found);
        }
        if (!st.ok())
            return std::unexpected(fail("cannot read outputs"));
        if (forward) {
            lo = hi;
            hi = saturatingAdd(lo, kExchangeScanRows);
        } else {
            hi = lo;
            lo = lo > kExchangeScanRows ? lo - kExchangeScanRows : 1;
        }
    }
    st.reset();
    return std::optional<uint64_t>{};
}

Result<std::optional<uint64_t>> TraceWorld::inputNearSeq(uint64_t seq, bool forward, bool withDone)
{
    if (forward) {
        auto first = firstRowAtOrAfter(false, seq);
        if (!first)
            return std::unexpected(first.error());
        return stepInput(*first - 1, true, withDone);
    }
    auto end = firstRowAtOrAfter(false, saturatingAdd(seq, 1));
    if (!end)
        return std::unexpected(end.error());
    return stepInput(*end, false, withDone);
}

} // namespace aeroflow::debugger
