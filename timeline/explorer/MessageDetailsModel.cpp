// Message details (see MessageDetailsModel.h).

#include "MessageDetailsModel.h"

#include "TimeTravelWorker.h"
#include "TraceCursor.h"
#include "TraceLabels.h"

namespace aeroflow::timeline {

namespace {

// What the details hold of one value: a recorded payload or a printed field
// can be megabytes; the pane shows the start and the size.
constexpr size_t kMaxValueBytes = 64 * 1024;
// Each link of the causal chain (up to 10,000) is one line.
constexpr size_t kMaxChainPayloadBytes = 200;

std::vector<std::pair<std::string, std::string>> clippedFields(std::vector<std::pair<std::string, std::string>> fields)
{
    for (auto& [name, value] : fields)
        if (value.size() > kMaxValueBytes)
            value = debugger::clipText(value, kMaxValueBytes);
    return fields;
}

} // namespace

debugger::Result<MessageDetailsData> buildMessageDetails(debugger::TimeTravel& tt, uint64_t seq)
{
    TraceLabels labels;
    if (auto r = labels.load(tt.trace()); !r)
        return std::unexpected(r.error());
    auto m = tt.trace().message(seq);
    if (!m)
        return std::unexpected(m.error());
    if (!*m)
        return std::unexpected("no message #" + std::to_string(seq) + " in the trace");
    MessageDetailsData d;
    d.seq = seq;
    d.tick = (*m)->tick;
    d.causeSeq = (*m)->causeSeq;
    d.receiverId = (*m)->receiver;
    d.sender = labels.actor((*m)->sender);
    d.receiver = labels.actor((*m)->receiver);
    d.handler = labels.handler((*m)->handler);
    d.payload = labels.payload(**m, kMaxValueBytes);
    d.outcome = TraceLabels::outcome((*m)->outcome);
    auto before = tt.stateAt(d.receiverId, seq - 1);
    if (!before)
        return std::unexpected(before.error());
    d.before = clippedFields(before->fields);
    auto after = tt.stateAt(d.receiverId, seq);
    if (!after)
        return std::unexpected(after.error());
    d.after = clippedFields(after->fields);
    auto diff = tt.diff(d.receiverId, seq - 1, seq);
    if (!diff)
        return std::unexpected(diff.error());
    for (const auto& f : *diff)
        d.changed.push_back(f.field);
    auto chain = tt.causalChain(seq);
    if (!chain)
        return std::unexpected(chain.error());
    for (uint64_t s : *chain) {
        auto c = tt.trace().message(s);
        if (!c || !*c)
            continue;
        const auto& r = **c;
        // A message's payload prints with its name; an emitted value does not.
        const QString what = r.handler ? labels.payload(r, kMaxChainPayloadBytes)
                                       : QStringLiteral("emit %1").arg(labels.payload(r, kMaxChainPayloadBytes));
        d.chain.push_back({ s,
            QStringLiteral("#%1  t%2  %3 → %4  %5")
                .arg(s)
                .arg(r.tick)
                .arg(labels.actor(r.sender), labels.actor(r.receiver), what) });
    }
    return d;
}

MessageDetailsModel::MessageDetailsModel(QObject* parent)
    : QObject(parent)
    , m_latest(std::make_shared<std::atomic<uint64_t>>(0))
{
}

void MessageDetailsModel::setWorker(TimeTravelWorker* worker)
{
    m_worker = worker;
}

void MessageDetailsModel::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    if (cursor) {
        connect(cursor, &TraceCursor::messageSelected, this, &MessageDetailsModel::request);
        if (cursor->selectedMessage())
            request(cursor->selectedMessage());
    }
}

void MessageDetailsModel::request(uint64_t seq)
{
    const uint64_t generation = m_latest->fetch_add(1) + 1;
    if (seq == 0 || !m_worker) {
        m_data = {};
        Q_EMIT updated();
        return;
    }
    auto latest = m_latest;
    QPointer<MessageDetailsModel> self(this);
    m_worker->post([=](debugger::TimeTravel* tt) -> std::function<void()> {
        if (!tt || latest->load() != generation)
            return {};
        auto d = buildMessageDetails(*tt, seq);
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

void MessageDetailsModel::follow(uint64_t seq)
{
    if (m_cursor) {
        m_cursor->selectMessage(seq);
        m_cursor->setSeq(seq);
    } else {
        request(seq);
    }
}

} // namespace aeroflow::timeline
