// The pure tier's qualification (PureLowering.h): which functions are made of
// scalar instructions only, with every operand in range, closed over calls.

#include "PureLowering.h"

#include "Program.h"

namespace aeroflow::codegen {

using compiler::Op;

namespace {

// Bounds that keep the pure version of a function cheap to compile: it is
// one LLVM function in SSA form (no regions), compiled with the first
// function that calls it, and mem2reg's and the register allocator's time
// grow with registers times blocks.
constexpr uint32_t kMaxPureRegs = 1024;
constexpr uint32_t kMaxPureArity = 64;
constexpr size_t kMaxPureCode = 1000;


/// Is `fn` made of scalar instructions only, with every operand in range?
/// Callees are checked by the fixpoint in findPureFunctions.
bool scalarOnly(const compiler::Program& program, const compiler::Function& fn)
{
    if (fn.kind != compiler::FunctionKind::Function || fn.actor >= 0 || !fn.captures.empty() ||
        fn.numRegs > kMaxPureRegs || fn.arity > kMaxPureArity || fn.arity > fn.numRegs || fn.code.empty() ||
        fn.code.size() > kMaxPureCode)
        return false;
    const uint32_t n = fn.numRegs;
    const auto& code = fn.code;
    if (code.back().op != Op::RETURN && code.back().op != Op::RETURNNIL)
        return false;
    for (size_t pc = 0; pc < code.size(); ++pc) {
        const auto& in = code[pc];
        bool ok = true;
        switch (in.op) {
        case Op::NOP:
        case Op::JMP:
        case Op::RETURNNIL: break;
        case Op::LOADK:
            ok = in.a < n && in.bc() < fn.constants.size() &&
                 fn.constants[in.bc()].kind != compiler::Constant::Kind::String;
            break;
        case Op::LOADI:
        case Op::LOADNIL:
        case Op::LOADTRUE:
        case Op::LOADFALSE:
        case Op::JMPIF:
        case Op::JMPIFNOT:
        case Op::RETURN: ok = in.a < n; break;
        case Op::MOVE:
        case Op::ADDI:
        case Op::NEG:
        case Op::NOT: ok = in.a < n && in.b < n; break;
        case Op::ADD:
        case Op::SUB:
        case Op::MUL:
        case Op::DIV:
        case Op::MOD:
        case Op::EQ:
        case Op::NE:
        case Op::LT:
        case Op::LE:
        case Op::GT:
        case Op::GE: ok = in.a < n && in.b < n && in.c < n; break;
        case Op::FORPREP:
        case Op::FORLOOP: ok = uint32_t(in.a) + 3 < n; break;
        case Op::CALL:
            ok = in.bc() < program.functions.size() &&
                 uint32_t(in.a) + std::max<uint32_t>(program.functions[in.bc()].arity, 1) <= n;
            break;
        default: ok = false;
        }
        if (ok && isPureBranch(in.op)) {
            const int64_t target = int64_t(pc) + 1 + in.sbc();
            ok = target >= 0 && target < int64_t(code.size());
        }
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

std::vector<uint8_t> findPureFunctions(const compiler::Program& program)
{
    const size_t n = program.functions.size();
    std::vector<uint8_t> pure(n, 0);
    for (size_t i = 0; i < n; ++i)
        pure[i] = scalarOnly(program, program.functions[i]) ? 1 : 0;
    // Drop callers of functions that do not qualify until nothing changes.
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; ++i) {
            if (!pure[i])
                continue;
            for (const auto& in : program.functions[i].code) {
                if (in.op == Op::CALL && !pure[in.bc()]) {
                    pure[i] = 0;
                    changed = true;
                    break;
                }
            }
        }
    }
    return pure;
}

} // namespace aeroflow::codegen
