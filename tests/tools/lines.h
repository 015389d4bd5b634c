/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Numbered, seeded test lines: "S<seed> N<number> <payload>\n". The payload's
 * length and bytes follow from (seed, number), so a checker can tell a lost,
 * repeated, reordered or torn line from a good one.
 */
#ifndef XENLOGD_TEST_LINES_H
#define XENLOGD_TEST_LINES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static inline uint64_t lines_mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Writes line `n` of `seed` into buf (>= 256 bytes); returns its length. */
static inline size_t lines_make(char *buf, uint64_t seed, uint64_t n)
{
    uint64_t h = lines_mix(seed * 0x9e3779b97f4a7c15ULL + n);
    int len = snprintf(buf, 64, "S%llu N%012llu ", (unsigned long long)seed,
                       (unsigned long long)n);
    size_t pay = 8 + (size_t)(h % 180), i;

    for (i = 0; i < pay; i++)
        buf[len + (int)i] = (char)('a' + (lines_mix(h + i) % 26));
    buf[len + (int)pay] = '\n';
    return (size_t)len + pay + 1;
}

#endif
