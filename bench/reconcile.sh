#!/usr/bin/env bash
# make bench-reconcile: maglevd's reconciler against maglev-vppsim, 1,000 frontends x 16
# backends (see bench/ReconcileBench.java). No VPP runs here, so the figures stand next to the
# issue's targets.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp=$(ls "$build"/lib/*.jar | tr '\n' ':')
"$java_home/bin/java" -XX:+UseSerialGC -cp "$cp" "$root/bench/ReconcileBench.java" "$build" "$tmp"
