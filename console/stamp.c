/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stamp.h"

void stamp_format(char out[STAMP_LEN + 1], uint64_t wall_ms)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, STAMP_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ ",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
             (unsigned)(wall_ms % 1000));
}

size_t stamp_segment(const char *in, size_t n, bool *nl)
{
    const char *p = memchr(in, '\n', n);

    *nl = p != NULL;
    return p ? (size_t)(p - in) + 1 : n;
}
