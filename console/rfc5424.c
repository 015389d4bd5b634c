/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rfc5424.h"

#define PRI_DAEMON_INFO 30          /* facility 3 (daemon) * 8 + severity 6 (info) */

struct out {
    char *p;
    size_t len, size;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->p && o->len + n <= o->size)
        memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* A PARAM-VALUE: '"', '\' and ']' escaped with '\' (RFC 5424, 6.3.3). */
static void put_param(struct out *o, const char *name, const char *v)
{
    puts_(o, " ");
    puts_(o, name);
    puts_(o, "=\"");
    for (; *v; v++) {
        if (*v == '"' || *v == '\\' || *v == ']')
            put(o, "\\", 1);
        put(o, v, 1);
    }
    puts_(o, "\"");
}

/* TIMESTAMP: 2026-12-01T02:03:04.123456Z */
static void put_time(struct out *o, uint64_t us)
{
    time_t sec = (time_t)(us / 1000000);
    struct tm tm;
    char b[96];

    if (!gmtime_r(&sec, &tm)) {
        puts_(o, "-");
        return;
    }
    snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (unsigned)(us % 1000000));
    puts_(o, b);
}

/* The message without its frame. */
static void put_msg(struct out *o, const struct fwd_line *l)
{
    const struct fwd_meta *m = l->m;
    char num[16];

    snprintf(num, sizeof(num), "<%d>1 ", PRI_DAEMON_INFO);
    puts_(o, num);
    put_time(o, l->time_us);
    puts_(o, " ");
    puts_(o, l->hostname[0] ? l->hostname : "-");
    puts_(o, " ");
    puts_(o, l->ident);
    puts_(o, " - ");
    puts_(o, kind_name(m->kind));
    puts_(o, " [" RFC5424_SD_ID);
    snprintf(num, sizeof(num), "%u", m->domid);
    put_param(o, "domid", num);
    if (m->domain)
        put_param(o, "domain", m->domain);
    put_param(o, "stream", m->file);
    snprintf(num, sizeof(num), "%u", m->id);
    put_param(o, "id", num);
    puts_(o, "] ");
    put(o, l->msg, l->len);
}

size_t rfc5424_frame(char *buf, size_t size, const struct fwd_line *l)
{
    struct out count = { NULL, 0, 0 }, o = { buf, 0, size };
    char len[24];
    int n;

    assert(l->m && l->ident && l->hostname && l->m->file);
    put_msg(&count, l);             /* measures only */
    n = snprintf(len, sizeof(len), "%zu ", count.len);
    if (n < 0 || (size_t)n + count.len > size)
        return 0;
    put(&o, len, (size_t)n);
    put_msg(&o, l);
    return o.len;
}
