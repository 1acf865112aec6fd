#include "WorldFrameBuilder.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace aeroflow::timeline {

namespace {

using engine::InputEvent;
using engine::OutputEvent;
using Kind = FrameWorldMark::Kind;

constexpr double kCellPixels = 2.0; // folded events merge per cell of this width
constexpr size_t kMaxArrows = 2000;
constexpr size_t kLabelBytes = 48;

std::string cut(std::string s, size_t n = kLabelBytes)
{
    if (s.size() > n) {
        s.resize(n);
        s += "…";
    }
    return s;
}

std::string bytes(uint64_t n)
{
    return n >= 10 * 1024 ? std::to_string(n / 1024) + " KiB" : std::to_string(n) + " bytes";
}

Kind markKind(InputEvent::Kind k)
{
    switch (k) {
    case InputEvent::Kind::HttpRequest:
        return Kind::HttpRequest;
    case InputEvent::Kind::WsOpen:
        return Kind::WsOpen;
    case InputEvent::Kind::WsText:
        return Kind::WsText;
    case InputEvent::Kind::WsClosed:
        return Kind::WsClosed;
    case InputEvent::Kind::CallDone:
        return Kind::CallDone;
    case InputEvent::Kind::Timer:
        return Kind::Timer;
    case InputEvent::Kind::RequestDone:
        return Kind::RequestDone;
    case InputEvent::Kind::Shutdown:
        return Kind::Shutdown;
    case InputEvent::Kind::Halt:
        return Kind::Halt;
    }
    return Kind::Damaged;
}

Kind markKind(OutputEvent::Kind k)
{
    switch (k) {
    case OutputEvent::Kind::Respond:
        return Kind::Respond;
    case OutputEvent::Kind::WsSend:
        return Kind::WsSend;
    case OutputEvent::Kind::WsClose:
        return Kind::WsClose;
    case OutputEvent::Kind::CallStart:
        return Kind::CallStart;
    case OutputEvent::Kind::TimerStart:
        return Kind::TimerStart;
    case OutputEvent::Kind::TimerCancel:
        return Kind::TimerCancel;
    }
    return Kind::Damaged;
}

uint8_t statusFlags(int32_t status)
{
    if (status >= 500 || status <= 0)
        return FrameWorldMark::ServerError;
    return status >= 400 ? FrameWorldMark::ClientError : 0;
}

bool alerting(const FrameWorldMark& m)
{
    return m.kind == Kind::Damaged
        || (m.flags & (FrameWorldMark::TimedOut | FrameWorldMark::Vanished | FrameWorldMark::ServerError));
}

std::string inputLabel(const InputEvent& e)
{
    switch (e.kind) {
    case InputEvent::Kind::HttpRequest:
        return cut(e.method + " " + e.path);
    case InputEvent::Kind::WsOpen:
        return cut("open " + e.path);
    case InputEvent::Kind::WsText:
        return cut("text " + e.body, 24);
    case InputEvent::Kind::WsClosed:
        return "closed";
    case InputEvent::Kind::CallDone:
        return e.status > 0 ? "answer " + std::to_string(e.status) : "call failed";
    case InputEvent::Kind::Timer:
        return "timer";
    case InputEvent::Kind::RequestDone:
        return e.status == 0 ? "vanished" : std::to_string(e.status) + (e.status == 504 ? " timeout" : "");
    case InputEvent::Kind::Shutdown:
        return "shutdown";
    case InputEvent::Kind::Halt:
        return "halt";
    }
    return {};
}

std::string outputLabel(const OutputEvent& e)
{
    switch (e.kind) {
    case OutputEvent::Kind::Respond:
        return std::to_string(e.status);
    case OutputEvent::Kind::WsSend:
        return cut("send " + e.body, 24);
    case OutputEvent::Kind::WsClose:
        return "close";
    case OutputEvent::Kind::CallStart:
        return cut(e.method + " " + e.url);
    case OutputEvent::Kind::TimerStart:
        return (e.repeat ? "every " : "after ") + std::to_string(e.ms) + " ms";
    case OutputEvent::Kind::TimerCancel:
        return "cancel";
    }
    return {};
}

} // namespace

