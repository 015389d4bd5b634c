# SPDX-License-Identifier: LGPL-2.1-only
# libxl-glue: libxenlog (public header xenlog.h) and the stock-libxl drop-in.

# The code, once, as a convenience library linked into both.
noinst_LTLIBRARIES += libxl-glue/libxenlog-core.la
libxl_glue_libxenlog_core_la_SOURCES = \
	libxl-glue/ctx.c libxl-glue/stream.c libxl-glue/close.c libxl-glue/list.c \
	libxl-glue/glue.h libxl-glue/xenlog.h
libxl_glue_libxenlog_core_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/common
libxl_glue_libxenlog_core_la_CFLAGS = $(AM_CFLAGS) \
	$(XENSTORE_CFLAGS) $(XENTOOLLOG_CFLAGS)
libxl_glue_libxenlog_core_la_LIBADD = common/libcommon.la \
	$(XENSTORE_LIBS) $(XENTOOLLOG_LIBS)

# libxenlog.so: only xenlog_* is exported (not the common/ helpers).
lib_LTLIBRARIES += libxl-glue/libxenlog.la
include_HEADERS += libxl-glue/xenlog.h
libxl_glue_libxenlog_la_SOURCES =
libxl_glue_libxenlog_la_LIBADD = libxl-glue/libxenlog-core.la
libxl_glue_libxenlog_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 \
	-export-symbols-regex '^xenlog_' -no-undefined

# xenlog-libxl-dropin.so: an LD_PRELOAD module for stock libxl.  It exports
# only what it interposes.  Never sanitized: a preloaded module cannot bring
# the ASan runtime into a program built without it (so it has its own copy
# of the library code, built with the warnings only).
pkglib_LTLIBRARIES = libxl-glue/xenlog-libxl-dropin.la
libxl_glue_xenlog_libxl_dropin_la_SOURCES = libxl-glue/dropin.c \
	libxl-glue/ctx.c libxl-glue/stream.c libxl-glue/close.c libxl-glue/list.c \
	libxl-glue/glue.h $(COMMON_SOURCES)
libxl_glue_xenlog_libxl_dropin_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/common
libxl_glue_xenlog_libxl_dropin_la_CFLAGS = $(WARN_CFLAGS) \
	$(XENSTORE_CFLAGS) $(XENTOOLLOG_CFLAGS)
libxl_glue_xenlog_libxl_dropin_la_LIBADD = $(XENSTORE_LIBS) \
	$(XENTOOLLOG_LIBS) -ldl
libxl_glue_xenlog_libxl_dropin_la_LDFLAGS = -module -avoid-version -shared \
	-no-undefined \
	-export-symbols-regex '^(libxl_create_logfile|open|open64|fopen|fopen64)$$'

EXTRA_DIST += libxl-glue/COPYING.LGPL-2.1

# Test helpers (tests/glue/): a glue client, a libxl caller, a fake libxc.
noinst_PROGRAMS += tests/glue/glue-client tests/glue/libxl-caller
tests_glue_glue_client_SOURCES = tests/glue/glue-client.c
tests_glue_glue_client_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/libxl-glue
tests_glue_glue_client_CFLAGS = $(AM_CFLAGS) $(XENTOOLLOG_CFLAGS)
tests_glue_glue_client_LDADD = libxl-glue/libxenlog.la $(XENTOOLLOG_LIBS)

# libxl-caller and fake-xc.so run with the drop-in preloaded: no sanitizers.
tests_glue_libxl_caller_SOURCES = tests/glue/libxl-caller.c
tests_glue_libxl_caller_CFLAGS = $(WARN_CFLAGS) $(XENTOOLLOG_CFLAGS)
tests_glue_libxl_caller_LDFLAGS =
tests_glue_libxl_caller_LDADD = -lxenlight $(XENTOOLLOG_LIBS)

# libxl-caller as libvirtd runs libxl: dl-caller (not linked with
# libxenlight) dlopen()s libxl-module.so (libxl-caller's code, linked with it).
noinst_PROGRAMS += tests/glue/dl-caller
tests_glue_dl_caller_SOURCES = tests/glue/dl-caller.c
tests_glue_dl_caller_CFLAGS = $(WARN_CFLAGS)
tests_glue_dl_caller_LDFLAGS =
tests_glue_dl_caller_LDADD = -ldl

noinst_LTLIBRARIES += tests/glue/libxl-module.la
tests_glue_libxl_module_la_SOURCES = tests/glue/libxl-caller.c
tests_glue_libxl_module_la_CPPFLAGS = $(AM_CPPFLAGS) -DLIBXL_CALLER_MODULE
tests_glue_libxl_module_la_CFLAGS = $(WARN_CFLAGS) $(XENTOOLLOG_CFLAGS)
tests_glue_libxl_module_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere
tests_glue_libxl_module_la_LIBADD = -lxenlight $(XENTOOLLOG_LIBS)

noinst_LTLIBRARIES += tests/glue/fake-xc.la
tests_glue_fake_xc_la_SOURCES = tests/glue/fake-xc.c
tests_glue_fake_xc_la_CFLAGS = $(WARN_CFLAGS)
tests_glue_fake_xc_la_LDFLAGS = -module -avoid-version -shared \
	-rpath /nowhere
