// ORC LLJIT set-up and the per-function compile (docs/CODEGEN.md "Compiling
// per function"). Every bytecode function is lowered into modules of its
// own — one per region (FunctionPlan.h), one for the dispatcher of a split
// function, one per pure-tier version — each in a fresh LLVMContext that is
// freed as soon as its object is emitted, so one compile holds at most one
// region's IR and machine code in memory. The objects go to the JIT's
// linker; calls between functions go through the entry table
// (af_native_entries), so compiling a function never compiles its callees.
// llvm::Error becomes a string here, at the boundary (STYLE.md, after the
// LLVM ORC examples).

#include "Jit.h"

#include "FunctionLowering.h"
#include "FunctionPlan.h"
#include "Pipeline.h"
#include "Program.h"
#include "PureLowering.h"

#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <chrono>
#include <functional>
#include <unordered_set>

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

/// One emitted module: its object, named for error messages.
struct Piece {
    std::string name;
    std::string object;
};

} // namespace

struct Jit::Impl {
    const compiler::Program* program = nullptr;
    JitOptions options;
    std::unique_ptr<llvm::orc::LLJIT> jit;
    std::unique_ptr<llvm::TargetMachine> optimising; ///< at options.optLevel
    std::unique_ptr<llvm::TargetMachine> fast;       ///< at CodeGenOptLevel::None
    std::shared_ptr<const PureSet> pure;
    std::vector<uint8_t> pureAdded; ///< per function: af_pure_N is in the JIT
    std::mutex compileMutex;        ///< one compile at a time (the target machines are not shared)

    /// Builds one module with `build`, optimises and emits it into `out`,
    /// counting into `delta`. False with `error` set on failure.
    bool emitModule(const std::string& name, bool optimise,
                    const std::function<bool(llvm::Module&, const RuntimeDecls&)>& build, std::vector<Piece>& out,
                    CompileStats& delta, std::string& ir, std::string& error);
};

Jit::Jit() : m_impl(std::make_unique<Impl>()) {}
Jit::~Jit() = default;

bool Jit::Impl::emitModule(const std::string& name, bool optimise,
                           const std::function<bool(llvm::Module&, const RuntimeDecls&)>& build,
                           std::vector<Piece>& out, CompileStats& delta, std::string& ir, std::string& error)
{
    const auto t0 = std::chrono::steady_clock::now();
    llvm::LLVMContext context;
    llvm::Module module(name, context);
    module.setDataLayout(jit->getDataLayout());
    module.setTargetTriple(jit->getTargetTriple().str());
    const RuntimeDecls runtime = declareRuntime(module, CallTarget::Table, pure);
    if (!build(module, runtime))
        return false;
    delta.largestModuleInstructions = std::max<uint64_t>(delta.largestModuleInstructions, module.getInstructionCount());
    delta.lowerMs += msSince(t0);

    const auto t1 = std::chrono::steady_clock::now();
    const int level = optimise ? options.optLevel : 0;
    llvm::TargetMachine& tm = level > 0 ? *optimising : *fast;
    optimiseModule(module, level, &tm);
    if (options.keepIr) {
        llvm::raw_string_ostream os(ir);
        module.print(os, nullptr);
    }
    delta.optimizeMs += msSince(t1);

    const auto t2 = std::chrono::steady_clock::now();
    auto object = emitObjectCode(module, tm);
    if (!object) {
        error = object.error();
        return false;
    }
    out.push_back({name, std::move(*object)});
    ++delta.modules;
    delta.codegenMs += msSince(t2);
    return true;
}

