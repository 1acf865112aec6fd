// Bytecode -> LLVM IR for one function (docs/CODEGEN.md "Lowering").
//
// The frame's registers stay in the fiber's register file (Values in
// memory), so every instruction is a few loads and stores on R plus, off the
// fast path, a call to af_exec, which runs the instruction exactly as the
// interpreter does. Blocks: a block starts at pc 0, at each jump target, after
// each jump, call or return, and at each CALLBUILTIN (recv() re-runs it on
// resumption). A block of n instructions charges n fuel on entry; when fewer
// than n + 1 are left it hands the frame to the interpreter at its first pc,
// which runs out of fuel at exactly the instruction the interpreter alone
// would have. Blocks end after calls, so a callee sees the interpreter's fuel.
// A CALL of a function with a pure-tier version (PureLowering.h) first tries
// that version, which needs no frame, register file or helper.

#include "FunctionLowering.h"

#include "Program.h"
#include "PureLowering.h"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <vector>

namespace aeroflow::codegen {

using compiler::Op;

namespace {

constexpr int32_t kContinue = 0, kReturned = 3, kInterpret = 4, kJump = 5, kCallDone = 6;

bool isBranch(Op op)
{
    switch (op) {
    case Op::JMP:
    case Op::JMPIF:
    case Op::JMPIFNOT:
    case Op::FORPREP:
    case Op::FORLOOP:
    case Op::ITERPREP:
    case Op::ITERNEXT: return true;
    default: return false;
    }
}

bool isCallLike(Op op)
{
    return op == Op::CALL || op == Op::CALLVALUE || op == Op::CALLBUILTIN || op == Op::CALLMETHOD || op == Op::SPAWN;
}

bool endsFlow(Op op)
{
    return op == Op::RETURN || op == Op::RETURNNIL || op == Op::HALT || op == Op::MATCHFAIL || op == Op::CALLMODEL;
}

uint64_t packInstr(const compiler::Instr& in)
{
    return uint64_t(uint8_t(in.op)) | (uint64_t(in.a) << 16) | (uint64_t(in.b) << 32) | (uint64_t(in.c) << 48);
}

class Lowering {
public:
    Lowering(llvm::Module& m, const RuntimeDecls& rt, const compiler::Program& p, uint32_t index,
             const ValueLayout& layout, CompileStats& stats)
        : m_module(m), m_ctx(m.getContext()), m_b(m_ctx), m_rt(rt), m_program(p), m_fn(p.functions[index]),
          m_layout(layout), m_stats(stats)
    {
    }

    llvm::Function* run(uint32_t index, std::string& error);

private:
    llvm::Type* i8() { return m_b.getInt8Ty(); }
    llvm::Type* i32() { return m_b.getInt32Ty(); }
    llvm::Type* i64() { return m_b.getInt64Ty(); }
    llvm::Type* ptr() { return m_b.getPtrTy(); }
    llvm::ConstantInt* c8(uint8_t v) { return m_b.getInt8(v); }
    llvm::ConstantInt* c32(uint32_t v) { return m_b.getInt32(v); }
    llvm::ConstantInt* c64(uint64_t v) { return m_b.getInt64(v); }
    llvm::BasicBlock* newBlock(const char* name) { return llvm::BasicBlock::Create(m_ctx, name, m_func); }

