// The seeking thread (see TimeTravelWorker.h).

#include "TimeTravelWorker.h"

#include "TimeTravel.h"

namespace aeroflow::timeline {

/// Lives on the worker thread; its TimeTravel is created, used and
/// destroyed there (the engine's heap accounting is per thread).
class TimeTravelWorker::Runner : public QObject {
public:
    std::unique_ptr<debugger::TimeTravel> tt;
};

TimeTravelWorker::TimeTravelWorker(QObject* parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("aeroflow-timetravel"));
    m_runner = new Runner;
    m_runner->moveToThread(&m_thread);
    m_thread.start();
}

TimeTravelWorker::~TimeTravelWorker()
{
    // Drop the TimeTravel on its own thread, then stop it. Continuations it
    // posts to us meanwhile die with this object's event queue.
    m_stopping->store(true);
    Runner* r = m_runner;
    QMetaObject::invokeMethod(
        r, [r] { r->tt.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete r; // the thread's event loop is gone: deleteLater would not run
}

void TimeTravelWorker::open(const QString& tracePath)
{
    m_path = tracePath;
    m_open = false;
    ++m_pending;
    Runner* r = m_runner;
    TimeTravelWorker* self = this;
    const std::string path = tracePath.toStdString();
    QMetaObject::invokeMethod(
        r,
        [r, self, path] {
            r->tt.reset();
            auto tt = debugger::TimeTravel::open(path);
            QString error;
            if (tt)
                r->tt = std::move(*tt);
            else
                error = QString::fromStdString(tt.error());
            QMetaObject::invokeMethod(
                self,
                [self, error] {
                    self->m_open = error.isEmpty();
                    --self->m_pending;
                    Q_EMIT self->opened(error);
                    if (self->m_pending == 0)
                        Q_EMIT self->idle();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void TimeTravelWorker::close()
{
    m_open = false;
    m_path.clear();
    post([](debugger::TimeTravel*) { return std::function<void()>(); });
    Runner* r = m_runner;
    QMetaObject::invokeMethod(
        r, [r] { r->tt.reset(); }, Qt::QueuedConnection);
}

void TimeTravelWorker::post(Job job)
{
    ++m_pending;
    Runner* r = m_runner;
    // `this` outlives the runner's use of it: the destructor stops the
    // thread before the object goes, and queued continuations die with it.
    TimeTravelWorker* self = this;
    QMetaObject::invokeMethod(
        r,
        [r, self, job = std::move(job), stopping = m_stopping] {
            if (stopping->load())
                return;
            std::function<void()> then = job(r->tt.get());
            QMetaObject::invokeMethod(
                self,
                [self, then = std::move(then)] {
                    if (then)
                        then();
                    if (--self->m_pending == 0)
                        Q_EMIT self->idle();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace aeroflow::timeline