struct WorldFrameBuilder::Item {
    uint64_t tick = 0; ///< the tick it sits in
    uint64_t order = 0; ///< position among the events of its tick
    FrameWorldMark mark;
};

struct WorldFrameBuilder::Half {
    bool output = false;
    std::vector<Item> items;
    std::vector<debugger::WorldSample> samples; ///< sampled: estimated density
    std::map<uint64_t, int32_t> doneStatus; ///< request id -> status sent (request_done read)
    std::vector<Item> abnormalDone; ///< request_done with 504 / 0, for the out half
};

debugger::Result<std::unique_ptr<WorldFrameBuilder>> WorldFrameBuilder::open(debugger::TraceReader& reader)
{
    auto world = debugger::TraceWorld::open(reader);
    if (!world)
        return std::unexpected(world.error());
    std::unique_ptr<WorldFrameBuilder> b(new WorldFrameBuilder);
    b->m_world = std::move(*world);
    return b;
}

void WorldFrameBuilder::readInputs(Half& in, Half& out, uint64_t t0, uint64_t t1, WorldFrame& frame)
{
    auto range = m_world->inputSeqsOfTicks(t0, t1);
    if (!range || range->empty()) {
        if (!range)
            frame.error = range.error();
        return;
    }
    auto span = m_world->inputSpan(range->first, range->last);
    if (!span) {
        frame.error = span.error();
        return;
    }
    // The span counts rows of every kind, so it bounds the world rows: a
    // span within the limit is read whole, a larger one sampled (no read
    // that would be thrown away).
    if (span->size() <= m_directRows) {
        debugger::WorldReadOptions o;
        o.maxRows = m_directRows;
        o.bodyLimit = 24; // enough for a label
        o.withFields = false;
        auto page = m_world->inputs(range->first, range->last, o);
        if (!page) {
            frame.error = page.error();
            return;
        }
        if (!page->truncated) {
            for (const debugger::WorldInput& r : page->rows) {
                Item item { r.tick, r.effectRow, {} };
                FrameWorldMark& m = item.mark;
                m.row = r.effectRow;
                m.seq = r.seq;
                m.id = r.event.id;
                m.status = r.event.status;
                m.deliveredSeq = r.deliveredSeq.value_or(0);
                if (r.unread) { // too large to read for a frame: its kind and size only
                    m.kind = markKind(r.event.kind);
                    m.id = 0;
                    m.label = std::string(engine::inputKindName(r.event.kind)) + " (" + bytes(r.rowBytes) + ")";
                    in.items.push_back(std::move(item));
                    continue;
                }
                if (!r.error.empty()) {
                    m.kind = Kind::Damaged;
                    m.label = "damaged";
                    in.items.push_back(std::move(item));
                    continue;
                }
                m.kind = markKind(r.event.kind);
                m.label = inputLabel(r.event);
                if (m.kind == Kind::RequestDone) {
                    out.doneStatus[m.id] = m.status;
                    if (m.status == 504 || m.status == 0) {
                        m.output = true; // it is about the answer that (did not) leave
                        m.flags = m.status == 0 ? FrameWorldMark::Vanished : FrameWorldMark::TimedOut;
                        out.abnormalDone.push_back(std::move(item));
                    }
                    continue;
                }
                if (m.kind == Kind::CallDone && m.status <= 0)
                    m.flags = FrameWorldMark::ServerError;
                in.items.push_back(std::move(item));
            }
            return;
        }
    }
    auto samples = m_world->sampleInputs(*span, m_samples);
    if (!samples) {
        frame.error = samples.error();
        return;
    }
    frame.estimated = true;
    for (debugger::WorldSample& s : *samples) {
        if (s.kind == uint8_t(InputEvent::Kind::RequestDone)) {
            if (s.status == 504 || s.status == 0) {
                s.output = true;
                out.samples.push_back(s);
            }
            continue;
        }
        if (s.tick >= t0 && s.tick <= t1)
            in.samples.push_back(s);
    }
}

