#include "NativeJit.h"

#include "JitPlugin.h"
#include "JitRuntime.h"

#include "Program.h"

#include <dlfcn.h>

#include <filesystem>
#include <vector>

namespace aeroflow::cli {

namespace {

struct Plugin {
    AeroflowJitCreateFn create = nullptr;
    AeroflowJitCompileFunctionsFn compileFunctions = nullptr;
    AeroflowJitFreeFn free = nullptr;
    AeroflowAotEmitFn emit = nullptr;
    std::string error;
};

/// Loads libaeroflow_jit.so once per process (never unloaded: native code
/// and the LLVM state live in it). Looks next to the executable, in the
/// installed ../lib/aeroflow, then in the build tree.
const Plugin& plugin()
{
    static const Plugin loaded = [] {
        Plugin p;
        std::vector<std::filesystem::path> candidates;
        std::error_code ec;
        const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (!ec) {
            candidates.push_back(exe.parent_path() / "libaeroflow_jit.so");
            candidates.push_back(exe.parent_path() / ".." / "lib" / "aeroflow" / "libaeroflow_jit.so");
        }
#ifdef AEROFLOW_JIT_PLUGIN_PATH
        candidates.emplace_back(AEROFLOW_JIT_PLUGIN_PATH);
#endif
        std::string tried;
        for (const auto& c : candidates) {
            if (!std::filesystem::exists(c, ec))
                continue;
            void* handle = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                tried += std::string("\n  ") + dlerror();
                continue;
            }
            p.create = reinterpret_cast<AeroflowJitCreateFn>(dlsym(handle, "aeroflow_jit_create"));
            p.compileFunctions =
                reinterpret_cast<AeroflowJitCompileFunctionsFn>(dlsym(handle, "aeroflow_jit_compile_functions"));
            p.free = reinterpret_cast<AeroflowJitFreeFn>(dlsym(handle, "aeroflow_jit_free"));
            p.emit = reinterpret_cast<AeroflowAotEmitFn>(dlsym(handle, "aeroflow_aot_emit"));
            if (p.create && p.compileFunctions && p.free && p.emit)
                return p;
            tried += "\n  " + c.string() + ": not an AeroFlow JIT plug-in";
        }
        p.create = nullptr;
        p.error = "the JIT plug-in libaeroflow_jit.so cannot be loaded" + (tried.empty() ? " (not found)" : tried);
        return p;
    }();
    return loaded;
}

/// The engine's layout as codegen spells it.
codegen::ValueLayout engineLayout()
{
    const engine::NativeLayout l = engine::nativeLayout();
    codegen::ValueLayout out;
    out.valueSize = l.valueSize;
    out.tagOffset = l.tagOffset;
    out.payloadOffset = l.payloadOffset;
    out.fiberFuelOffset = l.fiberFuelOffset;
    out.tagNil = l.tagNil;
    out.tagBool = l.tagBool;
    out.tagInt = l.tagInt;
    out.tagFloat = l.tagFloat;
    out.tagFirstObject = l.tagFirstObject;
    out.tagActor = l.tagActor;
    return out;
}

std::string kib(uint64_t bytes)
{
    return std::to_string((bytes + 1023) / 1024) + " KiB";
}

} // namespace

NativeJit::~NativeJit()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true; // a compile in progress stops at its next module
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    if (m_jit)
        plugin().free(m_jit);
}

std::expected<std::unique_ptr<NativeJit>, std::string> NativeJit::compile(const compiler::Program& program,
                                                                         int optLevel, JitPolicy policy)
{
    const Plugin& p = plugin();
    if (!p.create)
        return std::unexpected(p.error);
    codegen::JitOptions options;
    options.optLevel = optLevel;
    options.layout = engineLayout();
    options.limits = policy.limits;
    for (const auto& s : engine::nativeRuntimeSymbols())
        options.runtime.push_back({s.name, s.address});
    codegen::Jit* jit = nullptr;
    std::string error;
    if (!p.create(&program, &options, &jit, &error))
        return std::unexpected(error);
    auto native = std::unique_ptr<NativeJit>(new NativeJit());
    native->m_jit = jit;
    native->m_program = &program;
    native->m_optLevel = optLevel;
    native->m_policy = policy;
    native->m_count = uint32_t(program.functions.size());
    native->m_state = std::make_unique<std::atomic<uint8_t>[]>(std::max<uint32_t>(native->m_count, 1));
    for (uint32_t i = 0; i < native->m_count; ++i)
        native->m_state[i].store(uint8_t(State::NotCompiled), std::memory_order_relaxed);
    uint64_t total = 0;
    for (const auto& fn : program.functions)
        total += fn.code.size();
    if (total <= policy.eagerProgramInstructions && native->m_count > 0) {
        std::lock_guard compiling(native->m_compiling);
        std::vector<uint32_t> all(native->m_count);
        for (uint32_t i = 0; i < native->m_count; ++i)
            all[i] = i;
        std::vector<codegen::FunctionResult> results(all.size());
        p.compileFunctions(jit, all.data(), uint32_t(all.size()), nullptr, results.data());
        for (uint32_t i = 0; i < native->m_count; ++i) {
            if (results[i].outcome == codegen::CompileOutcome::Failed)
                return std::unexpected(results[i].error);
            native->record(i, results[i]);
        }
    }
    return native;
}

