#!/usr/bin/env bash
# make bench-frontend: maglevd-frontend with 500 SSE clients while 100 backends of a real maglevd
# flap (see bench/FrontendBench.java); the SPA's bundle size joins when the SPA exists.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp=$(ls "$build"/lib/*.jar | tr '\n' ':')
"$java_home/bin/java" -XX:+UseSerialGC -cp "$cp" "$root/bench/FrontendBench.java" "$build" "$tmp"