void WorldFrameBuilder::readOutputs(Half& out, uint64_t t0, uint64_t t1, WorldFrame& frame)
{
    auto range = m_world->outputSeqsOfTicks(t0, t1);
    if (!range || range->empty()) {
        if (!range)
            frame.error = range.error();
        return;
    }
    auto span = m_world->outputSpan(range->first, range->last);
    if (!span) {
        frame.error = span.error();
        return;
    }
    std::set<uint64_t> responded;
    if (span->size() <= m_directRows) {
        debugger::WorldReadOptions o;
        o.maxRows = m_directRows;
        o.bodyLimit = 24;
        o.withFields = false;
        auto page = m_world->outputs(range->first, range->last, o);
        if (!page) {
            frame.error = page.error();
            return;
        }
        if (!page->truncated) {
            for (const debugger::WorldOutput& r : page->rows) {
                Item item { r.tick, r.row, {} };
                FrameWorldMark& m = item.mark;
                m.output = true;
                m.row = r.row;
                m.seq = r.seq;
                if (!r.error.empty()) {
                    m.kind = r.unread ? Kind::Unread : Kind::Damaged;
                    m.label = r.unread ? "output (" + bytes(r.rowBytes) + ")" : "damaged";
                    out.items.push_back(std::move(item));
                    continue;
                }
                m.kind = markKind(r.event.kind);
                m.id = r.event.id;
                m.status = r.event.status;
                m.label = outputLabel(r.event);
                if (m.kind == Kind::Respond) {
                    m.flags = statusFlags(m.status);
                    responded.insert(m.id);
                    if (auto it = out.doneStatus.find(m.id); it != out.doneStatus.end() && it->second != m.status) {
                        m.flags |= FrameWorldMark::StatusChanged;
                        if (it->second == 0)
                            m.flags |= FrameWorldMark::Vanished;
                        else if (it->second == 504)
                            m.flags |= FrameWorldMark::TimedOut;
                    }
                }
                out.items.push_back(std::move(item));
            }
            // A timeout or a vanished client shows on its response when that
            // is here; on its own otherwise. Both sit with the outputs, in
            // the order of their positions.
            for (Item& d : out.abnormalDone)
                if (!responded.count(d.mark.id)) {
                    d.order = 0; // after the outputs of its tick (see place)
                    out.items.push_back(std::move(d));
                }
            out.abnormalDone.clear();
            return;
        }
    }
    auto samples = m_world->sampleOutputs(*span, m_samples);
    if (!samples) {
        frame.error = samples.error();
        return;
    }
    frame.estimated = true;
    for (const debugger::WorldSample& s : *samples)
        out.samples.push_back(s);
    for (Item& d : out.abnormalDone) // the outputs are estimates: keep every alert
        out.items.push_back(std::move(d));
    out.abnormalDone.clear();
}

