// The runtime helpers of native code (JitRuntime.h) and the Vm's native
// driver. Semantics come from the same code the interpreter runs (VmOps.h,
// Ops.h, Vm::callBuiltin/callMethod, Scheduler): the per-op glue below
// mirrors Vm::interpret's handlers line for line, and the differential tests
// (tests/codegen) hold the two to identical traces.
//
// No exception ever leaves a helper: native frames have no unwind tables we
// rely on. Errors become NativeStatus::Error with the VmError in the Vm,
// after the same clean-up the interpreter does (frames and registers
// cleared, the failing pc in the innermost frame).

#include "JitRuntime.h"

#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"
#include "Vm.h"
#include "VmOps.h"

#include <bit>
#include <cstddef>
#include <cstring>

namespace aeroflow::engine {

using compiler::Op;

namespace {

/// C stack that native calls may use below the outermost native run; deeper
/// callees run on the interpreter, whose frames live on the heap (--max-depth
/// may be 1,000,000, and nested runs of spawns stack up too). Only the choice
/// of native vs interpreted depends on it, never a result: both give the
/// same run, so the determinism contract is untouched.
constexpr ptrdiff_t kMaxNativeStack = 512 * 1024;
/// af_call_push: the callee already ran (on the interpreter) and returned.
constexpr int32_t kCallDone = 6;
/// Pure tier (codegen's PureLowering): frames a pure call may nest on the C
/// stack below the native code that enters it, and the C stack they may use
/// (whichever ends first; then the ordinary calls take over, exactly).
constexpr uint32_t kMaxPureDepth = 10000;
constexpr ptrdiff_t kMaxPureStack = 1024 * 1024;
/// Pure tier: the memory headroom under which it is not used. A frame push
/// grows the register file by at most 65,536 Values, each checked against the
/// limit (vmops::pushFrame); with this much left no such check can fail, so
/// skipping them is exact.
constexpr int64_t kPureHeadroom = int64_t(65536 + 2) * int64_t(sizeof(Value));

int32_t status(NativeStatus s) { return int32_t(s); }

} // namespace

struct JitRuntime {
    /// Stores a runtime error the way Vm::interpret's catch does.
    static int32_t failAt(Vm& vm, Fiber& fiber, uint32_t pc, RuntimeError& e)
    {
        if (!fiber.frames.empty())
            fiber.frames.back().pc = pc;
        vm.m_nativeError = VmError{std::move(e.message), uint8_t(e.kind), vm.where(fiber)};
        fiber.frames.clear();
        fiber.regs.clear();
        return status(NativeStatus::Error);
    }

    /// CALL / CALLVALUE: the interpreter's frame push, then the callee runs
    /// (natively where it can) until it returns or the fiber suspends.
    static int32_t call(Vm& vm, Fiber& fiber, Value* R, compiler::Instr in, uint32_t pc)
    {
        const size_t floor = push(vm, fiber, R, in.op, in.a, in.b, in.c, in.bc(), pc);
        if (stackTooDeep(vm))
            return interpretCallee(vm, fiber, floor);
        const NativeStatus st = vm.runFrames(fiber, floor);
        return status(st == NativeStatus::Returned ? NativeStatus::Continue : st);
    }

    /// Has native code used up its C stack budget (kMaxNativeStack)?
    [[gnu::noinline]] static bool stackTooDeep(const Vm& vm)
    {
        char here;
        const auto at = reinterpret_cast<uintptr_t>(&here);
        return vm.m_nativeStackBase != 0 && at < vm.m_nativeStackBase &&
               vm.m_nativeStackBase - at > uintptr_t(kMaxNativeStack);
    }

    /// Runs the callee just pushed above `floor` on the interpreter.
    static int32_t interpretCallee(Vm& vm, Fiber& fiber, size_t floor)
    {
        try {
            return status(vm.interpret(fiber, floor) == Vm::Status::Suspended ? NativeStatus::Suspended
                                                                               : NativeStatus::Continue);
        } catch (VmError& e) {
            vm.m_nativeError = std::move(e);
            return status(NativeStatus::Error);
        }
    }

