#pragma once
// Runtime values of the DAS engine. A Value is 16 bytes: a type tag and an
// unboxed payload (nil, bool, int, float, actor reference) or a pointer to a
// reference-counted heap object (strings, lists, maps, tensors, messages,
// results, closures, UI nodes, sets).
//
// Memory model (docs/ENGINE.md): heap objects are immutable while shared and
// copied on write. Code that changes a list or map first calls mutableList()
// / mutableMap(), which copies the object when its reference count is above
// one, so two holders never observe each other's changes. Reference counts are
// not atomic: the engine runs one actor at a time on one thread. Freeing is
// iterative (destroyObject): a value nested a million levels deep is freed
// without recursion, like every other walk over values in the engine.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aeroflow::compiler {
struct UiNodeDesc;
struct RecordType;
struct Program;
}

namespace aeroflow::engine {

enum class ValueType : uint8_t { Nil, Bool, Int, Float, String, List, Map, Tensor, Actor, Message, Result, Function, UiNode, Record, Set };

/// The name `type_of` reports ("int", "list", ...).
const char* valueTypeName(ValueType type);

struct Obj;

class Value {
public:
    Value() : m_type(ValueType::Nil) { m_u.i = 0; }
    Value(const Value& o) : m_type(o.m_type), m_u(o.m_u) { retain(); }
    Value(Value&& o) noexcept : m_type(o.m_type), m_u(o.m_u) { o.m_type = ValueType::Nil; }
    // Read `o` and retain it before releasing the old value: correct for
    // self-assignment and for `o` living inside the object being released, and
    // small enough to inline (the interpreter copies registers constantly).
    Value& operator=(const Value& o)
    {
        const ValueType t = o.m_type;
        const U u = o.m_u;
        o.retain();
        release();
        m_type = t;
        m_u = u;
        return *this;
    }
    Value& operator=(Value&& o) noexcept
    {
        // Take `o` before releasing (it may live inside the released object);
        // self-move leaves the value unchanged.
        const ValueType t = o.m_type;
        const U u = o.m_u;
        o.m_type = ValueType::Nil;
        release();
        m_type = t;
        m_u = u;
        return *this;
    }
    ~Value() { release(); }
    void swap(Value& o) noexcept
    {
        std::swap(m_type, o.m_type);
        std::swap(m_u, o.m_u);
    }

    static Value nil() { return {}; }
    // Whole-word stores only: a byte store followed by a word load of the same
    // Value stalls store forwarding (seen at every comparison in the VM).
    static Value boolean(bool b) { Value v(ValueType::Bool); v.m_u.i = int64_t(b); return v; }
    static Value integer(int64_t i) { Value v(ValueType::Int); v.m_u.i = i; return v; }
    static Value number(double f) { Value v(ValueType::Float); v.m_u.f = f; return v; }
    static Value actor(uint32_t id, uint32_t type)
    {
        Value v(ValueType::Actor);
        v.m_u.i = int64_t(uint64_t(id) | (uint64_t(type) << 32)); // == ref {id, type} (little endian)
        return v;
    }
    /// Takes ownership of one reference to `o` (fresh objects start at one).
    static Value object(Obj* o);

    ValueType type() const { return m_type; }
    bool isNil() const { return m_type == ValueType::Nil; }
    bool isBool() const { return m_type == ValueType::Bool; }
    bool isInt() const { return m_type == ValueType::Int; }
    bool isFloat() const { return m_type == ValueType::Float; }
    bool isNumber() const { return m_type == ValueType::Int || m_type == ValueType::Float; }
    bool isString() const { return m_type == ValueType::String; }
    bool isList() const { return m_type == ValueType::List; }
    bool isMap() const { return m_type == ValueType::Map; }
    bool isSet() const { return m_type == ValueType::Set; }
    bool isObject() const { return m_type >= ValueType::String && m_type != ValueType::Actor; }
    /// "Truthy": neither false nor nil.
    bool truthy() const { return !(m_type == ValueType::Nil || (m_type == ValueType::Bool && !m_u.b)); }

    bool asBool() const { return m_u.b; }
    int64_t asInt() const { return m_u.i; }
    double asFloat() const { return m_u.f; }
    /// Int or float as a double.
    double toDouble() const { return m_type == ValueType::Int ? double(m_u.i) : m_u.f; }
    uint32_t actorId() const { return m_u.ref.id; }
    uint32_t actorType() const { return m_u.ref.type; }
    Obj* obj() const { return m_u.obj; }

private:
    explicit Value(ValueType t) : m_type(t) { m_u.i = 0; }
    inline void retain() const;
    inline void release();

