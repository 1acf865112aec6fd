#include "DiagnosticsService.h"

#include <QtConcurrent/QtConcurrentRun>

namespace aeroflow::studio {

DiagnosticsService::DiagnosticsService(std::function<QByteArray()> textSource, QObject* parent)
    : QObject(parent), m_textSource(std::move(textSource))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(300);
    connect(&m_timer, &QTimer::timeout, this, &DiagnosticsService::start);
    connect(&m_watcher, &QFutureWatcher<Analysis>::finished, this, &DiagnosticsService::finished);
}

DiagnosticsService::~DiagnosticsService()
{
    // The worker holds only copies of its inputs; waiting keeps the pool tidy.
    m_watcher.waitForFinished();
}

void DiagnosticsService::textChanged()
{
    ++m_revision;
    m_timer.start();
}

void DiagnosticsService::analyzeNow()
{
    ++m_revision;
    m_timer.stop();
    start();
}

void DiagnosticsService::start()
{
    if (m_watcher.isRunning()) {
        m_pending = true;
        return;
    }
    m_pending = false;
    // The editor lowers only for Run; while typing, checking is what matters.
    m_watcher.setFuture((m_sources.loader
                               ? QtConcurrent::run(&analyzeWith, m_revision, m_fileName, m_textSource(), false, m_sources)
                               : QtConcurrent::run(&analyze, m_revision, m_fileName, m_textSource(), false, m_entryPath)));
}

void DiagnosticsService::finished()
{
    Analysis a = m_watcher.result();
    if (m_pending || a.revision != m_revision) {
        start(); // superseded: analyse the newest text instead
        return;
    }
    m_latest = std::move(a);
    Q_EMIT analyzed(m_latest);
}

} // namespace aeroflow::studio
