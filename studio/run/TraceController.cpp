#include "TraceController.h"

#include <QMetaObject>

namespace aeroflow::studio {

TraceController::TraceController(QObject* parent) : QObject(parent), m_worker(new TraceWorker)
{
    qRegisterMetaType<TraceSummary>();
    qRegisterMetaType<OutputLine>();
    qRegisterMetaType<DeliveryInfo>();
    qRegisterMetaType<SessionSnapshot>();
    m_thread.setObjectName(QStringLiteral("aeroflow-trace"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &TraceWorker::opened, this, [this](const TraceSummary& s) {
        m_summary = s;
        m_open = true;
        m_nextRow = 1;
        m_moreRows = s.messages > 0;
        Q_EMIT opened(s);
        fetchMore();
    });
    connect(m_worker, &TraceWorker::openFailed, this, [this](const QString& path, const QString& message) {
        --m_pending;
        m_open = false;
        Q_EMIT openFailed(path, message);
    });
    connect(m_worker, &TraceWorker::outputLoaded, this, &TraceController::outputLoaded);
    connect(m_worker, &TraceWorker::messagesFetched, this,
            [this](quint64 first, const QVector<DeliveryInfo>& rows, bool more) {
                --m_pending;
                m_fetching = false;
                if (first != m_nextRow)
                    return; // a page of a trace closed since
                m_nextRow = first + quint64(rows.size());
                m_moreRows = more && !rows.isEmpty();
                Q_EMIT messagesFetched(rows);
            });
    connect(m_worker, &TraceWorker::positioned, this, [this](const SessionSnapshot& s, int line) {
        --m_pending;
        m_snapshot = s;
        m_position = s.delivered;
        Q_EMIT positioned(s, line);
    });
    connect(m_worker, &TraceWorker::failed, this, &TraceController::failed);
    m_thread.start();
}

TraceController::~TraceController()
{
    post([w = m_worker] { w->close(); });
    m_thread.quit();
    m_thread.wait();
}

template <typename F>
void TraceController::post(F&& f)
{
    QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
}

void TraceController::open(const QString& path)
{
    m_open = false;
    m_moreRows = false;
    m_fetching = false;
    m_nextRow = 1;
    m_summary = {};
    m_snapshot = {};
    m_position = 0;
    ++m_pending; // answered by positioned() or openFailed()
    post([w = m_worker, path] { w->open(path); });
}

void TraceController::close()
{
    m_open = false;
    m_moreRows = false;
    post([w = m_worker] { w->close(); });
}

void TraceController::seek(quint64 seq)
{
    if (!m_open)
        return;
    ++m_pending;
    post([w = m_worker, seq] { w->seek(seq); });
}

void TraceController::stepForward()
{
    if (!m_open)
        return;
    ++m_pending;
    post([w = m_worker] { w->stepForward(); });
}

void TraceController::stepBack()
{
    if (!m_open)
        return;
    ++m_pending;
    post([w = m_worker] { w->stepBack(); });
}

void TraceController::stepStatement(debugger::StepKind kind, bool forward)
{
    if (!m_open)
        return;
    ++m_pending;
    post([w = m_worker, kind, forward] { w->stepStatement(kind, forward); });
}

void TraceController::continueTo(const QVector<BreakpointSpec>& breakpoints, bool forward)
{
    if (!m_open)
        return;
    ++m_pending;
    post([w = m_worker, breakpoints, forward] { w->continueTo(breakpoints, forward); });
}

void TraceController::fetchMore()
{
    if (!canFetchMore())
        return;
    m_fetching = true;
    ++m_pending;
    post([w = m_worker, first = m_nextRow] { w->fetchMessages(first, kPageRows); });
}

} // namespace aeroflow::studio
