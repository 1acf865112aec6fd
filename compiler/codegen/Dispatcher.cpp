// The shells of af_fn_N that lower no bytecode themselves: the dispatcher
// of a function split into regions (FunctionPlan.h) and, for AOT objects, the
// stub of a function over the size limit.

#include "FunctionLowering.h"

#include "FunctionPlan.h"

#include <llvm/IR/BasicBlock.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <utility>
#include <vector>

namespace aeroflow::codegen {

llvm::Function* lowerInterpreterStub(llvm::Module& module, const RuntimeDecls& runtime, uint32_t index)
{
    llvm::Function* f = nativeFunction(module, index);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(module.getContext(), "entry", f));
    b.CreateRet(b.CreateCall(runtime.interpretAt, {f->getArg(1), f->getArg(2)}));
    return f;
}

llvm::Function* lowerDispatcher(llvm::Module& module, uint32_t index, const FunctionPlan& plan, bool optimise,
                                std::string& error)
{
    // dispatch(pc): call the region holding pc (a binary search over the
    // region starts); while it answers -1 - next, dispatch(next).
    llvm::LLVMContext& ctx = module.getContext();
    llvm::Function* f = nativeFunction(module, index);
    if (!f->empty()) {
        error = "function " + std::to_string(index) + ": dispatcher emitted twice";
        return nullptr;
    }
    if (!optimise)
        markNotOptimised(f);
    llvm::IRBuilder<> b(ctx);
    auto* i32 = b.getInt32Ty();
    llvm::BasicBlock* entry = llvm::BasicBlock::Create(ctx, "entry", f);
    llvm::BasicBlock* dispatch = llvm::BasicBlock::Create(ctx, "dispatch", f);
    llvm::BasicBlock* check = llvm::BasicBlock::Create(ctx, "check", f);
    llvm::BasicBlock* again = llvm::BasicBlock::Create(ctx, "again", f);
    llvm::BasicBlock* done = llvm::BasicBlock::Create(ctx, "done", f);
    b.SetInsertPoint(entry);
    b.CreateBr(dispatch);
    b.SetInsertPoint(check);
    llvm::PHINode* st = b.CreatePHI(i32, unsigned(plan.regions.size()), "st");
    b.CreateCondBr(b.CreateICmpSLT(st, b.getInt32(0)), again, done);
    b.SetInsertPoint(done);
    b.CreateRet(st);
    b.SetInsertPoint(dispatch);
    llvm::PHINode* pc = b.CreatePHI(i32, 2, "pc");
    pc->addIncoming(f->getArg(2), entry);
    b.SetInsertPoint(again);
    llvm::Value* next = b.CreateSub(b.getInt32(uint32_t(-1)), st, "next");
    pc->addIncoming(next, again);
    b.CreateBr(dispatch);

    std::vector<std::pair<uint32_t, uint32_t>> work{{0, uint32_t(plan.regions.size() - 1)}};
    std::vector<llvm::BasicBlock*> at{dispatch};
    while (!work.empty()) {
        const auto [lo, hi] = work.back();
        llvm::BasicBlock* here = at.back();
        work.pop_back();
        at.pop_back();
        b.SetInsertPoint(here);
        if (lo == hi) {
            llvm::Function* region = entryFunction(module, regionName(index, lo));
            st->addIncoming(b.CreateCall(region, {f->getArg(0), f->getArg(1), pc}), here);
            b.CreateBr(check);
            continue;
        }
        const uint32_t mid = lo + (hi - lo + 1) / 2;
        llvm::BasicBlock* low = llvm::BasicBlock::Create(ctx, "low", f);
        llvm::BasicBlock* high = llvm::BasicBlock::Create(ctx, "high", f);
        b.CreateCondBr(b.CreateICmpULT(pc, b.getInt32(plan.regions[mid].begin)), low, high);
        work.push_back({lo, mid - 1});
        at.push_back(low);
        work.push_back({mid, hi});
        at.push_back(high);
    }
    std::string problems;
    llvm::raw_string_ostream os(problems);
    if (llvm::verifyFunction(*f, &os)) {
        error = "function " + std::to_string(index) + ": invalid dispatcher IR: " + os.str();
        f->deleteBody();
        return nullptr;
    }
    return f;
}

} // namespace aeroflow::codegen
