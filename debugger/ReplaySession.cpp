// Re-execution over recorded inputs (see ReplaySession.h).

#include "ReplaySession.h"

#include "Compiler.h"
#include "Snapshot.h"

#include <charconv>
#include <cstdio>
#include <map>

namespace aeroflow::debugger {

/// A recorded input that arrives between deliveries: a UI event (injected
/// into `actor`), typing (sets `field` to `text`) or an input from the world
/// (`world`), applied again after delivery `seq`.
struct UiEvent {
    enum class Kind : uint8_t { Event, Input, World } kind = Kind::Event;
    uint64_t seq = 0;
    uint32_t actor = 0;
    std::string payload;   ///< of the matching outside delivery (encoded)
    int64_t message = -1;
    std::string field, text;
    engine::InputEvent world;
};

struct ReplaySession::Inputs {
    std::vector<TraceEffect> effects; ///< env / read_line / clock / file / listen answers, in order
    size_t next = 0;
    std::vector<UiEvent> uiEvents;    ///< in injection order
    size_t nextUi = 0;
    std::string mismatch;

    /// The next recorded answer, which must be of `kind`.
    std::optional<std::string> take(const std::string& kind, const char* absent)
    {
        if (!mismatch.empty())
            return std::nullopt;
        if (next >= effects.size()) {
            mismatch = "the re-executed run asked for input '" + kind + "' that the recording does not have";
            return std::nullopt;
        }
        const TraceEffect& e = effects[next++];
        if (e.kind != kind) {
            mismatch = "the re-executed run asked for input '" + kind + "' where the recording has '" + e.kind +
                       "' (after seq " + std::to_string(e.seq) + ")";
            return std::nullopt;
        }
        if (e.value == absent)
            return std::nullopt;
        return e.value;
    }
};

namespace {

/// The world of a replay: synchronous answers come from the recording, in
/// order; outputs go nowhere (the verifier compares them); nothing arrives on
/// its own — recorded inputs are injected by the session at their places.
class ReplayWorld final : public engine::OutsideWorld {
public:
    explicit ReplayWorld(std::shared_ptr<ReplaySession::Inputs> inputs) : m_in(std::move(inputs)) {}

