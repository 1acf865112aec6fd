#pragma once
// The symbols an `aeroflow build` object defines for the runtime (the
// contract written by compiler/codegen/Aot.cpp, version kAotAbiVersion).

#include <cstdint>

extern "C" {
/// Native entry of each function (engine::NativeEntry), then one null.
extern void* const af_aot_entries[];
extern const uint32_t af_aot_function_count;
extern const uint32_t af_aot_abi_version;
/// compiler::Program::programHash of the compiled program.
extern const uint64_t af_aot_program_hash;
/// The program's source text (NUL-terminated; af_aot_source_size bytes before it).
extern const char af_aot_source[];
extern const uint64_t af_aot_source_size;
/// The name the program was compiled under (error positions say it).
extern const char af_aot_source_name[];
/// valueSize, tagOffset, payloadOffset, fiberFuelOffset, tagNil, tagBool,
/// tagInt, tagFloat, tagFirstObject, tagActor.
extern const uint32_t af_aot_layout[10];
}
