#pragma once
// One AeroFlow source editor: QScintilla with the AeroFlow lexer, line
// numbers, folding, brace matching, auto-indent, live diagnostics
// (squiggles + hover text), completion, go-to-definition, breakpoints with
// conditions and the current execution point. File I/O lives in EditorArea.

#include "Analysis.h"

#include <Qsci/qsciscintilla.h>

#include <QMap>
#include <QVector>

namespace aeroflow::studio {

class AeroFlowLexer;
class DiagnosticsService;
struct Theme;

struct Breakpoint {
    int line = 0;      ///< 0-based editor line
    QString condition; ///< empty: always
    bool operator==(const Breakpoint&) const = default;
};

class CodeEditor : public QsciScintilla {
    Q_OBJECT
public:
    enum Marker { BreakpointMarker = 1, ConditionalBreakpointMarker = 2, ExecutionArrowMarker = 3, ExecutionLineMarker = 4 };
    enum Indicator { ErrorIndicator = 8, WarningIndicator = 9, NoteIndicator = 10 };
    enum MarginIndex { LineNumberMarginIndex = 0, SymbolMarginIndex = 1, FoldMarginIndex = 2 };

    explicit CodeEditor(QWidget* parent = nullptr);
    ~CodeEditor() override;

    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path);
    /// "counter.aefl", or "untitled" when it has no file yet.
    QString displayName() const;

    void applyTheme(const Theme& theme);
    AeroFlowLexer* aeroflowLexer() const { return m_lexer; }
    DiagnosticsService* diagnosticsService() const { return m_diagnostics; }
    const Analysis& analysis() const;
    const QVector<EditorDiagnostic>& diagnostics() const { return m_shown; }
    /// Diagnostic messages covering a document position (for hover).
    QStringList diagnosticsAt(int position) const;

    // --- breakpoints (lines move with edits: they are Scintilla markers) -----
    QVector<Breakpoint> breakpoints() const;
    bool hasBreakpoint(int line) const;
    void toggleBreakpoint(int line);
    void setBreakpoint(int line, const QString& condition);
    void removeBreakpoint(int line);
    /// Asks for a condition for the breakpoint on `line` (a dialog).
    void editBreakpointCondition(int line);

    /// Loads `text`, which is cut when `notice` is not empty (EditorText):
    /// then shows `notice` in a box under the first line and never runs
    /// live diagnostics, which would report the cuts as errors.
    void setLoadedText(const QString& text, const QString& notice = {});
    /// What the loaded text leaves out; empty when it is whole.
    QString cutNotice() const { return m_cutNotice; }

    // --- execution point -------------------------------------------------------
    void setExecutionLine(int line); ///< -1 clears
    int executionLine() const { return m_executionLine; }

    // --- navigation and completion ----------------------------------------------
    /// Jumps to the declaration of the name at `position`; false when none.
    bool goToDefinition(int position);
    bool goToDefinitionAtCursor() { return goToDefinition(currentPosition()); }
    /// Candidates for the word being typed at the cursor (and the prefix).
    QStringList completionCandidates(QString* prefix = nullptr) const;
    void showCompletions();
    void goToLine(int line); ///< 0-based; centres it
    int currentPosition() const;

Q_SIGNALS:
    void breakpointsChanged();
    /// A fresh analysis was shown (diagnostics updated).
    void diagnosticsUpdated();

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    void showAnalysis(const Analysis& analysis);
    void onMarginClicked(int margin, int line, Qt::KeyboardModifiers modifiers);
    void onDwellStart(int position, int x, int y);
    void onCharAdded(int ch);
    void onUserListActivated(int id, const QString& text);
    QString wordPrefixAtCursor() const;
    void showCutNotice();

    AeroFlowLexer* m_lexer;
    DiagnosticsService* m_diagnostics;
    QString m_filePath;
    QVector<EditorDiagnostic> m_shown;
    QMap<int, QString> m_conditions; ///< marker handle → condition
    int m_executionLine = -1;
    QString m_cutNotice;
    QColor m_noticeText, m_noticePaper;
};

} // namespace aeroflow::studio
