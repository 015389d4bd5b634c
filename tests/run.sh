#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/run.sh [NAME-PATTERN...]: runs the tests tests/t-*.sh one after the
# other, each in a fresh TEST_TMP, and ends with "N passed, N failed, N skipped".
# A test exits 0 (pass), 77 (skip) or anything else (fail). A part of a test
# that cannot run here prints a line "SKIP: REASON" (skip_part, tests/lib/
# common.sh): each such line counts one skipped, beside the test's own pass.
#
# Environment: TOP_BUILDDIR (default: the source tree), XENLOGD_WRAP (a
# command put before the daemon, e.g. valgrind), TEST_TIMEOUT (s, default 900),
# RUN_LABEL (a word put before the closing line).
set -u
. "$(dirname "$0")/lib/env.sh"
out=$build/tests/out${RUN_LABEL:+-$RUN_LABEL}
mkdir -p "$out"
check_programs || { echo "cannot build the test helpers (make check-programs)"; exit 1; }

pass=0 fail=0 skip=0 failed=()
tests=()
for t in "$src"/tests/t-*.sh; do
    name=$(basename "$t" .sh)
    if [ $# -gt 0 ]; then
        keep=0
        for p in "$@"; do case $name in *$p*) keep=1;; esac; done
        [ $keep = 1 ] || continue
    fi
    tests+=("$t")
done

for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    export TEST_TMP
    TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/xenlogd-$name.XXXXXX")
    start=$(date +%s)
    timeout -k 10 "${TEST_TIMEOUT:-900}" bash "$t" >"$out/$name.log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
    0) pass=$((pass + 1)); echo "PASS $name (${secs}s)"; rm -rf "$TEST_TMP"
       parts=$(grep -c '^SKIP: ' "$out/$name.log" || true)
       skip=$((skip + parts))
       grep '^SKIP: ' "$out/$name.log" | sed "s/^SKIP: /SKIP $name (part): /" || true;;
    77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$out/$name.log")"; rm -rf "$TEST_TMP";;
    *) fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (rc $rc, ${secs}s); log: $out/$name.log"
       tail -n 25 "$out/$name.log" | sed 's/^/    | /';;
    esac
done
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "${RUN_LABEL:+$RUN_LABEL: }$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
