#pragma once
// The one thread that seeks (DESIGN.md "Studio": seeking runs on workers).
// It owns a debugger::TimeTravel — which is not thread-safe — and runs jobs
// on it one at a time, in the order posted. A job returns a continuation
// that runs on the thread that owns the worker (the GUI thread), so results
// cross threads as plain values captured in it. The Studio creates one per
// open trace and shares it between the explorer, the details and the
// snapshot export.

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace aeroflow::debugger {
class TimeTravel;
}

namespace aeroflow::timeline {

class TimeTravelWorker : public QObject {
    Q_OBJECT
public:
    /// Runs on the worker thread; returns what to run on the owner's thread
    /// (may be empty). `tt` is null when no trace is open.
    using Job = std::function<std::function<void()>(debugger::TimeTravel* tt)>;

    explicit TimeTravelWorker(QObject* parent = nullptr);
    /// Stops the thread after the running job; queued jobs are dropped.
    ~TimeTravelWorker() override;

    /// Opens `tracePath` on the worker (compiles its program, positions at
    /// 0); emits opened() with an empty error on success. Jobs posted after
    /// open() see the new trace.
    void open(const QString& tracePath);
    /// Closes the trace (jobs then get a null TimeTravel).
    void close();
    bool isOpen() const { return m_open; }
    QString tracePath() const { return m_path; }

    /// Queues `job` on the worker thread.
    void post(Job job);

    /// Jobs posted and not yet finished (their continuation has not run).
    int pending() const { return m_pending; }

Q_SIGNALS:
    void opened(const QString& error);
    /// Every posted job finished and its continuation ran.
    void idle();

private:
    class Runner;
    QThread m_thread;
    Runner* m_runner = nullptr;
    QString m_path;
    bool m_open = false;
    int m_pending = 0;
    /// Set by the destructor: queued jobs return at once.
    std::shared_ptr<std::atomic<bool>> m_stopping = std::make_shared<std::atomic<bool>>(false);
};

} // namespace aeroflow::timeline
