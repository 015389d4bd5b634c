/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlog stats: the live figures of every stream and of the daemon, for
 * people (a table), programs (JSON) and monitoring (Prometheus text
 * exposition). A stream figure is one entry of `stream_figures`; a daemon
 * figure is one entry of the daemon's table (console/figures.c): both are
 * printed in every format from there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "ctlclient.h"
#include "domain.h"
#include "figures.h"
#include "json.h"
#include "size.h"

static const struct opt stats_opts[] = {
    { "json", 0, NULL, 'j', "one JSON object: the daemon's figures and every stream's" },
    { "prometheus", 0, NULL, 'p', "Prometheus text exposition format (node_exporter's "
      "textfile collector)" },
    { "bytes", 0, NULL, 'b', "sizes in bytes, not KiB/MiB/GiB (JSON and Prometheus: always)" },
    { 0 },
};

const struct cmd_spec spec_stats = {
    "stats", "[OPTIONS] [DOMAIN]",
    "Live figures of every stream (or of DOMAIN's) from xenlogd: state, bytes\n"
    "read from the FIFO, bytes written to the files, rotations, bytes dropped\n"
    "because the file could not be written, readers attached; with --json and\n"
    "--prometheus also limit, copies, since when the stream is ready and, for a\n"
    "console stream, the bytes written to its input FIFO and whether a console\n"
    "is attached. Then the daemon's own figures.\n",
    stats_opts, 0, 1, false,
};

enum fmt { TEXT, JSON, PROM };

#define GET(field) static uint64_t get_##field(const struct xlc_stream_info *in) \
    { return in->field; }
GET(limit) GET(copies) GET(bytes_in) GET(bytes_written) GET(rotations) GET(dropped)
GET(readers) GET(since_ms) GET(input_bytes)
static uint64_t get_ready(const struct xlc_stream_info *in) { return in->state == XLC_READY; }
static uint64_t get_console(const struct xlc_stream_info *in)
{
    return !!(in->console & XLC_CONSOLE_ON);
}

/* A new figure of a stream is one entry here.
 * JSON key; Prometheus xenlogd_stream_NAME (+ _total for a counter). */
static const struct stream_figure {
    const char *name;
    unsigned flags;
    const char *help;
    uint64_t (*get)(const struct xlc_stream_info *in);
} stream_figures[] = {
    { "limit_bytes", 0, "Bytes per file before the stream's file is rotated.", get_limit },
    { "copies", 0, "Old files the stream keeps.", get_copies },
    { "bytes_in", FIG_COUNTER, "Bytes read from the stream's FIFO.", get_bytes_in },
    { "bytes_written", FIG_COUNTER, "Bytes written to the stream's files.", get_bytes_written },
    { "rotations", FIG_COUNTER, "Rotations of the stream's file.", get_rotations },
    { "dropped_bytes", FIG_COUNTER, "Bytes dropped because the file could not be written.",
      get_dropped },
    { "readers", 0, "Readers attached (xenlog attach and console).", get_readers },
    { "ready", FIG_BOOL, "1 if the stream is ready (its data is copied), else 0.", get_ready },
    { "ready_since_seconds", FIG_MILLI, "When the stream became ready, Unix time (0: not ready).",
      get_since_ms },
    { "console", FIG_BOOL | FIG_CONSOLE_ONLY, "1 if a console types into this console stream.",
      get_console },
    { "input_bytes", FIG_COUNTER | FIG_CONSOLE_ONLY,
      "Bytes written to the console stream's input FIFO.", get_input_bytes },
};
#define NFIG (sizeof(stream_figures) / sizeof(stream_figures[0]))

struct stream { struct xlc_stream_info in; char *file; };

struct stats {
    enum fmt fmt;
    bool raw;
    struct stream *s;
    size_t ns;
    struct figure f[MAX_DAEMON_FIGURES];   /* the daemon's */
    size_t nf;
    bool oom;
};

static void *grow(void *v, size_t n, size_t size, bool *oom)
{
    void *p = (n & (n - 1)) == 0 ? realloc(v, (n ? 2 * n : 1) * size) : v;

    if (!p)
        *oom = true;
    return p;
}

static void add_stream(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct stats *st = arg;
    struct stream *v = grow(st->s, st->ns, sizeof(*v), &st->oom);

    if (!v)
        return;
    st->s = v;
    v[st->ns] = (struct stream){ *in, strdup(file) };
    st->oom |= !v[st->ns++].file;
}

static const char *state_name(uint32_t s)
{
    return s == XLC_READY ? "ready" : s == XLC_ERRORED ? "error" : "pending";
}

static bool has(const struct stream_figure *f, const struct xlc_stream_info *in)
{
    return !(f->flags & FIG_CONSOLE_ONLY) || (in->console & XLC_HAS_INPUT);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);

    return n >= t && !strcmp(s + n - t, tail);
}

static void print_value(uint64_t v, unsigned flags, bool json)
{
    if (flags & FIG_MILLI)
        printf("%" PRIu64 ".%03" PRIu64, v / 1000, v % 1000);
    else if ((flags & FIG_BOOL) && json)
        fputs(v ? "true" : "false", stdout);
    else
        printf("%" PRIu64, v);
}

/* ---- text ---------------------------------------------------------------- */

