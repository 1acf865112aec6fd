// libFuzzer target for the engine's side of the outside world: recorded
// input events (untrusted bytes from a trace) decoded and injected into a
// running service. Invariants in WorldProbe.h. Build and run:
//
//   tests/fuzz/build_world.sh                       # -> build-fuzz/fuzz_world
//   cp -r tests/engine/world-corpus /tmp/world-corpus
//   build-fuzz/fuzz_world -max_total_time=600 -max_len=4096 -timeout=5 /tmp/world-corpus
//
// tst_world replays tests/engine/world-corpus through the same probe.

#include "WorldProbe.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    aeroflow::tests::probeWorldInputs(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
