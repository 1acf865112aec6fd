#pragma once
// Program files: the source files of the program a trace recorded (its
// entry file and every file it imports), as a tree of folders. Activating a
// file asks to show it; the file the execution is in is marked.

#include <QDockWidget>
#include <QStringList>

class QTreeWidget;
class QTreeWidgetItem;

namespace aeroflow::studio {

class ProgramFilesDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ProgramFilesDock(QWidget* parent = nullptr);

    /// The program's files by display name, the entry file first (empty: none).
    void setFiles(const QStringList& names);
    /// Marks file `index` (of setFiles) as the one the execution is in; -1: none.
    void setCurrentFile(int index);
    int fileCount() const { return m_files.size(); }
    QTreeWidget* view() const { return m_view; }

Q_SIGNALS:
    /// File `index` (of setFiles) was activated.
    void fileActivated(int index);

private:
    QTreeWidget* m_view;
    QVector<QTreeWidgetItem*> m_files;
    int m_current = -1;
};

} // namespace aeroflow::studio
