#!/bin/bash
# The drop-in for stock libxl: Debian's real libxenlight (4.17) with
# xenlog-libxl-dropin.so preloaded.
#  - libxenlight's own PLT references to libxl_create_logfile, open and fopen
#    bind to the drop-in;
#  - libxl_create_logfile("qemu-dm-NAME") called on a real libxl_ctx returns
#    the FIFO of a stream of the domain called NAME; opened the way libxl
#    opens it (O_WRONLY|O_CREAT|O_APPEND) the descriptor is O_RDWR and
#    close-on-exec, and what is written lands in LOG_DIR/qemu-dm-NAME.log;
#  - qdisk-DOMID and bootloader.DOMID (opened with fopen "a") map by domid;
#  - names it does not take over (xl-NAME), unknown domains, and a host
#    without xenlogd go to libxl's own libxl_create_logfile;
#  - also where libxenlight is loaded by dlopen(RTLD_LOCAL) after the
#    process's first open(), as in libvirtd (tests/glue/dl-caller);
#  - destroying the domain (libxl removes /libxl/$DOMID) finishes the streams.
# libxl_ctx_alloc() needs a hypervisor only for a libxc handle that
# libxl_create_logfile never uses: tests/glue/fake-xc.so stands in for it.
#
# libxl's own libxl_create_logfile writes under /var/log/xen (compiled in).
# The test runs in a private mount namespace with its temp dir bound over
# /var/log: the host's logs are never touched. Where that cannot be done
# (no root, no unshare), the parts that would write there are skipped.
if [ -z "${XENLOG_PRIVATE_VARLOG:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -m --propagation private true 2>/dev/null; then
    mkdir -p "$TEST_TMP/varlog/xen"
    XENLOG_PRIVATE_VARLOG=$TEST_TMP/varlog exec unshare -m --propagation private \
        sh -c 'mount --bind "$XENLOG_PRIVATE_VARLOG" /var/log && exec bash "$0"' "$0"
fi
. "$TOP_SRCDIR/tests/lib/common.sh"
CALLER=$TOP_BUILDDIR/tests/glue/libxl-caller
FAKEXC=$TOP_BUILDDIR/tests/glue/.libs/fake-xc.so
[ -f "$XENLOG_DROPIN" ] || skip "no drop-in $XENLOG_DROPIN"
[ -x "$CALLER" ] && [ -f "$FAKEXC" ] || skip "test helpers not built"
# ldd's "NAME => PATH (ADDRESS)" form
LIBXL=$(ldd "$CALLER" | sed -n 's/^[[:space:]]*libxenlight[^ ]* => \(.*\) (0x[0-9a-f]*)$/\1/p')
[ -n "$LIBXL" ] || skip "libxl-caller is not linked with libxenlight"

G=xenlogtest-$$
XLDIR=/var/log/xen
# private_xldir: /var/log/xen is this test's own (the namespace above).
private_xldir() {
    [ -n "${XENLOG_PRIVATE_VARLOG:-}" ] && [ "$XLDIR" -ef "$XENLOG_PRIVATE_VARLOG/xen" ]
}

t_store
xenstore-write /local/domain/3/name "$G"
PRE="$FAKEXC $XENLOG_DROPIN"
call() { LD_PRELOAD="$PRE" "$CALLER" "$@" 2>"$T/call.err"; }
DLCALLER=$TOP_BUILDDIR/tests/glue/dl-caller
MODULE=$TOP_BUILDDIR/tests/glue/.libs/libxl-module.so
dlcall() { LD_PRELOAD="$PRE" "$DLCALLER" "$MODULE" "$@" 2>"$T/call.err"; }
field() { sed -n "s/^$1=//p" <<<"$2"; }

say "libxenlight's PLT entries for libxl_create_logfile, open, fopen bind to the drop-in"
LD_BIND_NOW=1 LD_DEBUG=bindings LD_PRELOAD="$PRE" "$CALLER" >/dev/null 2>"$T/bind" || true
for sym in libxl_create_logfile open fopen; do
    grep -q "binding file $LIBXL .* to $XENLOG_DROPIN .*symbol \`$sym'" "$T/bind" ||
        fail "$sym of $LIBXL not bound to the drop-in"
done

say "no xenlogd: libxl's own file (a host without xenlogd still starts guests)"
if private_xldir; then
    out=$(call "qemu-dm-$G" "no daemon") || fail "$out $(cat "$T/call.err")"
    [ "$(field path "$out")" = "$XLDIR/qemu-dm-$G.log" ] || fail "path: $out"
    [ "$(field fifo "$out")" = 0 ] || fail "not a plain file"
    grep -q "no daemon" "$XLDIR/qemu-dm-$G.log" || fail "not written"
    [ ! -s "$T/call.err" ] || fail "noise on stderr: $(cat "$T/call.err")"
else
    skip_part "$XLDIR is the host's (no private mount namespace): libxl's own files not checked"
fi
xenstore-read /libxl >/dev/null 2>&1 && fail "nodes made without a daemon"

xld_start
say "qemu-dm-NAME: a stream of the domain called NAME; O_RDWR, O_CLOEXEC; data in the log"
out=$(call "qemu-dm-$G" "a line from qemu-dm") || fail "$out $(cat "$T/call.err")"
echo "$out" | sed 's/^/   /'
[ "$(field path "$out")" = "$RUN/xenlog.3.1.fifo" ] || fail "path"
[ "$(field fifo "$out")" = 1 ] || fail "not the FIFO"
[ "$(field rdwr "$out")" = 1 ] || fail "libxl's descriptor is not O_RDWR"
[ "$(field cloexec "$out")" = 1 ] || fail "libxl's descriptor is not O_CLOEXEC"
[ "$(xenstore-read /libxl/3/logging/1/file)" = "$LOG/qemu-dm-$G.log" ] || fail "file node"
xenstore-read /libxl/3/logging/1/limit >/dev/null 2>&1 && fail "a limit node: the host's policy decides"
retry 10 grep -q "stream 3/1: ready $LOG/qemu-dm-$G.log (limit 2097152, copies 4, qemu-dm)" \
    "$T/xenlogd.log" || fail "not the built-in policy of qemu-dm"
retry 10 grep -q "a line from qemu-dm" "$LOG/qemu-dm-$G.log" || fail "data not in the log"
[ ! -s "$T/call.err" ] || fail "noise on stderr: $(cat "$T/call.err")"

say "qdisk-DOMID and bootloader.DOMID (fopen \"a\") map by domid"
out=$(call qdisk-3 "from qdisk") || fail "$out $(cat "$T/call.err")"
[ "$(field path "$out")" = "$RUN/xenlog.3.2.fifo" ] && [ "$(field rdwr "$out")" = 1 ] || fail "qdisk: $out"
out=$(call bootloader.3 "from the bootloader" fopen) || fail "$out $(cat "$T/call.err")"
[ "$(field path "$out")" = "$RUN/xenlog.3.3.fifo" ] || fail "bootloader: $out"
[ "$(field rdwr "$out")" = 1 ] && [ "$(field cloexec "$out")" = 1 ] || fail "fopen flags: $out"
retry 10 grep -q "from qdisk" "$LOG/qdisk-3.log" || fail "qdisk data"
retry 10 grep -q "from the bootloader" "$LOG/bootloader.3.log" || fail "bootloader data"

say "XENLOG_LIMIT and XENLOG_COPIES set the stream's bound"
out=$(XENLOG_LIMIT=65536 XENLOG_COPIES=1 call "qmp-proxy-$G") || fail "$out"
id=$(basename "$(field path "$out")" .fifo); id=${id##*.}
[ "$(xenstore-read /libxl/3/logging/$id/limit)" = 65536 ] || fail "limit"
[ "$(xenstore-read /libxl/3/logging/$id/copies)" = 1 ] || fail "copies"

say "names not taken over (xl-NAME) and unknown domains go to libxl's own function"
if private_xldir; then
    out=$(call "xl-$G") || fail "$out"
    [ "$(field path "$out")" = "$XLDIR/xl-$G.log" ] || fail "xl-: $out"
    out=$(XENLOG_DROPIN_DEBUG=1 call "qemu-dm-nosuch-$G") || fail "$out"
    [ "$(field path "$out")" = "$XLDIR/qemu-dm-nosuch-$G.log" ] || fail "unknown: $out"
    grep -q "no domain called nosuch-$G, using a plain file" "$T/call.err" || fail "debug: $(cat "$T/call.err")"
    out=$(XENLOG_DROPIN_DISABLE=1 call "qemu-dm-$G") || fail "$out"
    [ "$(field path "$out")" = "$XLDIR/qemu-dm-$G.log" ] || fail "disabled: $out"
else
    skip_part "$XLDIR is the host's (no private mount namespace): libxl's own files not checked"
fi

say "as libvirtd runs libxl (libxenlight dlopen()ed RTLD_LOCAL after the first open()): a stream, and libxl's own function when off or not taken over"
if [ -x "$DLCALLER" ] && [ -f "$MODULE" ]; then
    out=$(dlcall qemu-xenpv-3 "a line through the module") || fail "$out $(cat "$T/call.err")"
    [ "$(field fifo "$out")" = 1 ] && [ "$(field rdwr "$out")" = 1 ] || fail "dlopen()ed libxl: no stream: $out"
    retry 10 grep -q "a line through the module" "$LOG/qemu-xenpv-3.log" || fail "dlopen()ed libxl: data not in the log"
    if private_xldir; then
        out=$(XENLOG_DROPIN_DISABLE=1 dlcall "qemu-dm-$G") ||
            fail "dlopen()ed libxl, turned off: $out $(cat "$T/call.err")"
        [ "$(field path "$out")" = "$XLDIR/qemu-dm-$G.log" ] && [ "$(field fifo "$out")" = 0 ] ||
            fail "dlopen()ed libxl, turned off: $out"
        out=$(dlcall "xl-$G") || fail "dlopen()ed libxl, xl-NAME: $out $(cat "$T/call.err")"
        [ "$(field path "$out")" = "$XLDIR/xl-$G.log" ] || fail "dlopen()ed libxl, xl-NAME: $out"
    else
        skip_part "$XLDIR is the host's (no private mount namespace): libxl's own files not checked"
    fi
else
    skip_part "tests/glue/dl-caller or libxl-module.so not built"
fi

say "a stream that cannot be opened (bad XENLOG_LIMIT, a log dir xenlogd does not serve): a warning, then libxl's own file"
if private_xldir; then
    out=$(XENLOG_LIMIT=10 call "qemu-dm-$G") || fail "$out"
    [ "$(field path "$out")" = "$XLDIR/qemu-dm-$G.log" ] || fail "fallback: $out"
    grep -q "xenlog-dropin: qemu-dm-$G: limit 10 out of range" "$T/call.err" || fail "warning: $(cat "$T/call.err")"
    mkdir -p "$T/other"
    out=$(XENLOG_LOG_DIR=$T/other call "qemu-dm-$G") || fail "$out"
    [ "$(field path "$out")" = "$XLDIR/qemu-dm-$G.log" ] || fail "fallback: $out"
    grep -q "xenlog-dropin: qemu-dm-$G: xenlogd refused stream 3/[0-9]*: file: .*; using a plain file" "$T/call.err" ||
        fail "warning: $(cat "$T/call.err")"
    sed 's/^/   /' "$T/call.err"
else
    skip_part "$XLDIR is the host's (no private mount namespace): the fallback not checked"
fi

say "the domain is destroyed (libxl removes /libxl/3): xenlogd finishes every stream"
n=$(xenstore-list /libxl/3/logging | wc -l)
xenstore-rm /libxl/3
for id in $(seq "$n"); do
    retry 10 grep -q "stream 3/$id: finished" "$T/xenlogd.log" || fail "3/$id not finished"
done
echo "   $n streams finished; their FIFOs go at the next open for domain 3 or xenlog gc"
xld_stop
echo ok
