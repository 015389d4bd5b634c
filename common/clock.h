/* SPDX-License-Identifier: LGPL-2.1-only */
/* The clocks, in milliseconds: one copy for the daemon, libxenlog and the tool. */
#ifndef XENLOG_COMMON_CLOCK_H
#define XENLOG_COMMON_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC: for timeouts and intervals (never jumps). */
uint64_t clock_mono_ms(void);
/* CLOCK_REALTIME: Unix time, for what is shown or stored (may jump). */
uint64_t clock_wall_ms(void);

/* Unix time wall_ms as RFC 3339 UTC with milliseconds,
 * "2026-11-30T18:57:42.123Z" (CLOCK_RFC3339_LEN characters), into out. */
#define CLOCK_RFC3339_LEN 24
void clock_rfc3339(char out[CLOCK_RFC3339_LEN + 1], uint64_t wall_ms);

#endif
