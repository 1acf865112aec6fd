#include "PlaceholderDock.h"

#include <QLabel>

namespace aeroflow::studio {

PlaceholderDock::PlaceholderDock(const QString& title, const QString& objectName, QWidget* parent)
    : QDockWidget(title, parent)
{
    setObjectName(objectName);
    auto* label = new QLabel(tr("%1 arrives with the time-travel views (recording debugger).").arg(title), this);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setEnabled(false); // drawn in the palette's dimmed text colour
    setWidget(label);
}

} // namespace aeroflow::studio
