#pragma once
// Private to aeroflow_codegen: what the JIT and the AOT compiler share after
// lowering: the optimisation pipeline, the code-generation level and object
// emission.

#include <expected>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
enum class CodeGenOptLevel;
}

namespace aeroflow::codegen {

/// Runs the new pass manager's default -O1..-O3 pipeline (level 0: nothing).
void optimiseModule(llvm::Module& module, int level, llvm::TargetMachine* tm);
/// The instruction-selection level for an optimisation level 0..3.
llvm::CodeGenOptLevel codeGenLevel(int level);
/// Machine code for `module` as a relocatable object (in memory), with the
/// legacy code-generation pass manager. `tm` is used by one thread at a time.
std::expected<std::string, std::string> emitObjectCode(llvm::Module& module, llvm::TargetMachine& tm);

} // namespace aeroflow::codegen
