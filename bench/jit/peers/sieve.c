/* sieve.c: the C peer of sieve.aefl for aeroflow-jit-benchmark (compiled with
   `cc -O2` at run time). Same shape: append N + 1 flags, then strike
   multiples. Usage: sieve N */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv)
{
    const long long n = argc > 1 ? atoll(argv[1]) : 2000000;
    size_t size = 0, cap = 16;
    unsigned char* flags = malloc(cap);
    for (long long i = 0; i <= n; ++i) {
        if (size == cap)
            flags = realloc(flags, cap *= 2);
        flags[size++] = 1;
    }
    long long count = 0;
    for (long long p = 2; p <= n; ++p) {
        if (flags[p]) {
            ++count;
            for (long long m = p * p; m <= n; m += p)
                flags[m] = 0;
        }
    }
    printf("%lld\n", count);
    free(flags);
    return 0;
}
