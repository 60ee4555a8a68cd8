#!/usr/bin/env bash
# make bench-cli: median wall time of one-shot `maglevc show backends` over 20
# runs against a live maglevd, next to a bare JVM hello-world started the same
# way (same java, same flags) in the same run. Usage: bench/cli.sh BUILD
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-20}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}

"$build/bin/maglevd" --config "$root/debian/maglev.yaml" --grpc-addr 127.0.0.1:19690 \
  --metrics-addr "" --vpp-api-addr "" >"$work/maglevd.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q '"msg":"listening"' "$work/maglevd.log" && break; sleep 0.1; done

cat >"$work/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] a) { System.out.println("hello"); } }
JAVA
"$java_home/bin/javac" -d "$work" "$work/Hello.java"

median_ms() { # command... -> median wall ms over $runs runs
  local t=()
  for _ in $(seq 1 "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    t+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
hello=$(median_ms "$java_home/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$work" Hello)
cli=$(median_ms "$build/bin/maglevc" --server 127.0.0.1:19690 show backends)
echo "bare JVM hello world: ${hello} ms (median of $runs)"
echo "maglevc show backends: ${cli} ms (median of $runs)"
awk -v c="$cli" -v h="$hello" 'BEGIN { printf "ratio maglevc / bare JVM: %.1f (target <= 2.5)\n", c / h }'
