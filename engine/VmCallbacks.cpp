// The builtins that call AeroFlow functions (map, filter, reduce, any, all,
// sort with a comparator, sort_by) and the re-entrant call they share,
// Vm::callFunction (docs/ENGINE.md "Functions called by builtins").
//
// A builtin runs inside one instruction (CALLBUILTIN or CALLMETHOD) of its
// caller's frame. To call a function it pushes the function's frame on the
// same fiber, above the caller's, exactly where a CALLVALUE would, and runs
// the frames above the caller's to their return: the interpreter with a
// floor (Vm::interpret), or the native driver (Vm::runFrames) when native
// code is installed, which is how the JIT and AOT builds run the callee
// natively. Fuel is the fiber's own, so a callback spends the caller's
// budget: one unit per call (the CALLVALUE it stands for) plus what the
// callee runs. An error inside the callee is reported where it happens, in
// the callee, as any error in a called function is; errors of the builtin
// itself (a predicate that returns an int) at the builtin's call. The order
// in which a builtin calls the function, and how often, is fixed here for
// every engine and platform: sort uses its own merge sort, not the C++
// library's (whose comparisons differ between implementations).

#include "Builtins.h"
#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "Vm.h"
#include "VmOps.h"

#include <algorithm>
#include <bit>

namespace aeroflow::engine {

using compiler::Callback;

namespace {

/// Builtins calling functions that call builtins ... recurse on the C++
/// stack (a few KiB a level): this bounds it, well inside the 8 MiB stacks
/// of every target (wasm32's included).
constexpr uint32_t kMaxCallbackNesting = 200;

const std::vector<Value>& needList(const Value& v, std::string_view who)
{
    if (!v.isList())
        fail(std::string(who) + "() needs a list, found " + describeType(v));
    return asList(v).items;
}

bool needBool(const Value& r, std::string_view who)
{
    if (!r.isBool())
        fail(std::string(who) + "(): the function must return a bool, found " + describeType(r));
    return r.asBool();
}

/// Stable merge sort (bottom-up) asking `before(a, b)`: must `a` come
/// before `b`? The questions asked, and their order, depend only on the
/// answers, so a comparator with effects (or one that runs out of fuel)
/// behaves the same everywhere (docs/LANGUAGE.md §7.7 shows the order).
/// Each merge first asks whether the right run's first element must come
/// before the left run's last: if not, the runs are already in order.
template <class Before>
void mergeSort(std::vector<Value>& xs, Before before)
{
    const size_t n = xs.size();
    if (n < 2)
        return;
    std::vector<Value> out(n);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            const size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
            size_t i = lo, j = mid, k = lo;
            if (mid < hi && before(xs[mid], xs[mid - 1])) {
                if (width == 1) // that question was the whole merge
                    out[k++] = std::move(xs[j++]);
                while (i < mid && j < hi) {
                    // Equal elements keep their order: the right one goes first only when it must.
                    if (before(xs[j], xs[i]))
                        out[k++] = std::move(xs[j++]);
                    else
                        out[k++] = std::move(xs[i++]);
                }
            }
            while (i < mid)
                out[k++] = std::move(xs[i++]);
            while (j < hi)
                out[k++] = std::move(xs[j++]);
        }
        xs.swap(out);
    }
}

} // namespace

Value Vm::callFunction(Fiber& fiber, const Value& f, std::span<const Value> args, std::string_view who)
{
    if (f.type() != ValueType::Function)
        fail(std::string(who) + "() needs a function, found " + describeType(f));
    const uint32_t callee = asClosure(f).function;
    const compiler::Function& target = m_program.functions[callee];
    if (target.arity != args.size())
        fail("the function passed to " + std::string(who) + "() takes " + std::to_string(target.arity) +
             (target.arity == 1 ? " argument" : " arguments") + ", but " + std::string(who) + "() calls it with " +
             std::to_string(args.size()));
    // The call itself costs an instruction, as the CALLVALUE it stands for
    // (charged before it runs: at 1 left, the budget is exhausted).
    if (fiber.fuel <= 1) {
        fiber.fuel = 0;
        fail("instruction budget exhausted (" + std::to_string(m_sched.options().fuel) +
                 " instructions; an endless loop? raise it with --fuel)",
             ErrorKind::Fuel);
    }
    --fiber.fuel;
    const ActorRecord& self = m_sched.currentActor();
    if (target.actor >= 0 && self.type != target.actor)
        fail(vmops::foreignCall(m_program, target, self.type));
    const uint32_t maxCallDepth = m_sched.options().maxCallDepth;
    if (fiber.frames.size() >= maxCallDepth)
        fail("call depth limit of " + std::to_string(maxCallDepth) + " exceeded (unbounded recursion?)",
             ErrorKind::CallDepth);
    if (m_callbacks >= kMaxCallbackNesting)
        fail("functions called by map, filter, sort and the like nest more than " +
                 std::to_string(kMaxCallbackNesting) + " deep (unbounded recursion through them?)",
             ErrorKind::CallDepth);

    // The callee's frame, above the caller's registers, as vmops::pushFrame
    // places it; it returns into its own R[0].
    const Frame& caller = fiber.frames.back();
    const uint32_t base = caller.base + m_program.functions[caller.function].numRegs;
    const size_t need = size_t(base) + std::max<size_t>(target.numRegs, args.size()) + 1;
    checkMemory(0);
    if (need > fiber.regs.size()) {
        checkMemory(int64_t((need - fiber.regs.size()) * sizeof(Value)));
        fiber.regs.resize(need);
    }
    for (size_t i = 0; i < args.size(); ++i)
        fiber.regs[base + i] = args[i];
    Frame& frame = fiber.frames.emplace_back();
    frame.function = callee;
    frame.pc = 0;
    frame.base = base;
    frame.ret = base;
    frame.closure = f;

    ++m_callbacks;
    struct Unnest {
        uint32_t& n;
        ~Unnest() { --n; }
    } unnest{m_callbacks};
    const size_t floor = fiber.frames.size() - 1;
    bool suspended;
    if (const NativeCode* native = m_sched.options().native; native && !m_sched.options().statementObserver) {
        // The callee's native code straight away (what runFrames would call
        // first); runFrames takes over when it hands its frame back.
        const NativeEntry entry = native->entry(callee);
        NativeStatus st = entry ? NativeStatus(entry(this, &fiber, 0)) : NativeStatus::Interpret;
        if (st == NativeStatus::Interpret)
            st = runFrames(fiber, floor);
        if (st == NativeStatus::Error) {
            VmError e = std::move(m_nativeError);
            throw e;
        }
        suspended = st == NativeStatus::Suspended;
    } else {
        suspended = interpret(fiber, floor) == Status::Suspended;
    }
    if (suspended) // recv() and calls that wait refuse to run in a callback: never here
        fail("internal error: a function called by " + std::string(who) + "() tried to wait");
    Value result = std::move(fiber.regs[base]);
    fiber.regs[base] = Value();
    return result;
}

