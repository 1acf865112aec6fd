// aeroflow-bench-wsload: the WebSocket load client of the service benchmarks
// (bench/services/run.py). One thread, one io_context, every connection on it;
// run it pinned to its own core. It speaks just enough RFC 6455 to be cheap:
// a hand-written upgrade request, masked text frames out, and server frames
// parsed in place from 64 KiB reads (no per-frame allocation, no Beast stream
// per connection), so that one client core can outrun the server's core.
//
//   aeroflow-bench-wsload broadcast URL [--clients N] [--senders S] [--window W]
//                         [--size BYTES] [--warmup SEC] [--duration SEC]
//   aeroflow-bench-wsload room URL [--players N] [--move-hz H] [--warmup SEC]
//                         [--duration SEC]
//
// broadcast: N clients join a room that sends every incoming message to all
//   N. The first S clients (default: all) send messages of BYTES bytes
//   ("SENDER SEQ " then padding) and keep W of their own in flight: the next
//   one leaves when one comes back. Reports frames delivered to clients per
//   second (the fan-out), messages sent per second and the round trip of a
//   sender's own message (send -> its broadcast arrives back).
// room: N players join the game room of resources/examples/services/game_room
//   ({"type":"join","name":"pI"}), then each sends {"type":"move",...} H times a
//   second (staggered). Every broadcast {"tick":N,"t":MS,...} gives one latency
//   sample: arrival wall clock - t (t is whole milliseconds from now(), so a
//   sample reads up to 1 ms high), and per tick the spread between the first
//   and the last player to receive it (steady clock, microseconds).
//
// Only what happens in [warmup, warmup + duration] is counted. The result is
// one JSON object on stdout; progress and errors go to stderr. Exit status 1
// when a connection fails or nothing was measured.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <sys/resource.h>
#include <unordered_map>
#include <vector>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Steady = std::chrono::steady_clock;

int64_t steadyUs() { return std::chrono::duration_cast<std::chrono::microseconds>(Steady::now().time_since_epoch()).count(); }
int64_t wallUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Options {
    std::string mode;
    std::string host = "127.0.0.1";
    std::string port;
    std::string path = "/";
    int clients = 100;
    int senders = -1; // all
    int window = 1;
    int size = 64;
    int players = 1000;
    double moveHz = 10;
    double warmup = 2;
    double duration = 10;
};

