// The snapshot tree model (see SnapshotModel.h).

#include "SnapshotModel.h"

#include "TimeTravel.h"
#include "TimeTravelWorker.h"
#include "TraceCursor.h"

#include <QFont>

#include <map>

namespace aeroflow::timeline {

struct SnapshotModel::Item {
    // What the tree said (compared without converting) and its QStrings.
    std::string rawName, rawValue, rawType;
    QString name, value, type, field;
    bool changed = false, alive = true;
    uint32_t actor = 0;
    int depth = -1; ///< -1 root, 0 actor, 1 field, 2+ nested
    Item* parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Item>> children;

    /// Takes the new look; true when anything shown differs.
    bool update(const std::string& n, const std::string& v, const std::string& t, bool c, bool a)
    {
        bool differs = c != changed || a != alive;
        changed = c;
        alive = a;
        auto take = [&](std::string& raw, QString& text, const std::string& fresh) {
            if (raw == fresh)
                return;
            raw = fresh;
            text = QString::fromStdString(fresh);
            differs = true;
        };
        take(rawName, name, n);
        take(rawValue, value, v);
        take(rawType, type, t);
        return differs;
    }
};

/// Trees built at recent positions (unmarked), reused when the compared
/// position of one request is the position of an earlier one. Worker thread only.
struct SnapshotModel::Cache {
    std::map<uint64_t, std::shared_ptr<const SnapshotTree>> trees;
    std::vector<uint64_t> order;

    std::shared_ptr<const SnapshotTree> at(debugger::TimeTravel& tt, uint64_t seq, std::string& error)
    {
        if (auto it = trees.find(seq); it != trees.end())
            return it->second;
        if (auto r = tt.seek(seq); !r) {
            error = r.error();
            return nullptr;
        }
        auto tree = std::make_shared<SnapshotTree>(buildSnapshot(tt.scheduler(), tt.program()));
        tree->seq = tree->compareSeq = tt.position();
        if (auto tick = tt.trace().tickOf(tree->seq))
            tree->tick = *tick;
        trees[seq] = tree;
        order.push_back(seq);
        if (order.size() > 8) {
            trees.erase(order.front());
            order.erase(order.begin());
        }
        return tree;
    }
};

SnapshotModel::SnapshotModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Item>())
    , m_latest(std::make_shared<std::atomic<uint64_t>>(0))
    , m_skipped(std::make_shared<std::atomic<uint64_t>>(0))
    , m_cache(std::make_shared<Cache>())
{
}

SnapshotModel::~SnapshotModel()
{
    m_latest->fetch_add(1); // whatever is still queued is stale now
}

void SnapshotModel::setWorker(TimeTravelWorker* worker)
{
    m_worker = worker;
    if (worker) // a new trace: cached trees belong to the old one
        connect(worker, &TimeTravelWorker::opened, this, [this] { m_cache = std::make_shared<Cache>(); });
}

void SnapshotModel::setCursor(TraceCursor* cursor)
{
    if (m_cursor)
        disconnect(m_cursor, nullptr, this, nullptr);
    m_cursor = cursor;
    if (cursor) {
        connect(cursor, &TraceCursor::positionChanged, this, [this](uint64_t seq, uint64_t) { requestPosition(seq); });
        requestPosition(cursor->seq());
    }
}

void SnapshotModel::setPalette(const TimelinePalette& palette)
{
    m_palette = palette;
    if (!m_root->children.empty())
        Q_EMIT dataChanged(
            index(0, 0), index(rowCount() - 1, ColumnCount - 1), { Qt::BackgroundRole, Qt::ForegroundRole });
    // Nested rows repaint through the view's update on the same signal.
}

