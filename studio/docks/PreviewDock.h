#pragma once
// Preview: every live screen of the run, drawn with real Qt widgets from
// its last render (Text → QLabel, Button → QPushButton, Input → QLineEdit,
// Checkbox → QCheckBox, Column/Row → layouts). A click on a button with an
// event asks for that event to enter the engine (uiEvent).

#include "UiTree.h"
#include "run/RunTypes.h"

#include <QDockWidget>

class QScrollArea;
class QVBoxLayout;
class QBoxLayout;

namespace aeroflow::studio {

class PreviewDock : public QDockWidget {
    Q_OBJECT
public:
    explicit PreviewDock(QWidget* parent = nullptr);

    void showSnapshot(const SessionSnapshot& snapshot);
    void clear();
    int screenCount() const { return m_screens; }
    QWidget* canvas() const { return m_canvas; }

Q_SIGNALS:
    /// Event `key` (onClick, …) of the `ordinal`-th element with that event
    /// in the screen's tree, in tree order.
    void uiEvent(quint32 actor, const QString& key, int ordinal);
    /// The text of an `Input { bind: field }` was edited (Enter or focus left).
    void inputEdited(quint32 actor, const QString& field, const QString& text);

private:
    QWidget* build(const UiNode& node, quint32 actor, QHash<QString, int>& ordinals);
    void showPlaceholder(const QString& text);

    QScrollArea* m_scroll;
    QWidget* m_canvas = nullptr;
    int m_screens = 0;
    const QVector<ActorField>* m_fields = nullptr; ///< the screen being built's state (during showSnapshot)
};

} // namespace aeroflow::studio
