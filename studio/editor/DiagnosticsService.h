#pragma once
// Live diagnostics for one document: restarts a short timer on every edit
// and, once typing pauses, compiles the text on a worker thread
// (QtConcurrent). Results of superseded revisions are dropped, and at most
// one compilation runs per document at a time.

#include "Analysis.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <functional>

namespace aeroflow::studio {

class DiagnosticsService : public QObject {
    Q_OBJECT
public:
    /// `textSource` is called on the GUI thread when the timer fires.
    DiagnosticsService(std::function<QByteArray()> textSource, QObject* parent = nullptr);
    ~DiagnosticsService() override;

    void setFileName(const QString& name) { m_fileName = name; }
    /// The file on disk the text belongs to (empty: none): its imports are read beside it.
    void setEntryPath(const QString& path) { m_entryPath = path; }
    /// A text that is a file of a recorded program: its imports come from
    /// `sources` (overrides the entry path).
    void setSources(AnalysisSources sources) { m_sources = std::move(sources); }
    /// Pause after the last edit before compiling (default 300 ms).
    void setDelay(int ms) { m_timer.setInterval(ms); }

    /// The text changed: analyse it once typing pauses.
    void textChanged();
    /// Analyse now (file opened, tests).
    void analyzeNow();

    const Analysis& latest() const { return m_latest; }
    quint64 revision() const { return m_revision; }
    bool busy() const { return m_watcher.isRunning() || m_timer.isActive(); }

Q_SIGNALS:
    /// A fresh analysis of the current revision (GUI thread).
    void analyzed(const aeroflow::studio::Analysis& analysis);

private:
    void start();
    void finished();

    std::function<QByteArray()> m_textSource;
    QString m_fileName;
    QString m_entryPath;
    AnalysisSources m_sources;
    QTimer m_timer;
    QFutureWatcher<Analysis> m_watcher;
    quint64 m_revision = 0;
    bool m_pending = false; ///< an edit arrived while compiling
    Analysis m_latest;
};

} // namespace aeroflow::studio
