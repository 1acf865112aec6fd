#include "HugePages.h"

#if defined(__wasi__)

namespace aeroflow::engine {

// WASI has neither exec nor glibc tunables, and the host runtime decides
// how the module's linear memory is backed: nothing to do.
void preferHugePages(char** /*argv*/) {}

} // namespace aeroflow::engine

#else

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace aeroflow::engine {

void preferHugePages(char** argv)
{
    if (std::getenv("AEROFLOW_NO_HUGEPAGES"))
        return;
    const char* current = std::getenv("GLIBC_TUNABLES");
    if (current && std::strstr(current, "glibc.malloc.hugetlb"))
        return;
    std::string tunables = current && *current ? std::string(current) + ":" : std::string();
    tunables += "glibc.malloc.hugetlb=1";
    if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0)
        return;
    // Marks the attempt so a failing exec cannot loop.
    setenv("AEROFLOW_NO_HUGEPAGES", "relaunched", 1);
    execv("/proc/self/exe", argv);
    // exec failed: carry on with normal pages.
    unsetenv("AEROFLOW_NO_HUGEPAGES");
}

} // namespace aeroflow::engine

#endif // __wasi__
