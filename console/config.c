/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlogd.conf(5): `key = value` lines, `#` comments, `[kind]` sections.
 * Keys before any section apply to every kind that does not set its own.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"
#include "validate.h"

#define CONF_MAX_SIZE (64 * 1024)
#define GLOBAL KIND_COUNT           /* the part before any section */

static const char *const kind_names[KIND_COUNT] = {
    "qemu-dm", "qdisk", "bootloader", "serial", "other",
};

/* What the file set, and on which line (0: not set). */
struct parsed {
    struct kind_policy kp[KIND_COUNT + 1];
    unsigned line[KIND_COUNT + 1][4];  /* limit, copies, max_limit, max_copies */
    struct policy p;
};

enum key { K_LIMIT, K_COPIES, K_MAX_LIMIT, K_MAX_COPIES, K_MAX_AGE, K_MAX_TOTAL,
           K_INTERVAL, K_COUNT };

static const char *const key_names[K_COUNT] = {
    "limit", "copies", "max_limit", "max_copies", "max_age_days", "max_total_size",
    "retention_interval",
};

const char *kind_name(enum log_kind k)
{
    return k < KIND_COUNT ? kind_names[k] : "?";
}

enum log_kind kind_of(const char *base, bool has_input)
{
    if (has_input)
        return KIND_SERIAL;
    if (strncmp(base, "qemu-dm-", 8) == 0)
        return KIND_QEMU_DM;
    if (strncmp(base, "qdisk-", 6) == 0)
        return KIND_QDISK;
    if (strncmp(base, "bootloader.", 11) == 0)
        return KIND_BOOTLOADER;
    if (strncmp(base, "serial-", 7) == 0)
        return KIND_SERIAL;
    return KIND_OTHER;
}

unsigned policy_apply(const struct policy *p, enum log_kind k, struct params *pr)
{
    const struct kind_policy *kp = &p->kind[k];
    unsigned clamped = 0;

    if (!pr->limit)
        pr->limit = kp->limit;
    if (!pr->copies_set)
        pr->copies = kp->copies;
    pr->copies_set = true;
    if (pr->limit > kp->max_limit) {
        pr->limit = kp->max_limit;
        clamped |= POLICY_CLAMPED_LIMIT;
    }
    if (pr->copies > kp->max_copies) {
        pr->copies = kp->max_copies;
        clamped |= POLICY_CLAMPED_COPIES;
    }
    return clamped;
}

void policy_defaults(struct policy *p)
{
    static const struct kind_policy builtin[KIND_COUNT] = {
        [KIND_QEMU_DM] = { 2u << 20, 1u << 30, 4, 10 },
        [KIND_QDISK] = { 1u << 20, 1u << 30, 2, 10 },
        [KIND_BOOTLOADER] = { 1u << 20, 1u << 30, 1, 10 },
        [KIND_SERIAL] = { 1u << 20, 1u << 30, 4, 10 },
        [KIND_OTHER] = { 2u << 20, 1u << 30, 4, 10 },
    };

    memcpy(p->kind, builtin, sizeof(builtin));
    p->max_age_days = 30;
    p->max_total_size = 1ULL << 30;
    p->retention_interval = 600;
}

