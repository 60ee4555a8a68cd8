#!/usr/bin/env bash
# make bench-vpp: the VPP API client against maglev-vppsim (pipelined add-AS and set-weight
# throughput, the 16k-AS dump), then the Maglev table builds. No VPP peer can run here; the
# figures are printed next to the issue's targets.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
tmp=$(mktemp -d)
sim=
cleanup() { [ -n "$sim" ] && kill "$sim" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_sim() {
  "$build/bin/maglev-vppsim" --api-addr "$tmp/api.sock" --stats-addr "$tmp/stats.sock" \
    --control-addr "$tmp/control.sock" >"$tmp/sim.log" 2>&1 &
  sim=$!
  for _ in $(seq 1 100); do [ -S "$tmp/api.sock" ] && return 0; sleep 0.1; done
  echo "maglev-vppsim did not start: $(cat "$tmp/sim.log")" >&2; exit 1
}
stop_sim() { kill "$sim"; wait "$sim" 2>/dev/null || true; sim=; rm -f "$tmp"/*.sock; }

cp=$(ls "$build"/lib/*.jar | tr '\n' ':')
run() { "$java_home/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -cp "$cp" "$@"; }

start_sim
run "$root/bench/VppApiBench.java" "$tmp/api.sock"
stop_sim
start_sim
run -Dbench.phase=dump "$root/bench/VppApiBench.java" "$tmp/api.sock"
stop_sim
"$root/bench/maglev-table.sh"
