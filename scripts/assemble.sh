#!/usr/bin/env bash
# Collects the built jars into BUILD/lib and writes one launcher per program
# into BUILD/bin. Usage: assemble.sh BUILD PROGRAM...
set -euo pipefail
build=$(mkdir -p "$1" && cd "$1" && pwd); shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/bin" "$build/lib"
JAVA_HOME=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}

# program -> module directory and main class
declare -A module=( [maglevd]=maglevd [maglevc]=maglevc [maglevd-frontend]=maglev-frontend
                    [maglevt]=maglevt [maglev-vppsim]=vpp-sim )
declare -A main=( [maglevd]=ch.ipng.maglev.daemon.Main [maglevc]=ch.ipng.maglev.cli.Main
                  [maglevd-frontend]=ch.ipng.maglev.frontend.Main [maglevt]=ch.ipng.maglev.tester.Main
                  [maglev-vppsim]=ch.ipng.maglev.vppsim.Main )

# JVM flags: daemons get a bounded heap, short-lived tools a fast start.
# maglevd's heap: 10k backends live in well under 128 MB (docs/performance.md); more backends
# than that want MAGLEV_JAVA_OPTS=-Xmx256m. Netty's chunks are kept at 4 MB (maxOrder 9), and its
# leak detector, which records a stack trace for a sample of buffers, is off (the tests keep it).
# The daemons end on heap exhaustion rather than limp (a supervisor restarts them); the JVM's own
# messages (that one included) go to stderr, so stdout stays JSON lines. Other fatal errors (stack
# overflow, direct memory) are logged as "fatal-error" by FailFast and exit 70.
fatal="-XX:+ExitOnOutOfMemoryError -XX:+DisplayVMOutputToStderr"
declare -A opts=( [maglevd]="-XX:+UseSerialGC -Xms32m -Xmx128m $fatal -Dio.netty.allocator.maxOrder=9 -Dio.netty.leakDetection.level=disabled" [maglevd-frontend]="-XX:+UseSerialGC -Xmx256m $fatal"
                  [maglev-vppsim]="-XX:+UseSerialGC -Xmx256m"
                  [maglevc]="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Djdk.includeInExceptions=" [maglevt]="-XX:+UseSerialGC -Xmx128m -Dio.netty.allocator.maxOrder=9 -Dio.netty.leakDetection.level=disabled" )

# Compact object headers (Java 25) shrink maglevd's heap by about a fifth.
declare -A probed=( [maglevd]="-XX:+UseCompactObjectHeaders" )

# Programs that start often and briefly (maglevc), or must be fast from their first second
# (maglevt: 500 VIPs probed at 100 ms), get a start-up archive, written by a training run, and
# one jar instead of a class path (class path scans, e.g. the JDK's for logging back-ends, open
# every jar: some 3 ms for maglevc's fourteen).
declare -A archived=( [maglevc]=1 [maglevt]=1 )
declare -A bundled=( [maglevc]=1 [maglevt]=1 )

