#!/bin/bash
# The control protocol's parser, the parameter validation and the parsing of
# xenstore watch paths under libFuzzer
# (ASan+UBSan) for a fixed time: no crash, no leak.
set -eu
out=$TEST_TMP/fuzz
FUZZ_OUT=$out "$TOP_SRCDIR/tests/fuzz/run.sh" "${FUZZ_SECONDS:-20}" >"$TEST_TMP/fuzz.log" 2>&1 || {
    rc=$?; cat "$TEST_TMP/fuzz.log"; exit $rc; }
cat "$TEST_TMP/fuzz.log"
grep -q "stat::number_of_executed_units" "$TEST_TMP/fuzz.log" || { echo "fuzzers did not run"; exit 1; }
! ls "$out"/crash-* "$out"/leak-* 2>/dev/null | grep -q . || { echo "crash files"; exit 1; }
