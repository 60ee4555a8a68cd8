#!/usr/bin/env bash
# maglevt's assembled launcher: --version, a config error naming file, key and line (exit 1),
# no terminal without --json (exit 1), and --duration --json against a loopback VIP that
# answers (exit 0) and one that refuses (exit 2). The screen itself is tested in a real
# terminal by maglevt's TuiTmuxTest. Usage: tests/maglevt.sh BUILD
set -euo pipefail
build=$1
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "maglevt: FAIL: $*" >&2; exit 1; }

"$build/bin/maglevt" --version | grep -q '^maglevt ' || fail "--version"

echo ok >"$work/healthz"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work" >"$work/backend.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q '^Serving HTTP' "$work/backend.log" && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.1
done
port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\) .*/\1/p' "$work/backend.log")
[ -n "$port" ] || fail "the backend did not start: $(cat "$work/backend.log")"
refused=$(free_ports 1)
config() { # port -> a config with one loopback VIP on it
  cat <<YAML
maglev:
  healthchecks:
    http: { type: http, port: 8080 }
  backends:
    a: { address: 127.0.0.1, healthcheck: http }
  frontends:
    web: { address: 127.0.0.1, protocol: tcp, port: $1, pools: [ { name: p, backends: { a: {} } } ] }
YAML
}
config "$port" >"$work/up.yaml"
config "$refused" >"$work/down.yaml"
printf 'maglev:\n  frontends:\n    web: { address: 127.0.0.1, protocol: tcp, port: 99999 }\n' >"$work/bad.yaml"

set +e
err=$("$build/bin/maglevt" --config "$work/bad.yaml" --once 2>&1); rc=$?
set -e
[ $rc = 1 ] || fail "a bad config: exit $rc, expected 1"
echo "$err" | grep -q "^maglevt: $work/bad.yaml: maglev.frontends.web.port: port 99999 .*(line 3, column" \
  || fail "a bad config's message: $err"

set +e
err=$("$build/bin/maglevt" --config "$work/up.yaml" 2>&1 </dev/null | cat); rc=${PIPESTATUS[0]}
set -e
[ $rc = 1 ] || fail "no terminal: exit $rc, expected 1"
echo "$err" | grep -q "not a terminal" || fail "no terminal's message: $err"

set +e
out=$("$build/bin/maglevt" --config "$work/up.yaml" --duration 1s --uri /healthz --json); rc=$?
set -e
[ $rc = 0 ] || fail "a VIP that answers: exit $rc, expected 0: $out"
echo "$out" | grep -q '^{"kind":"summary","vip":"web".*"fail":0,.*"met":true}$' || fail "the summary: $out"

set +e
out=$("$build/bin/maglevt" --config "$work/down.yaml" --duration 1s --json); rc=$?
set -e
[ $rc = 2 ] || fail "a VIP that refuses: exit $rc, expected 2: $out"
echo "$out" | grep -q '"net_err":[1-9].*"met":false}$' || fail "the failing summary: $out"
echo "maglevt: ok"
