#pragma once
// Bodies of the instructions that the interpreter (Vm.cpp) and the JIT's
// runtime helpers (JitRuntime.cpp) both run, so that the two share one
// implementation of each op's semantics (the JIT inlines only the int/float/
// bool fast paths and calls these, or Ops.h, for the rest). Each is inline:
// the interpreter's dispatch loop must not pay a call for them. Every one
// throws RuntimeError on misuse, like the rest of the engine.

#include "MapKey.h"
#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "Sets.h"
#include "Value.h"
#include "Vm.h"

#include <algorithm>
#include <string>
#include <vector>

namespace aeroflow::engine::vmops {

/// CALL / CALLCLOSURE once the callee is checked (arity, actor, depth):
/// makes room for the callee's registers above the caller's (memory-checked
/// like any allocation), copies the `argc` arguments from R[a], and pushes
/// the callee's frame, which returns into the caller's R[a]. The caller's
/// frame is fiber.frames.back() with its pc already saved; `R` is re-pointed
/// when the register file moves.
[[gnu::always_inline]] inline void pushFrame(Fiber& fiber, Value*& R, uint32_t callerNumRegs, uint32_t a,
                                             uint32_t argc, uint32_t callee, uint32_t calleeNumRegs, Value&& closure,
                                             const HeapAccount* account)
{
    const uint32_t callerBase = fiber.frames.back().base;
    const uint32_t base = uint32_t(R - fiber.regs.data()) + callerNumRegs;
    const size_t need = size_t(base) + std::max<size_t>(calleeNumRegs, argc) + 1;
    // checkMemory(0), inline: is the actor already past its limit?
    if (account && account->current < account->bytesByActor.size() &&
        account->bytesByActor[account->current] > account->limit)
        checkMemory(0);
    if (need > fiber.regs.size()) {
        checkMemory(int64_t((need - fiber.regs.size()) * sizeof(Value)));
        fiber.regs.resize(need);
        R = fiber.regs.data() + callerBase;
    }
    Value* regs = fiber.regs.data();
    for (uint32_t i = 0; i < argc; ++i)
        regs[base + i] = R[a + i];
    Frame& nf = fiber.frames.emplace_back();
    nf.function = callee;
    nf.pc = 0;
    nf.base = base;
    nf.ret = callerBase + a;
    nf.closure = std::move(closure);
}

/// LOADK: the value of a constant.
inline Value constantValue(const compiler::Constant& k)
{
    switch (k.kind) {
    case compiler::Constant::Kind::Nil: return {};
    case compiler::Constant::Kind::Bool: return Value::boolean(k.b);
    case compiler::Constant::Kind::Int: return Value::integer(k.i);
    case compiler::Constant::Kind::Float: return Value::number(k.f);
    case compiler::Constant::Kind::String: return makeString(k.s);
    }
    return {};
}

/// RETURN into a caller: drops the callee's registers (from `base`, its
/// frame of `numRegs`) so their values are released now, then delivers
/// `result` to the caller's absolute register `ret`.
[[gnu::always_inline]] inline void returnTo(std::vector<Value>& regs, uint32_t base, uint32_t numRegs, uint32_t ret,
                                            Value result)
{
    const size_t end = std::min<size_t>(regs.size(), size_t(base) + numRegs + 1);
    Value* r = regs.data();
    for (size_t i = base; i < end; ++i)
        r[i] = Value();
    r[ret] = std::move(result);
}

/// FORPREP on r[0..3]: checks the range; true when the loop is empty (jump).
[[gnu::always_inline]] inline bool forPrep(Value* r)
{
    if (!r[0].isInt() || !r[1].isInt() || !r[2].isInt())
        fail("a range needs int bounds and step, found " + describeType(r[0]) + ", " + describeType(r[1]) + " and " +
             describeType(r[2]));
    const int64_t i = r[0].asInt(), lim = r[1].asInt(), step = r[2].asInt();
    if (step == 0)
        fail("range step must not be 0");
    if (step > 0 ? i >= lim : i <= lim)
        return true;
    r[3] = r[0];
    return false;
}

/// FORLOOP on r[0..3]: true when the loop goes on (jump back).
[[gnu::always_inline]] inline bool forLoop(Value* r)
{
    const int64_t step = r[2].asInt(), lim = r[1].asInt();
    int64_t next;
    // Past the representable range, the loop is over (it is past `lim` too).
    if (!__builtin_add_overflow(r[0].asInt(), step, &next)) {
        r[0] = Value::integer(next);
        if (step > 0 ? next < lim : next > lim) {
            r[3] = r[0];
            return true;
        }
    }
    return false;
}

/// ITERPREP on r[0..1].
[[gnu::always_inline]] inline void iterPrep(Value* r)
{
    const Value& c = r[0];
    if (!(c.isList() || c.isMap() || c.isString() || c.isSet() || c.type() == ValueType::Tensor))
        fail("cannot iterate over a value of type " + describeType(c));
    r[1] = Value::integer(0);
}

/// ITERNEXT over a non-ASCII string: R[A+1] holds the character index in
/// its low 32 bits and that character's byte offset in its high 32 bits
/// (0: not known — the first step, or a register saved by an engine that
/// kept only the index), so each step is O(1) instead of a scan from the
/// start. ASCII strings, lists, maps and tensors keep a plain index.
[[gnu::noinline]] inline bool iterNextUtf8(Value* r)
{
    const auto& s = asString(r[0]);
    const uint64_t raw = uint64_t(r[1].asInt());
    const uint32_t i = uint32_t(raw);
    if (i >= s.chars)
        return false;
    size_t at = size_t(raw >> 32);
    if (at == 0) {
        at = utf8Offset(s.text, i); // a scan from the start: charged
        chargeBytes(at);
    }
    size_t end = at + 1;
    while (end < s.text.size() && (static_cast<unsigned char>(s.text[end]) & 0xC0) == 0x80)
        ++end;
    r[2] = makeString(s.text.substr(at, end - at));
    const uint64_t next = end <= UINT32_MAX ? uint64_t(end) << 32 : 0;
    r[1] = Value::integer(int64_t(next | (i + 1)));
    return true;
}

/// ITERNEXT on r[0..2]: true when there is a next item (jump back).
[[gnu::always_inline]] inline bool iterNext(Value* r)
{
    const Value& c = r[0];
    if (c.isString() && !asString(c).ascii)
        return iterNextUtf8(r);
    const int64_t i = r[1].asInt();
    // A tensor's elements, not its rows (len() counts rows).
    const int64_t n = c.type() == ValueType::Tensor ? int64_t(asTensor(c).data.size()) : lengthOf(c, "for");
    if (i >= n)
        return false;
    Value item;
    switch (c.type()) {
    case ValueType::List: item = asList(c).items[size_t(i)]; break;
    case ValueType::Map: item = decodeMapKey(asMap(c).entries[size_t(i)].first); break;
    case ValueType::Set: item = decodeMapKey(asSet(c).entries[size_t(i)].first); break;
    case ValueType::Tensor: item = Value::number(asTensor(c).data[size_t(i)]); break;
    default: item = makeString(std::string(1, asString(c).text[size_t(i)])); break;
    }
    r[2] = std::move(item);
    r[1] = Value::integer(i + 1);
    return true;
}

/// ITERVALUE on r = R + B (the loop's iterable, position): the value of the
/// map entry ITERNEXT gave last (`for k, v in m`).
inline Value iterValue(const Value* r)
{
    if (!r[0].isMap())
        fail("'for key, value in ...' needs a map, found " + describeType(r[0]));
    return asMap(r[0]).entries[size_t(r[1].asInt() - 1)].second;
}

/// The global or state field that `next` (the instruction after an ADD
/// into R[a]) overwrites with R[a], if it is a SETGLOBAL or SETSTATE of R[a].
inline const Value* overwrittenBy(const compiler::Instr& next, uint32_t a, Scheduler& sched, const ActorRecord& self)
{
    if (next.a != a)
        return nullptr;
    if (next.op == compiler::Op::SETGLOBAL)
        return &sched.global(next.bc());
    if (next.op == compiler::Op::SETSTATE && next.bc() < self.state.size())
        return &self.state[next.bc()];
    return nullptr;
}

/// ADD when the operands are not two ints. `s = s + x` on a string (ADD
/// into its left operand's register) appends in place when nothing else
/// could observe the string: it is unshared and the running actor's, or its
/// only other holder is the global or state field that the next instruction
/// (`next`) overwrites with the result — `s = s + x` on a global or a state
/// field — and `nextRuns` says that instruction will run (enough fuel; not
/// observed, so no statement stop sees the field in between). Whether the
/// string is appended to or copied, the result, the work and the bytes
/// charged are the same (concatInto), so the interpreter and the JIT may
/// decide `nextRuns` each their own way.
inline void add(Value* R, compiler::Instr in, const compiler::Instr& next, Scheduler& sched, const ActorRecord& self,
                bool nextRuns, const compiler::Program* program)
{
    Value& left = R[in.b];
    if (in.a == in.b && left.isString() && concatenates(left, R[in.c])) {
        const Obj* o = left.obj();
        const HeapAccount* account = currentHeapAccount();
        const bool mine = !account || o->owner == account->current;
        bool appendable = mine && o->refs == 1;
        bool extend = appendable;
        if (mine && o->refs == 2) {
            const Value* holder = overwrittenBy(next, in.a, sched, self);
            if (holder && holder->isString() && holder->obj() == o) {
                appendable = true;
                extend = nextRuns;
            }
        }
        concatInto(left, R[in.c], appendable, extend, program);
        return;
    }
    R[in.a] = arith(ArithOp::Add, R[in.b], R[in.c], program);
}

/// NOT.
inline Value logicalNot(const Value& v)
{
    if (!v.isBool())
        fail("'not' needs a bool, found " + describeType(v));
    return Value::boolean(!v.asBool());
}

/// GETCAPTURE: capture `index` of the running closure.
inline Value capture(const Value& closure, uint32_t index)
{
    if (closure.type() != ValueType::Function || index >= asClosure(closure).captures.size())
        fail("captured value missing");
    return asClosure(closure).captures[index];
}

/// CURFN: the running closure (a fresh capture-less one for plain functions).
inline Value currentFunction(const Value& closure, uint32_t function)
{
    return closure.isNil() ? makeClosure(function, {}) : closure;
}

/// NEWMAP from `count` key/value register pairs.
inline Value newMap(const Value* kv, uint32_t count)
{
    Value m = makeMap();
    auto& map = static_cast<MapObj&>(*m.obj());
    for (uint32_t i = 0; i < count; ++i) {
        const MapKey k(kv[2 * i]);
        if (!k.ok())
            refuseMapKey(kv[2 * i], "map key");
        map.set(k.bytes(), kv[2 * i + 1]);
    }
    return m;
}

/// LISTAPPEND of `count` registers to the list `list`.
inline void listAppend(Value& list, const Value* items, uint32_t count)
{
    if (!list.isList())
        fail("LISTAPPEND on a non-list");
    auto& l = mutableList(list);
    l.items.insert(l.items.end(), items, items + count);
    l.recharge();
}

/// CLOSURE: captures the values a site names from the frame (R, closure).
inline Value newClosure(const compiler::ClosureSite& site, const Value& closure, const Value* R)
{
    std::vector<Value> caps;
    caps.reserve(site.sources.size());
    for (const auto& s : site.sources) {
        if (s.fromCapture)
            caps.push_back(closure.type() == ValueType::Function && s.index < asClosure(closure).captures.size()
                               ? asClosure(closure).captures[s.index]
                               : Value());
        else
            caps.push_back(R[s.index]);
    }
    return makeClosure(site.function, std::move(caps));
}

/// PAYLOAD of an Ok/Err.
inline Value payload(const Value& v)
{
    if (v.type() != ValueType::Result)
        fail("PAYLOAD of a value of type " + describeType(v));
    return asResult(v).value;
}

/// MSGARG: argument `index` of a message.
inline Value messageArg(const Value& v, uint32_t index)
{
    if (v.type() != ValueType::Message || index >= asMessage(v).args.size())
        fail("MSGARG of a value of type " + describeType(v));
    return asMessage(v).args[index];
}

/// NEWREC: record `type` from its fields R[0..count-1].
inline Value newRecord(const compiler::Program& program, uint32_t type, const Value* R, uint32_t count)
{
    return makeRecord(&program.records[type], std::vector<Value>(R, R + count));
}

/// ISREC: is `v` a record of type `type`?
inline bool isRecord(const Value& v, uint32_t type)
{
    return v.type() == ValueType::Record && recordIndex(asRecord(v)) == type;
}

/// RECFIELD: field `index` of a record (after ISREC).
inline Value recordFieldAt(const Value& v, uint32_t index)
{
    if (v.type() != ValueType::Record || index >= asRecord(v).fields.size())
        fail("RECFIELD of a value of type " + describeType(v));
    return asRecord(v).fields[index];
}

/// MATCHFAIL.
[[noreturn]] inline void matchFail(const Value& v, const compiler::Program* program)
{
    std::string s;
    appendRepr(s, v, program);
    fail("no match arm matched " + s);
}

/// UINODE: the node `desc` from its operands R[0..].
inline Value newUiNode(const compiler::UiNodeDesc& desc, int32_t actorType, const Value* R)
{
    auto* node = new UiNodeObj;
    Value nv = Value::object(node);
    node->desc = &desc;
    node->actorType = actorType;
    uint32_t r = 0;
    for (uint32_t i = 0; i < desc.argCount; ++i)
        node->args.push_back(R[r++]);
    for (size_t i = 0; i < desc.props.size(); ++i)
        node->props.push_back(R[r++]);
    for (uint32_t i = 0; i < desc.childCount; ++i)
        node->children.push_back(R[r++]);
    node->recharge();
    return nv;
}

/// The message of a call to a function owned by another actor type, or
/// empty when `target` may run in an actor of type `selfType`.
inline std::string foreignCall(const compiler::Program& program, const compiler::Function& target, int32_t selfType)
{
    if (target.actor >= 0 && selfType != target.actor)
        return "'" + target.name + "' belongs to actor " + program.actors[size_t(target.actor)].name +
               " and cannot run outside it";
    return {};
}

} // namespace aeroflow::engine::vmops
