# SPDX-License-Identifier: GPL-2.0-only
sbin_PROGRAMS += console/xenlogd
console_xenlogd_SOURCES = \
	console/main.c console/xenlogd.h \
	console/loop.c console/loop.h \
	console/log.c console/log.h \
	console/notify.c console/notify.h \
	console/store.c console/store.h console/store-int.h \
	console/store-queue.c console/store-thread.c console/store-conn.c \
	console/store-read.c console/store-state.c \
	console/streams.c console/streams.h \
	console/config.c console/config.h \
	console/record.c console/record.h \
	console/retention.c console/retention.h \
	console/logfile.c console/logfile.h console/logpark.c \
	console/names.c console/names.h \
	console/stamp.c console/stamp.h \
	console/peek.c console/peek.h \
	console/stream.c console/stream.h \
	console/sink.c console/sink.h \
	console/forward.c console/forward.h \
	console/collector.c console/collector.h \
	console/journal.c console/journal.h \
	console/rfc5424.c console/rfc5424.h \
	console/input.c console/input.h \
	console/rotate.c console/rotate.h \
	console/compress.c console/compress.h console/compress-int.h \
	console/compress-worker.c console/compress-tail.c \
	console/beneath.c console/beneath.h \
	console/validate.c console/validate.h \
	console/storepath.c console/storepath.h \
	console/sandbox.c console/sandbox.h \
	console/seccomp.c console/seccomp.h \
	console/control.c console/control.h \
	console/client.c console/client.h \
	console/requests.c console/readpipe.c \
	common/exitcode.h \
	console/util.h
console_xenlogd_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/common -DSYSCONFDIR='"$(sysconfdir)"'
console_xenlogd_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS) $(XENTOOLLOG_CFLAGS) $(SECCOMP_CFLAGS) $(ZSTD_CFLAGS)
console_xenlogd_LDADD = common/libctl.la common/libcommon.la $(XENSTORE_LIBS) $(XENTOOLLOG_LIBS) $(SECCOMP_LIBS) $(ZSTD_LIBS)
