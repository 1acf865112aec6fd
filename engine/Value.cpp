#include "Value.h"

#include "RuntimeError.h"
#include "Program.h"

#include <bit>
#include <cmath>

namespace aeroflow::engine {

constinit thread_local HeapAccount* t_heapAccount = nullptr;

namespace {

// Freeing (destroyObject): objects whose count dropped to zero while another
// object was being destroyed wait here, linked through their `charged`
// field (their charge is already given back). Both are trivially
// destructible, so freeing works at any point of a thread's exit.
thread_local Obj* tl_dying = nullptr;
thread_local bool tl_freeing = false;

/// Gives `o`'s bytes back to its owner (what ~Obj would do) and zeroes them.
void uncharge(Obj* o)
{
    if (t_heapAccount && o->charged && o->owner < t_heapAccount->bytesByActor.size())
        t_heapAccount->bytesByActor[o->owner] -= o->charged;
    o->charged = 0;
}
} // namespace

const char* valueTypeName(ValueType type)
{
    switch (type) {
    case ValueType::Nil: return "nil";
    case ValueType::Bool: return "bool";
    case ValueType::Int: return "int";
    case ValueType::Float: return "float";
    case ValueType::String: return "string";
    case ValueType::List: return "list";
    case ValueType::Map: return "map";
    case ValueType::Tensor: return "tensor";
    case ValueType::Actor: return "actor";
    case ValueType::Message: return "message";
    case ValueType::Result: return "result";
    case ValueType::Function: return "function";
    case ValueType::UiNode: return "ui";
    case ValueType::Record: return "record";
    case ValueType::Set: return "set";
    }
    return "?";
}

void memoryExhausted(const HeapAccount& a)
{
    fail("out of memory: the actor's memory limit of " + std::to_string(a.limit) + " bytes is exceeded",
         ErrorKind::Memory);
}

constinit thread_local WorkMeter* t_workMeter = nullptr;

void workExhausted(const WorkMeter& meter)
{
    fail("work budget exhausted (" + std::to_string(meter.budget) +
             " units of copying, comparing or printing data in one handler; raise it with --fuel)",
         ErrorKind::Fuel);
}

// What objects are charged depends on these sizes (measure()), and so do
// memory errors and snapshot images: new fields go into padding, not past it.
#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
static_assert(sizeof(Obj) == 32 && sizeof(StringObj) == 72 && sizeof(ListObj) == 56);
#endif

void destroyObject(Obj* o) noexcept
{
    if (tl_freeing) {
        // Inside another object's destructor: queue it, do not recurse.
        uncharge(o);
        o->charged = int64_t(reinterpret_cast<intptr_t>(tl_dying));
        tl_dying = o;
        return;
    }
    tl_freeing = true;
    delete o;
    while (Obj* d = tl_dying) {
        tl_dying = reinterpret_cast<Obj*>(intptr_t(d->charged));
        d->charged = 0;
        delete d;
    }
    tl_freeing = false;
}

Obj::Obj(ValueType t) : type(t)
{
    if (t_heapAccount)
        owner = t_heapAccount->current;
}

Obj::~Obj()
{
    if (t_heapAccount && charged && owner < t_heapAccount->bytesByActor.size())
        t_heapAccount->bytesByActor[owner] -= charged;
}

void Obj::rechargeAs(int64_t now)
{
    const int64_t delta = now - charged;
    charged = now;
    if (t_heapAccount && delta) {
        if (owner >= t_heapAccount->bytesByActor.size())
            t_heapAccount->bytesByActor.resize(owner + 1, 0);
        t_heapAccount->bytesByActor[owner] += delta;
    }
}

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPoolMessages = false; // let ASan see every message's lifetime
#else
constexpr bool kPoolMessages = true;
#endif
/// Free MessageObj blocks of this thread (bounded; freed at thread exit).
struct MessagePool {
    struct Block {
        Block* next;
    };
    Block* head = nullptr;
    uint32_t count = 0;
    ~MessagePool()
    {
        while (head) {
            Block* b = head;
            head = b->next;
            ::operator delete(b);
        }
        count = 0;
        dead = true;
    }
    static constexpr uint32_t kMax = 4096;
    static thread_local bool dead; ///< set once this thread's pool is gone
};
thread_local bool MessagePool::dead = false;
thread_local MessagePool t_messagePool;
} // namespace

