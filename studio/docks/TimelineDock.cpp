#include "TimelineDock.h"

#include "MessageSearch.h"
#include "SearchBar.h"
#include "TimelineView.h"
#include "TraceCursor.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTimer>
#include <QVBoxLayout>

namespace aeroflow::studio {

TimelineDock::TimelineDock(QWidget* parent)
    : QDockWidget(tr("Timeline"), parent)
    , m_view(new timeline::TimelineView)
    , m_search(new timeline::MessageSearch(this))
    , m_bar(new timeline::SearchBar(m_search))
{
    setObjectName(QStringLiteral("TimelineDock"));
    m_view->setObjectName(QStringLiteral("timelineView"));
    m_view->setFocusPolicy(Qt::StrongFocus);
    m_bar->setObjectName(QStringLiteral("timelineSearchBar"));
    auto* box = new QWidget(this);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_bar);
    m_bar->hide();
    m_bar->lineEdit()->installEventFilter(this);
    m_view->installEventFilter(this);
    setWidget(box);
}

void TimelineDock::setCursor(timeline::TraceCursor* cursor)
{
    m_cursor = cursor;
    m_view->setCursor(cursor);
    m_search->setCursor(cursor);
    if (cursor) {
        // The search reads the trace the cursor has open.
        connect(cursor, &timeline::TraceCursor::opened, this, [this] {
            m_autoFit = true;
            m_search->cancel();
            m_search->setTracePath(m_cursor->tracePath());
        });
        if (cursor->isOpen())
            m_search->setTracePath(cursor->tracePath());
    }
}

void TimelineDock::setPalette(const timeline::TimelinePalette& palette)
{
    m_view->setPalette(palette);
    m_bar->setPalette(palette);
}

void TimelineDock::showSearch()
{
    show();
    raise();
    m_bar->show();
    m_bar->activate();
}

void TimelineDock::hideSearch()
{
    m_bar->hide();
    m_view->setFocus();
}

bool TimelineDock::hasFocusInside() const
{
    const QWidget* f = QApplication::focusWidget();
    return f && (f == this || isAncestorOf(f));
}

bool TimelineDock::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_bar->lineEdit() && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        hideSearch();
        return true;
    }
    if (watched == m_view) {
        switch (event->type()) {
        case QEvent::Show:
        case QEvent::Resize:
            if (m_autoFit && m_cursor && m_cursor->isOpen())
                QTimer::singleShot(0, m_view, [v = m_view] { v->zoomToFit(); });
            break;
        case QEvent::MouseButtonPress:
        case QEvent::Wheel:
        case QEvent::KeyPress:
            m_autoFit = false;
            break;
        default:
            break;
        }
    }
    return QDockWidget::eventFilter(watched, event);
}

} // namespace aeroflow::studio
