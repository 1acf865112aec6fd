#pragma once
// Readable listings of compiled programs (`aeroflow disasm`, tests, the IDE).
// Driven by the opcode table: operand kinds come from Opcodes.def formats.

#include "Program.h"

#include <string>

namespace aeroflow::compiler {

/// The whole program: tables of globals, messages and actors, then every
/// function as a header (name, kind, actor, arity, registers, captures) and
/// one line per instruction, `pc  line:col  OPCODE  operands  ; comment`,
/// with constants, names and jump targets resolved in the comment.
std::string disassemble(const Program& program);

/// One function of `program` in the same format (empty for a bad index).
std::string disassembleFunction(const Program& program, uint32_t index);

/// A constant as source would spell it: `42`, `2.5`, `"a\n"`, `true`, `nil`.
std::string constantText(const Constant& k);

} // namespace aeroflow::compiler
