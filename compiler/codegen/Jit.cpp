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
#include <unordered_map>
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

/// What the linker's memory for one object comes to, at most: JITLink maps
/// each segment (code, read-only data, data) in whole pages. An estimate
/// from above, so that the code limit bounds memory, not just object bytes.
uint64_t footprint(size_t objectBytes)
{
    constexpr uint64_t kPage = 4096;
    return (objectBytes + kPage - 1) / kPage * kPage + 2 * kPage;
}

/// Objects added to the JIT together or not at all, and the functions
/// (native entries) and pure-tier versions they define.
struct Unit {
    std::vector<Piece> pieces;
    std::vector<uint32_t> functions;
    std::vector<uint32_t> pure;
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
    std::vector<uint32_t> all(program.functions.size());
    for (uint32_t i = 0; i < all.size(); ++i)
        all[i] = i;
    for (const FunctionResult& r : (*jit)->compileFunctions(all))
        if (r.outcome == CompileOutcome::Failed)
            return std::unexpected(r.error);
    return jit;
}

FunctionResult Jit::compileFunction(uint32_t index, const std::atomic<bool>* cancel)
{
    return compileFunctions({index}, cancel).front();
}

std::vector<FunctionResult> Jit::compileFunctions(const std::vector<uint32_t>& indices,
                                                  const std::atomic<bool>* cancel)
{
    Impl& impl = *m_impl;
    std::lock_guard compiling(impl.compileMutex);
    const compiler::Program& program = *impl.program;
    const JitLimits& limits = impl.options.limits;
    std::vector<FunctionResult> results(indices.size(), FunctionResult{CompileOutcome::Native, {}});
    CompileStats delta;
    auto optimised = [&](uint32_t f) {
        return impl.options.optLevel > 0 && program.functions[f].code.size() <= limits.maxOptimisedInstructions;
    };

    // Which functions to compile; the others are answered now.
    std::vector<uint32_t> todo;
    std::unordered_set<uint32_t> seen;
    const uint64_t bytesBefore = stats().codeBytes;
    for (size_t k = 0; k < indices.size(); ++k) {
        const uint32_t f = indices[k];
        if (f >= m_count)
            results[k] = {CompileOutcome::Failed, "no function " + std::to_string(f)};
        else if (entry(f))
            continue;
        else if (program.functions[f].code.size() > limits.maxFunctionInstructions)
            results[k].outcome = CompileOutcome::TooLarge, ++delta.tooLarge;
        else if (bytesBefore >= limits.maxCodeBytes)
            results[k].outcome = CompileOutcome::CodeLimit, ++delta.overCodeLimit;
        else if (seen.insert(f).second)
            todo.push_back(f);
    }

    // The pure-tier versions these functions need (their own, when they
    // qualify, and those their calls reach).
    std::vector<uint32_t> work, pureNew;
    std::unordered_set<uint32_t> wanted;
    auto want = [&](uint32_t g) {
        if (impl.pure->pure[g] && !impl.pureAdded[g] && wanted.insert(g).second)
            work.push_back(g);
    };
    for (uint32_t f : todo) {
        want(f);
        for (const auto& in : program.functions[f].code)
            if (in.op == compiler::Op::CALL)
                want(in.bc());
    }
    while (!work.empty()) {
        const uint32_t g = work.back();
        work.pop_back();
        pureNew.push_back(g);
        for (const auto& in : program.functions[g].code)
            if (in.op == compiler::Op::CALL)
                want(in.bc());
    }

    // Lowered and emitted: pure versions and short functions several to a
    // module (up to a region's worth of bytecode: LLVM's fixed cost per
    // module is then paid once for many), each long function in its regions.
    std::string ir, error;
    std::vector<Unit> units;
    bool ok = true;
    auto pack = [&](const std::vector<uint32_t>& items, bool pure, Unit& unit, bool unitPerModule) {
        for (size_t at = 0; ok && at < items.size();) {
            const bool optimise = optimised(items[at]);
            size_t end = at;
            uint64_t size = 0;
            while (end < items.size() && optimised(items[end]) == optimise &&
                   (end == at || size + program.functions[items[end]].code.size() <= limits.maxRegionInstructions))
                size += program.functions[items[end++]].code.size();
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                ok = false;
                error.clear();
                return;
            }
            Unit single;
            Unit& into = unitPerModule ? single : unit;
            const std::string name = (pure ? "af_pure_" : "af_fn_") + std::to_string(items[at]) + "+" +
                                     std::to_string(end - at - 1);
            ok = impl.emitModule(
                name, optimise,
                [&](llvm::Module& m, const RuntimeDecls& rt) {
                    for (size_t i = at; i < end; ++i) {
                        const uint32_t f = items[i];
                        if (pure) {
                            if (!lowerPure(m, program, f, impl.options.layout, error))
                                return false;
                            continue;
                        }
                        const FunctionPlan plan = planFunction(program.functions[f], limits.maxRegionInstructions);
                        const RegionStyle style =
                            regionStyle(program.functions[f], plan, 0, impl.options.optLevel, limits);
                        if (!lowerRegion(m, rt, program, f, plan, 0, impl.options.layout, style, delta, error))
                            return false;
                    }
                    return true;
                },
                into.pieces, delta, ir, error);
            for (size_t i = at; i < end; ++i)
                (pure ? into.pure : into.functions).push_back(items[i]);
            if (unitPerModule && ok)
                units.push_back(std::move(single));
            at = end;
        }
    };
    Unit pureUnit;
    pack(pureNew, true, pureUnit, false);
    std::vector<uint32_t> small;
    for (uint32_t f : todo) {
        if (!ok)
            break;
        if (program.functions[f].code.size() <= limits.maxRegionInstructions) {
            small.push_back(f);
            continue;
        }
        const bool optimise = optimised(f);
        const FunctionPlan plan = planFunction(program.functions[f], limits.maxRegionInstructions);
        Unit unit;
        unit.functions.push_back(f);
        for (uint32_t r = 0; ok && r < plan.regions.size(); ++r) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                ok = false;
                error.clear();
                break;
            }
            ok = impl.emitModule(
                regionName(f, r), optimise,
                [&](llvm::Module& m, const RuntimeDecls& rt) {
                    const RegionStyle style =
                        regionStyle(program.functions[f], plan, r, impl.options.optLevel, limits);
                    return lowerRegion(m, rt, program, f, plan, r, impl.options.layout, style, delta, error) !=
                           nullptr;
                },
                unit.pieces, delta, ir, error);
        }
        if (ok)
            ok = impl.emitModule(
                nativeName(f), optimise,
                [&](llvm::Module& m, const RuntimeDecls&) {
                    return lowerDispatcher(m, f, plan, optimise, error) != nullptr;
                },
                unit.pieces, delta, ir, error);
        if (ok)
            units.push_back(std::move(unit));
    }
    if (ok)
        pack(small, false, pureUnit, true);
    std::unordered_multimap<uint32_t, size_t> positions; // function -> its places in `indices`
    for (size_t k = 0; k < indices.size(); ++k)
        positions.emplace(indices[k], k);
    auto answer = [&](uint32_t f, const FunctionResult& r) {
        const auto [first, last] = positions.equal_range(f);
        for (auto it = first; it != last; ++it)
            results[it->second] = r;
    };
    if (!ok) {
        // Cancelled (error empty) or an LLVM failure: nothing is added.
        const CompileOutcome outcome = error.empty() ? CompileOutcome::Cancelled : CompileOutcome::Failed;
        for (uint32_t f : todo)
            answer(f, {outcome, error});
        std::lock_guard lock(m_statsMutex);
        m_stats.tooLarge += delta.tooLarge;
        m_stats.overCodeLimit += delta.overCodeLimit;
        m_stats.failed += outcome == CompileOutcome::Failed ? uint32_t(todo.size()) : 0;
        return results;
    }

    // Linked: the pure versions always (calls of them need them), then each
    // unit while the code limit allows; one lookup for all entries.
    const auto t0 = std::chrono::steady_clock::now();
    llvm::orc::LLJIT& J = *impl.jit;
    uint64_t bytes = bytesBefore;
    std::vector<uint32_t> added;
    auto add = [&](Unit& unit) -> bool {
        for (Piece& p : unit.pieces) {
            auto buffer = llvm::MemoryBuffer::getMemBufferCopy(p.object, p.name);
            bytes += footprint(p.object.size());
            std::string().swap(p.object);
            if (auto err = J.addObjectFile(std::move(buffer))) {
                error = "JIT: " + errorText(std::move(err));
                return false;
            }
        }
        for (uint32_t g : unit.pure)
            impl.pureAdded[g] = 1;
        added.insert(added.end(), unit.functions.begin(), unit.functions.end());
        return true;
    };
    ok = add(pureUnit);
    for (Unit& unit : units) {
        if (!ok)
            break;
        uint64_t size = 0;
        for (const Piece& p : unit.pieces)
            size += footprint(p.object.size());
        if (bytes + size > limits.maxCodeBytes) {
            for (uint32_t f : unit.functions)
                answer(f, {CompileOutcome::CodeLimit, {}});
            delta.overCodeLimit += uint32_t(unit.functions.size());
            continue;
        }
        ok = add(unit);
    }
    llvm::orc::SymbolLookupSet names;
    for (uint32_t f : added)
        names.add(J.mangleAndIntern(nativeName(f)));
    llvm::Expected<llvm::orc::SymbolMap> found =
        ok ? J.getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(&J.getMainJITDylib()), std::move(names))
           : llvm::Expected<llvm::orc::SymbolMap>(llvm::orc::SymbolMap());
    if (ok && !found) {
        error = "JIT: " + errorText(found.takeError());
        ok = false;
    }
    uint32_t compiled = 0, unoptimised = 0, regions = 0;
    for (uint32_t f : added) {
        if (!ok) {
            answer(f, {CompileOutcome::Failed, error});
            ++delta.failed;
            continue;
        }
        m_entries[f].store((*found)[J.mangleAndIntern(nativeName(f))].getAddress().toPtr<NativeFunction>(),
                           std::memory_order_release);
        ++compiled;
        unoptimised += impl.options.optLevel > 0 && !optimised(f) ? 1 : 0;
        const size_t size = program.functions[f].code.size();
        regions += size <= limits.maxRegionInstructions ? 1 : uint32_t(planFunction(program.functions[f],
                                                                                   limits.maxRegionInstructions)
                                                                           .regions.size());
    }
    delta.codegenMs += msSince(t0);

    std::lock_guard lock(m_statsMutex);
    m_stats.functions += compiled;
    m_stats.instructions += delta.instructions;
    m_stats.inlinedInstructions += delta.inlinedInstructions;
    m_stats.pureFunctions += uint32_t(pureUnit.pure.size());
    m_stats.regions += regions;
    m_stats.modules += delta.modules;
    m_stats.unoptimised += unoptimised;
    m_stats.compactRegions += delta.compactRegions;
    m_stats.tooLarge += delta.tooLarge;
    m_stats.overCodeLimit += delta.overCodeLimit;
    m_stats.failed += delta.failed;
    m_stats.codeBytes = bytes;
    m_stats.largestModuleInstructions = std::max(m_stats.largestModuleInstructions, delta.largestModuleInstructions);
    m_stats.lowerMs += delta.lowerMs;
    m_stats.optimizeMs += delta.optimizeMs;
    m_stats.codegenMs += delta.codegenMs;
    m_ir += ir;
    return results;
}

} // namespace aeroflow::codegen
