/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlogd.conf(5): `key = value` lines, `#` comments, `[kind]` sections.
 * Keys before any section apply to every kind that does not set its own.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "util.h"
#include "validate.h"

#define CONF_MAX_SIZE (64 * 1024)
#define GLOBAL KIND_COUNT           /* the part before any section */

static const char *const kind_names[KIND_COUNT] = {
    "qemu-dm", "qdisk", "bootloader", "serial", "other",
};

enum key {
    /* Per kind: in a [kind] section, or before the first for every kind. */
    K_LIMIT, K_COPIES, K_MAX_LIMIT, K_MAX_COPIES, K_TIMESTAMP, K_COMPRESS, K_BOOT_MARKER,
    K_FWD_JOURNAL, K_FWD_SYSLOG, K_RATE_LINES, K_RATE_BYTES,
    K_PER_KIND,
    /* Only before the first section. */
    K_MAX_AGE = K_PER_KIND, K_MAX_TOTAL, K_INTERVAL, K_SYSLOG_HOSTNAME,
    K_COUNT
};

enum type { T_NUMBER, T_SIZE, T_BOOL, T_COMPRESS, T_TARGET, T_HOSTNAME };

static const struct keydef {
    const char *name;
    enum type type;
    uint64_t min, max;
} keys[K_COUNT] = {
    [K_LIMIT] = { "limit", T_SIZE, LIMIT_MIN, LIMIT_MAX },
    [K_COPIES] = { "copies", T_NUMBER, 0, COPIES_MAX },
    [K_MAX_LIMIT] = { "max_limit", T_SIZE, LIMIT_MIN, LIMIT_MAX },
    [K_MAX_COPIES] = { "max_copies", T_NUMBER, 0, COPIES_MAX },
    [K_TIMESTAMP] = { "timestamp", T_BOOL, 0, 0 },
    [K_COMPRESS] = { "compress", T_COMPRESS, 0, 0 },
    [K_BOOT_MARKER] = { "boot_marker", T_BOOL, 0, 0 },
    [K_FWD_JOURNAL] = { "forward_journal", T_BOOL, 0, 0 },
    [K_FWD_SYSLOG] = { "forward_syslog", T_TARGET, 0, 0 },
    [K_RATE_LINES] = { "forward_rate_lines", T_NUMBER, 1, FWD_RATE_LINES_MAX },
    [K_RATE_BYTES] = { "forward_rate_bytes", T_SIZE, 1024, FWD_RATE_BYTES_MAX },
    [K_MAX_AGE] = { "max_age_days", T_NUMBER, 0, 36500 },
    [K_MAX_TOTAL] = { "max_total_size", T_SIZE, 0, UINT64_MAX },
    [K_INTERVAL] = { "retention_interval", T_NUMBER, 1, 86400 },
    [K_SYSLOG_HOSTNAME] = { "syslog_hostname", T_HOSTNAME, 0, 0 },
};

/* What the file set, and on which line (0: not set). */
struct parsed {
    struct kind_policy kp[KIND_COUNT + 1];
    unsigned line[KIND_COUNT + 1][K_COUNT];    /* where each key was set, or 0 */
    struct policy p;
};

/* forward_syslog host names looked up at start (config_lookups_end()). */
#define NAMES_SEEN 16
static struct fwd_target names_seen[NAMES_SEEN];
static unsigned n_names_seen;
static bool lookups_over;

void config_lookups_end(void)
{
    lookups_over = true;
}

/* Does some kind of p forward to t's name? */
static bool policy_names(const struct policy *p, const struct fwd_target *t)
{
    unsigned k;

    for (k = 0; k < KIND_COUNT; k++)
        if (p->kind[k].forward_syslog.port == t->port &&
            strcmp(p->kind[k].forward_syslog.host, t->host) == 0)
            return true;
    return false;
}

void policy_warn_unresolved(const struct policy *p)
{
    unsigned i;

    for (i = 0; i < n_names_seen; i++)
        if (!names_seen[i].addrlen && policy_names(p, &names_seen[i]))
            log_warnx(-1, "forward_syslog %s:%u: %s; its lines are not forwarded until "
                      "xenlogd restarts with the name resolving",
                      names_seen[i].host, names_seen[i].port, names_seen[i].why);
}

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
    if (pr->timestamp < 0)
        pr->timestamp = kp->timestamp;
    if (pr->compress < 0)
        pr->compress = kp->compress == COMPRESS_ZSTD;
    if (pr->copies < 2)
        pr->compress = 0;       /* no room for a copy and its .zst (compress.h) */
    pr->boot_marker = kp->boot_marker;
    return clamped;
}

