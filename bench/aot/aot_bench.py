#!/usr/bin/env python3
"""Ahead-of-time builds side by side (issue 7): for fib and the sieve kernel
(bench/programs), wall time of the interpreter, the JIT and the program built
by `aeroflow build` for each target (x86-64 natively, AArch64 under
qemu-aarch64 -- an emulator, so not the speed of real AArch64 hardware --,
wasm32 under node), medians of --repeat runs, whole process (start-up
included); then `aeroflow build` compile and link times for every example.

  bench/aot/aot_bench.py [--build DIR] [--repeat R] [--fib N] [--sieve N]
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGETS = ["x86_64-linux", "aarch64-linux", "wasm32"]


def wall(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    return time.perf_counter() - t0, p


def with_n(text, n):
    return re.sub(r"^let N = .*$", "let N = %d" % n, text, count=1, flags=re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--fib", type=int, default=32)
    ap.add_argument("--sieve", type=int, default=2000000)
    o = ap.parse_args()
    cli = os.path.join(o.build, "cli", "aeroflow")
    runner = os.path.join(o.build, "lib", "aeroflow", "runtime", "wasm32", "run-wasm.mjs")
    with open("/proc/loadavg") as f:
        print("load before:", " ".join(f.read().split()[:3]))
    tmp = tempfile.mkdtemp(prefix="aot-bench-")
    for kernel, n in (("fib", o.fib), ("sieve", o.sieve)):
        src = os.path.join(tmp, kernel + ".aefl")
        with open(os.path.join(ROOT, "bench", "programs", kernel + ".aefl")) as f:
            text = with_n(f.read(), n)
        with open(src, "w") as f:
            f.write(text)
        paths = {"interpreter": [cli, "run", src, "--no-jit"], "JIT -O2": [cli, "run", src, "--jit"]}
        for t in TARGETS:
            out = os.path.join(tmp, kernel + "." + t)
            secs, p = wall([cli, "build", src, "--target", t, "--out", out])
            if p.returncode != 0:
                print("  build for %s failed: %s" % (t, p.stderr.decode()[-300:]))
                continue
            paths["AOT " + t] = ([out] if t == "x86_64-linux" else
                                 ["qemu-aarch64", out] if t == "aarch64-linux" else ["node", runner, out])
        print("\n%s(%d): whole-process wall ms, median of %d" % (kernel, n, o.repeat))
        reference = None
        for name, cmd in paths.items():
            times, output = [], None
            for _ in range(o.repeat):
                secs, p = wall(cmd)
                times.append(secs * 1000)
                output = p.stdout
            reference = reference if reference is not None else output
            same = "same output" if output == reference else "OUTPUT DIFFERS"
            print("  %-22s %10.1f   %s" % (name, statistics.median(times), same))
    print("\naeroflow build -O2 per example: compile ms / link ms")
    ex = os.path.join(ROOT, "resources", "examples")
    for name in sorted(os.listdir(ex)):
        if not name.endswith(".aefl"):
            continue
        row = []
        for t in TARGETS:
            secs, p = wall([cli, "build", os.path.join(ex, name), "--target", t, "--out",
                            os.path.join(tmp, "ex." + t), "-v"])
            m = re.search(rb"compile (\d+) ms, link (\d+) ms", p.stderr)
            row.append("%s %s/%s" % (t, m.group(1).decode(), m.group(2).decode()) if m else t + " failed")
        print("  %-20s %s" % (name, "   ".join(row)))
    with open("/proc/loadavg") as f:
        print("\nload after:", " ".join(f.read().split()[:3]))


if __name__ == "__main__":
    sys.exit(main())
