/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static xentoollog_logger *logger;
static xentoollog_level min_level = XTL_INFO;

static const int prio[XTL_NUM_LEVELS] = {
    [XTL_DEBUG] = LOG_DEBUG, [XTL_VERBOSE] = LOG_DEBUG,
    [XTL_DETAIL] = LOG_DEBUG, [XTL_PROGRESS] = LOG_INFO,
    [XTL_INFO] = LOG_INFO, [XTL_NOTICE] = LOG_NOTICE,
    [XTL_WARN] = LOG_WARNING, [XTL_ERROR] = LOG_ERR,
    [XTL_CRITICAL] = LOG_CRIT,
};

/* A minimal xentoollog logger that forwards to syslog(3). */
static void syslog_vmessage(struct xentoollog_logger *l, xentoollog_level level,
                            int errnoval, const char *context, const char *format,
                            va_list al)
{
    char buf[1024];

    (void)l;
    (void)context;
    if (level < min_level || level >= XTL_NUM_LEVELS)
        return;
    vsnprintf(buf, sizeof(buf), format, al);
    if (errnoval >= 0)
        syslog(prio[level], "%s: %s", buf, strerror(errnoval));
    else
        syslog(prio[level], "%s", buf);
}

static void no_progress(struct xentoollog_logger *l, const char *context,
                            const char *doing_what, int percent,
                            unsigned long done, unsigned long total)
{
    (void)l; (void)context; (void)doing_what; (void)percent; (void)done; (void)total;
}

static void syslog_destroy(struct xentoollog_logger *l)
{
    free(l);
    closelog();
}

/*
 * stderr is systemd's journal stream ($JOURNAL_STREAM names its device and
 * inode): one line per message, "<N>" in front (sd-daemon.h), no date or pid
 * (the journal has them).
 */
static bool stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;
    int end = 0;

    if (!js || sscanf(js, "%llu:%llu%n", &dev, &ino, &end) != 2 || js[end] ||
        fstat(STDERR_FILENO, &st) < 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static void journal_vmessage(struct xentoollog_logger *l, xentoollog_level level,
                             int errnoval, const char *context, const char *format,
                             va_list al)
{
    char buf[1024];
    int n;

    (void)l;
    (void)context;
    if (level < min_level || level >= XTL_NUM_LEVELS)
        return;
    n = snprintf(buf, sizeof(buf), "<%d>", prio[level]);
    vsnprintf(buf + n, sizeof(buf) - (size_t)n, format, al);
    n = (int)strlen(buf);
    if (errnoval >= 0)
        snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(errnoval));
    n = (int)strlen(buf);
    if (n == (int)sizeof(buf) - 1)
        n--;                        /* cut: room for the newline */
    buf[n++] = '\n';
    if (write(STDERR_FILENO, buf, (size_t)n) < 0)
        return;                     /* nowhere left to say it */
}

static void journal_destroy(struct xentoollog_logger *l)
{
    free(l);
}

static xentoollog_logger *logger_new(void (*vmessage)(struct xentoollog_logger *,
                                     xentoollog_level, int, const char *,
                                     const char *, va_list),
                                     void (*destroy)(struct xentoollog_logger *))
{
    xentoollog_logger *l = calloc(1, sizeof(*l));

    if (l) {
        l->vmessage = vmessage;
        l->progress = no_progress;
        l->destroy = destroy;
    }
    return l;
}

int log_init(bool to_syslog, bool verbose)
{
    min_level = verbose ? XTL_DEBUG : XTL_INFO;
    if (to_syslog) {
        logger = logger_new(syslog_vmessage, syslog_destroy);
        if (!logger)
            return -ENOMEM;
        openlog("xenlogd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    } else if (stderr_is_journal()) {
        logger = logger_new(journal_vmessage, journal_destroy);
        if (!logger)
            return -ENOMEM;
    } else {
        logger = (xentoollog_logger *)xtl_createlogger_stdiostream(
            stderr, min_level, XTL_STDIOSTREAM_SHOW_DATE | XTL_STDIOSTREAM_SHOW_PID);
        if (!logger)
            return -ENOMEM;
    }
    return 0;
}

void log_fini(void)
{
    if (logger)
        xtl_logger_destroy(logger);
    logger = NULL;
}

xentoollog_logger *log_logger(void)
{
    return logger;
}

void log_msg(xentoollog_level level, int errnoval, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    if (!logger || level < min_level) {
        errno = saved;
        return;
    }
    va_start(ap, fmt);
    xtl_logv(logger, level, errnoval, "xenlogd", fmt, ap);
    va_end(ap);
    errno = saved;
}
