#pragma once
// Writes the `.afs` snapshot of the run at a position (what `aeroflow
// snapshot` does, through the same library calls): seeks on the shared
// TimeTravelWorker, serialises the live Scheduler with the trace's source
// embedded (engine::saveSnapshot), and writes it atomically (temporary file
// then rename). The image resumes on its own (`aeroflow resume`).

#include <QObject>
#include <QPointer>
#include <QString>

namespace aeroflow::timeline {

class TimeTravelWorker;

class SnapshotExportJob : public QObject {
    Q_OBJECT
public:
    explicit SnapshotExportJob(TimeTravelWorker* worker, QObject* parent = nullptr);

    /// Starts writing the snapshot after delivery `seq` to `target`.
    void start(uint64_t seq, const QString& target);
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    /// `seq`: the position written (clamped to the trace); `bytes`: image size.
    void finished(const QString& target, quint64 seq, quint64 bytes);
    void failed(const QString& error);

private:
    QPointer<TimeTravelWorker> m_worker;
    bool m_running = false;
};

} // namespace aeroflow::timeline
