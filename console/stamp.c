/* SPDX-License-Identifier: GPL-2.0-only */
#include <string.h>

#include "clock.h"
#include "stamp.h"

void stamp_format(char out[STAMP_LEN + 1], uint64_t wall_ms)
{
    clock_rfc3339(out, wall_ms);
    out[STAMP_LEN - 1] = ' ';
    out[STAMP_LEN] = '\0';
}

size_t stamp_segment(const char *in, size_t n, bool *nl)
{
    const char *p = memchr(in, '\n', n);

    *nl = p != NULL;
    return p ? (size_t)(p - in) + 1 : n;
}
