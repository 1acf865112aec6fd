#pragma once
// Actors: every actor of the run with its state fields, as of the last
// settled point (paused or finished). Fields whose printed value changed
// since the previous point are highlighted in the theme's "changed" colour.

#include "run/RunTypes.h"

#include <QBrush>
#include <QDockWidget>
#include <QHash>

class QTreeWidget;

namespace aeroflow::studio {

struct Theme;

class ActorsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit ActorsDock(QWidget* parent = nullptr);

    void showSnapshot(const SessionSnapshot& snapshot);
    void clear();
    void applyTheme(const Theme& theme);
    /// "Counter#1.count" style keys of the fields highlighted now.
    QStringList changedFields() const { return m_changed; }
    QTreeWidget* view() const { return m_view; }

private:
    QTreeWidget* m_view;
    QHash<QString, QString> m_previous; ///< "actor.field" → value at the previous point
    QStringList m_changed;
    QBrush m_changedBack, m_changedFore, m_crashedFore;
};

} // namespace aeroflow::studio
