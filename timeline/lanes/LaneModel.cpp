#include "LaneModel.h"

#include <algorithm>
#include <map>

namespace aeroflow::timeline {

LaneModel::LaneModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

bool LaneModel::load(debugger::TraceReader& reader, QString* error)
{
    // Only actors with ids the trace can have (0..count-1): a lane per id is
    // a slot per id, so a forged id must never size anything.
    auto table = reader.viewActors();
    if (!table) {
        if (error)
            *error = QString::fromStdString(table.error());
        return false;
    }
    const std::vector<debugger::TraceActor>* actors = &table->actors;
    beginResetModel();
    m_actors.clear();
    m_groups.clear();
    m_damage = QString::fromStdString(table->damage);
    const auto& typeNames = reader.names().actorTypes;
    std::map<int64_t, size_t> groupOf; // type -> group, ordered by type id (main first)
    for (const auto& a : *actors) {
        if (!groupOf.contains(a.type))
            groupOf.emplace(a.type, 0);
    }
    for (auto& [type, index] : groupOf) {
        index = m_groups.size();
        Group g;
        g.type = type;
        g.name = type < 0                     ? QStringLiteral("main")
            : size_t(type) < typeNames.size() ? QString::fromStdString(typeNames[size_t(type)])
                                              : QStringLiteral("type %1").arg(type);
        m_groups.push_back(std::move(g));
    }
    for (const auto& a : *actors) {
        if (a.id >= m_actors.size())
            m_actors.resize(size_t(a.id) + 1);
        Actor& x = m_actors[a.id];
        x.name = QString::fromStdString(a.name);
        x.type = a.type;
        x.spawnedAt = a.spawnedAtSeq;
        x.stoppedAt = a.stoppedAtSeq;
        x.present = true;
        m_groups[groupOf[a.type]].all.push_back(a.id);
    }
    m_filter.clear();
    applyFilter();
    endResetModel();
    return true;
}

void LaneModel::clear()
{
    beginResetModel();
    m_damage.clear();
    m_actors.clear();
    m_groups.clear();
    m_shown.clear();
    endResetModel();
}

void LaneModel::applyFilter()
{
    m_shown.clear();
    for (size_t g = 0; g < m_groups.size(); ++g) {
        Group& group = m_groups[g];
        group.shown.clear();
        const bool typeMatches = m_filter.isEmpty() || group.name.contains(m_filter, Qt::CaseInsensitive);
        for (uint32_t a : group.all)
            if (typeMatches || m_actors[a].name.contains(m_filter, Qt::CaseInsensitive))
                group.shown.push_back(a);
        if (!group.shown.empty())
            m_shown.push_back(int(g));
    }
}

void LaneModel::setFilter(const QString& text)
{
    if (text == m_filter)
        return;
    beginResetModel();
    m_filter = text;
    applyFilter();
    endResetModel();
}

bool LaneModel::moveGroup(int from, int to)
{
    const int n = int(m_shown.size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to)
        return false;
    // Qt's destination is the row before which the moved row lands.
    if (!beginMoveRows({}, from, from, {}, to > from ? to + 1 : to))
        return false;
    const int fromGroup = m_shown[size_t(from)], toGroup = m_shown[size_t(to)];
    Group moved = std::move(m_groups[size_t(fromGroup)]);
    m_groups.erase(m_groups.begin() + fromGroup);
    m_groups.insert(m_groups.begin() + toGroup, std::move(moved));
    applyFilter();
    endMoveRows();
    return true;
}

bool LaneModel::moveActor(int groupRow, int from, int to)
{
    if (groupRow < 0 || groupRow >= int(m_shown.size()))
        return false;
    Group& g = m_groups[size_t(m_shown[size_t(groupRow)])];
    const int n = int(g.shown.size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to)
        return false;
    const QModelIndex parent = index(groupRow, 0);
    if (!beginMoveRows(parent, from, from, parent, to > from ? to + 1 : to))
        return false;
    std::vector<uint32_t> shown = g.shown;
    const uint32_t actor = shown[size_t(from)];
    shown.erase(shown.begin() + from);
    shown.insert(shown.begin() + to, actor);
    // The shown actors keep the slots they had in the full order, in their new order.
    std::vector<char> isShown(m_actors.size(), 0);
    for (uint32_t a : g.shown)
        isShown[a] = 1;
    size_t next = 0;
    for (uint32_t& a : g.all)
        if (isShown[a])
            a = shown[next++];
    g.shown = std::move(shown);
    endMoveRows();
    return true;
}

void LaneModel::setCollapsed(int groupRow, bool collapsed)
{
    if (groupRow < 0 || groupRow >= int(m_shown.size()))
        return;
    Group& g = m_groups[size_t(m_shown[size_t(groupRow)])];
    if (g.collapsed == collapsed)
        return;
    g.collapsed = collapsed;
    const QModelIndex i = index(groupRow, 0);
    Q_EMIT dataChanged(i, i, { CollapsedRole });
}

std::vector<LaneModel::Row> LaneModel::rows() const
{
    std::vector<Row> out;
    for (size_t r = 0; r < m_shown.size(); ++r) {
        const Group& g = m_groups[size_t(m_shown[r])];
        out.push_back({ true, int(r), 0 });
        if (!g.collapsed)
            for (uint32_t a : g.shown)
                out.push_back({ false, int(r), a });
    }
    return out;
}

QString LaneModel::actorName(uint32_t actor) const
{
    return actor < m_actors.size() && m_actors[actor].present ? m_actors[actor].name
                                                              : QStringLiteral("actor %1").arg(actor);
}

int64_t LaneModel::actorType(uint32_t actor) const
{
    return actor < m_actors.size() ? m_actors[actor].type : -1;
}

const LaneModel::Group* LaneModel::shownGroup(int row) const
{
    return row >= 0 && row < int(m_shown.size()) ? &m_groups[size_t(m_shown[size_t(row)])] : nullptr;
}

QModelIndex LaneModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column != 0 || row < 0)
        return {};
    if (!parent.isValid())
        return row < int(m_shown.size()) ? createIndex(row, 0, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0)
        return {};
    const Group* g = shownGroup(parent.row());
    return g && row < int(g->shown.size()) ? createIndex(row, 0, quintptr(parent.row() + 1)) : QModelIndex();
}

