#!/usr/bin/env bash
# Collects the built jars into BUILD/lib and writes one launcher per program
# into BUILD/bin. Usage: assemble.sh BUILD PROGRAM...
set -euo pipefail
build=$1; shift
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
# than that want MAGLEV_JAVA_OPTS=-Xmx256m. Netty's chunks are kept at 4 MB (maxOrder 9).
declare -A opts=( [maglevd]="-XX:+UseSerialGC -Xms32m -Xmx128m -Dio.netty.allocator.maxOrder=9" [maglevd-frontend]="-XX:+UseSerialGC -Xmx256m"
                  [maglev-vppsim]="-XX:+UseSerialGC -Xmx256m"
                  [maglevc]="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Dio.grpc.netty.shaded.io.netty.transport.noNative=true" [maglevt]="-XX:+UseSerialGC" )

# Compact object headers (Java 25) shrink maglevd's heap by about a fifth.
declare -A probed=( [maglevd]="-XX:+UseCompactObjectHeaders" )

rm -f "$build"/lib/*.jar "$build"/lib/*.jsa
for prog in "$@"; do
  dir=$root/${module[$prog]}
  jar=$(ls "$dir"/target/*.jar | grep -v -- '-sources\|-javadoc\|-tests' | head -n1)
  cp "$dir"/target/lib/*.jar "$jar" "$build/lib/"
  # Each program's own class path, in order: scanning only its jars keeps startup short.
  cp_list=$(cd "$dir/target/lib" && ls *.jar | sed 's#^#$here/../lib/#' | tr '\n' ':')
  cp_list="\$here/../lib/$(basename "$jar"):${cp_list%:}"
  cat > "$build/bin/$prog" <<LAUNCHER
#!/bin/sh
# $prog launcher written by scripts/assemble.sh
here=\$(cd "\$(dirname "\$0")" && pwd)
java=\${MAGLEV_JAVA:-${JAVA_HOME:-/usr}/bin/java}
cds=
[ -f "\$here/../lib/$prog.jsa" ] && cds="-XX:SharedArchiveFile=\$here/../lib/$prog.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
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

# A CDS archive for the short-lived CLI, trained on a real command path (the
# connection is refused, but the classes it needs are loaded and archived).
if [[ " $* " == *" maglevc "* ]]; then
  "$build/bin/maglevc" --version >/dev/null
  MAGLEV_JAVA_OPTS="-XX:ArchiveClassesAtExit=$build/lib/maglevc.jsa -Xlog:cds=off -Xlog:cds+dynamic=off" \
    "$build/bin/maglevc" --server 127.0.0.1:1 show backends >/dev/null 2>&1 || true
fi
# bash completion, for packaging and for `source build/share/maglevc.bash`
if [ -f "$root/maglevc/src/main/completion/maglevc.bash" ]; then
  mkdir -p "$build/share"
  cp "$root/maglevc/src/main/completion/maglevc.bash" "$build/share/"
fi
