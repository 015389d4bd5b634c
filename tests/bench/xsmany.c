/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsmany: many streams at once, timed from the store's side, for the
 * benchmark's 10,000-stream figures (and tests/t-daemon-scale.sh).
 *
 *   xsmany add DOMID NDOMS COUNT RUNDIR LOGDIR LIMIT COPIES TIMEOUT_S
 *       COUNT streams in each of the NDOMS domains DOMID, DOMID+1...: makes
 *       the FIFOs RUNDIR/m.D.I (I = 1 .. COUNT), writes the four nodes of a
 *       domain's streams in one transaction (as a toolstack would at
 *       start-up), then waits through a watch (one read per state written,
 *       no polling of the whole tree) until every stream's state is "ready"
 *       or "error", or TIMEOUT_S passed. Prints "ready R error E ms M" (M: from the
 *       first write to the last state seen), the first error's reason if
 *       any, "written in ms W" (the writes alone) and "lag ms median A p99
 *       B max C": for each stream, from its domain's commit to its state
 *       seen (states are looked at between two domains' writes, so this is
 *       an upper bound). The watch and the
 *       requests use two connections (libxenstore reads every answer on a
 *       handle with a watch through a thread of its own). Exit 0 if all
 *       became ready, 1 otherwise, 111 on a store failure.
 *   xsmany count DOMID NDOMS COUNT
 *       prints how many of those streams say "ready" (one read each).
 *   xsmany rm DOMID NDOMS COUNT
 *       removes /libxl/D of each of those domains, each on its own (outside
 *       a transaction: xenstored 4.17 keeps a transaction's nodes in a list
 *       searched with strcmp, so `xenstore-rm` of 10,000 streams at once,
 *       one transaction of 60,000 nodes, takes it minutes).
 *
 * Uses XENSTORED_PATH like xenstore-write.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xenstore.h>

#define USAGE "usage: xsmany add DOMID NDOMS COUNT RUNDIR LOGDIR LIMIT COPIES TIMEOUT_S\n" \
              "       xsmany count|rm DOMID NDOMS COUNT\n"

