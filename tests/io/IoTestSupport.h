#pragma once
// Support for tst_io_liveworld: running the real clients (curl, and
// tests/io/io_clients.py under the python3 that has the websockets module),
// and FakeEngine, a thread that does with a LiveWorld what the scheduler does.

#include "LiveWorld.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aeroflow::io::testing {

using engine::InputEvent;
using engine::OutputEvent;
using Kind = InputEvent::Kind;

// --- clients ---------------------------------------------------------------------------

struct ClientRun {
    int exitCode = -1;
    QString out;
    QString err;
};

inline ClientRun runProgram(const QString& program, const QStringList& args, int timeoutMs = 30000)
{
    QProcess process;
    process.start(program, args);
    ClientRun run;
    if (!process.waitForStarted(10000)) {
        run.err = program + ": did not start";
        return run;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        run.err = program + ": timed out";
    }
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    run.err += QString::fromUtf8(process.readAllStandardError());
    return run;
}

/// Runs tests/io/io_clients.py COMMAND PORT ARGS… and returns its result line.
inline QString client(const QString& command, uint16_t port, const QStringList& args = {}, int timeoutMs = 30000)
{
    QStringList all { QStringLiteral(AEROFLOW_TESTS_DIR "/io/io_clients.py"), command, QString::number(port) };
    all += args;
    ClientRun run = runProgram(QStringLiteral(AEROFLOW_IO_PYTHON), all, timeoutMs);
    if (run.exitCode != 0)
        return QStringLiteral("client failed (%1): %2").arg(run.exitCode).arg(run.err);
    return run.out;
}

/// Has `process` ended (waiting up to `timeoutMs`)? Unlike waitForFinished(), also
/// true when it had ended before the call.
inline bool ended(QProcess& process, int timeoutMs = 15000)
{
    return process.state() == QProcess::NotRunning || process.waitForFinished(timeoutMs);
}

inline ClientRun curl(const QStringList& args)
{
    return runProgram(QStringLiteral("curl"), QStringList { "-sS" } + args);
}

inline QString url(uint16_t port, const QString& target)
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(target);
}

inline uint16_t portOf(const std::string& bound)
{
    return uint16_t(std::stoi(bound.substr(bound.rfind(':') + 1)));
}

// --- the stand-in engine ---------------------------------------------------------------

inline OutputEvent respond(uint64_t id, int status, std::string body, engine::Fields headers = {})
{
    OutputEvent out;
    out.kind = OutputEvent::Kind::Respond;
    out.id = id;
    out.status = status;
    out.body = std::move(body);
    out.headers = std::move(headers);
    return out;
}

inline OutputEvent wsSend(uint64_t id, std::string body)
{
    OutputEvent out;
    out.kind = OutputEvent::Kind::WsSend;
    out.id = id;
    out.body = std::move(body);
    return out;
}

/// A thread that does what the scheduler does with a world: poll, deliver,
/// flush. Every input is recorded before the handler sees it.
class FakeEngine {
public:
    using Handler = std::function<void(const InputEvent&, io::LiveWorld&)>;

    FakeEngine(io::LiveWorld& world, Handler handler)
        : m_world(world)
        , m_handler(std::move(handler))
        , m_thread([this] { loop(); })
    {
    }
    ~FakeEngine() { stop(); }

    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    std::vector<InputEvent> inputs() const
    {
        std::lock_guard lock(m_mutex);
        return m_inputs;
    }

    /// Waits until `done(inputs)` holds; false after `timeoutMs`.
    bool waitFor(const std::function<bool(const std::vector<InputEvent>&)>& done, int timeoutMs = 15000) const
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return done(m_inputs); });
    }

    /// Runs `task` on the engine thread (outputs must be sent from there).
    void post(std::function<void(io::LiveWorld&)> task)
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }

private:
    void loop()
    {
        std::vector<InputEvent> batch;
        while (!m_stop) {
            std::vector<std::function<void(io::LiveWorld&)>> tasks;
            {
                std::lock_guard lock(m_mutex);
                tasks.swap(m_tasks);
            }
            for (auto& task : tasks)
                task(m_world);
            m_world.poll(batch, 5);
            for (const auto& input : batch) {
                {
                    std::lock_guard lock(m_mutex);
                    m_inputs.push_back(input);
                }
                m_changed.notify_all();
                if (m_handler)
                    m_handler(input, m_world);
            }
            batch.clear();
            m_world.flush();
        }
    }

    io::LiveWorld& m_world;
    Handler m_handler;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::vector<InputEvent> m_inputs;
    std::vector<std::function<void(io::LiveWorld&)>> m_tasks;
    std::atomic<bool> m_stop { false };
    std::thread m_thread;
};

inline std::size_t count(const std::vector<InputEvent>& inputs, Kind kind)
{
    return std::size_t(std::count_if(inputs.begin(), inputs.end(), [&](const auto& e) { return e.kind == kind; }));
}

inline const InputEvent* find(const std::vector<InputEvent>& inputs, Kind kind, const std::string& path = {})
{
    for (const auto& e : inputs) {
        if (e.kind == kind && (path.empty() || e.path == path))
            return &e;
    }
    return nullptr;
}

inline const InputEvent* findDone(const std::vector<InputEvent>& inputs, uint64_t id)
{
    for (const auto& e : inputs) {
        if (e.kind == Kind::RequestDone && e.id == id)
            return &e;
    }
    return nullptr;
}

inline std::string header(const engine::Fields& fields, const std::string& name)
{
    for (const auto& [k, v] : fields) {
        if (k == name)
            return v;
    }
    return "<none>";
}

/// The usual test server behaviour, by path.
inline void standardHandler(const InputEvent& in, io::LiveWorld& world)
{
    if (in.kind != Kind::HttpRequest)
        return;
    if (in.path == "/never")
        return;
    if (in.path == "/custom") {
        world.send(respond(in.id, 201, "created",
            { { "X-Test", "yes" }, { "Set-Cookie", "a=1" }, { "Set-Cookie", "b=2" }, { "Bad\nName", "x" } }));
    } else if (in.path == "/hello") {
        world.send(respond(in.id, 200, R"({"hello":"world"})", { { "Content-Type", "application/json" } }));
    } else if (in.path == "/big") {
        world.send(respond(in.id, 200, std::string(64 * 1024 * 1024, 'x')));
    } else {
        world.send(respond(in.id, 200, in.method + " " + in.path));
    }
}

/// Options for tests: quiet log captured into `lines` when given.
inline io::LiveWorldOptions quietOptions(std::shared_ptr<std::vector<std::string>> lines = {})
{
    io::LiveWorldOptions options;
    auto mutex = std::make_shared<std::mutex>();
    options.log = [lines, mutex](const std::string& line) {
        if (lines) {
            std::lock_guard lock(*mutex);
            lines->push_back(line);
        }
    };
    return options;
}

inline int threadCount()
{
    return int(QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size());
}

inline bool waitUntil(const std::function<bool()>& done, int timeoutMs = 10000)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

} // namespace aeroflow::io::testing