    llvm::Value* regs() { return m_b.CreateLoad(ptr(), m_rSlot, "R"); }
    llvm::Value* slot(uint32_t r)
    {
        return m_b.CreateConstInBoundsGEP1_64(i8(), regs(), uint64_t(r) * m_layout.valueSize);
    }
    llvm::Value* tagOf(uint32_t r)
    {
        return m_b.CreateLoad(i8(), m_b.CreateConstInBoundsGEP1_64(i8(), slot(r), m_layout.tagOffset), "tag");
    }
    llvm::Value* payloadOf(uint32_t r)
    {
        return m_b.CreateLoad(i64(), m_b.CreateConstInBoundsGEP1_64(i8(), slot(r), m_layout.payloadOffset), "pay");
    }
    llvm::Value* isObject(llvm::Value* tag)
    {
        return m_b.CreateAnd(m_b.CreateICmpUGE(tag, c8(m_layout.tagFirstObject)),
                             m_b.CreateICmpNE(tag, c8(m_layout.tagActor)));
    }
    /// R[r] := a non-object value (releasing the old one if it was an object).
    void storeScalar(uint32_t r, llvm::Value* tag, llvm::Value* payload)
    {
        llvm::BasicBlock* rel = newBlock("release");
        llvm::BasicBlock* store = newBlock("store");
        m_b.CreateCondBr(isObject(tagOf(r)), rel, store);
        m_b.SetInsertPoint(rel);
        m_b.CreateCall(m_rt.release, {slot(r)});
        m_b.CreateBr(store);
        m_b.SetInsertPoint(store);
        llvm::Value* s = slot(r);
        m_b.CreateStore(tag, m_b.CreateConstInBoundsGEP1_64(i8(), s, m_layout.tagOffset));
        m_b.CreateStore(payload, m_b.CreateConstInBoundsGEP1_64(i8(), s, m_layout.payloadOffset));
    }
    llvm::Value* callExec(const compiler::Instr& in, uint32_t pc)
    {
        return m_b.CreateCall(m_rt.exec, {m_vm, m_fiber, regs(), c64(packInstr(in)), c32(pc)}, "st");
    }
    /// st != 0: return it; else continue in a fresh block (returned).
    void returnUnless(llvm::Value* st, int32_t expected, llvm::BasicBlock* next)
    {
        llvm::BasicBlock* out = newBlock("out");
        m_b.CreateCondBr(m_b.CreateICmpEQ(st, c32(uint32_t(expected))), next, out);
        m_b.SetInsertPoint(out);
        m_b.CreateRet(st);
    }
    /// The generic path of `in`, then on to `next`.
    void slowPath(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* next)
    {
        returnUnless(callExec(in, pc), kContinue, next);
    }

    void findBlocks();
    void emitBlockEntry(uint32_t pc);
    void emitDirectCall(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* cont);
    void emitPureCall(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* slow, llvm::BasicBlock* cont);
    bool isPure(uint32_t function) const { return m_rt.pure && m_rt.pure->pure[function]; }
    void emitInstr(uint32_t pc);
    bool emitFast(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* slow, llvm::BasicBlock* next);
    llvm::BasicBlock* blockAfter(uint32_t pc);

