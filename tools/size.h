/* SPDX-License-Identifier: GPL-2.0-only */
/* Numbers and sizes on xenlog's command line and in its output. */
#ifndef XENLOG_SIZE_H
#define XENLOG_SIZE_H

#include <stdbool.h>
#include <stdint.h>

#define SIZE_BUF 48

/* v bytes into buf (SIZE_BUF bytes): raw digits, or with a binary unit:
 * 512B, 4KiB, 1.5MiB (one decimal, rounded, unless exact). Returns buf. */
const char *size_str(uint64_t v, bool raw, char *buf);

/* A decimal number 0..max: no sign, no space. */
bool parse_u64(const char *s, uint64_t max, uint64_t *v);
/* A size with an optional binary suffix: 1024, 64K, 2M, 1G, 1T (also KiB, KB). */
bool parse_size(const char *s, uint64_t *v);

#endif