    ValueType m_type;
    union U {
        bool b;
        int64_t i;
        double f;
        struct { uint32_t id, type; } ref;
        Obj* obj;
    } m_u;
};
static_assert(sizeof(Value) == 16);
static_assert(std::endian::native == std::endian::little, "Value::actor packs {id, type} as one word");

} // namespace aeroflow::engine

// Map entries need Value complete.
#include "MapEntries.h"

namespace aeroflow::engine {

// --- memory accounting --------------------------------------------------------

/// Bytes held by each actor's heap objects. The scheduler installs one per run
/// (per thread) and sets `current` to the running actor; every object records
/// the actor it was allocated for and gives its bytes back when freed.
struct HeapAccount {
    std::vector<int64_t> bytesByActor;
    uint32_t current = 0;
    int64_t limit = INT64_MAX; ///< per actor; checked by charge()
};
/// The account of this thread, or nullptr (then nothing is counted).
extern constinit thread_local HeapAccount* t_heapAccount;
inline HeapAccount* currentHeapAccount() { return t_heapAccount; }
inline void setCurrentHeapAccount(HeapAccount* account) { t_heapAccount = account; }
[[noreturn]] void memoryExhausted(const HeapAccount& account);
/// Throws RuntimeError when the running actor would go past its memory limit
/// by allocating `extraBytes` more.
inline void checkMemory(int64_t extraBytes)
{
    const HeapAccount* a = t_heapAccount;
    if (!a || a->current >= a->bytesByActor.size())
        return;
    if (extraBytes < 0 || a->bytesByActor[a->current] + extraBytes > a->limit) [[unlikely]]
        memoryExhausted(*a);
}

// --- work accounting ----------------------------------------------------------

/// Work done inside single operations: elements visited or copied, bytes
/// copied, compared or printed (kWorkBytes per unit). It is a budget beside
/// the instruction count, of the same size (RunOptions::fuel), so that one
/// instruction that copies, compares or prints a large value cannot make a
/// handler's time unbounded. The Vm installs a meter for each segment it runs
/// (a handler, an initialiser, the main program between recv()s); outside
/// them none is installed and nothing is charged, so walks done for the
/// recorder, snapshots or the Studio never throw. Work is charged by the
/// code shared by the interpreter and the JIT, so both charge alike.
struct WorkMeter {
    uint64_t used = 0;
    uint64_t budget = UINT64_MAX;
};
inline constexpr uint64_t kWorkBytes = 32;
/// The meter of this thread (set by the Vm), or nullptr.
extern constinit thread_local WorkMeter* t_workMeter;
inline WorkMeter* currentWorkMeter() { return t_workMeter; }
inline void setCurrentWorkMeter(WorkMeter* meter) { t_workMeter = meter; }
[[noreturn]] void workExhausted(const WorkMeter& meter);
/// Charges `units` to the installed meter; past its budget, throws the fuel
/// error (ErrorKind::Fuel).
inline void chargeWork(uint64_t units)
{
    if (WorkMeter* m = t_workMeter) {
        m->used += units; // cannot wrap: one charge is at most a few times memory's size
        if (m->used > m->budget) [[unlikely]]
            workExhausted(*m);
    }
}
inline void chargeBytes(size_t bytes) { if (bytes >= kWorkBytes) chargeWork(bytes / kWorkBytes); }

// --- heap objects -------------------------------------------------------------

struct Obj {
    explicit Obj(ValueType t);
    Obj(const Obj&) = delete;
    Obj& operator=(const Obj&) = delete;
    virtual ~Obj();
    /// Re-measure after a change of size and charge the difference to the owner.
    void recharge() { rechargeAs(measure()); }
    /// recharge() when the caller knows what measure() would say.
    void rechargeAs(int64_t now);
    virtual int64_t measure() const = 0;

