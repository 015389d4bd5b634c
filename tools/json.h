/* SPDX-License-Identifier: GPL-2.0-only */
/* JSON output of xenlog (stats --json, attach --json). */
#ifndef XENLOG_JSON_H
#define XENLOG_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * The n bytes at s as one JSON string (RFC 8259) on f. Escaped: the quote and
 * the backslash, control characters (\b \f \n \r \t, the others and DEL as
 * \u00XX). Valid UTF-8 is copied as it is; every byte that is not part of a
 * valid UTF-8 sequence (RFC 3629: no overlong form, no surrogate, at most
 * U+10FFFF) is written as \ufffd, the replacement character, one per byte.
 */
void json_string(FILE *f, const char *s, size_t n);

#endif
