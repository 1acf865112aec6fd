#include "Pipeline.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassInstrumentation.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace aeroflow::codegen {

void optimiseModule(llvm::Module& module, int level, llvm::TargetMachine* tm)
{
    if (level <= 0)
        return;
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    // Functions marked optnone (regions of big functions, FunctionLowering.h)
    // are skipped by the function passes only with this instrumentation.
    llvm::PassInstrumentationCallbacks callbacks;
    llvm::OptNoneInstrumentation optNone(false);
    optNone.registerCallbacks(callbacks);
    llvm::PassBuilder pb(tm, llvm::PipelineTuningOptions(), std::nullopt, &callbacks);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    const llvm::OptimizationLevel opt = level == 1 ? llvm::OptimizationLevel::O1
                                        : level == 2 ? llvm::OptimizationLevel::O2
                                                     : llvm::OptimizationLevel::O3;
    llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(opt);
    mpm.run(module, mam);
}

llvm::CodeGenOptLevel codeGenLevel(int level)
{
    return level <= 0 ? llvm::CodeGenOptLevel::None
           : level == 1 ? llvm::CodeGenOptLevel::Less
           : level == 2 ? llvm::CodeGenOptLevel::Default
                        : llvm::CodeGenOptLevel::Aggressive;
}

std::expected<std::string, std::string> emitObjectCode(llvm::Module& module, llvm::TargetMachine& tm)
{
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream os(buffer);
    llvm::legacy::PassManager passes;
    if (tm.addPassesToEmitFile(passes, os, nullptr, llvm::CodeGenFileType::ObjectFile))
        return std::unexpected("LLVM cannot emit an object file for " + tm.getTargetTriple().str());
    passes.run(module);
    return std::string(buffer.begin(), buffer.end());
}

} // namespace aeroflow::codegen
