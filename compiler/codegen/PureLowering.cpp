// The pure tier (PureLowering.h): scalar functions as SSA code.
//
// Registers are allocas of (i8 tag, i64 payload), promoted to SSA values
// right here (PromoteMemToReg), so even -O0 code keeps them in machine
// registers. Tags are only ever nil, bool, int or float: arguments are
// checked at the entry from ordinary code, and every op below produces one of
// those. Each op follows the interpreter's semantics (Vm.cpp, Ops.cpp) for
// these tags and aborts wherever the interpreter would raise an error or do
// something other than scalar work (float `%` goes through fmod, which only
// the engine may call). Fuel is charged per block as in FunctionLowering: a
// block of n instructions needs more than n units left, else abort.

#include "PureLowering.h"

#include "Program.h"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/Utils/PromoteMemToReg.h>

#include <algorithm>

namespace aeroflow::codegen {

using compiler::Op;

namespace {

class PureEmitter {
public:
    PureEmitter(llvm::Module& m, const compiler::Program& p, uint32_t index, const ValueLayout& layout, bool intArgs)
        : m_module(m), m_ctx(m.getContext()), m_b(m_ctx), m_program(p), m_fn(p.functions[index]), m_layout(layout),
          m_index(index), m_intArgs(intArgs)
    {
    }

    bool run(std::string& error);

private:
    using V = llvm::Value;
    llvm::Type* i8() { return m_b.getInt8Ty(); }
    llvm::Type* i64() { return m_b.getInt64Ty(); }
    llvm::Type* f64() { return m_b.getDoubleTy(); }
    llvm::ConstantInt* c8(uint8_t v) { return m_b.getInt8(v); }
    llvm::ConstantInt* c64(uint64_t v) { return m_b.getInt64(v); }
    llvm::BasicBlock* newBlock(const char* name) { return llvm::BasicBlock::Create(m_ctx, name, m_func); }

    V* tag(uint32_t r) { return m_b.CreateLoad(i8(), m_tags[r], "t"); }
    V* pay(uint32_t r) { return m_b.CreateLoad(i64(), m_pays[r], "p"); }
    void set(uint32_t r, V* t, V* p)
    {
        m_b.CreateStore(t, m_tags[r]);
        m_b.CreateStore(p, m_pays[r]);
    }
    V* is(V* t, uint8_t which) { return m_b.CreateICmpEQ(t, c8(which)); }
    V* isNum(V* t) { return m_b.CreateOr(is(t, m_layout.tagInt), is(t, m_layout.tagFloat)); }
    /// Value::toDouble of a number.
    V* toDouble(V* t, V* p)
    {
        return m_b.CreateSelect(is(t, m_layout.tagInt), m_b.CreateSIToFP(p, f64()), m_b.CreateBitCast(p, f64()));
    }
    V* bits(V* d) { return m_b.CreateBitCast(d, i64()); }
    V* boolPayload(V* c) { return m_b.CreateZExt(c, i64()); }
    /// Continues in a fresh block when `ok`, else aborts.
    void guard(V* ok)
    {
        llvm::BasicBlock* go = newBlock("ok");
        m_b.CreateCondBr(ok, go, m_abort, m_likely); // aborts are cold
        m_b.SetInsertPoint(go);
    }
    llvm::BasicBlock* target(uint32_t pc, const compiler::Instr& in)
    {
        return m_blocks[size_t(int64_t(pc) + 1 + in.sbc())];
    }

    void findBlocks();
    void emitBlockEntry(uint32_t pc);
    void emitInstr(uint32_t pc);
    void emitArith(const compiler::Instr& in);
    void emitDivMod(const compiler::Instr& in);
    void emitCompare(const compiler::Instr& in);
    void emitCall(const compiler::Instr& in);
    void emitReturn(V* t, V* p);