    llvm::Module& m_module;
    llvm::LLVMContext& m_ctx;
    llvm::IRBuilder<> m_b;
    const RuntimeDecls& m_rt;
    const compiler::Program& m_program;
    const compiler::Function& m_fn;
    const ValueLayout& m_layout;
    CompileStats& m_stats;
    llvm::Function* m_func = nullptr;
    llvm::Value* m_vm = nullptr;
    llvm::Value* m_fiber = nullptr;
    llvm::Value* m_rSlot = nullptr;
    llvm::Value* m_pureState = nullptr; ///< PureState of pure calls (register need, af_call_room's answers)
    std::vector<llvm::BasicBlock*> m_blocks; ///< per pc: the block starting there, or null
    std::vector<uint32_t> m_blockLen;        ///< per block start: its instruction count
    std::vector<uint32_t> m_resumePoints;
};

void Lowering::findBlocks()
{
    const auto& code = m_fn.code;
    const size_t n = code.size();
    std::vector<uint8_t> leader(n + 1, 0);
    leader[0] = 1;
    m_resumePoints.push_back(0);
    for (size_t pc = 0; pc < n; ++pc) {
        const auto& in = code[pc];
        if (isBranch(in.op)) {
            leader[size_t(int64_t(pc) + 1 + in.sbc())] = 1;
            leader[pc + 1] = 1;
        }
        if (endsFlow(in.op))
            leader[pc + 1] = 1;
        if (isCallLike(in.op)) {
            leader[pc + 1] = 1;
            if (pc + 1 < n)
                m_resumePoints.push_back(uint32_t(pc + 1));
        }
        if (in.op == Op::CALLBUILTIN && pc > 0) {
            leader[pc] = 1;
            m_resumePoints.push_back(uint32_t(pc));
        }
    }
    std::sort(m_resumePoints.begin(), m_resumePoints.end());
    m_resumePoints.erase(std::unique(m_resumePoints.begin(), m_resumePoints.end()), m_resumePoints.end());
    m_blocks.assign(n, nullptr);
    m_blockLen.assign(n, 0);
    uint32_t start = 0;
    for (size_t pc = 0; pc < n; ++pc) {
        if (leader[pc]) {
            start = uint32_t(pc);
            m_blocks[pc] = newBlock("pc");
        }
        ++m_blockLen[start];
    }
}

llvm::BasicBlock* Lowering::blockAfter(uint32_t pc)
{
    // Every function ends with a return, so pc + 1 is in range after any
    // instruction that can fall through.
    return pc + 1 < m_blocks.size() ? m_blocks[pc + 1] : nullptr;
}

void Lowering::emitBlockEntry(uint32_t pc)
{
    // Fuel: charge the whole block, or let the interpreter run it.
    const uint32_t len = m_blockLen[pc];
    llvm::Value* fuelPtr = m_b.CreateConstInBoundsGEP1_64(i8(), m_fiber, m_layout.fiberFuelOffset);
    llvm::Value* fuel = m_b.CreateLoad(i64(), fuelPtr, "fuel");
    llvm::BasicBlock* bail = newBlock("nofuel");
    llvm::BasicBlock* body = newBlock("body");
    m_b.CreateCondBr(m_b.CreateICmpULE(fuel, c64(len)), bail, body);
    m_b.SetInsertPoint(bail);
    m_b.CreateRet(m_b.CreateCall(m_rt.interpretAt, {m_fiber, c32(pc)}));
    m_b.SetInsertPoint(body);
    m_b.CreateStore(m_b.CreateSub(fuel, c64(len)), fuelPtr);
}

llvm::Function* Lowering::run(uint32_t index, std::string& error)
{
    const auto& code = m_fn.code;
    if (code.empty() || (code.back().op != Op::RETURN && code.back().op != Op::RETURNNIL)) {
        error = "function '" + m_fn.name + "' does not end with a return";
        return nullptr;
    }
    for (size_t pc = 0; pc < code.size(); ++pc) {
        const auto& in = code[pc];
        if (unsigned(in.op) >= unsigned(Op::Count)) {
            error = "function '" + m_fn.name + "': invalid opcode at pc " + std::to_string(pc);
            return nullptr;
        }
        if (isBranch(in.op)) {
            const int64_t target = int64_t(pc) + 1 + in.sbc();
            if (target < 0 || target >= int64_t(code.size())) {
                error = "function '" + m_fn.name + "': jump out of range at pc " + std::to_string(pc);
                return nullptr;
            }
        }
        if (in.op == Op::CALL && in.bc() >= m_program.functions.size()) {
            error = "function '" + m_fn.name + "': call of an unknown function at pc " + std::to_string(pc);
            return nullptr;
        }
        if (in.op == Op::LOADK && in.bc() >= m_fn.constants.size()) {
            error = "function '" + m_fn.name + "': unknown constant at pc " + std::to_string(pc);
            return nullptr;
        }
        // Register and other table ranges: compiler::verifyProgram (the CLI runs it first).
    }
    m_func = nativeFunction(m_module, index);
    m_vm = m_func->getArg(0);
    m_fiber = m_func->getArg(1);
    llvm::Value* entryPc = m_func->getArg(2);
    llvm::BasicBlock* entry = newBlock("entry");
    m_b.SetInsertPoint(entry);
    m_rSlot = m_b.CreateAlloca(ptr(), nullptr, "Rslot");
    m_b.CreateStore(m_b.CreateCall(m_rt.frameRegs, {m_fiber}), m_rSlot);
    if (std::any_of(code.begin(), code.end(), [&](const auto& in) { return in.op == Op::CALL && isPure(in.bc()); }))
        m_pureState = m_b.CreateAlloca(pureStateType(m_ctx), nullptr, "purestate");
    findBlocks();
    llvm::BasicBlock* other = newBlock("otherpc");
    auto* sw = m_b.CreateSwitch(entryPc, other, unsigned(m_resumePoints.size()));
    for (uint32_t pc : m_resumePoints)
        sw->addCase(c32(pc), m_blocks[pc]);
    m_b.SetInsertPoint(other);
    m_b.CreateRet(m_b.CreateCall(m_rt.interpretAt, {m_fiber, entryPc}));

    for (uint32_t pc = 0; pc < code.size(); ++pc) {
        if (m_blocks[pc]) {
            if (pc > 0 && m_b.GetInsertBlock()->getTerminator() == nullptr)
                m_b.CreateBr(m_blocks[pc]);
            m_b.SetInsertPoint(m_blocks[pc]);
            emitBlockEntry(pc);
        }
        emitInstr(pc);
        ++m_stats.instructions;
    }
    if (m_b.GetInsertBlock()->getTerminator() == nullptr)
        m_b.CreateUnreachable();
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (llvm::verifyFunction(*m_func, &os)) {
        error = "function '" + m_fn.name + "': invalid IR: " + os.str();
        m_func->deleteBody();
        return nullptr;
    }
    return m_func;
}

void Lowering::emitInstr(uint32_t pc)
{
    const compiler::Instr& in = m_fn.code[pc];
    llvm::BasicBlock* next = blockAfter(pc);
    const bool nextIsLeader = next != nullptr;
    switch (in.op) {
    case Op::JMP: m_b.CreateBr(m_blocks[size_t(int64_t(pc) + 1 + in.sbc())]); return;
    case Op::JMPIF:
    case Op::JMPIFNOT: {
        llvm::Value* tag = tagOf(in.a);
        llvm::Value* low = m_b.CreateTrunc(payloadOf(in.a), i8());
        llvm::Value* falsy = m_b.CreateOr(m_b.CreateICmpEQ(tag, c8(m_layout.tagNil)),
                                          m_b.CreateAnd(m_b.CreateICmpEQ(tag, c8(m_layout.tagBool)),
                                                        m_b.CreateICmpEQ(low, c8(0))));
        llvm::BasicBlock* target = m_blocks[size_t(int64_t(pc) + 1 + in.sbc())];
        if (in.op == Op::JMPIF)
            m_b.CreateCondBr(falsy, next, target);
        else
            m_b.CreateCondBr(falsy, target, next);
        ++m_stats.inlinedInstructions;
        return;
    }
    case Op::FORLOOP: {
        llvm::Value* cur = payloadOf(in.a);
        llvm::Value* lim = payloadOf(in.a + 1u);
        llvm::Value* step = payloadOf(in.a + 2u);
        llvm::Value* res = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, cur, step);
        llvm::Value* sum = m_b.CreateExtractValue(res, 0);
        llvm::BasicBlock* noOverflow = newBlock("forstep");
        m_b.CreateCondBr(m_b.CreateExtractValue(res, 1), next, noOverflow);
        m_b.SetInsertPoint(noOverflow);
        storeScalar(in.a, c8(m_layout.tagInt), sum);
        llvm::Value* more = m_b.CreateSelect(m_b.CreateICmpSGT(step, c64(0)), m_b.CreateICmpSLT(sum, lim),
                                             m_b.CreateICmpSGT(sum, lim));
        llvm::BasicBlock* loop = newBlock("forloop");
        m_b.CreateCondBr(more, loop, next);
        m_b.SetInsertPoint(loop);
        storeScalar(in.a + 3u, c8(m_layout.tagInt), sum);
        m_b.CreateBr(m_blocks[size_t(int64_t(pc) + 1 + in.sbc())]);
        ++m_stats.inlinedInstructions;
        return;
    }
    case Op::FORPREP:
    case Op::ITERPREP:
    case Op::ITERNEXT: {
        llvm::Value* st = callExec(in, pc);
        llvm::BasicBlock* target = m_blocks[size_t(int64_t(pc) + 1 + in.sbc())];
        llvm::BasicBlock* notTaken = newBlock("nottaken");
        m_b.CreateCondBr(m_b.CreateICmpEQ(st, c32(kJump)), target, notTaken);
        m_b.SetInsertPoint(notTaken);
        returnUnless(st, kContinue, next);
        return;
    }
    case Op::RETURN:
    case Op::RETURNNIL:
        m_b.CreateRet(m_b.CreateCall(m_rt.ret, {m_vm, m_fiber, regs(), c64(packInstr(in))}));
        return;
    case Op::HALT:
    case Op::MATCHFAIL:
    case Op::CALLMODEL: m_b.CreateRet(callExec(in, pc)); return;
    default: break;
    }
    llvm::BasicBlock* cont = nextIsLeader ? next : newBlock("next");
    if (in.op == Op::CALL) {
        emitDirectCall(in, pc, cont);
        if (!nextIsLeader)
            m_b.SetInsertPoint(cont);
        return;
    }
    if (isCallLike(in.op)) {
        llvm::BasicBlock* reload = newBlock("reload");
        returnUnless(callExec(in, pc), kContinue, reload);
        m_b.SetInsertPoint(reload);
        m_b.CreateStore(m_b.CreateCall(m_rt.frameRegs, {m_fiber}), m_rSlot);
        m_b.CreateBr(cont);
        if (!nextIsLeader)
            m_b.SetInsertPoint(cont);
        return;
    }
    llvm::BasicBlock* slow = newBlock("slow");
    if (emitFast(in, pc, slow, cont))
        ++m_stats.inlinedInstructions;
    else
        m_b.CreateBr(slow);
    m_b.SetInsertPoint(slow);
    slowPath(in, pc, cont);
    if (!nextIsLeader)
        m_b.SetInsertPoint(cont);
}

/// CALL of a known function: the runtime pushes the frame, the callee's
/// native code is called directly (no lookup, no dispatch).
void Lowering::emitDirectCall(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* cont)
{
    if (isPure(in.bc())) {
        llvm::BasicBlock* slow = newBlock("pure.abort");
        emitPureCall(in, pc, slow, cont);
        m_b.SetInsertPoint(slow);
    }
    llvm::Value* st = m_b.CreateCall(m_rt.callPush, {m_vm, m_fiber, regs(), c64(packInstr(in)), c32(pc)}, "push");
    llvm::BasicBlock* native = newBlock("callnative");
    llvm::BasicBlock* reload = newBlock("reload");
    llvm::BasicBlock* out = newBlock("out");
    auto* sw = m_b.CreateSwitch(st, out, 2);
    sw->addCase(c32(kContinue), native);
    sw->addCase(c32(kCallDone), reload);
    m_b.SetInsertPoint(out);
    m_b.CreateRet(st);

    m_b.SetInsertPoint(native);
    llvm::Value* r = m_b.CreateCall(nativeFunction(m_module, in.bc()), {m_vm, m_fiber, c32(0)}, "callee");
    llvm::BasicBlock* interp = newBlock("calleeinterp");
    llvm::BasicBlock* failed = newBlock("calleeout");
    auto* sw2 = m_b.CreateSwitch(r, failed, 2);
    sw2->addCase(c32(kReturned), reload);
    sw2->addCase(c32(kInterpret), interp);
    m_b.SetInsertPoint(failed);
    m_b.CreateRet(r);
    m_b.SetInsertPoint(interp);
    returnUnless(m_b.CreateCall(m_rt.finishFrame, {m_vm, m_fiber}), kContinue, reload);

    m_b.SetInsertPoint(reload);
    m_b.CreateStore(m_b.CreateCall(m_rt.frameRegs, {m_fiber}), m_rSlot);
    m_b.CreateBr(cont);
}

/// CALL of a pure-tier function (PureLowering.h): af_pure_N on the
/// arguments' tags and payloads with this block's fuel; on success the
/// result goes to R[A] and the fuel left to the fiber. An abort (or an
/// argument that is not a scalar, or no room for a frame) leaves everything
/// untouched and runs the CALL again: kPureAbort by `slow`, the ordinary
/// CALL; kPureAbortInterpret with the callee on the interpreter.
void Lowering::emitPureCall(const compiler::Instr& in, uint32_t pc, llvm::BasicBlock* slow, llvm::BasicBlock* cont)
{
    const compiler::Function& callee = m_program.functions[in.bc()];
    llvm::Type* stateTy = pureStateType(m_ctx);
    llvm::Value* spare = m_b.CreateStructGEP(stateTy, m_pureState, 1); // af_call_room writes fields 1 and 2
    llvm::Value* room = m_b.CreateCall(m_rt.callRoom, {m_vm, m_fiber, c32(m_fn.numRegs), spare}, "room");
    llvm::BasicBlock* args = newBlock("pure.args");
    m_b.CreateCondBr(m_b.CreateICmpSGT(room, c32(0)), args, slow);
    m_b.SetInsertPoint(args);
    // The fuel as the callee would find it (this block has charged its own).
    llvm::Value* fuelPtr = m_b.CreateConstInBoundsGEP1_64(i8(), m_fiber, m_layout.fiberFuelOffset);
    llvm::Value* fuel = m_b.CreateLoad(i64(), fuelPtr, "fuel");
    std::vector<llvm::Value*> tags, payloads;
    llvm::Value* scalar = m_b.getTrue();
    for (uint32_t i = 0; i < callee.arity; ++i) {
        tags.push_back(tagOf(in.a + i));
        scalar = m_b.CreateAnd(scalar, m_b.CreateICmpULT(tags.back(), c8(m_layout.tagFirstObject)));
        payloads.push_back(payloadOf(in.a + i));
    }
    llvm::BasicBlock* call = newBlock("pure.call");
    m_b.CreateCondBr(scalar, call, slow);
    m_b.SetInsertPoint(call);
    llvm::Value* stateNeed = m_b.CreateStructGEP(stateTy, m_pureState, 0);
    m_b.CreateStore(c64(std::max(callee.numRegs, callee.arity) + 1u), stateNeed); // the callee's own frame
    llvm::Value* r = emitPureCallSite(m_b, m_module, m_program, in.bc(), m_layout, m_pureState, fuel,
                                      m_b.CreateSub(room, c32(1)), c32(0), tags, payloads);
    llvm::Value* tag = m_b.CreateExtractValue(r, 0);
    llvm::Value* payload = m_b.CreateExtractValue(r, 1);
    llvm::BasicBlock* done = newBlock("pure.done");
    llvm::BasicBlock* interp = newBlock("pure.interpret");
    auto* sw = m_b.CreateSwitch(tag, done, 2);
    sw->addCase(c8(kPureAbort), slow);
    sw->addCase(c8(kPureAbortInterpret), interp);
    m_b.SetInsertPoint(interp);
    llvm::BasicBlock* reload = newBlock("pure.reload");
    returnUnless(m_b.CreateCall(m_rt.callInterpreted, {m_vm, m_fiber, regs(), c64(packInstr(in)), c32(pc)}),
                 kContinue, reload);
    m_b.SetInsertPoint(reload);
    m_b.CreateStore(m_b.CreateCall(m_rt.frameRegs, {m_fiber}), m_rSlot);
    m_b.CreateBr(cont);
    m_b.SetInsertPoint(done);
    // The interpreter would have grown the register file for the frames the
    // pure call did not push: the same size, so snapshots match.
    llvm::Value* need = m_b.CreateLoad(i64(), stateNeed, "need");
    llvm::BasicBlock* grow = newBlock("pure.grow");
    llvm::BasicBlock* store = newBlock("pure.store");
    m_b.CreateCondBr(m_b.CreateICmpSGT(need, m_b.CreateLoad(i64(), spare, "spare")), grow, store);
    m_b.SetInsertPoint(grow);
    m_b.CreateStore(m_b.CreateCall(m_rt.pureGrow, {m_fiber, c32(m_fn.numRegs), need}), m_rSlot);
    m_b.CreateBr(store);
    m_b.SetInsertPoint(store);
    storeScalar(in.a, tag, payload);
    m_b.CreateStore(m_b.CreateExtractValue(r, 2), fuelPtr);
    m_b.CreateBr(cont);
}

/// Emits the inline path of `in` ending in a branch to `next`, with checks
/// that branch to `slow`. False (nothing emitted) when there is none.
bool Lowering::emitFast(const compiler::Instr& in, uint32_t /*pc*/, llvm::BasicBlock* slow, llvm::BasicBlock* next)
{
    auto intTag = [&] { return c8(m_layout.tagInt); };
    auto guard = [&](llvm::Value* ok) {
        llvm::BasicBlock* fast = newBlock("fast");
        m_b.CreateCondBr(ok, fast, slow);
        m_b.SetInsertPoint(fast);
    };
    auto bothTag = [&](uint8_t tag) {
        return m_b.CreateAnd(m_b.CreateICmpEQ(tagOf(in.b), c8(tag)), m_b.CreateICmpEQ(tagOf(in.c), c8(tag)));
    };
    auto asDouble = [&](llvm::Value* bits) { return m_b.CreateBitCast(bits, m_b.getDoubleTy()); };
    auto asBits = [&](llvm::Value* d) { return m_b.CreateBitCast(d, i64()); };
    switch (in.op) {
    case Op::NOP: m_b.CreateBr(next); return true;
    case Op::LOADI: storeScalar(in.a, intTag(), c64(uint64_t(int64_t(in.sbc())))); break;
    case Op::LOADNIL: storeScalar(in.a, c8(m_layout.tagNil), c64(0)); break;
    case Op::LOADTRUE: storeScalar(in.a, c8(m_layout.tagBool), c64(1)); break;
    case Op::LOADFALSE: storeScalar(in.a, c8(m_layout.tagBool), c64(0)); break;
    case Op::LOADK: {
        const auto& k = m_fn.constants[in.bc()];
        switch (k.kind) {
        case compiler::Constant::Kind::Nil: storeScalar(in.a, c8(m_layout.tagNil), c64(0)); break;
        case compiler::Constant::Kind::Bool: storeScalar(in.a, c8(m_layout.tagBool), c64(k.b ? 1 : 0)); break;
        case compiler::Constant::Kind::Int: storeScalar(in.a, intTag(), c64(uint64_t(k.i))); break;
        case compiler::Constant::Kind::Float:
            storeScalar(in.a, c8(m_layout.tagFloat), asBits(llvm::ConstantFP::get(m_b.getDoubleTy(), k.f)));
            break;
        case compiler::Constant::Kind::String: return false;
        }
        break;
    }
    case Op::MOVE: {
        llvm::Value* tag = tagOf(in.b);
        guard(m_b.CreateNot(isObject(tag)));
        llvm::Value* payload = payloadOf(in.b);
        storeScalar(in.a, tag, payload);
        break;
    }
    case Op::ADD:
    case Op::SUB:
    case Op::MUL: {
        llvm::BasicBlock* ints = newBlock("ints");
        llvm::BasicBlock* notInts = newBlock("notints");
        m_b.CreateCondBr(bothTag(m_layout.tagInt), ints, notInts);
        m_b.SetInsertPoint(ints);
        const auto id = in.op == Op::ADD   ? llvm::Intrinsic::sadd_with_overflow
                        : in.op == Op::SUB ? llvm::Intrinsic::ssub_with_overflow
                                           : llvm::Intrinsic::smul_with_overflow;
        llvm::Value* res = m_b.CreateBinaryIntrinsic(id, payloadOf(in.b), payloadOf(in.c));
        guard(m_b.CreateNot(m_b.CreateExtractValue(res, 1)));
        storeScalar(in.a, intTag(), m_b.CreateExtractValue(res, 0));
        m_b.CreateBr(next);
        m_b.SetInsertPoint(notInts);
        guard(bothTag(m_layout.tagFloat));
        llvm::Value* x = asDouble(payloadOf(in.b));
        llvm::Value* y = asDouble(payloadOf(in.c));
        llvm::Value* r = in.op == Op::ADD ? m_b.CreateFAdd(x, y) : in.op == Op::SUB ? m_b.CreateFSub(x, y)
                                                                                    : m_b.CreateFMul(x, y);
        storeScalar(in.a, c8(m_layout.tagFloat), asBits(r));
        break;
    }
    case Op::DIV:
    case Op::MOD: {
        // Ints only; zero, INT64_MIN / -1 and % -1 take the generic path.
        guard(bothTag(m_layout.tagInt));
        llvm::Value* x = payloadOf(in.b);
        llvm::Value* y = payloadOf(in.c);
        llvm::Value* ok = m_b.CreateAnd(m_b.CreateICmpNE(y, c64(0)), m_b.CreateICmpNE(y, c64(uint64_t(-1))));
        guard(ok);
        storeScalar(in.a, intTag(), in.op == Op::DIV ? m_b.CreateSDiv(x, y) : m_b.CreateSRem(x, y));
        break;
    }
    case Op::ADDI: {
        guard(m_b.CreateICmpEQ(tagOf(in.b), intTag()));
        llvm::Value* res = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, payloadOf(in.b),
                                                     c64(uint64_t(int64_t(in.sc()))));
        guard(m_b.CreateNot(m_b.CreateExtractValue(res, 1)));
        storeScalar(in.a, intTag(), m_b.CreateExtractValue(res, 0));
        break;
    }
    case Op::NEG: {
        guard(m_b.CreateICmpEQ(tagOf(in.b), c8(m_layout.tagFloat)));
        storeScalar(in.a, c8(m_layout.tagFloat), asBits(m_b.CreateFNeg(asDouble(payloadOf(in.b)))));
        break;
    }
    case Op::NOT: {
        guard(m_b.CreateICmpEQ(tagOf(in.b), c8(m_layout.tagBool)));
        llvm::Value* low = m_b.CreateTrunc(payloadOf(in.b), i8());
        storeScalar(in.a, c8(m_layout.tagBool), m_b.CreateZExt(m_b.CreateICmpEQ(low, c8(0)), i64()));
        break;
    }
    case Op::EQ:
    case Op::NE:
    case Op::LT:
    case Op::LE:
    case Op::GT:
    case Op::GE: {
        llvm::CmpInst::Predicate ip, fp;
        switch (in.op) {
        case Op::EQ: ip = llvm::CmpInst::ICMP_EQ, fp = llvm::CmpInst::BAD_FCMP_PREDICATE; break;
        case Op::NE: ip = llvm::CmpInst::ICMP_NE, fp = llvm::CmpInst::BAD_FCMP_PREDICATE; break;
        case Op::LT: ip = llvm::CmpInst::ICMP_SLT, fp = llvm::CmpInst::FCMP_OLT; break;
        case Op::LE: ip = llvm::CmpInst::ICMP_SLE, fp = llvm::CmpInst::FCMP_OLE; break;
        case Op::GT: ip = llvm::CmpInst::ICMP_SGT, fp = llvm::CmpInst::FCMP_OGT; break;
        default: ip = llvm::CmpInst::ICMP_SGE, fp = llvm::CmpInst::FCMP_OGE; break;
        }
        llvm::BasicBlock* ints = newBlock("ints");
        llvm::BasicBlock* notInts = newBlock("notints");
        m_b.CreateCondBr(bothTag(m_layout.tagInt), ints, notInts);
        m_b.SetInsertPoint(ints);
        storeScalar(in.a, c8(m_layout.tagBool),
                    m_b.CreateZExt(m_b.CreateICmp(ip, payloadOf(in.b), payloadOf(in.c)), i64()));
        m_b.CreateBr(next);
        m_b.SetInsertPoint(notInts);
        if (fp == llvm::CmpInst::BAD_FCMP_PREDICATE) {
            m_b.CreateBr(slow); // float equality: valuesEqual's rules
            return true;
        }
        guard(bothTag(m_layout.tagFloat));
        storeScalar(in.a, c8(m_layout.tagBool),
                    m_b.CreateZExt(m_b.CreateFCmp(fp, asDouble(payloadOf(in.b)), asDouble(payloadOf(in.c))), i64()));
        break;
    }
    default: return false;
    }
    m_b.CreateBr(next);
    return true;
}

} // namespace

