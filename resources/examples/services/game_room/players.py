#!/usr/bin/env python3
"""Simulated players for room.aefl: N WebSocket clients join the room, move at
a steady rate and read every tick's broadcast.

    python3 players.py [--players N] [--seconds S] [--move-hz H] [URL]

Prints, at the end: ticks seen, broadcasts received per second, and the
tick-to-arrival latency (arrival wall clock minus the tick's "t") p50/p99/max
in ms, over every broadcast every player received. Needs python3-websockets
(Debian). Exit status 1 when a player could not connect or saw no tick.
"""

import argparse
import asyncio
import json
import random
import sys
import time

try:
    import websockets
except ImportError:  # pragma: no cover - the installer provides it
    sys.exit("players.py needs the python3-websockets package")


async def player(index, url, seconds, move_hz, stats, ready):
    name = f"p{index}"
    rng = random.Random(index)
    try:
        async with websockets.connect(url, max_size=2**24, ping_interval=None) as ws:
            await ws.send(json.dumps({"type": "join", "name": name}))
            ready.append(index)
            end = time.monotonic() + seconds

            async def mover():
                while time.monotonic() < end:
                    await ws.send(json.dumps({"type": "move", "dx": rng.randint(-1, 1), "dy": rng.randint(-1, 1)}))
                    await asyncio.sleep(1.0 / move_hz)

            task = asyncio.create_task(mover())
            try:
                while time.monotonic() < end:
                    try:
                        frame = await asyncio.wait_for(ws.recv(), timeout=max(0.01, end - time.monotonic()))
                    except asyncio.TimeoutError:
                        break
                    arrived = time.time() * 1000.0
                    msg = json.loads(frame)
                    if "tick" in msg:
                        stats["frames"] += 1
                        stats["latency"].append(arrived - msg["t"])
                        stats["ticks"].add(msg["tick"])
            finally:
                task.cancel()
    except (OSError, websockets.exceptions.WebSocketException) as e:
        stats["errors"].append(f"{name}: {e}")


async def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url", nargs="?", default="ws://127.0.0.1:8081/")
    ap.add_argument("--players", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--move-hz", type=float, default=10.0)
    args = ap.parse_args()
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
    stats = {"frames": 0, "latency": [], "ticks": set(), "errors": []}
    ready = []
    start = time.monotonic()
    await asyncio.gather(*(player(i, args.url, args.seconds, args.move_hz, stats, ready)
                           for i in range(args.players)))
    elapsed = time.monotonic() - start
    lat = sorted(stats["latency"])
    def pct(p):
        return lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
    print(f"players {args.players}, connected {len(ready)}, ticks seen {len(stats['ticks'])}, "
          f"broadcasts received {stats['frames']} ({stats['frames'] / elapsed:.0f}/s)")
    print(f"tick-to-arrival ms: p50 {pct(0.50):.1f}  p99 {pct(0.99):.1f}  max {lat[-1] if lat else float('nan'):.1f}")
    for e in stats["errors"][:5]:
        print("error:", e, file=sys.stderr)
    return 0 if not stats["errors"] and stats["ticks"] else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