void* MessageObj::operator new(size_t size)
{
    if (kPoolMessages && size == sizeof(MessageObj) && !MessagePool::dead) {
        MessagePool& pool = t_messagePool;
        if (pool.head) {
            MessagePool::Block* b = pool.head;
            pool.head = b->next;
            --pool.count;
            return b;
        }
    }
    return ::operator new(size);
}

void MessageObj::operator delete(void* p, size_t size) noexcept
{
    if (kPoolMessages && size == sizeof(MessageObj) && !MessagePool::dead) {
        MessagePool& pool = t_messagePool;
        if (pool.count < MessagePool::kMax) {
            auto* b = static_cast<MessagePool::Block*>(p);
            b->next = pool.head;
            pool.head = b;
            ++pool.count;
            return;
        }
    }
    ::operator delete(p);
}

Value Value::object(Obj* o)
{
    Value v(o->type);
    v.m_u.obj = o;
    return v;
}

StringObj::StringObj(std::string s) : Obj(ValueType::String), text(std::move(s))
{
    for (unsigned char c : text)
        if (c >= 0x80) {
            ascii = false;
            break;
        }
    chars = ascii ? uint32_t(text.size()) : utf8Length(text);
    recharge();
}

void StringObj::appendInPlace(std::string_view more, size_t chargedCapacity)
{
    bool moreAscii = true;
    for (unsigned char c : more)
        if (c >= 0x80) {
            moreAscii = false;
            break;
        }
    text.append(more);
    chars += moreAscii ? uint32_t(more.size()) : utf8Length(more);
    ascii = ascii && moreAscii;
    spare = uint32_t(chargedCapacity);
    rechargeAs(int64_t(sizeof(*this) + chargedCapacity));
}

namespace {
/// What a map was charged for besides its entries when they were a plain
/// vector (sizeof the MapObj of then); kept so that accounting and snapshot
/// images do not change with the index.
constexpr int64_t kMapChargedHeader = int64_t(sizeof(Obj) + sizeof(std::vector<MapEntries::Entry>));
} // namespace

int64_t MapObj::measure() const
{
    return kMapChargedHeader + int64_t(entries.capacity() * sizeof(MapEntries::Entry)) + entries.keyBytes();
}

void MapObj::set(std::string_view key, Value v)
{
    if (entries.set(key, std::move(v)))
        recharge();
}

bool MapObj::remove(std::string_view key, Value* removed)
{
    if (!entries.remove(key, removed))
        return false;
    recharge();
    return true;
}

int64_t SetObj::measure() const
{
    return kMapChargedHeader + int64_t(entries.capacity() * sizeof(MapEntries::Entry)) + entries.keyBytes();
}

bool SetObj::add(std::string_view key)
{
    if (!entries.set(key, Value()))
        return false;
    recharge();
    return true;
}

bool SetObj::remove(std::string_view key)
{
    if (!entries.remove(key, nullptr))
        return false;
    recharge();
    return true;
}

Value makeString(std::string s)
{
    checkMemory(int64_t(s.size()));
    return Value::object(new StringObj(std::move(s)));
}

Value makeList(std::vector<Value> items)
{
    checkMemory(int64_t(items.size() * sizeof(Value)));
    return Value::object(new ListObj(std::move(items)));
}

Value makeMap()
{
    auto* m = new MapObj;
    m->recharge();
    return Value::object(m);
}

Value makeSet()
{
    auto* m = new SetObj;
    m->recharge();
    return Value::object(m);
}

