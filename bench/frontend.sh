#!/usr/bin/env bash
# make bench-frontend: maglevd-frontend with 500 SSE clients while 100 backends of a real maglevd
# flap (see bench/FrontendBench.java), then the dashboard page's gzipped size.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp=$(ls "$build"/lib/*.jar | tr '\n' ':')
"$java_home/bin/java" -XX:+UseSerialGC -cp "$cp" "$root/bench/FrontendBench.java" "$build" "$tmp"
# the page as built by `make` (maglev-frontend/web/dist): its files gzipped
dist=$root/maglev-frontend/web/dist
if [ -f "$dist/index.html" ]; then
  bytes=$(find "$dist" -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' \) -exec sh -c 'gzip -9c "$1" | wc -c' _ {} \; | awk '{s+=$1} END {print s}')
  awk -v b="$bytes" 'BEGIN { printf "dashboard page (JS + CSS + HTML), gzipped: %.1f KB (target <= 120 KB)\n", b / 1024 }'
else
  echo "dashboard page: not built (make builds it)"
fi