std::expected<codegen::AotObject, std::string> NativeJit::emitObject(const compiler::Program& program,
                                                                    const std::string& target, int optLevel,
                                                                    const std::string& sourceName,
                                                                    const std::string& sourceText)
{
    const Plugin& p = plugin();
    if (!p.create)
        return std::unexpected(p.error);
    codegen::AotOptions options;
    options.target = target;
    options.optLevel = optLevel;
    options.layout = engineLayout();
    options.sourceName = sourceName;
    options.sourceText = sourceText;
    codegen::AotObject object;
    std::string error;
    if (!p.emit(&program, &options, &object, &error))
        return std::unexpected(error);
    return object;
}

engine::NativeEntry NativeJit::entry(uint32_t function) const
{
    // Same signature; codegen spells the fiber as void*.
    if (codegen::NativeFunction code = m_jit->entry(function))
        return reinterpret_cast<engine::NativeEntry>(code);
    if (function >= m_count || m_state[function].load(std::memory_order_relaxed) != uint8_t(State::NotCompiled))
        return nullptr;
    request(function);
    return reinterpret_cast<engine::NativeEntry>(m_jit->entry(function));
}

void NativeJit::request(uint32_t function) const
{
    const size_t size = m_program->functions[function].code.size();
    if (!m_policy.background && size <= m_policy.syncFunctionInstructions) {
        // Never wait for a background compile: run this call interpreted
        // and let the queue compile the function after it.
        std::unique_lock compiling(m_compiling, std::try_to_lock);
        if (compiling.owns_lock()) {
            compileNow({function});
            return;
        }
    }
    {
        std::lock_guard lock(m_mutex);
        m_state[function].store(uint8_t(State::Queued), std::memory_order_relaxed);
        m_queue.push_back(function);
        if (!m_thread.joinable())
            m_thread = std::thread([this] { backgroundLoop(); });
    }
    m_wake.notify_one();
}

void NativeJit::compileNow(const std::vector<uint32_t>& functions) const
{
    std::vector<codegen::FunctionResult> results(functions.size());
    plugin().compileFunctions(m_jit, functions.data(), uint32_t(functions.size()), &m_stop, results.data());
    for (size_t i = 0; i < functions.size(); ++i)
        record(functions[i], results[i]);
}

void NativeJit::record(uint32_t function, const codegen::FunctionResult& result) const
{
    const codegen::JitLimits& limits = m_policy.limits;
    std::string why;
    switch (result.outcome) {
    case codegen::CompileOutcome::Native:
        m_state[function].store(uint8_t(State::Native), std::memory_order_relaxed);
        return;
    case codegen::CompileOutcome::Cancelled: return; // the run is over
    case codegen::CompileOutcome::TooLarge:
        why = std::to_string(m_program->functions[function].code.size()) +
              " instructions, over the JIT's limit of " + std::to_string(limits.maxFunctionInstructions) +
              " per function";
        break;
    case codegen::CompileOutcome::CodeLimit:
        why = "the JIT's code memory reached its limit of " + kib(limits.maxCodeBytes);
        break;
    case codegen::CompileOutcome::Failed: why = "JIT failed: " + result.error; break;
    }
    std::lock_guard lock(m_mutex);
    m_state[function].store(uint8_t(State::Interpreted), std::memory_order_relaxed);
    m_interpreted[function] = std::move(why);
}

void NativeJit::backgroundLoop() const
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stop.load() || !m_queue.empty(); });
        if (m_stop.load())
            break;
        // Everything queued so far in one batch (short functions share modules).
        const std::vector<uint32_t> batch(m_queue.begin(), m_queue.end());
        m_queue.clear();
        m_busy = true;
        lock.unlock();
        {
            std::lock_guard compiling(m_compiling);
            compileNow(batch);
        }
        lock.lock();
        m_busy = false;
        if (m_queue.empty())
            m_idle.notify_all();
    }
    m_busy = false;
    m_idle.notify_all();
}

void NativeJit::waitIdle() const
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [&] { return (m_queue.empty() && !m_busy) || m_stop.load(); });
}

codegen::CompileStats NativeJit::stats() const { return m_jit->stats(); }

NativeJit::State NativeJit::state(uint32_t function) const
{
    return function < m_count ? State(m_state[function].load(std::memory_order_relaxed)) : State::NotCompiled;
}

std::string NativeJit::report() const
{
    const codegen::CompileStats s = stats();
    uint32_t queued = 0;
    for (uint32_t i = 0; i < m_count; ++i)
        queued += state(i) == State::Queued ? 1 : 0;
    std::string out = "JIT -O" + std::to_string(m_optLevel) + ": " + std::to_string(s.functions) + " of " +
                      std::to_string(m_count) + " functions compiled (" + kib(s.codeBytes) + " of code, " +
                      std::to_string(s.regions) + " LLVM functions)";
    std::lock_guard lock(m_mutex);
    if (!m_interpreted.empty()) {
        out += "; interpreted: ";
        size_t listed = 0;
        for (const auto& [function, why] : m_interpreted) {
            if (listed == 5) {
                out += ", and " + std::to_string(m_interpreted.size() - listed) + " more";
                break;
            }
            out += (listed++ ? ", " : "") + m_program->functions[function].name + " (" + why + ")";
        }
    }
    if (queued > 0)
        out += "; " + std::to_string(queued) + " still compiling in the background (interpreted meanwhile)";
    return out;
}

} // namespace aeroflow::cli