static void print_text(const struct stats *st)
{
    char a[SIZE_BUF], b[SIZE_BUF], c[SIZE_BUF];

    if (st->ns)
        printf("%-6s %-6s %-7s %10s %10s %9s %10s %7s  %s\n", "DOMID", "ID", "STATE",
               "BYTES-IN", "WRITTEN", "ROTATIONS", "DROPPED", "READERS", "FILE");
    for (size_t i = 0; i < st->ns; i++) {
        const struct xlc_stream_info *in = &st->s[i].in;

        printf("%-6u %-6u %-7s %10s %10s %9" PRIu64 " %10s %7u  %s\n", in->domid, in->id,
               state_name(in->state), size_str(in->bytes_in, st->raw, a),
               size_str(in->bytes_written, st->raw, b), in->rotations,
               size_str(in->dropped, st->raw, c), in->readers, st->s[i].file);
    }
    if (st->nf)
        printf("%sxenlogd:\n", st->ns ? "\n" : "");
    for (size_t i = 0; i < st->nf; i++) {
        const struct figure *f = &st->f[i];

        printf("  %-28s ", f->name);
        if (ends_with(f->name, "_bytes"))
            fputs(size_str(f->value, st->raw, a), stdout);
        else
            print_value(f->value, f->flags, true);
        putchar('\n');
    }
}

/* ---- JSON ---------------------------------------------------------------- */

static void print_json(const struct stats *st)
{
    fputs("{\"daemon\": {", stdout);
    for (size_t i = 0; i < st->nf; i++) {
        printf("%s", i ? ", " : "");
        json_string(stdout, st->f[i].name, strlen(st->f[i].name));
        fputs(": ", stdout);
        print_value(st->f[i].value, st->f[i].flags, true);
    }
    fputs("},\n\"streams\": [", stdout);
    for (size_t i = 0; i < st->ns; i++) {
        const struct xlc_stream_info *in = &st->s[i].in;

        printf("%s\n  {\"domid\": %u, \"id\": %u, \"state\": \"%s\", \"file\": ", i ? "," : "",
               in->domid, in->id, state_name(in->state));
        json_string(stdout, st->s[i].file, strlen(st->s[i].file));
        for (size_t k = 0; k < NFIG; k++) {
            if (!has(&stream_figures[k], in))
                continue;
            printf(", \"%s\": ", stream_figures[k].name);
            print_value(stream_figures[k].get(in), stream_figures[k].flags, true);
        }
        putchar('}');
    }
    puts(st->ns ? "\n]}" : "]}");
}

/* ---- Prometheus ---------------------------------------------------------- */

/* HELP text: backslash and newline escaped; a label value: also the quote. */
static void prom_escaped(const char *s, bool label)
{
    for (; *s; s++) {
        if (*s == '\\' || (label && *s == '"'))
            printf("\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", stdout);
        else
            putchar(*s);
    }
}

static void prom_family(const char *name, bool counter, const char *help)
{
    printf("# HELP %s%s ", name, counter ? "_total" : "");
    prom_escaped(help, false);
    printf("\n# TYPE %s%s %s\n", name, counter ? "_total" : "", counter ? "counter" : "gauge");
}

static void prom_stream_family(const struct stats *st, const struct stream_figure *f)
{
    char name[96];
    bool any = false;

    snprintf(name, sizeof(name), "xenlogd_stream_%s", f->name);
    for (size_t i = 0; i < st->ns; i++) {
        const struct xlc_stream_info *in = &st->s[i].in;

        if (!has(f, in))
            continue;
        if (!any)
            prom_family(name, f->flags & FIG_COUNTER, f->help);
        any = true;
        printf("%s%s{domid=\"%u\",id=\"%u\",file=\"", name, f->flags & FIG_COUNTER ? "_total" : "",
               in->domid, in->id);
        prom_escaped(st->s[i].file, true);
        fputs("\"} ", stdout);
        print_value(f->get(in), f->flags, false);
        putchar('\n');
    }
}

static void print_prom(const struct stats *st)
{
    for (size_t k = 0; k < NFIG; k++)
        prom_stream_family(st, &stream_figures[k]);
    for (size_t i = 0; i < st->nf; i++) {
        char name[300];

        const struct figure *f = &st->f[i];

        snprintf(name, sizeof(name), "xenlogd_%s", f->name);
        prom_family(name, f->flags & FIG_COUNTER, f->help);
        printf("%s%s ", name, f->flags & FIG_COUNTER ? "_total" : "");
        print_value(f->value, f->flags, false);
        putchar('\n');
    }
}

/* -------------------------------------------------------------------------- */

static const char *stats_option(int key, const char *arg, void *data)
{
    struct stats *st = data;

    (void)arg;
    if (key == 'b')
        st->raw = true;
    else
        st->fmt = key == 'j' ? JSON : PROM;
    return NULL;
}

static void stats_free(struct stats *st)
{
    for (size_t i = 0; i < st->ns; i++)
        free(st->s[i].file);
    free(st->s);
}

int cmd_stats(int argc, char **argv)
{
    struct stats st = { .fmt = TEXT };
    struct ctl_list_cb cb = { add_stream, &st };
    struct xlc_daemon_info info;
    size_t len;
    const char *ops[1];
    uint32_t domid = XLC_ALL;
    int rc = XL_EXIT_FAILURE;

    if (opts_parse(argc, argv, &spec_stats, stats_option, &st, ops, NULL) == 1 &&
        domain_resolve(ops[0], &domid) < 0)
        return XL_EXIT_FAILURE;
    if (ctl_list(common.run_dir, domid, &cb) < 0)
        goto out;
    /* The daemon's own figures; none from a daemon older than STATS. */
    switch (ctl_daemon_info(common.run_dir, &info, &len)) {
    case 0: st.nf = daemon_figures(&info, len, st.f); break;
    case 1: break;
    default: goto out;
    }
    if (st.oom) {
        fprintf(stderr, "xenlog: out of memory\n");
        goto out;
    }
    if (st.fmt == JSON)
        print_json(&st);
    else if (st.fmt == PROM)
        print_prom(&st);
    else
        print_text(&st);
    rc = fflush(stdout) ? XL_EXIT_FAILURE : XL_EXIT_OK;
out:
    stats_free(&st);
    return rc;
}
