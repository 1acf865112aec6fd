#pragma once
// The register interpreter: executes the bytecode of compiler/Opcodes.def.
// One Fiber is one stack (frames + registers). Handlers, initialisers and
// render blocks run on a fresh fiber to completion; the main program keeps its
// fiber across recv(), where it suspends while the scheduler delivers messages.
// With a StatementObserver installed (RunOptions::statementObserver) resume()
// also reports each statement it reaches; without one it runs unobserved, at
// no cost (see the fuel bias in resume()).

#include "Value.h"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
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
    std::vector<Value> regs;
    std::vector<Frame> frames;
    Value result;          ///< the returned value once finished
    uint64_t fuel = 0;     ///< instructions left in this segment
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
    Status resume(Fiber& fiber);
    /// Runs a function to completion on a fresh fiber with a fresh budget.
    /// Throws VmError.
    Value call(uint32_t function, std::span<const Value> args, Value closure = {});
    /// Source position of the fiber's current instruction.
    std::string where(const Fiber& fiber) const;

private:
    /// Observed runs (a StatementObserver is installed): the marks of
    /// statement starts (built on first use) and the report itself.
    [[gnu::noinline]] const uint8_t* statementMarks(uint32_t function);
    [[gnu::noinline]] void reportStatement(const Fiber& fiber, uint32_t function, uint32_t pc,
                                           const Value* regs, const ActorRecord& self);
    Value callBuiltin(uint16_t id, Value* args, uint32_t count, Fiber& fiber);
    Value callMethod(uint32_t function, uint32_t constant, Value* regs, uint32_t argc);

    Scheduler& m_sched;
    const compiler::Program& m_program;
    uint32_t m_nesting = 0;
    bool m_suspend = false; ///< set by recv() when the main program must wait
    /// Fibers of Vm::call, one per nesting level (reused across calls).
    std::vector<std::unique_ptr<Fiber>> m_fibers;
    /// Method id per (function, constant, receiver kind): -1 unknown, -2 not yet looked up.
    std::vector<std::vector<std::array<int16_t, 5>>> m_methodCache;
    /// Per function, per pc: 1 where a statement starts (observed runs only).
    std::vector<std::vector<uint8_t>> m_statementMarks;
    /// Fibers of the observed runs in progress, outermost first (for depth).
    std::vector<const Fiber*> m_observedFibers;
};

} // namespace aeroflow::engine
