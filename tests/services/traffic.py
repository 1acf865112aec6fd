#!/usr/bin/python3
"""Real clients for tests/services/tst_services.cpp: each subcommand talks to
a running `aeroflow run` service on loopback and prints one JSON object with
what it saw (the Qt test asserts on it). Standard library only, except `ws`
(Debian's python3-websockets).

    traffic.py orders HOST:PORT N          N mixed order-book requests over keep-alive
    traffic.py raw HOST:PORT HEX           send raw bytes, report the status line (or close)
    traffic.py bigheader HOST:PORT BYTES   one request with a header of BYTES bytes
    traffic.py bigbody HOST:PORT BYTES     one POST with a body of BYTES bytes
    traffic.py slowloris HOST:PORT SECONDS trickle a header one byte every 0.5 s
    traffic.py vanish HOST:PORT N          N clients that send a request and close at once
    traffic.py flood HOST:PORT N           N connections open at once, one request each
    traffic.py load HOST:PORT SECONDS C    C clients looping GET /health until the server stops
    traffic.py ws URL N MESSAGES           N WebSocket clients, MESSAGES moves each, frames counted
"""

import asyncio
import json
import socket
import sys
import time
import http.client


def host_port(s):
    host, port = s.rsplit(":", 1)
    return host, int(port)


def out(obj):
    print(json.dumps(obj))
    sys.stdout.flush()


def raise_nofile():
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def orders(addr, n):
    """Deterministic mix of POST /orders, GET /book, /trades, /positions, bad requests."""
    host, port = host_port(addr)
    conn = http.client.HTTPConnection(host, port, timeout=10)
    statuses = {}
    bad = []
    traders = ["ada", "bob", "cyd", "dan"]
    for i in range(n):
        k = i % 10
        if k < 5:
            body = json.dumps({"trader": traders[i % 4], "side": "buy" if i % 3 else "sell",
                               "price": 95 + (i * 7) % 11, "qty": 1 + (i * 13) % 20})
            conn.request("POST", "/orders", body, {"content-type": "application/json"})
            want = 201
        elif k == 5:
            conn.request("GET", "/book")
            want = 200
        elif k == 6:
            conn.request("GET", "/trades?limit=3")
            want = 200
        elif k == 7:
            conn.request("GET", "/positions/" + traders[i % 4])
            want = 200
        elif k == 8:
            conn.request("POST", "/orders", "{not json", {"content-type": "application/json"})
            want = 400
        else:
            conn.request("GET", "/missing")
            want = 404
        r = conn.getresponse()
        data = r.read()
        statuses[str(r.status)] = statuses.get(str(r.status), 0) + 1
        if r.status != want:
            bad.append({"i": i, "want": want, "got": r.status, "body": data[:200].decode("utf-8", "replace")})
        elif want in (200, 201):
            json.loads(data)  # every answer is JSON
    out({"requests": n, "statuses": statuses, "bad": bad[:5]})


def read_status(sock, timeout=5.0):
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    return line


def raw(addr, hexbytes):
    s = socket.create_connection(host_port(addr))
    s.sendall(bytes.fromhex(hexbytes))
    out({"status_line": read_status(s)})


def bigheader(addr, size):
    s = socket.create_connection(host_port(addr))
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n")
    out({"status_line": read_status(s)})


def bigbody(addr, size):
    s = socket.create_connection(host_port(addr))
    head = b"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % size
    try:
        s.sendall(head + b"x" * size)
    except (BrokenPipeError, ConnectionResetError):
        pass
    out({"status_line": read_status(s)})


def slowloris(addr, seconds):
    s = socket.create_connection(host_port(addr))
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 1000
    start = time.monotonic()
    closed_after = None
    for b in request:
        try:
            s.send(bytes([b]))
        except (BrokenPipeError, ConnectionResetError):
            closed_after = time.monotonic() - start
            break
        time.sleep(0.5)
        if time.monotonic() - start > seconds:
            break
    if closed_after is None:
        # Closed by the server: a read returns b"" (or the status of an answer).
        s.settimeout(2.0)
        try:
            data = s.recv(100)
            closed_after = time.monotonic() - start if not data or data.startswith(b"HTTP/1.1 4") else None
        except socket.timeout:
            closed_after = None
        except ConnectionResetError:
            closed_after = time.monotonic() - start
    out({"closed": closed_after is not None, "after_s": closed_after})