RuntimeDecls declareRuntime(llvm::Module& module)
{
    llvm::LLVMContext& ctx = module.getContext();
    auto* i32 = llvm::Type::getInt32Ty(ctx);
    auto* i64 = llvm::Type::getInt64Ty(ctx);
    auto* ptr = llvm::PointerType::get(ctx, 0);
    auto* voidTy = llvm::Type::getVoidTy(ctx);
    auto declare = [&](const char* name, llvm::FunctionType* type) {
        auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
        f->addFnAttr(llvm::Attribute::NoUnwind);
        return f;
    };
    RuntimeDecls d;
    d.exec = declare("af_exec", llvm::FunctionType::get(i32, {ptr, ptr, ptr, i64, i32}, false));
    d.frameRegs = declare("af_frame_regs", llvm::FunctionType::get(ptr, {ptr}, false));
    d.release = declare("af_release", llvm::FunctionType::get(voidTy, {ptr}, false));
    d.interpretAt = declare("af_interpret_at", llvm::FunctionType::get(i32, {ptr, i32}, false));
    d.callPush = declare("af_call_push", llvm::FunctionType::get(i32, {ptr, ptr, ptr, i64, i32}, false));
    d.finishFrame = declare("af_finish_frame", llvm::FunctionType::get(i32, {ptr, ptr}, false));
    d.ret = declare("af_return", llvm::FunctionType::get(i32, {ptr, ptr, ptr, i64}, false));
    d.callRoom = declare("af_call_room", llvm::FunctionType::get(i32, {ptr, ptr, i32, ptr}, false));
    d.pureGrow = declare("af_pure_grow", llvm::FunctionType::get(ptr, {ptr, i32, i64}, false));
    d.callInterpreted = declare("af_call_interpreted", llvm::FunctionType::get(i32, {ptr, ptr, ptr, i64, i32}, false));
    d.pure = std::make_shared<PureSet>();
    return d;
}

llvm::Function* nativeFunction(llvm::Module& module, uint32_t index)
{
    const std::string name = "af_fn_" + std::to_string(index);
    if (llvm::Function* f = module.getFunction(name))
        return f;
    llvm::LLVMContext& ctx = module.getContext();
    auto* ptr = llvm::PointerType::get(ctx, 0);
    auto* i32 = llvm::Type::getInt32Ty(ctx);
    auto* type = llvm::FunctionType::get(i32, {ptr, ptr, i32}, false);
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    return f;
}

llvm::Function* lowerFunction(llvm::Module& module, const RuntimeDecls& runtime, const compiler::Program& program,
                              uint32_t index, const ValueLayout& layout, CompileStats& stats, std::string& error)
{
    if (runtime.pure && runtime.pure->program != &program) {
        runtime.pure->program = &program;
        runtime.pure->pure = findPureFunctions(program);
    }
    Lowering lowering(module, runtime, program, index, layout, stats);
    llvm::Function* f = lowering.run(index, error);
    if (f && runtime.pure && runtime.pure->pure[index]) {
        if (!lowerPure(module, program, index, layout, error))
            return nullptr;
        ++stats.pureFunctions;
    }
    return f;
}

} // namespace aeroflow::codegen
