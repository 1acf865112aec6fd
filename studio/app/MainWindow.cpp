#include "MainWindow.h"

#include "CommandPalette.h"
#include "StudioSettings.h"
#include "TimeTravelViews.h"
#include "docks/ActorsDock.h"
#include "docks/MessagesDock.h"
#include "docks/OutputDock.h"
#include "docks/PreviewDock.h"
#include "docks/ProblemsDock.h"
#include "docks/ProgramFilesDock.h"
#include "docks/SnapshotExplorerDock.h"
#include "docks/TimelineDock.h"
#include "editor/CodeEditor.h"
#include "editor/EditorArea.h"
#include "theme/ThemeManager.h"

#include "Compiler.h"
#include "MessageTableView.h"

#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>

static void initStudioResources()
{
    // Resources compiled into static libraries need an explicit reference.
    Q_INIT_RESOURCE(studio);
}

namespace aeroflow::studio {

MainWindow::MainWindow(ThemeManager* themes, StudioSettings* settings, QWidget* parent)
    : QMainWindow(parent), m_themes(themes), m_settings(settings), m_editors(new EditorArea(this)),
      m_run(new RunController(this)), m_trace(new TraceController(this))
{
    initStudioResources();
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("AeroFlow Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/studio/aeroflow.svg")));
    setCentralWidget(m_editors);
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    createDocks();
    createActions();
    createMenus();
    createStatusBar();
    applyRunOptions();
    wireRunController();
    wireTraceController();
    wireTimeTravel();

    connect(m_editors, &EditorArea::currentEditorChanged, this, &MainWindow::onCurrentEditorChanged);
    connect(m_editors, &EditorArea::diagnosticsChanged, this, &MainWindow::showDiagnostics);
    connect(m_editors, &EditorArea::breakpointsChanged, this, [this] { m_run->setBreakpoints(currentBreakpoints()); });
    connect(m_editors, &EditorArea::fileOpened, this, [this](const QString& path) {
        m_settings->addRecentFile(path);
        rebuildRecentMenu();
        // The tab became current before its file was loaded: name it now.
        if (CodeEditor* e = m_editors->currentEditor())
            setWindowTitle(tr("%1 — AeroFlow Studio").arg(e->displayName()));
    });
    connect(m_problems, &ProblemsDock::jumpRequested, this, [this](int line, int index) {
        if (CodeEditor* e = m_editors->currentEditor()) {
            e->setCursorPosition(line, index);
            e->ensureLineVisible(line);
            e->setFocus();
        }
    });
    connect(m_themes, &ThemeManager::themeChanged, this, &MainWindow::applyTheme);
    applyTheme(m_themes->current());
    resize(1400, 900);
    updateActionStates();
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks()
{
    m_problems = new ProblemsDock(this);
    m_output = new OutputDock(this);
    m_actorsDock = new ActorsDock(this);
    m_programFiles = new ProgramFilesDock(this);
    m_messages = new MessagesDock(this);
    m_preview = new PreviewDock(this);
    m_timeTravel = new TimeTravelViews(this);
    m_messages->setTraceView(m_timeTravel->messageTable());
    QDockWidget* timeline = m_timeTravel->timelineDock();
    QDockWidget* graph = m_timeTravel->graphDock();
    QDockWidget* snapshots = m_timeTravel->explorerDock();
    m_timeTravelDocks = {timeline, graph, snapshots};

    addDockWidget(Qt::BottomDockWidgetArea, m_output);
    addDockWidget(Qt::BottomDockWidgetArea, m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_messages);
    addDockWidget(Qt::BottomDockWidgetArea, timeline);
    tabifyDockWidget(m_output, m_problems);
    tabifyDockWidget(m_problems, m_messages);
    tabifyDockWidget(m_messages, timeline);
    m_output->raise();
    addDockWidget(Qt::RightDockWidgetArea, m_actorsDock);
    addDockWidget(Qt::RightDockWidgetArea, m_preview);
    addDockWidget(Qt::RightDockWidgetArea, graph);
    addDockWidget(Qt::RightDockWidgetArea, snapshots);
    tabifyDockWidget(m_preview, graph);
    tabifyDockWidget(graph, snapshots);
    m_preview->raise();
    // Shown when a trace of a program of several files is open.
    addDockWidget(Qt::LeftDockWidgetArea, m_programFiles);
    m_programFiles->hide();
    resizeDocks({m_output}, {260}, Qt::Vertical);
    resizeDocks({m_actorsDock}, {380}, Qt::Horizontal);
}