double percentile(std::vector<double>& v, double p)
{
    if (v.empty())
        return 0;
    std::size_t k = std::min(v.size() - 1, std::size_t(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
    return v[k];
}

double maxOf(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

int64_t parseIntAfter(std::string_view text, std::string_view key, bool& ok)
{
    ok = false;
    std::size_t at = text.find(key);
    if (at == std::string_view::npos)
        return 0;
    const char* p = text.data() + at + key.size();
    int64_t v = 0;
    auto r = std::from_chars(p, text.data() + text.size(), v);
    ok = r.ec == std::errc();
    return v;
}

class Client;

/// What a mode does with connections and frames.
struct Mode {
    virtual ~Mode() = default;
    virtual void onOpen(Client& c) = 0;
    virtual void onText(Client& c, std::string_view payload, int64_t arrivalSteadyUs, int64_t arrivalWallUs) = 0;
};

/// One WebSocket client connection.
class Client {
public:
    Client(net::io_context& ioc, int index, Mode& mode)
        : m_socket(ioc), m_index(index), m_mode(mode), m_buf(64 * 1024)
    {
        std::mt19937 rng(uint32_t(index) * 2654435761u + 1);
        for (auto& b : m_mask)
            b = char(rng() & 0xff);
    }

    int index() const { return m_index; }
    bool failed() const { return m_failed; }
    bool open() const { return m_open; }

    void start(const tcp::endpoint& endpoint, const Options& o, std::function<void(Client&, bool)> connected)
    {
        m_connected = std::move(connected);
        m_socket.async_connect(endpoint, [this, &o](const error_code& ec) {
            if (ec)
                return fail("connect: " + ec.message());
            m_socket.set_option(tcp::no_delay(true));
            m_request = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + o.port +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            net::async_write(m_socket, net::buffer(m_request), [this](const error_code& wec, std::size_t) {
                if (wec)
                    return fail("handshake write: " + wec.message());
                readHandshake();
            });
        });
    }

    /// Queues one masked text frame.
    void sendText(std::string_view payload) { appendFrame(0x1, payload); }

    void close()
    {
        error_code ignored;
        m_socket.close(ignored);
    }

private:
    void fail(const std::string& why)
    {
        if (!m_failed && !m_closing)
            std::fprintf(stderr, "wsload: client %d: %s\n", m_index, why.c_str());
        m_failed = true;
        close();
        if (m_connected) {
            auto cb = std::move(m_connected);
            m_connected = nullptr;
            cb(*this, false);
        }
    }

    void readHandshake()
    {
        m_socket.async_read_some(net::buffer(m_buf.data() + m_have, m_buf.size() - m_have),
                                 [this](const error_code& ec, std::size_t n) {
                                     if (ec)
                                         return fail("handshake read: " + ec.message());
                                     m_have += n;
                                     std::string_view got(m_buf.data(), m_have);
                                     std::size_t end = got.find("\r\n\r\n");
                                     if (end == std::string_view::npos) {
                                         if (m_have == m_buf.size())
                                             return fail("handshake answer too long");
                                         return readHandshake();
                                     }
                                     if (got.substr(0, 13) != "HTTP/1.1 101 ")
                                         return fail("no upgrade: " + std::string(got.substr(0, got.find("\r\n"))));
                                     // Frames may already follow the answer in the same read.
                                     std::size_t rest = m_have - (end + 4);
                                     std::memmove(m_buf.data(), m_buf.data() + end + 4, rest);
                                     m_have = rest;
                                     m_open = true;
                                     auto cb = std::move(m_connected);
                                     m_connected = nullptr;
                                     cb(*this, true);
                                     m_mode.onOpen(*this);
                                     if (!parseFrames(steadyUs(), wallUs()))
                                         return;
                                     read();
                                 });
    }

    void read()
    {
        if (m_have == m_buf.size())
            m_buf.resize(m_buf.size() * 2);
        m_socket.async_read_some(net::buffer(m_buf.data() + m_have, m_buf.size() - m_have),
                                 [this](const error_code& ec, std::size_t n) {
                                     if (ec) {
                                         if (!m_closing)
                                             fail("read: " + ec.message());
                                         return;
                                     }
                                     m_have += n;
                                     if (parseFrames(steadyUs(), wallUs()))
                                         read();
                                 });
    }

    /// Handles every complete frame in m_buf; false when the connection ended.
    bool parseFrames(int64_t arrivalSteady, int64_t arrivalWall)
    {
        std::size_t at = 0;
        const auto* b = reinterpret_cast<const unsigned char*>(m_buf.data());
        while (m_have - at >= 2) {
            unsigned op = b[at] & 0x0f;
            bool fin = b[at] & 0x80;
            bool masked = b[at + 1] & 0x80;
            uint64_t len = b[at + 1] & 0x7f;
            std::size_t head = 2;
            if (len == 126) {
                if (m_have - at < 4)
                    break;
                len = (uint64_t(b[at + 2]) << 8) | b[at + 3];
                head = 4;
            } else if (len == 127) {
                if (m_have - at < 10)
                    break;
                len = 0;
                for (int i = 0; i < 8; ++i)
                    len = (len << 8) | b[at + 2 + i];
                head = 10;
            }
            if (masked)
                head += 4; // servers do not mask; tolerate it without unmasking
            if (m_have - at < head + len) {
                if (head + len > m_buf.size())
                    m_buf.resize(head + len + 1024);
                break;
            }
            std::string_view payload(m_buf.data() + at + head, std::size_t(len));
            at += head + std::size_t(len);
            if (op == 0x8) {
                m_closing = true;
                close();
                return false;
            }
            if (op == 0x9) {
                appendFrame(0xA, payload);
                continue;
            }
            if (op == 0xA)
                continue;
            if (op == 0x0 || !fin) {
                m_fragments.append(payload);
                if (!fin)
                    continue;
                std::string whole = std::move(m_fragments);
                m_fragments.clear();
                m_mode.onText(*this, whole, arrivalSteady, arrivalWall);
                continue;
            }
            m_mode.onText(*this, payload, arrivalSteady, arrivalWall);
        }
        if (at > 0) {
            std::memmove(m_buf.data(), m_buf.data() + at, m_have - at);
            m_have -= at;
        }
        return true;
    }

    void appendFrame(unsigned op, std::string_view payload)
    {
        std::string& out = m_pending;
        out.push_back(char(0x80 | op));
        if (payload.size() < 126) {
            out.push_back(char(0x80 | payload.size()));
        } else if (payload.size() < 65536) {
            out.push_back(char(0x80 | 126));
            out.push_back(char(payload.size() >> 8));
            out.push_back(char(payload.size() & 0xff));
        } else {
            out.push_back(char(0x80 | 127));
            for (int i = 7; i >= 0; --i)
                out.push_back(char((uint64_t(payload.size()) >> (8 * i)) & 0xff));
        }
        out.append(m_mask, 4);
        std::size_t start = out.size();
        out.append(payload);
        for (std::size_t i = 0; i < payload.size(); ++i)
            out[start + i] ^= m_mask[i & 3];
        if (!m_writing)
            flushWrites();
    }

    void flushWrites()
    {
        if (m_pending.empty() || m_failed)
            return;
        m_writing = true;
        m_inflight.swap(m_pending);
        m_pending.clear();
        net::async_write(m_socket, net::buffer(m_inflight), [this](const error_code& ec, std::size_t) {
            m_writing = false;
            m_inflight.clear();
            if (ec) {
                if (!m_closing)
                    fail("write: " + ec.message());
                return;
            }
            flushWrites();
        });
    }

    tcp::socket m_socket;
    int m_index;
    Mode& m_mode;
    std::vector<char> m_buf;
    std::size_t m_have = 0;
    std::string m_request;
    std::string m_pending, m_inflight, m_fragments;
    char m_mask[4];
    std::function<void(Client&, bool)> m_connected;
    bool m_writing = false;
    bool m_open = false;
    bool m_failed = false;

public:
    bool m_closing = false;
};

/// The measurement window, in steady microseconds.
struct Window {
    int64_t from = INT64_MAX, to = INT64_MAX;
    bool contains(int64_t us) const { return us >= from && us < to; }
};

// --- broadcast ---------------------------------------------------------------------------

struct Broadcast final : Mode {
    const Options& o;
    Window window;
    bool sending = false;
    int syncSeen = 0;
    std::function<void()> onSynced;
    uint64_t received = 0, sent = 0, echoes = 0, foreign = 0;
    std::vector<double> rttUs;
    std::vector<uint64_t> nextSeq;
    std::vector<std::deque<int64_t>> sentAt; // per sender: send times of its in-flight messages
    std::string scratch;

    explicit Broadcast(const Options& options) : o(options) {}

    void sendOne(Client& c)
    {
        uint64_t seq = nextSeq[std::size_t(c.index())]++;
        scratch.clear();
        scratch += std::to_string(c.index());
        scratch += ' ';
        scratch += std::to_string(seq);
        scratch += ' ';
        if (int(scratch.size()) < o.size)
            scratch.append(std::size_t(o.size) - scratch.size(), 'x');
        int64_t now = steadyUs();
        sentAt[std::size_t(c.index())].push_back(now);
        if (window.contains(now))
            ++sent;
        c.sendText(scratch);
    }

    void startSending(std::vector<std::unique_ptr<Client>>& clients, int senders)
    {
        sending = true;
        for (int i = 0; i < senders; ++i)
            for (int w = 0; w < o.window; ++w)
                sendOne(*clients[std::size_t(i)]);
    }

    void onOpen(Client&) override {}

    void onText(Client& c, std::string_view payload, int64_t arrival, int64_t) override
    {
        if (payload == "sync") {
            if (++syncSeen == o.clients && onSynced) {
                auto synced = std::move(onSynced);
                onSynced = nullptr;
                synced();
            }
            return;
        }
        if (window.contains(arrival))
            ++received;
        int64_t sender = -1;
        std::from_chars(payload.data(), payload.data() + payload.size(), sender);
        if (sender != c.index()) {
            return;
        }
        auto& times = sentAt[std::size_t(sender)];
        if (times.empty()) {
            ++foreign;
            return;
        }
        int64_t at = times.front();
        times.pop_front();
        if (window.contains(arrival)) {
            ++echoes;
            rttUs.push_back(double(arrival - at));
        }
        if (sending && arrival < window.to)
            sendOne(c);
    }
};

// --- room --------------------------------------------------------------------------------

struct Room final : Mode {
    const Options& o;
    Window window;
    uint64_t unparsed = 0, payloadBytes = 0, payloads = 0;
    /// Every tick whose first arrival is in the window counts, with all its arrivals
    /// (also those just after the window): a tick is a unit.
    struct TickSeen {
        int64_t first = INT64_MAX, last = 0;
        std::vector<float> latencyMs;
    };
    std::unordered_map<int64_t, TickSeen> ticks;
    char buf[128];

    explicit Room(const Options& options) : o(options) {}

    void onOpen(Client& c) override
    {
        int n = std::snprintf(buf, sizeof buf, "{\"type\":\"join\",\"name\":\"p%d\"}", c.index());
        c.sendText(std::string_view(buf, std::size_t(n)));
    }

    void move(Client& c, std::mt19937& rng)
    {
        int dx = int(rng() % 3) - 1, dy = int(rng() % 3) - 1;
        int n = std::snprintf(buf, sizeof buf, "{\"type\":\"move\",\"dx\":%d,\"dy\":%d}", dx, dy);
        c.sendText(std::string_view(buf, std::size_t(n)));
    }

    void onText(Client&, std::string_view payload, int64_t arrival, int64_t arrivalWall) override
    {
        if (arrival < window.from)
            return;
        bool okTick = false, okT = false;
        int64_t tick = parseIntAfter(payload.substr(0, 64), "\"tick\":", okTick);
        int64_t t = parseIntAfter(payload.substr(0, 64), "\"t\":", okT);
        if (!okTick || !okT) {
            ++unparsed;
            return;
        }
        auto it = ticks.find(tick);
        if (it == ticks.end()) {
            if (arrival >= window.to)
                return; // a tick that began after the window
            it = ticks.emplace(tick, TickSeen{}).first;
            it->second.latencyMs.reserve(std::size_t(o.players));
        }
        payloadBytes += payload.size();
        ++payloads;
        TickSeen& s = it->second;
        s.first = std::min(s.first, arrival);
        s.last = std::max(s.last, arrival);
        s.latencyMs.push_back(float(double(arrivalWall) / 1000.0 - double(t)));
    }
};

// --- driver ------------------------------------------------------------------------------

bool parseUrl(const std::string& url, Options& o)
{
    std::string_view u(url);
    if (u.substr(0, 5) != "ws://")
        return false;
    u.remove_prefix(5);
    std::size_t slash = u.find('/');
    std::string_view hostPort = u.substr(0, slash);
    o.path = slash == std::string_view::npos ? "/" : std::string(u.substr(slash));
    std::size_t colon = hostPort.rfind(':');
    if (colon == std::string_view::npos)
        return false;
    o.host = std::string(hostPort.substr(0, colon));
    o.port = std::string(hostPort.substr(colon + 1));
    return true;
}

int usage()
{
    std::fprintf(stderr, "usage: aeroflow-bench-wsload broadcast|room ws://HOST:PORT/ [options] (see the source)\n");
    return 2;
}

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 3)
        return usage();
    Options o;
    o.mode = argv[1];
    if ((o.mode != "broadcast" && o.mode != "room") || !parseUrl(argv[2], o))
        return usage();
    for (int i = 3; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        double v = std::atof(argv[i + 1]);
        if (a == "--clients")
            o.clients = int(v);
        else if (a == "--senders")
            o.senders = int(v);
        else if (a == "--window")
            o.window = std::max(1, int(v));
        else if (a == "--size")
            o.size = std::max(16, int(v));
        else if (a == "--players")
            o.players = int(v);
        else if (a == "--move-hz")
            o.moveHz = v;
        else if (a == "--warmup")
            o.warmup = v;
        else if (a == "--duration")
            o.duration = v;
        else
            return usage();
    }
    {
        rlimit limit{};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
            limit.rlim_cur = limit.rlim_max;
            setrlimit(RLIMIT_NOFILE, &limit);
        }
    }
    const bool broadcastMode = o.mode == "broadcast";
    const int n = broadcastMode ? o.clients : o.players;
    const int senders = o.senders < 0 ? n : std::min(o.senders, n);

    net::io_context ioc(1);
    tcp::endpoint endpoint(net::ip::make_address(o.host), uint16_t(std::atoi(o.port.c_str())));
    Broadcast broadcast(o);
    Room room(o);
    Mode& mode = broadcastMode ? static_cast<Mode&>(broadcast) : static_cast<Mode&>(room);
    broadcast.nextSeq.assign(std::size_t(n), 0);
    broadcast.sentAt.resize(std::size_t(n));

    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < n; ++i)
        clients.push_back(std::make_unique<Client>(ioc, i, mode));

    // Connect at most 64 at a time (Node's default listen backlog is 511).
    int next = 0, opened = 0, failedCount = 0;
    bool allOpen = false;
    net::steady_timer timer(ioc);
    std::function<void()> connectNext;
    std::function<void()> begin;
    connectNext = [&] {
        if (next >= n)
            return;
        Client& c = *clients[std::size_t(next++)];
        c.start(endpoint, o, [&](Client&, bool ok) {
            ok ? ++opened : ++failedCount;
            if (opened + failedCount == n) {
                allOpen = true;
                if (failedCount == 0)
                    begin();
                else
                    ioc.stop();
            } else {
                connectNext();
            }
        });
    };
    const int64_t t0 = steadyUs();
    double cpuAtStart = 0, cpuAtEnd = 0;
    int64_t measureFrom = 0, measureTo = 0;
    auto finish = [&] {
        cpuAtEnd = cpuSeconds();
        for (auto& c : clients) {
            c->m_closing = true;
            c->close();
        }
        ioc.stop();
    };
    auto armWindow = [&](Window& w) {
        int64_t now = steadyUs();
        w.from = now + int64_t(o.warmup * 1e6);
        w.to = w.from + int64_t(o.duration * 1e6);
        measureFrom = w.from;
        measureTo = w.to;
        auto startCpu = std::make_shared<net::steady_timer>(ioc);
        startCpu->expires_at(Steady::time_point(std::chrono::microseconds(w.from)));
        startCpu->async_wait([&, startCpu](const error_code&) {
            cpuAtStart = cpuSeconds();
            std::fprintf(stderr, "wsload: measuring\n"); // run.py samples the server's CPU time here
            startCpu->expires_at(Steady::time_point(std::chrono::microseconds(w.to)));
            startCpu->async_wait([startCpu](const error_code&) { std::fprintf(stderr, "wsload: measured\n"); });
        });
        timer.expires_at(Steady::time_point(std::chrono::microseconds(w.to + 200000)));
        timer.async_wait([&](const error_code&) { finish(); });
    };

    // Room: moves for every player, staggered over one period, checked every millisecond.
    std::vector<int64_t> nextMove;
    std::mt19937 rng(12345);
    net::steady_timer moveTimer(ioc);
    std::function<void()> moveLoop = [&] {
        int64_t now = steadyUs();
        int64_t period = int64_t(1e6 / o.moveHz);
        for (int i = 0; i < n; ++i) {
            if (nextMove[std::size_t(i)] <= now) {
                room.move(*clients[std::size_t(i)], rng);
                nextMove[std::size_t(i)] += period;
                if (nextMove[std::size_t(i)] < now)
                    nextMove[std::size_t(i)] = now + period;
            }
        }
        moveTimer.expires_after(std::chrono::milliseconds(1));
        moveTimer.async_wait([&](const error_code& ec) {
            if (!ec)
                moveLoop();
        });
    };

    begin = [&] {
        std::fprintf(stderr, "wsload: %d connections open after %.2f s\n", n, double(steadyUs() - t0) / 1e6);
        if (broadcastMode) {
            // One message every client must see: the room knows all of them.
            broadcast.onSynced = [&] {
                armWindow(broadcast.window);
                broadcast.startSending(clients, senders);
            };
            clients[0]->sendText("sync");
            auto syncTimeout = std::make_shared<net::steady_timer>(ioc);
            syncTimeout->expires_after(std::chrono::seconds(10));
            syncTimeout->async_wait([&, syncTimeout](const error_code&) {
                if (broadcast.syncSeen < n) {
                    std::fprintf(stderr, "wsload: only %d of %d clients saw the sync message\n", broadcast.syncSeen, n);
                    failedCount = 1;
                    finish();
                }
            });
        } else {
            armWindow(room.window);
            if (o.moveHz > 0) {
                int64_t now = steadyUs();
                int64_t period = int64_t(1e6 / o.moveHz);
                nextMove.resize(std::size_t(n));
                for (int i = 0; i < n; ++i)
                    nextMove[std::size_t(i)] = now + period * i / n;
                moveLoop();
            }
        }
    };
    for (int i = 0; i < std::min(n, 64); ++i)
        connectNext();
    ioc.run();

    if (!allOpen || failedCount > 0) {
        std::printf("{\"ok\":false,\"opened\":%d,\"failed\":%d}\n", opened, failedCount);
        return 1;
    }
    double seconds = double(measureTo - measureFrom) / 1e6;
    double cpu = seconds > 0 ? (cpuAtEnd - cpuAtStart) / (seconds + 0.2) : 0; // finish() runs 0.2 s after the window
    if (broadcastMode) {
        auto& r = broadcast.rttUs;
        double p50 = percentile(r, 0.50), p99 = percentile(r, 0.99);
        std::printf("{\"ok\":%s,\"mode\":\"broadcast\",\"clients\":%d,\"senders\":%d,\"window\":%d,\"size\":%d,"
                    "\"seconds\":%.3f,\"delivered_per_s\":%.1f,\"sent_per_s\":%.1f,\"echoes_per_s\":%.1f,"
                    "\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f,\"rtt_max_us\":%.1f,\"client_cpu\":%.3f}\n",
                    broadcast.received > 0 ? "true" : "false", n, senders, o.window, o.size, seconds,
                    double(broadcast.received) / seconds, double(broadcast.sent) / seconds,
                    double(broadcast.echoes) / seconds, p50, p99, maxOf(r), cpu);
        return broadcast.received > 0 ? 0 : 1;
    }
    // Spread: over the ticks every player received, first to last arrival.
    std::vector<double> spread, lat;
    uint64_t partial = 0, frames = 0;
    int64_t minTick = INT64_MAX, maxTick = 0;
    for (const auto& [tick, s] : room.ticks) {
        minTick = std::min(minTick, tick);
        maxTick = std::max(maxTick, tick);
        frames += s.latencyMs.size();
        lat.insert(lat.end(), s.latencyMs.begin(), s.latencyMs.end());
        if (int(s.latencyMs.size()) >= n)
            spread.push_back(double(s.last - s.first));
        else
            ++partial;
    }
    double lp50 = percentile(lat, 0.50), lp99 = percentile(lat, 0.99), lmax = maxOf(lat);
    double sp50 = percentile(spread, 0.50), sp99 = percentile(spread, 0.99), smax = maxOf(spread);
    std::printf("{\"ok\":%s,\"mode\":\"room\",\"players\":%d,\"move_hz\":%.1f,\"seconds\":%.3f,\"frames_per_s\":%.1f,"
                "\"ticks\":%zu,\"ticks_per_s\":%.2f,\"tick_span\":%lld,\"partial_ticks\":%llu,\"unparsed\":%llu,"
                "\"latency_p50_ms\":%.3f,\"latency_p99_ms\":%.3f,\"latency_max_ms\":%.3f,"
                "\"spread_p50_us\":%.1f,\"spread_p99_us\":%.1f,\"spread_max_us\":%.1f,\"client_cpu\":%.3f,"
                "\"frame_bytes\":%.0f}\n",
                frames > 0 ? "true" : "false", n, o.moveHz, seconds, double(frames) / seconds,
                room.ticks.size(), double(room.ticks.size()) / seconds,
                (long long)(room.ticks.empty() ? 0 : maxTick - minTick + 1), (unsigned long long)partial,
                (unsigned long long)room.unparsed, lp50, lp99, lmax, sp50, sp99, smax, cpu,
                room.payloads ? double(room.payloadBytes) / double(room.payloads) : 0.0);
    return frames > 0 ? 0 : 1;
}
