#!/usr/bin/env bash
# `make run`: maglevd on debian/maglev.yaml with local demo backends and
# maglev-vppsim standing in for VPP. Starts one HTTP server per demo backend
# address (127.0.0.1-3, port 8081, serving /healthz), the simulator (with
# traffic on its counters), maglevd-frontend, then maglevd in the foreground. Ctrl-C stops
# everything. MAGLEV_DEMO_LOGS names a directory for the simulator's and the dashboard's logs
# (default: the demo's temporary directory, removed at the end).
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

command -v python3 >/dev/null || { echo "make run: python3 is needed for the demo backends" >&2; exit 1; }
echo ok >"$www/healthz"
for ip in 127.0.0.1 127.0.0.2 127.0.0.3; do
  python3 -m http.server 8081 --bind "$ip" --directory "$www" >/dev/null 2>&1 &
  pids+=($!)
done

mkdir -p "$www/vpp"
logs=${MAGLEV_DEMO_LOGS:-$www}
"$build/bin/maglev-vppsim" --api-addr "$www/vpp/api.sock" --stats-addr "$www/vpp/stats.sock" \
  --control-addr "$www/vpp/control.sock" --traffic >"$logs/vppsim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -S "$www/vpp/stats.sock" ] && break; sleep 0.1; done

grpc=${MAGLEV_GRPC_ADDR:-127.0.0.1:9090}
metrics=${MAGLEV_METRICS_ADDR:-127.0.0.1:9091}
frontend=${MAGLEV_FRONTEND_LISTEN:-127.0.0.1:8080}
# the dashboard server follows maglevd (it keeps retrying until maglevd listens)
"$build/bin/maglevd-frontend" --server "${MAGLEV_FRONTEND_SERVER:-$grpc}" --listen "$frontend" \
  >"$logs/frontend.log" 2>&1 &
pids+=($!)
cat <<MSG
demo backends: http://127.0.0.{1,2,3}:8081/healthz
maglevd gRPC:  $grpc   (try: grpcurl -plaintext $grpc maglev.Maglev/ListBackends)
metrics:       http://$metrics/metrics
maglev-vppsim: $www/vpp/api.sock (VIPs appear after the 5 s warm-up)
maglevc:       build/bin/maglevc --server $grpc show vpp lb state
dashboard:     http://$frontend/view/   (admin at /admin/ when MAGLEV_FRONTEND_USER and _PASSWORD are set)
Ctrl-C stops everything.
MSG
# In the foreground, so Ctrl-C reaches maglevd (a background job would ignore
# SIGINT); the EXIT trap then stops the demo backends.
"$build/bin/maglevd" --config "$root/debian/maglev.yaml" --grpc-addr "$grpc" \
  --metrics-addr "$metrics" --vpp-api-addr "$www/vpp/api.sock" --vpp-stats-addr "$www/vpp/stats.sock"
