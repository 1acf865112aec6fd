#pragma once
// The find / replace strip under the editors (Ctrl+F, Ctrl+H): searches the
// current editor with QScintilla's search, wraps around.

#include <QWidget>

class QLineEdit;
class QCheckBox;
class QLabel;
class QPushButton;

namespace aeroflow::studio {

class CodeEditor;

class FindReplaceBar : public QWidget {
    Q_OBJECT
public:
    explicit FindReplaceBar(QWidget* parent = nullptr);

    void setEditor(CodeEditor* editor) { m_editor = editor; }
    /// Shows the bar; `replace` also shows the replace row. Seeds the search
    /// with the editor's selection.
    void open(bool replace);
    bool findNext(bool forward = true);
    bool replaceOne();
    int replaceAll();
    QLineEdit* findField() const { return m_find; }
    QLineEdit* replaceField() const { return m_replace; }

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    CodeEditor* m_editor = nullptr;
    QLineEdit* m_find;
    QLineEdit* m_replace;
    QCheckBox* m_case;
    QCheckBox* m_word;
    QWidget* m_replaceRow;
    QLabel* m_status;
};

} // namespace aeroflow::studio
