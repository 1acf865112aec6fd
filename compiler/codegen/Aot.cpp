// Object emission for `aeroflow build`: lowering as in Jit.cpp, then a
// TargetMachine for the requested triple and the legacy code-generation pass
// manager writing an object into memory (after the LLVM "Kaleidoscope:
// compiling to object code" chapter). FP contraction is off on every target.

#include "Aot.h"

#include "FunctionLowering.h"
#include "FunctionPlan.h"
#include "Pipeline.h"
#include "Program.h"
#include "PureLowering.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Triple.h>

#include <chrono>
#include <mutex>

namespace aeroflow::codegen {

namespace {

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void initialiseTargets()
{
    static std::once_flag once;
    std::call_once(once, [] {
        llvm::InitializeAllTargetInfos();
        llvm::InitializeAllTargets();
        llvm::InitializeAllTargetMCs();
        llvm::InitializeAllAsmPrinters();
    });
}

/// A constant, externally visible global the runtime reads by name.
void defineConstant(llvm::Module& module, const char* name, llvm::Constant* value)
{
    auto* gv = new llvm::GlobalVariable(module, value->getType(), true, llvm::GlobalValue::ExternalLinkage, value,
                                        name);
    gv->setAlignment(llvm::Align(8));
}

/// The `af_aot_*` symbols (runtime/AotAbi.h reads them).
void defineTables(llvm::Module& module, const compiler::Program& program, const AotOptions& options,
                  const std::vector<llvm::Function*>& functions)
{
    llvm::LLVMContext& ctx = module.getContext();
    auto* i32 = llvm::Type::getInt32Ty(ctx);
    auto* i64 = llvm::Type::getInt64Ty(ctx);
    auto* ptr = llvm::PointerType::get(ctx, 0);
    std::vector<llvm::Constant*> entries;
    for (llvm::Function* f : functions)
        entries.push_back(f ? static_cast<llvm::Constant*>(f) : llvm::ConstantPointerNull::get(ptr));
    entries.push_back(llvm::ConstantPointerNull::get(ptr)); // never an empty array
    defineConstant(module, "af_aot_entries",
                   llvm::ConstantArray::get(llvm::ArrayType::get(ptr, entries.size()), entries));
    defineConstant(module, "af_aot_function_count", llvm::ConstantInt::get(i32, functions.size()));
    defineConstant(module, "af_aot_abi_version", llvm::ConstantInt::get(i32, kAotAbiVersion));
    defineConstant(module, "af_aot_program_hash", llvm::ConstantInt::get(i64, program.programHash));
    defineConstant(module, "af_aot_source", llvm::ConstantDataArray::getString(ctx, options.sourceText, true));
    defineConstant(module, "af_aot_source_size", llvm::ConstantInt::get(i64, options.sourceText.size()));
    defineConstant(module, "af_aot_source_name", llvm::ConstantDataArray::getString(ctx, options.sourceName, true));
    const ValueLayout& l = options.layout;
    const uint32_t layout[] = {l.valueSize, l.tagOffset, l.payloadOffset, l.fiberFuelOffset, l.tagNil,
                               l.tagBool,   l.tagInt,    l.tagFloat,      l.tagFirstObject,  l.tagActor};
    defineConstant(module, "af_aot_layout", llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<uint32_t>(layout)));
}

} // namespace