QList<QDockWidget*> MainWindow::docks() const
{
    QList<QDockWidget*> out{m_problems, m_output, m_actorsDock, m_messages, m_preview, m_programFiles};
    out += m_timeTravelDocks;
    return out;
}

void MainWindow::createStatusBar()
{
    m_stateLabel = new QLabel(RunController::stateName(RunController::State::Idle), this);
    m_progressLabel = new QLabel(this);
    m_cursorLabel = new QLabel(this);
    m_engineLabel = new QLabel(this);
    m_engineLabel->setObjectName(QStringLiteral("engineLabel"));
    statusBar()->addPermanentWidget(m_cursorLabel);
    statusBar()->addPermanentWidget(m_engineLabel);
    statusBar()->addPermanentWidget(m_progressLabel);
    statusBar()->addPermanentWidget(m_stateLabel);
    updateRunStatus();
}

QString MainWindow::statusText() const
{
    QString text = m_stateLabel->text() + QLatin1String(" | ") + m_progressLabel->text();
    if (!m_engineLabel->text().isEmpty())
        text += QLatin1String(" | ") + m_engineLabel->text();
    return text;
}

void MainWindow::wireRunController()
{
    connect(m_run, &RunController::stateChanged, this, [this] {
        updateRunStatus();
        updateActionStates();
    });
    connect(m_run, &RunController::progress, this, &MainWindow::updateRunStatus);
    connect(m_run, &RunController::compileFailed, this, [this](const QString& diagnostics) {
        m_output->appendLines({OutputLine{0, OutputKind::Error, diagnostics}});
        m_output->appendSystem(tr("The program does not compile; see Problems."));
        m_problems->raise();
    });
    connect(m_run, &RunController::executionChanged, this, [this](const ExecutionInfo& info) {
        m_engineLabel->setText(RunController::executionText(info));
        QString tip;
        if (info.native)
            tip = tr("%1 functions compiled in %2 ms (%3 ms waiting for LLVM to load); native code entered %4 times")
                      .arg(info.functions)
                      .arg(qRound(info.compileMs))
                      .arg(qRound(info.waitMs))
                      .arg(info.nativeEntries);
        else if (!info.fallbackReason.isEmpty())
            tip = info.fallbackReason;
        m_engineLabel->setToolTip(tip);
    });
    connect(m_run, &RunController::outputAppended, m_output, &OutputDock::appendLines);
    connect(m_run, &RunController::outputReset, m_output, &OutputDock::resetLines);
    connect(m_run, &RunController::deliveriesAppended, m_messages->model(), &MessagesModel::append);
    connect(m_run, &RunController::deliveriesTruncated, m_messages->model(), &MessagesModel::truncate);
    connect(m_run, &RunController::snapshotChanged, m_actorsDock, &ActorsDock::showSnapshot);
    connect(m_run, &RunController::snapshotChanged, m_preview, &PreviewDock::showSnapshot);
    connect(m_run, &RunController::executionPointChanged, this, [this](int line) {
        // A program of several files: the line may be in a file the entry
        // file imports; open it beside the entry file (or switch back to the
        // entry file) and show the line there.
        QString file = m_runFile;
        const QString rel = m_run->lastSnapshot().sourcePath;
        if (line > 0 && !rel.isEmpty() && !m_runFile.isEmpty())
            file = QFileInfo(QFileInfo(m_runFile).dir().filePath(rel)).absoluteFilePath();
        CodeEditor* shown = nullptr;
        for (CodeEditor* e : m_editors->editors())
            if (e->filePath() == file)
                shown = e;
        if (line > 0 && !shown && file != m_runFile && m_editors->openFile(file))
            shown = m_editors->currentEditor();
        if (line > 0 && shown && file != m_lastExecutionFile)
            m_editors->showEditor(shown);
        m_lastExecutionFile = line > 0 ? file : QString();
        for (CodeEditor* e : m_editors->editors())
            e->setExecutionLine(e == shown && line > 0 ? line - 1 : -1);
        if (shown && line > 0)
            shown->ensureLineVisible(line - 1);
    });
    connect(m_preview, &PreviewDock::uiEvent, m_run, &RunController::sendScreenEvent);
    connect(m_preview, &PreviewDock::inputEdited, m_run, &RunController::sendInput);
}

