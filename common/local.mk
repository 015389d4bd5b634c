# SPDX-License-Identifier: GPL-2.0-only
# common/: the helpers the daemon, libxenlog and the tool share, each once.
#
# Two convenience libraries, because of the licences: libtool links a
# convenience library whole into a shared library, and libxenlog is
# LGPL-2.1-only.
#   common/libcommon.la  LGPL-2.1-only: numbers, clocks, xenstore transactions;
#                        linked into xenlogd, libxenlog and xenlog (libxenlog
#                        exports none of it: only xenlog_*).
#   common/libctl.la     GPL-2.0-only: the control socket's messages;
#                        linked into xenlogd and xenlog.
# The drop-in (libxl-glue/local.mk) compiles the libcommon sources itself,
# without sanitizers, as it does the library's own.
COMMON_SOURCES = \
	common/decimal.c common/decimal.h \
	common/clock.c common/clock.h \
	common/xstxn.c common/xstxn.h

noinst_LTLIBRARIES += common/libcommon.la
common_libcommon_la_SOURCES = $(COMMON_SOURCES)
common_libcommon_la_CFLAGS = $(AM_CFLAGS) $(XENSTORE_CFLAGS)

noinst_LTLIBRARIES += common/libctl.la
common_libctl_la_SOURCES = common/ctlproto.c common/ctlproto.h
common_libctl_la_CFLAGS = $(AM_CFLAGS)

