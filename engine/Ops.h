#pragma once
// The semantics of the operators (docs/LANGUAGE.md §5): arithmetic with
// overflow and division-by-zero errors, string concatenation, comparison,
// indexing, and the tensor operations. Each throws RuntimeError on misuse.

#include "Value.h"

#include <cstdint>

namespace aeroflow::compiler {
struct Program;
}

namespace aeroflow::engine {

enum class ArithOp : uint8_t { Add, Sub, Mul, Div, Mod };
enum class CompareOp : uint8_t { Lt, Le, Gt, Ge };

Value arith(ArithOp op, const Value& a, const Value& b, const compiler::Program* program);

/// `s = s + right` for a string `s` and a `right` that concatenates (a
/// string, number, bool or nil), for ADD into its left operand's register.
/// `appendable`: the caller knows that `s`'s object has no other holder
/// that could observe it (or only one the next instruction overwrites with
/// the result); then only the appended bytes are charged as work, else the
/// whole copy. `extend`: the caller knows that holder will be overwritten,
/// so the string may grow in place (amortised O(1) per byte) instead of
/// being copied. Charges, memory checks and the bytes charged for the
/// result are the same either way: `extend` changes only the time taken.
void concatInto(Value& s, const Value& right, bool appendable, bool extend, const compiler::Program* program);
/// Whether `a + b` concatenates strings (one is a string, the other a
/// string, number, bool or nil).
bool concatenates(const Value& a, const Value& b);
Value negate(const Value& v);
bool compare(CompareOp op, const Value& a, const Value& b);
/// Orders two numbers or two strings (for sort, min, max): <0, 0, >0.
int order(const Value& a, const Value& b);

/// R[A] := c[i] for lists, strings, maps and tensors.
Value indexValue(const Value& c, const Value& i);
/// c[i] := v, copy-on-write.
void setIndexValue(Value& c, const Value& i, Value v);
/// Map field `m.key`.
Value fieldValue(const Value& m, std::string_view key);
void setFieldValue(Value& m, std::string_view key, Value v);

/// Length of a string (characters), list, map or tensor (first dimension... no:
/// number of elements); throws for anything else.
int64_t lengthOf(const Value& v, const char* what);

/// Integer helpers that throw on overflow.
int64_t checkedAdd(int64_t a, int64_t b);
int64_t checkedMul(int64_t a, int64_t b);
int64_t checkedSub(int64_t a, int64_t b);

// --- tensors ------------------------------------------------------------------
Value makeTensor(const Value& shape, const Value& items);
Value tensorMatmul(const Value& a, const Value& b);
Value tensorRelu(const Value& t);
Value tensorSoftmax(const Value& t);
Value tensorTranspose(const Value& t);
Value tensorShape(const Value& t);
Value tensorSum(const Value& t);

/// A readable type name for error messages ("int", "list", "<Counter>"...).
std::string describeType(const Value& v);

} // namespace aeroflow::engine
