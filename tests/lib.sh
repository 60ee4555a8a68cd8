# Shared by the shell tests (sourced, not run): free ports, the processes a test started, skips.

# free_ports N: N distinct TCP ports nothing is bound to, on any address (so on every address of
# 127.0.0.0/8), for a test that must name its ports before it starts the programs (a config, a
# second program that connects). Picked at random below the kernel's ephemeral range, which is
# where the kernel takes the ports of `bind(port 0)` and outgoing connections from: only a
# program asking for that very port can take one before the test binds it, and two runs of the
# tests on one machine pick different ones. Where a program can listen on port 0 and say which
# port it got, a test uses that instead.
free_ports() {
  python3 - "$1" <<'PY'
import random, socket, sys

n = int(sys.argv[1])
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    ephemeral = int(f.read().split()[0])
low = max(1024, ephemeral - 12768)
held = []
for port in random.sample(range(low, ephemeral), min(ephemeral - low, 2000)):
    if len(held) == n:
        break
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("0.0.0.0", port))  # fails when anything holds the port, on any address
    except OSError:
        s.close()
        continue
    held.append(s)
while len(held) < n:  # a tiny ephemeral range: let the kernel choose
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("0.0.0.0", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# start_time PID: when the process PID started (field 22 of /proc/PID/stat), empty when there is
# no such process. A pid and its start time name one process: a pid alone may be reused.
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) } # the fields after the command name, which may hold spaces
  set -- $stat
  echo "${20}"
}

# running PID START: the process PID that started at START is still there.
running() {
  [ -n "$2" ] && [ "$(start_time "$1")" = "$2" ]
}

# skip REASON: this test cannot run here. Says why and exits 77, which tests/run.sh (make test)
# lists under SKIPPED in the test summary.
skip() {
  echo "$(basename "$0" .sh): SKIPPED: $*"
  if [ -n "${MAGLEV_TEST_SKIP_REASON:-}" ]; then echo "$*" >"$MAGLEV_TEST_SKIP_REASON" || true; fi
  exit 77
}
