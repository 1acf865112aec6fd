#pragma once
// The Studio's main window. It only assembles: the editor area in the
// centre, the docks around it, the menus and the status bar, and wires them
// to the controllers (RunController, ThemeManager, StudioSettings). The
// work itself lives in those classes.

#include "run/RunController.h"
#include "run/TraceController.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <memory>

class QLabel;
class QMenu;
class QTemporaryDir;

namespace aeroflow::studio {

class ActorsDock;
class CodeEditor;
class EditorArea;
class MessagesDock;
class OutputDock;
class PreviewDock;
class ProblemsDock;
class ProgramFilesDock;
class SnapshotResumer;
class StudioSettings;
class TimeTravelViews;
class ThemeManager;
struct Theme;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `themes` and `settings` must outlive the window.
    MainWindow(ThemeManager* themes, StudioSettings* settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a file, or every source file of a directory. Shows a message
    /// (status bar and box unless `quiet`) when something cannot be read.
    bool openPath(const QString& path, bool quiet = false);
    /// Restores layout, theme and the files open last time.
    void restoreSession();
    void saveSession();

    /// Starts the current file: with breakpoints honoured when `debug`.
    void runCurrent(bool debug, bool stopAtStart = false);
    void setTheme(const QString& name);
    /// Run (Ctrl+R, F5 without breakpoints) with native code from the LLVM
    /// JIT; remembered in the settings and mirrored by the Run menu's
    /// checkable action. Debug always interprets.
    void setRunWithNativeCode(bool on);
    /// The JIT optimisation level for Run (0..3), remembered.
    void setJitOptLevel(int level);

    QAction* action(const QString& objectName) const { return m_actions.value(objectName); }
    QList<QAction*> allActions() const;
    EditorArea* editorArea() const { return m_editors; }
    RunController* runController() const { return m_run; }
    TraceController* traceController() const { return m_trace; }
    /// The Debug actions drive the open trace (not a live run).
    bool tracing() const { return m_traceMode && m_trace->isOpen(); }
    /// The read-only editor tab of the open trace's source, or null.
    CodeEditor* traceEditor() const;
    /// Where a run of `filePath` is recorded: `<project>/.aeroflow`, or a
    /// temporary folder of this session for loose files.
    QString traceDirFor(const QString& filePath);
    ProblemsDock* problemsDock() const { return m_problems; }
    ProgramFilesDock* programFilesDock() const { return m_programFiles; }
    OutputDock* outputDock() const { return m_output; }
    ActorsDock* actorsDock() const { return m_actorsDock; }
    MessagesDock* messagesDock() const { return m_messages; }
    PreviewDock* previewDock() const { return m_preview; }
    QList<QDockWidget*> docks() const;
    /// The Timeline / Actor Graph / Snapshot Explorer views and their cursor.
    TimeTravelViews* timeTravel() const { return m_timeTravel; }
    /// Runs the `.afs` snapshot `afsPath` as a new run, output to Output.
    void resumeSnapshot(const QString& afsPath);
    SnapshotResumer* resumer() const { return m_resumer; }
    ThemeManager* themeManager() const { return m_themes; }
    QString statusText() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    // MainWindowMenus.cpp
    void createActions();
    void createMenus();
    QAction* addAction(const QString& name, const QString& text, const QKeySequence& shortcut,
                       std::function<void()> slot);
    void rebuildRecentMenu();
    void createRunOptionActions();
    /// Settings -> RunSettings and the Run menu's check marks; preloads the
    /// JIT in the background when it is on.
    void applyRunOptions();

    // MainWindow.cpp
    void createDocks();
    void createStatusBar();
    void wireRunController();
    void applyTheme(const Theme& theme);
    void onCurrentEditorChanged(CodeEditor* editor);
    void showDiagnostics(CodeEditor* editor);
    void updateRunStatus();
    void updateActionStates();
    void openFileDialog();
    void saveCurrent(bool as);
    void goToLineDialog();
    void showCommandPalette();
    void runOrContinue();
    QVector<BreakpointSpec> currentBreakpoints() const;
    /// The breakpoints of the open trace's read-only source.
    QVector<BreakpointSpec> traceBreakpoints() const;
    void showError(const QString& message, bool quiet);
    // MainWindowTrace.cpp
    void wireTraceController();
    void openTrace(const QString& path, bool quiet);
    void showTracePosition(const SessionSnapshot& snapshot, int line);
    /// Says in Output and the status bar that the open trace looks damaged
    /// (each finding once per opened trace).
    void reportDamage(const QString& message);
    void wireTimeTravel();
    void resumeSnapshotDialog();

    ThemeManager* m_themes;
    StudioSettings* m_settings;
    EditorArea* m_editors;
    RunController* m_run;
    ProblemsDock* m_problems = nullptr;
    OutputDock* m_output = nullptr;
    ActorsDock* m_actorsDock = nullptr;
    ProgramFilesDock* m_programFiles = nullptr;
    MessagesDock* m_messages = nullptr;
    PreviewDock* m_preview = nullptr;
    QList<QDockWidget*> m_timeTravelDocks;
    TimeTravelViews* m_timeTravel = nullptr;
    SnapshotResumer* m_resumer = nullptr;
    QHash<QString, QAction*> m_actions;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_themeMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_progressLabel = nullptr;
    QLabel* m_cursorLabel = nullptr;
    QLabel* m_engineLabel = nullptr; ///< how the run executes (native / interpreter)
    QString m_runFile; ///< the file the current run came from (execution point)
    QString m_lastExecutionFile; ///< the file the execution line was last shown in
    TraceController* m_trace;
    QPointer<CodeEditor> m_traceEditor;
    /// A recorded program of several files: its files (the entry first) and
    /// their read-only editors, opened when first shown ([0] is m_traceEditor).
    QStringList m_traceFileNames, m_traceFileTexts;
    QVector<QPointer<CodeEditor>> m_traceFileEditors;
    QPointer<CodeEditor> m_traceExecutionEditor; ///< where the execution line was shown last
    /// The read-only editor of file `index` of the open trace, opened if needed.
    CodeEditor* traceFileEditor(int index);
    /// Has `editor` (file `index` of the open trace) check its text against the recorded files.
    void useTraceSources(CodeEditor* editor, int index);
    bool m_traceMode = false;
    bool m_traceQuiet = true;
    QStringList m_damageReported; ///< findings about the open trace already in Output
    QStringList m_projectDirs; ///< directories opened (projects)
    std::unique_ptr<QTemporaryDir> m_looseTraceDir;
};

} // namespace aeroflow::studio
