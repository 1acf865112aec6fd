// Snapshot trees (see SnapshotTree.h).

#include "SnapshotTree.h"

#include "MapKey.h"
#include "Print.h"
#include "Program.h"
#include "Scheduler.h"
#include "TraceReader.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace aeroflow::timeline {

namespace {

using engine::Value;
using engine::ValueType;

constexpr int kMaxDepth = 24;

std::string repr(const Value& v, const compiler::Program& p)
{
    std::string s;
    engine::appendRepr(s, v, &p);
    return s;
}

std::string typeOf(const Value& v)
{
    if (v.type() == ValueType::Tensor) {
        const auto& t = engine::asTensor(v);
        std::string s = "tensor[";
        for (size_t i = 0; i < t.shape.size(); ++i)
            s += (i ? ", " : "") + std::to_string(t.shape[i]);
        return s + "]";
    }
    if (v.type() == ValueType::Record)
        return engine::recordName(engine::asRecord(v));
    return engine::valueTypeName(v.type());
}

/// `value` as a node shows it: a printed value can be megabytes (a long
/// string, a big list), and each level of the tree prints its own.
void setValue(SnapshotNode& node, std::string value)
{
    node.valueHash = std::hash<std::string_view> {}(value);
    node.value = value.size() > kMaxSnapshotValueBytes ? debugger::clipText(value, kMaxSnapshotValueBytes)
                                                       : std::move(value);
}

SnapshotNode more(size_t n)
{
    SnapshotNode node { "…", "", "", false, {} };
    setValue(node, std::to_string(n) + " more");
    return node;
}

/// The row-major slice [offset, offset + count) of a tensor with `shape`
/// from dimension `dim` on, printed as nested lists.
std::string printSlice(const std::vector<uint32_t>& shape, const std::vector<double>& data, size_t dim, size_t offset)
{
    size_t stride = 1;
    for (size_t d = dim + 1; d < shape.size(); ++d)
        stride *= shape[d];
    std::string s = "[";
    for (uint32_t i = 0; i < shape[dim]; ++i) {
        if (i)
            s += ", ";
        if (dim + 1 == shape.size())
            s += offset + i < data.size() ? engine::formatFloat(data[offset + i]) : "?";
        else
            s += printSlice(shape, data, dim + 1, offset + i * stride);
    }
    return s + "]";
}

/// Tensor rows: one child per index of the first dimension (rank >= 2),
/// recursively, so a matrix reads as a grid of rows.
void tensorChildren(
    SnapshotNode& node, const std::vector<uint32_t>& shape, const std::vector<double>& data, size_t dim, size_t offset)
{
    if (shape.size() - dim < 2)
        return;
    size_t stride = 1;
    for (size_t d = dim + 1; d < shape.size(); ++d)
        stride *= shape[d];
    const size_t n = std::min<size_t>(shape[dim], kMaxSnapshotChildren);
    for (size_t i = 0; i < n; ++i) {
        SnapshotNode row;
        row.name = "row " + std::to_string(i);
        setValue(row, printSlice(shape, data, dim + 1, offset + i * stride));
        row.type = "tensor row";
        tensorChildren(row, shape, data, dim + 1, offset + i * stride);
        node.children.push_back(std::move(row));
    }
    if (shape[dim] > n)
        node.children.push_back(more(shape[dim] - n));
}

SnapshotNode nodeOf(std::string name, const Value& v, const compiler::Program& p, int depth)
{
    SnapshotNode node;
    node.name = std::move(name);
    setValue(node, repr(v, p));
    node.type = typeOf(v);
    if (depth >= kMaxDepth)
        return node;
    auto items = [&](const std::vector<Value>& list) {
        const size_t n = std::min(list.size(), kMaxSnapshotChildren);
        for (size_t i = 0; i < n; ++i)
            node.children.push_back(nodeOf("[" + std::to_string(i) + "]", list[i], p, depth + 1));
        if (list.size() > n)
            node.children.push_back(more(list.size() - n));
    };
    switch (v.type()) {
    case ValueType::List:
        items(engine::asList(v).items);
        break;
    case ValueType::Message:
        items(engine::asMessage(v).args);
        break;
    case ValueType::Record: {
        const auto& r = engine::asRecord(v);
        for (size_t i = 0; i < r.fields.size() && i < r.desc->fields.size(); ++i)
            node.children.push_back(nodeOf(r.desc->fields[i], r.fields[i], p, depth + 1));
        break;
    }
    case ValueType::Map: {
        const auto& entries = engine::asMap(v).entries;
        const size_t n = std::min(entries.size(), kMaxSnapshotChildren);
        for (size_t i = 0; i < n; ++i) {
            // A string key names its node as it is; other keys as printed (1, true).
            const std::string& k = entries[i].first;
            std::string name = engine::mapKeyIsText(k) ? k : std::string();
            if (name.empty() && !k.empty())
                engine::appendMapKey(name, k);
            node.children.push_back(nodeOf(std::move(name), entries[i].second, p, depth + 1));
        }
        if (entries.size() > n)
            node.children.push_back(more(entries.size() - n));
        break;
    }
    case ValueType::Set: {
        const auto& entries = engine::asSet(v).entries;
        const size_t n = std::min(entries.size(), kMaxSnapshotChildren);
        for (size_t i = 0; i < n; ++i)
            node.children.push_back(nodeOf("[" + std::to_string(i) + "]", engine::decodeMapKey(entries[i].first), p,
                                           depth + 1));
        if (entries.size() > n)
            node.children.push_back(more(entries.size() - n));
        break;
    }
    case ValueType::Result: {
        const auto& r = engine::asResult(v);
        node.children.push_back(nodeOf(r.ok ? "Ok" : "Err", r.value, p, depth + 1));
        break;
    }
    case ValueType::Tensor: {
        const auto& t = engine::asTensor(v);
        tensorChildren(node, t.shape, t.data, 0, 0);
        break;
    }
    default:
        break;
    }
    return node;
}

void markNodes(std::vector<SnapshotNode>& now, const std::vector<SnapshotNode>& before)
{
    for (size_t i = 0; i < now.size(); ++i) {
        SnapshotNode& n = now[i];
        // Same position first (lists, fields), else by name (map keys that moved).
        const SnapshotNode* b = i < before.size() && before[i].name == n.name ? &before[i] : nullptr;
        if (!b) {
            auto it
                = std::find_if(before.begin(), before.end(), [&](const SnapshotNode& x) { return x.name == n.name; });
            b = it != before.end() ? &*it : nullptr;
        }
        n.changed = !b || b->valueHash != n.valueHash;
        if (n.changed && b)
            markNodes(n.children, b->children);
        else if (n.changed)
            markNodes(n.children, {});
    }
}

} // namespace

