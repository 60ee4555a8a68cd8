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

# maglev-vppsim through its launcher: it serves both sockets and answers on its control socket.
"$build/bin/maglev-vppsim" --version | grep -q '^maglev-vppsim ' || fail "maglev-vppsim --version"
"$build/bin/maglev-vppsim" --api-addr "$tmp/api.sock" --stats-addr "$tmp/stats.sock" \
  --control-addr "$tmp/control.sock" >"$tmp/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do
  [ -S "$tmp/control.sock" ] && [ -S "$tmp/api.sock" ] && [ -S "$tmp/stats.sock" ] && break
  kill -0 "$sim" 2>/dev/null || fail "maglev-vppsim exited: $(cat "$tmp/sim.log")"
  sleep 0.1
done
status=$(python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1]); s.sendall(b"status\n"); print(s.makefile().readline().strip())
' "$tmp/control.sock")
kill "$sim"; wait "$sim" 2>/dev/null || true
[ "$status" = "ok generation 0 answering true vips 0 ass 0 writes 0" ] || fail "maglev-vppsim status: $status"
