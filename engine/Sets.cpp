// Sets: the `set` builtin and the set methods (Sets.h).

#include "Sets.h"

#include "MapKey.h"
#include "Ops.h"
#include "RuntimeError.h"

namespace aeroflow::engine {

namespace {

const SetObj& needSet(const Value& v, const char* what)
{
    if (!v.isSet())
        fail(std::string(what) + " needs a set, found " + describeType(v));
    return asSet(v);
}

/// Adds the encoded `key` to the fresh, unshared set `s`, charging it.
void addKey(SetObj& s, std::string_view key)
{
    chargeBytes(key.size());
    checkMemory(int64_t(key.size()) + 48);
    s.add(key);
}

} // namespace

Value setFrom(const Value* source)
{
    Value out = makeSet();
    if (!source)
        return out;
    auto& s = static_cast<SetObj&>(*out.obj());
    switch (source->type()) {
    case ValueType::List: {
        const auto& xs = asList(*source).items;
        chargeWork(xs.size());
        for (const auto& x : xs) {
            const MapKey k(x);
            if (!k.ok())
                refuseMapKey(x, "set element");
            addKey(s, k.bytes());
        }
        return out;
    }
    case ValueType::Set:
        chargeWork(asSet(*source).entries.size());
        for (const auto& e : asSet(*source).entries)
            addKey(s, e.first);
        return out;
    case ValueType::Map:
        chargeWork(asMap(*source).entries.size());
        for (const auto& e : asMap(*source).entries)
            addKey(s, e.first);
        return out;
    default: fail("set() needs a list, set or map, found " + describeType(*source));
    }
}

Value setUnion(const Value& a, const Value& b)
{
    const SetObj& y = needSet(b, "union()");
    Value out = setFrom(&a);
    auto& s = static_cast<SetObj&>(*out.obj());
    chargeWork(y.entries.size());
    for (const auto& e : y.entries)
        if (!s.has(e.first))
            addKey(s, e.first);
    return out;
}

Value setIntersection(const Value& a, const Value& b)
{
    const SetObj& y = needSet(b, "intersection()");
    Value out = makeSet();
    auto& s = static_cast<SetObj&>(*out.obj());
    chargeWork(asSet(a).entries.size());
    for (const auto& e : asSet(a).entries)
        if (y.has(e.first))
            addKey(s, e.first);
    return out;
}

Value setDifference(const Value& a, const Value& b)
{
    const SetObj& y = needSet(b, "difference()");
    Value out = makeSet();
    auto& s = static_cast<SetObj&>(*out.obj());
    chargeWork(asSet(a).entries.size());
    for (const auto& e : asSet(a).entries)
        if (!y.has(e.first))
            addKey(s, e.first);
    return out;
}

Value setToList(const Value& s)
{
    const auto& entries = asSet(s).entries;
    chargeWork(entries.size());
    checkMemory(int64_t(entries.size() * sizeof(Value)));
    std::vector<Value> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
        out.push_back(decodeMapKey(e.first));
    return makeList(std::move(out));
}

bool setHas(const Value& s, const Value& x)
{
    const MapKey k(x);
    if (!k.ok())
        refuseMapKey(x, "set element");
    chargeBytes(k.bytes().size());
    return asSet(s).has(k.bytes());
}

bool setAdd(Value& s, const Value& x)
{
    const MapKey k(x);
    if (!k.ok())
        refuseMapKey(x, "set element");
    if (asSet(s).has(k.bytes()))
        return false;
    chargeBytes(k.bytes().size());
    checkMemory(int64_t(k.bytes().size()) + 48);
    return mutableSet(s).add(k.bytes());
}

bool setRemove(Value& s, const Value& x)
{
    const MapKey k(x);
    if (!k.ok())
        refuseMapKey(x, "set element");
    chargeBytes(k.bytes().size());
    if (!asSet(s).has(k.bytes()))
        return false;
    return mutableSet(s).remove(k.bytes());
}

bool containsValue(const Value& x, const Value& c)
{
    switch (c.type()) {
    case ValueType::List: {
        const auto& xs = asList(c).items;
        chargeWork(xs.size());
        for (const auto& y : xs)
            if (valuesEqual(y, x))
                return true;
        return false;
    }
    case ValueType::Map: {
        const MapKey k(x);
        if (!k.ok())
            refuseMapKey(x, "map key");
        chargeBytes(k.bytes().size());
        return asMap(c).lookup(k.bytes()) != nullptr;
    }
    case ValueType::Set: return setHas(c, x);
    case ValueType::String: {
        if (!x.isString())
            fail("'in' on a string needs a string on its left, found " + describeType(x));
        chargeBytes(asString(c).text.size());
        return asString(c).text.find(asString(x).text) != std::string::npos;
    }
    default: fail("'in' needs a list, map, set or string on its right, found " + describeType(c));
    }
}

} // namespace aeroflow::engine