Value makeMessage(uint32_t id, std::vector<Value> args) { return Value::object(new MessageObj(id, std::move(args))); }
Value makeResult(bool ok, Value v) { return Value::object(new ResultObj(ok, std::move(v))); }
Value makeClosure(uint32_t function, std::vector<Value> captures)
{
    return Value::object(new ClosureObj(function, std::move(captures)));
}
Value makeRecord(const compiler::RecordType* type, std::vector<Value> fields)
{
    return Value::object(new RecordObj(type, std::move(fields)));
}
uint32_t recordIndex(const RecordObj& r) { return r.desc->index; }
const std::string& recordName(const RecordObj& r) { return r.desc->name; }

RecordObj& mutableRecord(Value& v)
{
    auto* r = static_cast<RecordObj*>(v.obj());
    if (r->refs > 1) {
        chargeWork(r->fields.size() + 1);
        v = makeRecord(r->desc, r->fields);
        r = static_cast<RecordObj*>(v.obj());
    }
    return *r;
}

ListObj& mutableList(Value& v)
{
    auto* l = static_cast<ListObj*>(v.obj());
    if (l->refs > 1) {
        chargeWork(l->items.size());
        checkMemory(int64_t(l->items.size() * sizeof(Value)));
        v = Value::object(new ListObj(l->items));
        l = static_cast<ListObj*>(v.obj());
    }
    return *l;
}

MapObj& mutableMap(Value& v)
{
    auto* m = static_cast<MapObj*>(v.obj());
    if (m->refs > 1) {
        chargeWork(m->entries.size());
        checkMemory(m->charged);
        auto* c = new MapObj(m->entries);
        c->recharge();
        v = Value::object(c);
        m = c;
    }
    return *m;
}

SetObj& mutableSet(Value& v)
{
    auto* m = static_cast<SetObj*>(v.obj());
    if (m->refs > 1) {
        chargeWork(m->entries.size());
        checkMemory(m->charged);
        auto* c = new SetObj(m->entries);
        c->recharge();
        v = Value::object(c);
        m = c;
    }
    return *m;
}

namespace {

bool isContainer(const Value& v)
{
    switch (v.type()) {
    case ValueType::List:
    case ValueType::Map:
    case ValueType::Message:
    case ValueType::Result:
    case ValueType::Function:
    case ValueType::UiNode:
    case ValueType::Record: return true;
    default: return false;
    }
}

/// Number of child values of a container.
size_t childCount(const Obj* o)
{
    switch (o->type) {
    case ValueType::List: return static_cast<const ListObj*>(o)->items.size();
    case ValueType::Map: return static_cast<const MapObj*>(o)->entries.size();
    case ValueType::Message: return static_cast<const MessageObj*>(o)->args.size();
    case ValueType::Result: return 1;
    case ValueType::Function: return static_cast<const ClosureObj*>(o)->captures.size();
    case ValueType::Record: return static_cast<const RecordObj*>(o)->fields.size();
    case ValueType::UiNode: {
        const auto* n = static_cast<const UiNodeObj*>(o);
        return n->args.size() + n->props.size() + n->children.size();
    }
    default: return 0;
    }
}

/// A container being walked: its children one at a time, in the order of
/// the printed form (maps: insertion order; UI nodes: args, props, children).
struct ChildCursor {
    const Obj* obj = nullptr;
    size_t index = 0;
    MapEntries::const_iterator mapAt;

