#!/usr/bin/env python3
"""Service benchmarks: AeroFlow serving HTTP and WebSocket clients, with Go,
Node.js and nginx side by side in one run (bench/README.md, "Services").

    python3 bench/services/run.py [--quick] [--build-dir DIR] [--only http,broadcast,room]

What runs, each server pinned to one core (taskset -c 0) and its load
generator to the other (taskset -c 1), servers interleaved repeat by repeat,
each repeat a fresh server process:

  http       wrk --latency, 50 connections, on GET /hello (hello-JSON) and
             GET /count?name=bench (request -> actor -> actor -> respond):
             AeroFlow, AeroFlow --record, Go net/http, Node http, nginx
             `return 200` (the ceiling)
  broadcast  a WebSocket room that sends every message to all 100 clients,
             every client sending with one message in flight: AeroFlow,
             AeroFlow --record, Node + ws
  room       the game room of resources/examples/services/game_room (60 Hz
             ticks) with 1,000 players moving 10 times a second: tick ->
             arrival latency and first-to-last spread; AeroFlow, AeroFlow
             --record, the same room in Node + ws

Then one short recorded session per AeroFlow program is replayed with
`aeroflow replay T --verify`. Prints one table per benchmark with medians,
ratios and the goals; --json FILE also writes every raw figure.

Builds what it needs: `ninja -C BUILD aeroflow aeroflow-bench-wsload`
(BUILD is build-bench unless --build-dir), the Go peer with `go build`
(standard library only, offline) and `npm ci` of bench/services when
node_modules is missing.
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GAME_ROOM = os.path.join(ROOT, "resources", "examples", "services", "game_room", "room.aefl")
LISTENING = re.compile(r"listening on (?:http|ws)://([0-9.]+):([0-9]+)")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def loadavg():
    return "%.2f %.2f %.2f" % os.getloadavg()


# --- processes -------------------------------------------------------------------------

def cpu_ticks(pid):
    """user + system clock ticks of pid and its children processes (nginx's worker)."""
    total = 0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            for child in f.read().split():
                total += cpu_ticks(int(child))
    except (OSError, ValueError, IndexError):
        pass
    return total


class CpuMeter:
    """CPU time a process tree used per second of wall clock, between start() and stop()."""

    HZ = os.sysconf("SC_CLK_TCK")

    def __init__(self, pid):
        self.pid = pid

    def start(self):
        self.t0, self.c0 = time.monotonic(), cpu_ticks(self.pid)

    def stop(self):
        wall = time.monotonic() - self.t0
        return (cpu_ticks(self.pid) - self.c0) / self.HZ / wall if wall > 0 else 0.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


RUNNING = []  # servers started and not stopped yet: main() stops them whatever happens


class Server:
    """One server process, pinned, with its stderr in a file."""

    def __init__(self, name, argv, cpu, workdir, env=None, port=None):
        self.name = name
        self.argv = ["taskset", "-c", str(cpu)] + argv
        self.stderr_path = os.path.join(workdir, re.sub(r"[^A-Za-z0-9]+", "_", name) + ".stderr")
        self.env = env
        self.port = port
        self.proc = None

    def start(self, timeout=60):
        self.errfile = open(self.stderr_path, "w")
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.errfile, env=env, cwd=os.path.dirname(self.stderr_path))
        RUNNING.append(self)
        deadline = time.monotonic() + timeout
        if self.port is not None:  # nginx: a port of ours, polled
            if not wait_port(self.port, deadline):
                raise RuntimeError(f"{self.name} did not listen on {self.port}: {self.stderr_tail()}")
            return self.port
        while time.monotonic() < deadline:
            with open(self.stderr_path) as f:
                m = LISTENING.search(f.read())
            if m:
                self.port = int(m.group(2))
                return self.port
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} printed no 'listening on' line: {self.stderr_tail()}")

    def stop(self, timeout=30):
        """SIGTERM, then the exit status (None when it had to be killed)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        self.errfile.close()
        self.proc = None
        RUNNING.remove(self)
        return rc

    def stderr_tail(self):
        try:
            with open(self.stderr_path) as f:
                return " | ".join(f.read().strip().splitlines()[-5:])
        except OSError:
            return ""


def run_client(argv, timeout):
    """Runs a pinned load generator; returns (stdout, its CPU seconds)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{argv[3]} timed out: {err.strip()[-300:]}")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[3:5])} failed ({proc.returncode}): {(err or out).strip()[-300:]}")
    return out, err


