// LiveWorld: the engine-thread face of the I/O core (see LiveWorld.h), plus
// the synchronous answers that need no I/O thread: the clock and files.

#include "LiveWorld.h"

#include "IoCore.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>

namespace aeroflow::io {

namespace {

std::string errnoText(int error)
{
    return std::strerror(error);
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

} // namespace

LiveWorld::LiveWorld(LiveWorldOptions options)
    : m_core(std::make_unique<detail::IoCore>(std::move(options)))
{
}

LiveWorld::~LiveWorld() = default;

std::expected<std::string, std::string> LiveWorld::listen(uint32_t server, bool websocket, const std::string& address)
{
    return m_core->listen(server, websocket, address);
}

int64_t LiveWorld::nowMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::expected<std::string, std::string> LiveWorld::readFile(const std::string& path)
{
    const std::size_t limit = m_core->options().maxFileBytes;
    auto fail = [&](const std::string& why) { return std::unexpected("cannot read '" + path + "': " + why); };
    auto tooLarge = [&] { return fail("larger than the limit of " + std::to_string(limit) + " bytes"); };
    File file(std::fopen(path.c_str(), "rb"));
    if (!file)
        return fail(errnoText(errno));
    struct stat info { };
    if (fstat(fileno(file.get()), &info) != 0)
        return fail(errnoText(errno));
    if (S_ISDIR(info.st_mode))
        return fail(errnoText(EISDIR));
    if (S_ISREG(info.st_mode) && uint64_t(info.st_size) > limit)
        return tooLarge();
    std::string data;
    if (S_ISREG(info.st_mode))
        data.reserve(std::size_t(info.st_size));
    char chunk[64 * 1024];
    for (;;) {
        std::size_t got = std::fread(chunk, 1, sizeof chunk, file.get());
        if (data.size() + got > limit)
            return tooLarge(); // a file that grew, or a pipe
        data.append(chunk, got);
        if (got < sizeof chunk) {
            if (std::ferror(file.get()))
                return fail(errnoText(errno));
            break;
        }
    }
    return data;
}

std::expected<void, std::string> LiveWorld::writeFile(const std::string& path, const std::string& text)
{
    auto fail = [&](int error) { return std::unexpected("cannot write '" + path + "': " + errnoText(error)); };
    std::FILE* raw = std::fopen(path.c_str(), "wb");
    if (!raw)
        return fail(errno);
    File file(raw);
    if (!text.empty() && std::fwrite(text.data(), 1, text.size(), raw) != text.size())
        return fail(errno);
    // fclose reports what buffering held back (a full disk shows up here).
    if (std::fclose(file.release()) != 0)
        return fail(errno);
    return {};
}

void LiveWorld::send(engine::OutputEvent event)
{
    m_core->noteOutput(event);
    m_queued.push_back(std::move(event));
}

void LiveWorld::flush()
{
    m_core->handOver(m_queued);
}

bool LiveWorld::hasInput() const
{
    return m_core->hasInput();
}

void LiveWorld::poll(std::vector<engine::InputEvent>& out, int waitMs)
{
    m_core->poll(out, waitMs);
}

bool LiveWorld::active() const
{
    return m_core->active();
}

void LiveWorld::requestShutdown()
{
    m_core->requestShutdown();
}

LiveWorldStats LiveWorld::stats() const
{
    return m_core->stats().snapshot();
}

const LiveWorldOptions& LiveWorld::options() const
{
    return m_core->options();
}

} // namespace aeroflow::io