SnapshotTree buildSnapshot(const engine::Scheduler& s, const compiler::Program& p)
{
    const engine::MapKeyProgram keys(&p); // record keys print with this program's names
    SnapshotTree tree;
    tree.seq = tree.compareSeq = s.delivered();
    tree.tick = s.now();
    tree.actors.reserve(s.actorCount());
    for (uint32_t id = 0; id < s.actorCount(); ++id) {
        ActorSnapshot a;
        a.actor = id;
        a.name = s.actorName(id);
        if (id == 0) {
            const auto& globals = s.globals();
            for (size_t i = 0; i < globals.size(); ++i)
                a.fields.push_back(
                    nodeOf(i < p.globals.size() ? p.globals[i].name : "global" + std::to_string(i), globals[i], p, 1));
        } else {
            const engine::ActorRecord& r = s.actor(id);
            a.alive = r.alive;
            const auto* names
                = r.type >= 0 && size_t(r.type) < p.actors.size() ? &p.actors[size_t(r.type)].stateFields : nullptr;
            for (size_t i = 0; i < r.state.size(); ++i)
                a.fields.push_back(
                    nodeOf(names && i < names->size() ? (*names)[i] : "field" + std::to_string(i), r.state[i], p, 1));
        }
        tree.actors.push_back(std::move(a));
    }
    return tree;
}

void markChanges(SnapshotTree& now, const SnapshotTree& before)
{
    now.compareSeq = before.seq;
    for (ActorSnapshot& a : now.actors) {
        const ActorSnapshot* b = a.actor < before.actors.size() ? &before.actors[a.actor] : nullptr;
        // Fields keep declaration order: compare by position, as TimeTravel::diff does.
        a.changed = false;
        for (size_t i = 0; i < a.fields.size(); ++i) {
            SnapshotNode& f = a.fields[i];
            const SnapshotNode* bf = b && i < b->fields.size() ? &b->fields[i] : nullptr;
            f.changed = !bf || bf->valueHash != f.valueHash;
            if (f.changed)
                markNodes(f.children, bf ? bf->children : std::vector<SnapshotNode> {});
            a.changed = a.changed || f.changed;
        }
    }
}

} // namespace aeroflow::timeline
