#include "LuaPeer.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace aeroflow::bench {

double LuaPeer::runOnce(const std::string& code, std::string& error) const
{
    std::vector<char*> argv;
    std::string dashE = "-e";
    argv.push_back(const_cast<char*>(m_interpreter.c_str()));
    argv.push_back(dashE.data());
    argv.push_back(const_cast<char*>(code.c_str()));
    argv.push_back(nullptr);

    const Stopwatch watch;
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, m_interpreter.c_str(), nullptr, nullptr, argv.data(), environ);
    if (rc != 0) {
        error = "cannot start " + m_interpreter + ": " + std::strerror(rc);
        return -1;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            error = std::string("waitpid failed: ") + std::strerror(errno);
            return -1;
        }
    }
    const double elapsed = watch.seconds();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = m_interpreter + " failed (exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1)
            + ")";
        return -1;
    }
    return elapsed;
}

LuaPeerResult LuaPeer::measure(const std::string& luaFile, int repeat) const
{
    LuaPeerResult result;
    // A long-bracket string needs no escaping of the path.
    const std::string load = "local f = assert(loadfile([==[" + luaFile + "]==]))";
    std::vector<double> loads, baselines;
    // One untimed run of each warms the page cache and the dynamic loader.
    if (runOnce("", result.error) < 0 || runOnce(load, result.error) < 0)
        return result;
    for (int i = 0; i < repeat; ++i) {
        const double b = runOnce("", result.error);
        const double l = runOnce(load, result.error);
        if (b < 0 || l < 0)
            return result;
        baselines.push_back(b);
        loads.push_back(l);
    }
    result.available = true;
    result.load = summarize(loads);
    result.baseline = summarize(baselines);
    std::vector<double> compile;
    for (double l : loads)
        compile.push_back(l > result.baseline.median ? l - result.baseline.median : 0.0);
    result.compile = summarize(compile);
    return result;
}

} // namespace aeroflow::bench