struct run {
    struct xs_handle *xsh;    /* requests: no watch, so no reader thread */
    struct xs_handle *xw;     /* the watch on /libxl */
    unsigned domid, ndoms, count;
    const char *rundir, *logdir, *limit, *copies;
    unsigned timeout_s;
    unsigned char *seen;      /* per stream: 0 nothing, 1 ready, 2 error */
    double *written;          /* per domain: when its transaction committed (s) */
    double *lag;              /* per stream seen: seen - written (s) */
    unsigned ready, error;
    char first_error[256];
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned total(const struct run *r)
{
    return r->ndoms * r->count;
}

static int write_node(struct run *r, xs_transaction_t t, unsigned d, unsigned id,
                      const char *node, const char *value)
{
    char path[128];

    snprintf(path, sizeof(path), "/libxl/%u/logging/%u/%s", d, id, node);
    return xs_write(r->xsh, t, path, value, (unsigned)strlen(value)) ? 0 : -1;
}

/* The four nodes of every stream of domain d in one transaction, retried on EAGAIN. */
static int write_domain(struct run *r, unsigned d)
{
    char pipe[4096], file[4096];

    for (;;) {
        xs_transaction_t t = xs_transaction_start(r->xsh);
        unsigned id;

        if (t == XBT_NULL)
            return -1;
        for (id = 1; id <= r->count; id++) {
            snprintf(pipe, sizeof(pipe), "%s/m.%u.%u", r->rundir, d, id);
            snprintf(file, sizeof(file), "%s/m.%u.%u.log", r->logdir, d, id);
            if (write_node(r, t, d, id, "pipe", pipe) || write_node(r, t, d, id, "file", file) ||
                write_node(r, t, d, id, "limit", r->limit) ||
                write_node(r, t, d, id, "copies", r->copies)) {
                xs_transaction_end(r->xsh, t, true);
                return -1;
            }
        }
        if (xs_transaction_end(r->xsh, t, false))
            return 0;
        if (errno != EAGAIN)
            return -1;
    }
}

/* A state node changed: read it once, count the stream the first time. */
static void on_state(struct run *r, unsigned d, unsigned id, const char *path)
{
    unsigned len, k;
    char *v;

    if (d < r->domid || d - r->domid >= r->ndoms || id < 1 || id > r->count)
        return;
    k = (d - r->domid) * r->count + id - 1;
    if (r->seen[k])
        return;
    v = xs_read(r->xsh, XBT_NULL, path, &len);
    if (v && (strcmp(v, "ready") == 0 || strcmp(v, "error") == 0))
        r->lag[r->ready + r->error] = now_s() - r->written[d - r->domid];
    if (v && strcmp(v, "ready") == 0) {
        r->seen[k] = 1;
        r->ready++;
    } else if (v && strcmp(v, "error") == 0) {
        char epath[128], *e;

        r->seen[k] = 2;
        r->error++;
        snprintf(epath, sizeof(epath), "/libxl/%u/logging/%u/error", d, id);
        if (!r->first_error[0] && (e = xs_read(r->xsh, XBT_NULL, epath, &len))) {
            snprintf(r->first_error, sizeof(r->first_error), "stream %u/%u: %s", d, id, e);
            free(e);
        }
    }
    free(v);
}

static void drain_watch(struct run *r)
{
    char **vec;
    unsigned d, id;

    while ((vec = xs_check_watch(r->xw)) != NULL) {
        const char *p = vec[XS_WATCH_PATH];
        int n = 0;      /* stays 0 unless all of "/state" matched */

        if (sscanf(p, "/libxl/%u/logging/%u/state%n", &d, &id, &n) == 2 && n > 0 &&
            p[n] == '\0')
            on_state(r, d, id, p);
        free(vec);
    }
}

static int make_fifos(const struct run *r)
{
    unsigned d, id;

    for (d = r->domid; d < r->domid + r->ndoms; d++)
        for (id = 1; id <= r->count; id++) {
            char fifo[4096];

            snprintf(fifo, sizeof(fifo), "%s/m.%u.%u", r->rundir, d, id);
            if (mkfifo(fifo, 0600) < 0 && errno != EEXIST) {
                perror(fifo);
                return -1;
            }
        }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Each stream's time from its domain's commit to its state seen (an upper
 * bound: states are looked at between two domains' writes). */
static void print_lag(struct run *r)
{
    unsigned n = r->ready + r->error;

    if (n == 0)
        return;
    qsort(r->lag, n, sizeof(*r->lag), cmp_double);
    printf("lag ms median %.0f p99 %.0f max %.0f\n", r->lag[n / 2] * 1000,
           r->lag[(unsigned)(n * 0.99)] * 1000, r->lag[n - 1] * 1000);
}

static int add(struct run *r)
{
    double t0, t1, last;
    unsigned d;

    if (make_fifos(r) < 0)
        return 111;
    if (!(r->xw = xs_open(0)) || !xs_watch(r->xw, "/libxl", "xsmany")) {
        perror("xsmany: watch");
        return 111;
    }
    t0 = last = now_s();
    for (d = r->domid; d < r->domid + r->ndoms; d++) {
        if (write_domain(r, d) < 0) {
            perror("xsmany: write");
            return 111;
        }
        r->written[d - r->domid] = now_s();
        drain_watch(r);     /* states seen as they come: each stream's lag */
    }
    t1 = now_s();
    while (r->ready + r->error < total(r) && now_s() - t0 < r->timeout_s) {
        struct pollfd p = { .fd = xs_fileno(r->xw), .events = POLLIN };
        unsigned before = r->ready + r->error;

        if (poll(&p, 1, 200) > 0)
            drain_watch(r);
        if (r->ready + r->error != before)
            last = now_s();
    }
    printf("ready %u error %u ms %.0f\n", r->ready, r->error, (last - t0) * 1000);
    if (r->first_error[0])
        printf("first error: %s\n", r->first_error);
    printf("written in ms %.0f\n", (t1 - t0) * 1000);
    print_lag(r);
    return r->ready == total(r) ? 0 : 1;
}

static int count(const struct run *r)
{
    unsigned d, id, n = 0, len;

    for (d = r->domid; d < r->domid + r->ndoms; d++)
        for (id = 1; id <= r->count; id++) {
            char path[128], *v;

            snprintf(path, sizeof(path), "/libxl/%u/logging/%u/state", d, id);
            v = xs_read(r->xsh, XBT_NULL, path, &len);
            n += v && strcmp(v, "ready") == 0;
            free(v);
        }
    printf("%u\n", n);
    return 0;
}

static int rm(const struct run *r)
{
    unsigned d;

    for (d = r->domid; d < r->domid + r->ndoms; d++) {
        char path[64];

        snprintf(path, sizeof(path), "/libxl/%u", d);
        if (!xs_rm(r->xsh, XBT_NULL, path) && errno != ENOENT) {
            perror(path);
            return 111;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct run r = { 0 };
    int rc;

    if (argc < 5 || (strcmp(argv[1], "add") == 0 && argc != 10) ||
        (strcmp(argv[1], "add") != 0 && argc != 5)) {
        fputs(USAGE, stderr);
        return 100;
    }
    r.domid = (unsigned)strtoul(argv[2], NULL, 10);
    r.ndoms = (unsigned)strtoul(argv[3], NULL, 10);
    r.count = (unsigned)strtoul(argv[4], NULL, 10);
    r.xsh = xs_open(0);
    if (!r.xsh) {
        perror("xsmany: xs_open");
        return 111;
    }
    if (strcmp(argv[1], "count") == 0) {
        rc = count(&r);
    } else if (strcmp(argv[1], "rm") == 0) {
        rc = rm(&r);
    } else if (strcmp(argv[1], "add") == 0) {
        r.rundir = argv[5];
        r.logdir = argv[6];
        r.limit = argv[7];
        r.copies = argv[8];
        r.timeout_s = (unsigned)strtoul(argv[9], NULL, 10);
        r.seen = calloc(total(&r) ? total(&r) : 1, 1);
        r.lag = calloc(total(&r) ? total(&r) : 1, sizeof(*r.lag));
        r.written = calloc(r.ndoms ? r.ndoms : 1, sizeof(*r.written));
        rc = r.seen && r.lag && r.written ? add(&r) : 100;
        free(r.seen);
        free(r.lag);
        free(r.written);
    } else {
        fputs(USAGE, stderr);
        rc = 100;
    }
    xs_close(r.xsh);
    if (r.xw)
        xs_close(r.xw);
    return rc;
}
