// MainWindow's actions and menus: one table of what the Studio can do, with
// the keyboard habits of mainstream IDEs (DESIGN.md), and the menus built
// from it. The command palette lists the same actions.

#include "MainWindow.h"

#include "StudioSettings.h"
#include "TimeTravelViews.h"
#include "docks/TimelineDock.h"
#include "editor/CodeEditor.h"
#include "editor/EditorArea.h"
#include "editor/FindReplaceBar.h"
#include "run/NativeProgram.h"
#include "theme/ThemeManager.h"

#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>

namespace aeroflow::studio {

QAction* MainWindow::addAction(const QString& name, const QString& text, const QKeySequence& shortcut,
                               std::function<void()> slot)
{
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcut(shortcut);
    // Window-wide: the shortcut works whichever dock has the focus.
    a->setShortcutContext(Qt::WindowShortcut);
    connect(a, &QAction::triggered, this, std::move(slot));
    m_actions.insert(name, a);
    QMainWindow::addAction(a);
    return a;
}

QList<QAction*> MainWindow::allActions() const
{
    QList<QAction*> out;
    for (QMenu* menu : menuBar()->findChildren<QMenu*>())
        for (QAction* a : menu->actions())
            if (!a->isSeparator() && !a->menu() && !out.contains(a))
                out << a;
    return out;
}

void MainWindow::createActions()
{
    auto editor = [this] { return m_editors->currentEditor(); };
    // File
    addAction("file.new", tr("&New"), QKeySequence::New, [this] { m_editors->newFile(); });
    addAction("file.open", tr("&Open…"), QKeySequence::Open, [this] { openFileDialog(); });
    addAction("file.save", tr("&Save"), QKeySequence::Save, [this] { saveCurrent(false); });
    addAction("file.saveAs", tr("Save &As…"), QKeySequence(QStringLiteral("Ctrl+Shift+S")), [this] { saveCurrent(true); });
    addAction("file.exportTrace", tr("Export Trace to Chrome/Perfetto &JSON…"), QKeySequence(),
              [this] { m_timeTravel->exportTraceDialog(); });
    addAction("file.exportSnapshot", tr("Export Snapshot at &Cursor…"), QKeySequence(),
              [this] { m_timeTravel->exportSnapshotDialog(); });
    addAction("file.resumeSnapshot", tr("Res&ume Snapshot…"), QKeySequence(), [this] { resumeSnapshotDialog(); });
    addAction("file.quit", tr("&Quit"), QKeySequence::Quit, [this] { close(); });
    // Edit
    addAction("edit.undo", tr("&Undo"), QKeySequence::Undo, [editor] { if (auto* e = editor()) e->undo(); });
    addAction("edit.redo", tr("&Redo"), QKeySequence::Redo, [editor] { if (auto* e = editor()) e->redo(); });
    addAction("edit.cut", tr("Cu&t"), QKeySequence::Cut, [editor] { if (auto* e = editor()) e->cut(); });
    addAction("edit.copy", tr("&Copy"), QKeySequence::Copy, [editor] { if (auto* e = editor()) e->copy(); });
    addAction("edit.paste", tr("&Paste"), QKeySequence::Paste, [editor] { if (auto* e = editor()) e->paste(); });
    addAction("edit.find", tr("&Find…"), QKeySequence(QStringLiteral("Ctrl+F")), [this] {
        // In the timeline, Find searches the recorded messages.
        if (m_timeTravel->timelineDock()->hasFocusInside() && m_timeTravel->isOpen())
            m_timeTravel->timelineDock()->showSearch();
        else
            m_editors->findBar()->open(false);
    });
    addAction("edit.replace", tr("Find and &Replace…"), QKeySequence(QStringLiteral("Ctrl+H")), [this] { m_editors->findBar()->open(true); });
    addAction("edit.goToLine", tr("&Go to Line…"), QKeySequence(QStringLiteral("Ctrl+G")), [this] { goToLineDialog(); });
    addAction("edit.goToDefinition", tr("Go to &Definition"), QKeySequence(Qt::Key_F12),
              [editor] { if (auto* e = editor()) e->goToDefinitionAtCursor(); });
    addAction("edit.complete", tr("Complete &Word"), QKeySequence(QStringLiteral("Ctrl+Space")),
              [editor] { if (auto* e = editor()) e->showCompletions(); });
    // View
    addAction("view.commandPalette", tr("Command &Palette…"), QKeySequence(QStringLiteral("Ctrl+Shift+P")),
              [this] { showCommandPalette(); });
    // Run
    addAction("run.runOrContinue", tr("&Run / Continue"), QKeySequence(Qt::Key_F5), [this] { runOrContinue(); });
    addAction("run.runWithoutDebugging", tr("Run &without Debugging"), QKeySequence(QStringLiteral("Ctrl+R")),
              [this] { runCurrent(false); });
    addAction("run.stop", tr("&Stop"), QKeySequence(QStringLiteral("Shift+F5")), [this] { m_run->stop(); });
    createRunOptionActions();
    // Debug: F10/F11/Shift+F11/Shift+F10 at statement granularity, Ctrl+F10 /
    // Ctrl+Shift+F10 a whole message (docs/STUDIO.md). With no session, F10
    // and F11 start debugging paused at the first statement (as Visual Studio).
    addAction("debug.start", tr("Start &Debugging (pause at first statement)"), QKeySequence(QStringLiteral("Ctrl+Alt+F5")),
              [this] { runCurrent(true, true); });
    addAction("debug.pause", tr("&Pause"), QKeySequence(Qt::Key_F6), [this] { m_run->pause(); });
    auto statement = [this](debugger::StepKind kind, bool forward) {
        if (tracing())
            m_trace->stepStatement(kind, forward);
        else if (m_run->state() == RunController::State::Paused)
            forward ? (kind == debugger::StepKind::Over   ? m_run->stepOver()
                       : kind == debugger::StepKind::Into ? m_run->stepInto()
                                                          : m_run->stepOut())
                    : m_run->stepBack();
        else if (forward && kind != debugger::StepKind::Out && !m_run->hasSession())
            runCurrent(true, true);
    };
    addAction("debug.stepOver", tr("Step &Over (next statement)"), QKeySequence(Qt::Key_F10),
              [statement] { statement(debugger::StepKind::Over, true); });
    addAction("debug.stepInto", tr("Step &Into (next statement, into calls)"), QKeySequence(Qt::Key_F11),
              [statement] { statement(debugger::StepKind::Into, true); });
    addAction("debug.stepOut", tr("Step O&ut (back to the caller / next message)"), QKeySequence(QStringLiteral("Shift+F11")),
              [statement] { statement(debugger::StepKind::Out, true); });
    addAction("debug.stepBack", tr("Step &Back (previous statement)"), QKeySequence(QStringLiteral("Shift+F10")),
              [statement] { statement(debugger::StepKind::Over, false); });
    addAction("debug.nextMessage", tr("Step to &Next Message"), QKeySequence(QStringLiteral("Ctrl+F10")),
              [this] { if (tracing()) m_trace->stepForward(); else m_run->nextMessage(); });
    addAction("debug.previousMessage", tr("Step to Pre&vious Message"), QKeySequence(QStringLiteral("Ctrl+Shift+F10")),
              [this] { if (tracing()) m_trace->stepBack(); else m_run->previousMessage(); });
    addAction("debug.messageInto", tr("Step Into &Message (first message it sends)"), QKeySequence(),
              [this] { if (tracing()) m_trace->stepForward(); else m_run->messageInto(); });
    addAction("debug.messageOut", tr("Step Out of M&essage (back to the sender)"), QKeySequence(),
              [this] { if (tracing()) m_trace->stepForward(); else m_run->messageOut(); });
    addAction("debug.reverseContinue", tr("Reverse &Continue (previous breakpoint hit)"), QKeySequence(QStringLiteral("Ctrl+Shift+F5")),
              [this] { if (tracing()) m_trace->continueTo(traceBreakpoints(), false); else m_run->reverseContinue(); });
    addAction("debug.toggleBreakpoint", tr("Toggle &Breakpoint"), QKeySequence(Qt::Key_F9), [editor] {
        if (auto* e = editor()) {
            int line = 0, index = 0;
            e->getCursorPosition(&line, &index);
            e->toggleBreakpoint(line);
        }
    });
    addAction("debug.breakpointCondition", tr("Breakpoint &Condition…"), QKeySequence(QStringLiteral("Alt+F9")), [editor] {
        if (auto* e = editor()) {
            int line = 0, index = 0;
            e->getCursorPosition(&line, &index);
            e->editBreakpointCondition(line);
        }
    });
    // Help
    addAction("help.about", tr("&About AeroFlow Studio"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About AeroFlow Studio"),
                           tr("<b>AeroFlow Studio %1</b><p>The IDE of AeroFlow, a deterministic actor language.</p>")
                               .arg(QApplication::applicationVersion()));
    });
    addAction("help.shortcuts", tr("&Keyboard Shortcuts"), QKeySequence(), [this] { showCommandPalette(); });
}

