#pragma once
// The timeline's lanes as a two-level item model: actor types (groups) at the
// top, their actors below, one lane per actor. Built from a trace's actors
// and actor_types tables (a few rows per actor: no messages are read). Groups
// can be collapsed (CollapsedRole, settable) and reordered, actors reordered
// within their group; a text filter keeps the actors whose name or type
// contains it (case-insensitive). No widgets here: the view reads rows().

#include "TraceReader.h"

#include <QAbstractItemModel>
#include <QString>

#include <vector>

namespace aeroflow::timeline {

class LaneModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        ActorIdRole = Qt::UserRole + 1, ///< uint actor id (actors); -1 for groups
        TypeIdRole, ///< actor type id (-1: main)
        IsGroupRole, ///< bool
        CollapsedRole, ///< bool, groups; settable
        ActorCountRole, ///< int, groups: actors shown (after the filter)
        SpawnedAtSeqRole, ///< actors
        StoppedAtSeqRole, ///< actors; invalid while alive
    };

    /// One row of the lane area: a group header or an actor's lane.
    struct Row {
        bool group = false;
        int groupRow = 0; ///< the group's row in the model
        uint32_t actor = 0; ///< actors only
    };

    explicit LaneModel(QObject* parent = nullptr);

    /// Loads the actors of an open trace; false with `error` on a SQLite error.
    bool load(debugger::TraceReader& reader, QString* error = nullptr);
    void clear();

    void setFilter(const QString& text);
    QString filter() const { return m_filter; }
    /// Moves group `from` to position `to` (rows among the shown groups).
    bool moveGroup(int from, int to);
    /// Moves actor row `from` to `to` inside group row `group`.
    bool moveActor(int group, int from, int to);
    void setCollapsed(int group, bool collapsed);

    /// The lane area's rows, top to bottom: each shown group's header, then
    /// (unless collapsed) its actors.
    std::vector<Row> rows() const;
    QString actorName(uint32_t actor) const;
    int64_t actorType(uint32_t actor) const;
    size_t actorCount() const { return m_actors.size(); }
    /// The first actors row left out as damaged (an id outside the
    /// trace's actor count), or empty.
    QString damage() const { return m_damage; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Actor {
        QString name;
        int64_t type = -1;
        uint64_t spawnedAt = 0;
        std::optional<uint64_t> stoppedAt;
        bool present = false;
    };
    struct Group {
        int64_t type = -1;
        QString name;
        bool collapsed = false;
        std::vector<uint32_t> all; ///< user order
        std::vector<uint32_t> shown; ///< after the filter
    };
    void applyFilter();
    const Group* shownGroup(int row) const;

    std::vector<Actor> m_actors; ///< by actor id
    std::vector<Group> m_groups; ///< user order
    std::vector<int> m_shown; ///< indices into m_groups of groups with shown actors
    QString m_filter;
    QString m_damage;
};

} // namespace aeroflow::timeline
