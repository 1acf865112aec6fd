/* fib.c: the C peer of fib.aefl for aeroflow-jit-benchmark (compiled with
   `cc -O2` at run time). Usage: fib N */
#include <stdio.h>
#include <stdlib.h>

static long long fib(long long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char** argv)
{
    printf("%lld\n", fib(argc > 1 ? atoll(argv[1]) : 32));
    return 0;
}
