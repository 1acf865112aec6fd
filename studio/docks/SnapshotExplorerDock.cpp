#include "SnapshotExplorerDock.h"

#include "MessageDetails.h"
#include "MessageDetailsModel.h"
#include "SnapshotExplorer.h"
#include "SnapshotModel.h"
#include "TraceCursor.h"
#include "WorldDetails.h"
#include "WorldDetailsModel.h"

#include <QSplitter>
#include <QStackedWidget>

namespace aeroflow::studio {

SnapshotExplorerDock::SnapshotExplorerDock(QWidget* parent)
    : QDockWidget(tr("Snapshot Explorer"), parent)
    , m_snapshots(new timeline::SnapshotModel(this))
    , m_detailsModel(new timeline::MessageDetailsModel(this))
    , m_explorer(new timeline::SnapshotExplorer(m_snapshots))
    , m_details(new timeline::MessageDetails(m_detailsModel))
    , m_worldModel(new timeline::WorldDetailsModel(this))
    , m_worldDetails(new timeline::WorldDetails(m_worldModel))
    , m_detailsStack(new QStackedWidget)
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    setObjectName(QStringLiteral("SnapshotExplorerDock"));
    m_explorer->setObjectName(QStringLiteral("snapshotExplorer"));
    m_details->setObjectName(QStringLiteral("messageDetails"));
    m_worldDetails->setObjectName(QStringLiteral("worldDetails"));
    m_detailsStack->addWidget(m_details);
    m_detailsStack->addWidget(m_worldDetails);
    m_splitter->addWidget(m_explorer);
    m_splitter->addWidget(m_detailsStack);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    setWidget(m_splitter);
}

void SnapshotExplorerDock::setSources(timeline::TraceCursor* cursor, timeline::TimeTravelWorker* worker)
{
    m_snapshots->setWorker(worker);
    m_snapshots->setCursor(cursor);
    m_detailsModel->setWorker(worker);
    m_detailsModel->setCursor(cursor);
    m_worldModel->setWorker(worker);
    m_worldModel->setCursor(cursor);
    if (!cursor)
        return;
    // The details follow the selection: a message, or an outside event.
    connect(cursor, &timeline::TraceCursor::outsideSelected, this, [this](timeline::OutsideRef ref) {
        if (!ref.isNull())
            m_detailsStack->setCurrentWidget(m_worldDetails);
    });
    connect(cursor, &timeline::TraceCursor::messageSelected, this, [this](uint64_t seq) {
        if (seq != 0)
            m_detailsStack->setCurrentWidget(m_details);
    });
}

bool SnapshotExplorerDock::showsWorldDetails() const
{
    return m_detailsStack->currentWidget() == m_worldDetails;
}

void SnapshotExplorerDock::setPalette(const timeline::TimelinePalette& palette)
{
    m_snapshots->setPalette(palette);
    m_explorer->setPalette(palette);
    m_details->setPalette(palette);
    m_worldDetails->setPalette(palette);
}

} // namespace aeroflow::studio
