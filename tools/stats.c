/* SPDX-License-Identifier: GPL-2.0-only */
/* xenlog stats: the live figures of every stream, for people and monitoring. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctlclient.h"

const char usage_stats[] =
"Usage: xenlog stats [--json | --prometheus] [DOMID]\n"
"\n"
"Live figures of every stream (or of DOMID's) from xenlogd: state, bytes\n"
"read from the FIFO, bytes written to the files, rotations, bytes dropped\n"
"because the file could not be written, readers attached, and since when\n"
"(Unix time in ms); for a console stream (--json, --prometheus) also the\n"
"bytes written to its input FIFO and whether a console is attached.\n"
"--json prints one JSON array; --prometheus prints the\n"
"text exposition format, for node_exporter's textfile collector.\n";

enum fmt { TEXT, JSON, PROM };

struct out {
    enum fmt fmt;
    unsigned n;
};

static const char *state_name(uint32_t s)
{
    return s == XLC_READY ? "ready" : s == XLC_ERRORED ? "error" : "pending";
}

/* A string for JSON or a Prometheus label: quotes, backslashes, controls. */
static void quoted(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", stdout);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

static void one(const struct xlc_stream_info *in, const char *file, void *arg)
{
    struct out *o = arg;
    static const char *const names[] = { "bytes_in", "bytes_written", "rotations",
                                         "dropped_bytes" };
    uint64_t v[4] = { in->bytes_in, in->bytes_written, in->rotations, in->dropped };
    unsigned i;

    switch (o->fmt) {
    case TEXT:
        if (o->n == 0)
            printf("%-6s %-6s %-7s %14s %14s %9s %12s %7s  %s\n", "DOMID", "ID", "STATE",
                   "BYTES-IN", "WRITTEN", "ROTATIONS", "DROPPED", "READERS", "FILE");
        printf("%-6u %-6u %-7s %14llu %14llu %9llu %12llu %7u  %s\n", in->domid, in->id,
               state_name(in->state), (unsigned long long)in->bytes_in,
               (unsigned long long)in->bytes_written, (unsigned long long)in->rotations,
               (unsigned long long)in->dropped, in->readers, file);
        break;
    case JSON:
        printf("%s\n  {\"domid\": %u, \"id\": %u, \"state\": \"%s\", \"file\": ", o->n ? "," : "",
               in->domid, in->id, state_name(in->state));
        quoted(file);
        printf(", \"limit\": %llu, \"copies\": %u, \"bytes_in\": %llu, \"bytes_written\": %llu"
               ", \"rotations\": %llu, \"dropped_bytes\": %llu, \"readers\": %u"
               ", \"since_ms\": %llu", (unsigned long long)in->limit, in->copies,
               (unsigned long long)in->bytes_in, (unsigned long long)in->bytes_written,
               (unsigned long long)in->rotations, (unsigned long long)in->dropped,
               in->readers, (unsigned long long)in->since_ms);
        if (in->console & XLC_HAS_INPUT)
            printf(", \"console\": %s, \"input_bytes\": %llu",
                   in->console & XLC_CONSOLE_ON ? "true" : "false",
                   (unsigned long long)in->input_bytes);
        putchar('}');
        break;
    case PROM:
        for (i = 0; i < 4; i++) {
            printf("xenlogd_stream_%s_total{domid=\"%u\",id=\"%u\",file=", names[i],
                   in->domid, in->id);
            quoted(file);
            printf("} %llu\n", (unsigned long long)v[i]);
        }
        printf("xenlogd_stream_readers{domid=\"%u\",id=\"%u\"} %u\n", in->domid, in->id,
               in->readers);
        printf("xenlogd_stream_ready{domid=\"%u\",id=\"%u\"} %d\n", in->domid, in->id,
               in->state == XLC_READY);
        if (in->console & XLC_HAS_INPUT) {
            printf("xenlogd_stream_input_bytes_total{domid=\"%u\",id=\"%u\"} %llu\n",
                   in->domid, in->id, (unsigned long long)in->input_bytes);
            printf("xenlogd_stream_console{domid=\"%u\",id=\"%u\"} %d\n", in->domid,
                   in->id, !!(in->console & XLC_CONSOLE_ON));
        }
        break;
    }
    o->n++;
}

int cmd_stats(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "prometheus", no_argument, NULL, 'p' },
        { "run-dir", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct out o = { .fmt = TEXT };
    const char *run_dir = NULL;
    uint32_t domid = XLC_ALL;
    char *end;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (c) {
        case 'j': o.fmt = JSON; break;
        case 'p': o.fmt = PROM; break;
        case 'r': run_dir = optarg; break;
        case 'h': fputs(usage_stats, stdout); return 0;
        default: fputs(usage_stats, stderr); return 2;
        }
    }
    if (argc - optind > 1) {
        fputs(usage_stats, stderr);
        return 2;
    }
    if (argc - optind == 1) {
        unsigned long v = strtoul(argv[optind], &end, 10);

        if (*end || !*argv[optind] || v >= XLC_ALL) {
            fprintf(stderr, "xenlog: stats: DOMID must be a number\n");
            return 2;
        }
        domid = (uint32_t)v;
    }
    if (o.fmt == PROM) {
        puts("# HELP xenlogd_stream_bytes_in_total Bytes read from the stream's FIFO.");
        puts("# TYPE xenlogd_stream_bytes_in_total counter");
    }
    if (o.fmt == JSON)
        fputs("[", stdout);
    if (ctl_list(run_dir, domid, one, &o) < 0)
        return 1;
    if (o.fmt == JSON)
        puts(o.n ? "\n]" : "]");
    return 0;
}
