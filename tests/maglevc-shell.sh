#!/usr/bin/env bash
# maglevc's shell in a real terminal (tmux) against a real maglevd with
# loopback backends: TAB completion of keywords and live names, "?" help,
# prefix matching, the ambiguous-prefix and unknown-word errors, Ctrl-C and
# quit. Every port is port 0 (the programs say which one they got), so this
# runs next to any other maglevd. Usage: tests/maglevc-shell.sh BUILD
set -euo pipefail
build=$1
source "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
tmux=(tmux -L "maglevc-shell-$$" -f /dev/null) # a tmux server of its own, no ~/.tmux.conf
pids=()
cleanup() {
  "${tmux[@]}" kill-server 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "maglevc-shell: FAIL: $*" >&2; "${tmux[@]}" capture-pane -p -t shell >&2 || true; exit 1; }

# A backend that answers: a one-line HTTP server is enough for the probe.
echo ok >"$work/healthz"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work" >"$work/backend.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q '^Serving HTTP' "$work/backend.log" && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.1
done
backend_port=$(sed -n 's/^Serving HTTP on 127.0.0.1 port \([0-9]*\) .*/\1/p' "$work/backend.log")
[ -n "$backend_port" ] || fail "the backend did not start: $(cat "$work/backend.log")"
cat >"$work/maglev.yaml" <<YAML
maglev:
  healthchecks:
    http: { type: http, port: $backend_port, interval: 200ms, params: { path: /healthz } }
  backends:
    nginx0-ams: { address: 127.0.0.1, healthcheck: http }
    nginx0-fra: { address: 127.0.0.1, healthcheck: http }
  frontends:
    web:
      address: 192.0.2.1
      protocol: tcp
      port: 80
      pools:
        - { name: primary, backends: { nginx0-ams: {} } }
YAML
# Two backends on one address in one frontend are refused, so keep fra out of it.
"$build/bin/maglevd" --config "$work/maglev.yaml" --grpc-addr 127.0.0.1:0 --metrics-addr "" \
  --vpp-api-addr "" >"$work/maglevd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q '"msg":"listening"' "$work/maglevd.log" && break
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.1
done
grpc_port=$(grep '"msg":"listening"' "$work/maglevd.log" | grep -o '"grpc_port":"[0-9]*"' | grep -o '[0-9][0-9]*' || true)
[ -n "$grpc_port" ] || fail "maglevd did not start: $(cat "$work/maglevd.log")"

# maglevc in the terminal: its pid first (the launcher execs java), its exit status after it.
cat >"$work/maglevc.sh" <<SH
echo \$\$ >"$work/maglevc.pid"
MAGLEV_SERVER=127.0.0.1:$grpc_port exec "$build/bin/maglevc"
SH
"${tmux[@]}" new-session -d -s shell -x 160 -y 50 "sh $work/maglevc.sh; echo maglevc-exit=\$?; sleep 30"
for _ in $(seq 1 300); do [ -s "$work/maglevc.pid" ] && break; sleep 0.1; done
maglevc_pid=$(cat "$work/maglevc.pid" 2>/dev/null) || fail "maglevc did not start"
maglevc_start=$(start_time "$maglevc_pid")
screen() { "${tmux[@]}" capture-pane -p -t shell; }
# Each wait is bounded at 30 s: on a loaded machine the JVM's first completion or call is slow.
expect() { # pattern description
  for _ in $(seq 1 300); do screen | grep -qE -- "$1" && return 0; sleep 0.1; done
  fail "expected $2 (/$1/)"
}
keys() { "${tmux[@]}" send-keys -t shell "$@"; }
# Ctrl-C, then wait for a fresh empty prompt (the interrupt is asynchronous, as on any tty).
fresh() {
  keys C-c; expect '^maglev>$' "a fresh prompt after Ctrl-C"
  # clear the screen so later checks see only new output; the interrupt is handled
  # asynchronously, so a clear sent meanwhile may be lost: send it again until it took
  for i in $(seq 1 300); do
    [ $((i % 10)) = 1 ] && keys C-l
    [ "$(screen | head -1)" = "maglev>" ] && [ -z "$(screen | sed -n '2,$p' | tr -d '[:space:]')" ] && return 0
    sleep 0.1
  done
  fail "a cleared screen"
}
# type only once the shell reads the terminal: keys sent earlier are echoed by the tty itself
expect '^maglev>$' "the prompt"
keys 'sh' Tab
expect '^maglev> show$' "sh<TAB> to complete to show"
keys 'backend ' Tab
# Live names come from maglevd within maglevc's 2 s completion deadline, else none: on a loaded
# machine the first call can miss it, and TAB asks again, as a user would press it again.
for i in $(seq 1 300); do
  screen | grep -qE 'nginx0-ams +nginx0-fra' && break
  [ $((i % 30)) = 0 ] && keys Tab
  sleep 0.1
done
expect 'nginx0-ams +nginx0-fra' "show backend <TAB> to list live names"
fresh
keys 'show ?'
expect '^maglev> show \?$' "? to echo the line birdc-style"
expect 'frontends +all frontends' "? to list what may follow, with help"
fresh
keys 'sh fr' Enter
expect 'web +192.0.2.1 +tcp +80' "prefix matching: sh fr = show frontends"
keys 's' Enter
expect 'ambiguous word "s": could be show, sync, set' "the ambiguous-prefix error"
keys 'show bogus words' Enter
expect 'unknown words "bogus words" after "show"' "the unknown-words error"
keys 'sh backend nosuch' Enter
expect '^backend "nosuch" not found$' "a server error without gRPC boilerplate"
fresh
# watch events holds the terminal until a key press or Ctrl-C
watch_stops_on() { # key description
  keys 'watch events backend' Enter
  expect '^maglev> watch events backend$' "the watch to start"
  # a prompt on a line below the watch command means the watch has ended
  after() { screen | awk '/^maglev> watch events backend$/ { w = NR } w && NR > w && /maglev>/ { f = 1 } END { exit !f }'; }
  after && fail "watch events returned before a key was pressed"
  keys "$1"
  for _ in $(seq 1 300); do after && return 0; sleep 0.1; done
  fail "$2 to stop watch events"
}
watch_stops_on q "a key press"
fresh
watch_stops_on C-c "Ctrl-C"
fresh
keys 'half typed'
expect '^maglev> half typed$' "typed text"
fresh
keys 'quit' Enter
expect '^maglevc-exit=0$' "the shell to leave with exit status 0"
running "$maglevc_pid" "$maglevc_start" && fail "maglevc (pid $maglevc_pid) still running after quit"
echo "maglevc-shell: ok"
