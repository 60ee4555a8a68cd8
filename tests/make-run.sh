#!/usr/bin/env bash
# Acceptance for `make run`: in a real terminal (tmux), the demo starts
# maglevd on the example config with local demo backends, they come up, and
# Ctrl-C stops everything cleanly. Usage: tests/make-run.sh BUILD
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
logs=$(mktemp -d)
session=maglev-make-run-$$
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$out" "$logs"' EXIT
fail() {
  echo "make-run: FAIL: $*" >&2
  for f in "$out" "$logs"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  echo "--- /view/api/maglevds: $(curl -s http://127.0.0.1:19180/view/api/maglevds 2>&1)" >&2
  echo "make-run: FAIL: $*" >&2 # again, below the logs
  exit 1
}

metrics=127.0.0.1:19191
if curl -fs "http://$metrics/metrics" >/dev/null 2>&1; then
  fail "something already listens on $metrics; stop it first"
fi
tmux new-session -d -s "$session" -x 200 -y 50 \
  "MAGLEV_DEMO_LOGS=$logs MAGLEV_GRPC_ADDR=127.0.0.1:19190 MAGLEV_METRICS_ADDR=$metrics MAGLEV_FRONTEND_LISTEN=127.0.0.1:19180 $root/scripts/demo.sh $build >$out 2>&1; echo exit=\$? >>$out; sleep 30"

up=0
for _ in $(seq 1 300); do
  if curl -fs "http://$metrics/metrics" 2>/dev/null \
      | grep -q 'maglev_backend_state{backend="nginx0-ams",state="up"} 1'; then
    up=1; break
  fi
  grep -q '^exit=' "$out" && fail "demo exited early"
  sleep 0.1
done
[ "$up" = 1 ] || fail "nginx0-ams never came up"
# the demo's VPP is maglev-vppsim: maglevd connects and, after the warm-up, programs the VIPs
programmed=0
for _ in $(seq 1 300); do
  if curl -fs "http://$metrics/metrics" 2>/dev/null | grep -q '^maglev_vpp_lbsync_total{kind="vip_added"'; then
    programmed=1; break
  fi
  sleep 0.1
done
[ "$programmed" = 1 ] || fail "maglevd never programmed the simulator"
# the dashboard server follows the demo's maglevd
followed=0
for _ in $(seq 1 300); do
  if curl -fs http://127.0.0.1:19180/view/api/maglevds 2>/dev/null | grep -q '"connected":true'; then
    followed=1; break
  fi
  sleep 0.1
done
[ "$followed" = 1 ] || fail "maglevd-frontend never connected to the demo's maglevd"

tmux send-keys -t "$session" C-c
for _ in $(seq 1 150); do
  grep -q '^exit=' "$out" && break
  sleep 0.1
done
grep -q '^exit=' "$out" || fail "demo still running 15 s after Ctrl-C"
grep -q '"msg":"stopped"' "$out" || fail "maglevd did not log a clean stop"
for _ in $(seq 1 50); do
  pgrep -f "http.server 8081|ch.ipng.maglev.daemon.Main|ch.ipng.maglev.vppsim.Main|ch.ipng.maglev.frontend.Main" >/dev/null || break
  sleep 0.1
done
pgrep -f "http.server 8081" >/dev/null && fail "demo backends left running"
pgrep -f "ch.ipng.maglev.daemon.Main" >/dev/null && fail "maglevd left running"
pgrep -f "ch.ipng.maglev.vppsim.Main" >/dev/null && fail "maglev-vppsim left running"
pgrep -f "ch.ipng.maglev.frontend.Main" >/dev/null && fail "maglevd-frontend left running"
echo "make-run: ok"