void SnapshotModel::requestPosition(uint64_t seq)
{
    if (!m_worker)
        return;
    const uint64_t generation = m_latest->fetch_add(1) + 1;
    auto latest = m_latest;
    auto skipped = m_skipped;
    auto cache = m_cache;
    QPointer<SnapshotModel> self(this);
    m_worker->post([=](debugger::TimeTravel* tt) -> std::function<void()> {
        if (latest->load() != generation) {
            skipped->fetch_add(1);
            return {};
        }
        if (!tt)
            return {};
        std::string error;
        // The compared position first: it is at or before the asked one, so
        // a forward drag only ever steps forward (no checkpoint restore).
        // Never past the checked extent: a forged last seq is no position.
        auto extent = tt->trace().extent();
        const uint64_t end = extent ? std::min(extent->messages, tt->end()) : 0;
        const uint64_t at = std::min(seq, end);
        std::shared_ptr<const SnapshotTree> before;
        auto tick = tt->trace().tickOf(at);
        if (!extent)
            error = extent.error();
        else if (!tick)
            error = tick.error();
        else if (*tick > 0) {
            auto prevSeq = tt->trace().seqAtTick(*tick - 1, end);
            if (!prevSeq)
                error = prevSeq.error();
            else
                before = cache->at(*tt, *prevSeq, error);
        }
        auto now = error.empty() ? cache->at(*tt, at, error) : nullptr;
        std::shared_ptr<SnapshotTree> marked;
        if (now) {
            marked = std::make_shared<SnapshotTree>(*now);
            if (before)
                markChanges(*marked, *before);
        }
        return [self, marked, error] {
            if (!self)
                return;
            if (!marked || !error.empty()) {
                Q_EMIT self->failed(QString::fromStdString(error));
                return;
            }
            // Results arrive in request order; one that ran before a newer
            // request came still shows a nearer state until the newest lands.
            self->apply(*marked);
        };
    });
}

namespace {

const std::string kActorType = "actor";
const std::string kStopped = "(stopped)";
const std::string kNone;

} // namespace

