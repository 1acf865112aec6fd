#pragma once
// Large runs touch a lot of fresh memory, and on virtual machines every page
// fault is expensive (16-19 us measured on the team's VMs: a 100 MB snapshot
// spent 90% of its time faulting in 4 KiB pages). Transparent huge pages cut
// the faults by 512x, but Debian's default is "madvise", and glibc only
// madvises its heap when the tunable glibc.malloc.hugetlb=1 is set before the
// process starts. preferHugePages() re-executes the program once with that
// tunable added. It never affects results (determinism does not depend on
// addresses or page sizes), only speed.

namespace aeroflow::engine {

/// Call first thing in main(). Returns only when no re-exec happened (already
/// set, opted out with AEROFLOW_NO_HUGEPAGES=1, or exec failed). A no-op in
/// WASI builds (no exec there).
void preferHugePages(char** argv);

} // namespace aeroflow::engine
