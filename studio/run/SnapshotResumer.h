#pragma once
// Resumes a `.afs` snapshot as a new run in the Studio, the way `aeroflow
// resume` does (engine::restoreSnapshot, then Scheduler start/step/finish),
// on a worker thread. Output streams back to the GUI thread in batches; the
// run can be cancelled between deliveries. Nothing is recorded: a resumed
// run has no trace of its own (its first part lives in the original trace).

#include "RunTypes.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace aeroflow::studio {

class SnapshotResumer : public QObject {
    Q_OBJECT
public:
    explicit SnapshotResumer(QObject* parent = nullptr);
    /// Cancels a running resume and waits for it.
    ~SnapshotResumer() override;

    /// Starts running `afsPath` to its end; false when one is running.
    bool start(const QString& afsPath);
    /// Asks the running resume to stop after the current delivery.
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }

    struct Result {
        QString error; ///< empty: the run ended (or was cancelled)
        quint64 startTick = 0; ///< the snapshot's logical time
        quint64 delivered = 0; ///< deliveries run after the restore
        quint64 finalTick = 0;
        int exitCode = 0;
        bool cancelled = false;
    };

Q_SIGNALS:
    /// Output of the resumed run, in order.
    void outputAppended(const QVector<aeroflow::studio::OutputLine>& lines);
    void finished(const aeroflow::studio::SnapshotResumer::Result& result);

private:
    QFutureWatcher<Result> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace aeroflow::studio
