#!/usr/bin/env python3
"""Writes tests/run/format_spec_matrix.aefl: format() of many values by many
specs, each expected output computed by CPython's format(). Cases where
AeroFlow means something else on purpose are left out: floats with no type
(AeroFlow prints its shortest round-trip form), a precision without a type on
a float (an error in AeroFlow), and whatever either side rejects (checked by
`aeroflow check` on the candidate file).

    python3 tests/run/format_spec_matrix.py build/cli/aeroflow > tests/run/format_spec_matrix.aefl
"""
import math, subprocess, sys, tempfile, os, re

aeroflow = sys.argv[1]
INF = float("inf")
values = [
    ("0", 0), ("7", 7), ("-42", -42), ("255", 255), ("1234567", 1234567),
    ("-9223372036854775808", -9223372036854775808), ("9223372036854775807", 9223372036854775807),
    ("0.0", 0.0), ("-0.0", -0.0), ("0.5", 0.5), ("1.5", 1.5), ("2.5", 2.5), ("-0.001", -0.001),
    ("0.125", 0.125), ("2.675", 2.675), ("1234.5678", 1234.5678), ("1e+22", 1e22), ("1e-07", 1e-07),
    ("123456789.0", 123456789.0), ("5e-324", 5e-324), ("1.7976931348623157e+308", 1.7976931348623157e308),
    ("(1e308 * 10.0)", INF), ("(-1e308 * 10.0)", -INF), ("(1e308 * 10.0 - 1e308 * 10.0)", float("nan")),
    ('""', ""), ('"abc"', "abc"), ('"h\u00e9llo"', "h\u00e9llo"), ('"\u65e5\u672c"', "\u65e5\u672c"),
]
specs = ["", "5", "<8", ">8", "^9", "*^9", "\u00b7>7", "=+8", "+", "-", " ", "08", "+08", ",", "_", "010,",
         "012_", "d", "x", "X", "#x", "#X", "o", "#o", "b", "#b", "_x", "_b", "#012_b", "f", ".0f", ".1f",
         ".2f", ".3f", ",.2f", "+.2f", " .1f", "015,.3f", "e", ".0e", ".3e", "E", "+.2E", "g", ".1g", ".3g",
         ".10g", "%", ".0%", ".1%", "s", ".2", ".2s", "<6.2s", ">6s", "^7s", ".25f", ".17e", ".20g"]

def aefl_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

cases = []
for spec in specs:
    for lit, v in values:
        if isinstance(v, float) and spec.rstrip("0123456789.,_+- <>^=*\u00b7") == "":
            continue  # no type: AeroFlow's shortest form, or a precision without a type
        try:
            expected = format(v, spec)
        except (ValueError, TypeError):
            continue
        cases.append((spec, lit, expected))

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "m.aefl")
    with open(path, "w", encoding="utf-8") as f:
        for spec, lit, _ in cases:
            f.write("print(format(%s, %s))\n" % (aefl_string("[{:" + spec + "}]"), lit))
    r = subprocess.run([aeroflow, "check", "--no-snippets", path], capture_output=True, text=True)
    bad = {int(m.group(1)) for m in re.finditer(r"m\.aefl:(\d+):\d+: error", r.stdout + r.stderr)}

print("# format() by many specs, each expectation computed by CPython's format()")
print("# (tests/run/format_spec_matrix.py writes this file; edit that, not this).")
print("# One function per spec keeps every function small (the JIT compiles the")
print("# main program of a test on its first call only when it is short).")
functions = []
for i, (spec, lit, expected) in enumerate(cases, 1):
    if i in bad:
        continue
    if not functions or functions[-1][0] != spec:
        functions.append((spec, []))
    functions[-1][1].append((lit, expected))
for n, (spec, rows) in enumerate(functions):
    print("fn spec%d() {" % n)
    for lit, expected in rows:
        print("    print(format(%s, %s))" % (aefl_string("[{:" + spec + "}]"), lit))
        print("    # expect: [%s]" % expected)
    print("}")
print("for run in [%s] { run() }" % ", ".join("spec%d" % n for n in range(len(functions))))
