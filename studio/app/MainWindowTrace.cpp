// MainWindow and recorded runs: where a Run's trace goes, and an open
// trace (TraceController) shown in the editor, Output, Messages and Actors
// docks, with the Debug actions moving through it.

#include "MainWindow.h"

#include "TimeTravelViews.h"

#include "docks/ActorsDock.h"
#include "docks/MessagesDock.h"
#include "docks/OutputDock.h"
#include "docks/PreviewDock.h"
#include "docks/ProgramFilesDock.h"
#include "docks/TimelineDock.h"
#include "editor/CodeEditor.h"
#include "editor/EditorArea.h"
#include "editor/DiagnosticsService.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>

namespace aeroflow::studio {

CodeEditor* MainWindow::traceEditor() const { return m_traceEditor.data(); }

QString MainWindow::traceDirFor(const QString& filePath)
{
    if (!filePath.isEmpty()) {
        const QFileInfo file(filePath);
        const QString dir = file.absolutePath();
        // The project is the opened directory that holds the file (the
        // deepest), or the file's own directory when it has a .aeroflow folder.
        QString project;
        for (const QString& p : m_projectDirs)
            if ((dir == p || dir.startsWith(p + QLatin1Char('/'))) && p.size() > project.size())
                project = p;
        if (project.isEmpty() && QFileInfo(QDir(dir).filePath(QStringLiteral(".aeroflow"))).isDir())
            project = dir;
        if (!project.isEmpty())
            return QDir(project).filePath(QStringLiteral(".aeroflow"));
    }
    if (!m_looseTraceDir) {
        m_looseTraceDir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("aeroflow-studio-XXXXXX")));
        if (!m_looseTraceDir->isValid())
            return {};
    }
    return m_looseTraceDir->path();
}

void MainWindow::wireTraceController()
{
    m_messages->model()->setFetcher({}, {});
    connect(m_run, &RunController::traceWritten, this, [this](const QString& path, const QString& error) {
        if (error.isEmpty())
            m_output->appendSystem(tr("Recorded to %1").arg(QDir::toNativeSeparators(path)));
        else
            m_output->appendLines({OutputLine{0, OutputKind::Error,
                                              tr("The recording %1 is incomplete: %2\n").arg(QDir::toNativeSeparators(path), error)}});
    });
    connect(m_trace, &TraceController::opened, this, [this](const TraceSummary& s) {
        m_traceMode = true;
        m_runFile.clear();
        QString error;
        if (m_timeTravel->open(s.path, &error)) {
            m_timeTravel->setFollowTrace(true);
            m_messages->showTraceView(true);
        } else {
            m_output->appendLines({OutputLine{0, OutputKind::Error, tr("Time-travel views: %1\n").arg(error)}});
        }
        m_traceEditor = m_editors->openReadOnly(tr("%1 (from %2)").arg(s.sourceName, s.fileName), s.source, s.sourceNotice);
        // A program of several files: a tree of them; each opens read-only
        // when shown (stepping into it, or from the tree).
        m_traceFileNames = s.fileNames;
        m_traceFileTexts = s.fileTexts;
        m_traceFileEditors.clear();
        m_traceFileEditors.resize(s.fileNames.size());
        m_traceExecutionEditor = m_traceEditor;
        if (!m_traceFileEditors.isEmpty()) {
            m_traceFileEditors[0] = m_traceEditor;
            useTraceSources(m_traceEditor, 0);
        }
        m_programFiles->setFiles(s.fileNames.size() > 1 ? s.fileNames : QStringList());
        m_programFiles->setVisible(s.fileNames.size() > 1);
        m_programFiles->setCurrentFile(s.fileNames.size() > 1 ? 0 : -1);
        m_output->appendSystem(tr("Opened trace %1").arg(s.description));
        m_output->raise();
        if (m_timeTravel->isOpen()) { // the time-travel views are what a trace is opened for
            m_timeTravel->timelineDock()->raise();
            m_timeTravel->graphDock()->raise();
        }
        statusBar()->showMessage(tr("Opened %1").arg(s.fileName), 5000);
        reportDamage(s.damage); // after: the status bar shows the damage, not just "Opened"
        updateRunStatus();
        updateActionStates();
    });
    connect(m_trace, &TraceController::openFailed, this, [this](const QString& path, const QString& message) {
        const QString text = tr("Cannot open the trace %1: %2").arg(QFileInfo(path).fileName(), message);
        m_output->appendLines({OutputLine{0, OutputKind::Error, text + QLatin1Char('\n')}});
        m_output->raise();
        showError(text, m_traceQuiet);
        updateRunStatus();
        updateActionStates();
    });
    connect(m_trace, &TraceController::outputLoaded, this, [this](const QVector<OutputLine>& lines, quint64 leftOut) {
        if (leftOut > 0)
            m_output->appendSystem(tr("… %1 earlier lines (showing the last %2; see them all with aeroflow query %3 "
                                      "\"SELECT text FROM outputs WHERE stream < 3\")")
                                       .arg(leftOut)
                                       .arg(lines.size())
                                       .arg(m_trace->summary().fileName));
        m_output->appendLines(lines);
        m_output->appendSystem(tr("— end of the recorded output —"));
    });
    connect(m_trace, &TraceController::messagesFetched, m_messages->model(), &MessagesModel::append);
    connect(m_trace, &TraceController::positioned, this, &MainWindow::showTracePosition);
    connect(m_trace, &TraceController::failed, this, [this](const QString& message) {
        m_output->appendLines({OutputLine{0, OutputKind::Error, tr("Trace: %1\n").arg(message)}});
    });
    connect(m_messages, &MessagesDock::seqActivated, this, [this](quint64 seq) {
        if (tracing())
            m_trace->seek(seq);
    });
    connect(m_programFiles, &ProgramFilesDock::fileActivated, this, [this](int index) {
        if (CodeEditor* e = traceFileEditor(index))
            m_editors->showEditor(e);
    });
}

