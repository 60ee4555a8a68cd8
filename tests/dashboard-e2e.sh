#!/usr/bin/env bash
# The dashboard end to end in real headless Chromium: the demo (maglev-vppsim, maglevd, its demo
# backends and maglevd-frontend with admin enabled) runs, and maglev-frontend/web/e2e/dashboard.mjs
# drives the page. Ports: free ones, or port 0 where the program says which port it got, so this
# runs next to any other maglevd or demo. Screenshots go to BUILD/screenshots/.
# Usage: tests/dashboard-e2e.sh BUILD
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib.sh"
log=$(mktemp)
logs=$(mktemp -d)
fail() {
  echo "dashboard-e2e: FAIL: $*" >&2
  tail -20 "$log" >&2
  for f in "$logs"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done
  exit 1
}
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (make install-deps installs it)"

read -r grpc_port backend_port < <(free_ports 2)
export MAGLEV_DEMO_LOGS=$logs MAGLEV_DEMO_BACKEND_PORT=$backend_port
export MAGLEV_GRPC_ADDR=127.0.0.1:$grpc_port MAGLEV_METRICS_ADDR=127.0.0.1:0
export MAGLEV_FRONTEND_LISTEN=127.0.0.1:0
# one maglevd under two names: two tabs to choose between
export MAGLEV_FRONTEND_SERVER=127.0.0.1:$grpc_port,localhost:$grpc_port
export MAGLEV_FRONTEND_USER=ops MAGLEV_FRONTEND_PASSWORD=e2e-secret
# and a viewer from a users file, its password hashed as the user guide says
users=$(mktemp)
printf 'vera viewer %s\n' "$(echo e2e-viewer | "$build/bin/maglevd-frontend" --hash-password)" >"$users" \
  || fail "maglevd-frontend --hash-password failed"
export MAGLEV_FRONTEND_USERS=$users
setsid "$root/scripts/demo.sh" "$build" >"$log" 2>&1 &
demo=$!
trap 'kill -TERM -- -$demo 2>/dev/null || true; wait $demo 2>/dev/null || true; rm -rf "$log" "$logs" "$users"' EXIT

port=
for _ in $(seq 1 300); do
  port=$(grep '"msg":"listening"' "$logs/frontend.log" 2>/dev/null | grep -o '"port":"[0-9]*"' | grep -o '[0-9][0-9]*' || true)
  [ -n "$port" ] && break
  kill -0 "$demo" 2>/dev/null || fail "the demo exited"
  sleep 0.1
done
[ -n "$port" ] || fail "maglevd-frontend did not log its port"
base=http://127.0.0.1:$port
for _ in $(seq 1 300); do
  curl -fs "$base/view/api/state/127.0.0.1" 2>/dev/null | grep -q '"name":"nginx0-ams","address":"127.0.0.1","state":"up"' && break
  kill -0 "$demo" 2>/dev/null || fail "the demo exited"
  sleep 0.1
done
curl -fs "$base/view/api/state/127.0.0.1" | grep -q '"name":"nginx0-ams","address":"127.0.0.1","state":"up"' \
  || fail "the demo's backends never came up in the frontend's state"

# nginx0-fra's server (127.0.0.2), which the page test stops: the demo wrote its pid
E2E_FRA_PID=$(cat "$logs/backend-127.0.0.2.pid") E2E_BASE=$base E2E_SCREENSHOTS=$build/screenshots \
  E2E_MAGLEVC=$build/bin/maglevc E2E_GRPC=$MAGLEV_GRPC_ADDR \
  node "$root/maglev-frontend/web/e2e/dashboard.mjs" || fail "see the step above"
ls "$build"/screenshots/*.png >/dev/null || fail "no screenshots"
echo "dashboard-e2e: ok ($(ls "$build"/screenshots/*.png | wc -l) screenshots in $build/screenshots)"
