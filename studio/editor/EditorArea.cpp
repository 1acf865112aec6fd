#include "EditorArea.h"

#include "CodeEditor.h"
#include "DiagnosticsService.h"
#include "EditorText.h"
#include "FindReplaceBar.h"
#include "theme/Theme.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QSaveFile>
#include <QTabWidget>
#include <QVBoxLayout>

namespace aeroflow::studio {

EditorArea::EditorArea(QWidget* parent) : QWidget(parent), m_tabs(new QTabWidget(this)), m_findBar(new FindReplaceBar(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_findBar);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        CodeEditor* e = currentEditor();
        m_findBar->setEditor(e);
        Q_EMIT currentEditorChanged(e);
    });
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &EditorArea::closeTab);
}

CodeEditor* EditorArea::addEditor()
{
    auto* editor = new CodeEditor(m_tabs);
    if (m_theme)
        editor->applyTheme(*m_theme);
    connect(editor, &CodeEditor::modificationChanged, this, [this, editor] { updateTabTitle(editor); });
    connect(editor, &CodeEditor::diagnosticsUpdated, this, [this, editor] {
        if (editor == currentEditor())
            Q_EMIT diagnosticsChanged(editor);
    });
    connect(editor, &CodeEditor::breakpointsChanged, this, [this, editor] { Q_EMIT breakpointsChanged(editor); });
    m_tabs->addTab(editor, editor->displayName());
    m_tabs->setCurrentWidget(editor);
    return editor;
}

CodeEditor* EditorArea::newFile()
{
    CodeEditor* e = addEditor();
    e->diagnosticsService()->analyzeNow();
    return e;
}

CodeEditor* EditorArea::openReadOnly(const QString& title, const QString& text, const QString& cutNotice)
{
    CodeEditor* e = addEditor();
    e->setLoadedText(text, cutNotice);
    e->setModified(false);
    e->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER);
    e->setReadOnly(true);
    e->setProperty("aeroflowReadOnlyTitle", title);
    m_tabs->setTabText(m_tabs->indexOf(e), cutNotice.isEmpty() ? title : tr("%1 (cut)").arg(title));
    m_tabs->setTabToolTip(m_tabs->indexOf(e), cutNotice.isEmpty() ? tr("%1 (read-only)").arg(title)
                                                                  : tr("%1 (read-only)\n%2").arg(title, cutNotice));
    if (cutNotice.isEmpty())
        e->diagnosticsService()->analyzeNow();
    return e;
}

void EditorArea::showEditor(CodeEditor* editor)
{
    if (editor && m_tabs->indexOf(editor) >= 0)
        m_tabs->setCurrentWidget(editor);
}

bool EditorArea::openFile(const QString& path, QString* error)
{
    const QString canonical = QFileInfo(path).absoluteFilePath();
    for (CodeEditor* e : editors())
        if (e->filePath() == canonical) {
            m_tabs->setCurrentWidget(e);
            return true;
        }
    QFile f(canonical);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), f.errorString());
        return false;
    }
    // Bounded whatever the file: past kMaxFileBytes the rest is not read.
    const qint64 size = f.size();
    const QByteArray bytes = f.read(kMaxFileBytes);
    EditorText shown = editorTextOf(QString::fromUtf8(bytes));
    if (size > bytes.size() && !shown.cut())
        shown.notice = tr("Too large to show whole (%1 bytes): the first %2 bytes are shown. Read-only.")
                           .arg(size)
                           .arg(bytes.size());
    else if (size > bytes.size())
        shown.notice += tr(" The file has %1 bytes; the first %2 were read.").arg(size).arg(bytes.size());
    CodeEditor* e = addEditor();
    e->setFilePath(canonical);
    e->setLoadedText(shown.text, shown.notice);
    e->setModified(false);
    e->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER);
    if (shown.cut())
        e->setReadOnly(true);
    updateTabTitle(e);
    if (!shown.cut())
        e->diagnosticsService()->analyzeNow();
    Q_EMIT fileOpened(canonical);
    return true;
}

bool EditorArea::saveAs(const QString& path, QString* error)
{
    CodeEditor* e = currentEditor();
    if (!e)
        return false;
    if (!e->cutNotice().isEmpty()) {
        if (error)
            *error = tr("Cannot save %1: it was opened cut (too large to show whole), so saving would lose the rest")
                         .arg(e->displayName());
        return false;
    }
    QSaveFile f(path); // written to a temporary, then renamed: never half a file
    if (!f.open(QIODevice::WriteOnly) || f.write(e->text().toUtf8()) < 0 || !f.commit()) {
        if (error)
            *error = tr("Cannot save %1: %2").arg(QDir::toNativeSeparators(path), f.errorString());
        return false;
    }
    e->setFilePath(QFileInfo(path).absoluteFilePath());
    e->setModified(false);
    updateTabTitle(e);
    return true;
}

bool EditorArea::save(QString* error)
{
    CodeEditor* e = currentEditor();
    if (!e || e->filePath().isEmpty())
        return false;
    return saveAs(e->filePath(), error);
}

CodeEditor* EditorArea::currentEditor() const { return qobject_cast<CodeEditor*>(m_tabs->currentWidget()); }

QList<CodeEditor*> EditorArea::editors() const
{
    QList<CodeEditor*> out;
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto* e = qobject_cast<CodeEditor*>(m_tabs->widget(i)))
            out << e;
    return out;
}

QStringList EditorArea::openFiles() const
{
    QStringList out;
    for (CodeEditor* e : editors())
        if (!e->filePath().isEmpty())
            out << e->filePath();
    return out;
}

void EditorArea::applyTheme(const Theme& theme)
{
    m_theme = &theme;
    for (CodeEditor* e : editors())
        e->applyTheme(theme);
}

void EditorArea::updateTabTitle(CodeEditor* editor)
{
    const int i = m_tabs->indexOf(editor);
    if (i >= 0) {
        const bool cut = !editor->cutNotice().isEmpty();
        m_tabs->setTabText(i, editor->displayName() + (editor->isModified() ? QStringLiteral(" •") : QString())
                                  + (cut ? tr(" (cut, read-only)") : QString()));
        m_tabs->setTabToolTip(i, cut ? editor->filePath() + QLatin1Char('\n') + editor->cutNotice() : editor->filePath());
    }
}

bool EditorArea::closeTab(int index)
{
    auto* e = qobject_cast<CodeEditor*>(m_tabs->widget(index));
    if (!e)
        return false;
    if (e->isModified()) {
        const auto answer = QMessageBox::question(this, tr("Close"), tr("%1 has unsaved changes. Close it anyway?").arg(e->displayName()));
        if (answer != QMessageBox::Yes)
            return false;
    }
    m_tabs->removeTab(index);
    e->deleteLater();
    return true;
}

} // namespace aeroflow::studio