std::expected<std::unique_ptr<Jit>, std::string> Jit::create(const compiler::Program& program,
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
    for (uint32_t i = 0; i < program.functions.size(); ++i)
        if (std::string error = validateFunction(program, i); !error.empty())
            return std::unexpected(error);
    initialiseLlvm();
    auto jit = std::unique_ptr<Jit>(new Jit());
    Impl& impl = *jit->m_impl;
    impl.program = &program;
    impl.options = options;
    impl.pure = std::make_shared<const PureSet>(PureSet{findPureFunctions(program)});
    impl.pureAdded.assign(program.functions.size(), 0);
    jit->m_count = uint32_t(program.functions.size());
    jit->m_entries = std::make_unique<std::atomic<NativeFunction>[]>(std::max<size_t>(jit->m_count, 1));
    for (uint32_t i = 0; i < std::max<uint32_t>(jit->m_count, 1); ++i)
        jit->m_entries[i].store(nullptr, std::memory_order_relaxed);

    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb)
        return std::unexpected("JIT: " + errorText(jtmb.takeError()));
    // Determinism (DESIGN.md): no contraction into FMA, no fast-math.
    jtmb->getOptions().AllowFPOpFusion = llvm::FPOpFusion::Strict;
    // What LLJIT's own linker set-up (JITLink) expects of the objects we
    // emit ourselves: position independent, small code model (the helpers
    // and the entry table are reached through the GOT, at any address).
    jtmb->setRelocationModel(llvm::Reloc::PIC_);
    jtmb->setCodeModel(llvm::CodeModel::Small);
    for (auto [level, tm] : {std::pair{options.optLevel, &impl.optimising}, std::pair{0, &impl.fast}}) {
        auto builder = *jtmb;
        builder.setCodeGenOptLevel(codeGenLevel(level));
        auto made = builder.createTargetMachine();
        if (!made)
            return std::unexpected("JIT: " + errorText(made.takeError()));
        *tm = std::move(*made);
    }
    auto lljit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*jtmb).create();
    if (!lljit)
        return std::unexpected("JIT: " + errorText(lljit.takeError()));
    impl.jit = std::move(*lljit);
    llvm::orc::LLJIT& J = *impl.jit;

    llvm::orc::SymbolMap symbols;
    for (const auto& s : options.runtime)
        symbols[J.mangleAndIntern(s.name)] = llvm::orc::ExecutorSymbolDef(
            llvm::orc::ExecutorAddr::fromPtr(s.address), llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
    symbols[J.mangleAndIntern("af_native_entries")] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr::fromPtr(jit->m_entries.get()), llvm::JITSymbolFlags::Exported);
    if (auto err = J.getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(symbols))))
        return std::unexpected("JIT: " + errorText(std::move(err)));
    return jit;
}

std::expected<std::unique_ptr<Jit>, std::string> Jit::compile(const compiler::Program& program,
                                                               const JitOptions& options)
{
    auto jit = create(program, options);
    if (!jit)
        return jit;
    for (uint32_t i = 0; i < program.functions.size(); ++i) {
        FunctionResult r = (*jit)->compileFunction(i);
        if (r.outcome == CompileOutcome::Failed)
            return std::unexpected(r.error);
    }
    return jit;
}