void MainWindow::createMenus()
{
    auto add = [this](QMenu* menu, std::initializer_list<const char*> names) {
        for (const char* n : names) {
            if (QLatin1String(n) == QLatin1String("-"))
                menu->addSeparator();
            else
                menu->addAction(m_actions.value(QString::fromLatin1(n)));
        }
    };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    add(file, {"file.new", "file.open"});
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    add(file, {"-", "file.save", "file.saveAs", "-", "file.exportTrace", "file.exportSnapshot", "file.resumeSnapshot", "-",
               "file.quit"});

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    add(edit, {"edit.undo", "edit.redo", "-", "edit.cut", "edit.copy", "edit.paste", "-", "edit.find", "edit.replace",
               "edit.goToLine", "-", "edit.goToDefinition", "edit.complete"});

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    add(m_viewMenu, {"view.commandPalette", "-"});
    m_themeMenu = m_viewMenu->addMenu(tr("&Theme"));
    auto* group = new QActionGroup(this);
    for (const QString& name : m_themes->themeNames()) {
        const Theme* t = m_themes->find(name);
        QAction* a = m_themeMenu->addAction(t ? t->label : name);
        a->setObjectName(QStringLiteral("view.theme.") + name);
        a->setCheckable(true);
        a->setData(name);
        a->setActionGroup(group);
        a->setChecked(name == m_themes->current().name);
        connect(a, &QAction::triggered, this, [this, name] { setTheme(name); });
        m_actions.insert(a->objectName(), a);
    }
    m_viewMenu->addSeparator();
    for (QDockWidget* d : docks())
        m_viewMenu->addAction(d->toggleViewAction());

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    add(run, {"run.runOrContinue", "run.runWithoutDebugging", "run.stop", "-", "run.nativeCode"});
    QMenu* levels = run->addMenu(tr("JIT &Optimisation Level"));
    levels->setObjectName(QStringLiteral("run.jitOptMenu"));
    for (int level = 0; level <= 3; ++level)
        levels->addAction(m_actions.value(QStringLiteral("run.jitOpt.%1").arg(level)));

    QMenu* debug = menuBar()->addMenu(tr("&Debug"));
    add(debug, {"debug.start", "debug.pause", "-", "debug.stepOver", "debug.stepInto", "debug.stepOut", "debug.stepBack",
                "-", "debug.nextMessage", "debug.previousMessage", "debug.messageInto", "debug.messageOut", "-",
                "debug.reverseContinue", "-", "debug.toggleBreakpoint", "debug.breakpointCondition"});

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    add(help, {"help.shortcuts", "help.about"});
}

