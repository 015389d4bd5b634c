# SPDX-License-Identifier: GPL-2.0-only
# init/: the systemd unit, the xl wrapper, the systemd drop-in for libvirt's
# libxl driver and /etc/default/xenlogd (docs/install.md). The Debian init
# script is debian/xenlogd.init.

defaultfile = $(sysconfdir)/default/xenlogd

# Directories are substituted at make time, so that make's prefix wins.
init_subst = $(SED) \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@pkglibdir[@]|$(pkglibdir)|g' \
	-e 's|@pkglibexecdir[@]|$(pkglibexecdir)|g' \
	-e 's|@defaultfile[@]|$(defaultfile)|g' \
	-e 's|@xen_run_dir[@]|$(xen_run_dir)|g' \
	-e 's|@xen_log_dir[@]|$(xen_log_dir)|g'
INIT_GEN = init/xenlogd.service init/libxl-dropin.conf init/xl init/default

init/xenlogd.service: $(srcdir)/init/xenlogd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && $(init_subst) $(srcdir)/init/xenlogd.service.in >$@
init/libxl-dropin.conf: $(srcdir)/init/libxl-dropin.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && $(init_subst) $(srcdir)/init/libxl-dropin.conf.in >$@
init/xl: $(srcdir)/init/xl.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && $(init_subst) $(srcdir)/init/xl.in >$@ && chmod +x $@
init/default: $(srcdir)/init/default.in Makefile
	$(AM_V_GEN)$(MKDIR_P) init && $(init_subst) $(srcdir)/init/default.in >$@

all-local: $(INIT_GEN)
CLEANFILES += $(INIT_GEN)
EXTRA_DIST += init/xenlogd.service.in init/libxl-dropin.conf.in init/xl.in \
	init/default.in

# The wrapper that runs xl with the libxl drop-in preloaded.
pkglibexec_SCRIPTS = init/xl

if HAVE_SYSTEMD
systemdsystemunit_DATA = init/xenlogd.service
endif

# The drop-in goes into two directories as xenlogd.conf; the default file
# is /etc/default/xenlogd.
DROPIN_UNITS = libvirtd virtxend
install-data-local: init/libxl-dropin.conf init/default
if HAVE_SYSTEMD
	for u in $(DROPIN_UNITS); do \
	  $(MKDIR_P) "$(DESTDIR)$(systemdsystemunitdir)/$$u.service.d" && \
	  $(INSTALL_DATA) init/libxl-dropin.conf \
	    "$(DESTDIR)$(systemdsystemunitdir)/$$u.service.d/xenlogd.conf" || exit 1; \
	done
endif
	$(MKDIR_P) "$(DESTDIR)$(sysconfdir)/default"
	$(INSTALL_DATA) init/default "$(DESTDIR)$(defaultfile)"

uninstall-local:
if HAVE_SYSTEMD
	for u in $(DROPIN_UNITS); do \
	  rm -f "$(DESTDIR)$(systemdsystemunitdir)/$$u.service.d/xenlogd.conf"; \
	done
endif
	rm -f "$(DESTDIR)$(defaultfile)"