static int bad(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int bad(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s:%u: ", name, line);
    va_list ap;

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Decimal digits, then K, M, G or T (powers of 1024) if size. */
static const char *parse_number(const char *s, bool size, uint64_t max, uint64_t *out)
{
    char digits[24];
    size_t n = strspn(s, "0123456789");
    unsigned shift = 0;
    const char *why;
    uint64_t v;

    if (n == 0 || n >= sizeof(digits))
        return n ? "out of range" : "not a number";
    if (s[n]) {
        const char *units = "KMGT", *u = size ? strchr(units, toupper((unsigned char)s[n])) : NULL;

        if (!u || s[n + 1])
            return size ? "not a size (digits, then K, M, G or T)" : "not a number";
        shift = 10 * (unsigned)(u - units + 1);
    }
    memcpy(digits, s, n);
    digits[n] = '\0';
    if ((why = parse_decimal(digits, 0, UINT64_MAX, &v)))
        return why;
    if (v > (max >> shift))
        return "out of range";
    *out = v << shift;
    return NULL;
}

static int set_key(struct parsed *ps, int sect, enum key k, const char *val, const char *name,
                   unsigned line, char *err, size_t errlen)
{
    static const uint64_t max[K_COUNT] = { LIMIT_MAX, COPIES_MAX, LIMIT_MAX, COPIES_MAX,
                                           36500, UINT64_MAX, 86400 };
    struct kind_policy *kp = &ps->kp[sect];
    bool size = k == K_LIMIT || k == K_MAX_LIMIT || k == K_MAX_TOTAL;
    const char *why;
    uint64_t v;

    if (k >= K_COUNT)
        return -EINVAL;
    if (k >= K_MAX_AGE && sect != GLOBAL)
        return bad(err, errlen, name, line, "%s: only before the first [section]", key_names[k]);
    if (k < K_MAX_AGE && ps->line[sect][k])
        return bad(err, errlen, name, line, "%s: set twice", key_names[k]);
    if ((why = parse_number(val, size, max[k], &v)))
        return bad(err, errlen, name, line, "%s: '%s': %s", key_names[k], val, why);
    if ((k == K_LIMIT || k == K_MAX_LIMIT) && v < LIMIT_MIN)
        return bad(err, errlen, name, line, "%s: below 1024 bytes", key_names[k]);
    if (k == K_INTERVAL && v == 0)
        return bad(err, errlen, name, line, "%s: at least 1 second", key_names[k]);
    switch (k) {
    case K_LIMIT: kp->limit = v; break;
    case K_COPIES: kp->copies = (unsigned)v; break;
    case K_MAX_LIMIT: kp->max_limit = v; break;
    case K_MAX_COPIES: kp->max_copies = (unsigned)v; break;
    case K_MAX_AGE: ps->p.max_age_days = (unsigned)v; break;
    case K_MAX_TOTAL: ps->p.max_total_size = v; break;
    default: ps->p.retention_interval = (unsigned)v; break;
    }
    if (k < K_MAX_AGE)
        ps->line[sect][k] = line;
    return 0;
}

/* Strips blanks at both ends, in place. */
static char *trim(char *s)
{
    char *e = s + strlen(s);

    while (*s == ' ' || *s == '\t')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int parse_line(struct parsed *ps, int *sect, char *s, const char *name, unsigned line,
                      char *err, size_t errlen)
{
    char *eq, *key, *val, *hash = strchr(s, '#');
    size_t len;
    int k;

    if (hash)
        *hash = '\0';
    s = trim(s);
    if (!*s)
        return 0;
    if (*s == '[') {
        len = strlen(s);
        if (s[len - 1] != ']')
            return bad(err, errlen, name, line, "%s: a section is [name]", s);
        s[len - 1] = '\0';
        s = trim(s + 1);
        for (k = 0; k < KIND_COUNT; k++)
            if (strcmp(s, kind_names[k]) == 0)
                break;
        if (k == KIND_COUNT)
            return bad(err, errlen, name, line,
                       "unknown section [%s] (qemu-dm, qdisk, bootloader, serial, other)", s);
        *sect = k;
        return 0;
    }
    if (!(eq = strchr(s, '=')))
        return bad(err, errlen, name, line, "'%s': expected key = value", s);
    *eq = '\0';
    key = trim(s);
    val = trim(eq + 1);
    len = strlen(val);
    if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
        val[len - 1] = '\0';
        val++;
    }
    for (k = 0; k < K_COUNT; k++)
        if (strcmp(key, key_names[k]) == 0)
            return set_key(ps, *sect, (enum key)k, val, name, line, err, errlen);
    return bad(err, errlen, name, line, "unknown key '%s'", key);
}

/* A kind's value: its section's, else the global one, else the built-in. */
static int merge(struct parsed *ps, const char *name, char *err, size_t errlen)
{
    int k, i;

    for (k = 0; k < KIND_COUNT; k++) {
        struct kind_policy *out = &ps->p.kind[k];
        unsigned where[4];

        for (i = 0; i < 4; i++) {
            int from = ps->line[k][i] ? k : ps->line[GLOBAL][i] ? GLOBAL : -1;
            const struct kind_policy *src = from >= 0 ? &ps->kp[from] : NULL;

            where[i] = from >= 0 ? ps->line[from][i] : 0;
            if (!src)
                continue;
            switch (i) {
            case K_LIMIT: out->limit = src->limit; break;
            case K_COPIES: out->copies = src->copies; break;
            case K_MAX_LIMIT: out->max_limit = src->max_limit; break;
            default: out->max_copies = src->max_copies; break;
            }
        }
        /* A built-in default above a cap the file sets goes down to it. */
        if (out->limit > out->max_limit && !where[K_LIMIT])
            out->limit = out->max_limit;
        if (out->copies > out->max_copies && !where[K_COPIES])
            out->copies = out->max_copies;
        if (out->limit > out->max_limit)
            return bad(err, errlen, name, where[K_LIMIT],
                       "[%s] limit %llu is above max_limit %llu", kind_names[k],
                       (unsigned long long)out->limit, (unsigned long long)out->max_limit);
        if (out->copies > out->max_copies)
            return bad(err, errlen, name, where[K_COPIES],
                       "[%s] copies %u is above max_copies %u", kind_names[k], out->copies,
                       out->max_copies);
    }
    return 0;
}

int config_parse(const char *name, const char *text, struct policy *p, char *err,
                 size_t errlen)
{
    struct parsed *ps = calloc(1, sizeof(*ps));
    char buf[1024];
    unsigned line = 0;
    int sect = GLOBAL, r = 0;

    if (!ps)
        return -ENOMEM;
    policy_defaults(&ps->p);
    while (*text && r == 0) {
        size_t len = strcspn(text, "\n");

        line++;
        if (len >= sizeof(buf)) {
            r = bad(err, errlen, name, line, "%s", "line too long");
            break;
        }
        memcpy(buf, text, len);
        buf[len] = '\0';
        if (strpbrk(buf, "\v\f"))
            r = bad(err, errlen, name, line, "%s", "not a text line");
        else
            r = parse_line(ps, &sect, buf, name, line, err, errlen);
        text += len + (text[len] == '\n');
    }
    if (r == 0 && (r = merge(ps, name, err, errlen)) == 0)
        *p = ps->p;
    free(ps);
    return r;
}

int config_load(const char *path, struct policy *p, char *err, size_t errlen)
{
    char *text;
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r;

    if (fd < 0 && errno == ENOENT) {
        policy_defaults(p);
        return 1;
    }
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "%s: %s", path, strerror(-r));
        return r;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONF_MAX_SIZE) {
        snprintf(err, errlen, "%s: not a regular file of at most 64 KiB", path);
        close(fd);
        return -EINVAL;
    }
    if (!(text = malloc((size_t)st.st_size + 1))) {
        close(fd);
        return -ENOMEM;
    }
    n = read(fd, text, (size_t)st.st_size);
    r = n < 0 ? -errno : 0;
    close(fd);
    if (r == 0) {
        text[n > 0 ? n : 0] = '\0';
        if (strlen(text) != (size_t)n) {
            snprintf(err, errlen, "%s: not a text file (NUL byte)", path);
            r = -EINVAL;
        } else {
            r = config_parse(path, text, p, err, errlen);
        }
    } else {
        snprintf(err, errlen, "%s: %s", path, strerror(-r));
    }
    free(text);
    return r;
}