void MainWindow::applyTheme(const Theme& theme)
{
    m_editors->applyTheme(theme);
    m_output->applyTheme(theme);
    m_actorsDock->applyTheme(theme);
    m_timeTravel->applyTheme(theme);
    // Docks and their contents inherit the application palette; set it on
    // the window too so that a palette switch reaches widgets that cached one.
    setPalette(theme.palette);
    for (QDockWidget* d : docks())
        d->setPalette(theme.palette);
    if (m_themeMenu)
        for (QAction* a : m_themeMenu->actions())
            a->setChecked(a->data().toString() == theme.name);
}

void MainWindow::setTheme(const QString& name)
{
    // Remembered only when the user picks one: applying the start-up theme
    // must not overwrite the stored choice before restoreSession() reads it.
    if (m_themes->setTheme(name))
        m_settings->setTheme(name);
}

void MainWindow::onCurrentEditorChanged(CodeEditor* editor)
{
    showDiagnostics(editor);
    if (!editor)
        return;
    if (!editor->property("aeroflowCursorWired").toBool()) {
        editor->setProperty("aeroflowCursorWired", true);
        connect(editor, &QsciScintilla::cursorPositionChanged, this, [this, editor](int line, int index) {
            if (editor == m_editors->currentEditor())
                m_cursorLabel->setText(tr("Ln %1, Col %2").arg(line + 1).arg(index + 1));
        });
    }
    const QString title = editor->property("aeroflowReadOnlyTitle").toString();
    setWindowTitle(tr("%1 — AeroFlow Studio").arg(title.isEmpty() ? editor->displayName() : title));
}

void MainWindow::showDiagnostics(CodeEditor* editor)
{
    if (!editor) {
        m_problems->setDiagnostics({}, {});
        return;
    }
    m_problems->setDiagnostics(editor->displayName(), editor->diagnostics());
}

void MainWindow::updateRunStatus()
{
    if (tracing()) {
        m_stateLabel->setText(tr("Trace"));
        m_progressLabel->setText(tr("tick %1 · message %2 of %3").arg(m_trace->lastSnapshot().tick).arg(m_trace->position()).arg(m_trace->end()));
        return;
    }
    m_stateLabel->setText(RunController::stateName(m_run->state()));
    m_progressLabel->setText(tr("tick %1 · %2 messages").arg(m_run->tick()).arg(m_run->delivered()));
}

void MainWindow::updateActionStates()
{
    using S = RunController::State;
    const S s = m_run->state();
    const bool paused = s == S::Paused || tracing();
    if (auto* a = action(QStringLiteral("debug.pause")))
        a->setEnabled(s == S::Running);
    if (auto* a = action(QStringLiteral("run.stop")))
        a->setEnabled(s == S::Running || s == S::Paused || s == S::Finished);
    // F10/F11 also start a paused debug session when there is none.
    for (const char* name : {"debug.stepOver", "debug.stepInto"})
        if (auto* a = action(QString::fromLatin1(name)))
            a->setEnabled(paused || !m_run->hasSession());
    for (const char* name : {"debug.stepOut", "debug.stepBack", "debug.nextMessage", "debug.previousMessage",
                             "debug.messageInto", "debug.messageOut", "debug.reverseContinue"})
        if (auto* a = action(QString::fromLatin1(name)))
            a->setEnabled(paused);
}

