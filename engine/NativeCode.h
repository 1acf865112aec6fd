#pragma once
// Native code for the functions of a Program (the JIT of compiler/codegen,
// installed by the CLI through RunOptions::native). The engine cannot depend
// on codegen, so it only sees this plain interface: function index -> entry
// pointer, or null to interpret that function.
//
// The contract of an entry (docs/CODEGEN.md "Calling convention"): it runs
// the top frame of `fiber` (whose function it was compiled from) from
// `entryPc`, on the interpreter's own data (the fiber's register file, frames
// and fuel), and returns one NativeStatus. Runtime helpers (JitRuntime.h) do
// everything that is not inlined; they are the only way native code touches
// engine objects.

#include <cstdint>

namespace aeroflow::engine {

struct Fiber;

/// What a native entry (or a runtime helper) reports.
enum class NativeStatus : int32_t {
    Continue = 0,  ///< helpers only: go on with the next instruction
    Suspended = 1, ///< recv() must wait: frames and pcs are saved in the fiber
    Error = 2,     ///< a runtime error: stored in the Vm, the fiber is cleared
    Returned = 3,  ///< the frame returned (popped; its result is delivered)
    Interpret = 4, ///< continue this frame on the interpreter from Frame::pc
    Jump = 5,      ///< helpers only: the instruction's branch is taken
};

/// `context` is the running Vm (opaque to native code).
using NativeEntry = int32_t (*)(void* context, Fiber* fiber, uint32_t entryPc);

/// Entry points by function index. The engine asks each time it enters a
/// frame, on its own thread; an implementation may compile on demand, so an
/// answer may change from nullptr (interpret it, this time) to an entry
/// during a run, never back. Either answer gives the same run: native and
/// interpreted execution agree bit for bit.
class NativeCode {
public:
    virtual ~NativeCode() = default;
    /// The native entry of `function`, or nullptr to interpret it.
    virtual NativeEntry entry(uint32_t function) const = 0;
};

} // namespace aeroflow::engine
