/* SPDX-License-Identifier: LGPL-2.1-only */
#include <stdio.h>
#include <time.h>

#include "clock.h"

static uint64_t ms_of(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);  /* cannot fail for these two clocks */
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t clock_mono_ms(void)
{
    return ms_of(CLOCK_MONOTONIC);
}

uint64_t clock_wall_ms(void)
{
    return ms_of(CLOCK_REALTIME);
}

void clock_rfc3339(char out[CLOCK_RFC3339_LEN + 1], uint64_t wall_ms)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, CLOCK_RFC3339_LEN + 1, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
             (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
             (unsigned)tm.tm_mday % 100u, (unsigned)tm.tm_hour % 100u,
             (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
             (unsigned)(wall_ms % 1000));
}
