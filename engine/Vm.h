#pragma once
// The register interpreter: executes the bytecode of compiler/Opcodes.def.
// One Fiber is one stack (frames + registers). Handlers, initialisers and
// render blocks run on a fresh fiber to completion; the main program keeps its
// fiber across recv(), where it suspends while the scheduler delivers messages.
// With a StatementObserver installed (RunOptions::statementObserver) resume()
// also reports each statement it reaches; without one it runs unobserved, at
// no cost (see the fuel bias in resume()).

#include "Builtins.h"
#include "NativeCode.h"
#include "Value.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

class Scheduler;
struct ActorRecord;

struct Frame {
    uint32_t function = 0;
    uint32_t pc = 0;
    uint32_t base = 0;     ///< index of R[0] in Fiber::regs
    uint32_t ret = 0;      ///< absolute register the caller receives the result in
    Value closure;         ///< the running closure (captures), or nil
};

struct Fiber {
    /// Instructions left in this segment. First, so that native code finds it
    /// at offset 0 on every target (JIT and AOT, 64- and 32-bit: CODEGEN.md).
    uint64_t fuel = 0;
    std::vector<Value> regs;
    std::vector<Frame> frames;
    Value result;          ///< the returned value once finished
    /// Work done inside operations in this segment (Value.h, WorkMeter):
    /// reset by Vm::resume with the same budget as the fuel.
    WorkMeter work;
};

/// A runtime error with its source position resolved.
struct VmError {
    std::string message;
    uint8_t kind = 0;       ///< ErrorKind
    std::string where;      ///< "FILE:LINE:COL"
};

class Vm {
public:
    enum class Status : uint8_t { Finished, Suspended };

    explicit Vm(Scheduler& scheduler);

    /// Prepares `fiber` to run `function` with `args` (and `closure`'s captures).
    void start(Fiber& fiber, uint32_t function, std::span<const Value> args, Value closure = {});
    /// Runs until the fiber finishes or suspends in recv(). Throws VmError.
    /// With RunOptions::native (and no statement observer) it runs native
    /// code where there is some (JitRuntime.cpp): the same run, bit for bit.
    Status resume(Fiber& fiber);
    /// Runs a function to completion on a fresh fiber with a fresh budget.
    /// Throws VmError.
    Value call(uint32_t function, std::span<const Value> args, Value closure = {});
    /// Source position of the fiber's current instruction.
    std::string where(const Fiber& fiber) const;

private:
    friend struct JitRuntime;
    /// The interpreter proper: runs until the fiber suspends or its frames
    /// drop to `floor` (0: finished; above 0: a native caller waits below).
    Status interpret(Fiber& fiber, size_t floor);
    /// RunOptions::native set: runs native entries where there are some,
    /// the interpreter elsewhere. Throws VmError.
    Status resumeNative(Fiber& fiber);
    /// Runs the frames above `floor` (native or interpreted) until they have
    /// all returned or the fiber suspends. No-throw: Error leaves the error
    /// in m_nativeError (JitRuntime.cpp).
    NativeStatus runFrames(Fiber& fiber, size_t floor);
    /// Observed runs (a StatementObserver is installed): the marks of
    /// statement starts (built on first use) and the report itself.
    [[gnu::noinline]] const uint8_t* statementMarks(uint32_t function);
    [[gnu::noinline]] void reportStatement(const Fiber& fiber, uint32_t function, uint32_t pc,
                                           const Value* regs, const ActorRecord& self);
    /// CALLBUILTIN and CALLMETHOD. The builtins that call functions (map,
    /// filter, ...) run them on `fiber` (callFunction), which may move its
    /// register file and frames: the callers re-read both afterwards, and
    /// these copy what they need from `args` / `regs` before any call.
    Value callBuiltin(uint16_t id, Value* args, uint32_t count, Fiber& fiber);
    Value callMethod(uint32_t function, uint32_t constant, Value* regs, uint32_t argc, Fiber& fiber);
    /// Runs the function value `f` on `fiber` from inside a builtin (`who`:
    /// "map", ...) as a CALLVALUE in the builtin's caller would: one unit of
    /// fuel for the call, the same checks (a function, its arity, its actor,
    /// the call depth), a frame above the caller's, natively where there is
    /// native code. Returns its result. Throws RuntimeError (checks) or
    /// VmError (an error inside `f`, located there). VmCallbacks.cpp.
    Value callFunction(Fiber& fiber, const Value& f, std::span<const Value> args, std::string_view who);
    /// map, filter, reduce, any, all, sort (with a comparator), sort_by:
    /// `list` and `f` as given, `init` for reduce when given (else null).
    Value runCallback(uint8_t callback, Fiber& fiber, const Value& list, const Value& f, const Value* init);

    Scheduler& m_sched;
    const compiler::Program& m_program;
    uint32_t m_nesting = 0;
    /// Functions running for a builtin (callFunction), nested: they recurse
    /// on the C++ stack, so their depth is bounded (kMaxCallbackNesting).
    uint32_t m_callbacks = 0;
    bool m_suspend = false; ///< set by recv() when the main program must wait
    /// Fibers of Vm::call, one per nesting level (reused across calls).
    std::vector<std::unique_ptr<Fiber>> m_fibers;
    /// Method id per (function, constant, receiver kind): -1 unknown, -2 not yet looked up.
    std::vector<std::vector<std::array<int16_t, compiler::kMethodReceiverCount>>> m_methodCache;
    /// Per function, per pc: 1 where a statement starts (observed runs only).
    std::vector<std::vector<uint8_t>> m_statementMarks;
    /// Fibers of the observed runs in progress, outermost first (for depth).
    std::vector<const Fiber*> m_observedFibers;
    /// The runtime error a native entry or helper reported (NativeStatus::Error).
    VmError m_nativeError;
    /// Where the outermost native run started on the C stack (JitRuntime.cpp
    /// bounds how deep native calls go below it); 0 when none runs.
    uintptr_t m_nativeStackBase = 0;
};

} // namespace aeroflow::engine