void policy_defaults(struct policy *p)
{
    static const uint64_t limit[KIND_COUNT] = { 2u << 20, 1u << 20, 1u << 20, 1u << 20, 2u << 20 };
    static const unsigned copies[KIND_COUNT] = { 4, 2, 1, 4, 4 };
    int k;

    memset(p, 0, sizeof(*p));
    for (k = 0; k < KIND_COUNT; k++) {
        struct kind_policy *kp = &p->kind[k];

        kp->limit = limit[k];
        kp->max_limit = 1u << 30;
        kp->copies = copies[k];
        kp->max_copies = 10;
        kp->compress = COMPRESS_NONE;
        kp->boot_marker = true;
        kp->forward_rate_lines = 1000;
        kp->forward_rate_bytes = 256 * 1024;
    }
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

static const char *parse_choice(const char *s, const char *no, const char *yes, unsigned *out)
{
    if (strcmp(s, no) == 0)
        *out = 0;
    else if (strcmp(s, yes) == 0)
        *out = 1;
    else
        return NULL;
    return "";
}

/* A name looked up now, or at start if lookups are over. */
static const char *lookup_name(struct fwd_target *t)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res;
    char port[8];
    unsigned i;
    int e;

    for (i = 0; i < n_names_seen; i++)
        if (names_seen[i].port == t->port && strcmp(names_seen[i].host, t->host) == 0) {
            *t = names_seen[i];
            return NULL;
        }
    if (lookups_over)
        return "a name not seen at start: the sandbox allows no lookup now "
               "(write the address, or restart xenlogd)";
    snprintf(port, sizeof(port), "%u", t->port);
    if ((e = getaddrinfo(t->host, port, &hints, &res)) != 0) {
        snprintf(t->why, sizeof(t->why), "%s",
                 e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
    } else {
        if (res->ai_addrlen <= sizeof(t->addr)) {
            memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
            t->addrlen = res->ai_addrlen;
        }
        freeaddrinfo(res);
        if (!t->addrlen)
            snprintf(t->why, sizeof(t->why), "no usable address");
    }
    /* Not found (the network or DNS may not be up at boot): the daemon
     * starts all the same, with this collector down (collector.c). */
    if (n_names_seen < NAMES_SEEN)
        names_seen[n_names_seen++] = *t;
    return NULL;
}

/* t->host and t->port set: its address, numeric or looked up. */
static const char *target_address(struct fwd_target *t, bool bracketed)
{
    struct sockaddr_in *in = (struct sockaddr_in *)&t->addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&t->addr;

    if (!bracketed && inet_pton(AF_INET, t->host, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(t->port);
        t->addrlen = sizeof(*in);
        return NULL;
    }
    if (bracketed) {
        if (inet_pton(AF_INET6, t->host, &in6->sin6_addr) != 1)
            return "not an IPv6 address in [ ]";
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(t->port);
        t->addrlen = sizeof(*in6);
        return NULL;
    }
    if (t->host[strspn(t->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789.-")])
        return "not an address or a host name";
    return lookup_name(t);
}

/* HOST:PORT, [IPV6]:PORT, or "" (off). */
static const char *parse_target(const char *val, struct fwd_target *t)
{
    const char *host = val, *colon;
    bool bracketed = val[0] == '[';
    uint64_t port;
    size_t len;

    memset(t, 0, sizeof(*t));
    if (!*val)
        return NULL;
    if (bracketed) {
        const char *close = strchr(val, ']');

        if (!close || close[1] != ':')
            return "an IPv6 address is written [ADDRESS]:PORT";
        host = val + 1;
        colon = close + 1;
        len = (size_t)(close - host);
    } else {
        if (!(colon = strrchr(val, ':')))
            return "not HOST:PORT";
        len = (size_t)(colon - val);
        if (memchr(val, ':', len))
            return "an IPv6 address is written [ADDRESS]:PORT";
    }
    if (len == 0 || len > SYSLOG_HOST_MAX)
        return "no host, or a host name too long";
    if (parse_decimal(colon + 1, 1, 65535, &port))
        return "the port is a number from 1 to 65535";
    memcpy(t->host, host, len);
    t->host[len] = '\0';
    t->port = (uint16_t)port;
    return target_address(t, bracketed);
}

bool syslog_printable(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] < 33 || s[i] > 126)
            return false;
    return len > 0;
}

/* RFC 5424 HOSTNAME: 1 to 255 printable US-ASCII characters, no space
 * ("": the host's name). */
static const char *parse_hostname(const char *val, char *out)
{
    size_t len = strlen(val);

    if (len > SYSLOG_HOSTNAME_MAX)
        return "longer than 255 characters";
    if (len && !syslog_printable(val, len))
        return "printable ASCII characters only, no blank";
    memcpy(out, val, len + 1);
    return NULL;
}

static const char *parse_value(struct kind_policy *kp, struct policy *p, enum key k,
                               const char *val)
{
    const struct keydef *kd = &keys[k];
    const char *why;
    unsigned c = 0;
    uint64_t v = 0;

    switch (kd->type) {
    case T_BOOL:
        why = parse_choice(val, "no", "yes", &c) ? NULL : "yes or no";
        break;
    case T_COMPRESS:
        why = parse_choice(val, "none", "zstd", &c) ? NULL : "none or zstd";
        kp->compress = c ? COMPRESS_ZSTD : COMPRESS_NONE;
        return why;
    case T_TARGET:
        return parse_target(val, &kp->forward_syslog);
    case T_HOSTNAME:
        return parse_hostname(val, p->syslog_hostname);
    default:
        if ((why = parse_number(val, kd->type == T_SIZE, kd->max, &v)))
            return why;
        if (v < kd->min)
            return kd->type == T_SIZE ? "below the least size" : "below the least value";
        break;
    }
    if (why)
        return why;
    switch (k) {
    case K_LIMIT: kp->limit = v; break;
    case K_COPIES: kp->copies = (unsigned)v; break;
    case K_MAX_LIMIT: kp->max_limit = v; break;
    case K_MAX_COPIES: kp->max_copies = (unsigned)v; break;
    case K_TIMESTAMP: kp->timestamp = c; break;
    case K_BOOT_MARKER: kp->boot_marker = c; break;
    case K_FWD_JOURNAL: kp->forward_journal = c; break;
    case K_RATE_LINES: kp->forward_rate_lines = (unsigned)v; break;
    case K_RATE_BYTES: kp->forward_rate_bytes = v; break;
    case K_MAX_AGE: p->max_age_days = (unsigned)v; break;
    case K_MAX_TOTAL: p->max_total_size = v; break;
    default: p->retention_interval = (unsigned)v; break;
    }
    return NULL;
}

static int set_key(struct parsed *ps, int sect, enum key k, const char *val, const char *name,
                   unsigned line, char *err, size_t errlen)
{
    const struct keydef *kd = &keys[k];
    const char *why;

    if (k >= K_PER_KIND && sect != GLOBAL)
        return bad(err, errlen, name, line, "%s: only before the first [section]", kd->name);
    if (ps->line[sect][k])
        return bad(err, errlen, name, line, "%s: set twice", kd->name);
    if ((why = parse_value(&ps->kp[sect], &ps->p, k, val))) {
        if (kd->min && strncmp(why, "below", 5) == 0)
            return bad(err, errlen, name, line, "%s: '%s': below %llu%s", kd->name, val,
                       (unsigned long long)kd->min, kd->type == T_SIZE ? " bytes" : "");
        return bad(err, errlen, name, line, "%s: '%s': %s", kd->name, val, why);
    }
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
        if (strcmp(key, keys[k].name) == 0)
            return set_key(ps, *sect, (enum key)k, val, name, line, err, errlen);
    return bad(err, errlen, name, line, "unknown key '%s'", key);
}

static void copy_key(struct kind_policy *out, const struct kind_policy *src, enum key k)
{
    switch (k) {
    case K_LIMIT: out->limit = src->limit; break;
    case K_COPIES: out->copies = src->copies; break;
    case K_MAX_LIMIT: out->max_limit = src->max_limit; break;
    case K_MAX_COPIES: out->max_copies = src->max_copies; break;
    case K_TIMESTAMP: out->timestamp = src->timestamp; break;
    case K_COMPRESS: out->compress = src->compress; break;
    case K_BOOT_MARKER: out->boot_marker = src->boot_marker; break;
    case K_FWD_JOURNAL: out->forward_journal = src->forward_journal; break;
    case K_FWD_SYSLOG: out->forward_syslog = src->forward_syslog; break;
    case K_RATE_LINES: out->forward_rate_lines = src->forward_rate_lines; break;
    default: out->forward_rate_bytes = src->forward_rate_bytes; break;
    }
}

/* A kind's value: its section's, else the global one, else the built-in. */
static int merge(struct parsed *ps, const char *name, char *err, size_t errlen)
{
    int k, i;

    for (k = 0; k < KIND_COUNT; k++) {
        struct kind_policy *out = &ps->p.kind[k];
        unsigned where[K_PER_KIND];

        for (i = 0; i < K_PER_KIND; i++) {
            int from = ps->line[k][i] ? k : ps->line[GLOBAL][i] ? GLOBAL : -1;

            where[i] = from >= 0 ? ps->line[from][i] : 0;
            if (from >= 0)
                copy_key(out, &ps->kp[from], (enum key)i);
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
