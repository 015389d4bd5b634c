/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-line timestamps (node `timestamp`, docs/protocol.md): every line
 * written to a stamped stream's file starts with the time the daemon read
 * it, RFC 3339 UTC with milliseconds and one space:
 *
 *   2026-11-30T18:57:42.123Z <the line as the component wrote it>
 *
 * A line is the bytes up to and including '\n'; a line that arrives over
 * several reads gets one stamp, at its start. Bytes are not interpreted
 * otherwise (binary data is stamped after each '\n' like text).
 */
#ifndef XENLOGD_STAMP_H
#define XENLOGD_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAMP_LEN 25    /* "2026-11-30T18:57:42.123Z " */

/* The stamp for wall_ms (ms since the epoch, UTC): STAMP_LEN chars and a NUL. */
void stamp_format(char out[STAMP_LEN + 1], uint64_t wall_ms);

/* The length of the next segment of in[0..n): up to and including the
 * first '\n', or all of it. *nl: it ends a line. */
size_t stamp_segment(const char *in, size_t n, bool *nl);

#endif
