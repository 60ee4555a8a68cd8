#!/usr/bin/env bash
# Collects the built jars into BUILD/lib and writes one launcher per program
# into BUILD/bin. Usage: assemble.sh BUILD PROGRAM...
set -euo pipefail
build=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/bin" "$build/lib"

# program -> module directory and main class
declare -A module=( [maglevd]=maglevd [maglevc]=maglevc [maglevd-frontend]=maglev-frontend
                    [maglevt]=maglevt [maglev-vppsim]=vpp-sim )
declare -A main=( [maglevd]=ch.ipng.maglev.daemon.Main [maglevc]=ch.ipng.maglev.cli.Main
                  [maglevd-frontend]=ch.ipng.maglev.frontend.Main [maglevt]=ch.ipng.maglev.tester.Main
                  [maglev-vppsim]=ch.ipng.maglev.vppsim.Main )

# JVM flags: daemons get a bounded heap, short-lived tools a fast start.
declare -A opts=( [maglevd]="-XX:+UseSerialGC -Xms32m -Xmx256m" [maglevd-frontend]="-XX:+UseSerialGC -Xmx256m"
                  [maglev-vppsim]="-XX:+UseSerialGC -Xmx256m"
                  [maglevc]="-XX:+UseSerialGC -XX:TieredStopAtLevel=1" [maglevt]="-XX:+UseSerialGC" )

rm -f "$build"/lib/*.jar
for prog in "$@"; do
  dir=$root/${module[$prog]}
  cp "$dir"/target/lib/*.jar "$build/lib/"
  cp "$dir"/target/*-SNAPSHOT.jar "$build/lib/" 2>/dev/null || cp "$dir"/target/"${module[$prog]}"*.jar "$build/lib/"
  cat > "$build/bin/$prog" <<LAUNCHER
#!/bin/sh
# $prog launcher written by scripts/assemble.sh
here=\$(cd "\$(dirname "\$0")" && pwd)
java=\${MAGLEV_JAVA:-${JAVA_HOME:-/usr}/bin/java}
exec "\$java" ${opts[$prog]} \$MAGLEV_JAVA_OPTS \\
  --enable-native-access=ALL-UNNAMED -cp "\$here/../lib/*" ${main[$prog]} "\$@"
LAUNCHER
  chmod +x "$build/bin/$prog"
done
# bash completion, for packaging and for `source build/share/maglevc.bash`
if [ -f "$root/maglevc/src/main/completion/maglevc.bash" ]; then
  mkdir -p "$build/share"
  cp "$root/maglevc/src/main/completion/maglevc.bash" "$build/share/"
fi