QVector<BreakpointSpec> MainWindow::currentBreakpoints() const
{
    QVector<BreakpointSpec> out;
    CodeEditor* current = m_editors->currentEditor();
    // The entry file: the running one, else the current editor's. Breakpoints
    // in other open files below its folder may be in files it imports
    // (EngineWorker keeps those that are).
    const QString entry = m_run->hasSession() && !m_runFile.isEmpty() ? m_runFile
                                                                      : (current ? current->filePath() : QString());
    const QDir root = QFileInfo(entry).dir();
    for (CodeEditor* e : m_editors->editors()) {
        QString file;
        if (entry.isEmpty() || e->filePath().isEmpty()) {
            if (e != current)
                continue;
        } else if (e->filePath() != entry) {
            file = root.relativeFilePath(e->filePath());
            if (file.startsWith(QLatin1String("../")) || !compiler::isSourceFileName(file.toStdString()))
                continue;
        }
        for (const Breakpoint& b : e->breakpoints())
            out.push_back({b.line + 1, b.condition, file});
    }
    return out;
}

void MainWindow::runCurrent(bool debug, bool stopAtStart)
{
    CodeEditor* e = m_editors->currentEditor();
    if (!e) {
        showError(tr("Open a file to run it."), true);
        return;
    }
    if (!e->cutNotice().isEmpty()) { // what it shows is not the program
        showError(tr("%1 was opened cut (too large to show whole); run it with the aeroflow command.")
                      .arg(e->displayName()),
                  true);
        return;
    }
    m_runFile = e->filePath();
    m_traceMode = false;
    m_timeTravel->close(); // the views show this run's trace once it is written
    m_messages->showTraceView(false);
    m_messages->setFollow(true);
    m_messages->model()->setFetcher({}, {});
    RunSettings settings = m_run->runSettings();
    const QString traceSource = e->filePath().isEmpty() ? e->property("aeroflowReadOnlyTitle").toString() : e->filePath();
    settings.traceDir = traceDirFor(e->filePath());
    settings.traceStem = QFileInfo(traceSource.isEmpty() ? QStringLiteral("untitled") : traceSource).completeBaseName();
    m_run->setRunSettings(settings);
    m_output->clear();
    m_output->setTraceMode(true); // output lines keep their seq: the run's trace dims what follows the cursor
    m_messages->model()->clear();
    m_actorsDock->clear();
    m_preview->clear();
    m_output->appendSystem(tr("▶ %1 %2").arg(debug ? tr("Debugging") : tr("Running"), e->displayName()));
    m_output->raise();
    // The file's path, when it has one: the files it imports are read beside it.
    m_run->start(e->filePath().isEmpty() ? e->displayName() : e->filePath(), e->text().toUtf8(), debug ? currentBreakpoints() : QVector<BreakpointSpec>{}, debug,
                 stopAtStart);
}

QVector<BreakpointSpec> MainWindow::traceBreakpoints() const
{
    QVector<BreakpointSpec> out;
    if (CodeEditor* e = traceEditor())
        for (const Breakpoint& b : e->breakpoints())
            out.push_back({b.line + 1, b.condition});
    // The other files of a recorded program of several files, by their recorded names.
    for (int i = 1; i < m_traceFileEditors.size(); ++i)
        if (CodeEditor* e = m_traceFileEditors[i].data())
            for (const Breakpoint& b : e->breakpoints())
                out.push_back({b.line + 1, b.condition, m_traceFileNames[i]});
    return out;
}

void MainWindow::runOrContinue()
{
    if (tracing() && m_editors->currentEditor() == traceEditor()) {
        m_trace->continueTo(traceBreakpoints(), true); // F5 in a trace: the next breakpoint hit
        return;
    }
    if (m_run->state() == RunController::State::Paused) {
        m_run->continueRun();
        return;
    }
    runCurrent(!currentBreakpoints().isEmpty());
}

