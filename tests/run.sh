#!/usr/bin/env bash
# Runs one test for `make test` and notes how it went in SUMMARY: "passed:  NAME", or, when the
# test skipped itself (exit 77, tests/lib.sh's skip), "SKIPPED: NAME (its reason)". A skip passes
# unless MAGLEV_TEST_NO_SKIP is set (CI, where every test must run); a failure fails.
# Usage: tests/run.sh SUMMARY NAME COMMAND...
set -uo pipefail
summary=$1 name=$2
shift 2
reason=$(mktemp)
trap 'rm -f "$reason"' EXIT
MAGLEV_TEST_SKIP_REASON=$reason "$@"
rc=$?
case $rc in
  0) echo "passed:  $name" >>"$summary" ;;
  77)
    why=$(cat "$reason" 2>/dev/null)
    echo "SKIPPED: $name (${why:-no reason given})" >>"$summary"
    if [ -n "${MAGLEV_TEST_NO_SKIP:-}" ]; then
      echo "$name: FAIL: skipped, and MAGLEV_TEST_NO_SKIP is set: every test must run here" >&2
      exit 1
    fi
    ;;
  *) echo "FAILED:  $name (exit $rc)" >>"$summary"; exit "$rc" ;;
esac