    explicit ChildCursor(const Obj* o) : obj(o)
    {
        if (o->type == ValueType::Map)
            mapAt = static_cast<const MapObj*>(o)->entries.begin();
    }
    /// The next child (and for maps its key in `*key`), or nullptr at the end.
    const Value* next(const std::string** key = nullptr)
    {
        switch (obj->type) {
        case ValueType::List: {
            const auto& xs = static_cast<const ListObj*>(obj)->items;
            return index < xs.size() ? &xs[index++] : nullptr;
        }
        case ValueType::Map: {
            const auto& m = static_cast<const MapObj*>(obj)->entries;
            if (mapAt == m.end())
                return nullptr;
            const auto& e = *mapAt;
            ++mapAt;
            ++index;
            if (key)
                *key = &e.first;
            return &e.second;
        }
        case ValueType::Message: {
            const auto& xs = static_cast<const MessageObj*>(obj)->args;
            return index < xs.size() ? &xs[index++] : nullptr;
        }
        case ValueType::Result: return index++ == 0 ? &static_cast<const ResultObj*>(obj)->value : nullptr;
        case ValueType::Function: {
            const auto& xs = static_cast<const ClosureObj*>(obj)->captures;
            return index < xs.size() ? &xs[index++] : nullptr;
        }
        case ValueType::Record: {
            const auto& xs = static_cast<const RecordObj*>(obj)->fields;
            return index < xs.size() ? &xs[index++] : nullptr;
        }
        case ValueType::UiNode: {
            const auto* n = static_cast<const UiNodeObj*>(obj);
            size_t i = index++;
            if (i < n->args.size())
                return &n->args[i];
            i -= n->args.size();
            if (i < n->props.size())
                return &n->props[i];
            i -= n->props.size();
            return i < n->children.size() ? &n->children[i] : nullptr;
        }
        default: return nullptr;
        }
    }
};

/// The capacity n push_backs leave in an empty std::vector (libstdc++ doubles
/// from 1). Copies reserve it up front: one allocation instead of log2(n),
/// and the same capacity, hence the same bytes charged, as before.
size_t pushedCapacity(size_t n) { return n == 0 ? 0 : std::bit_ceil(n); }

/// deepCopy of what has no children to copy: a tensor's data, a set's
/// elements, or the value itself.
Value copyLeaf(const Value& v)
{
    if (v.isSet()) {
        const auto& s = asSet(v);
        chargeWork(s.entries.size() + 1);
        checkMemory(s.charged);
        auto* c = new SetObj(s.entries);
        c->recharge();
        return Value::object(c);
    }
    if (v.type() != ValueType::Tensor)
        return v; // unboxed values and immutable strings
    const auto& t = asTensor(v);
    chargeWork(t.data.size() / 4);
    checkMemory(int64_t(t.data.size() * sizeof(double)));
    auto* c = new TensorObj;
    c->shape = t.shape;
    c->data = t.data;
    c->recharge();
    return Value::object(c);
}

/// One container being copied: its children's copies so far and, for maps
/// and UI nodes, the object made before its children (as the recursive copy
/// of before did, so that every object is charged in the same order).
struct CopyFrame {
    explicit CopyFrame(const Obj* o) : cursor(o) {}
    ChildCursor cursor;
    std::vector<Value> items;
    Value made;
};

void beginCopy(CopyFrame& f)
{
    const Obj* o = f.cursor.obj;
    const size_t n = childCount(o);
    chargeWork(n + 1);
    switch (o->type) {
    case ValueType::List: f.items.reserve(n); break; // becomes the list's vector: capacity == size
    case ValueType::Map: {
        f.made = makeMap();
        static_cast<MapObj*>(f.made.obj())->entries.reserve(pushedCapacity(n));
        f.items.reserve(n);
        break;
    }
    case ValueType::UiNode: {
        auto* c = new UiNodeObj;
        f.made = Value::object(c);
        const auto* src = static_cast<const UiNodeObj*>(o);
        c->desc = src->desc;
        c->actorType = src->actorType;
        f.items.reserve(n);
        break;
    }
    case ValueType::Result: break;
    default: f.items.reserve(pushedCapacity(n)); break; // messages, closures
    }
}

Value finishCopy(CopyFrame& f)
{
    const Obj* o = f.cursor.obj;
    switch (o->type) {
    case ValueType::List: return makeList(std::move(f.items));
    case ValueType::Map: {
        auto* m = static_cast<MapObj*>(f.made.obj());
        size_t i = 0;
        for (const auto& [k, x] : static_cast<const MapObj*>(o)->entries) {
            chargeBytes(k.size());
            m->entries.append(k, std::move(f.items[i++]));
        }
        m->recharge();
        return std::move(f.made);
    }
    case ValueType::Message: return makeMessage(static_cast<const MessageObj*>(o)->message, std::move(f.items));
    case ValueType::Result: return makeResult(static_cast<const ResultObj*>(o)->ok, std::move(f.items.front()));
    case ValueType::Function: return makeClosure(static_cast<const ClosureObj*>(o)->function, std::move(f.items));
    case ValueType::Record: return makeRecord(static_cast<const RecordObj*>(o)->desc, std::move(f.items));
    case ValueType::UiNode: {
        const auto* src = static_cast<const UiNodeObj*>(o);
        auto* c = static_cast<UiNodeObj*>(f.made.obj());
        c->args.reserve(pushedCapacity(src->args.size()));
        c->props.reserve(pushedCapacity(src->props.size()));
        c->children.reserve(pushedCapacity(src->children.size()));
        size_t i = 0;
        for (size_t k = 0; k < src->args.size(); ++k)
            c->args.push_back(std::move(f.items[i++]));
        for (size_t k = 0; k < src->props.size(); ++k)
            c->props.push_back(std::move(f.items[i++]));
        for (size_t k = 0; k < src->children.size(); ++k)
            c->children.push_back(std::move(f.items[i++]));
        c->recharge();
        return std::move(f.made);
    }
    default: return {};
    }
}

/// One level of valuesEqual: false when `a` and `b` differ here; pairs of
/// children still to compare go to `todo`. `work` counts what was visited.
bool sameShallow(const Value& a, const Value& b, std::vector<std::pair<const Value*, const Value*>>& todo,
                 uint64_t& work)
{
    ++work;
    if (a.isNumber() && b.isNumber()) {
        if (a.isInt() && b.isInt())
            return a.asInt() == b.asInt();
        return a.toDouble() == b.toDouble();
    }
    if (a.type() != b.type())
        return false;
    switch (a.type()) {
    case ValueType::Nil: return true;
    case ValueType::Bool: return a.asBool() == b.asBool();
    case ValueType::String: {
        if (a.obj() == b.obj())
            return true;
        const auto& x = asString(a).text;
        const auto& y = asString(b).text;
        if (x.size() != y.size())
            return false;
        work += x.size() / kWorkBytes;
        return x == y;
    }
    case ValueType::Actor: return a.actorId() == b.actorId();
    case ValueType::List: {
        const auto& x = asList(a).items;
        const auto& y = asList(b).items;
        if (x.size() != y.size())
            return false;
        for (size_t i = x.size(); i-- > 0;)
            todo.emplace_back(&x[i], &y[i]);
        return true;
    }
    case ValueType::Map: {
        const auto& x = asMap(a);
        const auto& y = asMap(b);
        if (x.entries.size() != y.entries.size())
            return false;
        for (const auto& [k, v] : x.entries) {
            work += k.size() / kWorkBytes;
            const Value* w = y.lookup(k);
            if (!w)
                return false;
            todo.emplace_back(&v, w);
        }
        return true;
    }
    case ValueType::Set: {
        // Same elements, in any order (as maps compare their keys).
        const auto& x = asSet(a).entries;
        const auto& y = asSet(b).entries;
        if (x.size() != y.size())
            return false;
        for (const auto& e : x) {
            work += e.first.size() / kWorkBytes + 1;
            if (!y.lookup(e.first))
                return false;
        }
        return true;
    }
    case ValueType::Tensor:
        work += asTensor(a).data.size() / 4;
        return asTensor(a).shape == asTensor(b).shape && asTensor(a).data == asTensor(b).data;
    case ValueType::Message: {
        const auto& x = asMessage(a);
        const auto& y = asMessage(b);
        if (x.message != y.message || x.args.size() != y.args.size())
            return false;
        for (size_t i = x.args.size(); i-- > 0;)
            todo.emplace_back(&x.args[i], &y.args[i]);
        return true;
    }
    case ValueType::Result:
        if (asResult(a).ok != asResult(b).ok)
            return false;
        todo.emplace_back(&asResult(a).value, &asResult(b).value);
        return true;
    case ValueType::Record: {
        const auto& x = asRecord(a);
        const auto& y = asRecord(b);
        if (x.desc != y.desc || x.fields.size() != y.fields.size())
            return false;
        for (size_t i = x.fields.size(); i-- > 0;)
            todo.emplace_back(&x.fields[i], &y.fields[i]);
        return true;
    }
    default: return a.obj() == b.obj(); // functions and UI trees: identity
    }
}

/// deepCopy of a list, message or closure whose elements need no copying
/// of their own (scalars, strings): what every message of scalars is.
bool flatCopy(const Value& v, Value& out)
{
    const std::vector<Value>* xs;
    switch (v.type()) {
    case ValueType::List: xs = &asList(v).items; break;
    case ValueType::Message: xs = &asMessage(v).args; break;
    case ValueType::Function: xs = &asClosure(v).captures; break;
    case ValueType::Record: xs = &asRecord(v).fields; break;
    default: return false;
    }
    for (const auto& x : *xs)
        if (x.isObject() && !x.isString())
            return false;
    chargeWork(xs->size() + 1);
    if (v.type() == ValueType::List) {
        out = makeList(std::vector<Value>(*xs)); // capacity == size, as the recursive copy's
        return true;
    }
    std::vector<Value> copy;
    copy.reserve(pushedCapacity(xs->size()));
    for (const auto& x : *xs)
        copy.push_back(x);
    out = v.type() == ValueType::Message ? makeMessage(asMessage(v).message, std::move(copy))
        : v.type() == ValueType::Record  ? makeRecord(asRecord(v).desc, std::move(copy))
                                         : makeClosure(asClosure(v).function, std::move(copy));
    return true;
}

} // namespace

