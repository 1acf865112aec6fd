#include "Vm.h"

#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "VmOps.h"

namespace aeroflow::engine {

using compiler::Op;
using vmops::constantValue;

namespace {

/// Nested runs (spawn inside an initialiser inside a spawn ...) recurse on the
/// C++ stack; this bounds them.
constexpr uint32_t kMaxNesting = 64;

} // namespace

Vm::Vm(Scheduler& scheduler) : m_sched(scheduler), m_program(scheduler.program())
{
    // Maps made on this thread from now on hash their keys with a seed of
    // the run's (lookup only: no order and no result depends on it, only
    // the layout of each map's index).
    setMapHashSeed(scheduler.options().seed * 0x9E3779B97F4A7C15ull ^ 0x6D6170736565640Aull);
    setMapKeyProgram(&m_program);
    m_methodCache.resize(m_program.functions.size());
    for (size_t f = 0; f < m_program.functions.size(); ++f) {
        std::array<int16_t, compiler::kMethodReceiverCount> unknown;
        unknown.fill(-2);
        m_methodCache[f].assign(m_program.functions[f].constants.size(), unknown);
    }
}

void Vm::start(Fiber& fiber, uint32_t function, std::span<const Value> args, Value closure)
{
    const auto& fn = m_program.functions[function];
    fiber.frames.clear();
    fiber.regs.clear();
    fiber.regs.resize(std::max<size_t>(fn.numRegs, args.size()) + 1);
    for (size_t i = 0; i < args.size() && i < fn.arity; ++i)
        fiber.regs[i] = args[i];
    Frame f;
    f.function = function;
    f.base = 0;
    f.ret = 0;
    f.closure = std::move(closure);
    fiber.frames.push_back(std::move(f));
    fiber.fuel = m_sched.options().fuel;
}

std::string Vm::where(const Fiber& fiber) const
{
    if (fiber.frames.empty())
        return m_sched.where(m_program.mainFunction, 0);
    const Frame& f = fiber.frames.back();
    return m_sched.where(f.function, f.pc);
}

Value Vm::call(uint32_t function, std::span<const Value> args, Value closure)
{
    if (m_nesting >= kMaxNesting)
        throw VmError{"nested runs are too deep (spawn inside a state initialiser, more than " +
                          std::to_string(kMaxNesting) + " levels)",
                      uint8_t(ErrorKind::CallDepth), m_sched.where(function, 0)};
    ++m_nesting;
    struct Unnest {
        uint32_t& n;
        ~Unnest() { --n; }
    } unnest{m_nesting};
    // One fiber per nesting level, reused: its register and frame vectors keep
    // their capacity, so a handler call allocates nothing. (The running levels
    // below this one are still in use.)
    if (m_fibers.size() < m_nesting)
        m_fibers.push_back(std::make_unique<Fiber>());
    Fiber& fiber = *m_fibers[m_nesting - 1];
    start(fiber, function, args, std::move(closure));
    if (resume(fiber) == Status::Suspended) {
        VmError err{"recv() is only available in the main program", 0, where(fiber)};
        fiber.frames.clear();
        fiber.regs.clear();
        throw err;
    }
    return std::move(fiber.result);
}

const uint8_t* Vm::statementMarks(uint32_t function)
{
    if (m_statementMarks.empty()) {
        // A statement starts at each line-table entry whose line differs from
        // the entry before it (entries also change within a line, by column).
        m_statementMarks.resize(m_program.functions.size());
        for (size_t f = 0; f < m_program.functions.size(); ++f) {
            const auto& fn = m_program.functions[f];
            auto& marks = m_statementMarks[f];
            marks.assign(fn.code.size() + 1, 0);
            if (fn.lines.empty() && !fn.code.empty())
                marks[0] = 1;
            for (size_t k = 0; k < fn.lines.size(); ++k)
                if (fn.lines[k].pc < fn.code.size() && (k == 0 || fn.lines[k].line != fn.lines[k - 1].line))
                    marks[fn.lines[k].pc] = 1;
        }
    }
    return m_statementMarks[function].data();
}

void Vm::reportStatement(const Fiber& fiber, uint32_t function, uint32_t pc, const Value* regs,
                         const ActorRecord& self)
{
    StatementObserver* observer = m_sched.options().statementObserver;
    if (!observer)
        return;
    const auto& fn = m_program.functions[function];
    const auto pos = fn.positionAt(pc);
    StatementEvent ev;
    ev.seq = m_sched.currentSeq();
    ev.actor = self.id;
    ev.function = function;
    ev.pc = pc;
    ev.line = pos.line;
    ev.col = pos.col;
    for (const Fiber* f : m_observedFibers)
        ev.depth += uint32_t(f->frames.size());
    ev.registers = std::span<const Value>(regs, fn.numRegs);
    const Value& closure = fiber.frames.back().closure;
    if (closure.type() == ValueType::Function)
        ev.captures = std::span<const Value>(asClosure(closure).captures);
    ev.actorRecord = &self;
    ev.scheduler = &m_sched;
    observer->onStatement(ev);
}

Vm::Status Vm::resume(Fiber& fiber)
{
    // Every resume starts a segment (a handler, an initialiser, main up to
    // its next recv()), as the fuel set before it does: a fresh work budget
    // of the same size. Nested runs install their own and restore this one.
    fiber.work = WorkMeter{0, m_sched.options().fuel};
    struct Segment {
        WorkMeter* saved = currentWorkMeter();
        ~Segment() { setCurrentWorkMeter(saved); }
    } segment;
    setCurrentWorkMeter(&fiber.work);
    if (m_sched.options().native && !m_sched.options().statementObserver) [[unlikely]]
        return resumeNative(fiber);
    return interpret(fiber, 0);
}

Vm::Status Vm::interpret(Fiber& fiber, size_t floor)
{
    // Threaded dispatch (GCC's labels as values): one indirect jump per op,
    // at the end of each op, so the branch predictor sees op pairs. The table
    // has one extra entry for anything past the last opcode.
    static void* const kLabels[] = {
#define OP(name, format, effect) &&L_##name,
#include "Opcodes.def"
        &&L_invalid,
    };
    constexpr unsigned kOpCount = unsigned(Op::Count);
    static_assert(sizeof(kLabels) / sizeof(kLabels[0]) == kOpCount + 1);

    const compiler::Function* const functions = m_program.functions.data();
    Frame* frame = &fiber.frames.back();
    const compiler::Function* fn = &functions[frame->function];
    const compiler::Instr* code = fn->code.data();
    Value* R = fiber.regs.data() + frame->base;
    uint32_t pc = frame->pc;
    uint64_t fuel = fiber.fuel;
    compiler::Instr in;
    // Constant for the whole segment: nested runs (spawn) restore the context.
    ActorRecord& self = m_sched.currentActor();
    HeapAccount* const account = currentHeapAccount();
    const uint32_t maxCallDepth = m_sched.options().maxCallDepth;
    // The fuel left is `fuel + fuelBias`. Unobserved runs: the bias is 0 and
    // the loop is exactly the plain one. Observed runs (a StatementObserver
    // is installed) keep `fuel` at 1 and the rest in the bias, so that every
    // instruction detours through out_of_fuel, which looks for statement
    // starts: no check at all on the unobserved path.
    uint64_t fuelBias = 0;
    const bool observed = m_sched.options().statementObserver != nullptr;
    // Observed runs: this fiber is on the stack of observed runs while it
    // runs (StatementEvent::depth counts the frames of them all).
    struct ObservedScope {
        std::vector<const Fiber*>* fibers;
        ~ObservedScope()
        {
            if (fibers) [[unlikely]]
                fibers->pop_back();
        }
    } observedScope{nullptr};
    if (observed) [[unlikely]] {
        // A function called by a builtin (map, ...) runs on the fiber of its
        // caller, which is on the stack already.
        if (m_observedFibers.empty() || m_observedFibers.back() != &fiber) {
            m_observedFibers.push_back(&fiber);
            observedScope.fibers = &m_observedFibers;
        }
        fuelBias = fuel - 1; // modulo 2^64, like `fuel` itself
        fuel = 1;
    }

    // Re-reads the cached frame state after a call or return changed frames.
#define AF_RELOAD()                                                                                \
    do {                                                                                           \
        frame = &fiber.frames.back();                                                              \
        fn = &functions[frame->function];                                                          \
        code = fn->code.data();                                                                    \
        R = fiber.regs.data() + frame->base;                                                       \
        pc = frame->pc;                                                                            \
    } while (0)
    // Every instruction costs one unit of fuel, charged before it runs; `pc`
    // is past the running instruction from here on (errors report pc - 1).
#define AF_NEXT()                                                                                  \
    do {                                                                                           \
        in = code[pc++];                                                                           \
        if (__builtin_expect(--fuel == 0, 0))                                                      \
            goto out_of_fuel;                                                                      \
        goto* kLabels[std::min(unsigned(in.op), kOpCount)];                                        \
    } while (0)
#define AF_JUMP() (pc = uint32_t(int64_t(pc) + in.sbc()))
    // After a builtin that may have run functions on this fiber (map, ...):
    // the frames and the register file may have moved, and the fuel is the
    // fiber's (the same frame runs on: `fn`, `code` and `pc` stand).
#define AF_AFTER_CALLBACKS()                                                                       \
    do {                                                                                           \
        frame = &fiber.frames.back();                                                              \
        R = fiber.regs.data() + frame->base;                                                       \
        if (observed) {                                                                            \
            fuelBias = fiber.fuel - 1;                                                             \
            fuel = 1;                                                                              \
        } else {                                                                                   \
            fuel = fiber.fuel;                                                                     \
        }                                                                                          \
    } while (0)

    try {
        AF_NEXT();

    out_of_fuel:
        if (fuelBias != 0) [[unlikely]] {
            // An observed run: `in` is charged (fuel + bias is one less);
            // report it when it starts a statement, then run it.
            fuel = 1;
            --fuelBias;
            if (statementMarks(frame->function)[pc - 1])
                reportStatement(fiber, frame->function, pc - 1, R, self);
            goto* kLabels[std::min(unsigned(in.op), kOpCount)];
        }
        fiber.fuel = 0;
        fail("instruction budget exhausted (" + std::to_string(m_sched.options().fuel) +
                 " instructions; an endless loop? raise it with --fuel)",
             ErrorKind::Fuel);

    L_NOP:
        AF_NEXT();
    L_LOADK:
        R[in.a] = constantValue(fn->constants[in.bc()]);
        AF_NEXT();
    L_LOADI:
        R[in.a] = Value::integer(in.sbc());
        AF_NEXT();
    L_LOADNIL:
        R[in.a] = Value();
        AF_NEXT();
    L_LOADTRUE:
        R[in.a] = Value::boolean(true);
        AF_NEXT();
    L_LOADFALSE:
        R[in.a] = Value::boolean(false);
        AF_NEXT();
    L_MOVE:
        R[in.a] = R[in.b];
        AF_NEXT();
    L_GETGLOBAL:
        R[in.a] = m_sched.global(in.bc());
        AF_NEXT();
    L_SETGLOBAL:
        m_sched.global(in.bc()) = R[in.a];
        AF_NEXT();
    L_GETSTATE:
        if (in.bc() >= self.state.size())
            fail("state field read outside an actor");
        R[in.a] = self.state[in.bc()];
        AF_NEXT();
    L_SETSTATE:
        if (in.bc() >= self.state.size())
            fail("state field written outside an actor");
        self.state[in.bc()] = R[in.a];
        AF_NEXT();
    L_GETCAPTURE:
        R[in.a] = vmops::capture(frame->closure, in.b);
        AF_NEXT();
    L_CURFN:
        R[in.a] = vmops::currentFunction(frame->closure, frame->function);
        AF_NEXT();
    L_SELF:
        R[in.a] = self.id == 0 ? Value() : Value::actor(self.id, uint32_t(self.type));
        AF_NEXT();
    L_TIME:
        R[in.a] = Value::integer(int64_t(m_sched.now()));
        AF_NEXT();
    L_ADD:
        if (R[in.b].isInt() && R[in.c].isInt())
            R[in.a] = Value::integer(checkedAdd(R[in.b].asInt(), R[in.c].asInt()));
        else // observed runs keep `fuel` at 1: never in place there (vmops::add)
            vmops::add(R, in, code[pc], m_sched, self, fuel > 1, &m_program);
        AF_NEXT();
    L_SUB:
        if (R[in.b].isInt() && R[in.c].isInt())
            R[in.a] = Value::integer(checkedSub(R[in.b].asInt(), R[in.c].asInt()));
        else
            R[in.a] = arith(ArithOp::Sub, R[in.b], R[in.c], &m_program);
        AF_NEXT();
    L_MUL:
        if (R[in.b].isInt() && R[in.c].isInt())
            R[in.a] = Value::integer(checkedMul(R[in.b].asInt(), R[in.c].asInt()));
        else
            R[in.a] = arith(ArithOp::Mul, R[in.b], R[in.c], &m_program);
        AF_NEXT();
    L_DIV:
        R[in.a] = arith(ArithOp::Div, R[in.b], R[in.c], &m_program);
        AF_NEXT();
    L_MOD:
        R[in.a] = arith(ArithOp::Mod, R[in.b], R[in.c], &m_program);
        AF_NEXT();
    L_ADDI:
        if (R[in.b].isInt()) {
            // The lowering also emits ADDI for `x - k`: name the operator the user wrote.
            int64_t r;
            if (__builtin_add_overflow(R[in.b].asInt(), int64_t(in.sc()), &r))
                fail(in.sc() < 0 ? "integer overflow in '-'" : "integer overflow in '+'");
            R[in.a] = Value::integer(r);
        } else
            R[in.a] = arith(ArithOp::Add, R[in.b], Value::integer(in.sc()), &m_program);
        AF_NEXT();
    L_NEG:
        R[in.a] = negate(R[in.b]);
        AF_NEXT();
    L_NOT:
        R[in.a] = vmops::logicalNot(R[in.b]);
        AF_NEXT();
    L_EQ:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() == R[in.c].asInt()
                                                                    : valuesEqual(R[in.b], R[in.c]));
        AF_NEXT();
    L_NE:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() != R[in.c].asInt()
                                                                    : !valuesEqual(R[in.b], R[in.c]));
        AF_NEXT();
    L_LT:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() < R[in.c].asInt()
                                                                    : compare(CompareOp::Lt, R[in.b], R[in.c]));
        AF_NEXT();
    L_LE:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() <= R[in.c].asInt()
                                                                    : compare(CompareOp::Le, R[in.b], R[in.c]));
        AF_NEXT();
    L_GT:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() > R[in.c].asInt()
                                                                    : compare(CompareOp::Gt, R[in.b], R[in.c]));
        AF_NEXT();
    L_GE:
        R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() >= R[in.c].asInt()
                                                                    : compare(CompareOp::Ge, R[in.b], R[in.c]));
        AF_NEXT();
    L_JMP:
        AF_JUMP();
        AF_NEXT();
    L_JMPIF:
        if (R[in.a].truthy())
            AF_JUMP();
        AF_NEXT();
    L_JMPIFNOT:
        if (!R[in.a].truthy())
            AF_JUMP();
        AF_NEXT();
    L_FORPREP:
        if (vmops::forPrep(R + in.a))
            AF_JUMP();
        AF_NEXT();
    L_FORLOOP:
        if (vmops::forLoop(R + in.a))
            AF_JUMP();
        AF_NEXT();
    L_ITERPREP:
        vmops::iterPrep(R + in.a);
        AF_JUMP();
        AF_NEXT();
    L_ITERNEXT:
        if (vmops::iterNext(R + in.a))
            AF_JUMP();
        AF_NEXT();
    L_ITERVALUE:
        R[in.a] = vmops::iterValue(R + in.b);
        AF_NEXT();
    L_RETURN:
    L_RETURNNIL: {
        // Locals with destructors end before the dispatch: clang (the wasm32
        // runtime) rejects an indirect goto out of their scope.
        {
        Value result = in.op == Op::RETURN ? std::move(R[in.a]) : Value();
        const uint32_t ret = frame->ret;
        const uint32_t base = frame->base;
        fiber.frames.pop_back();
        if (fiber.frames.size() == floor) [[unlikely]] {
            fiber.fuel = fuel + fuelBias;
            if (floor == 0) {
                fiber.result = std::move(result);
                fiber.regs.clear();
                return Status::Finished;
            }
            // A native caller below (JitRuntime): deliver the result, hand back.
            vmops::returnTo(fiber.regs, base, fn->numRegs, ret, std::move(result));
            return Status::Finished;
        }
        vmops::returnTo(fiber.regs, base, fn->numRegs, ret, std::move(result));
        }
        AF_RELOAD();
        AF_NEXT();
    }
    L_HALT:
        fail("HALT reached");
    L_NEWLIST:
        R[in.a] = makeList(std::vector<Value>(R + in.b, R + in.b + in.c));
        AF_NEXT();
    L_LISTAPPEND:
        vmops::listAppend(R[in.a], R + in.b, in.c);
        AF_NEXT();
    L_NEWMAP:
        R[in.a] = vmops::newMap(R + in.b, in.c);
        AF_NEXT();
    L_NEWTENSOR:
        R[in.a] = makeTensor(R[in.b], R[in.c]);
        AF_NEXT();
    L_INDEX: {
        // Fast path: an int index into a list, in range (indexValue otherwise,
        // which also raises the errors).
        const Value& c = R[in.b];
        const Value& i = R[in.c];
        if (c.isList() && i.isInt()) {
            const auto& items = asList(c).items;
            if (uint64_t(i.asInt()) < items.size()) {
                R[in.a] = items[size_t(i.asInt())];
                AF_NEXT();
            }
        }
        R[in.a] = indexValue(c, i);
        AF_NEXT();
    }
    L_SETINDEX: {
        // Fast path: an unshared list, an int index in range (no copy on write).
        Value& c = R[in.a];
        const Value& i = R[in.b];
        // (`l[k] = l` takes the other path: the copy of R[C] shares the list.)
        if (c.isList() && i.isInt() && c.obj()->refs == 1 && in.c != in.a) {
            auto& items = static_cast<ListObj*>(c.obj())->items;
            if (uint64_t(i.asInt()) < items.size()) {
                items[size_t(i.asInt())] = R[in.c];
                AF_NEXT();
            }
        }
        setIndexValue(c, i, R[in.c]);
        AF_NEXT();
    }
    L_FIELD:
        R[in.a] = fieldValue(R[in.b], fn->constants[in.c].s);
        AF_NEXT();
    L_SETFIELD:
        setFieldValue(R[in.a], fn->constants[in.b].s, R[in.c]);
        AF_NEXT();
    L_CALL:
    L_CALLVALUE: {
        {
        uint32_t callee;
        Value closure;
        uint32_t argc;
        if (in.op == Op::CALL) {
            callee = in.bc();
            argc = functions[callee].arity;
        } else {
            const Value& f = R[in.b];
            if (f.type() != ValueType::Function)
                fail("cannot call a value of type " + describeType(f));
            closure = f;
            callee = asClosure(f).function;
            argc = in.c;
            if (argc != functions[callee].arity)
                fail("function '" + functions[callee].name + "' takes " + std::to_string(functions[callee].arity) +
                     " arguments, found " + std::to_string(argc));
        }
        const auto& target = functions[callee];
        if (target.actor >= 0 && self.type != target.actor) [[unlikely]]
            fail(vmops::foreignCall(m_program, target, self.type));
        if (fiber.frames.size() >= maxCallDepth)
            fail("call depth limit of " + std::to_string(maxCallDepth) + " exceeded (unbounded recursion?)",
                 ErrorKind::CallDepth);
        frame->pc = pc;
        vmops::pushFrame(fiber, R, fn->numRegs, in.a, argc, callee, target.numRegs, std::move(closure), account);
        }
        AF_RELOAD();
        AF_NEXT();
    }
    L_CALLBUILTIN: {
        fiber.fuel = fuel + fuelBias;
        frame->pc = pc - 1;
        {
        Value r = callBuiltin(in.b, R + in.a, in.c, fiber);
        if (m_suspend) {
            m_suspend = false;
            fiber.fuel = fuel + fuelBias;
            frame->pc = pc - 1; // re-run recv() when resumed
            return Status::Suspended;
        }
        AF_AFTER_CALLBACKS();
        R[in.a] = std::move(r);
        }
        AF_NEXT();
    }
    L_CALLMETHOD: {
        fiber.fuel = fuel + fuelBias;
        frame->pc = pc - 1;
        {
        Value r = callMethod(frame->function, in.b, R + in.a, in.c, fiber);
        AF_AFTER_CALLBACKS();
        R[in.a] = std::move(r);
        }
        AF_NEXT();
    }
    L_CALLMODEL:
        fail("agents and models are not supported yet (model." + fn->constants[in.b].s + ")");
    L_CLOSURE:
        R[in.a] = vmops::newClosure(fn->closures[in.bc()], frame->closure, R);
        AF_NEXT();
    L_SPAWN: {
        fiber.fuel = fuel + fuelBias;
        frame->pc = pc - 1;
        {
        Value ref = m_sched.spawn(in.bc());
        R = fiber.regs.data() + frame->base;
        R[in.a] = std::move(ref);
        }
        AF_NEXT();
    }
    L_MSG:
        R[in.a] = makeMessage(in.b, std::vector<Value>(R + in.a, R + in.a + in.c));
        AF_NEXT();
    L_MKOK:
        R[in.a] = makeResult(true, R[in.b]);
        AF_NEXT();
    L_MKERR:
        R[in.a] = makeResult(false, R[in.b]);
        AF_NEXT();
    L_ISOK:
        R[in.a] = Value::boolean(R[in.b].type() == ValueType::Result && asResult(R[in.b]).ok);
        AF_NEXT();
    L_ISERR:
        R[in.a] = Value::boolean(R[in.b].type() == ValueType::Result && !asResult(R[in.b]).ok);
        AF_NEXT();
    L_ISMSG:
        R[in.a] = Value::boolean(R[in.b].type() == ValueType::Message && asMessage(R[in.b]).message == in.c);
        AF_NEXT();
    L_PAYLOAD:
        R[in.a] = vmops::payload(R[in.b]);
        AF_NEXT();
    L_MSGARG:
        R[in.a] = vmops::messageArg(R[in.b], in.c);
        AF_NEXT();
    L_MATCHFAIL:
        vmops::matchFail(R[in.a], &m_program);
    L_RENDER: {
        frame->pc = pc - 1;
        const Value& v = R[in.a];
        m_sched.output(isUiTree(v) ? formatUiTree(v, &m_program) : toDisplay(v, &m_program) + "\n");
        AF_NEXT();
    }
    L_RENDERBLOCK:
        frame->pc = pc - 1;
        m_sched.output(formatRenderBlock(R[in.a], &m_program));
        AF_NEXT();
    L_UINODE:
        R[in.a] = vmops::newUiNode(fn->uiNodes[in.bc()], self.type, R + in.a);
        AF_NEXT();
    L_NEWREC:
        R[in.a] = vmops::newRecord(m_program, in.b, R + in.a, in.c);
        AF_NEXT();
    L_ISREC:
        R[in.a] = Value::boolean(vmops::isRecord(R[in.b], in.c));
        AF_NEXT();
    L_RECFIELD:
        R[in.a] = vmops::recordFieldAt(R[in.b], in.c);
        AF_NEXT();
    L_IN:
        R[in.a] = Value::boolean(containsValue(R[in.b], R[in.c]));
        AF_NEXT();
    L_invalid:
        fail("invalid opcode " + std::to_string(int(in.op)));
    } catch (RuntimeError& e) {
        // The failing instruction is the one before `pc` in the innermost frame.
        if (!fiber.frames.empty())
            fiber.frames.back().pc = pc - 1;
        VmError err{std::move(e.message), uint8_t(e.kind), where(fiber)};
        fiber.frames.clear();
        fiber.regs.clear();
        throw err;
    }
#undef AF_AFTER_CALLBACKS
#undef AF_JUMP
#undef AF_NEXT
#undef AF_RELOAD
}

} // namespace aeroflow::engine
