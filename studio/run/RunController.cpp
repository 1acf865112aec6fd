#include "RunController.h"

#include <QMetaObject>

namespace aeroflow::studio {

RunController::RunController(QObject* parent)
    : QObject(parent), m_worker(new EngineWorker(&m_stop, &m_pause))
{
    qRegisterMetaType<OutputLine>();
    qRegisterMetaType<DeliveryInfo>();
    qRegisterMetaType<SessionSnapshot>();
    qRegisterMetaType<RunSettings>();
    qRegisterMetaType<ExecutionInfo>();
    m_thread.setObjectName(QStringLiteral("aeroflow-engine"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &EngineWorker::compileFailed, this, [this](const QString& d) {
        setState(State::Failed);
        Q_EMIT compileFailed(d);
    });
    connect(m_worker, &EngineWorker::started, this, [this] {
        m_delivered = m_tick = 0;
        setState(State::Running);
    });
    connect(m_worker, &EngineWorker::outputAppended, this, &RunController::outputAppended);
    connect(m_worker, &EngineWorker::outputReset, this, &RunController::outputReset);
    connect(m_worker, &EngineWorker::deliveriesAppended, this, &RunController::deliveriesAppended);
    connect(m_worker, &EngineWorker::deliveriesTruncated, this, &RunController::deliveriesTruncated);
    connect(m_worker, &EngineWorker::progress, this, [this](quint64 delivered, quint64 tick) {
        m_delivered = delivered;
        m_tick = tick;
        Q_EMIT progress(delivered, tick);
    });
    connect(m_worker, &EngineWorker::paused, this, [this](const SessionSnapshot& s, int line, bool) {
        m_snapshot = s;
        m_delivered = s.delivered;
        m_tick = s.tick;
        setState(State::Paused);
        Q_EMIT progress(s.delivered, s.tick);
        Q_EMIT snapshotChanged(s);
        Q_EMIT executionPointChanged(line);
    });
    connect(m_worker, &EngineWorker::idle, this, [this](const SessionSnapshot& s, bool failed) {
        m_snapshot = s;
        m_delivered = s.delivered;
        m_tick = s.tick;
        setState(failed ? State::Failed : State::Finished);
        Q_EMIT progress(s.delivered, s.tick);
        Q_EMIT snapshotChanged(s);
        Q_EMIT executionPointChanged(0);
    });
    connect(m_worker, &EngineWorker::traceWritten, this, [this](const QString& path, const QString& error) {
        m_lastTrace = path;
        Q_EMIT traceWritten(path, error);
    });
    connect(m_worker, &EngineWorker::executionChanged, this, [this](const ExecutionInfo& info) {
        m_execution = info;
        Q_EMIT executionChanged(info);
    });
    connect(m_worker, &EngineWorker::stopped, this, [this] {
        setState(State::Idle);
        Q_EMIT executionPointChanged(0);
    });
    m_thread.start();
}

RunController::~RunController()
{
    m_stop = true;
    post([w = m_worker] { w->shutdown(); });
    m_thread.quit();
    m_thread.wait();
}

QString RunController::stateName(State s)
{
    switch (s) {
    case State::Idle: return tr("Ready");
    case State::Compiling: return tr("Compiling");
    case State::Running: return tr("Running");
    case State::Paused: return tr("Paused");
    case State::Finished: return tr("Finished");
    case State::Failed: return tr("Failed");
    }
    return {};
}

QString RunController::executionText(const ExecutionInfo& info)
{
    if (info.native)
        return tr("Native code (JIT -O%1)").arg(info.optLevel);
    if (info.debugging)
        return tr("Interpreter (debugging)");
    if (!info.fallbackReason.isEmpty())
        return tr("Interpreter (JIT unavailable)");
    return tr("Interpreter");
}

void RunController::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

template <typename F>
void RunController::post(F&& f)
{
    QMetaObject::invokeMethod(m_worker, std::forward<F>(f), Qt::QueuedConnection);
}

void RunController::start(const QString& fileName, const QByteArray& source, const QVector<BreakpointSpec>& breakpoints,
                          bool debug, bool stopAtStart)
{
    // A running session first stops between two deliveries; the queued load
    // then runs after it on the worker thread.
    m_stop = true;
    setState(State::Compiling);
    post([w = m_worker, fileName, source, s = m_settings, breakpoints, debug, stopAtStart] {
        w->load(fileName, source, s, breakpoints, debug, stopAtStart);
    });
}

void RunController::setBreakpoints(const QVector<BreakpointSpec>& breakpoints)
{
    post([w = m_worker, breakpoints] { w->setBreakpoints(breakpoints); });
}

void RunController::sendUiEvent(quint32 actor, const QString& message, const QStringList& args)
{
    if (!hasSession())
        return;
    if (m_state == State::Finished)
        setState(State::Running);
    post([w = m_worker, actor, message, args] { w->inject(actor, message, args); });
}

void RunController::sendInput(quint32 actor, const QString& field, const QString& text)
{
    if (!hasSession())
        return;
    post([w = m_worker, actor, field, text] { w->injectInput(actor, field, text); });
}

void RunController::sendScreenEvent(quint32 actor, const QString& key, int ordinal)
{
    if (!hasSession())
        return;
    post([w = m_worker, actor, key, ordinal] { w->injectUiEvent(actor, key, ordinal); });
}

void RunController::continueRun()
{
    if (m_state != State::Paused)
        return;
    setState(State::Running);
    post([w = m_worker] { w->resume(); });
}

void RunController::pause()
{
    if (m_state == State::Running)
        m_pause = true;
}

void RunController::stop()
{
    if (!hasSession())
        return;
    m_stop = true;
    post([w = m_worker] { w->shutdown(); });
}

void RunController::stepStatement(debugger::StepKind kind, bool forward)
{
    if (m_state == State::Paused)
        post([w = m_worker, kind, forward] { w->stepStatement(kind, forward); });
}

void RunController::stepOver() { stepStatement(debugger::StepKind::Over, true); }
void RunController::stepInto() { stepStatement(debugger::StepKind::Into, true); }
void RunController::stepOut() { stepStatement(debugger::StepKind::Out, true); }
void RunController::stepBack() { stepStatement(debugger::StepKind::Over, false); }

void RunController::nextMessage()
{
    if (m_state == State::Paused)
        post([w = m_worker] { w->nextMessage(); });
}

void RunController::messageInto()
{
    if (m_state == State::Paused)
        post([w = m_worker] { w->messageInto(); });
}

void RunController::messageOut()
{
    if (m_state == State::Paused)
        post([w = m_worker] { w->messageOut(); });
}

void RunController::previousMessage()
{
    if (canStepBack())
        post([w = m_worker] { w->previousMessage(); });
}

void RunController::reverseContinue()
{
    if (canStepBack())
        post([w = m_worker] { w->reverseContinue(); });
}

} // namespace aeroflow::studio
