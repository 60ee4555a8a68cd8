#!/usr/bin/env bash
# The dashboard's fleet view end to end in real headless Chromium: two routers, each a maglevd
# programming its own maglev-vppsim from the same config (scripts/demo-maglev.yaml, with the demo
# backends on 127.0.0.1-3), and one maglevd-frontend (admin enabled) following both.
# maglev-frontend/web/e2e/fleet.mjs drives the page: the frontend cards say the routers' tables are
# identical, then, with a backend paused on one router only, which router and which backend
# differ, and again identical after the resume; the flow lookup form answers as
# `maglevc show vpp lb flow --json` does. Every address is on loopback, every port a free one
# (or port 0 where the program says which port it got); the test stops only the processes it
# started (by the pids it wrote). Screenshots go to BUILD/screenshots/fleet-*.png.
# Usage: tests/dashboard-fleet-e2e.sh BUILD
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib.sh"
work=$(mktemp -d)
stop_all() {
  local f pid
  for f in "$work"/*.pid; do
    [ -f "$f" ] || continue
    read -r pid start <"$f" || true
    running "$pid" "${start:-}" && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap 'stop_all; rm -rf "$work"' EXIT
fail() {
  echo "dashboard-fleet-e2e: FAIL: $*" >&2
  for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (make install-deps installs it)"
command -v python3 >/dev/null || fail "python3 is needed for the demo backends"

# start NAME COMMAND...: runs COMMAND in the background, its output in NAME.log, and notes its pid
# with its start time in NAME.pid (a pid alone may be reused).
start() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  echo "$! $(start_time $!)" >"$work/$name.pid"
}
# alive NAME: the process started as NAME is still running.
alive() {
  local pid start
  read -r pid start <"$work/$1.pid"
  running "$pid" "$start"
}
# await WHAT NAME CONDITION...: polls CONDITION every 0.1 s for up to 60 s, failing early when the
# process NAME has exited.
await() {
  local what=$1 name=$2
  shift 2
  for _ in $(seq 1 600); do
    "$@" && return 0
    alive "$name" || fail "$name exited while waiting for $what"
    sleep 0.1
  done
  fail "no $what within 60 s"
}

read -r port grpc1 grpc2 < <(free_ports 3)
# the two routers' maglevds, named by their loopback addresses in the dashboard
r1=127.0.0.11:$grpc1
r2=127.0.0.12:$grpc2

# the demo config on the backends' port, VIPs programmed after a 1 s warm-up (the demo's is 5 s)
sed -e "s/^\(      port: \)8081\$/\1$port/" \
  -e 's/^\(      startup-min-delay: \).*/\11s/' -e 's/^\(      startup-max-delay: \).*/\13s/' \
  "$root/scripts/demo-maglev.yaml" >"$work/maglev.yaml"
grep -q "^      port: $port\$" "$work/maglev.yaml" || fail "scripts/demo-maglev.yaml has no 'port: 8081' to move"

names=(nginx0-ams nginx0-fra nginx0-zrh)
for i in 0 1 2; do
  start "backend-$i" python3 -u "$root/scripts/demo-backend.py" "127.0.0.$((i + 1))" "$port" "${names[$i]}"
done
for n in 1 2; do
  mkdir -p "$work/vpp$n"
  start "vppsim-$n" "$build/bin/maglev-vppsim" --api-addr "$work/vpp$n/api.sock" \
    --stats-addr "$work/vpp$n/stats.sock" --control-addr "$work/vpp$n/control.sock"
done
for i in 0 1 2; do
  await "demo backend $i" "backend-$i" grep -q '^Serving HTTP' "$work/backend-$i.log"
done
for n in 1 2; do
  await "simulator $n's sockets" "vppsim-$n" test -S "$work/vpp$n/stats.sock"
done
for n in 1 2; do
  grpc=$r1
  [ "$n" = 2 ] && grpc=$r2
  start "maglevd-$n" "$build/bin/maglevd" --config "$work/maglev.yaml" --grpc-addr "$grpc" \
    --metrics-addr 127.0.0.1:0 --vpp-api-addr "$work/vpp$n/api.sock" \
    --vpp-stats-addr "$work/vpp$n/stats.sock" --state-file "$work/state-$n.json"
done
MAGLEV_FRONTEND_USER=ops MAGLEV_FRONTEND_PASSWORD=fleet-secret \
  start frontend "$build/bin/maglevd-frontend" --server "$r1,$r2" --listen 127.0.0.1:0

listening() { grep -q '"msg":"listening"' "$work/frontend.log"; }
await "maglevd-frontend's port" frontend listening
fport=$(grep '"msg":"listening"' "$work/frontend.log" | grep -o '"port":"[0-9]*"' | grep -o '[0-9][0-9]*' | head -1)
[ -n "$fport" ] || fail "maglevd-frontend did not log its port"
for n in 1 2; do
  serving() { grep -q '"msg":"listening"' "$work/maglevd-$n.log"; }
  await "maglevd $n listening" "maglevd-$n" serving
done

# settled: on both routers, as the dashboard has it, the demo backends are up and VPP holds the
# table maglevd wants for the web VIP
settled() {
  curl -fs "http://127.0.0.1:$fport/view/api/state" | python3 -c '
import json, sys
routers = json.load(sys.stdin)
ok = len(routers) == 2
for r in routers:
    up = {b["name"] for b in r.get("backends") or [] if b.get("state") == "up"}
    web = [v for v in (r.get("lb_state") or {}).get("vips", []) if v.get("frontend") == "web"]
    ok = ok and {"nginx0-ams", "nginx0-fra", "nginx0-zrh"} <= up and len(web) == 1
    ok = ok and web[0].get("table_digest", "") != "" and web[0].get("table_digest") == web[0].get("desired_table_digest")
sys.exit(0 if ok else 1)
' 2>/dev/null
}
await "both routers settled" frontend settled

E2E_BASE=http://127.0.0.1:$fport E2E_SCREENSHOTS=$build/screenshots E2E_MAGLEVC=$build/bin/maglevc \
  E2E_R1=$r1 E2E_R2=$r2 E2E_VIP=127.0.100.1:$port MAGLEV_FRONTEND_USER=ops MAGLEV_FRONTEND_PASSWORD=fleet-secret \
  node "$root/maglev-frontend/web/e2e/fleet.mjs" || fail "see the step above"
for n in 1 2; do alive "maglevd-$n" || fail "maglevd $n exited"; done
echo "dashboard-fleet-e2e: ok ($(ls "$build"/screenshots/fleet-*.png | wc -l) screenshots in $build/screenshots)"
