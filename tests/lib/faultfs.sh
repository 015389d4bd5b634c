# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the tests that put the log dir on tests/fuse/faultfs.c (after
# common.sh): faultfs_mount MODE builds it, mounts it on $LOG/f over $T/back
# with the fault word in $CTL (= $T/fault, MODE first), and unmounts it at
# exit; the test is skipped where FUSE cannot run.
faultfs_mount() {
    [ "$(id -u)" = 0 ] || skip "needs root to mount FUSE"
    [ -c /dev/fuse ] || skip "no /dev/fuse"
    pkg-config --exists fuse3 2>/dev/null || skip "libfuse3-dev not installed"
    command -v fusermount3 >/dev/null || skip "fuse3 not installed"
    # shellcheck disable=SC2046  # pkg-config's words
    cc -std=gnu11 -Wall -Wextra -Werror -O2 $(pkg-config --cflags fuse3) -o "$T/faultfs" \
        "$TOP_SRCDIR/tests/fuse/faultfs.c" $(pkg-config --libs fuse3) || fail "faultfs does not build"
    mkdir "$T/back" "$LOG/f"
    CTL=$T/fault
    echo "$1" >"$CTL"
    "$T/faultfs" "$T/back" "$CTL" "$LOG/f" -o attr_timeout=0,entry_timeout=0,negative_timeout=0 ||
        skip "cannot mount FUSE"
    trap 'rc=$?; t_cleanup; fusermount3 -u "$LOG/f" 2>/dev/null || umount -l "$LOG/f"; exit $rc' EXIT
}
