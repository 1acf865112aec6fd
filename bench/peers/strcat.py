# strcat.py: peer of bench/programs/strcat.aefl. Usage: python3 strcat.py N
# N appends with += (CPython extends the string in place when it is not shared).
import sys


def strcat(n):
    s = ""
    for i in range(n):
        s += "x"
    return len(s)


print(strcat(int(sys.argv[1]) if len(sys.argv) > 1 else 1000000))
