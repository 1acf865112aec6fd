#!/usr/bin/env python3
"""Real network clients for tst_io_liveworld: each subcommand talks to a
LiveWorld server on 127.0.0.1 and prints one result line for the test to check.
Exit status 0 means the client itself ran; the test judges the printed line."""

import asyncio
import codecs
import http.client
import resource
import socket
import sys
import time


def recv_all(sock, timeout=10.0):
    """Reads until the peer closes (or resets) or `timeout` passes."""
    sock.settimeout(timeout)
    chunks = []
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    except (socket.timeout, ConnectionResetError):
        pass
    return b"".join(chunks)


def connect(port):
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def status_of(response_bytes):
    line = response_bytes.split(b"\r\n", 1)[0].decode("latin-1")
    return line


def cmd_raw(port, payload):
    """Sends `payload` (Python escapes allowed) and prints the first response line."""
    sock = connect(port)
    sock.sendall(codecs.decode(payload, "unicode_escape").encode("latin-1"))
    print(status_of(recv_all(sock)))


def cmd_bigheader(port, size):
    sock = connect(port)
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * int(size) + b"\r\n\r\n"
    try:
        sock.sendall(request)
    except (BrokenPipeError, ConnectionResetError):
        pass
    print(status_of(recv_all(sock)))


def cmd_bigbody(port, size):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = b"b" * int(size)
    try:
        conn.request("POST", "/upload", body=body, headers={"Content-Type": "application/octet-stream"})
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = conn.getresponse()
    print(response.status, response.read().decode())


def cmd_post(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/submit?name=J%C3%BCrgen&empty=", body=b"line one\nline two\x00end",
                 headers={"X-Mixed-Case": "Kept Value", "Content-Type": "text/plain"})
    response = conn.getresponse()
    print(response.status, response.read().decode())


def cmd_keepalive(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    first_socket = None
    for i in range(int(count)):
        conn.request("GET", "/keep?i=%d" % i)
        response = conn.getresponse()
        body = response.read().decode()
        if response.status != 200 or body != "GET /keep":
            print("bad response", response.status, body)
            return
        if first_socket is None:
            first_socket = conn.sock
        elif conn.sock is not first_socket:
            print("reconnected at request", i)
            return
    # HEAD on the same connection: Content-Length but no body bytes.
    conn.request("HEAD", "/keep")
    response = conn.getresponse()
    response.read()
    print("ok", count, "head", response.status, response.getheader("Content-Length"))


def cmd_slowloris(port, interval_ms, total_ms):
    sock = connect(port)
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    deadline = start + int(total_ms) / 1000.0
    sock.settimeout(int(interval_ms) / 1000.0)
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"X")
            data = sock.recv(1024)
            if not data:
                print("closed after %d ms" % ((time.monotonic() - start) * 1000))
                return
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            print("closed after %d ms" % ((time.monotonic() - start) * 1000))
            return
    print("still open")


def cmd_vanish(port):
    sock = connect(port)
    sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
    got = sock.recv(1024)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    sock.close()  # with unread data: the kernel resets the connection
    print("vanished after", len(got), "bytes")


