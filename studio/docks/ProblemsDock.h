#pragma once
// Problems: the diagnostics of the current editor, one row each; activating
// a row asks to jump to it.

#include "editor/Analysis.h"

#include <QDockWidget>

class QTreeWidget;

namespace aeroflow::studio {

class ProblemsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ProblemsDock(QWidget* parent = nullptr);

    void setDiagnostics(const QString& fileName, const QVector<EditorDiagnostic>& diagnostics);
    int rowCount() const;
    QTreeWidget* view() const { return m_view; }

Q_SIGNALS:
    /// 0-based line and byte index of the activated diagnostic.
    void jumpRequested(int line, int index);

private:
    QTreeWidget* m_view;
};

} // namespace aeroflow::studio
