#!/usr/bin/env bash
# Runs an apt-get or dpkg command that needs apt's or dpkg's locks, waiting while another apt or
# dpkg holds one (a fresh VM's unattended upgrades) instead of failing at once, for at most
# MAGLEV_APT_LOCK_TIMEOUT seconds (600). apt-get waits for the dpkg lock by itself when told to
# (DPkg::Lock::Timeout, added here), but not for the lists lock that `apt-get update` takes nor
# for the archives lock of a download (apt 2.6); dpkg waits for none. So a command that failed
# on a lock runs again, once the lock is free. Sets DEBIAN_FRONTEND=noninteractive (sudo drops
# it from the caller's environment). Usage: apt-retry.sh apt-get|dpkg ARG...
set -uo pipefail
timeout=${MAGLEV_APT_LOCK_TIMEOUT:-600}
deadline=$((SECONDS + timeout))
export DEBIAN_FRONTEND=noninteractive
[ "$#" -gt 0 ] || { echo "usage: $0 apt-get|dpkg ARG..." >&2; exit 2; }
cmd=("$@")
[ "$(basename "$1")" = apt-get ] && cmd=("$1" -o "DPkg::Lock::Timeout=$timeout" "${@:2}")
err=$(mktemp)
trap 'rm -f "$err"' EXIT
waiting=
while :; do
  "${cmd[@]}" 2>"$err"
  rc=$?
  # apt: "Could not get lock /var/lib/apt/lists/lock. It is held by process 812 (apt-get)",
  # "Unable to acquire the dpkg frontend lock"; dpkg: "dpkg frontend lock was locked by another
  # process with pid 812", "dpkg status database is locked by another process"
  if [ "$rc" = 0 ] || [ "$SECONDS" -ge "$deadline" ] \
      || ! grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock|locked by another process' "$err"; then
    cat "$err" >&2
    exit "$rc"
  fi
  if [ -z "$waiting" ]; then
    echo "$*: waiting up to ${timeout}s for a lock: $(grep -m1 -E 'lock' "$err")" >&2
    waiting=1
  fi
  sleep 2
done
