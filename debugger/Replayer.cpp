// Replay and verification (see Replayer.h).

#include "Replayer.h"

#include "Payload.h"
#include "Recorder.h"
#include "Program.h"
#include "ReplaySession.h"
#include "TraceSchema.h"

#include <cstdio>

namespace aeroflow::debugger {

namespace {

std::string hex(uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

const char* outcomeName(uint8_t o)
{
    switch (TraceOutcome(o)) {
    case TraceOutcome::Handled: return "handled";
    case TraceOutcome::Dropped: return "dropped";
    case TraceOutcome::Crashed: return "crashed";
    }
    return "?";
}

/// Compares the re-executed events with the recorded rows, in order.
class VerifyObserver final : public engine::RunObserver {
public:
    VerifyObserver(TraceReader& trace, const compiler::Program& program)
        : m_trace(trace), m_program(program), m_names(PayloadNames::fromProgram(program))
    {
        m_messages = trace.database().prepare(std::string("SELECT ") + kMessageColumnsSql +
                                              " FROM messages ORDER BY seq");
        m_outputs = trace.database().prepare("SELECT seq, stream, text FROM outputs ORDER BY rowid");
    }

    bool valid() const { return m_messages.valid() && m_outputs.valid(); }
    const std::optional<Divergence>& divergence() const { return m_divergence; }
    uint64_t outputsChecked() const { return m_outputsChecked; }
    void stopCheckingOutputs() { m_checkOutputs = false; }
    void setError(std::string e) { m_error = std::move(e); }
    const std::string& error() const { return m_error; }

    void onDelivered(const engine::DeliveryEvent& e) override
    {
        if (m_divergence || !m_error.empty())
            return;
        if (!m_messages.step()) {
            if (!m_messages.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read messages: " + m_trace.database().lastError();
            else
                diverge(e.seq, e.time, e.receiver, "the re-executed run delivers a message the recording does not have");
            return;
        }
        const TraceMessage r = readMessageRow(m_messages);
        const int64_t sender = e.sender == engine::kOutsideSender ? kTraceOutsideSender : int64_t(e.sender);
        const std::optional<int64_t> handler = e.message >= 0 ? std::optional<int64_t>(e.message) : std::nullopt;
        m_payload.clear();
        if (e.payload)
            encodePayload(m_payload, *e.payload, e.message >= 0, &m_program);
        std::string what;
        if (r.seq != e.seq)
            what = "order: recorded seq " + std::to_string(r.seq) + ", replayed seq " + std::to_string(e.seq);
        else if (r.tick != e.time)
            what = "tick: recorded " + std::to_string(r.tick) + ", replayed " + std::to_string(e.time);
        else if (r.receiver != e.receiver)
            what = "receiver: recorded " + std::to_string(r.receiver) + ", replayed " + std::to_string(e.receiver);
        else if (r.sender != sender)
            what = "sender: recorded " + std::to_string(r.sender) + ", replayed " + std::to_string(sender);
        else if (r.handler != handler)
            what = "message: recorded " + messageName(r.handler) + ", replayed " + messageName(handler);
        else if (r.payload != m_payload)
            what = "payload: recorded " + show(r.handler, r.payload) + ", replayed " + show(handler, m_payload);
        else if (r.causeSeq != e.causeSeq)
            what = "cause: recorded seq " + std::to_string(r.causeSeq) + ", replayed seq " + std::to_string(e.causeSeq);
        else if (r.outcome != uint8_t(e.outcome))
            what = std::string("outcome: recorded ") + outcomeName(r.outcome) + ", replayed " +
                   outcomeName(uint8_t(e.outcome));
        else if (r.stateHash != e.stateHash)
            what = "state hash of the receiver after handling: recorded " + hex(r.stateHash) + ", replayed " +
                   hex(e.stateHash);
        if (!what.empty())
            diverge(e.seq, e.time, e.receiver, std::move(what));
        m_lastSeq = e.seq;
        m_lastTick = e.time;
    }

    void onOutput(uint64_t seq, engine::Stream stream, std::string_view text) override
    {
        if (m_divergence || !m_error.empty() || !m_checkOutputs)
            return;
        if (!m_outputs.step()) {
            if (!m_outputs.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read outputs: " + m_trace.database().lastError();
            else
                diverge(seq, m_lastTick, 0, "output: the re-executed run has " + show(uint8_t(stream), text) +
                                                " that the recording does not have");
            return;
        }
        ++m_outputsChecked;
        const uint64_t rs = uint64_t(m_outputs.columnInt(0));
        const uint8_t rstream = uint8_t(m_outputs.columnInt(1));
        const std::string rtext = m_outputs.columnText(2);
        if (rs != seq || rstream != uint8_t(stream) || rtext != text)
            diverge(seq, m_lastTick, 0, "output: recorded " + show(rstream, rtext) + " (seq " + std::to_string(rs) +
                                            "), replayed " + show(uint8_t(stream), text) + " (seq " +
                                            std::to_string(seq) + ")");
    }

    /// Every recorded output up to `seq` must have been re-printed.
    void checkOutputsComplete(uint64_t seq)
    {
        if (m_divergence || !m_error.empty())
            return;
        if (m_outputs.step() && uint64_t(m_outputs.columnInt(0)) <= seq)
            diverge(uint64_t(m_outputs.columnInt(0)), m_lastTick, 0,
                    "output: the recording has " + show(uint8_t(m_outputs.columnInt(1)), m_outputs.columnText(2)) +
                        " that the re-executed run does not");
    }

    void diverge(uint64_t seq, uint64_t tick, uint32_t actor, std::string what)
    {
        if (!m_divergence)
            m_divergence = Divergence{seq, tick, actor, {}, std::move(what)};
    }

private:
    std::string messageName(std::optional<int64_t> id) const
    {
        if (!id)
            return "(value emitted to main)";
        return *id >= 0 && size_t(*id) < m_names.messages.size() ? m_names.messages[size_t(*id)]
                                                                  : "message#" + std::to_string(*id);
    }
    std::string show(std::optional<int64_t> handler, std::string_view bytes) const
    {
        auto v = decodeRowPayload(handler, bytes);
        return v ? formatPayload(*v, m_names, true) : "<" + v.error() + ">";
    }
    /// Program output quoted; output to the world decoded ("respond #3 200 \"ok\"").
    static std::string show(uint8_t stream, std::string_view text)
    {
        if (stream != kTraceWorldStream)
            return quote(text);
        auto o = engine::decodeOutput(text);
        if (!o)
            return "<" + o.error() + ">";
        std::string s = std::string(engine::outputKindName(o->kind)) + " #" + std::to_string(o->id);
        if (o->kind == engine::OutputEvent::Kind::Respond)
            s += " " + std::to_string(o->status);
        if (!o->method.empty())
            s += " " + o->method + " " + o->url;
        if (!o->body.empty())
            s += " " + quote(o->body.size() > 200 ? o->body.substr(0, 200) + "…" : o->body);
        return s;
    }
    static std::string quote(std::string_view text)
    {
        std::string s(text);
        while (!s.empty() && s.back() == '\n')
            s.pop_back();
        return "\"" + s + "\"";
    }

    TraceReader& m_trace;
    const compiler::Program& m_program;
    PayloadNames m_names;
    Statement m_messages, m_outputs;
    std::string m_payload;
    std::optional<Divergence> m_divergence;
    std::string m_error;
    uint64_t m_outputsChecked = 0;
    uint64_t m_lastSeq = 0, m_lastTick = 0;
    bool m_checkOutputs = true;
};

/// Tells two observers everything, in order (verification and re-recording).
class FanOut final : public engine::RunObserver {
public:
    FanOut(engine::RunObserver* a, engine::RunObserver* b) : m_a(a), m_b(b) {}
    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override
    {
        each([&](auto* o) { o->onSpawn(seq, actor, type, parent); });
    }
    void onDelivered(const engine::DeliveryEvent& e) override { each([&](auto* o) { o->onDelivered(e); }); }
    void onOutput(uint64_t seq, engine::Stream s, std::string_view t) override
    {
        each([&](auto* o) { o->onOutput(seq, s, t); });
    }
    void onCrash(uint64_t seq, uint32_t actor, std::string_view e) override
    {
        each([&](auto* o) { o->onCrash(seq, actor, e); });
    }
    void onEffect(uint64_t seq, std::string_view k, std::string_view v) override
    {
        each([&](auto* o) { o->onEffect(seq, k, v); });
    }
    void onStopped(uint64_t seq, uint32_t actor) override { each([&](auto* o) { o->onStopped(seq, actor); }); }
    void onOutsideQueued(uint64_t seq, uint64_t n) override { each([&](auto* o) { o->onOutsideQueued(seq, n); }); }
    void onIdle() override { each([&](auto* o) { o->onIdle(); }); }

private:
    template <class F>
    void each(F f)
    {
        if (m_a)
            f(m_a);
        if (m_b)
            f(m_b);
    }
    engine::RunObserver* m_a;
    engine::RunObserver* m_b;
};

} // namespace

Result<ReplayReport> replayTrace(TraceReader& trace, std::shared_ptr<const compiler::Program> program,
                                 const ReplayOptions& options)
{
    const TraceInfo& info = trace.info();
    const uint64_t last = std::min(options.toSeq.value_or(info.messages), info.messages);
    // Verification stops where the recording does; only a complete recording,
    // replayed to its end, may also be checked for "nothing more happens".
    const bool toTheEnd = info.complete && last == info.messages;

    std::unique_ptr<VerifyObserver> verifier;
    if (options.verify) {
        verifier = std::make_unique<VerifyObserver>(trace, *program);
        if (!verifier->valid())
            return std::unexpected("trace '" + trace.path() + "': cannot read messages: " + trace.database().lastError());
    }
    std::unique_ptr<Recorder> recorder;
    if (!options.recordTo.empty()) {
        auto text = trace.sourceText();
        if (!text)
            return std::unexpected(text.error());
        RecorderOptions ro;
        ro.startTime = info.startTime;
        auto rec = Recorder::create(options.recordTo, program, std::move(*text), recordedRunOptions(info), ro);
        if (!rec)
            return std::unexpected(rec.error());
        recorder = std::move(*rec);
    }
    FanOut fanOut(verifier.get(), recorder.get());
    engine::RunObserver* observer = recorder ? static_cast<engine::RunObserver*>(&fanOut) : verifier.get();
    auto session = ReplaySession::create(trace, program, 0, observer, options.output);
    if (!session)
        return std::unexpected(session.error());
    ReplaySession& s = **session;
    if (recorder)
        recorder->attach(s.scheduler());

    ReplayReport report;
    auto stopped = [&] {
        return (verifier && (verifier->divergence() || !verifier->error().empty())) || (recorder && recorder->failed());
    };
    while (!stopped() && (s.position() < last || toTheEnd) && s.step()) {
        if (recorder)
            recorder->afterStep();
    }
    report.messages = s.position();
    if (verifier && !stopped()) {
        if (!s.inputMismatch().empty())
            verifier->diverge(s.position() + 1, 0, 0, "input: " + s.inputMismatch());
        else if (s.position() < last)
            verifier->diverge(s.position() + 1, 0, 0,
                              "the re-executed run ends after " + std::to_string(s.position()) +
                                  " messages; the recording has " + std::to_string(info.messages));
    }
    if (verifier && !toTheEnd)
        verifier->stopCheckingOutputs(); // finish() may report a deadlock the cut-off recording never reached
    report.stats = s.finish();
    if (recorder && !recorder->finish(report.stats))
        return std::unexpected(recorder->error());
    if (verifier) {
        if (toTheEnd)
            verifier->checkOutputsComplete(UINT64_MAX);
        if (!verifier->error().empty())
            return std::unexpected(verifier->error());
        report.outputsChecked = verifier->outputsChecked();
        report.divergence = verifier->divergence();
        if (report.divergence) {
            Divergence& d = *report.divergence;
            if (d.tick == 0 && d.seq > 0)
                if (auto t = trace.tickOf(std::min(d.seq, info.messages)))
                    d.tick = *t;
            if (auto m = trace.message(d.seq); m && *m && d.actor == 0)
                d.actor = (*m)->receiver;
            d.actorName = d.actor == 0 ? "main" : "actor " + std::to_string(d.actor);
            if (auto actors = trace.actors())
                for (const auto& a : *actors)
                    if (a.id == d.actor)
                        d.actorName = a.name;
        }
    }
    return report;
}

} // namespace aeroflow::debugger
