/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static xentoollog_logger *logger;
static xentoollog_level min_level = XTL_INFO;

/* A minimal xentoollog logger that forwards to syslog(3). */
static void syslog_vmessage(struct xentoollog_logger *l, xentoollog_level level,
                            int errnoval, const char *context, const char *format,
                            va_list al)
{
    static const int prio[XTL_NUM_LEVELS] = {
        [XTL_DEBUG] = LOG_DEBUG, [XTL_VERBOSE] = LOG_DEBUG,
        [XTL_DETAIL] = LOG_DEBUG, [XTL_PROGRESS] = LOG_INFO,
        [XTL_INFO] = LOG_INFO, [XTL_NOTICE] = LOG_NOTICE,
        [XTL_WARN] = LOG_WARNING, [XTL_ERROR] = LOG_ERR,
        [XTL_CRITICAL] = LOG_CRIT,
    };
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

static void syslog_progress(struct xentoollog_logger *l, const char *context,
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

int log_init(bool to_syslog, bool verbose)
{
    min_level = verbose ? XTL_DEBUG : XTL_INFO;
    if (to_syslog) {
        xentoollog_logger *l = calloc(1, sizeof(*l));

        if (!l)
            return -1;
        l->vmessage = syslog_vmessage;
        l->progress = syslog_progress;
        l->destroy = syslog_destroy;
        openlog("xenlogd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
        logger = l;
    } else {
        logger = (xentoollog_logger *)xtl_createlogger_stdiostream(
            stderr, min_level, XTL_STDIOSTREAM_SHOW_DATE | XTL_STDIOSTREAM_SHOW_PID);
        if (!logger)
            return -1;
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
