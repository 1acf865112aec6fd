#include "JitPlugin.h"

extern "C" {

__attribute__((visibility("default"))) bool aeroflow_jit_create(const aeroflow::compiler::Program* program,
                                                                const aeroflow::codegen::JitOptions* options,
                                                                aeroflow::codegen::Jit** out, std::string* error)
{
    auto jit = aeroflow::codegen::Jit::create(*program, *options);
    if (!jit) {
        *error = jit.error();
        return false;
    }
    *out = jit->release();
    return true;
}

__attribute__((visibility("default"))) void aeroflow_jit_compile_function(aeroflow::codegen::Jit* jit, uint32_t index,
                                                                          const std::atomic<bool>* cancel,
                                                                          aeroflow::codegen::FunctionResult* out)
{
    *out = jit->compileFunction(index, cancel);
}

__attribute__((visibility("default"))) void aeroflow_jit_free(aeroflow::codegen::Jit* jit)
{
    delete jit;
}

__attribute__((visibility("default"))) bool aeroflow_aot_emit(const aeroflow::compiler::Program* program,
                                                              const aeroflow::codegen::AotOptions* options,
                                                              aeroflow::codegen::AotObject* out, std::string* error)
{
    auto object = aeroflow::codegen::emitObject(*program, *options);
    if (!object) {
        *error = object.error();
        return false;
    }
    *out = std::move(*object);
    return true;
}
}
