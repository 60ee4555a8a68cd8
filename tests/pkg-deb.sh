#!/usr/bin/env bash
# Acceptance for the Debian packages: lintian finds no errors; both install with dpkg -i and
# apt-get -f install; the installed launchers run; systemd-analyze accepts the unit; purge
# removes everything, the maglevd user included. Needs root: run by a user, it runs itself
# through sudo when sudo needs no password, else it skips (exit 77, listed in make test's
# summary). It also skips on a machine where the packages are installed already, which it would
# replace and purge. Usage: tests/pkg-deb.sh DEBDIR
set -euo pipefail
debs=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/tests/lib.sh"
fail() { echo "pkg-deb: FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" != 0 ]; then
  if sudo -n true 2>/dev/null; then
    exec sudo -n env MAGLEV_TEST_SKIP_REASON="${MAGLEV_TEST_SKIP_REASON:-}" "$0" "$debs"
  fi
  skip "not root (uid $(id -u)) and no sudo without a password: installing packages needs root"
fi
# One run at a time on a machine: the packages, the maglevd user and dpkg are the machine's.
lockdir=/run/lock
[ -d "$lockdir" ] || lockdir=/tmp
exec 9>"$lockdir/vpp-maglev-pkg-deb.lock"
flock -w 1800 9 || fail "another tests/pkg-deb.sh has held $lockdir/vpp-maglev-pkg-deb.lock for 30 minutes"
for p in vpp-maglevd vpp-maglev; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case $status in
    "" | *not-installed) ;;
    *) skip "$p is on this machine ($status): the test would replace and purge it, its config too" ;;
  esac
done
apt_retry=$root/scripts/apt-retry.sh # waits while another apt or dpkg holds the lock
tmp=$(mktemp -d)
shim=
cleanup() {
  "$apt_retry" dpkg --purge vpp-maglevd vpp-maglev >/dev/null 2>&1 || true
  [ -n "$shim" ] && "$apt_retry" dpkg --purge maglev-test-java21-shim >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

lintian --tag-display-limit 0 "$debs"/*.deb >"$tmp/lintian" 2>&1 || true
if grep -q '^E:' "$tmp/lintian"; then
  cat "$tmp/lintian" >&2
  fail "lintian reports errors"
fi
echo "pkg-deb: lintian: no errors ($(grep -c '^W:' "$tmp/lintian" || true) warnings)"

# The packages depend on a Java 21+ runtime from Debian (trixie has openjdk-21 and -25). This
# machine may be older, with its JDK installed outside dpkg: then a local package standing in
# for that runtime satisfies the dependency, and the launchers find the JDK under /usr/lib/jvm.
if [ -z "$(apt-cache madison openjdk-21-jre-headless openjdk-25-jre-headless 2>/dev/null)" ]; then
  echo "pkg-deb: no openjdk-21/25 package in this machine's Debian ($(cat /etc/debian_version)):" \
    "installing a local java21-runtime-headless stand-in for the JDK under /usr/lib/jvm"
  mkdir -p "$tmp/shim/DEBIAN"
  cat >"$tmp/shim/DEBIAN/control" <<CONTROL
Package: maglev-test-java21-shim
Version: 1.0
Architecture: all
Maintainer: vpp-maglev tests <vpp-maglev@ipng.ch>
Provides: java21-runtime-headless
Description: test stand-in for a Java 21 runtime installed outside dpkg
CONTROL
  dpkg-deb --build "$tmp/shim" "$tmp/shim.deb" >/dev/null
  "$apt_retry" dpkg -i "$tmp/shim.deb" >/dev/null
  shim=1
fi

"$apt_retry" dpkg -i "$debs"/vpp-maglevd_*.deb "$debs"/vpp-maglev_*.deb >"$tmp/dpkg" 2>&1 || true
"$apt_retry" apt-get -f install -y -qq >>"$tmp/dpkg" 2>&1 \
  || { cat "$tmp/dpkg" >&2; fail "apt-get -f install"; }
for p in vpp-maglevd vpp-maglev; do
  dpkg-query -W -f='${Status}\n' "$p" | grep -q 'install ok installed' \
    || { cat "$tmp/dpkg" >&2; fail "$p is not installed"; }
done

/usr/sbin/maglevd --version | grep -q '^maglevd ' || fail "/usr/sbin/maglevd --version"
/usr/bin/maglevc --version | grep -q '^maglevc ' || fail "/usr/bin/maglevc --version"
/usr/sbin/maglevd-frontend --version | grep -q '^maglevd-frontend ' \
  || fail "/usr/sbin/maglevd-frontend --version"
/usr/sbin/maglevd --check --config /etc/vpp-maglev/maglev.yaml >"$tmp/check" 2>&1 \
  || { cat "$tmp/check" >&2; fail "maglevd --check on the installed config"; }
for prog in maglevc maglevt; do
  [ -f "/var/cache/vpp-maglev/$prog.java" ] \
    && { [ -f "/var/cache/vpp-maglev/$prog.aot" ] || [ -f "/var/cache/vpp-maglev/$prog.jsa" ]; } \
    || fail "postinst wrote no start-up archive for $prog in /var/cache/vpp-maglev"
done
/usr/bin/maglevt --self-test --once --timeout 30s >"$tmp/selftest" 2>&1 \
  || { cat "$tmp/selftest" >&2; fail "/usr/bin/maglevt --self-test --once --timeout 30s"; }
getent passwd maglevd >/dev/null || fail "no maglevd user"
[ -f /usr/share/man/man8/maglevd.8.gz ] || fail "maglevd.8 not installed"
[ -f /usr/share/man/man8/maglevd-frontend.8.gz ] || fail "maglevd-frontend.8 not installed"
[ -f /usr/share/bash-completion/completions/maglevc ] || fail "bash completion not installed"
for f in prometheus/maglev-alerts.yml prometheus/maglev-alerts.test.yml grafana/maglev-dashboard.json; do
  [ -f "/usr/share/vpp-maglev/$f" ] || fail "/usr/share/vpp-maglev/$f not installed"
done
(cd /usr/share/vpp-maglev/prometheus && promtool test rules maglev-alerts.test.yml >"$tmp/promtool" 2>&1) \
  || { cat "$tmp/promtool" >&2; fail "promtool test rules on the installed alert rules"; }
for unit in vpp-maglev.service vpp-maglev-frontend.service; do
  systemd-analyze verify "/usr/lib/systemd/system/$unit" >"$tmp/verify" 2>&1 \
    || { cat "$tmp/verify" >&2; fail "systemd-analyze verify $unit"; }
done

"$apt_retry" dpkg --purge vpp-maglevd vpp-maglev >"$tmp/purge" 2>&1 || { cat "$tmp/purge" >&2; fail "purge"; }
for f in /usr/sbin/maglevd /usr/bin/maglevc /etc/vpp-maglev /etc/default/vpp-maglev \
    /usr/share/vpp-maglevd /usr/share/vpp-maglev /var/cache/vpp-maglev \
    /usr/lib/systemd/system/vpp-maglev.service /usr/sbin/maglevd-frontend \
    /usr/lib/systemd/system/vpp-maglev-frontend.service; do
  [ -e "$f" ] && fail "$f is left after purge"
done
getent passwd maglevd >/dev/null && fail "the maglevd user is left after purge"
echo "pkg-deb: ok"
