#pragma once
// The GUI side of an open trace: owns the trace thread (TraceWorker) and
// the position the Debug actions move. Every command is queued to the
// worker; nothing here reads the trace on the GUI thread.

#include "TraceWorker.h"

#include <QObject>
#include <QThread>

namespace aeroflow::studio {

class TraceController : public QObject {
    Q_OBJECT
public:
    static constexpr int kPageRows = 100;

    explicit TraceController(QObject* parent = nullptr);
    ~TraceController() override;

    void open(const QString& path);
    void close();
    bool isOpen() const { return m_open; }
    /// A command is on its way to the worker (opening, seeking, fetching).
    bool busy() const { return m_pending > 0; }
    const TraceSummary& summary() const { return m_summary; }
    quint64 position() const { return m_position; }
    quint64 end() const { return m_summary.messages; }
    const SessionSnapshot& lastSnapshot() const { return m_snapshot; }

    void seek(quint64 seq);
    void stepForward();
    void stepBack();
    /// Statement granularity (TraceWorker::stepStatement).
    void stepStatement(aeroflow::debugger::StepKind kind, bool forward);
    /// To the next / previous breakpoint hit (TraceWorker::continueTo).
    void continueTo(const QVector<aeroflow::studio::BreakpointSpec>& breakpoints, bool forward);
    /// The next page of deliveries for the Messages dock.
    void fetchMore();
    bool canFetchMore() const { return m_open && m_moreRows && !m_fetching; }

Q_SIGNALS:
    void opened(const aeroflow::studio::TraceSummary& summary);
    void openFailed(const QString& path, const QString& message);
    void outputLoaded(const QVector<aeroflow::studio::OutputLine>& lines, quint64 leftOut);
    void messagesFetched(const QVector<aeroflow::studio::DeliveryInfo>& rows);
    void positioned(const aeroflow::studio::SessionSnapshot& snapshot, int line);
    void failed(const QString& message);

private:
    template <typename F>
    void post(F&& f);

    QThread m_thread;
    TraceWorker* m_worker;
    TraceSummary m_summary;
    SessionSnapshot m_snapshot;
    quint64 m_position = 0;
    quint64 m_nextRow = 1;
    int m_pending = 0;
    bool m_open = false;
    bool m_moreRows = false;
    bool m_fetching = false;
};

} // namespace aeroflow::studio
