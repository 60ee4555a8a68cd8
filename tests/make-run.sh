#!/usr/bin/env bash
# Acceptance for `make run`: in a real terminal (tmux), the demo starts
# maglevd on the example config with local demo backends, they come up, and
# Ctrl-C stops everything cleanly: every process the demo started (by the pids
# it wrote) is gone. Ports: free ones, or port 0 where the program says which
# port it got, so this runs next to any other maglevd or demo. Usage:
# tests/make-run.sh BUILD
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib.sh"
out=$(mktemp)
logs=$(mktemp -d)
tmux=(tmux -L "maglev-make-run-$$" -f /dev/null) # a tmux server of its own, no ~/.tmux.conf
declare -A start # name -> start time of each process the demo started, by its pid file
left() { # the names of those still running
  local name
  for name in "${!start[@]}"; do
    running "$(cat "$logs/$name.pid")" "${start[$name]}" && echo "$name"
  done
  return 0
}
cleanup() {
  "${tmux[@]}" kill-server 2>/dev/null || true
  local name pid # after a failure: whatever the demo left is stopped, and only that
  for name in "${!start[@]}"; do
    pid=$(cat "$logs/$name.pid")
    running "$pid" "${start[$name]}" && kill "$pid" 2>/dev/null
  done
  for _ in $(seq 1 100); do [ -z "$(left)" ] && break; sleep 0.1; done
  rm -rf "$out" "$logs"
}
trap cleanup EXIT
frontend=
fail() {
  echo "make-run: FAIL: $*" >&2
  for f in "$out" "$logs"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done
  [ -n "$frontend" ] && echo "--- /view/api/maglevds: $(curl -s "http://$frontend/view/api/maglevds" 2>&1)" >&2
  echo "make-run: FAIL: $*" >&2 # again, below the logs
  exit 1
}
# listening_port LOG KEY: the port the program logged as listening on, once it has
listening_port() {
  grep '"msg":"listening"' "$1" 2>/dev/null | grep -o "\"$2\":\"[0-9]*\"" | grep -o '[0-9][0-9]*' | head -n1 || true
}

read -r grpc_port backend_port < <(free_ports 2)
"${tmux[@]}" new-session -d -s demo -x 200 -y 50 \
  "MAGLEV_DEMO_LOGS=$logs MAGLEV_DEMO_BACKEND_PORT=$backend_port MAGLEV_GRPC_ADDR=127.0.0.1:$grpc_port MAGLEV_METRICS_ADDR=127.0.0.1:0 MAGLEV_FRONTEND_LISTEN=127.0.0.1:0 $root/scripts/demo.sh $build >$out 2>&1; echo exit=\$? >>$out; sleep 30"

metrics_port= frontend_port=
for _ in $(seq 1 300); do
  metrics_port=$(listening_port "$out" metrics_port)
  frontend_port=$(listening_port "$logs/frontend.log" port)
  [ -n "$metrics_port" ] && [ -n "$frontend_port" ] && break
  grep -q '^exit=' "$out" && fail "demo exited early"
  sleep 0.1
done
[ -n "$metrics_port" ] || fail "maglevd did not log its metrics port"
[ -n "$frontend_port" ] || fail "maglevd-frontend did not log its port"
metrics=127.0.0.1:$metrics_port frontend=127.0.0.1:$frontend_port
grep -q "^demo backends: http://127.0.0.{1,2,3}:$backend_port/healthz\$" "$out" \
  || fail "the demo does not name its backends' port $backend_port"

# Every process the demo started, by its pid file and start time (a pid alone may be reused).
for name in backend-127.0.0.1 backend-127.0.0.2 backend-127.0.0.3 vppsim frontend maglevd; do
  pid=$(cat "$logs/$name.pid" 2>/dev/null) || fail "the demo wrote no $name.pid"
  start[$name]=$(start_time "$pid")
  [ -n "${start[$name]}" ] || fail "$name (pid $pid) is not running"
done

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
# the web VIP answers through maglev-vppsim's forwarding (a loopback address: nothing here
# connects outside 127.0.0.0/8), from a primary-pool backend that names itself
grep -q "^web VIP:       http://127.0.100.1:$backend_port/ " "$out" || fail "the demo does not name its web VIP"
via=
for _ in $(seq 1 300); do
  via=$(curl -s -m 2 -D - -o /dev/null "http://127.0.100.1:$backend_port/" 2>/dev/null \
    | tr -d '\r' | sed -n 's/^[Xx]-[Ii][Pp][Nn][Gg]-[Ff]rontend: //p')
  [ -n "$via" ] && break
  sleep 0.1
done
case $via in
  nginx0-ams|nginx0-fra) ;;
  *) fail "the web VIP did not answer through the simulator with a primary backend's name (got '$via')" ;;
esac
# both primary backends take new connections (each is a new flow: a new client port)
seen=" $via "
for _ in $(seq 1 200); do
  name=$(curl -s -m 2 -D - -o /dev/null "http://127.0.100.1:$backend_port/" | tr -d '\r' \
    | sed -n 's/^[Xx]-[Ii][Pp][Nn][Gg]-[Ff]rontend: //p')
  [[ $seen == *" $name "* ]] || seen="$seen$name "
  [[ $seen == *" nginx0-ams "* && $seen == *" nginx0-fra "* ]] && break
done
[[ $seen == *" nginx0-ams "* && $seen == *" nginx0-fra "* ]] \
  || fail "200 connections through the web VIP reached only:$seen"
[[ $seen == *" nginx0-zrh "* ]] && fail "the fallback backend nginx0-zrh took connections while the primary pool is up"
# the dashboard server follows the demo's maglevd
followed=0
for _ in $(seq 1 300); do
  if curl -fs "http://$frontend/view/api/maglevds" 2>/dev/null | grep -q '"connected":true'; then
    followed=1; break
  fi
  sleep 0.1
done
[ "$followed" = 1 ] || fail "maglevd-frontend never connected to the demo's maglevd"

"${tmux[@]}" send-keys -t demo C-c
for _ in $(seq 1 150); do
  grep -q '^exit=' "$out" && break
  sleep 0.1
done
grep -q '^exit=' "$out" || fail "demo still running 15 s after Ctrl-C"
grep -q '"msg":"stopped"' "$out" || fail "maglevd did not log a clean stop"
for _ in $(seq 1 50); do
  [ -z "$(left)" ] && break
  sleep 0.1
done
[ -z "$(left)" ] || fail "left running after Ctrl-C: $(left | sort | tr '\n' ' ')"
echo "make-run: ok"
