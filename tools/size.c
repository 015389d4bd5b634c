/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

const char *size_str(uint64_t v, bool raw, char *buf)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    unsigned u = 0;
    uint64_t whole = v, tenths = 0, div = 1;

    if (raw) {
        snprintf(buf, SIZE_BUF, "%" PRIu64, v);
        return buf;
    }
    while (u < 6 && whole >= 1024) {
        u++;
        div <<= 10;
        whole = v / div;
    }
    if (u > 0) {
        /* The rest, in tenths of the unit, rounded to the nearest. */
        tenths = ((v % div) / (div >> 10) * 10 + 512) / 1024;
        if (tenths == 10) {
            whole++;
            tenths = 0;
        }
        if (whole == 1024 && u < 6) {
            u++;
            whole = 1;
        }
    }
    if (v % div == 0)
        snprintf(buf, SIZE_BUF, "%" PRIu64 "%s", whole, unit[u]);
    else
        snprintf(buf, SIZE_BUF, "%" PRIu64 ".%" PRIu64 "%s", whole, tenths, unit[u]);
    return buf;
}

bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    char *end;
    unsigned long long x;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno || *end || x > max)
        return false;
    *v = x;
    return true;
}

bool parse_size(const char *s, uint64_t *v)
{
    char *end;
    uint64_t mul = 1;
    unsigned long long x;

    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno)
        return false;
    switch (*end) {
    case 0: break;
    case 'k': case 'K': mul = 1ull << 10; break;
    case 'm': case 'M': mul = 1ull << 20; break;
    case 'g': case 'G': mul = 1ull << 30; break;
    case 't': case 'T': mul = 1ull << 40; break;
    default: return false;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
        return false;
    if (x > UINT64_MAX / mul)
        return false;
    *v = x * mul;
    return true;
}