Value deepCopy(const Value& v, bool refuseFunctions)
{
    if (!v.isObject() || v.isString())
        return v; // unboxed values and immutable strings
    if (!isContainer(v))
        return copyLeaf(v);
    if (refuseFunctions && v.type() == ValueType::Function)
        throw HoldsFunction{};
    if (Value flat; flatCopy(v, flat))
        return flat; // its elements are scalars and strings
    // Post-order, as the recursive copy of before: each container is built
    // once its children are, so objects are made, charged and checked
    // against the memory limit in the same order. The root's frame lives
    // here: copying a flat container (a message of scalars) allocates no stack.
    CopyFrame root(v.obj());
    beginCopy(root);
    std::vector<CopyFrame> nested;
    for (;;) {
        CopyFrame& f = nested.empty() ? root : nested.back();
        if (const Value* c = f.cursor.next()) {
            if (refuseFunctions && c->type() == ValueType::Function)
                throw HoldsFunction{};
            if (isContainer(*c)) {
                nested.emplace_back(c->obj()); // `f` is not used past this point
                beginCopy(nested.back());
            } else {
                f.items.push_back(copyLeaf(*c));
            }
            continue;
        }
        Value done = finishCopy(f);
        if (nested.empty())
            return done;
        nested.pop_back();
        (nested.empty() ? root : nested.back()).items.push_back(std::move(done));
    }
}

bool valuesEqual(const Value& a, const Value& b)
{
    std::vector<std::pair<const Value*, const Value*>> todo;
    uint64_t work = 0;
    bool same = sameShallow(a, b, todo, work);
    while (same && !todo.empty()) {
        const auto [x, y] = todo.back();
        todo.pop_back();
        same = sameShallow(*x, *y, todo, work);
    }
    if (work > 1)
        chargeWork(work - 1);
    return same;
}

uint32_t utf8Length(std::string_view s)
{
    uint32_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

size_t utf8Offset(std::string_view s, uint32_t index)
{
    size_t i = 0;
    uint32_t seen = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (seen == index)
                return i;
            ++seen;
        }
    }
    return s.size();
}

std::string charAt(const StringObj& s, uint32_t index)
{
    if (s.ascii)
        return std::string(1, s.text[index]);
    return charAtByte(s, utf8Offset(s.text, index));
}

std::string charAtByte(const StringObj& s, size_t b)
{
    size_t e = b + 1;
    while (e < s.text.size() && (static_cast<unsigned char>(s.text[e]) & 0xC0) == 0x80)
        ++e;
    return s.text.substr(b, e - b);
}

} // namespace aeroflow::engine
