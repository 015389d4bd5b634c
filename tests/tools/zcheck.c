/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zcheck: drives the compressed history (console/compress*.c) directly,
 * with a writer as fast as memory (or paced by the worker, -p), while a
 * watcher thread samples the directory's bytes; then reads the whole
 * history back through zhist_tail() and checks it, and some shorter tails.
 *
 *   zcheck [-l LIMIT] [-n COPIES] [-m MAX_COPIES] [-b BYTES] [-c CORPUS|random]
 *          [-z LEVEL] [-p] [-r REOPEN_EVERY] [-o DUMP] [-R] [-S] [-t K] [-A] DIR
 *
 * Lines written: "N<12 digits> <corpus line n mod lines>" (or random bytes).
 * -p: after each rotation, wait until the worker is idle (the history it
 * holds when it keeps up); -r K: close and reopen the history every K
 * rotations (a daemon restarting adopts the copies); -o: the history read
 * back written to DUMP (for a check with zstdcat); -R: compression off
 * (the history keeps raw copies, and takes over .zst ones left in DIR);
 * -S: under the daemon's seccomp filter (console/seccomp.c), entered before
 * the worker starts, as the daemon does: a call it lacks kills zcheck;
 * -t K: every K rotations, a tail across f and the copies read back while
 * the worker runs (an attach's backlog), checked; -A: nothing written, the
 * history found in DIR (f and its copies, of an earlier run) read back.
 * Prints key=value lines; exits 0 if the bound held at every counted sample
 * and the history is the tail of what was written, lines consecutive;
 * 1 on a failed check, 100 on usage, 111 on a system error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../console/compress.h"
#include "lines.h"
#include "../../console/rotate.h"
#include "../../console/seccomp.h"
#include "zcheck.h"

#define BUF (64 * 1024)
#define RING (4u << 20)
#define MAXLINE 4096

struct gen {
    char **lines;           /* the corpus, or NULL: random bytes */
    size_t *lens, nlines;
    size_t maxpay;          /* a line's payload at most (a line fits in f) */
};

struct run {
    const char *dir, *dump;
    uint64_t limit, bytes;
    unsigned copies, max_copies, reopen;
    int level;
    bool pace, raw, sandbox, adopt;
    struct gen g;
    int dfd;
    struct zworker *w;
    struct zhist *h;
    int ffd;
    uint64_t fsize, nlines, written, rotations;
    unsigned live_every;    /* -t: a tail read back every so many rotations */
    uint64_t live_ok;
    char *live_ring;
};

struct chk {
    const struct gen *g;
    char line[MAXLINE + 64];
    size_t len;
    uint64_t next, lines, bad;
    bool started, skip_first;   /* skip_first: up to the first newline (a tail's cut) */
    char *ring;             /* the last RING bytes */
    FILE *dump;             /* -o: the history read back, or NULL */
    uint64_t total;
};

static void die(const char *what)
{
    perror(what);
    exit(111);
}

/* Line n into out; its length. */
static size_t gen_line(const struct gen *g, uint64_t n, char *out)
{
    size_t len = (size_t)snprintf(out, 32, "N%012llu ", (unsigned long long)n);

    if (g->lines) {
        size_t k = (size_t)(n % g->nlines);
        size_t pay = g->lens[k] < g->maxpay ? g->lens[k] : g->maxpay;

        memcpy(out + len, g->lines[k], pay);
        len += pay;
    } else {
        uint64_t x = lines_mix(n);
        size_t i;

        for (i = 0; i < 100; i++, x = lines_mix(x + i)) {
            char c = (char)(x & 0xff);
            out[len++] = c == '\n' ? 'x' : c;
        }
    }
    out[len++] = '\n';
    return len;
}

static void load_corpus(struct gen *g, const char *path)
{
    FILE *f;
    char *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t len;

    if (strcmp(path, "random") == 0)
        return;
    if (!(f = fopen(path, "r")))
        die(path);
    while ((len = getline(&line, &cap, f)) > 0) {
        if (n == g->nlines) {
            g->nlines = g->nlines ? g->nlines * 2 : 1024;
            g->lines = realloc(g->lines, g->nlines * sizeof(*g->lines));
            g->lens = realloc(g->lens, g->nlines * sizeof(*g->lens));
            if (!g->lines || !g->lens)
                die("realloc");
        }
        if (line[len - 1] == '\n')
            len--;
        g->lens[n] = (size_t)len < MAXLINE ? (size_t)len : MAXLINE;
        if (!(g->lines[n] = malloc(g->lens[n] + 1)))
            die("malloc");
        memcpy(g->lines[n], line, g->lens[n]);
        n++;
    }
    free(line);
    fclose(f);
    g->nlines = n;
    if (n == 0) {
        fprintf(stderr, "%s: empty corpus\n", path);
        exit(100);
    }
}

static void free_corpus(struct gen *g)
{
    size_t i;

    for (i = 0; g->lines && i < g->nlines; i++)
        free(g->lines[i]);
    free(g->lines);
    free(g->lens);
}

static void hist_open(struct run *r)
{
    struct zhist_params p = { .limit = r->limit, .copies = r->copies,
                              .max_copies = r->max_copies, .uid = getuid(),
                              .compress = !r->raw };
    int e = zhist_open(r->w, r->dfd, "f", &p, &r->h);

    if (e < 0) {
        errno = -e;
        die("zhist_open");
    }
}

static void new_f(struct run *r)
{
    const char *why;

    r->ffd = file_create(r->dfd, "f", getuid(), &why);
    if (r->ffd < 0) {
        fprintf(stderr, "create f: %s\n", why);
        exit(111);
    }
    r->fsize = 0;
}

static void chk_emit(void *arg, const char *buf, size_t len);

/* While the worker compresses and renames: a tail across f and the copies
 * read back ends with the last line written, lines consecutive. */
static void live_tail(struct run *r)
{
    struct chk c = { .g = &r->g, .skip_first = true, .ring = r->live_ring };
    uint64_t want = 2 * r->limit + 12345;
    int64_t n;

    if (want > RING)
        want = RING;
    n = zhist_tail(r->h, want, r->ffd, r->fsize, chk_emit, &c);
    if (n <= 0 || n > (int64_t)want || c.bad || c.len || !c.lines || c.next != r->nlines) {
        fprintf(stderr, "live tail %lld of %llu: lines %llu bad %llu next %llu of %llu\n",
                (long long)n, (unsigned long long)want, (unsigned long long)c.lines,
                (unsigned long long)c.bad, (unsigned long long)c.next,
                (unsigned long long)r->nlines);
        exit(1);
    }
    r->live_ok++;
}

static void rotate(struct run *r)
{
    int e;

    if (r->live_every && r->rotations % r->live_every == 0)
        live_tail(r);
    e = zhist_rotate(r->h, r->fsize);

    if (e < 0) {
        errno = -e;
        die("zhist_rotate");
    }
    close(r->ffd);
    new_f(r);
    r->rotations++;
    if (r->pace)
        zworker_drain(r->w);
    if (r->reopen && r->rotations % r->reopen == 0) {
        zhist_close(r->h);      /* as a daemon restarting: adopt what is there */
        hist_open(r);
    }
}

static void flush(struct run *r, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = pwrite(r->ffd, buf, len, (off_t)r->fsize);

        if (n < 0)
            die("write f");
        buf += n;
        len -= (size_t)n;
        r->fsize += (uint64_t)n;
    }
}

