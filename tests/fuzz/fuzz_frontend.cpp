// libFuzzer target: the whole front end (lex, parse, check, lower,
// disassemble) on arbitrary bytes. Built only with clang and
// AEROFLOW_FUZZ=ON (tests/fuzz/CMakeLists.txt); see docs/TESTING.md.
// Crashes and undefined behaviour are caught by the sanitizers, hangs by
// libFuzzer's -timeout; broken invariants (FrontendProbe.h) abort here.

#include "FrontendProbe.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::string problem = aeroflow::fuzz::probeFrontend(input);
    if (!problem.empty()) {
        std::fprintf(stderr, "fuzz_frontend: invariant violated: %s\n", problem.c_str());
        std::abort();
    }
    return 0;
}
