#include "NativeProgram.h"

#include "Compiler.h"
#include "Jit.h"
#include "NativeJit.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>
#include <mutex>

namespace aeroflow::studio {

namespace {

/// One compile at a time: a Run's compile waits for the start-up preload
/// rather than initialising LLVM a second time beside it.
std::mutex& compileLock()
{
    static std::mutex m;
    return m;
}

std::atomic<bool> g_preloaded{false};

std::string& injectedFailure()
{
    static std::string reason;
    return reason;
}

} // namespace

NativeProgram::~NativeProgram() = default;

std::expected<std::unique_ptr<NativeProgram>, std::string> NativeProgram::compile(const compiler::Program& program,
                                                                                 int optLevel)
{
    // Timing for the user's information only (status bar, Output).
    using Clock = std::chrono::steady_clock;
    const auto requested = Clock::now();
    std::lock_guard lock(compileLock());
    const auto begin = Clock::now();
    if (!injectedFailure().empty())
        return std::unexpected(injectedFailure());
    auto jit = cli::NativeJit::compile(program, std::clamp(optLevel, 0, 3));
    if (!jit)
        return std::unexpected(jit.error());
    auto native = std::unique_ptr<NativeProgram>(new NativeProgram());
    native->m_functions = (*jit)->stats().functions;
    native->m_jit = std::move(*jit);
    native->m_optLevel = std::clamp(optLevel, 0, 3);
    native->m_compileMs = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
    native->m_waitMs = std::chrono::duration<double, std::milli>(begin - requested).count();
    return native;
}

std::string NativeProgram::preload()
{
    static const std::string error = [] {
        // A small program with the common shapes (an actor with state, a
        // method returning Ok/Err, match, strings, lists, maps, loops,
        // floats): loading the plug-in, LLVM's target set-up and the first
        // pass over LLVM's code for these ops happen here, not in the first Run.
        static const char* const kWarmUp = R"(fn grade(x: int) -> string {
    if x > 10 { return "big " + x }
    return "small " + x
}
actor Box {
    state total = 0
    state items = []
    fn take(n: int) -> Result[int, string] {
        if n > total { return Err("no") }
        total -= n
        return Ok(total)
    }
    on Put(n) {
        total += n
        items.push(n)
        match take(1) {
            Ok(left) => print(grade(left))
            Err(why) => print(why)
        }
    }
    on Report { emit({total: total, count: len(items), mean: total / 2.0}) }
}
let b = spawn(Box)
for i in range(3) { send(b, Put(i * 7)) }
send(b, Report)
mut f = 0.5
while f < 4.0 { f = f * 2.0 }
print(recv(), f)
)";
        const compiler::CompileResult r = compiler::compile("warmup.aefl", kWarmUp);
        if (!r.ok() || !r.program)
            return "internal error: the warm-up program does not compile: " + r.formatDiagnostics();
        std::lock_guard lock(compileLock());
        auto jit = cli::NativeJit::compile(*r.program, 0);
        return jit ? std::string() : jit.error();
    }();
    g_preloaded = true;
    return error;
}

void NativeProgram::preloadInBackground()
{
    static std::once_flag once;
    std::call_once(once, [] { (void)QtConcurrent::run([] { (void)preload(); }); });
}

bool NativeProgram::preloaded() { return g_preloaded.load(); }

void NativeProgram::setFailureForTesting(const std::string& reason)
{
    std::lock_guard lock(compileLock());
    injectedFailure() = reason;
}

engine::NativeEntry NativeProgram::entry(uint32_t function) const
{
    const engine::NativeEntry e = m_jit->entry(function);
    if (e) // single writer: no read-modify-write needed
        m_entries.store(m_entries.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return e;
}

} // namespace aeroflow::studio
