#!/usr/bin/env bash
# `make run`: maglevd on scripts/demo-maglev.yaml (debian/maglev.yaml's example
# on loopback addresses) with local demo backends and maglev-vppsim standing in
# for VPP. Starts one HTTP server per demo backend address (127.0.0.1-3, each
# answering every path with an X-IPng-Frontend header naming its backend), the
# simulator (forwarding the loopback VIPs: the web VIP answers on 127.0.100.1
# through it), maglevd-frontend, then maglevd in the foreground. Ctrl-C stops
# everything. Nothing connects to an address outside 127.0.0.0/8.
#
# Ports and addresses, from the environment: MAGLEV_DEMO_BACKEND_PORT (the demo
# backends', default 8081: the config's http health check and web VIP are moved
# to it),
# MAGLEV_GRPC_ADDR (127.0.0.1:9090), MAGLEV_METRICS_ADDR (127.0.0.1:9091),
# MAGLEV_FRONTEND_LISTEN (127.0.0.1:8080), MAGLEV_FRONTEND_SERVER (the gRPC address).
# MAGLEV_DEMO_LOGS names a directory for the logs of the simulator, the dashboard
# and the demo backends, and for a pid file per process the demo starts
# (backend-127.0.0.{1,2,3}.pid, vppsim.pid, frontend.pid, maglevd.pid), so a
# test can stop or check exactly those; default: the demo's temporary directory,
# removed at the end.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
www=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$www"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "make run: $*" >&2; exit 1; }

command -v python3 >/dev/null || fail "python3 is needed for the demo backends"
logs=${MAGLEV_DEMO_LOGS:-$www}
mkdir -p "$logs"
port=${MAGLEV_DEMO_BACKEND_PORT:-8081}
[[ $port =~ ^[1-9][0-9]{0,4}$ ]] && [ "$port" -le 65535 ] \
  || fail "MAGLEV_DEMO_BACKEND_PORT=$port is not a port"

# The demo config, as it is when its port is the demo backends' (then an edit of
# scripts/demo-maglev.yaml followed by `maglevc config reload` takes effect), else a copy with
# that port for the http health check and the web VIP.
config=$root/scripts/demo-maglev.yaml
grep -q '^      port: 8081$' "$config" || fail "scripts/demo-maglev.yaml has no 'port: 8081' to set to $port"
if [ "$port" != 8081 ]; then
  sed "s/^\(      port: \)8081\$/\1$port/" "$config" >"$www/maglev.yaml"
  config=$www/maglev.yaml
fi

names=(nginx0-ams nginx0-fra nginx0-zrh)
for i in 0 1 2; do
  ip=127.0.0.$((i + 1))
  python3 -u "$root/scripts/demo-backend.py" "$ip" "$port" "${names[$i]}" >"$logs/backend-$ip.log" 2>&1 &
  pids+=($!)
  echo $! >"$logs/backend-$ip.pid"
done
for ip in 127.0.0.1 127.0.0.2 127.0.0.3; do
  pid=$(cat "$logs/backend-$ip.pid")
  for _ in $(seq 1 300); do
    grep -q '^Serving HTTP' "$logs/backend-$ip.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q '^Serving HTTP' "$logs/backend-$ip.log" \
    || fail "the demo backend on $ip:$port did not start (MAGLEV_DEMO_BACKEND_PORT picks another port): $(tail -n1 "$logs/backend-$ip.log")"
done

mkdir -p "$www/vpp"
"$build/bin/maglev-vppsim" --api-addr "$www/vpp/api.sock" --stats-addr "$www/vpp/stats.sock" \
  --control-addr "$www/vpp/control.sock" --forward-loopback >"$logs/vppsim.log" 2>&1 &
pids+=($!)
echo $! >"$logs/vppsim.pid"
for _ in $(seq 1 300); do
  [ -S "$www/vpp/stats.sock" ] && break
  kill -0 "${pids[-1]}" 2>/dev/null || fail "maglev-vppsim exited: $(tail -n5 "$logs/vppsim.log")"
  sleep 0.1
done

grpc=${MAGLEV_GRPC_ADDR:-127.0.0.1:9090}
metrics=${MAGLEV_METRICS_ADDR:-127.0.0.1:9091}
frontend=${MAGLEV_FRONTEND_LISTEN:-127.0.0.1:8080}
# the dashboard server follows maglevd (it keeps retrying until maglevd listens)
"$build/bin/maglevd-frontend" --server "${MAGLEV_FRONTEND_SERVER:-$grpc}" --listen "$frontend" \
  >"$logs/frontend.log" 2>&1 &
pids+=($!)
echo $! >"$logs/frontend.pid"
cat <<MSG
demo backends: http://127.0.0.{1,2,3}:$port/healthz
web VIP:       http://127.0.100.1:$port/   (through maglev-vppsim; try: curl -si http://127.0.100.1:$port/ | grep -i x-ipng-frontend)
config:        $config
maglevd gRPC:  $grpc   (try: grpcurl -plaintext $grpc maglev.Maglev/ListBackends)
metrics:       http://$metrics/metrics
maglev-vppsim: $www/vpp/api.sock (VIPs appear after the 5 s warm-up)
maglevc:       build/bin/maglevc --server $grpc show vpp lb state
dashboard:     http://$frontend/view/   (admin at /admin/ when MAGLEV_FRONTEND_USER and _PASSWORD are set)
Ctrl-C stops everything.
MSG
# In the foreground, so Ctrl-C reaches maglevd (a background job would ignore
# SIGINT); the EXIT trap then stops the rest. The subshell writes its pid, then
# becomes maglevd (its launcher execs java).
(
  echo "$BASHPID" >"$logs/maglevd.pid"
  exec "$build/bin/maglevd" --config "$config" --grpc-addr "$grpc" \
    --metrics-addr "$metrics" --vpp-api-addr "$www/vpp/api.sock" --vpp-stats-addr "$www/vpp/stats.sock" \
    --state-file "${MAGLEV_STATE_FILE:-$www/state.json}"
)
