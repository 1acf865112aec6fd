#pragma once
// What the details pane shows for one input from or output to the outside
// world (the selection TraceCursor::selectOutside makes): for an HTTP
// request, its response or its request_done — the whole exchange: method,
// path, query, headers, body (cut, with its size), the status the program
// gave and the one the client got, the latency, the request id, the
// delivery the request became and the one that answered; for other events
// their fields and deliveries. Built on the TimeTravelWorker from
// debugger::TraceWorld (buildWorldDetails, testable on its own); the model
// follows the cursor's outside selection and keeps the latest result.

#include "TraceCursor.h"
#include "TraceReader.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

namespace aeroflow::timeline {

class TimeTravelWorker;

struct WorldDetailsData {
    OutsideRef ref;
    QString title; ///< "HTTP request #12", "WebSocket text", …
    QString summary; ///< "GET /balance?name=a → 200 in 1.23 ms"
    /// One line of the pane: in a section ("Request", "Response", "Client",
    /// "Delivery", "Event"), a name and a value; `seq` non-zero makes it a
    /// link to that delivery; `depth` 1 lines belong to the line above
    /// (a header, a query parameter).
    struct Row {
        QString section, name, value;
        uint64_t seq = 0;
        int depth = 0;
        bool alert = false; ///< a failure worth the eye (5xx, timed out, vanished, damaged)
    };
    std::vector<Row> rows;
    uint64_t seq = 0; ///< where it happened (arrived after / sent during this delivery)
    /// Status the client got and latency, when known (HTTP exchanges).
    std::optional<int32_t> statusSent;
    std::optional<uint64_t> latencyUs;
    std::optional<uint64_t> requestId;
    std::optional<uint64_t> deliveredSeq; ///< the request's delivery
    std::optional<uint64_t> answeredInSeq; ///< the delivery that sent the response
};

/// Everything about outside event `ref` (bodies cut to `bodyLimit` bytes).
debugger::Result<WorldDetailsData> buildWorldDetails(
    debugger::TraceReader& trace, OutsideRef ref, size_t bodyLimit = 16 * 1024);

class WorldDetailsModel : public QObject {
    Q_OBJECT
public:
    explicit WorldDetailsModel(QObject* parent = nullptr);

    void setWorker(TimeTravelWorker* worker);
    /// Follows the cursor's outside selection.
    void setCursor(TraceCursor* cursor);

    /// Builds the details of `ref` on the worker (null clears); updated() follows.
    void request(OutsideRef ref);
    const WorldDetailsData& details() const { return m_data; }
    bool isEmpty() const { return m_data.ref.isNull(); }
    /// Selects delivery `seq` and moves the cursor after it.
    void follow(uint64_t seq);

Q_SIGNALS:
    void updated();
    void failed(const QString& error);

private:
    QPointer<TimeTravelWorker> m_worker;
    QPointer<TraceCursor> m_cursor;
    WorldDetailsData m_data;
    std::shared_ptr<std::atomic<uint64_t>> m_latest;
};

} // namespace aeroflow::timeline