    /// The interpreter's CALL / CALLVALUE up to the frame push (the caller's
    /// pc saved past the call). Returns the frame count below the callee.
    static size_t push(Vm& vm, Fiber& fiber, Value* R, Op op, uint32_t a, uint32_t b, uint32_t c, uint32_t bc,
                       uint32_t pc)
    {
        // Operands as plain integers: an Instr built from parts and re-read
        // whole stalls store forwarding on every call.
        const auto& functions = vm.m_program.functions;
        uint32_t callee;
        Value closure;
        uint32_t argc;
        if (op == Op::CALL) {
            callee = bc;
            argc = functions[callee].arity;
        } else {
            const Value& f = R[b];
            if (f.type() != ValueType::Function)
                fail("cannot call a value of type " + describeType(f));
            closure = f;
            callee = asClosure(f).function;
            argc = c;
            if (argc != functions[callee].arity)
                fail("function '" + functions[callee].name + "' takes " + std::to_string(functions[callee].arity) +
                     " arguments, found " + std::to_string(argc));
        }
        const auto& target = functions[callee];
        if (target.actor >= 0 && vm.m_sched.currentActor().type != target.actor)
            fail(vmops::foreignCall(vm.m_program, target, vm.m_sched.currentActor().type));
        const uint32_t maxCallDepth = vm.m_sched.options().maxCallDepth;
        if (fiber.frames.size() >= maxCallDepth)
            fail("call depth limit of " + std::to_string(maxCallDepth) + " exceeded (unbounded recursion?)",
                 ErrorKind::CallDepth);
        Frame* frame = &fiber.frames.back();
        frame->pc = pc + 1;
        const size_t floor = fiber.frames.size();
        vmops::pushFrame(fiber, R, functions[frame->function].numRegs, a, argc, callee, target.numRegs,
                         std::move(closure), currentHeapAccount());
        return floor;
    }

    /// RETURN / RETURNNIL: pops the frame; the fuel is already in the fiber.
    static int32_t ret(Vm& vm, Fiber& fiber, Value* R, compiler::Instr in)
    {
        Value result = in.op == Op::RETURN ? std::move(R[in.a]) : Value();
        const Frame& f = fiber.frames.back();
        const uint32_t ret = f.ret, base = f.base, numRegs = vm.m_program.functions[f.function].numRegs;
        fiber.frames.pop_back();
        if (fiber.frames.empty()) {
            fiber.result = std::move(result);
            fiber.regs.clear();
        } else {
            vmops::returnTo(fiber.regs, base, numRegs, ret, std::move(result));
        }
        return status(NativeStatus::Returned);
    }

