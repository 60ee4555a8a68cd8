#!/usr/bin/env bash
# `make run`: maglevd on debian/maglev.yaml with local demo backends.
# Starts one HTTP server per demo backend address (127.0.0.1-3, port 8081,
# serving /healthz), then maglevd in the foreground. Ctrl-C stops everything.
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

grpc=${MAGLEV_GRPC_ADDR:-127.0.0.1:9090}
metrics=${MAGLEV_METRICS_ADDR:-127.0.0.1:9091}
cat <<MSG
demo backends: http://127.0.0.{1,2,3}:8081/healthz
maglevd gRPC:  $grpc   (try: grpcurl -plaintext $grpc maglev.Maglev/ListBackends)
metrics:       http://$metrics/metrics
Ctrl-C stops everything.
MSG
# In the foreground, so Ctrl-C reaches maglevd (a background job would ignore
# SIGINT); the EXIT trap then stops the demo backends.
"$build/bin/maglevd" --config "$root/debian/maglev.yaml" --grpc-addr "$grpc" \
  --metrics-addr "$metrics" --vpp-api-addr ""