QModelIndex LaneModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int LaneModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_shown.size());
    if (parent.internalId() != 0)
        return 0;
    const Group* g = shownGroup(parent.row());
    return g ? int(g->shown.size()) : 0;
}

int LaneModel::columnCount(const QModelIndex&) const
{
    return 1;
}

QVariant LaneModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == 0) {
        const Group* g = shownGroup(index.row());
        if (!g)
            return {};
        switch (role) {
        case Qt::DisplayRole:
            return g->name;
        case ActorIdRole:
            return -1;
        case TypeIdRole:
            return qlonglong(g->type);
        case IsGroupRole:
            return true;
        case CollapsedRole:
            return g->collapsed;
        case ActorCountRole:
            return int(g->shown.size());
        default:
            return {};
        }
    }
    const Group* g = shownGroup(int(index.internalId() - 1));
    if (!g || index.row() >= int(g->shown.size()))
        return {};
    const uint32_t id = g->shown[size_t(index.row())];
    const Actor& a = m_actors[id];
    switch (role) {
    case Qt::DisplayRole:
        return a.name;
    case Qt::ToolTipRole:
        return QStringLiteral("%1 (actor %2, %3)").arg(a.name).arg(id).arg(g->name);
    case ActorIdRole:
        return id;
    case TypeIdRole:
        return qlonglong(a.type);
    case IsGroupRole:
        return false;
    case SpawnedAtSeqRole:
        return qulonglong(a.spawnedAt);
    case StoppedAtSeqRole:
        return a.stoppedAt ? QVariant(qulonglong(*a.stoppedAt)) : QVariant();
    default:
        return {};
    }
}

bool LaneModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.internalId() != 0 || role != CollapsedRole)
        return false;
    setCollapsed(index.row(), value.toBool());
    return true;
}

Qt::ItemFlags LaneModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

QHash<int, QByteArray> LaneModel::roleNames() const
{
    auto names = QAbstractItemModel::roleNames();
    names[ActorIdRole] = "actorId";
    names[TypeIdRole] = "typeId";
    names[IsGroupRole] = "isGroup";
    names[CollapsedRole] = "collapsed";
    names[ActorCountRole] = "actorCount";
    names[SpawnedAtSeqRole] = "spawnedAtSeq";
    names[StoppedAtSeqRole] = "stoppedAtSeq";
    return names;
}

} // namespace aeroflow::timeline