    /// Any instruction, as Vm::interpret runs it (`pc` is the instruction's).
    static int32_t execute(Vm& vm, Fiber& fiber, Value* R, compiler::Instr in, uint32_t pc)
    {
        const compiler::Program& program = vm.m_program;
        Frame& frame = fiber.frames.back();
        const compiler::Function& fn = program.functions[frame.function];
        const auto jumpIf = [](bool taken) { return status(taken ? NativeStatus::Jump : NativeStatus::Continue); };
        switch (in.op) {
        case Op::NOP: break;
        case Op::LOADK: R[in.a] = vmops::constantValue(fn.constants[in.bc()]); break;
        case Op::LOADI: R[in.a] = Value::integer(in.sbc()); break;
        case Op::LOADNIL: R[in.a] = Value(); break;
        case Op::LOADTRUE: R[in.a] = Value::boolean(true); break;
        case Op::LOADFALSE: R[in.a] = Value::boolean(false); break;
        case Op::MOVE: R[in.a] = R[in.b]; break;
        case Op::GETGLOBAL: R[in.a] = vm.m_sched.global(in.bc()); break;
        case Op::SETGLOBAL: vm.m_sched.global(in.bc()) = R[in.a]; break;
        case Op::GETSTATE: {
            ActorRecord& self = vm.m_sched.currentActor();
            if (in.bc() >= self.state.size())
                fail("state field read outside an actor");
            R[in.a] = self.state[in.bc()];
            break;
        }
        case Op::SETSTATE: {
            ActorRecord& self = vm.m_sched.currentActor();
            if (in.bc() >= self.state.size())
                fail("state field written outside an actor");
            self.state[in.bc()] = R[in.a];
            break;
        }
        case Op::GETCAPTURE: R[in.a] = vmops::capture(frame.closure, in.b); break;
        case Op::CURFN: R[in.a] = vmops::currentFunction(frame.closure, frame.function); break;
        case Op::SELF: {
            const ActorRecord& self = vm.m_sched.currentActor();
            R[in.a] = self.id == 0 ? Value() : Value::actor(self.id, uint32_t(self.type));
            break;
        }
        case Op::TIME: R[in.a] = Value::integer(int64_t(vm.m_sched.now())); break;
        case Op::ADD:
            if (R[in.b].isInt() && R[in.c].isInt())
                R[in.a] = Value::integer(checkedAdd(R[in.b].asInt(), R[in.c].asInt()));
            else // fuel left after this block: above 1, the next instruction surely runs
                vmops::add(R, in, fn.code[pc + 1], vm.m_sched, vm.m_sched.currentActor(), fiber.fuel > 1, &program);
            break;
        case Op::SUB:
            if (R[in.b].isInt() && R[in.c].isInt())
                R[in.a] = Value::integer(checkedSub(R[in.b].asInt(), R[in.c].asInt()));
            else
                R[in.a] = arith(ArithOp::Sub, R[in.b], R[in.c], &program);
            break;
        case Op::MUL:
            if (R[in.b].isInt() && R[in.c].isInt())
                R[in.a] = Value::integer(checkedMul(R[in.b].asInt(), R[in.c].asInt()));
            else
                R[in.a] = arith(ArithOp::Mul, R[in.b], R[in.c], &program);
            break;
        case Op::DIV: R[in.a] = arith(ArithOp::Div, R[in.b], R[in.c], &program); break;
        case Op::MOD: R[in.a] = arith(ArithOp::Mod, R[in.b], R[in.c], &program); break;
        case Op::ADDI:
            if (R[in.b].isInt()) {
                int64_t r;
                if (__builtin_add_overflow(R[in.b].asInt(), int64_t(in.sc()), &r))
                    fail(in.sc() < 0 ? "integer overflow in '-'" : "integer overflow in '+'");
                R[in.a] = Value::integer(r);
            } else
                R[in.a] = arith(ArithOp::Add, R[in.b], Value::integer(in.sc()), &program);
            break;
        case Op::NEG: R[in.a] = negate(R[in.b]); break;
        case Op::NOT: R[in.a] = vmops::logicalNot(R[in.b]); break;
        case Op::EQ:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() == R[in.c].asInt()
                                                                        : valuesEqual(R[in.b], R[in.c]));
            break;
        case Op::NE:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() != R[in.c].asInt()
                                                                        : !valuesEqual(R[in.b], R[in.c]));
            break;
        case Op::LT:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() < R[in.c].asInt()
                                                                        : compare(CompareOp::Lt, R[in.b], R[in.c]));
            break;
        case Op::LE:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() <= R[in.c].asInt()
                                                                        : compare(CompareOp::Le, R[in.b], R[in.c]));
            break;
        case Op::GT:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() > R[in.c].asInt()
                                                                        : compare(CompareOp::Gt, R[in.b], R[in.c]));
            break;
        case Op::GE:
            R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt() ? R[in.b].asInt() >= R[in.c].asInt()
                                                                        : compare(CompareOp::Ge, R[in.b], R[in.c]));
            break;
        case Op::JMP: return jumpIf(true);
        case Op::JMPIF: return jumpIf(R[in.a].truthy());
        case Op::JMPIFNOT: return jumpIf(!R[in.a].truthy());
        case Op::FORPREP: return jumpIf(vmops::forPrep(R + in.a));
        case Op::FORLOOP: return jumpIf(vmops::forLoop(R + in.a));
        case Op::ITERPREP: vmops::iterPrep(R + in.a); return jumpIf(true);
        case Op::ITERNEXT: return jumpIf(vmops::iterNext(R + in.a));
        case Op::ITERVALUE: R[in.a] = vmops::iterValue(R + in.b); break;
        case Op::RETURN:
        case Op::RETURNNIL: return ret(vm, fiber, R, in);
        case Op::HALT: fail("HALT reached");
        case Op::NEWLIST: {
            std::vector<Value> items(R + in.b, R + in.b + in.c);
            R[in.a] = makeList(std::move(items));
            break;
        }
        case Op::LISTAPPEND: vmops::listAppend(R[in.a], R + in.b, in.c); break;
        case Op::NEWMAP: R[in.a] = vmops::newMap(R + in.b, in.c); break;
        case Op::NEWTENSOR: R[in.a] = makeTensor(R[in.b], R[in.c]); break;
        case Op::INDEX: R[in.a] = indexValue(R[in.b], R[in.c]); break;
        case Op::SETINDEX: setIndexValue(R[in.a], R[in.b], R[in.c]); break;
        case Op::FIELD: R[in.a] = fieldValue(R[in.b], fn.constants[in.c].s); break;
        case Op::SETFIELD: setFieldValue(R[in.a], fn.constants[in.b].s, R[in.c]); break;
        case Op::CALL:
        case Op::CALLVALUE: return call(vm, fiber, R, in, pc);
        case Op::CALLBUILTIN: {
            frame.pc = pc;
            Value r = vm.callBuiltin(in.b, R + in.a, in.c, fiber);
            if (vm.m_suspend) {
                vm.m_suspend = false;
                fiber.frames.back().pc = pc; // re-run recv() when resumed
                return status(NativeStatus::Suspended);
            }
            // map, filter, ... may have run functions on this fiber: its
            // registers (and `frame`) may have moved.
            frameRegs(&fiber)[in.a] = std::move(r);
            break;
        }
        case Op::CALLMETHOD: {
            frame.pc = pc;
            Value r = vm.callMethod(frame.function, in.b, R + in.a, in.c, fiber);
            frameRegs(&fiber)[in.a] = std::move(r);
            break;
        }
        case Op::CALLMODEL: fail("agents and models are not supported yet (model." + fn.constants[in.b].s + ")");
        case Op::CLOSURE: R[in.a] = vmops::newClosure(fn.closures[in.bc()], frame.closure, R); break;
        case Op::SPAWN: {
            frame.pc = pc;
            const uint32_t frameBase = frame.base;
            Value ref = vm.m_sched.spawn(in.bc());
            R = fiber.regs.data() + frameBase;
            R[in.a] = std::move(ref);
            break;
        }
        case Op::MSG: {
            std::vector<Value> args(R + in.a, R + in.a + in.c);
            R[in.a] = makeMessage(in.b, std::move(args));
            break;
        }
        case Op::MKOK: R[in.a] = makeResult(true, R[in.b]); break;
        case Op::MKERR: R[in.a] = makeResult(false, R[in.b]); break;
        case Op::ISOK: R[in.a] = Value::boolean(R[in.b].type() == ValueType::Result && asResult(R[in.b]).ok); break;
        case Op::ISERR: R[in.a] = Value::boolean(R[in.b].type() == ValueType::Result && !asResult(R[in.b]).ok); break;
        case Op::ISMSG:
            R[in.a] = Value::boolean(R[in.b].type() == ValueType::Message && asMessage(R[in.b]).message == in.c);
            break;
        case Op::PAYLOAD: R[in.a] = vmops::payload(R[in.b]); break;
        case Op::MSGARG: R[in.a] = vmops::messageArg(R[in.b], in.c); break;
        case Op::MATCHFAIL: vmops::matchFail(R[in.a], &program);
        case Op::RENDER: {
            frame.pc = pc;
            const Value& v = R[in.a];
            vm.m_sched.output(isUiTree(v) ? formatUiTree(v, &program) : toDisplay(v, &program) + "\n");
            break;
        }
        case Op::RENDERBLOCK:
            frame.pc = pc;
            vm.m_sched.output(formatRenderBlock(R[in.a], &program));
            break;
        case Op::IN: R[in.a] = Value::boolean(containsValue(R[in.b], R[in.c])); break;
        case Op::UINODE:
            R[in.a] = vmops::newUiNode(fn.uiNodes[in.bc()], vm.m_sched.currentActor().type, R + in.a);
            break;
        case Op::NEWREC: R[in.a] = vmops::newRecord(program, in.b, R + in.a, in.c); break;
        case Op::ISREC: R[in.a] = Value::boolean(vmops::isRecord(R[in.b], in.c)); break;
        case Op::RECFIELD: R[in.a] = vmops::recordFieldAt(R[in.b], in.c); break;
        default: fail("invalid opcode " + std::to_string(int(in.op)));
        }
        return status(NativeStatus::Continue);
    }

    // --- the C-ABI helpers ----------------------------------------------------

    static int32_t exec(void* context, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
    {
        Vm& vm = *static_cast<Vm*>(context);
        const compiler::Instr in = decode(bits);
        try {
            return execute(vm, *fiber, R, in, pc);
        } catch (RuntimeError& e) {
            return failAt(vm, *fiber, pc, e);
        } catch (VmError& e) {
            // From a nested run (a spawn's initialiser): passed on as it is.
            vm.m_nativeError = std::move(e);
            return status(NativeStatus::Error);
        } catch (const std::exception& e) {
            RuntimeError re{std::string("internal error: ") + e.what(), ErrorKind::Plain};
            return failAt(vm, *fiber, pc, re);
        }
    }

    /// CALL of a known function whose native code the caller calls itself:
    /// Continue once the frame is pushed, kCallDone when the callee already
    /// ran (deep stacks go to the interpreter), else Suspended / Error.
    static int32_t callPush(void* context, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
    {
        Vm& vm = *static_cast<Vm*>(context);
        try {
            const size_t floor = push(vm, *fiber, R, Op::CALL, uint32_t(bits >> 16) & 0xffff, 0, 0,
                                      uint32_t(bits >> 32), pc);
            if (!stackTooDeep(vm))
                return status(NativeStatus::Continue);
            const int32_t st = interpretCallee(vm, *fiber, floor);
            return st == status(NativeStatus::Continue) ? kCallDone : st;
        } catch (RuntimeError& e) {
            return failAt(vm, *fiber, pc, e);
        } catch (const std::exception& e) {
            RuntimeError re{std::string("internal error: ") + e.what(), ErrorKind::Plain};
            return failAt(vm, *fiber, pc, re);
        }
    }

    /// Pure tier: a CALL whose pure run aborted for good (an error ahead, or
    /// deeper than pure frames may go): the interpreter's frame push, then
    /// the callee runs on the interpreter to its return. Continue, Suspended
    /// or Error, like af_exec's CALL.
    static int32_t callInterpreted(void* context, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
    {
        Vm& vm = *static_cast<Vm*>(context);
        try {
            const size_t floor = push(vm, *fiber, R, Op::CALL, uint32_t(bits >> 16) & 0xffff, 0, 0,
                                      uint32_t(bits >> 32), pc);
            return interpretCallee(vm, *fiber, floor);
        } catch (RuntimeError& e) {
            return failAt(vm, *fiber, pc, e);
        } catch (const std::exception& e) {
            RuntimeError re{std::string("internal error: ") + e.what(), ErrorKind::Plain};
            return failAt(vm, *fiber, pc, re);
        }
    }

    /// The callee of a direct call asked for the interpreter: run its frame
    /// (and whatever it calls) to its return. Continue, Suspended or Error.
    static int32_t finishFrame(void* context, Fiber* fiber)
    {
        Vm& vm = *static_cast<Vm*>(context);
        const NativeStatus st = vm.runFrames(*fiber, fiber->frames.size() - 1);
        return status(st == NativeStatus::Returned ? NativeStatus::Continue : st);
    }

    /// RETURN / RETURNNIL without the dispatch of af_exec (cannot fail).
    static int32_t returnFrom(void* context, Fiber* fiber, Value* R, uint64_t bits)
    {
        return ret(*static_cast<Vm*>(context), *fiber, R, decode(bits));
    }

    static compiler::Instr decode(uint64_t bits)
    {
        // The packing of codegen, op | a << 16 | b << 32 | c << 48, is the
        // little-endian layout of Instr: one whole-word move (field by field
        // stores would stall the store forwarding of the read that follows).
        return std::bit_cast<compiler::Instr>(bits);
    }

    static Value* frameRegs(Fiber* fiber) { return fiber->regs.data() + fiber->frames.back().base; }

    /// Pure tier, before a pure call from the top frame (of `callerRegs`
    /// registers): how many frames it may push (the interpreter's depth
    /// limit, capped by kMaxPureDepth; 0 = do not try: native stack budget
    /// used up, or the memory limit close). In out[0] how many registers the
    /// file already has above the caller's frame, in out[1] the lowest stack
    /// address pure frames may use.
    static int32_t callRoom(void* context, Fiber* fiber, uint32_t callerRegs, int64_t* out)
    {
        Vm& vm = *static_cast<Vm*>(context);
        if (stackTooDeep(vm))
            return 0;
        if (const HeapAccount* account = currentHeapAccount();
            account && account->current < account->bytesByActor.size() &&
            (account->limit < kPureHeadroom || account->bytesByActor[account->current] > account->limit - kPureHeadroom))
            return 0;
        const size_t depth = fiber->frames.size();
        const uint32_t maxCallDepth = vm.m_sched.options().maxCallDepth;
        if (depth >= maxCallDepth)
            return 0;
        out[0] = int64_t(fiber->regs.size()) - int64_t(fiber->frames.back().base) - int64_t(callerRegs);
        char here;
        const auto at = reinterpret_cast<uintptr_t>(&here);
        out[1] = int64_t(at > uintptr_t(kMaxPureStack) ? at - uintptr_t(kMaxPureStack) : 0);
        return int32_t(std::min<size_t>(maxCallDepth - depth, kMaxPureDepth));
    }

    /// Pure tier, after a pure call that needed `need` registers above the
    /// caller's frame: grows the register file as the interpreter's pushes
    /// would have. Returns the caller's (moved) registers.
    static Value* pureGrow(Fiber* fiber, uint32_t callerRegs, int64_t need)
    {
        const size_t size = size_t(fiber->frames.back().base) + callerRegs + size_t(need);
        if (size > fiber->regs.size())
            fiber->regs.resize(size);
        return frameRegs(fiber);
    }
    static void release(Value* v) { *v = Value(); }
    static int32_t interpretAt(Fiber* fiber, uint32_t pc)
    {
        fiber->frames.back().pc = pc;
        return status(NativeStatus::Interpret);
    }
};

// --- layout checks: what codegen assumes (NativeLayout) -------------------------

static_assert(sizeof(Value) == 16);
static_assert(sizeof(compiler::Instr) == sizeof(uint64_t));
static_assert(offsetof(compiler::Instr, a) == 2 && offsetof(compiler::Instr, b) == 4 && offsetof(compiler::Instr, c) == 6);
static_assert(uint8_t(ValueType::Nil) == 0 && uint8_t(ValueType::Bool) == 1 && uint8_t(ValueType::Int) == 2 &&
              uint8_t(ValueType::Float) == 3 && uint8_t(ValueType::String) == 4 && uint8_t(ValueType::Actor) == 8);
// Ahead-of-time objects are compiled for a target without seeing its runtime:
// the layout must be the same on every target (x86-64, AArch64, wasm32).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
static_assert(offsetof(Fiber, fuel) == 0);
#pragma GCC diagnostic pop

} // namespace aeroflow::engine

// The helpers under their C names: ahead-of-time objects (`aeroflow build`)
// link against these; the JIT gets the same addresses from the table below.
extern "C" {
using aeroflow::engine::Fiber;
using aeroflow::engine::JitRuntime;
using aeroflow::engine::Value;
int32_t af_exec(void* vm, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
{
    return JitRuntime::exec(vm, fiber, R, bits, pc);
}
Value* af_frame_regs(Fiber* fiber) { return JitRuntime::frameRegs(fiber); }
void af_release(Value* v) { JitRuntime::release(v); }
int32_t af_interpret_at(Fiber* fiber, uint32_t pc) { return JitRuntime::interpretAt(fiber, pc); }
int32_t af_call_push(void* vm, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
{
    return JitRuntime::callPush(vm, fiber, R, bits, pc);
}
int32_t af_finish_frame(void* vm, Fiber* fiber) { return JitRuntime::finishFrame(vm, fiber); }
int32_t af_return(void* vm, Fiber* fiber, Value* R, uint64_t bits) { return JitRuntime::returnFrom(vm, fiber, R, bits); }
int32_t af_call_room(void* vm, Fiber* fiber, uint32_t callerRegs, int64_t* out)
{
    return JitRuntime::callRoom(vm, fiber, callerRegs, out);
}
Value* af_pure_grow(Fiber* fiber, uint32_t callerRegs, int64_t need)
{
    return JitRuntime::pureGrow(fiber, callerRegs, need);
}
int32_t af_call_interpreted(void* vm, Fiber* fiber, Value* R, uint64_t bits, uint32_t pc)
{
    return JitRuntime::callInterpreted(vm, fiber, R, bits, pc);
}
}

namespace aeroflow::engine {

std::vector<NativeSymbol> nativeRuntimeSymbols()
{
    return {
        {"af_exec", reinterpret_cast<void*>(&af_exec)},
        {"af_frame_regs", reinterpret_cast<void*>(&af_frame_regs)},
        {"af_release", reinterpret_cast<void*>(&af_release)},
        {"af_interpret_at", reinterpret_cast<void*>(&af_interpret_at)},
        {"af_call_push", reinterpret_cast<void*>(&af_call_push)},
        {"af_finish_frame", reinterpret_cast<void*>(&af_finish_frame)},
        {"af_return", reinterpret_cast<void*>(&af_return)},
        {"af_call_room", reinterpret_cast<void*>(&af_call_room)},
        {"af_pure_grow", reinterpret_cast<void*>(&af_pure_grow)},
        {"af_call_interpreted", reinterpret_cast<void*>(&af_call_interpreted)},
    };
}

NativeLayout nativeLayout()
{
    NativeLayout l;
    // Value: the tag byte first, the payload word at 8 (Value.h: m_type, m_u).
    const Value probe = Value::integer(0x1122334455667788);
    unsigned char bytes[sizeof(Value)];
    std::memcpy(bytes, static_cast<const void*>(&probe), sizeof bytes);
    int64_t payload;
    std::memcpy(&payload, bytes + l.payloadOffset, sizeof payload);
    if (bytes[l.tagOffset] != uint8_t(ValueType::Int) || payload != 0x1122334455667788)
        l.valueSize = 0; // refuses the JIT (codegen checks valueSize)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
    l.fiberFuelOffset = uint32_t(offsetof(Fiber, fuel));
#pragma GCC diagnostic pop
    return l;
}

// --- the Vm's native driver -------------------------------------------------------

NativeStatus Vm::runFrames(Fiber& fiber, size_t floor)
{
    const NativeCode* native = m_sched.options().native;
    try {
        while (fiber.frames.size() > floor) {
            const uint32_t function = fiber.frames.back().function, pc = fiber.frames.back().pc;
            const NativeEntry entry = native->entry(function);
            const auto st = NativeStatus(entry ? entry(this, &fiber, pc) : int32_t(NativeStatus::Interpret));
            switch (st) {
            case NativeStatus::Returned: break;
            case NativeStatus::Suspended:
            case NativeStatus::Error: return st;
            case NativeStatus::Interpret:
                if (interpret(fiber, fiber.frames.size() - 1) == Status::Suspended)
                    return NativeStatus::Suspended;
                break;
            default: {
                RuntimeError e{"internal error: native code returned status " + std::to_string(int(st))};
                return NativeStatus(JitRuntime::failAt(*this, fiber, pc, e));
            }
            }
        }
    } catch (VmError& e) {
        m_nativeError = std::move(e);
        return NativeStatus::Error;
    }
    return NativeStatus::Returned;
}

Vm::Status Vm::resumeNative(Fiber& fiber)
{
    // The outermost native run marks where the C stack budget starts
    // (nested runs, e.g. a spawn's initialiser, count against it).
    char marker;
    struct StackBase {
        uintptr_t& base;
        bool outer;
        ~StackBase()
        {
            if (outer)
                base = 0;
        }
    } stackBase{m_nativeStackBase, m_nativeStackBase == 0};
    if (stackBase.outer)
        m_nativeStackBase = reinterpret_cast<uintptr_t>(&marker);
    const NativeStatus st = runFrames(fiber, 0);
    if (st == NativeStatus::Error) {
        VmError e = std::move(m_nativeError);
        throw e;
    }
    return st == NativeStatus::Suspended ? Status::Suspended : Status::Finished;
}

} // namespace aeroflow::engine
