/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `xenlog attach --json`: a stream's bytes as JSON lines, one object per line
 * of the stream (docs/xenlog.1):
 *   {"time": T, "domid": N, "domain": "name", "stream": "name", "line": "..."}
 */
#ifndef XENLOG_JSONLINES_H
#define XENLOG_JSONLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A longer line is cut: its first JSONL_MAX_LINE bytes make one object, the
 * rest the next ones. */
#define JSONL_MAX_LINE 65536

struct jsonl {
    uint32_t domid;
    const char *domain;         /* NULL: "domain": null */
    const char *stream;
    char *line;                 /* a line begun and not ended (JSONL_MAX_LINE bytes) */
    size_t len;
    bool began;                 /* line holds a line begun (maybe empty so far) */
    bool backlog;               /* ... and it began in the backlog */
    uint64_t received_ms;       /* ... else when its first byte came (Unix time) */
};

/* 0, or -1 if out of memory. domain and stream must outlive j. */
int jsonl_init(struct jsonl *j, uint32_t domid, const char *domain, const char *stream);
void jsonl_free(struct jsonl *j);

/* n bytes of the stream, of the backlog or live: prints each line they end.
 * 0, or -1 if stdout fails. */
int jsonl_feed(struct jsonl *j, const char *p, size_t n, bool backlog);
/* The end of the stream: prints the line begun, if any. 0 or -1. */
int jsonl_end(struct jsonl *j);

/* The stamp xenlogd puts at the start of a line of a stream with timestamps
 * on, "2026-11-30T18:57:42.123Z " (24 characters and a space): is there one
 * at the start of the n bytes at p? */
bool jsonl_has_stamp(const char *p, size_t n);

#endif
