// TimeTravelViews: exporting the open trace (Chrome/Perfetto JSON through
// timeline::ExportJob) and the snapshot at the cursor (.afs through
// timeline::SnapshotExportJob), with the dialogs the File menu shows.

#include "TimeTravelViews.h"

#include "ExportJob.h"
#include "SnapshotExportJob.h"
#include "TimeTravelWorker.h"
#include "TraceCursor.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>

namespace aeroflow::studio {

namespace {
QString suggestedPath(const QString& tracePath, const QString& suffix)
{
    const QFileInfo info(tracePath);
    return info.dir().filePath(info.completeBaseName() + suffix);
}
} // namespace

bool TimeTravelViews::exportTrace(const QString& target)
{
    if (!isOpen() || m_exportJob)
        return false;
    auto* job = new timeline::ExportJob(this);
    m_exportJob = job;
    connect(job, &timeline::ExportJob::progress, this, &TimeTravelViews::exportProgress);
    connect(job, &timeline::ExportJob::finished, this, [this, job](const QString& path) {
        m_exportJob = nullptr;
        job->deleteLater();
        Q_EMIT message(tr("Exported the trace to %1").arg(QDir::toNativeSeparators(path)));
        Q_EMIT exportFinished(path);
    });
    connect(job, &timeline::ExportJob::failed, this, [this, job](const QString& error) {
        m_exportJob = nullptr;
        job->deleteLater();
        Q_EMIT message(tr("Trace export failed: %1").arg(error));
        Q_EMIT exportFailed(error);
    });
    if (!job->start(tracePath(), debugger::ExportFormat::Chrome, target)) {
        m_exportJob = nullptr;
        job->deleteLater();
        return false;
    }
    return true;
}

void TimeTravelViews::exportTraceDialog()
{
    if (!isOpen()) {
        QMessageBox::information(m_window, tr("Export Trace"), tr("Open a trace (or run a program) first."));
        return;
    }
    const QString target = QFileDialog::getSaveFileName(m_window, tr("Export Trace to Chrome/Perfetto JSON"),
        suggestedPath(tracePath(), QStringLiteral(".json")), tr("Chrome trace JSON (*.json)"));
    if (target.isEmpty() || !exportTrace(target))
        return;
    auto* progress
        = new QProgressDialog(tr("Exporting %1 …").arg(QFileInfo(target).fileName()), tr("Cancel"), 0, 1000, m_window);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    auto* job = static_cast<timeline::ExportJob*>(m_exportJob);
    connect(
        this, &TimeTravelViews::exportProgress, progress, [progress](double f) { progress->setValue(int(f * 1000)); });
    connect(progress, &QProgressDialog::canceled, job, &timeline::ExportJob::cancel);
    connect(job, &timeline::ExportJob::finished, progress, &QWidget::close);
    connect(job, &timeline::ExportJob::failed, progress, [this, progress](const QString& error) {
        progress->close();
        if (error != QLatin1String(debugger::kExportCancelled))
            QMessageBox::warning(m_window, tr("Export Trace"), tr("The export failed: %1").arg(error));
    });
}

bool TimeTravelViews::exportSnapshot(const QString& target)
{
    if (!isOpen() || m_snapshotJob)
        return false;
    auto* job = new timeline::SnapshotExportJob(m_worker, this);
    m_snapshotJob = job;
    connect(job, &timeline::SnapshotExportJob::finished, this,
        [this, job](const QString& path, quint64 seq, quint64 bytes) {
            m_snapshotJob = nullptr;
            job->deleteLater();
            Q_EMIT message(tr("Wrote the snapshot after message %1 to %2 (%3 bytes)")
                               .arg(seq)
                               .arg(QDir::toNativeSeparators(path))
                               .arg(bytes));
            Q_EMIT snapshotExported(path, seq, bytes);
        });
    connect(job, &timeline::SnapshotExportJob::failed, this, [this, job](const QString& error) {
        m_snapshotJob = nullptr;
        job->deleteLater();
        Q_EMIT message(tr("Snapshot export failed: %1").arg(error));
        Q_EMIT snapshotFailed(error);
    });
    job->start(m_cursor->seq(), target);
    return true;
}

void TimeTravelViews::exportSnapshotDialog()
{
    if (!isOpen()) {
        QMessageBox::information(m_window, tr("Export Snapshot"), tr("Open a trace (or run a program) first."));
        return;
    }
    const QString target = QFileDialog::getSaveFileName(m_window, tr("Export Snapshot at Cursor"),
        suggestedPath(tracePath(), QStringLiteral("-%1.afs").arg(m_cursor->seq())), tr("AeroFlow snapshots (*.afs)"));
    if (target.isEmpty() || !exportSnapshot(target))
        return;
    auto* job = static_cast<timeline::SnapshotExportJob*>(m_snapshotJob);
    connect(job, &timeline::SnapshotExportJob::finished, this, [this](const QString& path, quint64 seq, quint64) {
        const auto answer = QMessageBox::question(m_window, tr("Snapshot Written"),
            tr("The snapshot after message %1 is in %2.\n\nResume it now as a new run?")
                .arg(seq)
                .arg(QFileInfo(path).fileName()));
        if (answer == QMessageBox::Yes)
            Q_EMIT resumeRequested(path);
    });
    connect(job, &timeline::SnapshotExportJob::failed, this, [this](const QString& error) {
        QMessageBox::warning(m_window, tr("Export Snapshot"), tr("The snapshot could not be written: %1").arg(error));
    });
}

} // namespace aeroflow::studio
