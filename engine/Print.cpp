#include "Print.h"

#include "Text.h"

#include "MapKey.h"
#include "Program.h"
#include "RuntimeError.h"
#include "WalkStack.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace aeroflow::engine {

namespace {

using compiler::appendQuoted;

/// The text a walk writes, charged as it grows (OutputMeter).
class Output {
public:
    explicit Output(std::string& out) : m_out(out), m_meter(out) {}
    std::string& text() { return m_out; }
    void note() { m_meter.note(); }
    void settle(bool checkHeld) { m_meter.settle(checkHeld); }

private:
    std::string& m_out;
    OutputMeter m_meter;
};

/// A value whose printed form has parts inside it (a frame of the walk).
bool opens(const Value& v)
{
    switch (v.type()) {
    case ValueType::List:
    case ValueType::Map:
    case ValueType::Result:
    case ValueType::UiNode:
    case ValueType::Record: return true;
    case ValueType::Message: return !asMessage(v).args.empty();
    default: return false;
    }
}

/// A value with no parts: written whole.
void appendLeaf(std::string& out, const Value& v, const compiler::Program* p, bool quoted)
{
    switch (v.type()) {
    case ValueType::Nil: out += "nil"; return;
    case ValueType::Bool: out += v.asBool() ? "true" : "false"; return;
    case ValueType::Int: {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, v.asInt());
        out.append(buf, r.ptr);
        return;
    }
    case ValueType::Float: out += formatFloat(v.asFloat()); return;
    case ValueType::String:
        if (quoted)
            appendQuoted(out, asString(v).text);
        else
            out += asString(v).text;
        return;
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        out += "tensor[";
        for (size_t i = 0; i < t.shape.size(); ++i) {
            if (i)
                out += ", ";
            out += std::to_string(t.shape[i]);
        }
        out += "]{";
        for (size_t i = 0; i < t.data.size(); ++i) {
            if (i)
                out += ", ";
            out += formatFloat(t.data[i]);
        }
        out += '}';
        return;
    }
    case ValueType::Actor:
        out += '<';
        out += p && v.actorType() < p->actors.size() ? p->actors[v.actorType()].name : "actor";
        out += '#';
        out += std::to_string(v.actorId());
        out += '>';
        return;
    case ValueType::Message: {
        const auto& m = asMessage(v);
        out += p && m.message < p->messages.size() ? p->messages[m.message].name : "message";
        return; // no arguments (opens() otherwise)
    }
    case ValueType::Set: {
        // {1, 2, "a"}: elements as inside any collection; `set()` when empty
        // (`{}` is the empty map).
        const auto& entries = asSet(v).entries;
        if (entries.empty()) {
            out += "set()";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& e : entries) {
            if (!first)
                out += ", ";
            first = false;
            if (mapKeyIsText(e.first))
                appendQuoted(out, e.first);
            else
                appendMapKey(out, e.first);
        }
        out += '}';
        return;
    }
    case ValueType::Function: {
        const auto& c = asClosure(v);
        out += "<fn ";
        out += p && c.function < p->functions.size() ? p->functions[c.function].name : "?";
        out += '>';
        return;
    }
    default: return; // containers are frames of the walk
    }
}

/// One container being printed.
struct Frame {
    const Obj* obj = nullptr;
    size_t i = 0;                   ///< next child (UI nodes: over args, then props, then children)
    MapEntries::const_iterator at;  ///< maps: the next entry
};

/// Writes the opening of `v` and pushes its frame.
void open(std::string& out, const Value& v, const compiler::Program* p, WalkStack<Frame>& stack)
{
    switch (v.type()) {
    case ValueType::List: out += '['; break;
    case ValueType::Map: out += '{'; break;
    case ValueType::Message: {
        const auto& m = asMessage(v);
        out += p && m.message < p->messages.size() ? p->messages[m.message].name : "message";
        out += '(';
        break;
    }
    case ValueType::Result: out += asResult(v).ok ? "Ok(" : "Err("; break;
    case ValueType::Record:
        out += recordName(asRecord(v));
        out += '(';
        break;
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        out += n.desc ? n.desc->element : "?";
        out += " {";
        break;
    }
    default: return;
    }
    Frame& f = stack.push();
    f.obj = v.obj();
    if (v.type() == ValueType::Map)
        f.at = asMap(v).entries.begin();
}

/// Writes what comes before the frame's next child and returns that child;
/// at the end writes the closing and returns nullptr.
const Value* nextChild(std::string& out, Frame& f)
{
    switch (f.obj->type) {
    case ValueType::List: {
        const auto& xs = static_cast<const ListObj*>(f.obj)->items;
        if (f.i < xs.size()) {
            if (f.i)
                out += ", ";
            return &xs[f.i++];
        }
        out += ']';
        return nullptr;
    }
    case ValueType::Map: {
        if (f.at == static_cast<const MapObj*>(f.obj)->entries.end()) {
            out += '}';
            return nullptr;
        }
        const auto& [k, x] = *f.at;
        ++f.at;
        if (f.i++)
            out += ", ";
        appendMapKey(out, k);
        out += ": ";
        return &x;
    }
    case ValueType::Message: {
        const auto& xs = static_cast<const MessageObj*>(f.obj)->args;
        if (f.i < xs.size()) {
            if (f.i)
                out += ", ";
            return &xs[f.i++];
        }
        out += ')';
        return nullptr;
    }
    case ValueType::Result:
        if (f.i++ == 0)
            return &static_cast<const ResultObj*>(f.obj)->value;
        out += ')';
        return nullptr;
    case ValueType::Record: {
        // Order(id: 1, side: "buy"): every field by name, in declaration order.
        const auto& r = *static_cast<const RecordObj*>(f.obj);
        if (f.i < r.fields.size()) {
            if (f.i)
                out += ", ";
            out += r.desc->fields[f.i];
            out += ": ";
            return &r.fields[f.i++];
        }
        out += ')';
        return nullptr;
    }
    case ValueType::UiNode: {
        // Args, then the props the description names (an event handler
        // prints as <event>), then children; " " before the first, ", "
        // between, and " }" or "}" to close.
        const auto& n = *static_cast<const UiNodeObj*>(f.obj);
        const size_t props = n.desc ? std::min(n.props.size(), n.desc->props.size()) : 0;
        for (;;) {
            const size_t i = f.i++;
            const char* sep = i == 0 ? " " : ", ";
            if (i < n.args.size()) {
                out += sep;
                return &n.args[i];
            }
            if (i < n.args.size() + props) {
                const size_t k = i - n.args.size();
                const auto& d = n.desc->props[k];
                out += sep;
                out += d.key + ": ";
                if (d.eventFunction >= 0) {
                    out += "<event>";
                    continue;
                }
                return &n.props[k];
            }
            if (i < n.args.size() + props + n.children.size()) {
                out += sep;
                return &n.children[i - n.args.size() - props];
            }
            out += i == 0 ? "}" : " }";
            return nullptr;
        }
    }
    default: return nullptr;
    }
}

