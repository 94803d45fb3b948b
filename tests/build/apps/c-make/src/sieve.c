#include "sieve.h"
#include <stdlib.h>
#include <string.h>

size_t sieve(unsigned limit, unsigned *out, size_t cap) {
    if (limit < 2) return 0;
    unsigned char *composite = calloc(limit + 1, 1);
    if (composite == NULL) return 0;
    size_t n = 0;
    for (unsigned i = 2; i <= limit; i++) {
        if (composite[i]) continue;
        if (n < cap) out[n] = i;
        n++;
        for (unsigned long j = (unsigned long)i * i; j <= limit; j += i) composite[j] = 1;
    }
    free(composite);
    return n;
}
