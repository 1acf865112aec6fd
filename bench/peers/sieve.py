# sieve.py: peer of bench/programs/sieve.aefl. Usage: python3 sieve.py N
# Same shape: append N + 1 flags one by one, then strike multiples.
import sys


def sieve(n):
    flags = []
    i = 0
    while i <= n:
        flags.append(True)
        i += 1
    count = 0
    p = 2
    while p <= n:
        if flags[p]:
            count += 1
            m = p * p
            while m <= n:
                flags[m] = False
                m += p
        p += 1
    return count


print(sieve(int(sys.argv[1]) if len(sys.argv) > 1 else 2000000))