Value Vm::runCallback(uint8_t callback, Fiber& fiber, const Value& listValue, const Value& f, const Value* init)
{
    const auto cb = Callback(callback);
    const std::string_view who = compiler::callbackName(cb);
    // Held here: the caller's registers may move while the function runs,
    // and holding the list keeps its elements from being changed in place.
    const Value list = listValue;
    const Value fn = f;
    const std::vector<Value>& xs = needList(list, who);
    const size_t n = xs.size();
    auto call1 = [&](const Value& x) {
        const Value args[1] = {x};
        return callFunction(fiber, fn, args, who);
    };
    switch (cb) {
    case Callback::Map: {
        checkMemory(int64_t(n * sizeof(Value)));
        std::vector<Value> out;
        out.reserve(n);
        for (size_t i = 0; i < n; ++i)
            out.push_back(call1(xs[i]));
        return makeList(std::move(out));
    }
    case Callback::Filter: {
        std::vector<Value> out;
        for (size_t i = 0; i < n; ++i)
            if (needBool(call1(xs[i]), who))
                out.push_back(xs[i]);
        return makeList(std::move(out));
    }
    case Callback::Any:
    case Callback::All: {
        const bool want = cb == Callback::Any;
        for (size_t i = 0; i < n; ++i)
            if (needBool(call1(xs[i]), who) == want)
                return Value::boolean(want);
        return Value::boolean(!want);
    }
    case Callback::Reduce: {
        size_t i = 0;
        Value acc;
        if (init) {
            acc = *init;
        } else {
            if (n == 0)
                fail("reduce() of an empty list needs a start value: reduce(xs, start, f)");
            acc = xs[i++];
        }
        for (; i < n; ++i) {
            const Value args[2] = {acc, xs[i]};
            acc = callFunction(fiber, fn, args, who);
        }
        return acc;
    }
    case Callback::Sort: {
        checkMemory(int64_t(2 * n * sizeof(Value)));
        std::vector<Value> out = xs;
        mergeSort(out, [&](const Value& a, const Value& b) {
            const Value args[2] = {a, b};
            const Value r = callFunction(fiber, fn, args, who);
            if (r.isBool())
                return r.asBool();
            if (r.isInt())
                return r.asInt() < 0;
            fail("sort(): the comparator must return a bool (true: its first argument comes first) or an int "
                 "(negative: first, zero: either, positive: second), found " +
                 describeType(r));
        });
        return makeList(std::move(out));
    }
    case Callback::SortBy: {
        // One key per element, computed once, in order; then a stable sort by key.
        checkMemory(int64_t(3 * n * sizeof(Value)));
        std::vector<Value> keys;
        keys.reserve(n);
        for (size_t i = 0; i < n; ++i)
            keys.push_back(call1(xs[i]));
        for (size_t i = 1; i < n; ++i)
            order(keys[0], keys[i]); // numbers or strings, not mixed: throws otherwise
        if (n > 0 && !keys[0].isNumber() && !keys[0].isString())
            fail("sort_by(): the key function must return numbers or strings, found " + describeType(keys[0]));
        chargeWork(n * (std::bit_width(n) + 1));
        std::vector<Value> at;
        at.reserve(n);
        for (size_t i = 0; i < n; ++i)
            at.push_back(Value::integer(int64_t(i)));
        mergeSort(at, [&](const Value& a, const Value& b) {
            return order(keys[size_t(a.asInt())], keys[size_t(b.asInt())]) < 0;
        });
        std::vector<Value> out;
        out.reserve(n);
        for (const Value& i : at)
            out.push_back(xs[size_t(i.asInt())]);
        return makeList(std::move(out));
    }
    case Callback::None: break;
    }
    fail("internal error: unknown callback builtin");
}

} // namespace aeroflow::engine
