/* SPDX-License-Identifier: LGPL-2.1-only */
#include <stddef.h>

#include "decimal.h"

const char *parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!s || !*s)
        return "empty";
    if (s[0] == '0' && s[1])
        return "leading zero";
    for (; *s; s++) {
        unsigned d = (unsigned)(*s - '0');

        if (*s < '0' || *s > '9')
            return "not a decimal number";
        if (v > (UINT64_MAX - d) / 10)
            return "out of range";
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return "out of range";
    *out = v;
    return NULL;
}

bool all_digits(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}
