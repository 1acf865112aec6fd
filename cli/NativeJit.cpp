#include "NativeJit.h"

#include "JitPlugin.h"
#include "JitRuntime.h"

#include <dlfcn.h>

#include <filesystem>
#include <vector>

namespace aeroflow::cli {

namespace {

struct Plugin {
    AeroflowJitCompileFn compile = nullptr;
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
            p.compile = reinterpret_cast<AeroflowJitCompileFn>(dlsym(handle, "aeroflow_jit_compile"));
            p.free = reinterpret_cast<AeroflowJitFreeFn>(dlsym(handle, "aeroflow_jit_free"));
            p.emit = reinterpret_cast<AeroflowAotEmitFn>(dlsym(handle, "aeroflow_aot_emit"));
            if (p.compile && p.free && p.emit)
                return p;
            tried += "\n  " + c.string() + ": not an AeroFlow JIT plug-in";
        }
        p.compile = nullptr;
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

} // namespace

NativeJit::~NativeJit()
{
    if (m_jit)
        plugin().free(m_jit);
}

std::expected<std::unique_ptr<NativeJit>, std::string> NativeJit::compile(const compiler::Program& program,
                                                                         int optLevel)
{
    const Plugin& p = plugin();
    if (!p.compile)
        return std::unexpected(p.error);
    codegen::JitOptions options;
    options.optLevel = optLevel;
    options.layout = engineLayout();
    for (const auto& s : engine::nativeRuntimeSymbols())
        options.runtime.push_back({s.name, s.address});
    codegen::Jit* jit = nullptr;
    std::string error;
    if (!p.compile(&program, &options, &jit, &error))
        return std::unexpected(error);
    auto native = std::unique_ptr<NativeJit>(new NativeJit());
    native->m_jit = jit;
    return native;
}

std::expected<codegen::AotObject, std::string> NativeJit::emitObject(const compiler::Program& program,
                                                                    const std::string& target, int optLevel,
                                                                    const std::string& sourceName,
                                                                    const std::string& sourceText)
{
    const Plugin& p = plugin();
    if (!p.compile)
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
    return reinterpret_cast<engine::NativeEntry>(m_jit->entry(function));
}

const codegen::CompileStats& NativeJit::stats() const { return m_jit->stats(); }

} // namespace aeroflow::cli
