// Replay and verification (see Replayer.h).

#include "Replayer.h"

#include "Payload.h"
#include "Recorder.h"
#include "Program.h"
#include "ReplaySession.h"
#include "TraceSchema.h"

#include <algorithm>
#include <cstdio>

namespace aeroflow::debugger {

namespace {

std::string hex(uint64_t v)
{
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

// Recorded text quoted in a divergence message is shortened to this many
// bytes (with its size): a damaged or forged row may hold megabytes.
constexpr size_t kQuoteBytes = 200;

/// Compares the re-executed events with the recorded rows, in order: the
/// messages, outputs, effects and crashes tables in their order, actors by
/// id as they are spawned (ids are given in spawn order), stops and the exit
/// status at the end.
class VerifyObserver final : public engine::RunObserver {
public:
    VerifyObserver(TraceReader& trace, const compiler::Program& program)
        : m_trace(trace), m_program(program), m_names(PayloadNames::fromProgram(program))
    {
        Database& db = trace.database();
        m_messages = db.prepare(std::string("SELECT ") + kMessageColumnsSql + " FROM messages ORDER BY seq");
        m_outputs = db.prepare("SELECT seq, stream, text FROM outputs ORDER BY rowid");
        m_effects = db.prepare("SELECT seq, kind, value FROM effects ORDER BY rowid");
        m_crashes = db.prepare("SELECT seq, actor, error FROM crashes ORDER BY rowid");
        m_actors = db.prepare("SELECT actor_id, type, name, spawned_by, spawned_at_seq FROM actors ORDER BY actor_id");
        if (valid())
            checkMainActor();
    }

    bool valid() const
    {
        return m_messages.valid() && m_outputs.valid() && m_effects.valid() && m_crashes.valid() && m_actors.valid();
    }
    const std::optional<Divergence>& divergence() const { return m_divergence; }
    uint64_t outputsChecked() const { return m_outputsChecked; }
    /// Stops comparing events: a replay cut off before the recording's end
    /// may see events (a deadlock report, say) that the recording never reached.
    void stopChecking() { m_checking = false; }
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
        // Ids as stored (64-bit): the row type's narrower fields would hide
        // a damaged id behind a valid-looking one.
        const int64_t receiver = m_messages.columnInt(3);
        const int64_t seq = m_messages.columnInt(0);
        const int64_t sender = e.sender == engine::kOutsideSender ? kTraceOutsideSender : int64_t(e.sender);
        const std::optional<int64_t> handler = e.message >= 0 ? std::optional<int64_t>(e.message) : std::nullopt;
        m_payload.clear();
        if (e.payload)
            encodePayload(m_payload, *e.payload, e.message >= 0, &m_program);
        std::string what;
        if (seq != int64_t(e.seq))
            what = "order: recorded seq " + std::to_string(seq) + ", replayed seq " + std::to_string(e.seq);
        else if (r.tick != e.time)
            what = "tick: recorded " + std::to_string(int64_t(r.tick)) + ", replayed " + std::to_string(e.time);
        else if (receiver != int64_t(e.receiver))
            what = "receiver: recorded " + std::to_string(receiver) + ", replayed " + std::to_string(e.receiver);
        else if (r.sender != sender)
            what = "sender: recorded " + std::to_string(r.sender) + ", replayed " + std::to_string(sender);
        else if (r.handler != handler)
            what = "message: recorded " + messageName(r.handler) + ", replayed " + messageName(handler);
        else if (r.payload != m_payload)
            what = "payload: recorded " + show(r.handler, r.payload) + ", replayed " + show(handler, m_payload);
        else if (r.causeSeq != e.causeSeq)
            what = "cause: recorded seq " + std::to_string(int64_t(r.causeSeq)) + ", replayed seq " +
                   std::to_string(e.causeSeq);
        else if (m_messages.columnInt(8) != int64_t(e.outcome))
            what = std::string("outcome: recorded ") + outcomeName(m_messages.columnInt(8)) + ", replayed " +
                   outcomeName(int64_t(e.outcome));
        else if (r.stateHash != e.stateHash)
            what = "state hash of the receiver after handling: recorded " + hex(r.stateHash) + ", replayed " +
                   hex(e.stateHash);
        if (!what.empty())
            diverge(e.seq, e.time, receiver, std::move(what));
    }

    void onOutput(uint64_t seq, engine::Stream stream, std::string_view text) override
    {
        if (m_divergence || !m_error.empty() || !m_checking)
            return;
        if (!m_outputs.step()) {
            if (!m_outputs.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read outputs: " + m_trace.database().lastError();
            else
                diverge(seq, 0, 0, "output: the re-executed run has " + showOutput(int64_t(stream), text) +
                                                " that the recording does not have");
            return;
        }
        ++m_outputsChecked;
        const int64_t rs = m_outputs.columnInt(0);
        const int64_t rstream = m_outputs.columnInt(1);
        const std::string rtext = m_outputs.columnText(2);
        if (rs != int64_t(seq) || rstream != int64_t(stream) || rtext != text)
            diverge(seq, 0, 0, "output: recorded " + showOutput(rstream, rtext) + " (seq " + std::to_string(rs) +
                                            "), replayed " + showOutput(int64_t(stream), text) + " (seq " +
                                            std::to_string(seq) + ")");
    }

    void onEffect(uint64_t seq, std::string_view kind, std::string_view value) override
    {
        if (m_divergence || !m_error.empty() || !m_checking)
            return;
        if (!m_effects.step()) {
            if (!m_effects.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read effects: " + m_trace.database().lastError();
            else
                diverge(seq, 0, 0, "effect: the re-executed run takes " + showEffect(kind, value) +
                                       " that the recording does not have");
            return;
        }
        const int64_t rs = m_effects.columnInt(0);
        const std::string rkind = m_effects.columnText(1);
        const std::string_view rvalue = m_effects.columnBlob(2);
        if (rs != int64_t(seq) || rkind != kind || rvalue != value)
            diverge(seq, 0, 0, "effect: recorded " + showEffect(rkind, rvalue) + " (after seq " + std::to_string(rs) +
                                   "), replayed " + showEffect(kind, value) + " (after seq " + std::to_string(seq) + ")");
    }

    void onCrash(uint64_t seq, uint32_t actor, std::string_view error) override
    {
        if (m_divergence || !m_error.empty() || !m_checking)
            return;
        if (!m_crashes.step()) {
            if (!m_crashes.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read crashes: " + m_trace.database().lastError();
            else
                diverge(seq, 0, actor, "crash: the re-executed run has a crash of actor " + std::to_string(actor) +
                                           " (" + quote(error) + ") that the recording does not have");
            return;
        }
        const int64_t rs = m_crashes.columnInt(0);
        const int64_t ractor = m_crashes.columnInt(1);
        const std::string rerror = m_crashes.columnText(2);
        if (rs != int64_t(seq) || ractor != int64_t(actor) || rerror != error)
            diverge(seq, 0, actor, "crash: recorded actor " + std::to_string(ractor) + " at seq " + std::to_string(rs) +
                                       " (" + quote(rerror) + "), replayed actor " + std::to_string(actor) +
                                       " at seq " + std::to_string(seq) + " (" + quote(error) + ")");
    }

    void onSpawn(uint64_t seq, uint32_t actor, uint32_t type, uint32_t parent) override
    {
        if (m_divergence || !m_error.empty() || !m_checking)
            return;
        // As the recorder names and types them.
        const bool typed = type < m_program.actors.size();
        const std::string name = (typed ? m_program.actors[type].name : std::string("actor")) + "#" +
                                 std::to_string(actor);
        const std::string replayed = "actor " + std::to_string(actor) + " " + name + " of type " +
                                     std::to_string(typed ? int64_t(type) : -1) + " spawned by " +
                                     std::to_string(parent) + " at seq " + std::to_string(seq);
        if (!m_actors.step()) {
            if (!m_actors.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read actors: " + m_trace.database().lastError();
            else
                diverge(seq, 0, 0, "actors: the re-executed run spawns " + replayed +
                                       " that the recording does not have");
            return;
        }
        const bool same = m_actors.columnInt(0) == int64_t(actor) &&
                          m_actors.columnInt(1) == (typed ? int64_t(type) : -1) && m_actors.columnText(2) == name &&
                          !m_actors.isNull(3) && m_actors.columnInt(3) == int64_t(parent) &&
                          m_actors.columnInt(4) == int64_t(seq);
        if (!same)
            diverge(seq, 0, 0, "actors: recorded " + recordedActor() + ", replayed " + replayed);
    }

    void onStopped(uint64_t seq, uint32_t actor) override
    {
        if (m_checking)
            m_stops.emplace_back(int64_t(actor), int64_t(seq));
    }

    /// Every recorded output up to `seq` must have been re-printed.
    void checkOutputsComplete(uint64_t seq)
    {
        if (m_divergence || !m_error.empty())
            return;
        if (m_outputs.step() && uint64_t(m_outputs.columnInt(0)) <= seq)
            diverge(uint64_t(m_outputs.columnInt(0)), 0, 0,
                    "output: the recording has " + showOutput(m_outputs.columnInt(1), m_outputs.columnText(2)) +
                        " that the re-executed run does not");
    }

    /// After a replay to the recording's end: nothing recorded may be left
    /// over, the stops must match and so must the exit status.
    void checkRestComplete(const TraceInfo& info, int exitCode)
    {
        if (m_divergence || !m_error.empty())
            return;
        if (m_effects.step())
            return diverge(uint64_t(m_effects.columnInt(0)), 0, 0,
                           "effect: the recording has " + showEffect(m_effects.columnText(1), m_effects.columnBlob(2)) +
                               " that the re-executed run never takes");
        if (m_crashes.step())
            return diverge(uint64_t(m_crashes.columnInt(0)), 0, m_crashes.columnInt(1),
                           "crash: the recording has a crash of actor " + std::to_string(m_crashes.columnInt(1)) +
                               " (" + quote(m_crashes.columnText(2)) + ") that the re-executed run does not");
        if (m_actors.step())
            return diverge(uint64_t(std::max<int64_t>(0, m_actors.columnInt(4))), 0, 0,
                           "actors: the recording has " + recordedActor() + " that the re-executed run never spawns");
        if (!m_effects.ok() || !m_crashes.ok() || !m_actors.ok())
            return setError("trace '" + m_trace.path() + "': cannot read the recording: " + m_trace.database().lastError());
        if (!checkStops())
            return;
        if (info.complete && info.exitCode != exitCode)
            diverge(info.messages, 0, 0,
                    "exit status: recorded " + (info.exitCode ? std::to_string(*info.exitCode) : std::string("none")) +
                        ", replayed " + std::to_string(exitCode));
    }

    /// `tick` 0 with a seq: the tick is the recorded tick of delivery `seq`,
    /// looked up once the replay ends. Outputs and effects pass 0: they come
    /// before their delivery is reported, so no tick seen so far is theirs.
    void diverge(uint64_t seq, uint64_t tick, int64_t actor, std::string what)
    {
        if (!m_divergence)
            m_divergence = Divergence{seq, tick, actor, {}, std::move(what)};
    }

private:
    /// The main program's row: actor 0, untyped, named main, spawned by no one at seq 0.
    void checkMainActor()
    {
        if (!m_actors.step()) {
            if (!m_actors.ok())
                m_error = "trace '" + m_trace.path() + "': cannot read actors: " + m_trace.database().lastError();
            else
                diverge(0, 0, 0, "actors: the recording has no main program (actor 0)");
            return;
        }
        if (m_actors.columnInt(0) != 0 || m_actors.columnInt(1) != -1 || m_actors.columnText(2) != "main" ||
            !m_actors.isNull(3) || m_actors.columnInt(4) != 0)
            diverge(0, 0, 0, "actors: recorded " + recordedActor() + " as the main program, replayed actor 0 \"main\"");
    }

    /// The actors row m_actors is on, printed.
    std::string recordedActor() const
    {
        return "actor " + std::to_string(m_actors.columnInt(0)) + " " + quote(m_actors.columnText(2)) + " of type " +
               std::to_string(m_actors.columnInt(1)) + " spawned by " +
               (m_actors.isNull(3) ? std::string("none") : std::to_string(m_actors.columnInt(3))) + " at seq " +
               std::to_string(m_actors.columnInt(4));
    }

    bool checkStops()
    {
        std::sort(m_stops.begin(), m_stops.end());
        Statement st = m_trace.database().prepare(
            "SELECT actor_id, stopped_at_seq FROM actors WHERE stopped_at_seq IS NOT NULL ORDER BY actor_id");
        size_t i = 0;
        while (st.valid() && st.step()) {
            const std::pair<int64_t, int64_t> recorded{st.columnInt(0), st.columnInt(1)};
            if (i >= m_stops.size() || m_stops[i] != recorded) {
                diverge(uint64_t(std::max<int64_t>(0, recorded.second)), 0, recorded.first,
                        "actors: the recording has actor " + std::to_string(recorded.first) + " stopped after seq " +
                            std::to_string(recorded.second) + "; the re-executed run " +
                            (i < m_stops.size() && m_stops[i].first == recorded.first
                                 ? "stops it after seq " + std::to_string(m_stops[i].second)
                                 : std::string("does not stop it")));
                return false;
            }
            ++i;
        }
        if (!st.valid() || !st.ok()) {
            setError("trace '" + m_trace.path() + "': cannot read actors: " + m_trace.database().lastError());
            return false;
        }
        if (i < m_stops.size()) {
            diverge(uint64_t(m_stops[i].second), 0, m_stops[i].first,
                    "actors: the re-executed run stops actor " + std::to_string(m_stops[i].first) + " after seq " +
                        std::to_string(m_stops[i].second) + "; the recording does not");
            return false;
        }
        return true;
    }

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
        return v ? clipText(formatPayload(*v, m_names, true), kQuoteBytes) : "<" + v.error() + ">";
    }
    /// Program output quoted; output to the world decoded ("respond #3 200 \"ok\"").
    static std::string showOutput(int64_t stream, std::string_view text)
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
            s += " " + clipText(o->method, kQuoteBytes) + " " + clipText(o->url, kQuoteBytes);
        if (!o->body.empty())
            s += " " + quote(o->body);
        return s;
    }
    /// An input: its kind and value (the size of an input from the world).
    static std::string showEffect(std::string_view kind, std::string_view value)
    {
        if (engine::inputKindFromName(kind))
            return clipText(kind, kQuoteBytes) + " (" + std::to_string(value.size()) + " bytes)";
        return clipText(kind, kQuoteBytes) + " " + quote(value);
    }
    static std::string quote(std::string_view text)
    {
        while (!text.empty() && text.back() == '\n')
            text.remove_suffix(1);
        return "\"" + clipText(text, kQuoteBytes) + "\"";
    }
    static const char* outcomeName(int64_t o)
    {
        switch (o) {
        case int64_t(TraceOutcome::Handled): return "handled";
        case int64_t(TraceOutcome::Dropped): return "dropped";
        case int64_t(TraceOutcome::Crashed): return "crashed";
        case int64_t(TraceOutcome::DeadLetter): return "dead letter";
        }
        return "?";
    }

    TraceReader& m_trace;
    const compiler::Program& m_program;
    PayloadNames m_names;
    Statement m_messages, m_outputs, m_effects, m_crashes, m_actors;
    std::string m_payload;
    std::vector<std::pair<int64_t, int64_t>> m_stops; ///< (actor, seq) replayed
    std::optional<Divergence> m_divergence;
    std::string m_error;
    uint64_t m_outputsChecked = 0;

    bool m_checking = true;
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
        // A batch holds the events of its deliveries and ends with the last
        // one's row, so a cut-off recording holds every event up to its last
        // message. The top-level code's events travel with the first
        // message: without one, they may never have been committed.
        if (!info.complete && info.messages == 0)
            verifier->stopChecking();
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
        verifier->stopChecking(); // finish() may report a deadlock the cut-off recording never reached
    report.stats = s.finish();
    if (recorder && !recorder->finish(report.stats))
        return std::unexpected(recorder->error());
    if (verifier) {
        if (toTheEnd) {
            verifier->checkOutputsComplete(UINT64_MAX);
            verifier->checkRestComplete(info, report.stats.exitCode);
        }
        if (!verifier->error().empty())
            return std::unexpected(verifier->error());
        report.outputsChecked = verifier->outputsChecked();
        report.divergence = verifier->divergence();
        if (report.divergence) {
            Divergence& d = *report.divergence;
            if (d.tick == 0 && d.seq > 0)
                if (auto t = trace.tickOf(std::min(d.seq, info.messages)))
                    d.tick = *t;
            Database& db = trace.database();
            if (d.actor == 0 && d.seq > 0) {
                Statement st = db.prepare("SELECT receiver FROM messages WHERE seq = ?");
                st.bind(1, int64_t(std::min<uint64_t>(d.seq, INT64_MAX)));
                if (st.valid() && st.step())
                    d.actor = st.columnInt(0);
            }
            d.actorName = d.actor == 0 ? "main" : "actor " + std::to_string(d.actor);
            Statement name = db.prepare("SELECT name FROM actors WHERE actor_id = ?");
            name.bind(1, d.actor);
            if (name.valid() && name.step())
                d.actorName = clipText(name.columnText(0), kQuoteBytes);
        }
    }
    return report;
}

} // namespace aeroflow::debugger