bool MainWindow::openPath(const QString& path, bool quiet)
{
    const QFileInfo info(path);
    if (info.suffix().compare(QLatin1String("aftrace"), Qt::CaseInsensitive) == 0) {
        openTrace(path, quiet);
        return true; // opened on the trace thread; failures show in the window
    }
    if (info.isDir()) {
        QDir dir(path);
        if (!m_projectDirs.contains(info.absoluteFilePath()))
            m_projectDirs << info.absoluteFilePath();
        QStringList files;
        for (const QFileInfo& f : dir.entryInfoList(QDir::Files, QDir::Name))
            if (compiler::isSourceFileName(f.fileName().toStdString()))
                files << f.absoluteFilePath();
        if (files.isEmpty()) {
            showError(tr("%1 holds no AeroFlow source files.").arg(QDir::toNativeSeparators(path)), quiet);
            return false;
        }
        bool ok = true;
        for (const QString& f : files)
            ok = openPath(f, quiet) && ok;
        return ok;
    }
    QString error;
    if (!m_editors->openFile(path, &error)) {
        showError(error, quiet);
        return false;
    }
    statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 3000);
    return true;
}

void MainWindow::showError(const QString& message, bool quiet)
{
    statusBar()->showMessage(message, 8000);
    if (!quiet)
        QMessageBox::warning(this, tr("AeroFlow Studio"), message);
}

void MainWindow::openFileDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open"), QString(),
                                                            tr("AeroFlow sources and traces (*.aefl *.af *.aftrace);;AeroFlow traces (*.aftrace);;All files (*)"));
    for (const QString& f : files)
        openPath(f);
}

void MainWindow::saveCurrent(bool as)
{
    CodeEditor* e = m_editors->currentEditor();
    if (!e)
        return;
    QString path = e->filePath();
    if (as || path.isEmpty()) {
        path = QFileDialog::getSaveFileName(this, tr("Save as"), path, tr("AeroFlow sources (*.aefl)"));
        if (path.isEmpty())
            return;
    }
    QString error;
    if (!m_editors->saveAs(path, &error))
        showError(error, false);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 3000);
}

void MainWindow::goToLineDialog()
{
    CodeEditor* e = m_editors->currentEditor();
    if (!e)
        return;
    int line = 0, index = 0;
    e->getCursorPosition(&line, &index);
    bool ok = false;
    const int target = QInputDialog::getInt(this, tr("Go to line"), tr("Line (1 – %1):").arg(e->lines()), line + 1, 1,
                                            std::max(1, e->lines()), 1, &ok);
    if (ok)
        e->goToLine(target - 1);
}

void MainWindow::showCommandPalette()
{
    auto* palette = new CommandPalette(allActions(), this);
    palette->setAttribute(Qt::WA_DeleteOnClose);
    palette->move(mapToGlobal(QPoint((width() - palette->width()) / 2, 60)));
    palette->show();
}

void MainWindow::restoreSession()
{
    m_themes->setTheme(m_settings->theme());
    for (const QString& f : m_settings->openFiles())
        openPath(f, true);
    restoreGeometry(m_settings->geometry());
    restoreState(m_settings->windowState());
    rebuildRecentMenu();
}

void MainWindow::saveSession()
{
    m_settings->setWindowLayout(saveGeometry(), saveState());
    m_settings->setOpenFiles(m_editors->openFiles());
    m_settings->setTheme(m_themes->current().name);
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (CodeEditor* e : m_editors->editors())
        if (e->isModified()) {
            const auto answer = QMessageBox::question(this, tr("Quit"), tr("Some files have unsaved changes. Quit anyway?"));
            if (answer != QMessageBox::Yes) {
                event->ignore();
                return;
            }
            break;
        }
    saveSession();
    m_run->stop();
    event->accept();
}

} // namespace aeroflow::studio
