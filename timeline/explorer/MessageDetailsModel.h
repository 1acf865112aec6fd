#pragma once
// What the details pane shows for one message (issue 6): its row, the
// receiver's state before and after it (TimeTravel::stateAt seq-1 / seq),
// the fields that differ (TimeTravel::diff) and the causal chain. Built on
// the TimeTravelWorker by buildMessageDetails (testable on its own); the
// model follows the cursor's selected message and keeps the latest result.

#include "TimeTravel.h"
#include "TraceCursor.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

namespace aeroflow::timeline {

class TimeTravelWorker;

struct MessageDetailsData {
    uint64_t seq = 0, tick = 0, causeSeq = 0;
    uint32_t receiverId = 0;
    QString sender, receiver, handler, payload, outcome;
    std::vector<std::pair<std::string, std::string>> before, after; ///< the receiver's printed fields
    std::vector<std::string> changed; ///< fields TimeTravel::diff reports
    struct Link {
        uint64_t seq = 0;
        QString label; ///< "#12 t3 main → Counter#1 Add(41)"
    };
    std::vector<Link> chain; ///< the message, its cause, the cause's cause, …
};

/// Everything about delivery `seq` (1..end). Moves `tt`.
debugger::Result<MessageDetailsData> buildMessageDetails(debugger::TimeTravel& tt, uint64_t seq);

class MessageDetailsModel : public QObject {
    Q_OBJECT
public:
    explicit MessageDetailsModel(QObject* parent = nullptr);

    void setWorker(TimeTravelWorker* worker);
    /// Follows the cursor's selected message.
    void setCursor(TraceCursor* cursor);
    TraceCursor* cursor() const { return m_cursor; }

    /// Builds the details of `seq` on the worker (0 clears); updated() follows.
    void request(uint64_t seq);
    const MessageDetailsData& details() const { return m_data; }
    bool isEmpty() const { return m_data.seq == 0; }
    /// Selects chain entry `seq` and moves the cursor after it.
    void follow(uint64_t seq);

Q_SIGNALS:
    void updated();
    void failed(const QString& error);

private:
    QPointer<TimeTravelWorker> m_worker;
    QPointer<TraceCursor> m_cursor;
    MessageDetailsData m_data;
    std::shared_ptr<std::atomic<uint64_t>> m_latest;
};

} // namespace aeroflow::timeline
