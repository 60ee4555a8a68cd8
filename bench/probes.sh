#!/usr/bin/env bash
# make bench-probes: maglevd probing N HTTP backends at a 1 s interval, next to
# HAProxy health-checking the same N servers with `inter 1s`, in the same run.
# One nginx answers /healthz on every 127.x.y.z address. Prints probes/s, CPU
# seconds per 1,000 probes, p99 probe-start lateness, RSS, and the CPU ratio
# maglevd / HAProxy. Usage: bench/probes.sh BUILD [N...]   (default 1000 5000 10000)
# Env: DURATION (default 60 s of measurement), WARMUP (default 15 s).
set -euo pipefail
build=$1; shift
ulimit -n "$(ulimit -Hn)"
[ $# -gt 0 ] && sizes=("$@") || sizes=(1000 5000 10000)
duration=${DURATION:-60}
warmup=${WARMUP:-15}
port=18080
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v haproxy >/dev/null || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  "$(dirname "$0")/../scripts/apt-retry.sh" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
hz=$(getconf CLK_TCK)

# The i-th backend address: 127.1.0.1, 127.1.0.2, ... (never 127.0.0.x).
addr() { local i=$1; echo "127.$((1 + i / 65000)).$(((i % 65000) / 250)).$((i % 250 + 1))"; }
# CPU seconds (user+system) of a process so far.
cpu() { awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 65536; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen $port reuseport backlog=65535; location / { return 200 "ok\n"; } }
  server { listen 127.0.0.1:$((port + 1)); location / { stub_status; } }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 1

# Requests nginx has served: both probers are counted the same way.
served() { curl -s "127.0.0.1:$((port + 1))/" | awk 'NR == 3 { print $3 }'; }
# Prints "cpu0 cpu1 requests0 requests1" around DURATION seconds.
measure() {
  local pid=$1 c0 c1 r0 r1
  r0=$(served); c0=$(cpu "$pid")
  sleep "$duration"
  c1=$(cpu "$pid"); r1=$(served)
  echo "$c0 $c1 $r0 $r1"
}

printf '%-8s %-8s %10s %14s %12s %8s\n' impl N probes/s cpu_s/1k_probes p99_late_ms rss_MB
results=()
for n in "${sizes[@]}"; do
  # --- maglevd
  cfg=$work/maglev-$n.yaml
  {
    echo "maglev:"
    echo "  healthchecks:"
    echo "    http: { type: http, port: $port, interval: 1s, timeout: 1s, params: { path: /healthz } }"
    echo "  backends:"
    for ((i = 0; i < n; i++)); do echo "    b$i: { address: $(addr $i), healthcheck: http }"; done
  } >"$cfg"
  MAGLEV_JAVA_OPTS=${MAGLEV_JAVA_OPTS:-} "$build/bin/maglevd" --config "$cfg" --grpc-addr 127.0.0.1:0 \
    --metrics-addr 127.0.0.1:19391 --vpp-api-addr "" >"$work/maglevd-$n.log" 2>&1 &
  mpid=$!
  pids+=($mpid)
  sleep "$warmup"
  read -r c0 c1 p0 p1 < <(measure "$mpid")
  late=$(curl -s 127.0.0.1:19391/metrics | awk '/^maglev_probe_lateness_seconds\{quantile="0.99"/ { printf "%.1f", $NF * 1000 }')
  up=$(curl -s 127.0.0.1:19391/metrics | grep -c 'maglev_backend_state{.*state="up"} 1' || true)
  mrss=$(rss_mb "$mpid")
  kill "$mpid"; wait "$mpid" 2>/dev/null || true
  mprobes=$(( p1 - p0 ))
  mcpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
  printf '%-8s %-8s %10.0f %14.3f %12s %8s   (%d/%d up)\n' maglevd "$n" "$(awk -v p=$mprobes -v d=$duration 'BEGIN{print p/d}')" \
    "$(awk -v c=$mcpu -v p=$mprobes 'BEGIN{ if (p>0) print c/p*1000; else print 0 }')" "$late" "$mrss" "$up" "$n"

  # --- HAProxy with the same servers
  hcfg=$work/haproxy-$n.cfg
  {
    echo "global"
    echo "  maxconn 4000"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 1s"
    echo "  timeout check 1s"
    echo "  timeout client 10s"
    echo "  timeout server 10s"
    echo "frontend fe"
    echo "  bind 127.0.0.1:$((port + 2))"
    echo "  default_backend be"
    echo "backend be"
    echo "  option httpchk GET /healthz"
    for ((i = 0; i < n; i++)); do echo "  server s$i $(addr $i):$port check inter 1s rise 2 fall 3"; done
  } >"$hcfg"
  haproxy -db -f "$hcfg" >"$work/haproxy-$n.log" 2>&1 &
  hpid=$!
  pids+=($hpid)
  sleep "$warmup"
  read -r hc0 hc1 hr0 hr1 < <(measure "$hpid")
  hrss=$(rss_mb "$hpid")
  kill "$hpid"; wait "$hpid" 2>/dev/null || true
  hcpu=$(awk -v a="$hc0" -v b="$hc1" 'BEGIN { printf "%.2f", b - a }')
  hprobes=$(( hr1 - hr0 ))
  printf '%-8s %-8s %10.0f %14.3f %12s %8s\n' haproxy "$n" "$((hprobes / duration))" \
    "$(awk -v c=$hcpu -v p=$hprobes 'BEGIN{print c/p*1000}')" "-" "$hrss"
  ratio=$(awk -v m="$mcpu" -v h="$hcpu" -v mp="$mprobes" -v hp="$hprobes" 'BEGIN { if (h > 0 && mp > 0) printf "%.2f", (m / mp) / (h / hp); else print "n/a" }')
  echo "N=$n: CPU per probe, maglevd / HAProxy = $ratio"
  results+=("N=$n ratio=$ratio")
done
printf '%s\n' "${results[@]}"
