#!/usr/bin/env bash
# Checks the assembled launchers in BUILD/bin: they start, print their
# version, and `maglevd --check` exits 0/1/2 on good, unparsable and
# semantically wrong configs. Usage: tests/smoke.sh BUILD
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

"$build/bin/maglevd" --version | grep -q '^maglevd ' || fail "maglevd --version"

"$build/bin/maglevd" --check --config "$root/debian/maglev.yaml" >"$tmp/out" 2>&1 \
  || fail "example config: exit $? $(cat "$tmp/out")"

printf 'maglev:\n  backends: [unclosed\n' >"$tmp/bad.yaml"
set +e
"$build/bin/maglevd" -check -config "$tmp/bad.yaml" >"$tmp/out" 2>&1; rc=$?
set -e
[ "$rc" = 1 ] || fail "unparsable config: exit $rc, expected 1: $(cat "$tmp/out")"

sed 's/nginx0-fra: {}      # default weight 100/nginx9: {}/' "$root/debian/maglev.yaml" >"$tmp/sem.yaml"
set +e
"$build/bin/maglevd" --check --config "$tmp/sem.yaml" >"$tmp/out" 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "semantic error: exit $rc, expected 2: $(cat "$tmp/out")"
grep -q 'maglev.frontends.web.pools\[0\].backends.nginx9: no such backend (line' "$tmp/out" \
  || fail "semantic error message: $(cat "$tmp/out")"

# Man pages render without warnings.
for page in "$root"/docs/*.[18]; do
  w=$(groff -man -ww -z "$page" 2>&1) || fail "groff $page"
  [ -z "$w" ] || fail "groff warnings in $page: $w"
done
echo "smoke: man pages ok"
echo "smoke: ok"