FunctionResult Jit::compileFunction(uint32_t index, const std::atomic<bool>* cancel)
{
    if (index >= m_count)
        return {CompileOutcome::Failed, "no function " + std::to_string(index)};
    Impl& impl = *m_impl;
    std::lock_guard compiling(impl.compileMutex);
    if (entry(index))
        return {CompileOutcome::Native, {}};
    const compiler::Program& program = *impl.program;
    const compiler::Function& fn = program.functions[index];
    const JitLimits& limits = impl.options.limits;
    if (fn.code.size() > limits.maxFunctionInstructions) {
        std::lock_guard lock(m_statsMutex);
        ++m_stats.tooLarge;
        return {CompileOutcome::TooLarge, {}};
    }
    if (stats().codeBytes >= limits.maxCodeBytes) {
        std::lock_guard lock(m_statsMutex);
        ++m_stats.overCodeLimit;
        return {CompileOutcome::CodeLimit, {}};
    }
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    auto optimised = [&](const compiler::Function& f) {
        return impl.options.optLevel > 0 && f.code.size() <= limits.maxOptimisedInstructions;
    };
    CompileStats delta;
    std::vector<Piece> pieces;
    std::string ir, error;
    auto failed = [&] {
        std::lock_guard lock(m_statsMutex);
        ++m_stats.failed;
        return FunctionResult{CompileOutcome::Failed, error};
    };

    // The pure-tier versions this function's calls need (and its own, when
    // it qualifies), with the ones those call in turn.
    std::vector<uint32_t> work, pureNew;
    std::unordered_set<uint32_t> wanted;
    auto want = [&](uint32_t g) {
        if (impl.pure->pure[g] && !impl.pureAdded[g] && wanted.insert(g).second)
            work.push_back(g);
    };
    want(index);
    for (const auto& in : fn.code)
        if (in.op == compiler::Op::CALL)
            want(in.bc());
    while (!work.empty()) {
        const uint32_t g = work.back();
        work.pop_back();
        if (cancelled())
            return {CompileOutcome::Cancelled, {}};
        const bool ok = impl.emitModule(
            "af_pure_" + std::to_string(g), optimised(program.functions[g]),
            [&](llvm::Module& m, const RuntimeDecls&) { return lowerPure(m, program, g, impl.options.layout, error); },
            pieces, delta, ir, error);
        if (!ok)
            return failed();
        pureNew.push_back(g);
        for (const auto& in : program.functions[g].code)
            if (in.op == compiler::Op::CALL)
                want(in.bc());
    }

    const bool optimise = optimised(fn);
    const FunctionPlan plan = planFunction(fn, limits.maxRegionInstructions);
    for (uint32_t r = 0; r < plan.regions.size(); ++r) {
        if (cancelled())
            return {CompileOutcome::Cancelled, {}};
        const std::string name = plan.regions.size() == 1 ? nativeName(index) : regionName(index, r);
        const bool ok = impl.emitModule(
            name, optimise,
            [&](llvm::Module& m, const RuntimeDecls& rt) {
                return lowerRegion(m, rt, program, index, plan, r, impl.options.layout, optimise, delta, error) !=
                       nullptr;
            },
            pieces, delta, ir, error);
        if (!ok)
            return failed();
    }
    if (plan.regions.size() > 1) {
        const bool ok = impl.emitModule(
            nativeName(index), optimise,
            [&](llvm::Module& m, const RuntimeDecls&) {
                return lowerDispatcher(m, index, plan, optimise, error) != nullptr;
            },
            pieces, delta, ir, error);
        if (!ok)
            return failed();
    }

    const auto t0 = std::chrono::steady_clock::now();
    uint64_t bytes = 0;
    for (const Piece& p : pieces)
        bytes += p.object.size();
    {
        std::lock_guard lock(m_statsMutex);
        if (m_stats.codeBytes + bytes > limits.maxCodeBytes) {
            ++m_stats.overCodeLimit;
            return {CompileOutcome::CodeLimit, {}};
        }
    }
    llvm::orc::LLJIT& J = *impl.jit;
    for (Piece& p : pieces) {
        auto buffer = llvm::MemoryBuffer::getMemBufferCopy(p.object, p.name);
        std::string().swap(p.object);
        if (auto err = J.addObjectFile(std::move(buffer))) {
            error = "JIT: " + errorText(std::move(err));
            return failed();
        }
    }
    for (uint32_t g : pureNew)
        impl.pureAdded[g] = 1;
    auto sym = J.lookup(nativeName(index));
    if (!sym) {
        error = "JIT: " + errorText(sym.takeError());
        return failed();
    }
    m_entries[index].store(sym->toPtr<NativeFunction>(), std::memory_order_release);
    delta.codegenMs += msSince(t0);

    std::lock_guard lock(m_statsMutex);
    m_stats.functions += 1;
    m_stats.instructions += delta.instructions;
    m_stats.inlinedInstructions += delta.inlinedInstructions;
    m_stats.pureFunctions += uint32_t(pureNew.size());
    m_stats.regions += uint32_t(plan.regions.size());
    m_stats.modules += delta.modules;
    m_stats.unoptimised += impl.options.optLevel > 0 && !optimise ? 1 : 0;
    m_stats.codeBytes += bytes;
    m_stats.largestModuleInstructions = std::max(m_stats.largestModuleInstructions, delta.largestModuleInstructions);
    m_stats.lowerMs += delta.lowerMs;
    m_stats.optimizeMs += delta.optimizeMs;
    m_stats.codegenMs += delta.codegenMs;
    m_ir += ir;
    return {CompileOutcome::Native, {}};
}

} // namespace aeroflow::codegen
