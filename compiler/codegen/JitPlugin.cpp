#include "JitPlugin.h"

#include <algorithm>

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

__attribute__((visibility("default"))) void aeroflow_jit_compile_functions(aeroflow::codegen::Jit* jit,
                                                                           const uint32_t* indices, uint32_t count,
                                                                           const std::atomic<bool>* cancel,
                                                                           aeroflow::codegen::FunctionResult* out)
{
    const auto results = jit->compileFunctions(std::vector<uint32_t>(indices, indices + count), cancel);
    std::copy(results.begin(), results.end(), out);
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
