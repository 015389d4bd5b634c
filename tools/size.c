/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
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
    if (!s)
        return false;
    while (s[0] == '0' && s[1])     /* "007" is 7 on a command line */
        s++;
    return !parse_decimal(s, 0, max, v);
}

bool parse_size(const char *s, uint64_t *v)
{
    const char *end;
    uint64_t mul = 1, x;
    size_t digits;
    char num[24];

    while (s && s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        s++;
    digits = s ? strspn(s, "0123456789") : 0;
    if (!digits || digits >= sizeof(num))
        return false;
    memcpy(num, s, digits);
    num[digits] = '\0';
    if (!parse_u64(num, UINT64_MAX, &x))
        return false;
    end = s + digits;
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
