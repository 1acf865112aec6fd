#include "Hash.h"

#include "Program.h"
#include "WalkStack.h"

#include <bit>
#include <cstring>

namespace aeroflow::engine {

namespace {

inline uint64_t mix(uint64_t h, uint64_t x)
{
    // One round of a splitmix-style finaliser over (h ^ x): cheap, and every
    // input bit affects every output bit.
    uint64_t z = (h ^ x) + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t mixBytes(uint64_t h, std::string_view s)
{
    h = mix(h, s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        if constexpr (std::endian::native == std::endian::big)
            w = std::byteswap(w);
        h = mix(h, w);
    }
    uint64_t tail = 0;
    for (size_t k = 0; i < s.size(); ++i, ++k)
        tail |= uint64_t(uint8_t(s[i])) << (8 * k);
    return mix(h, tail);
}

} // namespace

uint64_t hashWord(uint64_t h, uint64_t word) { return mix(h, word); }
uint64_t hashBytes(uint64_t h, std::string_view text) { return mixBytes(h, text); }

namespace {

/// One container being hashed: its children follow one by one.
struct HashFrame {
    const Obj* obj = nullptr;
    size_t i = 0;                   ///< next child of the current part
    uint32_t part = 0;              ///< UI nodes: 0 args, 1 props, 2 children
    bool partStarted = false;       ///< UI nodes: the current part's size is mixed in
    MapEntries::const_iterator at;  ///< maps: the next entry
};

/// Mixes `v`'s type and, for a scalar, its content; a container's header
/// (sizes, ids) is mixed and its frame pushed: its children come next.
uint64_t enter(const Value& v, uint64_t h, WalkStack<HashFrame>& stack)
{
    h = mix(h, uint64_t(v.type()) + 1);
    switch (v.type()) {
    case ValueType::Nil: return h;
    case ValueType::Bool: return mix(h, v.asBool() ? 1 : 0);
    case ValueType::Int: return mix(h, uint64_t(v.asInt()));
    case ValueType::Float: return mix(h, std::bit_cast<uint64_t>(v.asFloat()));
    case ValueType::Actor: return mix(mix(h, v.actorId()), v.actorType());
    case ValueType::String: return mixBytes(h, asString(v).text);
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        h = mix(h, t.shape.size());
        for (uint32_t d : t.shape)
            h = mix(h, d);
        for (double d : t.data)
            h = mix(h, std::bit_cast<uint64_t>(d));
        return h;
    }
    case ValueType::Set: {
        // A leaf: its elements are encoded keys, mixed in insertion order.
        const auto& entries = asSet(v).entries;
        h = mix(h, entries.size());
        for (const auto& e : entries)
            h = mixBytes(h, e.first);
        return h;
    }
    case ValueType::List: h = mix(h, asList(v).items.size()); break;
    case ValueType::Map: h = mix(h, asMap(v).entries.size()); break;
    case ValueType::Message: h = mix(mix(h, asMessage(v).message), asMessage(v).args.size()); break;
    case ValueType::Result: h = mix(h, asResult(v).ok ? 1 : 0); break;
    case ValueType::Function: h = mix(mix(h, asClosure(v).function), asClosure(v).captures.size()); break;
    case ValueType::Record: h = mix(mix(h, recordIndex(asRecord(v))), asRecord(v).fields.size()); break;
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        h = mixBytes(h, n.desc ? std::string_view(n.desc->element) : std::string_view());
        h = mix(h, uint64_t(int64_t(n.actorType)));
        break;
    }
    }
    HashFrame& f = stack.push();
    f.obj = v.obj();
    if (v.type() == ValueType::Map)
        f.at = asMap(v).entries.begin();
    return h;
}

/// The frame's next child, or nullptr at its end; mixes what comes before
/// the child (a map key, the size of a UI node's next part) into `h`.
const Value* nextChild(HashFrame& f, uint64_t& h)
{
    const auto inVector = [&f](const std::vector<Value>& xs) { return f.i < xs.size() ? &xs[f.i++] : nullptr; };
    switch (f.obj->type) {
    case ValueType::List: return inVector(static_cast<const ListObj*>(f.obj)->items);
    case ValueType::Message: return inVector(static_cast<const MessageObj*>(f.obj)->args);
    case ValueType::Function: return inVector(static_cast<const ClosureObj*>(f.obj)->captures);
    case ValueType::Record: return inVector(static_cast<const RecordObj*>(f.obj)->fields);
    case ValueType::Result: return f.i++ == 0 ? &static_cast<const ResultObj*>(f.obj)->value : nullptr;
    case ValueType::Map: {
        if (f.at == static_cast<const MapObj*>(f.obj)->entries.end())
            return nullptr;
        const auto& [k, x] = *f.at;
        ++f.at;
        h = mixBytes(h, k);
        return &x;
    }
    case ValueType::UiNode: {
        const auto* n = static_cast<const UiNodeObj*>(f.obj);
        const std::vector<Value>* parts[] = {&n->args, &n->props, &n->children};
        while (f.part < 3) {
            const auto& part = *parts[f.part];
            if (!f.partStarted) {
                h = mix(h, part.size());
                f.partStarted = true;
            }
            if (f.i < part.size())
                return &part[f.i++];
            ++f.part;
            f.i = 0;
            f.partStarted = false;
        }
        return nullptr;
    }
    default: return nullptr;
    }
}

} // namespace

uint64_t hashValue(const Value& v, uint64_t h)
{
    // Pre-order over an explicit stack: the same words in the same order as
    // a recursive walk would mix, at any depth.
    WalkStack<HashFrame> stack;
    h = enter(v, h, stack);
    while (!stack.empty()) {
        if (const Value* c = nextChild(stack.back(), h))
            h = enter(*c, h, stack);
        else
            stack.pop();
    }
    return h;
}

uint64_t hashValues(std::span<const Value> values, uint64_t h)
{
    h = mix(h, values.size());
    for (const auto& v : values)
        h = hashValue(v, h);
    return h;
}

} // namespace aeroflow::engine
