#pragma once
// One run of the whole front end on arbitrary bytes, with the invariants every
// input must keep. Shared by the libFuzzer target (fuzz_frontend.cpp) and the
// corpus replay test (tst_fuzz_corpus.cpp), so both check exactly the same.

#include <string>
#include <string_view>

namespace aeroflow::fuzz {

/// Compiles `input` (lex, parse, check, lower; disassembles and verifies the
/// program when there is one) and checks that:
///   - every diagnostic has a non-empty message and a range with
///     begin <= end <= input size, and formats without trouble;
///   - diagnostics are sorted by position; errorCount agrees with them;
///   - a program exists exactly when there are no errors, passes
///     verifyProgram() and disassembles to a non-empty listing;
///   - symbol declarations and references have in-range positions and
///     references name existing declarations;
///   - for an input that compiles cleanly, a second compilation gives the
///     same diagnostics and listing (the compiler is a pure function of its
///     input).
/// Returns an empty string when all hold, otherwise what failed. Crashes,
/// hangs and undefined behaviour are the caller's (sanitizers', timeouts')
/// to catch.
std::string probeFrontend(std::string_view input);

} // namespace aeroflow::fuzz