void SnapshotModel::apply(const SnapshotTree& tree)
{
    m_seq = tree.seq;
    m_compareSeq = tree.compareSeq;
    // Actors: ids are rows, so they only ever appear or go at the end.
    const int oldCount = int(m_root->children.size());
    const int newCount = int(tree.actors.size());
    int first = -1, last = -1;
    for (int i = 0; i < std::min(oldCount, newCount); ++i) {
        const ActorSnapshot& a = tree.actors[size_t(i)];
        Item& o = *m_root->children[size_t(i)];
        o.actor = a.actor;
        if (o.update(a.name, a.alive ? kNone : kStopped, kActorType, a.changed, a.alive)) {
            first = first < 0 ? i : first;
            last = i;
        }
        syncChildren(&o, a.fields, index(i, 0), a.actor, QString(), 1);
    }
    if (newCount < oldCount) {
        beginRemoveRows({}, newCount, oldCount - 1);
        m_root->children.resize(size_t(newCount));
        endRemoveRows();
    } else if (newCount > oldCount) {
        beginInsertRows({}, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i) {
            const ActorSnapshot& a = tree.actors[size_t(i)];
            auto it = std::make_unique<Item>();
            it->update(a.name, a.alive ? kNone : kStopped, kActorType, a.changed, a.alive);
            it->actor = a.actor;
            it->depth = 0;
            it->parent = m_root.get();
            it->row = i;
            m_root->children.push_back(std::move(it));
        }
        endInsertRows();
        for (int i = oldCount; i < newCount; ++i) {
            const ActorSnapshot& a = tree.actors[size_t(i)];
            syncChildren(m_root->children[size_t(i)].get(), a.fields, index(i, 0), a.actor, QString(), 1);
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    Q_EMIT snapshotApplied(m_seq);
}

void SnapshotModel::syncChildren(Item* old, const std::vector<SnapshotNode>& fresh, const QModelIndex& parent,
    uint32_t actor, const QString& field, int depth)
{
    const int oldCount = int(old->children.size());
    const int newCount = int(fresh.size());
    int first = -1, last = -1;
    for (int i = 0; i < std::min(oldCount, newCount); ++i) {
        const SnapshotNode& n = fresh[size_t(i)];
        Item& o = *old->children[size_t(i)];
        if (o.update(n.name, n.value, n.type, n.changed, true)) {
            first = first < 0 ? i : first;
            last = i;
        }
        o.actor = actor;
        o.depth = depth;
        o.field = depth == 1 ? o.name : field;
        // Children can differ only when the value or a changed flag does;
        // descending is cheap when they are equal.
        if (!o.children.empty() || !n.children.empty())
            syncChildren(&o, n.children, index(i, 0, parent), actor, o.field, depth + 1);
    }
    if (newCount < oldCount) {
        beginRemoveRows(parent, newCount, oldCount - 1);
        old->children.resize(size_t(newCount));
        endRemoveRows();
    } else if (newCount > oldCount) {
        // Insert the new rows (without children), then fill them in: their
        // children are inserted under valid parents.
        beginInsertRows(parent, oldCount, newCount - 1);
        for (int i = oldCount; i < newCount; ++i) {
            const SnapshotNode& n = fresh[size_t(i)];
            auto it = std::make_unique<Item>();
            it->update(n.name, n.value, n.type, n.changed, true);
            it->actor = actor;
            it->depth = depth;
            it->field = depth == 1 ? it->name : field;
            it->parent = old;
            it->row = i;
            old->children.push_back(std::move(it));
        }
        endInsertRows();
        for (int i = oldCount; i < newCount; ++i) {
            Item* it = old->children[size_t(i)].get();
            if (!fresh[size_t(i)].children.empty())
                syncChildren(it, fresh[size_t(i)].children, index(i, 0, parent), actor, it->field, depth + 1);
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0, parent), index(last, ColumnCount - 1, parent));
}

void SnapshotModel::findLastChange(const QModelIndex& idx)
{
    const Item* it = itemOf(idx);
    if (!it || it->depth < 1 || !m_worker) {
        Q_EMIT lastChangeNotFound(tr("Select a field of an actor first."));
        return;
    }
    const uint32_t actor = it->actor;
    const std::string field = it->field.toStdString();
    const uint64_t seq = m_seq;
    QPointer<SnapshotModel> self(this);
    m_worker->post([=](debugger::TimeTravel* tt) -> std::function<void()> {
        if (!tt)
            return {};
        auto found = tt->lastChange(actor, seq, field);
        return [self, found, field] {
            if (!self)
                return;
            const QString name = QString::fromStdString(field);
            if (!found) {
                Q_EMIT self->lastChangeNotFound(QString::fromStdString(found.error()));
            } else if (!*found) {
                Q_EMIT self->lastChangeNotFound(tr("'%1' has kept its value since the actor started.").arg(name));
            } else {
                if (self->m_cursor) {
                    self->m_cursor->setSeq(**found);
                    self->m_cursor->selectMessage(**found);
                }
                Q_EMIT self->lastChangeFound(**found, name);
            }
        };
    });
}

const SnapshotModel::Item* SnapshotModel::itemOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<const Item*>(index.internalPointer()) : nullptr;
}

QModelIndex SnapshotModel::actorIndex(uint32_t actor) const
{
    return actor < m_root->children.size() ? index(int(actor), 0) : QModelIndex();
}

QModelIndex SnapshotModel::fieldIndex(uint32_t actor, const QString& field) const
{
    if (actor >= m_root->children.size())
        return {};
    const Item& a = *m_root->children[actor];
    for (const auto& f : a.children)
        if (f->name == field)
            return createIndex(f->row, 0, f.get());
    return {};
}

QModelIndex SnapshotModel::index(int row, int column, const QModelIndex& parent) const
{
    const Item* p = parent.isValid() ? itemOf(parent) : m_root.get();
    if (row < 0 || column < 0 || column >= ColumnCount || size_t(row) >= p->children.size())
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex SnapshotModel::parent(const QModelIndex& child) const
{
    const Item* it = itemOf(child);
    if (!it || !it->parent || it->parent == m_root.get())
        return {};
    return createIndex(it->parent->row, 0, it->parent);
}

int SnapshotModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const Item* p = parent.isValid() ? itemOf(parent) : m_root.get();
    return int(p->children.size());
}

int SnapshotModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant SnapshotModel::data(const QModelIndex& index, int role) const
{
    const Item* it = itemOf(index);
    if (!it)
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: {
        if (index.column() == NameColumn)
            return it->name;
        if (index.column() == TypeColumn)
            return it->type;
        // Long values are cut for display; the tooltip and FullValueRole keep them whole.
        constexpr int kMax = 400;
        return role == Qt::DisplayRole && it->value.size() > kMax ? it->value.left(kMax) + QStringLiteral("…")
                                                                  : it->value;
    }
    case ChangedRole:
        return it->changed;
    case ActorRole:
        return it->actor;
    case FieldRole:
        return it->depth >= 1 ? it->field : QString();
    case FullValueRole:
        return it->value;
    case DepthRole:
        return it->depth;
    case Qt::BackgroundRole:
        if (it->changed && it->depth >= 1 && m_palette.changed.isValid())
            return m_palette.changed;
        return {};
    case Qt::ForegroundRole:
        if (it->changed && it->depth >= 1 && m_palette.changedText.isValid())
            return m_palette.changedText;
        if (!it->alive && m_palette.textDim.isValid())
            return m_palette.textDim;
        if (m_palette.text.isValid())
            return m_palette.text;
        return {};
    case Qt::FontRole:
        if (it->depth == 0) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

QVariant SnapshotModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    default:
        return {};
    }
}

} // namespace aeroflow::timeline
