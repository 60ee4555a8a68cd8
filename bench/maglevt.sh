#!/usr/bin/env bash
# make bench-maglevt: maglevt probing 500 loopback HTTP VIPs (bench/MaglevtServer.java) at 100 ms
# for DURATION seconds (default 60), keep-alive off (a new connection per probe, as by default).
# Prints probes/s against the schedule (500 VIPs / 100 ms = 5,000/s), the p99 lateness maglevt
# reports in its run summary, CPU seconds per 1,000 probes and the peak RSS.
# Targets: the full rate, p99 lateness < 20 ms, RSS <= 200 MB. Usage: bench/maglevt.sh BUILD
# (PER_SECOND=1 also prints the probes answered in each second of the run.)
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
java_home=${JAVA_HOME:-$("$root/scripts/find-jdk.sh")}
vips=${VIPS:-500}
duration=${DURATION:-60}
tmp=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
"$java_home/bin/java" -XX:+UseSerialGC -Xmx256m "$root/bench/MaglevtServer.java" "$vips" "$tmp/ports" &
server=$!
for _ in $(seq 1 600); do [ -f "$tmp/ports" ] && break; kill -0 "$server" || exit 1; sleep 0.1; done
[ -f "$tmp/ports" ] || { echo "bench-maglevt: the VIP server did not start" >&2; exit 1; }
{
  echo "maglev:"
  echo "  healthchecks:"
  echo "    http: { type: http, port: 8080 }"
  echo "  backends:"
  echo "    a: { address: 127.0.0.1, healthcheck: http }"
  echo "  frontends:"
  i=0
  while read -r port; do
    echo "    vip$i: { address: 127.0.0.1, protocol: tcp, port: $port, pools: [ { name: p, backends: { a: {} } } ] }"
    i=$((i + 1))
  done <"$tmp/ports"
} >"$tmp/maglev.yaml"
echo "maglevt: $vips VIPs at 100ms for ${duration}s (keep-alive off)"
python3 - "$build/bin/maglevt" "$tmp/maglev.yaml" "$duration" "$vips" <<'PY'
import collections, datetime, json, os, resource, subprocess, sys
prog, cfg, duration, vips = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
per_second = os.environ.get("PER_SECOND") == "1"
p = subprocess.run([prog, "--config", cfg, "--duration", duration + "s", "--uri", "/",
                    "--json", "--min-ok", "0"]
                   + (["--json-probes"] if per_second else []), capture_output=True, text=True)
if p.returncode != 0:
    sys.exit("maglevt failed (%d): %s" % (p.returncode, p.stderr))
lines = [json.loads(l) for l in p.stdout.splitlines()]
run = [l for l in lines if l["kind"] == "run"][0]
summaries = [l for l in lines if l["kind"] == "summary"]
fails = sum(s["fail"] for s in summaries)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = ru.ru_utime + ru.ru_stime
rate = run["probes"] / run["seconds"]
expected = vips / 0.1
print("transport: %s" % run.get("transport", "nio"))
print("probes/s: %.0f of %.0f scheduled (%.1f %%), %d failed" % (rate, expected, 100 * rate / expected, fails))
print("lateness: p50 %.1f ms, p99 %.1f ms (target < 20 ms)" % (run["late_p50_ms"], run["late_p99_ms"]))
p50s = sorted(s["p50_ms"] for s in summaries if s["p50_ms"] is not None)
if p50s:
    print("probe latency: median of the VIPs' p50 %.1f ms, worst p50 %.1f ms" % (p50s[len(p50s) // 2], p50s[-1]))
print("CPU: %.1f s, %.3f s per 1,000 probes" % (cpu, 1000 * cpu / run["probes"]))
print("RSS: %.0f MB peak (target <= 200 MB)" % (ru.ru_maxrss / 1024))
if per_second:
    # probes answered in each second from the first answer: where the rate goes
    answers = [datetime.datetime.fromisoformat(l["time"].replace("Z", "+00:00")).timestamp()
              for l in lines if l["kind"] == "probe"]
    t0 = min(answers)
    by = collections.Counter(int(t - t0) for t in answers)
    print("probes answered per second, from the first answer: " + " ".join(str(by[i]) for i in range(max(by) + 1)))
PY