void append(Output& o, const Value& root, const compiler::Program* p, bool quoted)
{
    std::string& out = o.text();
    if (!opens(root)) {
        appendLeaf(out, root, p, quoted);
        o.note();
        return;
    }
    WalkStack<Frame> stack;
    open(out, root, p, stack);
    while (!stack.empty()) {
        const Value* c = nextChild(out, stack.back());
        if (!c)
            stack.pop();
        else if (opens(*c))
            open(out, *c, p, stack);
        else
            appendLeaf(out, *c, p, true); // inside a collection: quoted
        o.note();
    }
}

/// One line of a UI tree: the node (or any other value, inline) at `depth`.
void appendTreeLine(Output& o, const Value& v, const compiler::Program* p, size_t depth)
{
    std::string& out = o.text();
    out.append(depth * 2, ' ');
    if (v.type() != ValueType::UiNode) {
        append(o, v, p, true);
        out += '\n';
        return;
    }
    const auto& n = asUiNode(v);
    out += n.desc ? n.desc->element : "?";
    for (const auto& a : n.args) {
        out += ' ';
        append(o, a, p, true);
    }
    for (size_t i = 0; n.desc && i < n.props.size() && i < n.desc->props.size(); ++i) {
        const auto& d = n.desc->props[i];
        out += ' ';
        out += d.key;
        if (d.eventFunction >= 0)
            continue; // an event handler: its key says enough
        if (d.bindState >= 0) {
            // bind=field "current value"
            out += '=';
            std::string name = "?";
            if (p && n.actorType >= 0 && size_t(n.actorType) < p->actors.size()
                && size_t(d.bindState) < p->actors[size_t(n.actorType)].stateFields.size())
                name = p->actors[size_t(n.actorType)].stateFields[size_t(d.bindState)];
            out += name;
            out += ' ';
            append(o, n.props[i], p, true);
            continue;
        }
        out += '=';
        append(o, n.props[i], p, true);
    }
    out += '\n';
}

} // namespace

std::string formatFloat(double d)
{
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

std::string toDisplay(const Value& v, const compiler::Program* program)
{
    if (v.isString()) {
        chargeBytes(asString(v).text.size());
        return asString(v).text;
    }
    std::string out;
    Output o(out);
    append(o, v, program, false);
    o.settle(false);
    return out;
}

void appendRepr(std::string& out, const Value& v, const compiler::Program* program)
{
    Output o(out);
    append(o, v, program, true);
    o.settle(false);
}

void appendDisplay(std::string& out, const Value& v, const compiler::Program* program)
{
    Output o(out);
    append(o, v, program, false);
    o.settle(false);
}

bool isUiTree(const Value& v)
{
    if (v.type() == ValueType::UiNode)
        return true;
    if (v.type() != ValueType::List || asList(v).items.empty())
        return false;
    for (const auto& x : asList(v).items)
        if (x.type() != ValueType::UiNode)
            return false;
    return true;
}

std::string formatRenderBlock(const Value& v, const compiler::Program* program)
{
    if (isUiTree(v) || v.type() != ValueType::List)
        return isUiTree(v) ? formatUiTree(v, program) : toDisplay(v, program) + "\n";
    // Items of a block: each tree as a tree, anything else as print shows it
    // (a string as its text), one after the other.
    std::string out;
    for (const auto& x : asList(v).items)
        out += isUiTree(x) ? formatUiTree(x, program) : toDisplay(x, program) + "\n";
    return out;
}

std::string formatUiTree(const Value& v, const compiler::Program* program)
{
    // Pre-order: a node's line, then its children one level deeper; a list
    // stands for its items at its own level.
    std::string out;
    Output o(out);
    std::vector<std::pair<const Value*, size_t>> todo{{&v, 0}};
    while (!todo.empty()) {
        const auto [x, depth] = todo.back();
        todo.pop_back();
        if (x->type() == ValueType::List) {
            const auto& items = asList(*x).items;
            for (size_t i = items.size(); i-- > 0;)
                todo.emplace_back(&items[i], depth);
            continue;
        }
        appendTreeLine(o, *x, program, depth);
        if (x->type() == ValueType::UiNode) {
            const auto& children = asUiNode(*x).children;
            for (size_t i = children.size(); i-- > 0;)
                todo.emplace_back(&children[i], depth + 1);
        }
    }
    o.settle(false);
    return out;
}

} // namespace aeroflow::engine
