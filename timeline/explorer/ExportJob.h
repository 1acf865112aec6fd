#pragma once
// Exports a trace (debugger::exportTrace: chrome, json, csv) on a worker
// thread with progress and cancellation. It writes to a temporary file next
// to the target and renames it over the target only when the export is
// complete: a cancelled or failed export leaves no file (and an existing
// target untouched).

#include "TraceExport.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace aeroflow::timeline {

class ExportJob : public QObject {
    Q_OBJECT
public:
    explicit ExportJob(QObject* parent = nullptr);
    /// Cancels a running export and waits for it.
    ~ExportJob() override;

    /// Starts exporting `tracePath` to `target`; false when one is running.
    bool start(const QString& tracePath, debugger::ExportFormat format, const QString& target);
    /// Asks the running export to stop; failed(kExportCancelled) follows.
    void cancel();
    bool isRunning() const { return m_thread != nullptr; }

Q_SIGNALS:
    /// Fraction done, 0..1 (throttled: at most once per percent).
    void progress(double fraction);
    void finished(const QString& target);
    void failed(const QString& error);

private:
    void done(const QString& error, const QString& target);

    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

/// Writes `write`'s output to a temporary next to `target`, then renames it
/// over `target`; on failure (or when `write` returns an error) removes the
/// temporary. Shared by the export jobs.
QString writeFileAtomically(const QString& target, const std::function<QString(std::ostream&)>& write);

} // namespace aeroflow::timeline
