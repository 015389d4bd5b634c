/* SPDX-License-Identifier: GPL-2.0-only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "json.h"
#include "jsonlines.h"

#define STAMP_LEN CLOCK_RFC3339_LEN     /* "2026-11-30T18:57:42.123Z" */

int jsonl_init(struct jsonl *j, uint32_t domid, const char *domain, const char *stream)
{
    memset(j, 0, sizeof(*j));
    j->domid = domid;
    j->domain = domain;
    j->stream = stream;
    j->line = malloc(JSONL_MAX_LINE);
    return j->line ? 0 : -1;
}

void jsonl_free(struct jsonl *j)
{
    free(j->line);
    j->line = NULL;
}

bool jsonl_has_stamp(const char *p, size_t n)
{
    static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ ";

    if (n < sizeof(form) - 1)
        return false;
    for (size_t i = 0; i < sizeof(form) - 1; i++)
        if (form[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != form[i])
            return false;
    return true;
}

/* The object of the line held in j. */
static void print_line(const struct jsonl *j)
{
    const char *p = j->line;
    size_t n = j->len;
    char now[CLOCK_RFC3339_LEN + 1];

    fputs("{\"time\": ", stdout);
    if (jsonl_has_stamp(p, n)) {
        json_string(stdout, p, STAMP_LEN);
        p += STAMP_LEN + 1;
        n -= STAMP_LEN + 1;
    } else if (j->backlog) {
        fputs("null", stdout);
    } else {
        clock_rfc3339(now, j->received_ms);
        json_string(stdout, now, strlen(now));
    }
    printf(", \"domid\": %u, \"domain\": ", (unsigned)j->domid);
    if (j->domain)
        json_string(stdout, j->domain, strlen(j->domain));
    else
        fputs("null", stdout);
    fputs(", \"stream\": ", stdout);
    json_string(stdout, j->stream, strlen(j->stream));
    fputs(", \"line\": ", stdout);
    json_string(stdout, p, n);
    fputs("}\n", stdout);
}

/* Prints the line held and starts afresh. */
static void flush_line(struct jsonl *j)
{
    print_line(j);
    j->len = 0;
    j->began = false;
}

int jsonl_feed(struct jsonl *j, const char *p, size_t n, bool backlog)
{
    uint64_t now = backlog ? 0 : clock_wall_ms();

    while (n) {
        const char *nl;
        size_t take;

        if (j->began && j->len == JSONL_MAX_LINE && *p != '\n')
            flush_line(j);      /* cut: the rest of the line is the next object */
        if (!j->began) {
            j->began = true;
            j->backlog = backlog;
            j->received_ms = now;
        }
        nl = memchr(p, '\n', n);
        take = nl ? (size_t)(nl - p) : n;
        if (take > JSONL_MAX_LINE - j->len)
            take = JSONL_MAX_LINE - j->len;
        memcpy(j->line + j->len, p, take);
        j->len += take;
        p += take;
        n -= take;
        if (n && *p == '\n') {
            p++;
            n--;
            flush_line(j);
        }
    }
    return fflush(stdout) || ferror(stdout) ? -1 : 0;
}

int jsonl_end(struct jsonl *j)
{
    if (j->began)
        flush_line(j);
    return fflush(stdout) || ferror(stdout) ? -1 : 0;
}