    llvm::Module& m_module;
    llvm::LLVMContext& m_ctx;
    llvm::IRBuilder<> m_b;
    const compiler::Program& m_program;
    const compiler::Function& m_fn;
    const ValueLayout& m_layout;
    uint32_t m_index;
    bool m_intArgs; ///< the af_purei_N version: every argument is an int
    llvm::Function* m_func = nullptr;
    V* m_state = nullptr;
    V* m_room = nullptr;
    V* m_base = nullptr;
    llvm::AllocaInst* m_fuel = nullptr; ///< the fuel left, an SSA value once promoted
    llvm::MDNode* m_likely = nullptr;        ///< branch weights: the first successor is hot
    llvm::BasicBlock* m_abort = nullptr;     ///< returns kPureAbortInterpret
    llvm::BasicBlock* m_abortSlow = nullptr; ///< returns kPureAbort
    std::vector<llvm::AllocaInst*> m_tags, m_pays;
    std::vector<llvm::BasicBlock*> m_blocks; ///< per pc: the block starting there, or null
    std::vector<uint32_t> m_blockLen;
};

void PureEmitter::findBlocks()
{
    const auto& code = m_fn.code;
    const size_t n = code.size();
    std::vector<uint8_t> leader(n + 1, 0);
    leader[0] = 1;
    for (size_t pc = 0; pc < n; ++pc) {
        const auto& in = code[pc];
        if (isPureBranch(in.op)) {
            leader[size_t(int64_t(pc) + 1 + in.sbc())] = 1;
            leader[pc + 1] = 1;
        }
        if (in.op == Op::CALL || in.op == Op::RETURN || in.op == Op::RETURNNIL)
            leader[pc + 1] = 1;
    }
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

void PureEmitter::emitBlockEntry(uint32_t pc)
{
    // The interpreter fails when an instruction finds the fuel at 1 (it
    // decrements to 0): n instructions need more than n units.
    const uint32_t len = m_blockLen[pc];
    V* fuel = m_b.CreateLoad(i64(), m_fuel, "fuel");
    guard(m_b.CreateICmpUGT(fuel, c64(len)));
    m_b.CreateStore(m_b.CreateSub(fuel, c64(len)), m_fuel);
}

bool PureEmitter::run(std::string& error)
{
    m_func = pureFunction(m_module, m_program, m_index, m_intArgs);
    if (!m_func->empty()) {
        error = "function '" + m_fn.name + "': pure version emitted twice";
        return false;
    }
    m_likely = llvm::MDBuilder(m_ctx).createLikelyBranchWeights();
    m_state = m_func->getArg(0);
    m_room = m_func->getArg(2);
    m_base = m_func->getArg(3);
    llvm::BasicBlock* entry = newBlock("entry");
    m_abort = newBlock("abort");
    m_b.SetInsertPoint(m_abort);
    m_b.CreateRet(llvm::ConstantStruct::get(pureResultType(m_ctx), {c8(kPureAbortInterpret), c64(0), c64(0)}));
    m_abortSlow = newBlock("abort.slow");
    m_b.SetInsertPoint(m_abortSlow);
    m_b.CreateRet(llvm::ConstantStruct::get(pureResultType(m_ctx), {c8(kPureAbort), c64(0), c64(0)}));

    m_b.SetInsertPoint(entry);
    const uint32_t n = m_fn.numRegs;
    m_fuel = m_b.CreateAlloca(i64(), nullptr, "fuel");
    m_b.CreateStore(m_func->getArg(1), m_fuel);
    for (uint32_t r = 0; r < n; ++r) {
        m_tags.push_back(m_b.CreateAlloca(i8(), nullptr, "tag"));
        m_pays.push_back(m_b.CreateAlloca(i64(), nullptr, "pay"));
    }
    // Parameters in R[0..arity-1]; the rest of a fresh frame is nil.
    for (uint32_t r = 0; r < n; ++r) {
        if (r < m_fn.arity && m_intArgs)
            set(r, c8(m_layout.tagInt), m_func->getArg(4 + r));
        else if (r < m_fn.arity)
            set(r, m_func->getArg(4 + 2 * r), m_func->getArg(5 + 2 * r));
        else
            set(r, c8(m_layout.tagNil), c64(0));
    }

    findBlocks();
    const auto& code = m_fn.code;
    for (uint32_t pc = 0; pc < code.size(); ++pc) {
        if (m_blocks[pc]) {
            if (m_b.GetInsertBlock()->getTerminator() == nullptr)
                m_b.CreateBr(m_blocks[pc]);
            m_b.SetInsertPoint(m_blocks[pc]);
            emitBlockEntry(pc);
        }
        emitInstr(pc);
    }
    if (m_b.GetInsertBlock()->getTerminator() == nullptr)
        m_b.CreateUnreachable();

    // Registers become SSA values now, whatever the optimisation level.
    std::vector<llvm::AllocaInst*> allocas(m_tags.begin(), m_tags.end());
    allocas.insert(allocas.end(), m_pays.begin(), m_pays.end());
    allocas.push_back(m_fuel);
    llvm::DominatorTree dt(*m_func);
    llvm::PromoteMemToReg(allocas, dt);

    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (llvm::verifyFunction(*m_func, &os)) {
        error = "function '" + m_fn.name + "': invalid pure IR: " + os.str();
        m_func->deleteBody();
        return false;
    }
    return true;
}

void PureEmitter::emitReturn(V* t, V* p)
{
    V* r = llvm::UndefValue::get(pureResultType(m_ctx));
    r = m_b.CreateInsertValue(r, t, 0);
    r = m_b.CreateInsertValue(r, p, 1);
    r = m_b.CreateInsertValue(r, m_b.CreateLoad(i64(), m_fuel, "fuel"), 2);
    m_b.CreateRet(r);
}

void PureEmitter::emitInstr(uint32_t pc)
{
    const compiler::Instr& in = m_fn.code[pc];
    llvm::BasicBlock* next = pc + 1 < m_blocks.size() ? m_blocks[pc + 1] : nullptr;
    const uint8_t tInt = m_layout.tagInt, tFloat = m_layout.tagFloat, tBool = m_layout.tagBool;
    switch (in.op) {
    case Op::NOP: return;
    case Op::LOADI: set(in.a, c8(tInt), c64(uint64_t(int64_t(in.sbc())))); return;
    case Op::LOADNIL: set(in.a, c8(m_layout.tagNil), c64(0)); return;
    case Op::LOADTRUE: set(in.a, c8(tBool), c64(1)); return;
    case Op::LOADFALSE: set(in.a, c8(tBool), c64(0)); return;
    case Op::LOADK: {
        const auto& k = m_fn.constants[in.bc()];
        switch (k.kind) {
        case compiler::Constant::Kind::Bool: set(in.a, c8(tBool), c64(k.b ? 1 : 0)); break;
        case compiler::Constant::Kind::Int: set(in.a, c8(tInt), c64(uint64_t(k.i))); break;
        case compiler::Constant::Kind::Float:
            set(in.a, c8(tFloat), bits(llvm::ConstantFP::get(f64(), k.f)));
            break;
        default: set(in.a, c8(m_layout.tagNil), c64(0)); break; // Nil (strings never qualify)
        }
        return;
    }
    case Op::MOVE: {
        V* t = tag(in.b);
        V* p = pay(in.b);
        set(in.a, t, p);
        return;
    }
    case Op::ADD:
    case Op::SUB:
    case Op::MUL: emitArith(in); return;
    case Op::DIV:
    case Op::MOD: emitDivMod(in); return;
    case Op::ADDI: {
        V* t = tag(in.b);
        V* p = pay(in.b);
        llvm::BasicBlock* ints = newBlock("addi.int");
        llvm::BasicBlock* other = newBlock("addi.other");
        llvm::BasicBlock* done = newBlock("addi.done");
        m_b.CreateCondBr(is(t, tInt), ints, other);
        m_b.SetInsertPoint(ints);
        V* res = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, p, c64(uint64_t(int64_t(in.sc()))));
        guard(m_b.CreateNot(m_b.CreateExtractValue(res, 1)));
        set(in.a, c8(tInt), m_b.CreateExtractValue(res, 0));
        m_b.CreateBr(done);
        m_b.SetInsertPoint(other);
        guard(is(t, tFloat));
        set(in.a, c8(tFloat),
            bits(m_b.CreateFAdd(m_b.CreateBitCast(p, f64()), llvm::ConstantFP::get(f64(), double(in.sc())))));
        m_b.CreateBr(done);
        m_b.SetInsertPoint(done);
        return;
    }
    case Op::NEG: {
        V* t = tag(in.b);
        V* p = pay(in.b);
        llvm::BasicBlock* ints = newBlock("neg.int");
        llvm::BasicBlock* other = newBlock("neg.other");
        llvm::BasicBlock* done = newBlock("neg.done");
        m_b.CreateCondBr(is(t, tInt), ints, other);
        m_b.SetInsertPoint(ints);
        guard(m_b.CreateICmpNE(p, c64(uint64_t(INT64_MIN))));
        set(in.a, c8(tInt), m_b.CreateSub(c64(0), p));
        m_b.CreateBr(done);
        m_b.SetInsertPoint(other);
        guard(is(t, tFloat));
        set(in.a, c8(tFloat), bits(m_b.CreateFNeg(m_b.CreateBitCast(p, f64()))));
        m_b.CreateBr(done);
        m_b.SetInsertPoint(done);
        return;
    }
    case Op::NOT: {
        V* t = tag(in.b);
        V* p = pay(in.b);
        guard(is(t, tBool));
        set(in.a, c8(tBool), boolPayload(m_b.CreateICmpEQ(m_b.CreateTrunc(p, i8()), c8(0))));
        return;
    }
    case Op::EQ:
    case Op::NE:
    case Op::LT:
    case Op::LE:
    case Op::GT:
    case Op::GE: emitCompare(in); return;
    case Op::JMP: m_b.CreateBr(target(pc, in)); return;
    case Op::JMPIF:
    case Op::JMPIFNOT: {
        V* t = tag(in.a);
        V* low = m_b.CreateTrunc(pay(in.a), i8());
        V* falsy = m_b.CreateOr(is(t, m_layout.tagNil), m_b.CreateAnd(is(t, tBool), m_b.CreateICmpEQ(low, c8(0))));
        if (in.op == Op::JMPIF)
            m_b.CreateCondBr(falsy, next, target(pc, in));
        else
            m_b.CreateCondBr(falsy, target(pc, in), next);
        return;
    }
    case Op::FORPREP: {
        // vmops::forPrep: ints only (else an error), step != 0 (else an error).
        guard(m_b.CreateAnd(is(tag(in.a), tInt), m_b.CreateAnd(is(tag(in.a + 1u), tInt), is(tag(in.a + 2u), tInt))));
        V* i = pay(in.a);
        V* lim = pay(in.a + 1u);
        V* step = pay(in.a + 2u);
        guard(m_b.CreateICmpNE(step, c64(0)));
        V* empty = m_b.CreateSelect(m_b.CreateICmpSGT(step, c64(0)), m_b.CreateICmpSGE(i, lim),
                                    m_b.CreateICmpSLE(i, lim));
        llvm::BasicBlock* body = newBlock("forprep.body");
        m_b.CreateCondBr(empty, target(pc, in), body);
        m_b.SetInsertPoint(body);
        set(in.a + 3u, c8(tInt), i);
        m_b.CreateBr(next);
        return;
    }
    case Op::FORLOOP: {
        // vmops::forLoop: past the representable range the loop is over.
        V* step = pay(in.a + 2u);
        V* lim = pay(in.a + 1u);
        V* res = m_b.CreateBinaryIntrinsic(llvm::Intrinsic::sadd_with_overflow, pay(in.a), step);
        V* sum = m_b.CreateExtractValue(res, 0);
        llvm::BasicBlock* stepped = newBlock("forloop.step");
        m_b.CreateCondBr(m_b.CreateExtractValue(res, 1), next, stepped);
        m_b.SetInsertPoint(stepped);
        set(in.a, c8(tInt), sum);
        V* more = m_b.CreateSelect(m_b.CreateICmpSGT(step, c64(0)), m_b.CreateICmpSLT(sum, lim),
                                   m_b.CreateICmpSGT(sum, lim));
        llvm::BasicBlock* loop = newBlock("forloop.again");
        m_b.CreateCondBr(more, loop, next);
        m_b.SetInsertPoint(loop);
        set(in.a + 3u, c8(tInt), sum);
        m_b.CreateBr(target(pc, in));
        return;
    }
    case Op::CALL: emitCall(in); return;
    case Op::RETURN: emitReturn(tag(in.a), pay(in.a)); return;
    case Op::RETURNNIL: emitReturn(c8(m_layout.tagNil), c64(0)); return;
    default: m_b.CreateBr(m_abort); return; // never: scalarOnly admits none
    }
}

/// ADD, SUB, MUL: checkedAdd/Sub/Mul on two ints, IEEE on numbers (Ops.cpp
/// arith); anything else is an error for scalars (no strings here).
void PureEmitter::emitArith(const compiler::Instr& in)
{
    const uint8_t tInt = m_layout.tagInt;
    V* tb = tag(in.b);
    V* tc = tag(in.c);
    V* pb = pay(in.b);
    V* pc = pay(in.c);
    llvm::BasicBlock* ints = newBlock("arith.int");
    llvm::BasicBlock* other = newBlock("arith.other");
    llvm::BasicBlock* done = newBlock("arith.done");
    m_b.CreateCondBr(m_b.CreateAnd(is(tb, tInt), is(tc, tInt)), ints, other);
    m_b.SetInsertPoint(ints);
    const auto id = in.op == Op::ADD   ? llvm::Intrinsic::sadd_with_overflow
                    : in.op == Op::SUB ? llvm::Intrinsic::ssub_with_overflow
                                       : llvm::Intrinsic::smul_with_overflow;
    V* res = m_b.CreateBinaryIntrinsic(id, pb, pc);
    guard(m_b.CreateNot(m_b.CreateExtractValue(res, 1)));
    set(in.a, c8(tInt), m_b.CreateExtractValue(res, 0));
    m_b.CreateBr(done);
    m_b.SetInsertPoint(other);
    guard(m_b.CreateAnd(isNum(tb), isNum(tc)));
    V* x = toDouble(tb, pb);
    V* y = toDouble(tc, pc);
    V* r = in.op == Op::ADD ? m_b.CreateFAdd(x, y) : in.op == Op::SUB ? m_b.CreateFSub(x, y) : m_b.CreateFMul(x, y);
    set(in.a, c8(m_layout.tagFloat), bits(r));
    m_b.CreateBr(done);
    m_b.SetInsertPoint(done);
}

/// DIV, MOD as Ops.cpp arith: zero divisors and INT64_MIN / -1 are errors,
/// x % -1 is 0; float `%` needs fmod (the engine's), so it aborts.
void PureEmitter::emitDivMod(const compiler::Instr& in)
{
    const uint8_t tInt = m_layout.tagInt;
    V* tb = tag(in.b);
    V* tc = tag(in.c);
    V* pb = pay(in.b);
    V* pc = pay(in.c);
    llvm::BasicBlock* ints = newBlock("div.int");
    llvm::BasicBlock* other = newBlock("div.other");
    llvm::BasicBlock* done = newBlock("div.done");
    m_b.CreateCondBr(m_b.CreateAnd(is(tb, tInt), is(tc, tInt)), ints, other);
    m_b.SetInsertPoint(ints);
    guard(m_b.CreateICmpNE(pc, c64(0)));
    V* minusOne = m_b.CreateICmpEQ(pc, c64(uint64_t(-1)));
    if (in.op == Op::DIV) {
        guard(m_b.CreateNot(m_b.CreateAnd(minusOne, m_b.CreateICmpEQ(pb, c64(uint64_t(INT64_MIN))))));
        set(in.a, c8(tInt), m_b.CreateSDiv(pb, pc));
        m_b.CreateBr(done);
    } else {
        // srem by -1 would trap on INT64_MIN: that divisor gives 0 apart.
        llvm::BasicBlock* rem = newBlock("mod.rem");
        llvm::BasicBlock* zero = newBlock("mod.zero");
        m_b.CreateCondBr(minusOne, zero, rem);
        m_b.SetInsertPoint(zero);
        set(in.a, c8(tInt), c64(0));
        m_b.CreateBr(done);
        m_b.SetInsertPoint(rem);
        set(in.a, c8(tInt), m_b.CreateSRem(pb, pc));
        m_b.CreateBr(done);
    }
    m_b.SetInsertPoint(other);
    if (in.op == Op::MOD) {
        m_b.CreateBr(m_abortSlow);
    } else {
        guard(m_b.CreateAnd(isNum(tb), isNum(tc)));
        V* x = toDouble(tb, pb);
        V* y = toDouble(tc, pc);
        guard(m_b.CreateFCmpUNE(y, llvm::ConstantFP::get(f64(), 0.0))); // y == 0 (also -0): an error
        set(in.a, c8(m_layout.tagFloat), bits(m_b.CreateFDiv(x, y)));
        m_b.CreateBr(done);
    }
    m_b.SetInsertPoint(done);
}

/// EQ, NE (valuesEqual on scalars); LT..GE (compare: ints, IEEE on numbers
/// with a float, NaN false; any other pair is an error for scalars).
void PureEmitter::emitCompare(const compiler::Instr& in)
{
    const uint8_t tInt = m_layout.tagInt, tBool = m_layout.tagBool;
    V* tb = tag(in.b);
    V* tc = tag(in.c);
    V* pb = pay(in.b);
    V* pc = pay(in.c);
    // Ints on a branch of their own: the common case stays a compare and a
    // jump once LLVM threads the result into the JMPIF that follows.
    llvm::BasicBlock* ints = newBlock("cmp.int");
    llvm::BasicBlock* other = newBlock("cmp.other");
    llvm::BasicBlock* done = newBlock("cmp.done");
    m_b.CreateCondBr(m_b.CreateAnd(is(tb, tInt), is(tc, tInt)), ints, other);
    const bool equality = in.op == Op::EQ || in.op == Op::NE;
    llvm::CmpInst::Predicate ip, fp;
    switch (in.op) {
    case Op::EQ: ip = llvm::CmpInst::ICMP_EQ, fp = llvm::CmpInst::FCMP_OEQ; break;
    case Op::NE: ip = llvm::CmpInst::ICMP_NE, fp = llvm::CmpInst::FCMP_UNE; break;
    case Op::LT: ip = llvm::CmpInst::ICMP_SLT, fp = llvm::CmpInst::FCMP_OLT; break;
    case Op::LE: ip = llvm::CmpInst::ICMP_SLE, fp = llvm::CmpInst::FCMP_OLE; break;
    case Op::GT: ip = llvm::CmpInst::ICMP_SGT, fp = llvm::CmpInst::FCMP_OGT; break;
    default: ip = llvm::CmpInst::ICMP_SGE, fp = llvm::CmpInst::FCMP_OGE; break;
    }
    m_b.SetInsertPoint(ints);
    set(in.a, c8(tBool), boolPayload(m_b.CreateICmp(ip, pb, pc)));
    m_b.CreateBr(done);
    m_b.SetInsertPoint(other);
    V* bothNum = m_b.CreateAnd(isNum(tb), isNum(tc));
    if (!equality)
        guard(bothNum); // compare(): only numbers (or strings) are ordered
    // Numbers with a float: IEEE (NaN unordered: == false, != true).
    V* r = m_b.CreateFCmp(fp, toDouble(tb, pb), toDouble(tc, pc));
    if (equality) {
        // valuesEqual on other scalars: same tag, then nil == nil, bools by value.
        V* lowEq = m_b.CreateICmpEQ(m_b.CreateTrunc(pb, i8()), m_b.CreateTrunc(pc, i8()));
        V* otherEq = m_b.CreateAnd(m_b.CreateICmpEQ(tb, tc), m_b.CreateOr(is(tb, m_layout.tagNil), lowEq));
        r = m_b.CreateSelect(bothNum, r, in.op == Op::EQ ? otherEq : m_b.CreateNot(otherEq));
    }
    set(in.a, c8(tBool), boolPayload(r));
    m_b.CreateBr(done);
    m_b.SetInsertPoint(done);
}

/// CALL of another pure function: the interpreter's depth check (room), then
/// a direct call; its abort is ours.
void PureEmitter::emitCall(const compiler::Instr& in)
{
    const compiler::Function& callee = m_program.functions[in.bc()];
    guard(m_b.CreateICmpSGT(m_room, m_b.getInt32(0)));
    V* base = m_b.CreateAdd(m_base, m_b.getInt32(m_fn.numRegs));
    // The register file the interpreter's push would grow to (callers keep
    // the account, so leaves stay a few instructions):
    // base + max(numRegs, arity) + 1, stored only when deeper than before.
    llvm::StructType* stateTy = pureStateType(m_ctx);
    V* needPtr = m_b.CreateStructGEP(stateTy, m_state, 0);
    V* need = m_b.CreateAdd(m_b.CreateZExt(base, i64()), c64(std::max(callee.numRegs, callee.arity) + 1u));
    llvm::BasicBlock* deeper = newBlock("deeper");
    llvm::BasicBlock* stack = newBlock("stack");
    m_b.CreateCondBr(m_b.CreateICmpUGT(need, m_b.CreateLoad(i64(), needPtr, "need")), deeper, stack);
    m_b.SetInsertPoint(deeper);
    m_b.CreateStore(need, needPtr);
    m_b.CreateBr(stack);
    // The C stack: deep pure recursion hands over to the interpreter. Checked
    // every 16th level (room counts down by one per level), so the frames may
    // pass the limit by at most 16 (of at most 1,024 registers each).
    m_b.SetInsertPoint(stack);
    llvm::BasicBlock* check = newBlock("stackcheck");
    llvm::BasicBlock* go = newBlock("call");
    m_b.CreateCondBr(m_b.CreateICmpEQ(m_b.CreateAnd(m_room, m_b.getInt32(15)), m_b.getInt32(0)), check, go);
    m_b.SetInsertPoint(check);
    V* limit = m_b.CreateLoad(i64(), m_b.CreateStructGEP(stateTy, m_state, 2), "stacklimit");
    guard(m_b.CreateICmpUGE(m_b.CreatePtrToInt(m_b.CreateStackSave("sp"), i64()), limit));
    m_b.CreateBr(go);
    m_b.SetInsertPoint(go);
    std::vector<V*> tags, pays;
    for (uint32_t i = 0; i < callee.arity; ++i) {
        tags.push_back(tag(in.a + i));
        pays.push_back(pay(in.a + i));
    }
    V* r = emitPureCallSite(m_b, m_module, m_program, in.bc(), m_layout, m_state, m_b.CreateLoad(i64(), m_fuel, "fuel"),
                            m_b.CreateSub(m_room, m_b.getInt32(1)), base, tags, pays);
    V* t = m_b.CreateExtractValue(r, 0);
    llvm::BasicBlock* ok = newBlock("call.ok");
    llvm::BasicBlock* pass = newBlock("call.abort");
    m_b.CreateCondBr(m_b.CreateICmpULT(t, c8(kPureAbortInterpret)), ok, pass, m_likely);
    m_b.SetInsertPoint(pass);
    emitReturn(t, c64(0)); // the callee's abort, whichever it is
    m_b.SetInsertPoint(ok);
    set(in.a, t, m_b.CreateExtractValue(r, 1));
    m_b.CreateStore(m_b.CreateExtractValue(r, 2), m_fuel);
}

} // namespace

llvm::StructType* pureStateType(llvm::LLVMContext& ctx)
{
    auto* i64 = llvm::Type::getInt64Ty(ctx);
    return llvm::StructType::get(ctx, {i64, i64, i64});
}

llvm::StructType* pureResultType(llvm::LLVMContext& ctx)
{
    auto* i64 = llvm::Type::getInt64Ty(ctx);
    return llvm::StructType::get(ctx, {llvm::Type::getInt8Ty(ctx), i64, i64});
}

llvm::Function* pureFunction(llvm::Module& module, const compiler::Program& program, uint32_t index, bool intArgs)
{
    const std::string name = (intArgs ? "af_purei_" : "af_pure_") + std::to_string(index);
    if (llvm::Function* f = module.getFunction(name))
        return f;
    llvm::LLVMContext& ctx = module.getContext();
    auto* i8 = llvm::Type::getInt8Ty(ctx);
    auto* i32 = llvm::Type::getInt32Ty(ctx);
    auto* i64 = llvm::Type::getInt64Ty(ctx);
    std::vector<llvm::Type*> params{llvm::PointerType::get(ctx, 0), i64, i32, i32};
    for (uint32_t i = 0; i < program.functions[index].arity; ++i) {
        if (!intArgs)
            params.push_back(i8);
        params.push_back(i64);
    }
    auto* type = llvm::FunctionType::get(pureResultType(ctx), params, false);
    // External, so that the JIT's modules (one per function) link to each
    // other; the AOT object makes every definition internal afterwards.
    auto* f = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    f->setDSOLocal(true);
    f->setCallingConv(llvm::CallingConv::Fast);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    return f;
}

bool lowerPure(llvm::Module& module, const compiler::Program& program, uint32_t index, const ValueLayout& layout,
               std::string& error)
{
    PureEmitter generic(module, program, index, layout, false);
    if (!generic.run(error))
        return false;
    if (program.functions[index].arity == 0)
        return true;
    PureEmitter ints(module, program, index, layout, true);
    return ints.run(error);
}

llvm::Value* emitPureCallSite(llvm::IRBuilder<>& b, llvm::Module& module, const compiler::Program& program,
                              uint32_t callee, const ValueLayout& layout, llvm::Value* state, llvm::Value* fuel,
                              llvm::Value* room, llvm::Value* base, const std::vector<llvm::Value*>& tags,
                              const std::vector<llvm::Value*>& payloads)
{
    std::vector<llvm::Value*> args{state, fuel, room, base};
    auto call = [&](bool intArgs) {
        llvm::CallInst* r = b.CreateCall(pureFunction(module, program, callee, intArgs), args, "pure");
        r->setCallingConv(llvm::CallingConv::Fast);
        return r;
    };
    if (tags.empty())
        return call(false);
    // All ints: the specialised version (the test folds away where the tags
    // are known, as for the int arithmetic of a recursion's arguments).
    llvm::Function* f = b.GetInsertBlock()->getParent();
    llvm::LLVMContext& ctx = module.getContext();
    llvm::Value* allInt = b.getTrue();
    for (llvm::Value* t : tags)
        allInt = b.CreateAnd(allInt, b.CreateICmpEQ(t, b.getInt8(layout.tagInt)));
    auto* ints = llvm::BasicBlock::Create(ctx, "call.ints", f);
    auto* generic = llvm::BasicBlock::Create(ctx, "call.generic", f);
    auto* done = llvm::BasicBlock::Create(ctx, "call.done", f);
    b.CreateCondBr(allInt, ints, generic);
    b.SetInsertPoint(ints);
    args.insert(args.end(), payloads.begin(), payloads.end());
    llvm::Value* ri = call(true);
    b.CreateBr(done);
    b.SetInsertPoint(generic);
    args.resize(4);
    for (size_t i = 0; i < tags.size(); ++i) {
        args.push_back(tags[i]);
        args.push_back(payloads[i]);
    }
    llvm::Value* rg = call(false);
    b.CreateBr(done);
    b.SetInsertPoint(done);
    llvm::PHINode* r = b.CreatePHI(pureResultType(ctx), 2, "pure");
    r->addIncoming(ri, ints);
    r->addIncoming(rg, generic);
    return r;
}

} // namespace aeroflow::codegen
