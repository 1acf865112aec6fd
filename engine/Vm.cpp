#include "Vm.h"

#include "Ops.h"
#include "Print.h"
#include "Program.h"
#include "RuntimeError.h"
#include "Scheduler.h"

namespace aeroflow::engine {

using compiler::Op;

namespace {

/// Nested runs (spawn inside an initialiser inside a spawn ...) recurse on the
/// C++ stack; this bounds them.
constexpr uint32_t kMaxNesting = 64;

Value constantValue(const compiler::Constant& k)
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

} // namespace

Vm::Vm(Scheduler& scheduler) : m_sched(scheduler), m_program(scheduler.program())
{
    m_methodCache.resize(m_program.functions.size());
    for (size_t f = 0; f < m_program.functions.size(); ++f) {
        std::array<int16_t, 5> unknown;
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
    Fiber fiber;
    start(fiber, function, args, std::move(closure));
    if (resume(fiber) == Status::Suspended)
        throw VmError{"recv() is only available in the main program", 0, where(fiber)};
    return std::move(fiber.result);
}

Vm::Status Vm::resume(Fiber& fiber)
{
    Frame* frame = &fiber.frames.back();
    const compiler::Function* fn = &m_program.functions[frame->function];
    const compiler::Instr* code = fn->code.data();
    Value* R = fiber.regs.data() + frame->base;
    uint32_t pc = frame->pc;
    uint64_t fuel = fiber.fuel;

    // Re-reads the cached frame state after a call or return changed frames.
#define AF_RELOAD()                                                                                \
    do {                                                                                           \
        frame = &fiber.frames.back();                                                              \
        fn = &m_program.functions[frame->function];                                                \
        code = fn->code.data();                                                                    \
        R = fiber.regs.data() + frame->base;                                                       \
        pc = frame->pc;                                                                            \
    } while (0)

    try {
        for (;;) {
            const compiler::Instr in = code[pc];
            frame->pc = pc; // positions of runtime errors
            if (--fuel == 0) {
                fiber.fuel = 0;
                fail("instruction budget exhausted (" + std::to_string(m_sched.options().fuel) +
                         " instructions; an endless loop? raise it with --fuel)",
                     ErrorKind::Fuel);
            }
            ++pc;
            switch (in.op) {
            case Op::NOP: break;
            case Op::LOADK: R[in.a] = constantValue(fn->constants[in.bc()]); break;
            case Op::LOADI: R[in.a] = Value::integer(in.sbc()); break;
            case Op::LOADNIL: R[in.a] = Value(); break;
            case Op::LOADTRUE: R[in.a] = Value::boolean(true); break;
            case Op::LOADFALSE: R[in.a] = Value::boolean(false); break;
            case Op::MOVE: R[in.a] = R[in.b]; break;
            case Op::GETGLOBAL: R[in.a] = m_sched.global(in.bc()); break;
            case Op::SETGLOBAL: m_sched.global(in.bc()) = R[in.a]; break;
            case Op::GETSTATE: {
                auto& st = m_sched.currentActor().state;
                if (in.bc() >= st.size())
                    fail("state field read outside an actor");
                R[in.a] = st[in.bc()];
                break;
            }
            case Op::SETSTATE: {
                auto& st = m_sched.currentActor().state;
                if (in.bc() >= st.size())
                    fail("state field written outside an actor");
                st[in.bc()] = R[in.a];
                break;
            }
            case Op::GETCAPTURE: {
                if (frame->closure.type() != ValueType::Function || in.b >= asClosure(frame->closure).captures.size())
                    fail("captured value missing");
                R[in.a] = asClosure(frame->closure).captures[in.b];
                break;
            }
            case Op::CURFN:
                R[in.a] = frame->closure.isNil() ? makeClosure(frame->function, {}) : frame->closure;
                break;
            case Op::SELF: {
                const auto& a = m_sched.currentActor();
                R[in.a] = a.id == 0 ? Value() : Value::actor(a.id, uint32_t(a.type));
                break;
            }
            case Op::TIME: R[in.a] = Value::integer(int64_t(m_sched.now())); break;
            case Op::ADD:
                if (R[in.b].isInt() && R[in.c].isInt()) {
                    R[in.a] = Value::integer(checkedAdd(R[in.b].asInt(), R[in.c].asInt()));
                    break;
                }
                R[in.a] = arith(ArithOp::Add, R[in.b], R[in.c], &m_program);
                break;
            case Op::SUB:
                if (R[in.b].isInt() && R[in.c].isInt()) {
                    R[in.a] = Value::integer(checkedSub(R[in.b].asInt(), R[in.c].asInt()));
                    break;
                }
                R[in.a] = arith(ArithOp::Sub, R[in.b], R[in.c], &m_program);
                break;
            case Op::MUL:
                if (R[in.b].isInt() && R[in.c].isInt()) {
                    R[in.a] = Value::integer(checkedMul(R[in.b].asInt(), R[in.c].asInt()));
                    break;
                }
                R[in.a] = arith(ArithOp::Mul, R[in.b], R[in.c], &m_program);
                break;
            case Op::DIV: R[in.a] = arith(ArithOp::Div, R[in.b], R[in.c], &m_program); break;
            case Op::MOD: R[in.a] = arith(ArithOp::Mod, R[in.b], R[in.c], &m_program); break;
            case Op::ADDI:
                if (R[in.b].isInt()) {
                    // The lowering also emits ADDI for `x - k`: name the operator the user wrote.
                    int64_t r;
                    if (__builtin_add_overflow(R[in.b].asInt(), int64_t(in.sc()), &r))
                        fail(in.sc() < 0 ? "integer overflow in '-'" : "integer overflow in '+'");
                    R[in.a] = Value::integer(r);
                }
                else
                    R[in.a] = arith(ArithOp::Add, R[in.b], Value::integer(in.sc()), &m_program);
                break;
            case Op::NEG: R[in.a] = negate(R[in.b]); break;
            case Op::NOT:
                if (!R[in.b].isBool())
                    fail("'not' needs a bool, found " + describeType(R[in.b]));
                R[in.a] = Value::boolean(!R[in.b].asBool());
                break;
            case Op::EQ: R[in.a] = Value::boolean(valuesEqual(R[in.b], R[in.c])); break;
            case Op::NE: R[in.a] = Value::boolean(!valuesEqual(R[in.b], R[in.c])); break;
            case Op::LT:
                R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt()
                        ? R[in.b].asInt() < R[in.c].asInt()
                        : compare(CompareOp::Lt, R[in.b], R[in.c]));
                break;
            case Op::LE:
                R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt()
                        ? R[in.b].asInt() <= R[in.c].asInt()
                        : compare(CompareOp::Le, R[in.b], R[in.c]));
                break;
            case Op::GT:
                R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt()
                        ? R[in.b].asInt() > R[in.c].asInt()
                        : compare(CompareOp::Gt, R[in.b], R[in.c]));
                break;
            case Op::GE:
                R[in.a] = Value::boolean(R[in.b].isInt() && R[in.c].isInt()
                        ? R[in.b].asInt() >= R[in.c].asInt()
                        : compare(CompareOp::Ge, R[in.b], R[in.c]));
                break;
            case Op::JMP: pc = uint32_t(int64_t(pc) + in.sbc()); break;
            case Op::JMPIF:
                if (R[in.a].truthy())
                    pc = uint32_t(int64_t(pc) + in.sbc());
                break;
            case Op::JMPIFNOT:
                if (!R[in.a].truthy())
                    pc = uint32_t(int64_t(pc) + in.sbc());
                break;
            case Op::FORPREP: {
                Value* r = R + in.a;
                if (!r[0].isInt() || !r[1].isInt() || !r[2].isInt())
                    fail("a range needs int bounds and step, found " + describeType(r[0]) + ", " +
                         describeType(r[1]) + " and " + describeType(r[2]));
                const int64_t i = r[0].asInt(), lim = r[1].asInt(), step = r[2].asInt();
                if (step == 0)
                    fail("range step must not be 0");
                if (step > 0 ? i >= lim : i <= lim)
                    pc = uint32_t(int64_t(pc) + in.sbc());
                else
                    r[3] = r[0];
                break;
            }
            case Op::FORLOOP: {
                Value* r = R + in.a;
                const int64_t step = r[2].asInt(), lim = r[1].asInt();
                int64_t next;
                if (__builtin_add_overflow(r[0].asInt(), step, &next))
                    break; // past the representable range: the loop is over
                r[0] = Value::integer(next);
                if (step > 0 ? next < lim : next > lim) {
                    r[3] = r[0];
                    pc = uint32_t(int64_t(pc) + in.sbc());
                }
                break;
            }
            case Op::ITERPREP: {
                const Value& c = R[in.a];
                if (!(c.isList() || c.isMap() || c.isString() || c.type() == ValueType::Tensor))
                    fail("cannot iterate over a value of type " + describeType(c));
                R[in.a + 1] = Value::integer(0);
                pc = uint32_t(int64_t(pc) + in.sbc());
                break;
            }
            case Op::ITERNEXT: {
                const Value& c = R[in.a];
                const int64_t i = R[in.a + 1].asInt();
                if (i < lengthOf(c, "for")) {
                    Value item;
                    switch (c.type()) {
                    case ValueType::List: item = asList(c).items[size_t(i)]; break;
                    case ValueType::Map: item = makeString(asMap(c).entries[size_t(i)].first); break;
                    case ValueType::Tensor: item = Value::number(asTensor(c).data[size_t(i)]); break;
                    default: {
                        const auto& s = asString(c);
                        if (s.ascii) {
                            item = makeString(std::string(1, s.text[size_t(i)]));
                        } else {
                            // Walk by byte offset, kept in R[A+1] as (char index) and re-found:
                            // strings are short in practice; O(n) per step is acceptable here.
                            item = makeString(charAt(s, uint32_t(i)));
                        }
                    }
                    }
                    R[in.a + 2] = std::move(item);
                    R[in.a + 1] = Value::integer(i + 1);
                    pc = uint32_t(int64_t(pc) + in.sbc());
                }
                break;
            }
            case Op::RETURN:
            case Op::RETURNNIL: {
                Value result = in.op == Op::RETURN ? std::move(R[in.a]) : Value();
                const uint32_t ret = frame->ret;
                const uint32_t base = frame->base;
                fiber.frames.pop_back();
                if (fiber.frames.empty()) {
                    fiber.result = std::move(result);
                    fiber.regs.clear();
                    fiber.fuel = fuel;
                    return Status::Finished;
                }
                // Drop the callee's registers so its values are released now.
                const size_t end = std::min<size_t>(fiber.regs.size(), size_t(base) + fn->numRegs + 1);
                for (size_t i = base; i < end; ++i)
                    fiber.regs[i] = Value();
                fiber.regs[ret] = std::move(result);
                AF_RELOAD();
                break;
            }
            case Op::HALT: fail("HALT reached");
            case Op::NEWLIST: {
                std::vector<Value> items(R + in.b, R + in.b + in.c);
                R[in.a] = makeList(std::move(items));
                break;
            }
            case Op::LISTAPPEND: {
                if (!R[in.a].isList())
                    fail("LISTAPPEND on a non-list");
                auto& l = mutableList(R[in.a]);
                l.items.insert(l.items.end(), R + in.b, R + in.b + in.c);
                l.recharge();
                break;
            }
            case Op::NEWMAP: {
                Value m = makeMap();
                auto& map = static_cast<MapObj&>(*m.obj());
                for (uint32_t i = 0; i < in.c; ++i) {
                    const Value& k = R[in.b + 2 * i];
                    if (!k.isString())
                        fail("map key must be a string, found " + describeType(k));
                    map.set(asString(k).text, R[in.b + 2 * i + 1]);
                }
                R[in.a] = std::move(m);
                break;
            }
            case Op::NEWTENSOR: R[in.a] = makeTensor(R[in.b], R[in.c]); break;
            case Op::INDEX: R[in.a] = indexValue(R[in.b], R[in.c]); break;
            case Op::SETINDEX: setIndexValue(R[in.a], R[in.b], R[in.c]); break;
            case Op::FIELD: {
                const auto& k = fn->constants[in.c];
                R[in.a] = fieldValue(R[in.b], k.s);
                break;
            }
            case Op::SETFIELD: setFieldValue(R[in.a], fn->constants[in.b].s, R[in.c]); break;
            case Op::CALL:
            case Op::CALLVALUE: {
                uint32_t callee;
                Value closure;
                uint32_t argc;
                uint32_t first = in.a;
                if (in.op == Op::CALL) {
                    callee = in.bc();
                    argc = m_program.functions[callee].arity;
                } else {
                    const Value& f = R[in.b];
                    if (f.type() != ValueType::Function)
                        fail("cannot call a value of type " + describeType(f));
                    closure = f;
                    callee = asClosure(f).function;
                    argc = in.c;
                    if (argc != m_program.functions[callee].arity)
                        fail("function '" + m_program.functions[callee].name + "' takes " +
                             std::to_string(m_program.functions[callee].arity) + " arguments, found " +
                             std::to_string(argc));
                }
                const auto& target = m_program.functions[callee];
                if (target.actor >= 0 && m_sched.currentActor().type != target.actor)
                    fail("'" + target.name + "' belongs to actor " + m_program.actors[size_t(target.actor)].name +
                         " and cannot run outside it");
                if (fiber.frames.size() >= m_sched.options().maxCallDepth)
                    fail("call depth limit of " + std::to_string(m_sched.options().maxCallDepth) +
                             " exceeded (unbounded recursion?)",
                         ErrorKind::CallDepth);
                const uint32_t base = uint32_t(R - fiber.regs.data()) + fn->numRegs;
                const size_t need = size_t(base) + std::max<size_t>(target.numRegs, argc) + 1;
                checkMemory(0);
                if (need > fiber.regs.size()) {
                    checkMemory(int64_t((need - fiber.regs.size()) * sizeof(Value)));
                    fiber.regs.resize(need);
                    R = fiber.regs.data() + frame->base;
                }
                for (uint32_t i = 0; i < argc; ++i)
                    fiber.regs[base + i] = R[first + i];
                frame->pc = pc;
                Frame nf;
                nf.function = callee;
                nf.pc = 0;
                nf.base = base;
                nf.ret = frame->base + in.a;
                nf.closure = std::move(closure);
                fiber.frames.push_back(std::move(nf));
                AF_RELOAD();
                break;
            }
            case Op::CALLBUILTIN: {
                fiber.fuel = fuel;
                frame->pc = pc - 1;
                Value r = callBuiltin(in.b, R + in.a, in.c, fiber);
                if (m_suspend) {
                    m_suspend = false;
                    fiber.fuel = fuel;
                    frame->pc = pc - 1; // re-run recv() when resumed
                    return Status::Suspended;
                }
                R[in.a] = std::move(r);
                break;
            }
            case Op::CALLMETHOD: R[in.a] = callMethod(frame->function, in.b, R + in.a, in.c); break;
            case Op::CALLMODEL: fail("agents and models are not supported yet (model." + fn->constants[in.b].s + ")");
            case Op::CLOSURE: {
                const auto& site = fn->closures[in.bc()];
                std::vector<Value> caps;
                caps.reserve(site.sources.size());
                for (const auto& s : site.sources) {
                    if (s.fromCapture)
                        caps.push_back(frame->closure.type() == ValueType::Function &&
                                               s.index < asClosure(frame->closure).captures.size()
                                           ? asClosure(frame->closure).captures[s.index]
                                           : Value());
                    else
                        caps.push_back(R[s.index]);
                }
                R[in.a] = makeClosure(site.function, std::move(caps));
                break;
            }
            case Op::SPAWN: {
                fiber.fuel = fuel;
                Value ref = m_sched.spawn(in.bc());
                R = fiber.regs.data() + frame->base;
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
            case Op::PAYLOAD: {
                if (R[in.b].type() != ValueType::Result)
                    fail("PAYLOAD of a value of type " + describeType(R[in.b]));
                Value v = asResult(R[in.b]).value;
                R[in.a] = std::move(v);
                break;
            }
            case Op::MSGARG: {
                if (R[in.b].type() != ValueType::Message || in.c >= asMessage(R[in.b]).args.size())
                    fail("MSGARG of a value of type " + describeType(R[in.b]));
                Value v = asMessage(R[in.b]).args[in.c];
                R[in.a] = std::move(v);
                break;
            }
            case Op::MATCHFAIL: fail("no match arm matched " + [&] {
                std::string s;
                appendRepr(s, R[in.a], &m_program);
                return s;
            }());
            case Op::RENDER: {
                const Value& v = R[in.a];
                m_sched.output(isUiTree(v) ? formatUiTree(v, &m_program) : toDisplay(v, &m_program) + "\n");
                break;
            }
            case Op::UINODE: {
                const auto& desc = fn->uiNodes[in.bc()];
                auto* node = new UiNodeObj;
                Value nv = Value::object(node);
                node->desc = &desc;
                node->actorType = m_sched.currentActor().type;
                uint32_t r = in.a;
                for (uint32_t i = 0; i < desc.argCount; ++i)
                    node->args.push_back(R[r++]);
                for (size_t i = 0; i < desc.props.size(); ++i)
                    node->props.push_back(R[r++]);
                for (uint32_t i = 0; i < desc.childCount; ++i)
                    node->children.push_back(R[r++]);
                node->recharge();
                R[in.a] = std::move(nv);
                break;
            }
            case Op::Count:
            default: fail("invalid opcode " + std::to_string(int(in.op)));
            }
        }
    } catch (RuntimeError& e) {
        VmError err{std::move(e.message), uint8_t(e.kind), where(fiber)};
        fiber.frames.clear();
        fiber.regs.clear();
        throw err;
    }
#undef AF_RELOAD
}

} // namespace aeroflow::engine
