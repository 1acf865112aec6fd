// ORC LLJIT set-up: one module per program, optimised with the new pass
// manager's default pipeline, the engine's runtime helpers defined as
// absolute symbols. llvm::Error becomes a string here, at the boundary
// (STYLE.md, after the LLVM ORC examples).

#include "Jit.h"

#include "FunctionLowering.h"
#include "Pipeline.h"
#include "Program.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <chrono>
#include <mutex>

namespace aeroflow::codegen {

namespace {

std::string errorText(llvm::Error error) { return llvm::toString(std::move(error)); }

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void initialiseLlvm()
{
    static std::once_flag once;
    std::call_once(once, [] {
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
    });
}

} // namespace

struct Jit::Impl {
    std::unique_ptr<llvm::orc::LLJIT> jit;
};

Jit::Jit() : m_impl(std::make_unique<Impl>()) {}
Jit::~Jit() = default;


std::expected<std::unique_ptr<Jit>, std::string> Jit::compile(const compiler::Program& program,
                                                               const JitOptions& options)
{
    if (options.layout.valueSize != 16 || options.layout.fiberFuelOffset != 0)
        return std::unexpected(std::string("the engine's value layout is not the one this JIT generates code for"));
    static const char* const kNeeded[] = {"af_exec",      "af_frame_regs",   "af_release",   "af_interpret_at",
                                          "af_call_push", "af_finish_frame", "af_return",    "af_call_room",
                                          "af_pure_grow", "af_call_interpreted"};
    for (const char* name : kNeeded) {
        bool found = false;
        for (const auto& s : options.runtime)
            found = found || (s.name == name && s.address);
        if (!found)
            return std::unexpected("runtime helper '" + std::string(name) + "' is missing");
    }
    initialiseLlvm();
    auto jit = std::unique_ptr<Jit>(new Jit());
    const auto t0 = std::chrono::steady_clock::now();

    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb)
        return std::unexpected("JIT: " + errorText(jtmb.takeError()));
    jtmb->setCodeGenOptLevel(codeGenLevel(options.optLevel));
    // Determinism (DESIGN.md): no contraction into FMA, no fast-math.
    jtmb->getOptions().AllowFPOpFusion = llvm::FPOpFusion::Strict;
    auto tm = jtmb->createTargetMachine();
    if (!tm)
        return std::unexpected("JIT: " + errorText(tm.takeError()));
    auto lljit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*jtmb).create();
    if (!lljit)
        return std::unexpected("JIT: " + errorText(lljit.takeError()));
    jit->m_impl->jit = std::move(*lljit);
    llvm::orc::LLJIT& J = *jit->m_impl->jit;

    llvm::orc::SymbolMap symbols;
    for (const auto& s : options.runtime)
        symbols[J.mangleAndIntern(s.name)] = llvm::orc::ExecutorSymbolDef(
            llvm::orc::ExecutorAddr::fromPtr(s.address), llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    if (auto err = J.getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))))
        return std::unexpected("JIT: " + errorText(std::move(err)));

    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>(program.sourceName.empty() ? "aeroflow" : program.sourceName, *context);
    module->setDataLayout(J.getDataLayout());
    module->setTargetTriple(J.getTargetTriple().str());
    const RuntimeDecls runtime = declareRuntime(*module);
    std::vector<std::string> names(program.functions.size());
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        names[i] = "af_fn_" + std::to_string(i);
        std::string error;
        if (!lowerFunction(*module, runtime, program, i, options.layout, jit->m_stats, error))
            return std::unexpected(error);
        ++jit->m_stats.functions;
    }
    jit->m_stats.lowerMs = msSince(t0);

    const auto t1 = std::chrono::steady_clock::now();
    optimiseModule(*module, options.optLevel, tm->get());
    if (options.keepIr) {
        llvm::raw_string_ostream os(jit->m_ir);
        module->print(os, nullptr);
    }
    jit->m_stats.optimizeMs = msSince(t1);

    const auto t2 = std::chrono::steady_clock::now();
    if (auto err = J.addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
        return std::unexpected("JIT: " + errorText(std::move(err)));
    jit->m_entries.assign(program.functions.size(), nullptr);
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        auto sym = J.lookup(names[i]);
        if (!sym)
            return std::unexpected("JIT: " + errorText(sym.takeError()));
        jit->m_entries[i] = sym->toPtr<NativeFunction>();
    }
    jit->m_stats.codegenMs = msSince(t2);
    return jit;
}

} // namespace aeroflow::codegen
