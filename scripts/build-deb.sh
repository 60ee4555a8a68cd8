#!/usr/bin/env bash
# Builds the Debian packages from the assembled build directory with dpkg-deb:
#   vpp-maglevd  maglevd, its systemd unit, /etc/default/vpp-maglev, /etc/vpp-maglev/maglev.yaml
#   vpp-maglev   maglevc and maglevt with their bash completion (for jump hosts and workstations)
# Usage: scripts/build-deb.sh BUILD VERSION OUTDIR
set -euo pipefail
build=$1
version=$2
out=$3
root=$(cd "$(dirname "$0")/.." && pwd)
# The jars carry their native parts for both amd64 and arm64 (netty's epoll for x86_64 and
# aarch_64, jffi for every Linux), so one package serves both.
arch=all
maintainer="vpp-maglev developers <vpp-maglev@ipng.ch>"
# Debian trixie's runtimes, and the virtual package newer JDK packages provide.
java_depends="openjdk-25-jre-headless | openjdk-21-jre-headless | java21-runtime-headless"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$out"

# The installed launcher: the assembled one, pointed at the package's jars and at a Java >= 21.
launcher() { # program package
  local prog=$1 pkg=$2
  {
    echo '#!/bin/sh'
    echo "# $prog launcher ($pkg package)"
    echo 'java=${MAGLEV_JAVA:-}'
    echo 'if [ -z "$java" ]; then'
    echo '  for j in /usr/lib/jvm/java-25-openjdk-*/bin/java /usr/lib/jvm/java-21-openjdk-*/bin/java \'
    echo '           /usr/lib/jvm/temurin-2[5-9]-*/bin/java /usr/lib/jvm/temurin-21-*/bin/java; do'
    echo '    [ -x "$j" ] && { java=$j; break; }'
    echo '  done'
    echo 'fi'
    echo "[ -n \"\$java\" ] || { echo \"$prog: no Java 21 or newer under /usr/lib/jvm: install openjdk-21-jre-headless or set MAGLEV_JAVA\" >&2; exit 1; }"
    sed -n '/^cds=/,$p' "$build/bin/$prog" \
      | sed "s#^archive=\$here/../lib/$prog\$#archive=/var/cache/$pkg/$prog#; s#\$here/../lib#/usr/share/$pkg/lib#g"
  } >"$stage/$prog.launcher"
}

common_files() { # package dir description
  local pkg=$1 dir=$2
  mkdir -p "$dir/DEBIAN" "$dir/usr/share/doc/$pkg" "$dir/usr/share/$pkg/lib"
  cat >"$dir/usr/share/doc/$pkg/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vpp-maglev (Java)
Source: https://git.ipng.ch/ipng/vpp-maglev

Files: *
Copyright: 2026 the vpp-maglev developers
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
COPY
  printf '%s (%s) unstable; urgency=medium\n\n  * Built from git %s.\n\n -- %s  %s\n' \
    "$pkg" "$version" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "$maintainer" "$(date -R -u)" | gzip -9n >"$dir/usr/share/doc/$pkg/changelog.gz"
}

control() { # package dir depends description
  local pkg=$1 dir=$2 depends=$3 description=$4
  local size
  size=$(du -sk --exclude=DEBIAN "$dir" | cut -f1)
  cat >"$dir/DEBIAN/control" <<CONTROL
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: net
Priority: optional
Homepage: https://git.ipng.ch/ipng/vpp-maglev
Description: $description
CONTROL
  (cd "$dir" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z \
    | xargs -0 md5sum >DEBIAN/md5sums)
}

man() { # page dir section
  mkdir -p "$2/usr/share/man/man$3"
  gzip -9n <"$root/docs/$1" >"$2/usr/share/man/man$3/$1.gz"
}

