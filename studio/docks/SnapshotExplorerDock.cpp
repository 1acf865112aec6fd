#include "SnapshotExplorerDock.h"

#include "MessageDetails.h"
#include "MessageDetailsModel.h"
#include "SnapshotExplorer.h"
#include "SnapshotModel.h"

#include <QSplitter>

namespace aeroflow::studio {

SnapshotExplorerDock::SnapshotExplorerDock(QWidget* parent)
    : QDockWidget(tr("Snapshot Explorer"), parent)
    , m_snapshots(new timeline::SnapshotModel(this))
    , m_detailsModel(new timeline::MessageDetailsModel(this))
    , m_explorer(new timeline::SnapshotExplorer(m_snapshots))
    , m_details(new timeline::MessageDetails(m_detailsModel))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    setObjectName(QStringLiteral("SnapshotExplorerDock"));
    m_explorer->setObjectName(QStringLiteral("snapshotExplorer"));
    m_details->setObjectName(QStringLiteral("messageDetails"));
    m_splitter->addWidget(m_explorer);
    m_splitter->addWidget(m_details);
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
}

void SnapshotExplorerDock::setPalette(const timeline::TimelinePalette& palette)
{
    m_snapshots->setPalette(palette);
    m_explorer->setPalette(palette);
    m_details->setPalette(palette);
}

} // namespace aeroflow::studio
