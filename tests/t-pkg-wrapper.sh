#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The xl wrapper (init/xl.in, /usr/sbin/xl in the package): it runs the stock
# xl with the libxl drop-in preloaded, or without it when
# XENLOG_DROPIN_DISABLE is set to anything but 0 in /etc/default/xenlogd (or,
# for one command, in the environment, which wins). Arguments, exit status
# and an existing LD_PRELOAD pass through. Xen's xl cannot run without a
# hypervisor: a stand-in takes its place; at the end the stand-in runs real
# libxenlight (tests/glue/libxl-caller) so that the log of a device model
# started through the wrapper becomes a xenlogd stream.
. "$TOP_SRCDIR/tests/lib/common.sh"
W=$TOP_BUILDDIR/init/xl
[ -f "$W" ] || fail "no $W (make builds it)"
[ -f "$XENLOG_DROPIN" ] || skip "no drop-in $XENLOG_DROPIN"

# The wrapper as built, with its three paths moved into TEST_TMP.
DEF=$T/default
mkdir -p "$T/stock"
sed -e "s|^dropin=.*|dropin='$XENLOG_DROPIN'|" -e "s|^stock=.*|stock='$T/stock/xl'|" \
    -e "s|[^ ']*/default/xenlogd|$DEF|g" "$W" >"$T/xl"
chmod +x "$T/xl"
[ "$(grep -c "$T" "$T/xl")" -ge 3 ] || fail "the wrapper's paths were not all replaced"
grep -q '/default/xenlogd' "$T/xl" && fail "a default file path left in the wrapper"

cat >"$T/stock/xl" <<'SH'
#!/bin/sh
# stand-in for Xen's xl: what it got
echo "argc=$#"
for a in "$@"; do echo "arg=$a"; done
echo "preload=${LD_PRELOAD-unset}"
echo "mapped=$(grep -c xenlog-libxl-dropin /proc/$$/maps)"
exit 7
SH
chmod +x "$T/stock/xl"

run() {  # run [VAR=VALUE...]: the wrapper with two awkward arguments
    env -u XENLOG_DROPIN_DISABLE -u LD_PRELOAD "$@" "$T/xl" create "a b" '$x' >"$T/out"
    rc=$?
    [ $rc = 7 ] || fail "exit status $rc, want 7 (the stock xl's)"
    grep -qx 'argc=3' "$T/out" && grep -qx 'arg=create' "$T/out" && grep -qx 'arg=a b' "$T/out" && grep -qx 'arg=$x' "$T/out" ||
        fail "arguments: $(cat "$T/out")"
}
on() {
    grep -qx "preload=$XENLOG_DROPIN${1:+:$1}" "$T/out" || fail "$what: $(grep preload "$T/out"), want the drop-in"
    ! grep -qx 'mapped=0' "$T/out" || fail "$what: drop-in not mapped"
    echo "   $what: preloaded"
}
off() {
    grep -qx "preload=${1:-unset}" "$T/out" || fail "$what: $(grep preload "$T/out"), want stock"
    grep -qx 'mapped=0' "$T/out" || fail "$what: drop-in mapped"
    echo "   $what: stock"
}

say "the setting in the default file"
set +e
what="no default file"; run; on
echo 'XENLOG_DROPIN_DISABLE=0' >"$DEF"
what="XENLOG_DROPIN_DISABLE=0"; run; on
printf '# stock behaviour\nXENLOG_DROPIN_DISABLE=1\n' >"$DEF"
what="XENLOG_DROPIN_DISABLE=1"; run; off
echo 'XENLOG_DROPIN_DISABLE="1"' >"$DEF"
what='XENLOG_DROPIN_DISABLE="1"'; run; off
echo '#XENLOG_DROPIN_DISABLE=1' >"$DEF"
what="commented out"; run; on

say "the environment wins, for one command"
echo 'XENLOG_DROPIN_DISABLE=1' >"$DEF"
what="file 1, env 0"; run XENLOG_DROPIN_DISABLE=0; on
echo 'XENLOG_DROPIN_DISABLE=0' >"$DEF"
what="file 0, env 1"; run XENLOG_DROPIN_DISABLE=1; off

say "an LD_PRELOAD of the caller is kept"
what="with LD_PRELOAD"; run LD_PRELOAD=/lib/nothing.so; on /lib/nothing.so
echo 'XENLOG_DROPIN_DISABLE=1' >"$DEF"
what="off, with LD_PRELOAD"; run LD_PRELOAD=/lib/nothing.so; off /lib/nothing.so
set -e

say "through the wrapper, real libxenlight gives the device model's log to xenlogd"
CALLER=$TOP_BUILDDIR/tests/glue/libxl-caller
FAKEXC=$TOP_BUILDDIR/tests/glue/.libs/fake-xc.so
[ -x "$CALLER" ] && [ -f "$FAKEXC" ] || fail "test helpers not built"
cat >"$T/stock/xl" <<SH
#!/bin/sh
# stand-in for Xen's xl: libxl_create_logfile("qemu-dm-NAME") on real libxl
exec "$CALLER" "\$@"
SH
t_store
xenstore-write /local/domain/4/name wrapped
xld_start
echo 'XENLOG_DROPIN_DISABLE=0' >"$DEF"
out=$(LD_PRELOAD=$FAKEXC "$T/xl" qemu-dm-wrapped "a line through the wrapper") ||
    fail "libxl-caller through the wrapper: $out"
echo "$out" | sed 's/^/   /'
grep -qx "path=$RUN/xenlog.4.1.fifo" <<<"$out" || fail "not a stream FIFO"
wait_state 4 1 ready
retry 10 grep -q "a line through the wrapper" "$LOG/qemu-dm-wrapped.log" || fail "line not in the log"
say "ok"
