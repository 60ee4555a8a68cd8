#!/usr/bin/env bash
# The dashboard end to end in real headless Chromium: the demo (maglev-vppsim, maglevd, its demo
# backends and maglevd-frontend with admin enabled) runs, and maglev-frontend/web/e2e/dashboard.mjs
# drives the page. Screenshots go to BUILD/screenshots/. Usage: tests/dashboard-e2e.sh BUILD
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
fail() { echo "dashboard-e2e: FAIL: $*" >&2; tail -20 "$log" >&2; exit 1; }
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is missing (make install-deps installs it)"

export MAGLEV_GRPC_ADDR=127.0.0.1:19490 MAGLEV_METRICS_ADDR=127.0.0.1:19491
export MAGLEV_FRONTEND_LISTEN=127.0.0.1:19480
# one maglevd under two names: two tabs to choose between
export MAGLEV_FRONTEND_SERVER=127.0.0.1:19490,localhost:19490
export MAGLEV_FRONTEND_USER=ops MAGLEV_FRONTEND_PASSWORD=e2e-secret
setsid "$root/scripts/demo.sh" "$build" >"$log" 2>&1 &
demo=$!
trap 'kill -TERM -- -$demo 2>/dev/null || true; wait $demo 2>/dev/null || true; rm -f "$log"' EXIT

base=http://$MAGLEV_FRONTEND_LISTEN
for _ in $(seq 1 300); do
  curl -fs "$base/view/api/state/127.0.0.1" 2>/dev/null | grep -q '"name":"nginx0-ams","address":"127.0.0.1","state":"up"' && break
  kill -0 "$demo" 2>/dev/null || fail "the demo exited"
  sleep 0.1
done
curl -fs "$base/view/api/state/127.0.0.1" | grep -q '"name":"nginx0-ams","address":"127.0.0.1","state":"up"' \
  || fail "the demo's backends never came up in the frontend's state"

E2E_BASE=$base E2E_SCREENSHOTS=$build/screenshots E2E_MAGLEVC=$build/bin/maglevc E2E_GRPC=$MAGLEV_GRPC_ADDR \
  node "$root/maglev-frontend/web/e2e/dashboard.mjs" || fail "see the step above"
ls "$build"/screenshots/*.png >/dev/null || fail "no screenshots"
echo "dashboard-e2e: ok ($(ls "$build"/screenshots/*.png | wc -l) screenshots in $build/screenshots)"