std::expected<AotObject, std::string> emitObject(const compiler::Program& program, const AotOptions& options)
{
    const std::string triple = aotTriple(options.target);
    if (triple.empty())
        return std::unexpected("unknown target '" + options.target + "' (expected x86_64-linux, aarch64-linux or wasm32)");
    if (options.layout.valueSize != 16 || options.layout.fiberFuelOffset != 0)
        return std::unexpected(std::string("the engine's value layout is not the one this compiler generates code for"));
    if (options.optLevel < 0 || options.optLevel > 3)
        return std::unexpected(std::string("the optimisation level must be 0 to 3"));
    initialiseTargets();
    AotObject out;
    out.triple = triple;
    const auto t0 = std::chrono::steady_clock::now();

    std::string error;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (!target)
        return std::unexpected("LLVM has no backend for " + triple + ": " + error);
    llvm::TargetOptions targetOptions;
    // Determinism (DESIGN.md): no contraction into FMA, no fast-math, on every target.
    targetOptions.AllowFPOpFusion = llvm::FPOpFusion::Strict;
    const bool wasm = llvm::Triple(triple).isWasm();
    std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
        triple, "generic", "", targetOptions, wasm ? llvm::Reloc::Static : llvm::Reloc::PIC_, std::nullopt,
        codeGenLevel(options.optLevel)));
    if (!tm)
        return std::unexpected("LLVM cannot create a target machine for " + triple);

    llvm::LLVMContext context;
    llvm::Module module(program.sourceName.empty() ? "aeroflow" : program.sourceName, context);
    module.setDataLayout(tm->createDataLayout());
    module.setTargetTriple(triple);
    auto pure = std::make_shared<const PureSet>(PureSet{findPureFunctions(program)});
    const RuntimeDecls runtime = declareRuntime(module, CallTarget::Direct, pure);
    const JitLimits& limits = options.limits;
    std::vector<llvm::Function*> functions(program.functions.size(), nullptr);
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        if (std::string invalid = validateFunction(program, i); !invalid.empty())
            return std::unexpected(invalid);
        const compiler::Function& fn = program.functions[i];
        if (fn.code.size() > limits.maxFunctionInstructions) {
            ++out.stats.tooLarge; // a null entry: the runtime interprets it
            lowerInterpreterStub(module, runtime, i);
            continue;
        }
        // Regions keep every LLVM function small, as in the JIT; a big
        // function is not optimised (optnone), so one module's time stays
        // in proportion to the program.
        const bool optimise = options.optLevel > 0 && fn.code.size() <= limits.maxOptimisedInstructions;
        const FunctionPlan plan = planFunction(fn, limits.maxRegionInstructions);
        for (uint32_t r = 0; r < plan.regions.size(); ++r)
            if (!lowerRegion(module, runtime, program, i, plan, r, options.layout,
                             regionStyle(fn, plan, r, options.optLevel, limits), out.stats, error))
                return std::unexpected(error);
        if (plan.regions.size() > 1 && !lowerDispatcher(module, i, plan, optimise, error))
            return std::unexpected(error);
        functions[i] = nativeFunction(module, i);
        if (pure->pure[i]) {
            if (!lowerPure(module, program, i, options.layout, error))
                return std::unexpected(error);
            ++out.stats.pureFunctions;
        }
        ++out.stats.functions;
        out.stats.regions += uint32_t(plan.regions.size());
        out.stats.unoptimised += options.optLevel > 0 && !optimise ? 1 : 0;
    }
    // A pure call of a function over the size limit has no pure version to
    // call: emit those too (they are small: PureQualify bounds them).
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        llvm::Function* f = module.getFunction("af_pure_" + std::to_string(i));
        if (f && f->isDeclaration() && !lowerPure(module, program, i, options.layout, error))
            return std::unexpected(error);
    }
    // Reached only through the entry table: lets the optimiser see every caller.
    for (llvm::Function& f : module.functions())
        if (!f.isDeclaration() && f.getName().starts_with("af_"))
            f.setLinkage(llvm::GlobalValue::InternalLinkage);
    out.stats.largestModuleInstructions = module.getInstructionCount();
    defineTables(module, program, options, functions);
    out.stats.lowerMs = msSince(t0);

    const auto t1 = std::chrono::steady_clock::now();
    {
        std::string problems;
        llvm::raw_string_ostream os(problems);
        if (llvm::verifyModule(module, &os))
            return std::unexpected("internal error: invalid LLVM IR: " + problems);
    }
    optimiseModule(module, options.optLevel, tm.get());
    out.stats.optimizeMs = msSince(t1);

    const auto t2 = std::chrono::steady_clock::now();
    auto object = emitObjectCode(module, *tm);
    if (!object)
        return std::unexpected(object.error());
    out.bytes = std::move(*object);
    out.stats.codeBytes = out.bytes.size();
    out.stats.modules = 1;
    out.stats.codegenMs = msSince(t2);
    return out;
}

} // namespace aeroflow::codegen
