#include <stdio.h>
#include <stdlib.h>
#include "sieve.h"

int main(int argc, char **argv) {
    unsigned limit = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100;
    size_t cap = limit + 1;
    unsigned *primes = malloc(cap * sizeof *primes);
    if (primes == NULL) return 1;
    size_t n = sieve(limit, primes, cap);
    printf("%zu primes up to %u:", n, limit);
    for (size_t i = 0; i < n && i < cap; i++) printf(" %u", primes[i]);
    printf("\n");
    free(primes);
    return 0;
}