# bundle PROG JAR... -> BUILD/lib/PROG-bundle.jar: the jars merged, earlier ones winning, each
# jar's license files kept under META-INF/licenses/<jar>/, module descriptors dropped.
bundle() {
  local prog=$1; shift
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$tmp/classes/META-INF/licenses"
  local j
  for j in $(printf '%s\n' "$@" | tac); do
    (cd "$tmp/classes" && unzip -qqo "$j" \
      && rm -f META-INF/MANIFEST.MF module-info.class META-INF/versions/*/module-info.class \
        META-INF/*.SF META-INF/*.RSA META-INF/*.DSA)
    for l in "$tmp"/classes/META-INF/LICENSE* "$tmp"/classes/META-INF/NOTICE*; do
      [ -f "$l" ] || continue
      mkdir -p "$tmp/classes/META-INF/licenses/$(basename "$j" .jar)"
      mv "$l" "$tmp/classes/META-INF/licenses/$(basename "$j" .jar)/"
    done
  done
  printf 'Manifest-Version: 1.0\nMulti-Release: true\n' >"$tmp/manifest"
  "${JAVA_HOME:-/usr}/bin/jar" --create --file "$build/lib/$prog-bundle.jar" \
    --manifest "$tmp/manifest" -C "$tmp/classes" .
  rm -rf "$tmp"
}

rm -f "$build"/lib/*.jar "$build"/lib/*.jsa "$build"/lib/*.aot "$build"/lib/*.java
for prog in "$@"; do
  dir=$root/${module[$prog]}
  jar=$(ls "$dir"/target/*.jar | grep -v -- '-sources\|-javadoc\|-tests' | head -n1)
  cp "$dir"/target/lib/*.jar "$jar" "$build/lib/"
  # Each program's own class path: only its jars, the project's and protobuf's first (a class
  # or resource not in the start-up archive is looked up jar by jar, in this order).
  cp_list=$(cd "$dir/target/lib" && { ls maglev-*.jar protobuf-java-[0-9]*.jar 2>/dev/null; ls *.jar; } \
    | awk '!seen[$0]++' | sed 's#^#$here/../lib/#' | tr '\n' ':')
  cp_list="\$here/../lib/$(basename "$jar"):${cp_list%:}"
  if [ -n "${bundled[$prog]:-}" ]; then
    bundle "$prog" $(echo "$cp_list" | tr ':' '\n' | sed "s#^\\\$here/../lib#$build/lib#")
    cp_list="\$here/../lib/$prog-bundle.jar"
  fi
  cat > "$build/bin/$prog" <<LAUNCHER
#!/bin/sh
# $prog launcher written by scripts/assemble.sh
case "\$0" in */*) here=\${0%/*} ;; *) here=. ;; esac
java=\${MAGLEV_JAVA:-${JAVA_HOME:-/usr}/bin/java}
cds=
$(if [ -n "${archived[$prog]:-}" ]; then cat <<'ARCHIVE'
# A start-up archive fits only the JVM that wrote it: an AOT cache (Java 25+) or a CDS archive
# (Java 21), used only when $archive.java names this java. MAGLEV_TRAIN=1 writes them.
archive=$here/../lib/PROG
if [ -n "${MAGLEV_TRAIN:-}" ]; then
  rm -f "$archive.aot" "$archive.jsa" "$archive.java"
  if "$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -q ' AOTCacheOutput '; then
    cds="-XX:AOTCacheOutput=$archive.aot -Xlog:aot=off -Xlog:cds=off"
  else
    cds="-XX:ArchiveClassesAtExit=$archive.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
  echo "$java" >"$archive.java"
elif [ -f "$archive.java" ] && read -r trained <"$archive.java" && [ "$trained" = "$java" ]; then
  if [ -f "$archive.aot" ]; then
    cds="-XX:AOTCache=$archive.aot -Xlog:aot=off -Xlog:cds=off"
  elif [ -f "$archive.jsa" ]; then
    cds="-XX:SharedArchiveFile=$archive.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
fi
ARCHIVE
fi | sed "s#PROG#$prog#")
extra=
$(if [ -n "${probed[$prog]:-}" ]; then
  echo "# flags a newer Java has and Java 21 lacks: used when this java accepts them"
  echo "for flag in ${probed[$prog]}; do \"\$java\" \$flag -version >/dev/null 2>&1 && extra=\"\$extra \$flag\"; done"
fi)
exec "\$java" ${opts[$prog]} \$extra \$cds \$MAGLEV_JAVA_OPTS \\
  --enable-native-access=ALL-UNNAMED -cp "$cp_list" ${main[$prog]} "\$@"
LAUNCHER
  chmod +x "$build/bin/$prog"
done

# maglevc's archive, trained on a real command against a real maglevd when one is built (else
# on the same command with the connection refused, which still covers most classes).
if [[ " $* " == *" maglevc "* ]]; then
  server=127.0.0.1:1
  daemon=
  if [ -x "$build/bin/maglevd" ]; then
    log=$(mktemp)
    "$build/bin/maglevd" --config "$root/debian/maglev.yaml" --grpc-addr 127.0.0.1:0 \
      --metrics-addr "" --vpp-api-addr "" >"$log" 2>&1 &
    daemon=$!
    for _ in $(seq 1 100); do
      port=$(grep -o '"grpc_port":"[0-9]*"' "$log" | grep -o '[0-9][0-9]*' || true)
      [ -n "$port" ] && { server=127.0.0.1:$port; break; }
      kill -0 "$daemon" 2>/dev/null || break
      sleep 0.1
    done
  fi
  MAGLEV_TRAIN=1 "$build/bin/maglevc" --server "$server" show backends >/dev/null 2>&1 || true
  if [ -n "$daemon" ]; then
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    rm -f "$log"
  fi
fi
# maglevt's archive, trained on its self-test: VIPs of its own on loopback, so the classes and
# the JIT's profile of the probe path are in it (500 VIPs lose a second of probes to a cold JVM).
if [[ " $* " == *" maglevt "* ]]; then
  MAGLEV_TRAIN=1 "$build/bin/maglevt" --self-test --json >/dev/null 2>&1 || true
fi
# bash completion, for packaging and for `source build/share/maglevc.bash` (and maglevt.bash)
for prog in maglevc maglevt; do
  if [ -f "$root/$prog/src/main/completion/$prog.bash" ]; then
    mkdir -p "$build/share"
    cp "$root/$prog/src/main/completion/$prog.bash" "$build/share/"
  fi
done
