#include "LuaPeer.h"

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace aeroflow::bench {

namespace {

double seconds(const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) * 1e-6; }

} // namespace

bool LuaPeer::runOnce(const std::string& code, Sample& sample, std::string& error) const
{
    std::string dashE = "-e";
    std::string program = code;
    std::string interpreter = m_interpreter;
    char* argv[] = {interpreter.data(), dashE.data(), program.data(), nullptr};

    const Stopwatch watch;
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, m_interpreter.c_str(), nullptr, nullptr, argv, environ);
    if (rc != 0) {
        error = "cannot start " + m_interpreter + ": " + std::strerror(rc);
        return false;
    }
    int status = 0;
    rusage usage {};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            error = std::string("wait4 failed: ") + std::strerror(errno);
            return false;
        }
    }
    sample.wall = watch.elapsed().wall;
    sample.cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = m_interpreter + " failed (exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1)
            + ")";
        return false;
    }
    return true;
}

LuaPeerResult LuaPeer::measure(const std::string& luaFile, int repeat) const
{
    LuaPeerResult result;
    // A long-bracket string needs no escaping of the path.
    const std::string load = "local f = assert(loadfile([==[" + luaFile + "]==]))";
    std::vector<Sample> loads, baselines;
    Sample s;
    // One untimed run of each warms the page cache and the dynamic loader.
    if (!runOnce("", s, result.error) || !runOnce(load, s, result.error))
        return result;
    for (int i = 0; i < repeat; ++i) {
        Sample b, l;
        if (!runOnce("", b, result.error) || !runOnce(load, l, result.error))
            return result;
        baselines.push_back(b);
        loads.push_back(l);
    }
    result.available = true;
    result.load = summarize(loads);
    result.baseline = summarize(baselines);
    std::vector<Sample> compile;
    for (const Sample& l : loads)
        compile.push_back({std::max(0.0, l.wall - result.baseline.wall.median),
            std::max(0.0, l.cpu - result.baseline.cpu.median)});
    result.compile = summarize(compile);
    return result;
}

} // namespace aeroflow::bench
