// MainWindow and the time-travel views (TimeTravelViews): which trace they
// show (an opened .aftrace, or the trace of the Run that just ended), the
// Output dock dimming what was printed after the cursor, and resuming a
// `.afs` snapshot as a new run (SnapshotResumer).

#include "MainWindow.h"

#include "TimeTravelViews.h"
#include "docks/MessagesDock.h"
#include "docks/OutputDock.h"
#include "run/SnapshotResumer.h"

#include "TraceCursor.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QStatusBar>

namespace aeroflow::studio {

void MainWindow::wireTimeTravel()
{
    m_resumer = new SnapshotResumer(this);
    m_timeTravel->setTraceController(m_trace);
    connect(m_run, &RunController::traceWritten, this, [this](const QString& path, const QString&) {
        if (path.isEmpty() || m_traceMode)
            return;
        // The views show the run just recorded, at its end; scrubbing them
        // does not move the (live) run, but dims Output after the cursor.
        QString error;
        if (!m_timeTravel->open(path, &error)) {
            m_output->appendSystem(tr("Time-travel views: %1").arg(error));
            return;
        }
        m_timeTravel->setFollowTrace(false);
        m_timeTravel->cursor()->setSeq(m_timeTravel->cursor()->endSeq());
    });
    connect(m_timeTravel->cursor(), &timeline::TraceCursor::positionChanged, this,
        [this](uint64_t seq, uint64_t) { m_output->setCursorSeq(seq); });
    connect(m_timeTravel, &TimeTravelViews::message, this,
        [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_timeTravel, &TimeTravelViews::damaged, this, &MainWindow::reportDamage);
    connect(m_timeTravel, &TimeTravelViews::resumeRequested, this, &MainWindow::resumeSnapshot);
    connect(m_resumer, &SnapshotResumer::outputAppended, m_output, &OutputDock::appendLines);
    connect(m_resumer, &SnapshotResumer::finished, this, [this](const SnapshotResumer::Result& r) {
        if (!r.error.isEmpty())
            m_output->appendLines(
                { OutputLine { 0, OutputKind::Error, tr("Cannot resume the snapshot: %1\n").arg(r.error) } });
        else
            m_output->appendSystem(tr("■ Resumed run %1: %2 more messages, tick %3 → %4, exit code %5")
                                       .arg(r.cancelled ? tr("stopped") : tr("ended"))
                                       .arg(r.delivered)
                                       .arg(r.startTick)
                                       .arg(r.finalTick)
                                       .arg(r.exitCode));
    });
}

void MainWindow::resumeSnapshot(const QString& afsPath)
{
    if (m_resumer->isRunning()) {
        showError(tr("A resumed run is still going."), true);
        return;
    }
    if (m_run->hasSession())
        m_run->stop();
    m_output->clear();
    m_output->setTraceMode(false);
    m_output->appendSystem(tr("▶ Resuming %1").arg(QDir::toNativeSeparators(afsPath)));
    m_output->raise();
    m_resumer->start(afsPath);
}

void MainWindow::resumeSnapshotDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Resume Snapshot"), QString(), tr("AeroFlow snapshots (*.afs);;All files (*)"));
    if (!path.isEmpty())
        resumeSnapshot(path);
}

} // namespace aeroflow::studio
