#pragma once
// The JIT as a plug-in: libaeroflow_jit.so holds aeroflow_codegen and LLVM,
// and the `aeroflow` command loads it with dlopen() only when it needs native
// code, so that every other command starts without mapping and relocating
// libLLVM (~50 MB, hundreds of milliseconds on a busy machine). C-linkage
// entry points (the last for `aeroflow build`); everything else of
// codegen::Jit that callers use is inline.

#include "Aot.h"
#include "Jit.h"

extern "C" {

/// Signature of aeroflow_jit_create: sets up a JIT for `program` (compiling
/// nothing: Jit::create); on success stores the Jit (free it with
/// aeroflow_jit_free) and returns true, else stores the error text.
using AeroflowJitCreateFn = bool (*)(const aeroflow::compiler::Program* program,
                                     const aeroflow::codegen::JitOptions* options, aeroflow::codegen::Jit** out,
                                     std::string* error);
/// Signature of aeroflow_jit_compile_functions: Jit::compileFunctions on
/// `count` indices; `out` receives `count` results.
using AeroflowJitCompileFunctionsFn = void (*)(aeroflow::codegen::Jit* jit, const uint32_t* indices, uint32_t count,
                                               const std::atomic<bool>* cancel,
                                               aeroflow::codegen::FunctionResult* out);
/// Signature of aeroflow_jit_free.
using AeroflowJitFreeFn = void (*)(aeroflow::codegen::Jit* jit);
/// Signature of aeroflow_aot_emit (`aeroflow build`): fills `out` with the
/// object and returns true, else stores the error text.
using AeroflowAotEmitFn = bool (*)(const aeroflow::compiler::Program* program,
                                   const aeroflow::codegen::AotOptions* options, aeroflow::codegen::AotObject* out,
                                   std::string* error);

bool aeroflow_jit_create(const aeroflow::compiler::Program* program, const aeroflow::codegen::JitOptions* options,
                         aeroflow::codegen::Jit** out, std::string* error);
void aeroflow_jit_compile_functions(aeroflow::codegen::Jit* jit, const uint32_t* indices, uint32_t count,
                                    const std::atomic<bool>* cancel, aeroflow::codegen::FunctionResult* out);
void aeroflow_jit_free(aeroflow::codegen::Jit* jit);
bool aeroflow_aot_emit(const aeroflow::compiler::Program* program, const aeroflow::codegen::AotOptions* options,
                       aeroflow::codegen::AotObject* out, std::string* error);
}
