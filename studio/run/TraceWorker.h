#pragma once
// Opens a recorded trace (debugger::TimeTravel) on its own thread and
// answers the Studio's questions about it: the summary, source and output,
// pages of deliveries, and the state at a position (seek, step forward and
// back). Results leave as plain values through queued signals; a damaged,
// foreign or newer trace gives openFailed() with the reader's message.

#include "RunTypes.h"

#include <QObject>

#include <memory>
#include <vector>

namespace aeroflow::debugger {
class TimeTravel;
struct TraceActor;
struct TraceMessage;
}

namespace aeroflow::studio {

struct TraceSummary {
    QString path;
    QString fileName;   ///< the trace's file name (no folders)
    QString sourceName; ///< the recorded program's file name
    QString source;     ///< the embedded source text
    quint64 messages = 0, finalTick = 0;
    bool complete = false;
    int exitCode = 0;
    QString description; ///< one line for Output and the status bar
};

class TraceWorker : public QObject {
    Q_OBJECT
public:
    TraceWorker();
    ~TraceWorker() override;

    void open(const QString& path);
    /// Up to `count` deliveries from seq `first` on.
    void fetchMessages(quint64 first, int count);
    void seek(quint64 seq);
    void stepForward();
    void stepBack();
    void close();

Q_SIGNALS:
    void opened(const aeroflow::studio::TraceSummary& summary);
    void openFailed(const QString& path, const QString& message);
    void outputLoaded(const QVector<aeroflow::studio::OutputLine>& lines, bool truncated);
    /// Rows from `first`; `more`: later rows exist.
    void messagesFetched(quint64 first, const QVector<aeroflow::studio::DeliveryInfo>& rows, bool more);
    /// The state after delivery `snapshot.delivered`; `line`: next handler's line.
    void positioned(const aeroflow::studio::SessionSnapshot& snapshot, int line);
    void failed(const QString& message);

private:
    DeliveryInfo toDelivery(const debugger::TraceMessage& m) const;
    void report();
    QString actorName(int64_t id) const;

    std::unique_ptr<debugger::TimeTravel> m_tt;
    std::vector<debugger::TraceActor> m_actors;
};

} // namespace aeroflow::studio

Q_DECLARE_METATYPE(aeroflow::studio::TraceSummary)
