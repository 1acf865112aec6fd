#pragma once
// `aeroflow-benchmark snapshot [--repeat N] [--bytes B]`: .afs save/restore
// speed on a state of about B bytes (default 100 MB). See SnapshotBench.cpp.

#include <cstdint>

namespace aeroflow::bench {

bool runSnapshotBench(int repeat, int64_t bytes);

} // namespace aeroflow::bench
