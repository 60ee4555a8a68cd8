#!/usr/bin/env bash
# make bench-maglev: time to build VPP's Maglev table (vpp.maglev) of 65,536
# buckets. The reference is the Maglev paper's 1.8 ms for a 65,537-entry table
# over 1,000 backends (a published figure, not measured here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
jar=$(ls "$root"/vpp-api/target/vpp-api-*.jar | head -n1)
"$java_home/bin/java" -XX:+UseSerialGC -cp "$jar" "$root/bench/MaglevTableBench.java"
echo "reference: Maglev paper (NSDI 2016), 1.8 ms for 65,537 entries over 1,000 backends"
