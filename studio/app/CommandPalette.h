#pragma once
// Ctrl+Shift+P: every action of the window with its shortcut, filtered as
// you type (all words must appear); Enter runs the selected one.

#include <QDialog>

class QAction;
class QLineEdit;
class QListWidget;

namespace aeroflow::studio {

class CommandPalette : public QDialog {
    Q_OBJECT
public:
    CommandPalette(QList<QAction*> actions, QWidget* parent = nullptr);

    void setFilter(const QString& text);
    /// The rows shown now, as "Text\tShortcut".
    QStringList visibleEntries() const;
    /// Triggers the selected row's action and closes.
    void activateCurrent();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refill();

    QList<QAction*> m_actions;
    QLineEdit* m_filter;
    QListWidget* m_list;
};

} // namespace aeroflow::studio