/* The writer: whole lines, f never above the limit. */
static void write_all(struct run *r)
{
    static char buf[BUF + MAXLINE + 64];
    char line[MAXLINE + 64];
    size_t blen = 0;
    const char *why;
    off_t size;

    if (r->adopt) {
        if ((r->ffd = file_append(r->dfd, "f", getuid(), &size, &why)) < 0) {
            fprintf(stderr, "f: %s\n", why);
            exit(111);
        }
        r->fsize = (uint64_t)size;
        return;
    }
    new_f(r);
    while (r->written < r->bytes) {
        size_t len = gen_line(&r->g, r->nlines, line);

        if (r->fsize + blen + len > r->limit) {
            flush(r, buf, blen);
            blen = 0;
            rotate(r);
        }
        if (blen + len > BUF) {
            flush(r, buf, blen);
            blen = 0;
        }
        memcpy(buf + blen, line, len);
        blen += len;
        r->nlines++;
        r->written += len;
    }
    flush(r, buf, blen);
}

/* One whole line read back: its number the next one, its bytes line n's. */
static void check_line(struct chk *c)
{
    char want[MAXLINE + 64];
    unsigned long long n;

    if (sscanf(c->line, "N%llu ", &n) != 1) {
        c->bad++;
        return;
    }
    if (c->started && n != c->next)
        c->bad++;
    c->started = true;
    c->next = n + 1;
    c->lines++;
    if (gen_line(c->g, n, want) != c->len || memcmp(want, c->line, c->len) != 0)
        c->bad++;
}

