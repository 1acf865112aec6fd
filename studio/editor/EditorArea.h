#pragma once
// The editors: one tab per open file plus the find/replace bar. Owns file
// I/O (open, save, save as); errors come back as messages, never crashes.

#include <QStringList>
#include <QWidget>

class QTabWidget;

namespace aeroflow::studio {

class CodeEditor;
class FindReplaceBar;
struct Theme;

class EditorArea : public QWidget {
    Q_OBJECT
public:
    explicit EditorArea(QWidget* parent = nullptr);

    /// Opens `path` (or switches to it when already open). On failure
    /// returns false and sets `error` to a message for the user. A file too
    /// large to edit whole (EditorText) opens cut, read-only, with a banner,
    /// and cannot be saved (that would lose what was left out).
    bool openFile(const QString& path, QString* error = nullptr);
    /// At most this much of a file is read.
    static constexpr qint64 kMaxFileBytes = 16 << 20;
    CodeEditor* newFile();
    /// A read-only tab titled `title` holding `text` (a trace's source).
    /// It has no file path, so it is never saved nor restored. `cutNotice`
    /// says what of the source `text` leaves out (EditorText), shown as a
    /// banner; empty when it is whole.
    CodeEditor* openReadOnly(const QString& title, const QString& text, const QString& cutNotice = {});
    /// Saves the current editor to its file; false when it has none or fails.
    bool save(QString* error = nullptr);
    bool saveAs(const QString& path, QString* error = nullptr);

    CodeEditor* currentEditor() const;
    /// Makes `editor` (one of this area's) the current tab.
    void showEditor(CodeEditor* editor);
    QList<CodeEditor*> editors() const;
    QStringList openFiles() const;
    FindReplaceBar* findBar() const { return m_findBar; }
    void applyTheme(const Theme& theme);

Q_SIGNALS:
    void currentEditorChanged(aeroflow::studio::CodeEditor* editor);
    /// The current editor's diagnostics were refreshed.
    void diagnosticsChanged(aeroflow::studio::CodeEditor* editor);
    void breakpointsChanged(aeroflow::studio::CodeEditor* editor);
    void fileOpened(const QString& path);

private:
    CodeEditor* addEditor();
    void updateTabTitle(CodeEditor* editor);
    bool closeTab(int index);

    QTabWidget* m_tabs;
    FindReplaceBar* m_findBar;
    const Theme* m_theme = nullptr;
};

} // namespace aeroflow::studio
