/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's own diagnostics, through libxentoollog as Xen's tools do. */
#ifndef XENLOGD_LOG_H
#define XENLOGD_LOG_H

#include <stdbool.h>
#include <xentoollog.h>

/* to_syslog: a daemon without a terminal logs to syslog, else to stderr;
 * when stderr is systemd's journal stream ($JOURNAL_STREAM), each line
 * carries its priority as "<N>" and no date. */
int log_init(bool to_syslog, bool verbose);
void log_fini(void);
xentoollog_logger *log_logger(void);

void log_msg(xentoollog_level level, int errnoval, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(XTL_DEBUG, -1, __VA_ARGS__)
#define log_info(...) log_msg(XTL_INFO, -1, __VA_ARGS__)
#define log_warn(...) log_msg(XTL_WARN, -1, __VA_ARGS__)
#define log_warnx(e, ...) log_msg(XTL_WARN, (e), __VA_ARGS__)
#define log_err(e, ...) log_msg(XTL_ERROR, (e), __VA_ARGS__)

#endif