static void chk_emit(void *arg, const char *buf, size_t len)
{
    struct chk *c = arg;
    const char *p = buf;
    size_t i;

    if (c->dump && fwrite(buf, 1, len, c->dump) != len)
        die("write the dump");
    for (i = 0; i < len; i++) {
        c->ring[c->total++ % RING] = p[i];
        if (c->skip_first) {
            c->skip_first = p[i] != '\n';
            continue;
        }
        if (c->len < sizeof(c->line))
            c->line[c->len] = p[i];
        c->len++;
        if (p[i] == '\n') {
            if (c->len > sizeof(c->line))
                c->bad++;
            else
                check_line(c);
            c->len = 0;
        }
    }
}

struct grab {
    char *buf;
    size_t len;
};

static void grab_emit(void *arg, const char *buf, size_t len)
{
    struct grab *g = arg;

    if (len > ZHIST_EMIT_MAX)
        abort();
    memcpy(g->buf + g->len, buf, len);
    g->len += len;
}

/* zhist_tail(want) is the last want bytes of the whole history. */
static bool check_tail(struct run *r, struct chk *c, uint64_t want)
{
    struct grab g = { malloc(RING), 0 };
    clock_t t0;
    double ms;
    int64_t n;
    uint64_t i, from;
    bool ok;

    if (!g.buf)
        die("malloc");
    if (want > c->total)
        want = c->total;
    t0 = clock();
    n = zhist_tail(r->h, want, r->ffd, r->fsize, grab_emit, &g);
    ms = (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC;
    from = c->total - want;
    ok = n == (int64_t)want && g.len == want;
    for (i = 0; ok && i < want; i++)
        ok = g.buf[i] == c->ring[(from + i) % RING];
    printf("tail_%llu=%s cpu_ms=%.1f\n", (unsigned long long)want, ok ? "ok" : "BAD", ms);
    free(g.buf);
    return ok;
}

/* Sum of st_size of the files in the directory now (a stable sample). */
static uint64_t disk_now(int dfd)
{
    struct zwatch_result res;

    zwatch_once(dfd, &res);
    return res.max_total;
}

static void usage(void)
{
    fputs("usage: zcheck [-l LIMIT] [-n COPIES] [-m MAX_COPIES] [-b BYTES] [-c CORPUS|random]\n"
          "              [-z LEVEL] [-p] [-r REOPEN_EVERY] [-o DUMP] [-R] [-S] [-t K] [-A] DIR\n", stderr);
    exit(100);
}

static void parse(struct run *r, int argc, char **argv)
{
    int o;

    while ((o = getopt(argc, argv, "l:n:m:b:c:z:pr:o:RSt:A")) != -1) {
        switch (o) {
        case 'l': r->limit = strtoull(optarg, NULL, 10); break;
        case 'n': r->copies = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'm': r->max_copies = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'b': r->bytes = strtoull(optarg, NULL, 10); break;
        case 'c': load_corpus(&r->g, optarg); break;
        case 'z': r->level = atoi(optarg); break;
        case 'p': r->pace = true; break;
        case 'r': r->reopen = (unsigned)strtoul(optarg, NULL, 10); break;
        case 'o': r->dump = optarg; break;
        case 'R': r->raw = true; break;
        case 'S': r->sandbox = true; break;
        case 'A': r->adopt = true; break;
        case 't': r->live_every = (unsigned)strtoul(optarg, NULL, 10); break;
        default: usage();
        }
    }
    if (optind != argc - 1 || r->limit < 1024 || r->max_copies < 1 ||
        r->max_copies > ZHIST_MAX_COPIES)
        usage();
    r->dir = argv[optind];
    r->g.maxpay = r->limit / 4 < MAXLINE ? (size_t)(r->limit / 4) : MAXLINE;
}

struct names {
    int dfd;
    unsigned missing;
};

static void name_there(void *arg, const char *name)
{
    struct names *nm = arg;
    struct stat st;

    nm->missing += fstatat(nm->dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0;
}

/* zhist_each() names the copies there, as many as zhist_stats() counts. */
static bool names_ok(struct run *r)
{
    struct names nm = { r->dfd, 0 };
    struct zhist_stats hs;
    unsigned named = zhist_each(r->h, name_there, &nm);

    zhist_stats(r->h, &hs);
    printf("named=%u missing=%u\n", named, nm.missing);
    return named == hs.ncopies && nm.missing == 0;
}

static void report(struct run *r, const struct zwatch_result *wr, const struct chk *c)
{
    struct zworker_stats ws;
    struct zhist_stats hs;
    uint64_t budget = r->limit * (r->copies + 1);
    double gib;

    zworker_stats(r->w, &ws);
    zhist_stats(r->h, &hs);
    gib = (double)ws.in / (1u << 30);
    printf("budget=%llu written=%llu rotations=%llu copies=%u zst=%u\n",
           (unsigned long long)budget, (unsigned long long)r->written,
           (unsigned long long)r->rotations, hs.ncopies, hs.nzst);
    printf("samples=%llu counted=%llu max_total=%llu max_blocks=%llu violations=%llu\n",
           (unsigned long long)wr->samples, (unsigned long long)wr->counted,
           (unsigned long long)wr->max_total, (unsigned long long)wr->max_blocks,
           (unsigned long long)wr->violations);
    printf("live_tails=%llu\n", (unsigned long long)r->live_ok);
    printf("history=%llu lines=%llu bad=%llu disk=%llu history_per_budget=%.2f\n",
           (unsigned long long)c->total, (unsigned long long)c->lines,
           (unsigned long long)c->bad, (unsigned long long)disk_now(r->dfd),
           (double)c->total / (double)budget);
    printf("worker_in=%llu worker_out=%llu ratio=%.2f done=%llu aborted=%llu "
           "MBps=%.1f MBps_without_sync=%.1f cpu_s_per_GiB=%.2f\n",
           (unsigned long long)ws.in, (unsigned long long)ws.out,
           ws.out ? (double)ws.in / (double)ws.out : 0.0,
           (unsigned long long)ws.done, (unsigned long long)ws.aborted,
           ws.busy_ns ? (double)ws.in / 1e6 / ((double)ws.busy_ns / 1e9) : 0.0,
           ws.busy_ns > ws.sync_ns ?
               (double)ws.in / 1e6 / ((double)(ws.busy_ns - ws.sync_ns) / 1e9) : 0.0,
           gib > 0 ? (double)ws.cpu_ns / 1e9 / gib : 0.0);
}

int main(int argc, char **argv)
{
    struct run r = { .limit = 1 << 20, .copies = 4, .max_copies = 100, .bytes = 64 << 20 };
    struct chk c = { .g = &r.g };
    struct zwatch_result wr;
    struct zwatch *z;
    int64_t n;
    bool ok;

    parse(&r, argc, argv);
    if ((r.dfd = open(r.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        die(r.dir);
    if (r.sandbox && seccomp_enter() < 0) {
        fputs("zcheck: cannot enter the seccomp filter\n", stderr);
        return 111;
    }
    if (!(r.w = zworker_start(r.level)) || !(c.ring = malloc(RING)) ||
        !(r.live_ring = malloc(RING)))
        die("zworker_start");
    hist_open(&r);
    if (!(z = zwatch_start(r.dfd, r.limit * (r.copies + 1))))
        die("zwatch_start");
    write_all(&r);
    zworker_drain(r.w);
    zwatch_stop(z, &wr);
    if (r.dump && !(c.dump = fopen(r.dump, "w")))
        die(r.dump);
    n = zhist_tail(r.h, UINT64_MAX, r.ffd, r.fsize, chk_emit, &c);
    if (c.dump && fclose(c.dump) != 0)
        die(r.dump);
    report(&r, &wr, &c);
    ok = n >= 0 && (uint64_t)n == c.total && c.bad == 0 && c.len == 0 && c.lines > 0 &&
         (r.adopt || c.next == r.nlines) && wr.violations == 0 && (r.adopt || wr.counted > 0);
    ok &= names_ok(&r);
    ok &= check_tail(&r, &c, 1) & check_tail(&r, &c, 1000) &
          check_tail(&r, &c, (1u << 20) + 3) & check_tail(&r, &c, RING);
    printf("result=%s\n", ok ? "ok" : "FAIL");
    zhist_close(r.h);
    zworker_stop(r.w);
    close(r.ffd);
    close(r.dfd);
    free(c.ring);
    free(r.live_ring);
    free_corpus(&r.g);
    return ok ? 0 : 1;
}
