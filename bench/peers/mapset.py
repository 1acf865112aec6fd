# mapset.py: peer of bench/programs/mapset.aefl. Usage: python3 mapset.py N
# N dict inserts with keys "k0", "k1", ..., then N lookups of the same keys.
import sys


def mapset(n):
    m = {}
    for i in range(n):
        m["k" + str(i)] = i
    total = 0
    for i in range(n):
        total += m["k" + str(i)]
    return total


print(mapset(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
