#pragma once
// Random AeroFlow programs for the differential tests (interpreter vs JIT):
// int and float arithmetic (with overflow and division by zero within
// reach), comparisons, branches, while / for loops, lists and indexing,
// strings, calls between functions, a recursion that can pass the depth
// limit, actors whose handlers crash independently, and a main program that
// suspends in recv(), also from inside a called function. Deterministic: the
// same seed gives the same text.

#include <cstdint>
#include <string>

namespace aeroflow::testing {

/// The source text of program number `seed`.
std::string generateProgram(uint64_t seed);

/// Program number `seed` aimed at the JIT's pure tier: scalar functions
/// (ints, floats, bools; untyped parameters) with loops, self-recursion and
/// calls of each other, called from actor handlers with ints, floats and now
/// and then a bool, nil, string or list, at depths from 0 to past the limit.
std::string generatePureProgram(uint64_t seed);

} // namespace aeroflow::testing
