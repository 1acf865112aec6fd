#pragma once
// A dock whose real view arrives with the time-travel views (timeline/):
// says so instead of showing an empty pane.

#include <QDockWidget>

namespace aeroflow::studio {

class PlaceholderDock : public QDockWidget {
    Q_OBJECT
public:
    PlaceholderDock(const QString& title, const QString& objectName, QWidget* parent = nullptr);
};

} // namespace aeroflow::studio
