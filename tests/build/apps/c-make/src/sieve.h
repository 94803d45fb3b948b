#ifndef SIEVE_H
#define SIEVE_H
#include <stddef.h>
/* Fills out[] with the primes up to limit; returns how many there are. */
size_t sieve(unsigned limit, unsigned *out, size_t cap);
#endif
