#pragma once
// The engine's side of the JIT (docs/CODEGEN.md): the runtime helpers native
// code calls, published as a table of (name, address), and the layout
// constants of Value and Fiber that the generated code relies on. The CLI
// hands both to aeroflow_codegen (which must not depend on the engine) and
// installs the compiled entries into RunOptions::native (NativeCode.h).

#include <cstdint>
#include <vector>

namespace aeroflow::engine {

/// One runtime helper: a C-ABI function the generated code may call by name.
struct NativeSymbol {
    const char* name;
    void* address;
};

/// Where the generated code finds things. Checked by static_asserts in
/// JitRuntime.cpp against the real types.
struct NativeLayout {
    uint32_t valueSize = 16;       ///< sizeof(Value)
    uint32_t tagOffset = 0;        ///< the ValueType byte
    uint32_t payloadOffset = 8;    ///< the 64-bit payload (int, double bits, bool as 0/1)
    uint32_t fiberFuelOffset = 0;  ///< offsetof(Fiber, fuel), a uint64_t
    uint8_t tagNil = 0, tagBool = 1, tagInt = 2, tagFloat = 3;
    uint8_t tagFirstObject = 4;    ///< tags >= this hold a counted object ...
    uint8_t tagActor = 8;          ///< ... except this one
};

/// The helpers (see JitRuntime.cpp for each contract):
///   af_exec(vm, fiber, R, instr bits, pc) -> NativeStatus   any instruction
///   af_frame_regs(fiber) -> Value*                           R of the top frame
///   af_release(Value*)                                       *v = nil (releases)
///   af_interpret_at(fiber, pc) -> NativeStatus::Interpret    hand over at pc
///   af_call_push(vm, fiber, R, instr, pc) -> status           CALL: push the frame only
///   af_finish_frame(vm, fiber) -> status                      run the top frame to its return
///   af_return(vm, fiber, R, instr) -> NativeStatus::Returned  RETURN / RETURNNIL
///   af_call_room(vm, fiber, callerRegs, out[2]) -> frames     pure tier: may a pure call run?
///   af_pure_grow(fiber, callerRegs, need) -> Value*           pure tier: register file as pushes grow it
///   af_call_interpreted(vm, fiber, R, instr, pc) -> status    pure tier: CALL with the callee interpreted
std::vector<NativeSymbol> nativeRuntimeSymbols();
NativeLayout nativeLayout();

} // namespace aeroflow::engine