def raise_file_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cmd_many(port, count):
    """Opens `count` connections, all of them at once, then sends one request on
    each and reads every answer while they all stay open."""
    count = int(count)
    limit = raise_file_limit(count + 100)
    if limit < count + 50:
        print("file limit too low:", limit)
        return

    async def main():
        gate = asyncio.Semaphore(200)  # connects in flight: stays within the listen backlog

        async def open_one():
            async with gate:
                for attempt in range(5):
                    try:
                        return await asyncio.open_connection("127.0.0.1", port)
                    except OSError:
                        await asyncio.sleep(0.1 * (attempt + 1))
                raise RuntimeError("cannot connect")

        conns = await asyncio.gather(*[open_one() for _ in range(count)])
        for i, (reader, writer) in enumerate(conns):
            writer.write(b"GET /many?i=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)

        async def read_one(reader):
            line = await reader.readline()
            await reader.readuntil(b"\r\n\r\n")
            return line.startswith(b"HTTP/1.1 200")

        oks = await asyncio.wait_for(asyncio.gather(*[read_one(r) for r, _ in conns]), 60)
        for _, writer in conns:
            writer.close()
        return sum(oks)

    print("ok", asyncio.run(main()))


def cmd_conns(port, keep):
    """Holds `keep` answered connections open, then prints what one more gets."""
    held = []
    for _ in range(int(keep)):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/hold")
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            print("held connection got", response.status)
            return
        held.append(conn)
    sock = connect(port)
    sock.sendall(b"GET /extra HTTP/1.1\r\nHost: x\r\n\r\n")
    print(status_of(recv_all(sock)))


def cmd_rate(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    statuses = {}
    for _ in range(int(count)):
        conn.request("GET", "/rate")
        response = conn.getresponse()
        response.read()
        statuses[response.status] = statuses.get(response.status, 0) + 1
    print(" ".join("%d:%d" % item for item in sorted(statuses.items())))


def cmd_ws_echo(port):
    import websockets

    async def main():
        uri = "ws://127.0.0.1:%d/chat/room%%201?user=ann&tag=a+b" % port
        async with websockets.connect(uri, extra_headers={"X-Client": "Py"}) as ws:
            await ws.send("hello")
            first = await asyncio.wait_for(ws.recv(), 10)
            await ws.send(b"\x01\x02binary")
            second = await asyncio.wait_for(ws.recv(), 10)
            if first != "echo:hello" or second != "echo:\x01\x02binary":
                return "bad echo %r %r" % (first, second)
        return "ok"

    print(asyncio.run(main()))


def cmd_ws_broadcast(port, count):
    import websockets

    async def main():
        uri = "ws://127.0.0.1:%d/room" % port
        clients = [await websockets.connect(uri) for _ in range(int(count))]
        for ws in clients:  # the engine answers "joined" once it saw the open
            await ws.send("join")
            if await asyncio.wait_for(ws.recv(), 10) != "joined":
                return "no join"
        await clients[0].send("broadcast:hi all")
        got = [await asyncio.wait_for(ws.recv(), 10) for ws in clients]
        if got != ["hi all"] * len(clients):
            return "bad broadcast %r" % got
        await clients[1].send("close-me")
        try:
            await asyncio.wait_for(clients[1].recv(), 10)
            return "not closed"
        except websockets.ConnectionClosed:
            code = clients[1].close_code
        for ws in clients:
            await ws.close()
        return "ok closed %d" % code

    print(asyncio.run(main()))


def cmd_ws_wait_close(port):
    """Connects, says hello, and reports how the server closes the connection."""
    import websockets

    async def main():
        async with websockets.connect("ws://127.0.0.1:%d/wait" % port) as ws:
            await ws.send("waiting")
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 20)
            except websockets.ConnectionClosed:
                return "closed %s" % ws.close_code
    print(asyncio.run(main()))


def cmd_ws_hold(port, seconds):
    """Connects and holds the connection (for the destructor test)."""
    import websockets

    async def main():
        async with websockets.connect("ws://127.0.0.1:%d/hold" % port) as ws:
            await ws.send("holding")
            try:
                await asyncio.wait_for(ws.recv(), float(seconds))
            except websockets.ConnectionClosed:
                return "closed"
            except asyncio.TimeoutError:
                return "timeout"
            return "message"
    print(asyncio.run(main()))


def cmd_ws_burst(port, count):
    """Sends `count` messages at once, then waits for the engine's "done"."""
    import websockets

    async def main():
        async with websockets.connect("ws://127.0.0.1:%d/burst" % port) as ws:
            for i in range(int(count)):
                await ws.send("m%d" % i)
            reply = await asyncio.wait_for(ws.recv(), 20)
            return "ok" if reply == "done" else "bad reply %r" % reply
    print(asyncio.run(main()))


def cmd_ws_stall(port, seconds):
    """Asks for a flood, then reads nothing; reports whether the server gave up on it."""
    import websockets

    async def main():
        async with websockets.connect("ws://127.0.0.1:%d/stall" % port, max_size=None) as ws:
            await ws.send("flood")
            await asyncio.sleep(float(seconds))  # the server's queue grows meanwhile
            try:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            except websockets.ConnectionClosed:
                return "closed"
            except asyncio.TimeoutError:
                return "still open"
    print(asyncio.run(main()))


COMMANDS = {
    "raw": cmd_raw, "bigheader": cmd_bigheader, "bigbody": cmd_bigbody, "post": cmd_post,
    "keepalive": cmd_keepalive, "slowloris": cmd_slowloris, "vanish": cmd_vanish, "many": cmd_many,
    "conns": cmd_conns, "rate": cmd_rate, "ws-echo": cmd_ws_echo, "ws-broadcast": cmd_ws_broadcast,
    "ws-wait-close": cmd_ws_wait_close, "ws-hold": cmd_ws_hold, "ws-burst": cmd_ws_burst,
    "ws-stall": cmd_ws_stall,
}

if __name__ == "__main__":
    command, port, *rest = sys.argv[1:]
    COMMANDS[command](int(port), *rest)