def vanish(addr, n):
    for i in range(n):
        s = socket.create_connection(host_port(addr))
        s.sendall(b"GET /book HTTP/1.1\r\nHost: x\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST: the client is gone before the answer
    out({"vanished": n})


async def flood_async(addr, n):
    host, port = host_port(addr)
    opened = []
    errors = []

    async def one(i):
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        except Exception as e:  # noqa: BLE001 - counted
            errors.append(repr(e))
            return None
        opened.append(i)
        return r, w

    conns = await asyncio.gather(*(one(i) for i in range(n)))
    # Every connection is open at once; now each sends its request.
    ok = 0
    statuses = {}

    async def ask(c):
        nonlocal ok
        if c is None:
            return
        r, w = c
        try:
            w.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            await w.drain()
            line = await asyncio.wait_for(r.readline(), 60)
            st = line.split(b" ")[1].decode() if line.startswith(b"HTTP/1.1") else "closed"
            statuses[st] = statuses.get(st, 0) + 1
            if st == "200":
                ok += 1
        except Exception as e:  # noqa: BLE001 - counted
            errors.append(repr(e))
        finally:
            w.close()

    await asyncio.gather(*(ask(c) for c in conns))
    out({"connections": n, "opened": len(opened), "ok": ok, "statuses": statuses, "errors": errors[:5]})


def load(addr, seconds, clients):
    """Clients loop GET /health; counts complete answers and failures, and
    requests whose connection died before any answer (in flight at the stop)."""
    import threading
    host, port = host_port(addr)
    done = {"ok": 0, "other": 0, "refused": 0, "cut": 0}
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def worker():
        conn = None
        while time.monotonic() < end:
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(host, port, timeout=10)
                conn.request("GET", "/health")
                r = conn.getresponse()
                r.read()
                with lock:
                    done["ok" if r.status == 200 else "other"] += 1
                if r.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except ConnectionRefusedError:
                with lock:
                    done["refused"] += 1
                return
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, OSError):
                # The connection closed: between requests (fine) or with one in flight.
                with lock:
                    done["cut"] += 1
                conn = None
                time.sleep(0.05)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out(done)


async def ws_async(url, n, messages):
    import websockets
    frames = 0
    errors = []

    async def player(i):
        nonlocal frames
        try:
            async with websockets.connect(url, ping_interval=None) as ws:
                await ws.send(json.dumps({"type": "join", "name": "t%d" % i}))
                for k in range(messages):
                    await ws.send(json.dumps({"type": "move", "dx": 1, "dy": k % 2}))
                    await asyncio.sleep(0.01)
                end = time.monotonic() + 0.5
                while time.monotonic() < end:
                    try:
                        msg = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                        if "tick" in msg:
                            frames += 1
                    except asyncio.TimeoutError:
                        break
        except Exception as e:  # noqa: BLE001 - counted
            errors.append(repr(e))

    await asyncio.gather(*(player(i) for i in range(n)))
    out({"players": n, "frames": frames, "errors": errors[:5]})


def main(argv):
    raise_nofile()
    cmd = argv[1]
    if cmd == "orders":
        orders(argv[2], int(argv[3]))
    elif cmd == "raw":
        raw(argv[2], argv[3])
    elif cmd == "bigheader":
        bigheader(argv[2], int(argv[3]))
    elif cmd == "bigbody":
        bigbody(argv[2], int(argv[3]))
    elif cmd == "slowloris":
        slowloris(argv[2], float(argv[3]))
    elif cmd == "vanish":
        vanish(argv[2], int(argv[3]))
    elif cmd == "flood":
        asyncio.run(flood_async(argv[2], int(argv[3])))
    elif cmd == "load":
        load(argv[2], float(argv[3]), int(argv[4]))
    elif cmd == "ws":
        asyncio.run(ws_async(argv[2], int(argv[3]), int(argv[4])))
    else:
        sys.exit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main(sys.argv)