void WorldFrameBuilder::place(Half& half, WorldFrame& frame, const TimelineViewport& vp)
{
    // Outputs and timeouts of one tick: outputs in row order, then the
    // request_done marks (order 0 sorts them by their own row below).
    std::stable_sort(half.items.begin(), half.items.end(), [](const Item& a, const Item& b) {
        if (a.tick != b.tick)
            return a.tick < b.tick;
        const bool da = a.mark.kind == Kind::RequestDone, db = b.mark.kind == Kind::RequestDone;
        if (da != db)
            return db;
        return a.mark.row < b.mark.row;
    });
    struct Cell {
        FrameWorldDensity d;
        double weight = 0, alerts = 0;
    };
    std::map<int64_t, Cell> cells;
    auto fold = [&](double t0, double t1, double weight, bool estimated, uint8_t family, double alerts) {
        const auto key = int64_t(std::floor(vp.x(t0) / kCellPixels));
        auto [it, fresh] = cells.try_emplace(key);
        Cell& c = it->second;
        if (fresh) {
            c.d.tick0 = t0;
            c.d.tick1 = t1;
            c.d.output = half.output;
        }
        c.d.tick0 = std::min(c.d.tick0, t0);
        c.d.tick1 = std::max(c.d.tick1, t1);
        c.d.estimated = c.d.estimated || estimated;
        c.d.families |= uint8_t(1u << family);
        c.weight += weight;
        c.alerts += alerts;
    };
    for (size_t i = 0; i < half.items.size();) {
        size_t j = i;
        while (j < half.items.size() && half.items[j].tick == half.items[i].tick)
            ++j;
        const double k = double(j - i);
        for (size_t n = i; n < j; ++n) {
            FrameWorldMark& m = half.items[n].mark;
            m.tick0 = double(half.items[n].tick) + double(n - i) / k;
            m.tick1 = double(half.items[n].tick) + double(n - i + 1) / k;
            if ((m.tick1 - m.tick0) * vp.pixelsPerTick() >= FrameList::kMinSlicePixels)
                frame.marks.push_back(std::move(m));
            else
                fold(m.tick0, m.tick1, 1, false, uint8_t(m.family()), alerting(m) ? 1 : 0);
        }
        i = j;
    }
    for (const debugger::WorldSample& s : half.samples) {
        uint8_t family = uint8_t(FrameWorldMark::Family::Damaged);
        bool alert = s.kind == 0;
        if (s.kind != 0) {
            const Kind k = s.output ? (s.kind >= 1 && s.kind <= 6 ? markKind(OutputEvent::Kind(s.kind)) : Kind::Damaged)
                                    : (s.kind >= 1 && s.kind <= 9 ? markKind(InputEvent::Kind(s.kind)) : Kind::Damaged);
            family = uint8_t(FrameWorldMark::familyOf(k));
            if (k == Kind::Respond)
                alert = s.status >= 500 || s.status <= 0;
            else if (k == Kind::RequestDone)
                alert = true; // only 504 / 0 are kept
            else if (k == Kind::CallDone)
                alert = s.status <= 0;
        }
        fold(double(s.tick), double(s.tick) + 1, s.weight, true, family, alert ? s.weight : 0);
    }
    // Counts: weights of samples are fractional; diffuse the rounding.
    double carry = 0;
    for (auto& [key, c] : cells) {
        const int64_t count = std::max<int64_t>(0, std::llround(c.weight + carry));
        carry += c.weight - double(count);
        c.d.count = uint64_t(count);
        c.d.alerts = uint32_t(std::min(c.alerts, 4e9) + 0.5);
        if (c.alerts > 0 && c.d.alerts == 0)
            c.d.alerts = 1; // an estimated alert is still an alert
        if (c.d.count == 0 && c.d.alerts == 0)
            continue;
        c.d.count = std::max<uint64_t>(c.d.count, 1);
        frame.density.push_back(c.d);
    }
}

void WorldFrameBuilder::build(
    WorldFrame& out, const TimelineViewport& vp, uint64_t lastTick, const DeliveryAt& deliveryAt)
{
    out.enabled = true;
    if (vp.endTick() < 0)
        return;
    // Inputs after the last delivery (a shutdown, the halt) sit at lastTick + 1.
    const uint64_t end = lastTick + 1;
    if (vp.startTick > double(end) + 1)
        return;
    const auto t0 = uint64_t(std::max(0.0, std::floor(vp.startTick)));
    const auto t1 = uint64_t(std::max(0.0, std::min(double(end), std::floor(vp.endTick()))));
    // About one sample per density cell (2 px).
    m_samples = size_t(std::clamp(vp.width / int(kCellPixels), 200, 1000));
    Half in, outs;
    outs.output = true;
    readInputs(in, outs, t0, t1, out);
    readOutputs(outs, t0, t1, out);
    place(in, out, vp);
    place(outs, out, vp);
    std::sort(out.density.begin(), out.density.end(), [](const FrameWorldDensity& a, const FrameWorldDensity& b) {
        return a.output != b.output ? !a.output : a.tick0 < b.tick0;
    });
    // Arrows: an input to the delivery it queued; the delivery that answered
    // (or called out) to the response (the call).
    for (const FrameWorldMark& m : out.marks) {
        if (out.arrows.size() >= kMaxArrows || !deliveryAt)
            break;
        uint64_t delivery = 0;
        if (!m.output && m.deliveredSeq != 0)
            delivery = m.deliveredSeq;
        else if (m.output && (m.kind == Kind::Respond || m.kind == Kind::CallStart) && m.seq != 0)
            delivery = m.seq;
        if (delivery == 0)
            continue;
        if (auto at = deliveryAt(delivery)) {
            const double end = at->tick0 + (at->tick1 - at->tick0) * (m.output ? 0.7 : 0.3);
            out.arrows.push_back({ m.row, m.output, delivery, (m.tick0 + m.tick1) / 2, end, at->actor });
        }
    }
}

} // namespace aeroflow::timeline