# --- wrk -------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(out):
    r = {"rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))}
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        r[key] = ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    r["max_ms"] = ms(re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    r["socket_errors"] = sum(int(x) for x in m.groups()) if m else 0
    r["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    return r


def wrk(args, url, seconds):
    argv = ["taskset", "-c", str(args.client_cpu), "wrk", "-t1", f"-c{args.connections}", f"-d{seconds}s",
            "--latency", url]
    out, _ = run_client(argv, seconds + 30)
    return parse_wrk(out)


# --- building --------------------------------------------------------------------------

def build(args, workdir):
    bins = {}
    build_dir = os.path.abspath(args.build_dir)
    if not args.no_build:
        log(f"building aeroflow and aeroflow-bench-wsload in {args.build_dir} ...")
        subprocess.run(["nice", "-n", "10", "ninja", "-C", build_dir, "aeroflow", "aeroflow-bench-wsload"],
                       check=True, stdout=subprocess.DEVNULL)
    bins["aeroflow"] = os.path.join(build_dir, "cli", "aeroflow")
    bins["wsload"] = os.path.join(build_dir, "bench", "aeroflow-bench-wsload")
    for b in ("aeroflow", "wsload"):
        if not os.access(bins[b], os.X_OK):
            sys.exit(f"run.py: {bins[b]} is missing (build it, or drop --no-build)")
    # Go: the standard library only, never the network.
    go_out = os.path.join(workdir, "http_service_go")
    env = dict(os.environ, GOPROXY="off", GOFLAGS="", CGO_ENABLED="0")
    env.setdefault("GOCACHE", os.path.join(workdir, "gocache"))
    subprocess.run(["go", "build", "-o", go_out, os.path.join(HERE, "http_service.go")], check=True, env=env)
    bins["go"] = go_out
    if not os.path.isdir(os.path.join(HERE, "node_modules", "ws")):
        log("installing the ws package: npm ci --prefix bench/services ...")
        subprocess.run(["npm", "ci", "--prefix", HERE, "--no-audit", "--no-fund"], check=True,
                       stdout=subprocess.DEVNULL)
    return bins


# --- the servers -----------------------------------------------------------------------

def aeroflow_server(args, bins, workdir, name, program, record, tag, env=None):
    argv = [bins["aeroflow"], "run", program, "--jit"]
    trace = None
    if record:
        trace = os.path.join(workdir, f"{tag}.aftrace")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(trace + suffix):
                os.remove(trace + suffix)
        argv += ["--record", trace]
    server = Server(name, argv, args.server_cpu, workdir, env=env)
    server.trace = trace
    return server


def http_servers(args, bins, workdir):
    servers = [
        ("AeroFlow", lambda: aeroflow_server(args, bins, workdir, "AeroFlow",
                                             os.path.join(HERE, "http_service.aefl"), False, "http")),
        ("AeroFlow --record", lambda: aeroflow_server(args, bins, workdir, "AeroFlow --record",
                                                      os.path.join(HERE, "http_service.aefl"), True, "http")),
        ("Go net/http", lambda: Server("Go net/http", [bins["go"], "0"], args.server_cpu, workdir)),
        ("Node http", lambda: Server("Node http", ["node", os.path.join(HERE, "http_service.js"), "0"],
                                     args.server_cpu, workdir)),
        ("nginx return 200", lambda: nginx_server(args, workdir)),
    ]
    return [s for s in servers if not args.skip or s[0] not in args.skip]


def nginx_server(args, workdir):
    prefix = os.path.join(workdir, "nginx")
    os.makedirs(prefix, exist_ok=True)
    port = free_port()
    with open(os.path.join(HERE, "nginx.conf.in")) as f:
        conf = f.read().replace("@PREFIX@", prefix).replace("@PORT@", str(port))
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(conf)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return Server("nginx return 200", [nginx, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf"),
                                       "-e", os.path.join(prefix, "error.log")],
                  args.server_cpu, workdir, port=port)


# --- the benchmarks --------------------------------------------------------------------

ENDPOINTS = [("hello", "/hello"), ("count", "/count?name=bench")]


def stop_checked(server, results, name):
    rc = server.stop()
    if rc != 0:
        results.setdefault("problems", []).append(f"{name}: exit status {rc} after SIGTERM ({server.stderr_tail()})")
        log(f"  !! {name}: exit status {rc} after SIGTERM")
    trace = getattr(server, "trace", None)
    if trace and os.path.exists(trace):
        size = os.path.getsize(trace)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(trace + suffix):
                size += os.path.getsize(trace + suffix)
        results.setdefault("trace_bytes", {}).setdefault(name, []).append(size)
        os.remove(trace)


def bench_http(args, bins, workdir, results):
    out = results.setdefault("http", {})
    for rep in range(args.repeat):
        for name, make in http_servers(args, bins, workdir):
            server = make()
            port = server.start()
            base = f"http://127.0.0.1:{port}"
            try:
                for _, path in ENDPOINTS:
                    wrk(args, base + path, args.warmup)
            except RuntimeError as e:
                results.setdefault("problems", []).append(f"http: {name}: {e}")
                log(f"  !! http rep {rep + 1} {name}: {e}")
                stop_checked(server, results, name)
                continue
            meter = CpuMeter(server.proc.pid)
            for key, path in ENDPOINTS:
                meter.start()
                r = wrk(args, base + path, args.duration)
                r["server_cpu"] = meter.stop()
                out.setdefault(key, {}).setdefault(name, []).append(r)
                log(f"  http {key:5} rep {rep + 1} {name:18} {r['rps']:10.0f} req/s  p50 {r['p50_ms']:.3f} ms"
                    f"  p99 {r['p99_ms']:.3f} ms  cpu {r['server_cpu']:.2f}"
                    + (f"  non-2xx {r['non2xx']}" if r["non2xx"] else "")
                    + (f"  socket errors {r['socket_errors']}" if r["socket_errors"] else ""))
            stop_checked(server, results, name)
            results.setdefault("requests", {}).setdefault(name, []).append(
                sum(out[k][name][-1]["requests"] for k, _ in ENDPOINTS))


def wsload(args, bins, mode, port, extra, seconds, meter=None):
    """Runs aeroflow-bench-wsload; `meter` (a CpuMeter) spans its measurement window."""
    argv = ["taskset", "-c", str(args.client_cpu), bins["wsload"], mode, f"ws://127.0.0.1:{port}/",
            "--warmup", str(args.warmup), "--duration", str(seconds)] + extra
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(args.warmup + seconds + 120, proc.kill)
    timer.start()
    errors, server_cpu = [], None
    for line in proc.stderr:  # stdout holds one short line: no deadlock
        if line.startswith("wsload: measuring") and meter:
            meter.start()
        elif line.startswith("wsload: measured") and meter:
            server_cpu = meter.stop()
        else:
            errors.append(line.strip())
    out = proc.stdout.read()
    proc.wait()
    timer.cancel()
    if proc.returncode != 0:
        raise RuntimeError(f"wsload {mode} failed ({proc.returncode}): {' | '.join(errors[-3:]) or out.strip()}")
    r = json.loads(out.strip().splitlines()[-1])
    if meter:
        r["server_cpu"] = server_cpu if server_cpu is not None else float("nan")
    return r


def bench_ws(args, bins, workdir, results, key, servers, mode, extra):
    out = results.setdefault(key, {})
    for rep in range(args.repeat):
        for name, make in servers:
            server = make()
            port = server.start()
            meter = CpuMeter(server.proc.pid)
            try:
                r = wsload(args, bins, mode, port, extra, args.duration, meter)
            except RuntimeError as e:
                results.setdefault("problems", []).append(f"{key}: {name}: {e}")
                log(f"  !! {key} rep {rep + 1} {name}: {e}")
                stop_checked(server, results, f"{key}: {name}")
                continue
            out.setdefault(name, []).append(r)
            if mode == "broadcast":
                log(f"  broadcast rep {rep + 1} {name:18} {r['delivered_per_s']:10.0f} msg/s delivered"
                    f"  ({r['sent_per_s']:.0f}/s in)  rtt p50 {r['rtt_p50_us'] / 1000:.2f} ms"
                    f"  p99 {r['rtt_p99_us'] / 1000:.2f} ms  cpu {r['server_cpu']:.2f}/{r['client_cpu']:.2f}")
            else:
                log(f"  room rep {rep + 1} {name:18} {r['ticks_per_s']:5.1f} ticks/s"
                    f"  latency p50 {r['latency_p50_ms']:.2f} p99 {r['latency_p99_ms']:.2f}"
                    f" max {r['latency_max_ms']:.2f} ms  spread p50 {r['spread_p50_us']:.0f}"
                    f" p99 {r['spread_p99_us']:.0f} us  cpu {r['server_cpu']:.2f}/{r['client_cpu']:.2f}")
            stop_checked(server, results, f"{key}: {name}")


def broadcast_servers(args, bins, workdir):
    prog = os.path.join(HERE, "ws_broadcast.aefl")
    return [
        ("AeroFlow", lambda: aeroflow_server(args, bins, workdir, "AeroFlow ws", prog, False, "ws")),
        ("AeroFlow --record", lambda: aeroflow_server(args, bins, workdir, "AeroFlow ws --record", prog, True, "ws")),
        ("Node ws", lambda: Server("Node ws", ["node", os.path.join(HERE, "ws_broadcast.js"), "0"],
                                   args.server_cpu, workdir)),
    ]


def room_servers(args, bins, workdir):
    env = {"AEROFLOW_PORT": "0"}
    return [
        ("AeroFlow", lambda: aeroflow_server(args, bins, workdir, "AeroFlow room", GAME_ROOM, False, "room", env)),
        ("AeroFlow --record", lambda: aeroflow_server(args, bins, workdir, "AeroFlow room --record", GAME_ROOM,
                                                      True, "room", env)),
        ("Node ws", lambda: Server("Node room", ["node", os.path.join(HERE, "game_room.js"), "0"],
                                   args.server_cpu, workdir)),
    ]


# --- replay verification ---------------------------------------------------------------

def verify_sessions(args, bins, workdir, results):
    """A short recorded session per program, then `aeroflow replay T --verify`."""
    out = results.setdefault("verify", {})
    sessions = []
    if "http" in args.only:
        sessions.append(("http_service.aefl", os.path.join(HERE, "http_service.aefl"), None,
                         lambda port: [wrk(args, f"http://127.0.0.1:{port}{p}", 1) for _, p in ENDPOINTS]))
    if "broadcast" in args.only:
        sessions.append(("ws_broadcast.aefl", os.path.join(HERE, "ws_broadcast.aefl"), None,
                         lambda port: wsload(args, bins, "broadcast", port, ["--clients", "20"], 1)))
    if "room" in args.only:
        sessions.append(("game_room/room.aefl", GAME_ROOM, {"AEROFLOW_PORT": "0"},
                         lambda port: wsload(args, bins, "room", port, ["--players", "100"], 1)))
    for label, program, env, load in sessions:
        server = aeroflow_server(args, bins, workdir, f"verify {label}", program, True, "verify", env)
        port = server.start()
        load(port)
        rc = server.stop()
        t0 = time.monotonic()
        proc = subprocess.run([bins["aeroflow"], "replay", server.trace, "--verify"], capture_output=True, text=True)
        took = time.monotonic() - t0
        size = os.path.getsize(server.trace)
        text = (proc.stdout + proc.stderr).strip().splitlines()
        out[label] = {"run_exit": rc, "replay_exit": proc.returncode, "seconds": round(took, 2),
                      "trace_bytes": size, "last_line": text[-1] if text else ""}
        log(f"  verify {label}: run exit {rc}, replay --verify exit {proc.returncode} in {took:.1f} s"
            f" ({size / 1e6:.1f} MB): {text[-1] if text else ''}")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(server.trace + suffix):
                os.remove(server.trace + suffix)


# --- report ----------------------------------------------------------------------------

def med(rows, key):
    return statistics.median(r[key] for r in rows)


def table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    for r in rows:
        print(line(r))


def ratio(a, b):
    return f"{a / b:.2f}x" if b else "-"


def report(args, results):
    print()
    print(f"# Service benchmarks — {results['date']}, commit {results['commit']}")
    print(f"command: {results['command']}")
    print(f"load average before: {results['load_before']}, after: {results['load_after']}")
    print(f"server on CPU {args.server_cpu}, load generator on CPU {args.client_cpu}; {args.repeat} repeats x "
          f"{args.duration} s after {args.warmup} s warm-up; medians (each repeat a fresh server)")
    goals = []
    http = results.get("http")
    if http:
        for key, path in ENDPOINTS:
            rows_by = http[key]
            go = med(rows_by["Go net/http"], "rps") if "Go net/http" in rows_by else 0
            ngx = med(rows_by["nginx return 200"], "rps") if "nginx return 200" in rows_by else 0
            print(f"\n## HTTP {path} — wrk -t1 -c{args.connections} --latency\n")
            rows = []
            for name, rs in rows_by.items():
                rows.append([name, f"{med(rs, 'rps'):,.0f}", f"{med(rs, 'p50_ms'):.3f}", f"{med(rs, 'p99_ms'):.3f}",
                             ratio(med(rs, "rps"), go), ratio(med(rs, "rps"), ngx), f"{med(rs, 'server_cpu'):.2f}",
                             f"{statistics.median(r['server_cpu'] / r['rps'] * 1e6 for r in rs):.1f}",
                             " / ".join(f"{r['rps']:,.0f}" for r in rs),
                             sum(r["non2xx"] + r["socket_errors"] for r in rs)])
            table(["server", "req/s", "p50 ms", "p99 ms", "vs Go", "vs nginx", "server CPU", "CPU us/req", "req/s per repeat",
                   "errors"], rows)
            if "AeroFlow" in rows_by and go:
                a = rows_by["AeroFlow"]
                ok = med(a, "rps") >= go and med(a, "p99_ms") <= 1.0
                goals.append(f"HTTP {path}: AeroFlow >= Go req/s with p99 <= 1 ms at {args.connections} connections: "
                             f"{'MET' if ok else 'MISSED'} ({med(a, 'rps'):,.0f} vs {go:,.0f} req/s = "
                             f"{ratio(med(a, 'rps'), go)}, p99 {med(a, 'p99_ms'):.3f} ms)")
            if "AeroFlow" in rows_by and "AeroFlow --record" in rows_by:
                share = med(rows_by["AeroFlow --record"], "rps") / med(rows_by["AeroFlow"], "rps")
                goals.append(f"HTTP {path}: --record >= 80% of unrecorded req/s: "
                             f"{'MET' if share >= 0.8 else 'MISSED'} ({share:.0%})")
        tb = results.get("trace_bytes", {}).get("AeroFlow --record")
        reqs = results.get("requests", {}).get("AeroFlow --record")
        if tb and reqs:
            print(f"\ntrace size with --record: {statistics.median(b / r for b, r in zip(tb, reqs)):.0f} bytes per "
                  f"request (warm-up included)")
    bc = results.get("broadcast")
    if bc:
        node = med(bc["Node ws"], "delivered_per_s") if "Node ws" in bc else 0
        print(f"\n## WebSocket broadcast — {args.broadcast_clients} clients, all sending, 1 message in flight "
              f"each, 64-byte text\n")
        rows = []
        for name, rs in bc.items():
            rows.append([name, f"{med(rs, 'delivered_per_s'):,.0f}", f"{med(rs, 'sent_per_s'):,.0f}",
                         f"{med(rs, 'rtt_p50_us') / 1000:.2f}", f"{med(rs, 'rtt_p99_us') / 1000:.2f}",
                         ratio(med(rs, "delivered_per_s"), node), f"{med(rs, 'server_cpu'):.2f}",
                         f"{statistics.median(r['server_cpu'] / r['delivered_per_s'] * 1e6 for r in rs):.2f}",
                         f"{med(rs, 'client_cpu'):.2f}", " / ".join(f"{r['delivered_per_s']:,.0f}" for r in rs)])
        table(["server", "delivered msg/s", "in msg/s", "rtt p50 ms", "rtt p99 ms", "vs Node", "server CPU",
               "CPU us/msg", "client CPU", "delivered per repeat"], rows)
        if "AeroFlow" in bc and node:
            a = med(bc["AeroFlow"], "delivered_per_s")
            goals.append(f"WebSocket broadcast ahead of Node + ws: {'MET' if a > node else 'MISSED'} "
                         f"({a:,.0f} vs {node:,.0f} msg/s = {ratio(a, node)})")
    room = results.get("room")
    if room:
        print(f"\n## Game room — {args.players} players moving {args.move_hz:g}/s, ticks every 16 ms\n")
        rows = []
        for name, rs in room.items():
            rows.append([name, f"{med(rs, 'ticks_per_s'):.1f}", f"{med(rs, 'latency_p50_ms'):.2f}",
                         f"{med(rs, 'latency_p99_ms'):.2f}", f"{med(rs, 'latency_max_ms'):.2f}",
                         f"{med(rs, 'spread_p50_us'):,.0f}", f"{med(rs, 'spread_p99_us'):,.0f}",
                         f"{med(rs, 'frames_per_s'):,.0f}", f"{med(rs, 'frame_bytes'):,.0f}", f"{med(rs, 'server_cpu'):.2f}",
                         " / ".join(f"{r['latency_p99_ms']:.2f}" for r in rs)])
        table(["server", "ticks/s", "latency p50 ms", "p99 ms", "max ms", "spread p50 us", "spread p99 us",
               "frames/s", "frame bytes", "server CPU", "p99 per repeat"], rows)
        print("(latency = arrival wall clock - the tick's t, which is whole ms from now(): up to 1 ms high;"
              " spread = first to last player receiving one tick)")
        if "AeroFlow" in room:
            p99 = med(room["AeroFlow"], "latency_p99_ms")
            goals.append(f"Game room tick-to-broadcast p99 < 8.5 ms with {args.players} players at 60 Hz: "
                         f"{'MET' if p99 < 8.5 else 'MISSED'} ({p99:.2f} ms, "
                         f"{med(room['AeroFlow'], 'ticks_per_s'):.1f} ticks/s of 62.5)")
    ver = results.get("verify")
    if ver:
        print("\n## Recorded sessions replayed with `aeroflow replay T --verify`\n")
        table(["program", "run exit", "replay exit", "seconds", "trace MB", "last line"],
              [[k, v["run_exit"], v["replay_exit"], v["seconds"], f"{v['trace_bytes'] / 1e6:.1f}",
                v["last_line"][:70]] for k, v in ver.items()])
        bad = [k for k, v in ver.items() if v["replay_exit"] != 0 or v["run_exit"] != 0]
        goals.append("recorded traces verify: " + ("yes" if not bad else "NO: " + ", ".join(bad)))
    if goals:
        print("\n## Goals\n")
        for g in goals:
            print("- " + g)
    for p in results.get("problems", []):
        print("- PROBLEM: " + p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--quick", action="store_true", help="short smoke test: 1 repeat, 2 s runs, 1 s warm-up")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--no-build", action="store_true", help="use the binaries already in --build-dir")
    ap.add_argument("--only", default="http,broadcast,room,verify",
                    help="comma-separated: http, broadcast, room, verify")
    ap.add_argument("--skip", default="", help="comma-separated HTTP server names to leave out")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=2)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--broadcast-clients", type=int, default=100)
    ap.add_argument("--players", type=int, default=1000)
    ap.add_argument("--move-hz", type=float, default=10)
    ap.add_argument("--server-cpu", type=int, default=0)
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--json", help="also write every raw figure to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (stderr of each server)")
    args = ap.parse_args()
    if args.quick:
        args.repeat, args.duration, args.warmup = 1, 2, 1
    args.only = set(args.only.split(","))
    args.skip = set(s for s in args.skip.split(",") if s)
    args.duration = int(args.duration) if float(args.duration).is_integer() else args.duration
    args.warmup = int(args.warmup) if float(args.warmup).is_integer() else args.warmup

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:  # 1,000 players: the children inherit it
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    workdir = tempfile.mkdtemp(prefix="aeroflow-services-")
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip(),
        "command": "python3 bench/services/run.py " + " ".join(sys.argv[1:]),
        "cpus": os.cpu_count(),
    }
    try:
        bins = build(args, workdir)
        results["load_before"] = loadavg()
        log(f"load average {results['load_before']}; temporary files in {workdir}")
        if "http" in args.only:
            bench_http(args, bins, workdir, results)
        if "broadcast" in args.only:
            bench_ws(args, bins, workdir, results, "broadcast", broadcast_servers(args, bins, workdir), "broadcast",
                     ["--clients", str(args.broadcast_clients)])
        if "room" in args.only:
            bench_ws(args, bins, workdir, results, "room", room_servers(args, bins, workdir), "room",
                     ["--players", str(args.players), "--move-hz", str(args.move_hz)])
        if "verify" in args.only:
            verify_sessions(args, bins, workdir, results)
        results["load_after"] = loadavg()
    finally:
        for server in list(RUNNING):
            log(f"stopping {server.name}, left running by an error")
            server.stop(timeout=10)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report(args, results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 1 if results.get("problems") else 0


if __name__ == "__main__":
    sys.exit(main())