# ---------------------------------------------------------------- vpp-maglevd
pkg=vpp-maglevd
dir=$stage/$pkg
common_files $pkg "$dir"
cp "$root"/maglevd/target/lib/*.jar "$root"/maglevd/target/maglevd-*.jar "$dir/usr/share/$pkg/lib/"
cp "$root"/maglev-frontend/target/lib/*.jar "$root"/maglev-frontend/target/maglev-frontend-*.jar \
  "$dir/usr/share/$pkg/lib/"
rm -f "$dir"/usr/share/$pkg/lib/*-tests.jar "$dir"/usr/share/$pkg/lib/*-sources.jar
launcher maglevd $pkg
install -D -m 755 "$stage/maglevd.launcher" "$dir/usr/sbin/maglevd"
launcher maglevd-frontend $pkg
install -D -m 755 "$stage/maglevd-frontend.launcher" "$dir/usr/sbin/maglevd-frontend"
# installed, not enabled: the dashboard is opt-in
install -D -m 644 "$root/debian/vpp-maglev-frontend.service" \
  "$dir/usr/lib/systemd/system/vpp-maglev-frontend.service"
install -D -m 644 "$root/debian/vpp-maglev.service" "$dir/usr/lib/systemd/system/vpp-maglev.service"
install -D -m 644 "$root/debian/vpp-maglev.default" "$dir/etc/default/vpp-maglev"
install -D -m 644 "$root/debian/maglev.yaml" "$dir/etc/vpp-maglev/maglev.yaml"
man maglevd.8 "$dir" 8
man maglevd-frontend.8 "$dir" 8
for script in postinst prerm postrm; do
  install -m 755 "$root/debian/$pkg/$script" "$dir/DEBIAN/$script"
done
printf '/etc/default/vpp-maglev\n/etc/vpp-maglev/maglev.yaml\n' >"$dir/DEBIAN/conffiles"
control $pkg "$dir" "adduser, $java_depends" "Maglev health-checker and VPP lb control plane
 maglevd health-checks backends (HTTP, HTTPS, TCP, ICMP, optionally in a network
 namespace), keeps a rise/fall state machine per backend, and programs VIPs,
 application servers and weights into VPP's lb (Maglev) plugin. It serves a
 gRPC API and Prometheus metrics and reloads its configuration on SIGHUP.
 .
 maglevd-frontend, the web dashboard over one or more maglevds, comes with it;
 its systemd unit vpp-maglev-frontend.service is installed but not enabled."
fakeroot dpkg-deb --build -Zxz "$dir" "$out/${pkg}_${version}_${arch}.deb" >/dev/null

# ---------------------------------------------------------------- vpp-maglev
pkg=vpp-maglev
dir=$stage/$pkg
common_files $pkg "$dir"
# maglevc runs from one jar, its dependencies merged in by scripts/assemble.sh
cp "$build/lib/maglevc-bundle.jar" "$dir/usr/share/$pkg/lib/"
launcher maglevc $pkg
install -D -m 755 "$stage/maglevc.launcher" "$dir/usr/bin/maglevc"
install -D -m 644 "$root/maglevc/src/main/completion/maglevc.bash" \
  "$dir/usr/share/bash-completion/completions/maglevc"
man maglevc.1 "$dir" 1
# maglevt likewise: one jar, the launcher, completion and man page
cp "$build/lib/maglevt-bundle.jar" "$dir/usr/share/$pkg/lib/"
launcher maglevt $pkg
install -D -m 755 "$stage/maglevt.launcher" "$dir/usr/bin/maglevt"
install -D -m 644 "$root/maglevt/src/main/completion/maglevt.bash" \
  "$dir/usr/share/bash-completion/completions/maglevt"
man maglevt.1 "$dir" 1
# the monitoring that ships: Prometheus alert rules (with their promtool unit tests) and a Grafana
# dashboard, for the host that watches the routers (docs/user-guide.md, Monitoring)
install -D -m 644 -t "$dir/usr/share/$pkg/prometheus" "$root/monitoring/maglev-alerts.yml" \
  "$root/monitoring/maglev-alerts.test.yml"
install -D -m 644 -t "$dir/usr/share/$pkg/grafana" "$root/monitoring/maglev-dashboard.json"
for script in postinst postrm; do
  install -m 755 "$root/debian/$pkg/$script" "$dir/DEBIAN/$script"
done
control $pkg "$dir" "$java_depends" "Maglev control-plane client tools
 maglevc is a birdc-like shell for maglevd (completion, ? help, history) and a
 one-shot command line for scripts: backends, frontends, health checks, VPP
 state and counters, pause/resume/enable/disable and runtime weights.
 .
 maglevt probes every VIP of a maglev.yaml from outside the load balancer on a
 live screen (OK%, latency, errors, which backend answered), or for scripts."
fakeroot dpkg-deb --build -Zxz "$dir" "$out/${pkg}_${version}_${arch}.deb" >/dev/null

ls "$out"/*.deb
