// Message search (see MessageSearch.h).

#include "MessageSearch.h"

#include "TraceCursor.h"
#include "TraceLabels.h"

#include <algorithm>

namespace aeroflow::timeline {

namespace {

std::string lower(std::string s)
{
    for (char& c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

constexpr size_t kBatch = 256;

} // namespace

MessageSearch::MessageSearch(QObject* parent)
    : QObject(parent)
{
}

MessageSearch::~MessageSearch()
{
    stopThread();
}

bool MessageSearch::matches(const std::string& handler, const std::string& sender, const std::string& receiver,
    const std::string& payload, const std::string& needle)
{
    for (const std::string* s : { &handler, &sender, &receiver, &payload })
        if (lower(*s).find(needle) != std::string::npos)
            return true;
    return false;
}

void MessageSearch::stopThread()
{
    if (m_cancel)
        m_cancel->store(true);
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_cancel.reset();
}

void MessageSearch::cancel()
{
    const bool running = m_thread != nullptr;
    stopThread();
    ++m_generation; // drop batches already queued
    if (running)
        Q_EMIT finished(tr("cancelled"));
}

void MessageSearch::search(const QString& text)
{
    stopThread();
    const uint64_t generation = ++m_generation;
    m_text = text;
    m_results.clear();
    m_more = false;
    m_current = -1;
    Q_EMIT resultsChanged();
    if (text.isEmpty()) {
        Q_EMIT finished(QString());
        return;
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    const std::string path = m_path.toStdString();
    const std::string needle = lower(text.toStdString());
    MessageSearch* self = this; // outlived: the destructor joins the thread
    m_thread = QThread::create([self, path, needle, cancel, generation] {
        auto post = [&](std::vector<uint64_t> seqs, bool more) {
            QMetaObject::invokeMethod(
                self,
                [self, generation, seqs = std::move(seqs), more]() mutable {
                    self->addBatch(generation, std::move(seqs), more);
                },
                Qt::QueuedConnection);
        };
        auto fail = [&](const std::string& error) {
            QMetaObject::invokeMethod(
                self, [self, generation, e = QString::fromStdString(error)] { self->done(generation, e); },
                Qt::QueuedConnection);
        };
        auto reader = debugger::TraceReader::open(path);
        if (!reader)
            return fail(reader.error());
        TraceLabels labels;
        if (auto r = labels.load(**reader); !r)
            return fail(r.error());
        // Names once, as std::string, for the scan.
        std::vector<std::string> actorNames(labels.actorCount() + 1);
        for (size_t i = 0; i < labels.actorCount(); ++i)
            actorNames[i] = labels.actor(int64_t(i)).toStdString();
        auto actor = [&](int64_t id) {
            return id >= 0 && size_t(id) < labels.actorCount() ? actorNames[size_t(id)]
                                                               : labels.actor(id).toStdString();
        };
        std::vector<uint64_t> batch;
        size_t found = 0;
        bool more = false;
        auto r = (*reader)->forEachMessage(1, UINT64_MAX, [&](const debugger::TraceMessage& m) {
            if (cancel->load())
                return false;
            const std::string handler = labels.handler(m.handler).toStdString();
            if (!matches(handler, actor(m.sender), actor(m.receiver), labels.payloadText(m), needle))
                return true;
            if (found == kMaxResults) {
                more = true;
                return false;
            }
            ++found;
            batch.push_back(m.seq);
            if (batch.size() >= kBatch)
                post(std::exchange(batch, {}), false);
            return true;
        });
        post(std::move(batch), more);
        fail(r ? std::string() : r.error());
    });
    m_thread->start();
}

void MessageSearch::addBatch(uint64_t generation, std::vector<uint64_t> seqs, bool more)
{
    if (generation != m_generation)
        return;
    m_results.insert(m_results.end(), seqs.begin(), seqs.end());
    m_more = m_more || more;
    if (!seqs.empty() || more)
        Q_EMIT resultsChanged();
}

void MessageSearch::done(uint64_t generation, const QString& error)
{
    if (generation != m_generation)
        return;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_cancel.reset();
    Q_EMIT finished(error);
}

uint64_t MessageSearch::next()
{
    return go(true);
}

uint64_t MessageSearch::previous()
{
    return go(false);
}

uint64_t MessageSearch::go(bool forward)
{
    if (m_results.empty())
        return 0;
    const int n = int(m_results.size());
    int at;
    if (m_cursor) {
        const uint64_t from = m_cursor->selectedMessage() ? m_cursor->selectedMessage() : m_cursor->seq();
        if (forward) {
            auto it = std::upper_bound(m_results.begin(), m_results.end(), from);
            at = it == m_results.end() ? 0 : int(it - m_results.begin());
        } else {
            auto it = std::lower_bound(m_results.begin(), m_results.end(), from);
            at = it == m_results.begin() ? n - 1 : int(it - m_results.begin()) - 1;
        }
    } else {
        at = m_current < 0 ? (forward ? 0 : n - 1) : (m_current + (forward ? 1 : n - 1)) % n;
    }
    m_current = at;
    const uint64_t seq = m_results[size_t(at)];
    if (m_cursor) {
        m_cursor->selectMessage(seq);
        m_cursor->setSeq(seq);
    }
    Q_EMIT current(seq, at);
    return seq;
}

} // namespace aeroflow::timeline
