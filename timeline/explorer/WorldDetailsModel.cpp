// Details of an outside event (see WorldDetailsModel.h).

#include "WorldDetailsModel.h"

#include "TimeTravel.h"
#include "TimeTravelWorker.h"
#include "TraceLabels.h"
#include "TraceWorld.h"

namespace aeroflow::timeline {

namespace {

using debugger::HttpExchange;
using debugger::WorldInput;
using debugger::WorldOutput;
using engine::InputEvent;
using engine::OutputEvent;
using Row = WorldDetailsData::Row;

constexpr int kPayloadChars = 120;

QString text(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString duration(uint64_t us)
{
    if (us < 1000)
        return QObject::tr("%1 µs").arg(us);
    if (us < 10'000'000)
        return QObject::tr("%1 ms").arg(double(us) / 1000.0, 0, 'f', 2);
    return QObject::tr("%1 s").arg(double(us) / 1e6, 0, 'f', 2);
}

QString query(const engine::Fields& fields)
{
    QStringList parts;
    for (const auto& [k, v] : fields)
        parts << text(k) + QLatin1Char('=') + text(v);
    return parts.join(QLatin1Char('&'));
}

QString bodyValue(const std::string& body, uint64_t bytes)
{
    if (bytes == 0)
        return QObject::tr("(empty)");
    if (body.size() < bytes)
        return text(body) + QObject::tr("… (%1 bytes, the first %2 shown)").arg(bytes).arg(body.size());
    return text(body);
}

QString statusText(int32_t status)
{
    if (status == 0)
        return QObject::tr("0 — the client vanished before the answer left");
    if (status == 504)
        return QObject::tr("504 — the program did not answer in time");
    return QString::number(status);
}

/// Builds the rows; every section appends in order.
class Builder {
public:
    Builder(debugger::TraceReader& trace, TraceLabels& labels, WorldDetailsData& d)
        : m_trace(trace)
        , m_labels(labels)
        , m_d(d)
    {
    }
    void section(const QString& name) { m_section = name; }
    void add(const QString& name, const QString& value, uint64_t seq = 0, bool alert = false, int depth = 0)
    {
        m_d.rows.push_back({ m_section, name, value, seq, depth, alert });
    }
    void fields(const QString& name, const engine::Fields& f, const QString& joined)
    {
        add(name, f.empty() ? QObject::tr("(none)") : joined);
        for (const auto& [k, v] : f)
            add(text(k), text(v), 0, false, 1);
    }
    /// "#12  t3  outside → Accounts#1  Request({…})"
    QString delivery(uint64_t seq)
    {
        auto m = m_trace.message(seq);
        if (!m || !*m)
            return QObject::tr("#%1").arg(seq);
        const auto& r = **m;
        QString what = m_labels.payload(r);
        if (what.size() > kPayloadChars)
            what = what.left(kPayloadChars) + QStringLiteral("…");
        return QStringLiteral("#%1  t%2  %3 → %4  %5")
            .arg(seq)
            .arg(r.tick)
            .arg(m_labels.actor(r.sender), m_labels.actor(r.receiver), what);
    }
    void arrived(const WorldInput& in)
    {
        add(QObject::tr("arrived"),
            in.seq == 0 ? QObject::tr("before the first delivery (tick %1)").arg(in.tick)
                        : QObject::tr("after delivery #%1 (stamped at tick %2)").arg(in.seq).arg(in.tick),
            in.seq);
    }
    void deliveredAs(const WorldInput& in, bool queues)
    {
        section(QObject::tr("Delivery"));
        if (in.deliveredSeq)
            add(QObject::tr("delivered as"), delivery(*in.deliveredSeq), *in.deliveredSeq);
        else if (!m_hasLinks)
            add(QObject::tr("delivered as"), QObject::tr("not recorded (a trace from before input_links)"));
        else if (queues)
            add(QObject::tr("delivered as"), QObject::tr("nothing: no actor took it (see the response)"));
        else
            add(QObject::tr("delivered as"), QObject::tr("nothing (this kind of input queues no message)"));
    }
    void inputEvent(const WorldInput& in);
    void outputEvent(const WorldOutput& out);
    void exchange(const HttpExchange& x);
    bool m_hasLinks = true;

private:
    debugger::TraceReader& m_trace;
    TraceLabels& m_labels;
    WorldDetailsData& m_d;
    QString m_section;
};

void Builder::exchange(const HttpExchange& x)
{
    const WorldInput& rq = x.request;
    const InputEvent& e = rq.event;
    m_d.requestId = e.id;
    m_d.deliveredSeq = rq.deliveredSeq;
    m_d.statusSent = x.statusSent();
    m_d.latencyUs = x.latencyUs();
    m_d.title = QObject::tr("HTTP request #%1").arg(e.id);
    const QString target = text(e.path) + (e.query.empty() ? QString() : QLatin1Char('?') + query(e.query));
    QString outcome;
    if (x.statusSent())
        outcome = QObject::tr(" → %1").arg(
            *x.statusSent() == 0 ? QObject::tr("client vanished") : QString::number(*x.statusSent()));
    else if (x.response)
        outcome = QObject::tr(" → %1 (not finished on the wire)").arg(x.response->event.status);
    else
        outcome = QObject::tr(" → no answer");
    if (x.latencyUs())
        outcome += QObject::tr(" in %1").arg(duration(*x.latencyUs()));
    m_d.summary = text(e.method) + QLatin1Char(' ') + target + outcome;

    section(QObject::tr("Request"));
    add(QObject::tr("request id"), QString::number(e.id));
    add(QObject::tr("method"), text(e.method));
    add(QObject::tr("path"), text(e.path));
    fields(QObject::tr("query"), e.query, query(e.query));
    fields(QObject::tr("headers"), e.headers, QObject::tr("%n header(s)", nullptr, int(e.headers.size())));
    add(QObject::tr("body (%1 bytes)").arg(rq.bodyBytes), bodyValue(e.body, rq.bodyBytes));
    arrived(rq);
    deliveredAs(rq, true);

    section(QObject::tr("Response"));
    if (x.response) {
        const WorldOutput& r = *x.response;
        m_d.answeredInSeq = r.seq;
        add(QObject::tr("status"), QString::number(r.event.status), 0, r.event.status >= 500);
        fields(
            QObject::tr("headers"), r.event.headers, QObject::tr("%n header(s)", nullptr, int(r.event.headers.size())));
        add(QObject::tr("body (%1 bytes)").arg(r.bodyBytes), bodyValue(r.event.body, r.bodyBytes));
        add(QObject::tr("sent during"), delivery(r.seq), r.seq);
    } else {
        add(QObject::tr("status"),
            x.searchCut ? QObject::tr("not found within %1 outputs").arg(debugger::TraceWorld::kExchangeScanRows)
                        : QObject::tr("none: the program did not answer"),
            0, true);
    }

    section(QObject::tr("Client"));
    if (x.done) {
        const int32_t s = x.done->event.status;
        const bool changed = x.response && x.response->event.status != s;
        add(QObject::tr("status sent"),
            statusText(s) + (changed ? QObject::tr(" (the program said %1)").arg(x.response->event.status) : QString()),
            0, s == 0 || s >= 500);
        add(QObject::tr("latency"),
            duration(x.done->event.latencyUs) + QObject::tr(" (first byte read to last written)"));
        add(QObject::tr("finished"), QObject::tr("after delivery #%1").arg(x.done->seq), x.done->seq);
    } else {
        add(QObject::tr("status sent"),
            x.searchCut ? QObject::tr("not found within %1 inputs").arg(debugger::TraceWorld::kExchangeScanRows)
                        : QObject::tr("not recorded: still open when the recording ended"));
    }
}

void Builder::inputEvent(const WorldInput& in)
{
    const InputEvent& e = in.event;
    const QString id = QString::number(e.id);
    switch (e.kind) {
    case InputEvent::Kind::WsOpen:
        m_d.title = QObject::tr("WebSocket open (connection #%1)").arg(id);
        break;
    case InputEvent::Kind::WsText:
        m_d.title = QObject::tr("WebSocket text (connection #%1)").arg(id);
        break;
    case InputEvent::Kind::WsClosed:
        m_d.title = QObject::tr("WebSocket closed (connection #%1)").arg(id);
        break;
    case InputEvent::Kind::CallDone:
        m_d.title = QObject::tr("Answer to outbound call #%1").arg(id);
        break;
    case InputEvent::Kind::Timer:
        m_d.title = QObject::tr("Timer #%1 fired").arg(id);
        break;
    case InputEvent::Kind::Shutdown:
        m_d.title = QObject::tr("Shutdown (SIGINT / SIGTERM)");
        break;
    case InputEvent::Kind::Halt:
        m_d.title = QObject::tr("Halt: the world finished draining");
        break;
    default:
        m_d.title = QString::fromLatin1(engine::inputKindName(e.kind));
        break;
    }
    section(QObject::tr("Event"));
    add(QObject::tr("kind"), QString::fromLatin1(engine::inputKindName(e.kind)));
    if (e.kind == InputEvent::Kind::WsOpen) {
        m_d.summary = QObject::tr("upgrade of %1").arg(text(e.path));
        add(QObject::tr("server"), QString::number(e.server));
        add(QObject::tr("path"), text(e.path));
        fields(QObject::tr("query"), e.query, query(e.query));
        fields(QObject::tr("headers"), e.headers, QObject::tr("%n header(s)", nullptr, int(e.headers.size())));
    } else if (e.kind == InputEvent::Kind::WsText) {
        m_d.summary = bodyValue(e.body, in.bodyBytes).left(200);
        add(QObject::tr("text (%1 bytes)").arg(in.bodyBytes), bodyValue(e.body, in.bodyBytes));
    } else if (e.kind == InputEvent::Kind::CallDone) {
        const bool ok = e.status > 0;
        m_d.summary = ok ? QObject::tr("status %1 after %2").arg(e.status).arg(duration(e.latencyUs))
                         : QObject::tr("failed after %1: %2").arg(duration(e.latencyUs), text(e.body).left(200));
        add(QObject::tr("status"), ok ? QString::number(e.status) : QObject::tr("0 — the call failed"), 0,
            !ok || e.status >= 500);
        add(QObject::tr("duration"), duration(e.latencyUs));
        fields(QObject::tr("headers"), e.headers, QObject::tr("%n header(s)", nullptr, int(e.headers.size())));
        add(ok ? QObject::tr("body (%1 bytes)").arg(in.bodyBytes) : QObject::tr("error"),
            bodyValue(e.body, in.bodyBytes), 0, !ok);
    }
    arrived(in);
    const bool queues = e.kind != InputEvent::Kind::Shutdown && e.kind != InputEvent::Kind::Halt
        && e.kind != InputEvent::Kind::RequestDone;
    deliveredAs(in, queues);
}

void Builder::outputEvent(const WorldOutput& out)
{
    const OutputEvent& e = out.event;
    const QString id = QString::number(e.id);
    switch (e.kind) {
    case OutputEvent::Kind::WsSend:
        m_d.title = QObject::tr("WebSocket send (connection #%1)").arg(id);
        break;
    case OutputEvent::Kind::WsClose:
        m_d.title = QObject::tr("WebSocket close (connection #%1)").arg(id);
        break;
    case OutputEvent::Kind::CallStart:
        m_d.title = QObject::tr("Outbound call #%1").arg(id);
        break;
    case OutputEvent::Kind::TimerStart:
        m_d.title = QObject::tr("Timer #%1 started").arg(id);
        break;
    case OutputEvent::Kind::TimerCancel:
        m_d.title = QObject::tr("Timer #%1 cancelled").arg(id);
        break;
    case OutputEvent::Kind::Respond:
        m_d.title = QObject::tr("Response to request #%1").arg(id);
        break;
    }
    section(QObject::tr("Event"));
    add(QObject::tr("kind"), QString::fromLatin1(engine::outputKindName(e.kind)));
    if (e.kind == OutputEvent::Kind::CallStart) {
        m_d.summary = text(e.method) + QLatin1Char(' ') + text(e.url);
        add(QObject::tr("method"), text(e.method));
        add(QObject::tr("url"), text(e.url));
        fields(QObject::tr("headers"), e.headers, QObject::tr("%n header(s)", nullptr, int(e.headers.size())));
        add(QObject::tr("body (%1 bytes)").arg(out.bodyBytes), bodyValue(e.body, out.bodyBytes));
    } else if (e.kind == OutputEvent::Kind::WsSend) {
        m_d.summary = bodyValue(e.body, out.bodyBytes).left(200);
        add(QObject::tr("text (%1 bytes)").arg(out.bodyBytes), bodyValue(e.body, out.bodyBytes));
    } else if (e.kind == OutputEvent::Kind::TimerStart) {
        m_d.summary = (e.repeat ? QObject::tr("every %1 ms") : QObject::tr("after %1 ms")).arg(e.ms);
        add(QObject::tr("interval"), QObject::tr("%1 ms").arg(e.ms));
        add(QObject::tr("repeats"), e.repeat ? QObject::tr("yes") : QObject::tr("no"));
    } else if (e.kind == OutputEvent::Kind::Respond) { // a response whose request is not found
        add(QObject::tr("status"), QString::number(e.status), 0, e.status >= 500);
        add(QObject::tr("body (%1 bytes)").arg(out.bodyBytes), bodyValue(e.body, out.bodyBytes));
    }
    add(QObject::tr("sent during"), out.seq == 0 ? QObject::tr("the top-level code") : delivery(out.seq), out.seq);
}

} // namespace

debugger::Result<WorldDetailsData> buildWorldDetails(debugger::TraceReader& trace, OutsideRef ref, size_t bodyLimit)
{
    WorldDetailsData d;
    d.ref = ref;
    if (ref.isNull())
        return d;
    auto world = debugger::TraceWorld::open(trace);
    if (!world)
        return std::unexpected(world.error());
    TraceLabels labels;
    if (auto r = labels.load(trace); !r)
        return std::unexpected(r.error());
    Builder b(trace, labels, d);
    b.m_hasLinks = (*world)->hasLinks();
    debugger::WorldReadOptions o;
    o.maxRows = 1;
    o.bodyLimit = bodyLimit;
    o.maxDecodeBytes = 64u << 20;
    auto damaged = [&](const QString& what, const std::string& error) {
        d.title = what;
        d.summary = text(error);
        b.section(QObject::tr("Event"));
        b.add(QObject::tr("error"), text(error), 0, true);
    };

    if (ref.output) {
        auto out = (*world)->output(ref.row, o);
        if (!out)
            return std::unexpected(out.error());
        if (!*out)
            return std::unexpected("no output #" + std::to_string(ref.row) + " to the outside world in the trace");
        d.seq = (*out)->seq;
        if (!(*out)->error.empty()) {
            damaged(QObject::tr("Damaged output"), (*out)->error);
            b.add(QObject::tr("sent during"), b.delivery(d.seq), d.seq);
            return d;
        }
        if ((*out)->event.kind == OutputEvent::Kind::Respond) {
            auto x = (*world)->exchangeOfResponse(ref.row, o);
            if (!x)
                return std::unexpected(x.error());
            if (*x) {
                b.exchange(**x);
                return d;
            }
        }
        b.outputEvent(**out);
        return d;
    }
    auto in = (*world)->input(ref.row, o);
    if (!in)
        return std::unexpected(in.error());
    if (!*in)
        return std::unexpected("no input #" + std::to_string(ref.row) + " from the outside world in the trace");
    d.seq = (*in)->seq;
    if (!(*in)->error.empty()) {
        damaged(QObject::tr("Damaged %1 input").arg(QString::fromLatin1(engine::inputKindName((*in)->event.kind))),
            (*in)->error);
        b.arrived(**in);
        return d;
    }
    std::optional<uint64_t> request;
    if ((*in)->event.kind == InputEvent::Kind::HttpRequest)
        request = ref.row;
    else if ((*in)->event.kind == InputEvent::Kind::RequestDone) {
        auto r = (*world)->requestOf((*in)->event.id, (*in)->seq);
        if (!r)
            return std::unexpected(r.error());
        request = *r;
    }
    if (request) {
        auto x = (*world)->exchange(*request, o);
        if (!x)
            return std::unexpected(x.error());
        if (*x) {
            b.exchange(**x);
            return d;
        }
    }
    b.inputEvent(**in);
    return d;
}

WorldDetailsModel::WorldDetailsModel(QObject* parent)
    : QObject(parent)
    , m_latest(std::make_shared<std::atomic<uint64_t>>(0))
{
}

void WorldDetailsModel::setWorker(TimeTravelWorker* worker)
{
    m_worker = worker;
}

void WorldDetailsModel::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    if (cursor) {
        connect(cursor, &TraceCursor::outsideSelected, this, &WorldDetailsModel::request);
        connect(cursor, &TraceCursor::closed, this, [this] { request({}); });
        if (!cursor->selectedOutside().isNull())
            request(cursor->selectedOutside());
    }
}

void WorldDetailsModel::request(OutsideRef ref)
{
    const uint64_t generation = m_latest->fetch_add(1) + 1;
    if (ref.isNull() || !m_worker) {
        m_data = {};
        Q_EMIT updated();
        return;
    }
    auto latest = m_latest;
    QPointer<WorldDetailsModel> self(this);
    m_worker->post([=](debugger::TimeTravel* tt) -> std::function<void()> {
        if (!tt || latest->load() != generation)
            return {};
        auto d = buildWorldDetails(tt->trace(), ref);
        return [self, d = std::move(d), generation, latest] {
            if (!self || latest->load() != generation)
                return;
            if (!d) {
                Q_EMIT self->failed(QString::fromStdString(d.error()));
                return;
            }
            self->m_data = *d;
            Q_EMIT self->updated();
        };
    });
}

void WorldDetailsModel::follow(uint64_t seq)
{
    if (!m_cursor || seq == 0)
        return;
    m_cursor->selectMessage(seq);
    m_cursor->setSeq(seq);
}

} // namespace aeroflow::timeline
