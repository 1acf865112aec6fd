#include "JitPlugin.h"

extern "C" {

__attribute__((visibility("default"))) bool aeroflow_jit_compile(const aeroflow::compiler::Program* program,
                                                                 const aeroflow::codegen::JitOptions* options,
                                                                 aeroflow::codegen::Jit** out, std::string* error)
{
    auto jit = aeroflow::codegen::Jit::compile(*program, *options);
    if (!jit) {
        *error = jit.error();
        return false;
    }
    *out = jit->release();
    return true;
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