    uint32_t refs = 1;
    ValueType type;
    uint32_t owner = 0;
    /// A word in what would be padding, free for a subclass (StringObj keeps
    /// its charged capacity here), so that no object grows for it.
    uint32_t spare = 0;
    int64_t charged = 0;
};

/// Frees `o`, whose count dropped to zero, and everything only it held,
/// iteratively: children whose count drops to zero meanwhile wait in a
/// per-thread list threaded through the dead objects themselves, so the C++
/// stack stays flat however deep the value was.
void destroyObject(Obj* o) noexcept;

inline void Value::retain() const
{
    if (isObject())
        ++m_u.obj->refs;
}
inline void Value::release()
{
    if (isObject() && --m_u.obj->refs == 0)
        destroyObject(m_u.obj);
}

struct StringObj final : Obj {
    explicit StringObj(std::string s);
    int64_t measure() const override { return int64_t(sizeof(*this) + capacity()); }
    /// The capacity this string is charged for and a snapshot records: its
    /// text's, or for a string extended in place (appendInPlace) the capacity
    /// the copy that `a + b` used to make would have had.
    size_t capacity() const { return spare ? spare : text.capacity(); }
    /// Appends `more` to this unshared string and re-charges it as
    /// `chargedCapacity` (kept in `spare`; it must fit in 32 bits).
    void appendInPlace(std::string_view more, size_t chargedCapacity);
    std::string text;
    bool ascii = true;      ///< every byte < 0x80: character index = byte index
    uint32_t chars = 0;     ///< number of UTF-8 characters
};

struct ListObj final : Obj {
    ListObj() : Obj(ValueType::List) {}
    explicit ListObj(std::vector<Value> v) : Obj(ValueType::List), items(std::move(v)) { recharge(); }
    int64_t measure() const override { return int64_t(sizeof(*this) + items.capacity() * sizeof(Value)); }
    std::vector<Value> items;
};

/// A map. Every `key` below is a key's encoding (MapKey.h): for a string
/// its own text unless it starts with byte 0xFF, so names the engine spells
/// ("id", "method") may be passed as they are; text from outside goes
/// through MapKey first.
struct MapObj final : Obj {
    MapObj() : Obj(ValueType::Map) {}
    /// A copy of `of`'s entries (capacity() == size(), as a copied vector).
    explicit MapObj(const MapEntries& of) : Obj(ValueType::Map), entries(of) {}
    int64_t measure() const override;
    /// Position of `key` in insertion order (an index into `entries`), or -1.
    int64_t find(std::string_view key) const { return entries.position(key); }
    /// The value of `key`, or nullptr: O(1) on average.
    const Value* lookup(std::string_view key) const { return entries.lookup(key); }
    Value* lookup(std::string_view key) { return entries.lookup(key); }
    /// Adds or replaces; keeps the position of an existing key.
    void set(std::string_view key, Value v);
    /// Removes `key`; returns false when absent. O(1) amortised.
    bool remove(std::string_view key, Value* removed = nullptr);
    /// Insertion order. Change only the values of entries you reach through it.
    MapEntries entries;
};

/// A set: its elements are the keys of `entries` (MapKey.h encodings; every
/// value is nil), so a set has no child values and is a leaf of every walk.
struct SetObj final : Obj {
    SetObj() : Obj(ValueType::Set) {}
    explicit SetObj(const MapEntries& of) : Obj(ValueType::Set), entries(of) {}
    int64_t measure() const override;
    /// Adds an encoded element; true when it was new.
    bool add(std::string_view key);
    /// Removes an encoded element; false when absent.
    bool remove(std::string_view key);
    bool has(std::string_view key) const { return entries.lookup(key) != nullptr; }
    MapEntries entries;
};

struct TensorObj final : Obj {
    TensorObj() : Obj(ValueType::Tensor) {}
    int64_t measure() const override
    {
        return int64_t(sizeof(*this) + data.capacity() * sizeof(double) + shape.capacity() * sizeof(uint32_t));
    }
    std::vector<uint32_t> shape;
    std::vector<double> data; ///< row-major
};

struct MessageObj final : Obj {
    MessageObj(uint32_t id, std::vector<Value> a) : Obj(ValueType::Message), message(id), args(std::move(a)) { recharge(); }
    // Every send allocates one (and frees one when handled): recycled through
    // a small per-thread free list instead of malloc (Value.cpp).
    static void* operator new(size_t size);
    static void operator delete(void* p, size_t size) noexcept;
    int64_t measure() const override { return int64_t(sizeof(*this) + args.capacity() * sizeof(Value)); }
    uint32_t message;
    std::vector<Value> args;
};

struct ResultObj final : Obj {
    ResultObj(bool isOk, Value v) : Obj(ValueType::Result), ok(isOk), value(std::move(v)) { recharge(); }
    int64_t measure() const override { return int64_t(sizeof(*this)); }
    bool ok;
    Value value;
};

struct ClosureObj final : Obj {
    ClosureObj(uint32_t fn, std::vector<Value> caps) : Obj(ValueType::Function), function(fn), captures(std::move(caps)) { recharge(); }
    int64_t measure() const override { return int64_t(sizeof(*this) + captures.capacity() * sizeof(Value)); }
    uint32_t function;
    std::vector<Value> captures;
};

/// A UI element as a render block builds it. `desc` points into the Program,
/// which outlives every value of its run.
struct UiNodeObj final : Obj {
    UiNodeObj() : Obj(ValueType::UiNode) {}
    int64_t measure() const override
    {
        return int64_t(sizeof(*this) + (args.capacity() + props.capacity() + children.capacity()) * sizeof(Value));
    }
    const compiler::UiNodeDesc* desc = nullptr;
    int32_t actorType = -1;      ///< the actor whose render built it (names bind fields)
    std::vector<Value> args;
    std::vector<Value> props;    ///< one per desc->props
    std::vector<Value> children; ///< UI nodes
};

/// A record value (`Order(id: 1, qty: 2)`): its type and its fields in
/// declaration order. `desc` points into the Program, which outlives every
/// value of its run (as UiNodeObj::desc).
struct RecordObj final : Obj {
    RecordObj(const compiler::RecordType* d, std::vector<Value> f) : Obj(ValueType::Record), desc(d), fields(std::move(f))
    {
        recharge();
    }
    int64_t measure() const override { return int64_t(sizeof(*this) + fields.capacity() * sizeof(Value)); }
    const compiler::RecordType* desc;
    std::vector<Value> fields;
};

// --- construction and access --------------------------------------------------

Value makeString(std::string s);
Value makeList(std::vector<Value> items = {});
Value makeMap();
Value makeSet();
Value makeMessage(uint32_t id, std::vector<Value> args);
Value makeResult(bool ok, Value v);
Value makeClosure(uint32_t function, std::vector<Value> captures);
Value makeRecord(const compiler::RecordType* type, std::vector<Value> fields);

inline const StringObj& asString(const Value& v) { return *static_cast<const StringObj*>(v.obj()); }
inline const ListObj& asList(const Value& v) { return *static_cast<const ListObj*>(v.obj()); }
inline const MapObj& asMap(const Value& v) { return *static_cast<const MapObj*>(v.obj()); }
inline const SetObj& asSet(const Value& v) { return *static_cast<const SetObj*>(v.obj()); }
inline const TensorObj& asTensor(const Value& v) { return *static_cast<const TensorObj*>(v.obj()); }
inline const MessageObj& asMessage(const Value& v) { return *static_cast<const MessageObj*>(v.obj()); }
inline const ResultObj& asResult(const Value& v) { return *static_cast<const ResultObj*>(v.obj()); }
inline const ClosureObj& asClosure(const Value& v) { return *static_cast<const ClosureObj*>(v.obj()); }
inline const UiNodeObj& asUiNode(const Value& v) { return *static_cast<const UiNodeObj*>(v.obj()); }
inline const RecordObj& asRecord(const Value& v) { return *static_cast<const RecordObj*>(v.obj()); }
/// The index of a record value's type in Program::records.
uint32_t recordIndex(const RecordObj& r);
/// The name of a record value's type ("Order").
const std::string& recordName(const RecordObj& r);

/// Copy-on-write access: copies the object into `v` first if it is shared.
ListObj& mutableList(Value& v);
MapObj& mutableMap(Value& v);
RecordObj& mutableRecord(Value& v);
SetObj& mutableSet(Value& v);

/// A copy that shares nothing mutable with `v`, with every object charged to
/// the current actor: what a message receiver gets (immutable strings are shared).
/// Iterative: any depth. With `refuseFunctions` (messages: functions cannot
/// cross actors) a function anywhere in `v` throws HoldsFunction instead.
Value deepCopy(const Value& v, bool refuseFunctions = false);
/// Thrown by deepCopy(v, true): `v` holds a function.
struct HoldsFunction {};

/// Content equality (§5.4): ints equal floats of the same value, lists and
/// maps element by element, actor references by identity. Iterative: any depth.
bool valuesEqual(const Value& a, const Value& b);

/// Number of UTF-8 characters in `s` / byte offset of character `index`.
uint32_t utf8Length(std::string_view s);
size_t utf8Offset(std::string_view s, uint32_t index);
/// Character `index` (as a string) of a string value; index must be in range.
std::string charAt(const StringObj& s, uint32_t index);
/// The character that starts at byte `offset` of `s` (as a string).
std::string charAtByte(const StringObj& s, size_t offset);

/// Output a walk builds (printing, JSON), charged as it grows: its bytes as
/// work and, every kStep bytes, a check that the running actor could hold
/// it — so that printing a list that holds one big string a thousand times
/// ends in a memory error rather than taking the host's memory. Only inside
/// a handler (a work meter installed); elsewhere it never throws.
class OutputMeter {
public:
    explicit OutputMeter(const std::string& out) : m_out(out), m_charged(out.size()) {}
    void note()
    {
        if (m_out.size() - m_charged >= kStep)
            settle(true);
    }
    /// Charges what was written since the last charge (`checkHeld`: and checks memory).
    void settle(bool checkHeld)
    {
        if (m_out.size() > m_charged && currentWorkMeter()) {
            chargeBytes(m_out.size() - m_charged);
            if (checkHeld)
                checkMemory(int64_t(m_out.size()));
        }
        m_charged = m_out.size();
    }

private:
    static constexpr size_t kStep = 64 * 1024;
    const std::string& m_out;
    size_t m_charged;
};

} // namespace aeroflow::engine