    std::expected<std::string, std::string> listen(uint32_t, bool, const std::string&) override
    {
        return okOrError(m_in->take("listen", ""));
    }
    int64_t nowMs() override
    {
        auto v = m_in->take("now", "");
        int64_t ms = 0;
        if (v)
            std::from_chars(v->data(), v->data() + v->size(), ms);
        return ms;
    }
    std::expected<std::string, std::string> readFile(const std::string& path) override
    {
        return okOrError(m_in->take("fs.read:" + path, ""));
    }
    std::expected<void, std::string> writeFile(const std::string& path, const std::string&) override
    {
        auto r = okOrError(m_in->take("fs.write:" + path, ""));
        if (!r)
            return std::unexpected(r.error());
        return {};
    }
    void send(engine::OutputEvent) override {}
    void flush() override {}
    bool hasInput() const override { return false; }
    void poll(std::vector<engine::InputEvent>&, int) override {}
    bool active() const override { return false; }

private:
    /// "ok VALUE" or "err TEXT" (WorldBridge's recorded form).
    static std::expected<std::string, std::string> okOrError(const std::optional<std::string>& v)
    {
        if (!v)
            return std::unexpected(std::string("(not in the recording)"));
        if (v->rfind("ok", 0) == 0)
            return v->size() > 2 ? v->substr(3) : std::string();
        return std::unexpected(v->size() > 4 ? v->substr(4) : std::string("failed"));
    }
    std::shared_ptr<ReplaySession::Inputs> m_in;
};

} // namespace

Result<std::shared_ptr<const compiler::Program>> compileTraceProgram(TraceReader& trace)
{
    auto text = trace.sourceText();
    if (!text)
        return std::unexpected(text.error());
    const TraceInfo& info = trace.info();
    if (compiler::fnv1a64(*text) != info.programHash)
        return std::unexpected("trace '" + trace.path() + "': the stored source does not match the program hash");
    auto result = compiler::compile(info.sourceName.empty() ? "<trace>" : info.sourceName, std::move(*text),
                                    compiler::CompileOptions{true, false});
    if (!result.ok() || !result.program)
        return std::unexpected("trace '" + trace.path() + "': the recorded program no longer compiles:\n" +
                               result.formatDiagnostics(false));
    if (result.program->programHash != info.programHash) {
        char buf[80];
        std::snprintf(buf, sizeof buf, "%016llx, recorded %016llx",
                      static_cast<unsigned long long>(result.program->programHash),
                      static_cast<unsigned long long>(info.programHash));
        return std::unexpected("trace '" + trace.path() + "': program hash mismatch (compiled " + buf + ")");
    }
    return std::shared_ptr<const compiler::Program>(std::move(result.program));
}

engine::RunOptions recordedRunOptions(const TraceInfo& info)
{
    engine::RunOptions o;
    o.seed = info.seed;
    if (info.maxMessages)
        o.maxMessages = info.maxMessages;
    if (info.fuel)
        o.fuel = info.fuel;
    if (info.maxCallDepth)
        o.maxCallDepth = uint32_t(info.maxCallDepth);
    if (info.memoryLimit > 0)
        o.memoryLimit = info.memoryLimit;
    o.servingLiftsMessageLimit = info.servingLiftsLimit;
    return o;
}

ReplaySession::~ReplaySession()
{
    if (m_scheduler && !m_finished)
        m_scheduler->finish();
}

Result<void> ReplaySession::loadInputs(TraceReader& trace, uint64_t fromSeq)
{
    m_inputs = std::make_shared<Inputs>();
    auto effects = trace.effectsFrom(fromSeq);
    if (!effects)
        return std::unexpected(effects.error());
    // Answers given during delivery fromSeq belong to the image already; UI
    // events recorded at fromSeq came after it (the recorder never takes a
    // checkpoint after an injection at the same seq).
    std::vector<TraceEffect> ui;
    for (auto& e : *effects) {
        if (e.kind == "ui_event" || e.kind == "ui_input" || engine::inputKindFromName(e.kind))
            ui.push_back(std::move(e));
        else if (e.seq > fromSeq || fromSeq == 0)
            m_inputs->effects.push_back(std::move(e));
    }
    // Pair each UI event with its delivery: an event injected after seq S
    // into actor A is delivered from outside to A at tick(S) + 1, and events
    // of the same (A, tick) are delivered in injection order.
    std::map<std::pair<uint32_t, uint64_t>, size_t> taken;
    for (const auto& e : ui) {
        UiEvent ev;
        ev.seq = e.seq;
        if (e.kind != "ui_input" && e.kind != "ui_event") {
            auto decoded = engine::decodeInput(e.value);
            if (!decoded)
                return std::unexpected("trace '" + trace.path() + "': damaged " + e.kind + " input after seq " +
                                       std::to_string(e.seq) + ": " + decoded.error());
            if (std::string_view(engine::inputKindName(decoded->kind)) != e.kind)
                return std::unexpected("trace '" + trace.path() + "': input after seq " + std::to_string(e.seq) +
                                       " is recorded as " + e.kind + " but holds a " +
                                       engine::inputKindName(decoded->kind));
            ev.kind = UiEvent::Kind::World;
            ev.world = std::move(*decoded);
            m_inputs->uiEvents.push_back(std::move(ev));
            continue;
        }
        if (e.kind == "ui_input") {
            // ACTOR FIELD TEXT (the text may hold spaces).
            const size_t a = e.value.find(' ');
            const size_t f = a == std::string::npos ? a : e.value.find(' ', a + 1);
            auto r = std::from_chars(e.value.data(), e.value.data() + (a == std::string::npos ? 0 : a), ev.actor);
            if (f == std::string::npos || r.ec != std::errc() || f == a + 1)
                return std::unexpected("trace '" + trace.path() + "': damaged ui_input effect '" + e.value + "'");
            ev.kind = UiEvent::Kind::Input;
            ev.field = e.value.substr(a + 1, f - a - 1);
            ev.text = e.value.substr(f + 1);
            m_inputs->uiEvents.push_back(std::move(ev));
            continue;
        }
        uint32_t actor = 0;
        auto r = std::from_chars(e.value.data(), e.value.data() + e.value.size(), actor);
        if (r.ec != std::errc())
            return std::unexpected("trace '" + trace.path() + "': damaged ui_event effect '" + e.value + "'");
        ev.actor = actor;
        auto tick = trace.tickOf(e.seq);
        if (!tick)
            return std::unexpected(tick.error());
        const uint64_t at = *tick + 1;
        size_t& skip = taken[{actor, at}];
        Statement st = trace.database().prepare(
            "SELECT handler, payload FROM messages WHERE sender = -1 AND receiver = ? AND tick = ? ORDER BY seq "
            "LIMIT 1 OFFSET ?");
        st.bind(1, actor);
        st.bind(2, int64_t(at));
        st.bind(3, int64_t(skip++));
        if (st.valid() && st.step() && !st.isNull(0)) {
            ev.message = st.columnInt(0);
            ev.payload = std::string(st.columnBlob(1));
            m_inputs->uiEvents.push_back(std::move(ev));
        }
        // No delivery recorded: the run ended (or was killed) first, so the
        // event changes nothing within the trace.
    }
    return {};
}

Result<std::unique_ptr<ReplaySession>> ReplaySession::create(TraceReader& trace,
                                                             std::shared_ptr<const compiler::Program> program,
                                                             uint64_t checkpointSeq, engine::RunObserver* observer,
                                                             engine::OutputFn output)
{
    std::unique_ptr<ReplaySession> s(new ReplaySession());
    if (auto r = s->loadInputs(trace, checkpointSeq); !r)
        return std::unexpected(r.error());
    engine::RunOptions options = recordedRunOptions(trace.info());
    options.observer = observer;
    std::shared_ptr<Inputs> inputs = s->m_inputs;
    options.env = [inputs](std::string_view name) { return inputs->take("env:" + std::string(name), "<unset>"); };
    options.readLine = [inputs]() { return inputs->take("read_line", "<eof>"); };
    s->m_world = std::make_unique<ReplayWorld>(inputs);
    options.world = s->m_world.get();
    if (!output)
        output = [](engine::Stream, std::string_view) {};
    if (checkpointSeq == 0) {
        s->m_scheduler = std::make_unique<engine::Scheduler>(program, std::move(options), std::move(output));
        s->m_scheduler->start();
    } else {
        auto image = trace.checkpointImage(checkpointSeq);
        if (!image)
            return std::unexpected(image.error());
        auto restored = engine::restoreSnapshot(*image, program, std::move(options), std::move(output), false);
        if (!restored)
            return std::unexpected("trace '" + trace.path() + "': checkpoint at seq " + std::to_string(checkpointSeq) +
                                   ": " + restored.error());
        s->m_scheduler = std::move(*restored);
        if (s->m_scheduler->delivered() != checkpointSeq)
            return std::unexpected("trace '" + trace.path() + "': checkpoint at seq " + std::to_string(checkpointSeq) +
                                   " holds seq " + std::to_string(s->m_scheduler->delivered()));
    }
    // Skip events that belong before the starting point.
    while (s->m_inputs->nextUi < s->m_inputs->uiEvents.size() &&
           s->m_inputs->uiEvents[s->m_inputs->nextUi].seq < checkpointSeq)
        ++s->m_inputs->nextUi;
    s->injectDue();
    return s;
}

void ReplaySession::injectDue()
{
    auto& in = *m_inputs;
    const uint64_t pos = m_scheduler->delivered();
    while (in.nextUi < in.uiEvents.size() && in.uiEvents[in.nextUi].seq <= pos) {
        const UiEvent& ev = in.uiEvents[in.nextUi++];
        if (ev.seq < pos)
            continue; // belongs to a position already passed
        if (ev.kind == UiEvent::Kind::World) {
            m_scheduler->injectOutside(ev.world);
            continue;
        }
        if (ev.kind == UiEvent::Kind::Input) {
            if (!m_scheduler->injectInput(ev.actor, ev.field, ev.text))
                in.mismatch = "recorded UI input for actor " + std::to_string(ev.actor) + " field '" + ev.field +
                              "' after seq " + std::to_string(ev.seq) + " cannot be applied again";
            continue;
        }
        auto decoded = decodeMessage(uint32_t(ev.message), ev.payload);
        if (!decoded || !m_scheduler->injectMessage(ev.actor, toEngineValue(*decoded, &m_scheduler->program())))
            in.mismatch = "recorded UI event for actor " + std::to_string(ev.actor) + " after seq " +
                          std::to_string(ev.seq) + " cannot be injected again";
    }
}

bool ReplaySession::step()
{
    if (m_finished || !m_inputs->mismatch.empty())
        return false;
    if (!m_scheduler->step())
        return false;
    injectDue();
    return m_inputs->mismatch.empty();
}

const std::string& ReplaySession::inputMismatch() const
{
    return m_inputs->mismatch;
}

engine::RunStats ReplaySession::finish()
{
    m_finished = true;
    return m_scheduler->finish();
}

} // namespace aeroflow::debugger
