/* SPDX-License-Identifier: GPL-2.0-only */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rfc5424.h"

#define PRI_DAEMON_INFO 30          /* facility 3 (daemon) * 8 + severity 6 (info) */

static void put_str(struct fwd_out *o, const char *s)
{
    fwd_put(o, s, strlen(s));
}

/* A PARAM-VALUE: '"', '\' and ']' escaped with '\' (RFC 5424, 6.3.3). */
static void put_param(struct fwd_out *o, const char *name, const char *v)
{
    put_str(o, " ");
    put_str(o, name);
    put_str(o, "=\"");
    for (; *v; v++) {
        if (*v == '"' || *v == '\\' || *v == ']')
            fwd_put(o, "\\", 1);
        fwd_put(o, v, 1);
    }
    put_str(o, "\"");
}

/* TIMESTAMP: 2026-12-01T02:03:04.123456Z */
static void put_time(struct fwd_out *o, uint64_t us)
{
    time_t sec = (time_t)(us / 1000000);
    struct tm tm;
    char b[96];

    if (!gmtime_r(&sec, &tm)) {
        put_str(o, "-");
        return;
    }
    snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (unsigned)(us % 1000000));
    put_str(o, b);
}

/* The message without its frame. */
static void put_msg(struct fwd_out *o, const struct fwd_line *l)
{
    const struct fwd_meta *m = l->m;
    char num[16];

    snprintf(num, sizeof(num), "<%d>1 ", PRI_DAEMON_INFO);
    put_str(o, num);
    put_time(o, l->time_us);
    put_str(o, " ");
    put_str(o, l->hostname[0] ? l->hostname : "-");
    put_str(o, " ");
    put_str(o, l->ident);
    put_str(o, " - ");
    put_str(o, kind_name(m->kind));
    put_str(o, " [" RFC5424_SD_ID);
    snprintf(num, sizeof(num), "%u", m->domid);
    put_param(o, "domid", num);
    if (m->domain)
        put_param(o, "domain", m->domain);
    put_param(o, "stream", m->file);
    snprintf(num, sizeof(num), "%u", m->id);
    put_param(o, "id", num);
    put_str(o, "] ");
    fwd_put(o, l->msg, l->len);
}

size_t rfc5424_frame(char *buf, size_t size, const struct fwd_line *l)
{
    struct fwd_out count = { NULL, 0, 0 }, o = { buf, 0, size };
    char len[24];
    int n;

    assert(l->m && l->ident && l->hostname && l->m->file);
    put_msg(&count, l);             /* measures only */
    n = snprintf(len, sizeof(len), "%zu ", count.len);
    if (n < 0 || (size_t)n + count.len > size)
        return 0;
    fwd_put(&o, len, (size_t)n);
    put_msg(&o, l);
    return o.len;
}
