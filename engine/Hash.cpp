#include "Hash.h"

#include "Program.h"

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

uint64_t hashValue(const Value& v, uint64_t h)
{
    h = mix(h, uint64_t(v.type()) + 1);
    switch (v.type()) {
    case ValueType::Nil: return h;
    case ValueType::Bool: return mix(h, v.asBool() ? 1 : 0);
    case ValueType::Int: return mix(h, uint64_t(v.asInt()));
    case ValueType::Float: return mix(h, std::bit_cast<uint64_t>(v.asFloat()));
    case ValueType::Actor: return mix(mix(h, v.actorId()), v.actorType());
    case ValueType::String: return mixBytes(h, asString(v).text);
    case ValueType::List: {
        const auto& l = asList(v);
        h = mix(h, l.items.size());
        for (const auto& x : l.items)
            h = hashValue(x, h);
        return h;
    }
    case ValueType::Map: {
        const auto& m = asMap(v);
        h = mix(h, m.entries.size());
        for (const auto& [k, x] : m.entries)
            h = hashValue(x, mixBytes(h, k));
        return h;
    }
    case ValueType::Tensor: {
        const auto& t = asTensor(v);
        h = mix(h, t.shape.size());
        for (uint32_t d : t.shape)
            h = mix(h, d);
        for (double d : t.data)
            h = mix(h, std::bit_cast<uint64_t>(d));
        return h;
    }
    case ValueType::Message: {
        const auto& m = asMessage(v);
        h = mix(mix(h, m.message), m.args.size());
        for (const auto& x : m.args)
            h = hashValue(x, h);
        return h;
    }
    case ValueType::Result: {
        const auto& r = asResult(v);
        return hashValue(r.value, mix(h, r.ok ? 1 : 0));
    }
    case ValueType::Function: {
        const auto& c = asClosure(v);
        h = mix(mix(h, c.function), c.captures.size());
        for (const auto& x : c.captures)
            h = hashValue(x, h);
        return h;
    }
    case ValueType::UiNode: {
        const auto& n = asUiNode(v);
        h = mixBytes(h, n.desc ? std::string_view(n.desc->element) : std::string_view());
        h = mix(h, uint64_t(int64_t(n.actorType)));
        for (const auto* part : {&n.args, &n.props, &n.children}) {
            h = mix(h, part->size());
            for (const auto& x : *part)
                h = hashValue(x, h);
        }
        return h;
    }
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
