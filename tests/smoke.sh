#!/usr/bin/env bash
# Checks the assembled launchers in BUILD/bin: they start, print their
# version, and `maglevd --check` exits 0/1/2 on good, unparsable and
# semantically wrong configs. Usage: tests/smoke.sh BUILD
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
pids=() # what the test started, stopped at the end even when a check fails
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$tmp"' EXIT
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

# Programming VPP (the default --vpp-api-addr) needs both lb source addresses: --check says so,
# and maglevd refuses to start; health checking alone (--vpp-api-addr "") does not need them.
sed '/-src-address:/d' "$root/debian/maglev.yaml" >"$tmp/nosrc.yaml"
set +e
"$build/bin/maglevd" --check --config "$tmp/nosrc.yaml" >"$tmp/out" 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "config without lb source addresses: exit $rc, expected 2: $(cat "$tmp/out")"
grep -q 'maglev.vpp.lb.ipv6-src-address: missing (expected: an IPv6 address, required when maglevd programs VPP' "$tmp/out" \
  || fail "missing source address message: $(cat "$tmp/out")"
"$build/bin/maglevd" --check --vpp-api-addr "" --config "$tmp/nosrc.yaml" >"$tmp/out" 2>&1 \
  || fail "without VPP the source addresses are optional: $(cat "$tmp/out")"
set +e
timeout 60 "$build/bin/maglevd" --config "$tmp/nosrc.yaml" --grpc-addr 127.0.0.1:0 --metrics-addr "" \
  --vpp-api-addr "$tmp/api.sock" --vpp-stats-addr "$tmp/stats.sock" >"$tmp/out" 2>&1; rc=$?
set -e
[ "$rc" = 2 ] || fail "maglevd started without lb source addresses: exit $rc: $(cat "$tmp/out")"
grep -q '"msg":"config-invalid"' "$tmp/out" || fail "no config-invalid log line: $(cat "$tmp/out")"

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
pids+=("$sim")
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
pids=()
[ "$status" = "ok generation 0 answering true vips 0 ass 0 writes 0" ] || fail "maglev-vppsim status: $status"

# maglevd-frontend through its launcher: usage errors exit 1 naming the flag; running against a
# maglevd that is not there, it serves /healthz and says the maglevd is not connected.
"$build/bin/maglevd-frontend" --version | grep -q '^maglevd-frontend ' || fail "maglevd-frontend --version"
set +e
"$build/bin/maglevd-frontend" --listen nonsense >"$tmp/out" 2>&1; rc=$?
set -e
[ "$rc" = 1 ] || fail "maglevd-frontend --listen nonsense: exit $rc, expected 1"
grep -q -- '--listen: "nonsense" (expected' "$tmp/out" || fail "maglevd-frontend --listen message: $(cat "$tmp/out")"
# port 0: the frontend logs the port it got
MAGLEV_FRONTEND_SERVER=127.0.0.1:1 "$build/bin/maglevd-frontend" --listen 127.0.0.1:0 >"$tmp/fe.log" 2>&1 &
fe=$!
pids+=("$fe")
port=
for _ in $(seq 1 300); do
  port=$(grep '"msg":"listening"' "$tmp/fe.log" | grep -o '"port":"[0-9]*"' | grep -o '[0-9][0-9]*' || true)
  [ -n "$port" ] && break
  kill -0 "$fe" 2>/dev/null || fail "maglevd-frontend exited: $(cat "$tmp/fe.log")"
  sleep 0.1
done
[ -n "$port" ] || fail "maglevd-frontend did not log its port: $(cat "$tmp/fe.log")"
ok=
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >"$tmp/out" 2>/dev/null; then ok=1; break; fi
  kill -0 "$fe" 2>/dev/null || fail "maglevd-frontend exited: $(cat "$tmp/fe.log")"
  sleep 0.1
done
[ -n "$ok" ] && [ "$(cat "$tmp/out")" = ok ] || fail "maglevd-frontend /healthz"
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/view/api/maglevds" >"$tmp/out"
  grep -q '"connected":false,"last_error":"UNAVAILABLE' "$tmp/out" && break
  sleep 0.1
done
grep -q '"name":"127.0.0.1","address":"127.0.0.1:1","connected":false,"last_error":"UNAVAILABLE' "$tmp/out" \
  || fail "maglevd-frontend /view/api/maglevds: $(cat "$tmp/out")"
kill -HUP "$fe"
for _ in $(seq 1 100); do grep -q '"msg":"signal-ignored","signal":"SIGHUP"' "$tmp/fe.log" && break; sleep 0.1; done
grep -q '"msg":"signal-ignored","signal":"SIGHUP"' "$tmp/fe.log" || fail "maglevd-frontend SIGHUP: $(cat "$tmp/fe.log")"
kill -0 "$fe" 2>/dev/null || fail "maglevd-frontend died of SIGHUP"
kill -TERM "$fe"; wait "$fe" || fail "maglevd-frontend exit status after SIGTERM: $?"
pids=()
grep -q '"msg":"stopped"' "$tmp/fe.log" || fail "maglevd-frontend did not stop cleanly: $(cat "$tmp/fe.log")"
echo "smoke: maglevd-frontend ok"
