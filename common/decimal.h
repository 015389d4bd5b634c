/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Decimal numbers, the one parser of the daemon, libxenlog and the tool:
 * digits only, no sign, no space, no leading zero ("0" itself is fine).
 * What a number from xenstore or from a file name must be; the tool's
 * command line also takes leading zeros (tools/size.c strips them first).
 */
#ifndef XENLOG_COMMON_DECIMAL_H
#define XENLOG_COMMON_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

/* NULL and *out = the value of s, if s is a number in min..max; else the
 * reason ("empty", "leading zero", "not a decimal number", "out of range")
 * and *out untouched. s may be NULL ("empty"). */
const char *parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* s is one or more digits and nothing else (a number, maybe too large). */
bool all_digits(const char *s);

#endif