void MainWindow::createRunOptionActions()
{
    QAction* native = addAction("run.nativeCode", tr("Run with &Native Code (LLVM JIT)"), QKeySequence(), [] {});
    native->setCheckable(true);
    native->setToolTip(tr("Run compiles the program to native code first; Debug always uses the interpreter"));
    // triggered, not toggled: setChecked() from the settings must not write them back.
    connect(native, &QAction::triggered, this, [this](bool on) { setRunWithNativeCode(on); });
    auto* group = new QActionGroup(this);
    static const char* const kLabels[] = {QT_TR_NOOP("-O&0 (fastest compile)"), QT_TR_NOOP("-O&1"),
                                          QT_TR_NOOP("-O&2"), QT_TR_NOOP("-O&3 (slowest compile)")};
    for (int level = 0; level <= 3; ++level) {
        QAction* a = addAction(QStringLiteral("run.jitOpt.%1").arg(level), tr(kLabels[level]), QKeySequence(),
                               [this, level] { setJitOptLevel(level); });
        a->setCheckable(true);
        a->setActionGroup(group);
    }
}

void MainWindow::applyRunOptions()
{
    const bool native = m_settings->runWithNativeCode();
    const int level = m_settings->jitOptLevel();
    RunSettings s = m_run->runSettings();
    s.nativeCode = native;
    s.jitOptLevel = level;
    m_run->setRunSettings(s);
    if (QAction* a = action(QStringLiteral("run.nativeCode")))
        a->setChecked(native);
    for (int l = 0; l <= 3; ++l)
        if (QAction* a = action(QStringLiteral("run.jitOpt.%1").arg(l))) {
            a->setChecked(l == level);
            a->setEnabled(native);
        }
    // Loading libLLVM takes ~0.2-0.5 s: do it now, off the GUI thread, so
    // the first Run does not wait for it.
    if (native)
        NativeProgram::preloadInBackground();
}

void MainWindow::setRunWithNativeCode(bool on)
{
    m_settings->setRunWithNativeCode(on);
    applyRunOptions();
}

void MainWindow::setJitOptLevel(int level)
{
    m_settings->setJitOptLevel(level);
    applyRunOptions();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_settings->recentFiles();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openPath(path); })->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

} // namespace aeroflow::studio
