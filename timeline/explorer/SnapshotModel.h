#pragma once
// The state of every actor at the cursor as a tree (issue 6): actors, their
// fields (main: its globals), and inside them list items, map entries,
// result values and tensor rows. Values that changed since the previous
// tick (the position at the end of tick - 1) carry ChangedRole and the
// palette's changed colours.
//
// The tree is built on the TimeTravelWorker; the model only receives plain
// SnapshotTrees. A newer request makes older ones stale: they are skipped
// on the worker, so scrubbing never queues work. When a tree arrives it is
// merged in place: rows that stay get dataChanged, rows that appear or go
// get insert/remove — never a reset, so expansion and selection survive.

#include "SnapshotTree.h"
#include "TimelinePalette.h"
#include "TraceCursor.h"

#include <QAbstractItemModel>
#include <QPointer>

#include <atomic>
#include <memory>

namespace aeroflow::timeline {

class TimeTravelWorker;

class SnapshotModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, TypeColumn, ColumnCount };
    enum Role {
        ChangedRole = Qt::UserRole + 1, ///< bool: differs from the previous tick
        ActorRole, ///< uint: the actor the row belongs to
        FieldRole, ///< QString: the top-level field ("" on actor rows)
        FullValueRole, ///< QString: the untruncated printed value
        DepthRole, ///< int: 0 actor, 1 field, 2+ inside a value
    };

    explicit SnapshotModel(QObject* parent = nullptr);
    ~SnapshotModel() override;

    /// The worker that builds trees (not owned; shared with other views).
    void setWorker(TimeTravelWorker* worker);
    /// Follows the cursor: every move requests that position.
    void setCursor(TraceCursor* cursor);
    TraceCursor* cursor() const { return m_cursor; }
    void setPalette(const TimelinePalette& palette);

    /// Asks the worker for the state at `seq`; earlier pending requests are skipped.
    void requestPosition(uint64_t seq);
    /// Merges `tree` into the rows (what a finished request does).
    void apply(const SnapshotTree& tree);
    /// The position shown (after the last apply).
    uint64_t seq() const { return m_seq; }
    uint64_t compareSeq() const { return m_compareSeq; }
    /// Requests skipped because a newer one came first.
    uint64_t skipped() const { return m_skipped->load(); }

    /// Asks the worker which delivery last changed the field of `index` (any
    /// row inside a field counts as that field) before the shown position;
    /// then moves the cursor there and selects that message.
    void findLastChange(const QModelIndex& index);

    QModelIndex actorIndex(uint32_t actor) const;
    QModelIndex fieldIndex(uint32_t actor, const QString& field) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// A tree was merged; seq() is now `seq`.
    void snapshotApplied(quint64 seq);
    void failed(const QString& error);
    /// findLastChange found delivery `seq` (the cursor already moved there).
    void lastChangeFound(quint64 seq, const QString& field);
    /// The value dates from the actor's start, or the search failed.
    void lastChangeNotFound(const QString& message);

private:
    struct Item;
    /// Merges `fresh` into the children of `old` (rows at `parent`).
    void syncChildren(Item* old, const std::vector<SnapshotNode>& fresh, const QModelIndex& parent, uint32_t actor,
        const QString& field, int depth);
    const Item* itemOf(const QModelIndex& index) const;

    std::unique_ptr<Item> m_root;
    QPointer<TimeTravelWorker> m_worker;
    QPointer<TraceCursor> m_cursor;
    TimelinePalette m_palette;
    uint64_t m_seq = 0, m_compareSeq = 0;
    std::shared_ptr<std::atomic<uint64_t>> m_latest;
    std::shared_ptr<std::atomic<uint64_t>> m_skipped;
    struct Cache;
    std::shared_ptr<Cache> m_cache; ///< worker side only
};

} // namespace aeroflow::timeline
