#pragma once
// Private to io/: one outbound HTTP call (CallStart -> CallDone) with Beast's
// client on the core's io_context: resolve (numeric hosts skip the resolver),
// connect, write, read, under one deadline of callTimeoutMs. One connection
// per call, no redirects, http:// only.

#include "IoCore.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>

namespace aeroflow::io::detail {

class Call : public std::enable_shared_from_this<Call> {
public:
    Call(IoCore& core, uint64_t id);
    /// Starts the call; exactly one CallDone follows (maybe before this returns).
    void start(engine::OutputEvent& event);
    /// Ends the call now with status 0 and `why` (shutdown); later completions are ignored.
    void cancel(const std::string& why);

private:
    void connect(const tcp::resolver::results_type& endpoints);
    void onConnected(const boost::system::error_code& ec);
    void onWritten(const boost::system::error_code& ec);
    void onRead(const boost::system::error_code& ec);
    void fail(const boost::system::error_code& ec, const char* stage);
    void finish(int status, std::string body, engine::Fields headers);

    IoCore& m_core;
    uint64_t m_id;
    tcp::resolver m_resolver;
    tcp::socket m_socket;
    net::steady_timer m_timer;
    boost::beast::flat_buffer m_buffer;
    boost::beast::http::request<boost::beast::http::string_body> m_request;
    std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> m_parser;
    std::string m_host;
    Clock::time_point m_start;
    bool m_done = false;
};

} // namespace aeroflow::io::detail