CodeEditor* MainWindow::traceFileEditor(int index)
{
    if (index < 0 || index >= m_traceFileEditors.size())
        return m_traceEditor;
    if (!m_traceFileEditors[index]) {
        const QString title = tr("%1 (from %2)").arg(m_traceFileNames[index], m_trace->summary().fileName);
        m_traceFileEditors[index] = m_editors->openReadOnly(title, m_traceFileTexts[index]);
        useTraceSources(m_traceFileEditors[index], index);
    }
    return m_traceFileEditors[index];
}

void MainWindow::useTraceSources(CodeEditor* editor, int index)
{
    if (!editor || m_traceFileNames.size() < 2 || index < 0 || index >= m_traceFileNames.size())
        return;
    // The program's files as recorded, by their path in the program (the
    // entry file's folder stripped), so the editor checks the file as part
    // of the recorded program, not against the disk.
    const QString entry = m_traceFileNames.front();
    const QString root = entry.left(int(entry.lastIndexOf(QLatin1Char('/'))) + 1);
    auto files = std::make_shared<std::map<std::string, std::string>>();
    for (int i = 0; i < m_traceFileNames.size(); ++i) {
        const QString rel = i == 0 ? entry.mid(root.size())
                                   : (m_traceFileNames[i].startsWith(root) ? m_traceFileNames[i].mid(root.size())
                                                                           : m_traceFileNames[i]);
        (*files)[rel.toStdString()] = m_traceFileTexts[i].toStdString();
    }
    const QString self = index == 0 ? entry.mid(root.size()) : m_traceFileNames[index].mid(root.size());
    AnalysisSources sources;
    sources.pathInProject = self.toStdString();
    sources.loader = [files](const std::string& path) -> std::expected<std::string, std::string> {
        auto it = files->find(path);
        if (it == files->end())
            return std::unexpected(std::string("not among the recorded files"));
        return it->second;
    };
    editor->diagnosticsService()->setSources(std::move(sources));
    editor->diagnosticsService()->analyzeNow();
}

void MainWindow::openTrace(const QString& path, bool quiet)
{
    if (m_run->hasSession())
        m_run->stop();
    m_traceQuiet = quiet;
    m_traceMode = false;
    m_damageReported.clear();
    m_output->clear();
    m_output->setTraceMode(true);
    m_timeTravel->close();
    m_messages->model()->clear();
    m_messages->setFollow(false);
    m_messages->model()->setFetcher([this] { return m_traceMode && m_trace->canFetchMore(); },
                                    [this] { m_trace->fetchMore(); });
    m_actorsDock->clear();
    m_preview->clear();
    m_output->appendSystem(tr("Opening trace %1 …").arg(QFileInfo(path).fileName()));
    m_trace->open(QFileInfo(path).absoluteFilePath());
}

void MainWindow::reportDamage(const QString& message)
{
    if (message.isEmpty() || m_damageReported.contains(message))
        return;
    m_damageReported << message;
    m_output->appendLines({OutputLine{0, OutputKind::Warning, QStringLiteral("⚠ %1\n").arg(message)}});
    statusBar()->showMessage(message, 10'000);
}

void MainWindow::showTracePosition(const SessionSnapshot& snapshot, int line)
{
    if (!m_traceMode)
        return;
    m_actorsDock->showSnapshot(snapshot);
    m_preview->showSnapshot(snapshot);
    // The line is in file snapshot.sourceFile of the program: stepping into
    // another file's code opens that file and shows it at the line.
    CodeEditor* shown = m_traceFileEditors.size() > 1 && line > 0 ? traceFileEditor(snapshot.sourceFile) : m_traceEditor.data();
    for (CodeEditor* e : m_editors->editors())
        e->setExecutionLine(e == shown && line > 0 ? line - 1 : -1);
    if (m_traceFileEditors.size() > 1 && line > 0) {
        m_programFiles->setCurrentFile(snapshot.sourceFile);
        if (shown && shown != m_traceExecutionEditor)
            m_editors->showEditor(shown);
        if (shown)
            shown->ensureLineVisible(line - 1);
        m_traceExecutionEditor = shown;
    }
    updateRunStatus();
    updateActionStates();
}

} // namespace aeroflow::studio
