#pragma once
// The bridge between the engine and the LLVM backend (`aeroflow run --jit`):
// hands the engine's runtime helpers and Value layout to codegen::Jit and
// serves the compiled entries to the engine as a NativeCode
// (RunOptions::native). The CLI may depend on both; they may not depend on
// each other (DESIGN.md). codegen is reached through its plug-in
// (compiler/codegen/JitPlugin.h), loaded on first use.

#include "NativeCode.h"

#include <cstdint>
#include <expected>
#include <memory>
#include <string>

namespace aeroflow::compiler {
struct Program;
}
namespace aeroflow::codegen {
class Jit;
struct CompileStats;
struct AotObject;
}

namespace aeroflow::cli {

class NativeJit final : public engine::NativeCode {
public:
    ~NativeJit() override;
    /// Compiles every function of `program` at `optLevel` (0..3). The
    /// result must outlive the runs it is installed in.
    static std::expected<std::unique_ptr<NativeJit>, std::string> compile(const compiler::Program& program,
                                                                          int optLevel);
    /// `aeroflow build`: the object of `program` for `target` (codegen::aotTargets()),
    /// with `sourceName`/`sourceText` embedded for the runtime.
    static std::expected<codegen::AotObject, std::string> emitObject(const compiler::Program& program,
                                                                     const std::string& target, int optLevel,
                                                                     const std::string& sourceName,
                                                                     const std::string& sourceText);
    engine::NativeEntry entry(uint32_t function) const override;
    const codegen::CompileStats& stats() const;

private:
    NativeJit() = default;
    codegen::Jit* m_jit = nullptr; ///< owned; freed by the plug-in
};

} // namespace aeroflow::cli
