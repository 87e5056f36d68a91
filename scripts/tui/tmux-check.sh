#!/usr/bin/env bash
# The console in a real terminal (issue 15): runs the demo (`ordersurge start --rate 50`, its
# output piped, so it keeps its status line) on a namespace and ports of its own, then
# `ordersurge tui` in an 80x24 tmux window, and checks the screen: every stage name, non-zero
# throughput, peak mode, both servers ok; that it redraws after a resize and shows the help on `?`;
# and that `q` exits with status 0 and gives the terminal back (alternate screen left, canonical
# mode on). With MEASURE_S=N it also reports the console process's CPU over N seconds.
# Not part of `npm test`: it takes a minute or two. Needs tmux (apt-get install -y tmux) and the
# servers `npm run setup` starts.
set -euo pipefail
cd "$(dirname "$0")/../.."

ns="tuicheck$$"
session="ordersurge-tuicheck-$$"
work="$(mktemp -d)"
base=$((20000 + ($$ % 5000) * 2))
export ORDERSURGE_NAMESPACE="$ns" ORDERSURGE_CARRIER_PORT=$base ORDERSURGE_SMS_PORT=$((base + 1)) ORDERSURGE_PLATFORM_PORT=$((base + 100)) METRICS_PORT=$((base + 200))
failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
screen() { tmux capture-pane -p -t "$session:console"; }
cleanup() {
  tmux send-keys -t "$session:demo" C-c 2>/dev/null || true
  for _ in $(seq 1 60); do grep -q '^ran ' "$work/demo.out" 2>/dev/null && break; sleep 1; done
  tmux kill-session -t "$session" 2>/dev/null || true
  npx tsx scripts/tui/remove-namespace.ts >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "namespace $ns, demo output in $work/demo.out"
tmux new-session -d -s "$session" -n demo -x 80 -y 24 "node bin/ordersurge.mjs start --rate 50 2>&1 | cat > '$work/demo.out'"
for _ in $(seq 1 120); do grep -q 'demo: the six platforms' "$work/demo.out" 2>/dev/null && break; sleep 1; done
grep -q 'demo: the six platforms' "$work/demo.out" || { fail "the demo did not start:"; cat "$work/demo.out"; exit 1; }
pass "demo running at 50 orders/s"

tmux new-window -t "$session" -n console "bash -c 'stty sane; node bin/ordersurge.mjs tui; echo EXIT=\$?; stty -a | tr \" \" \"\\n\" | grep -x -- \"-\\?icanon\"; sleep 600'"
tmux resize-window -t "$session:console" -x 80 -y 24 2>/dev/null || true

# Wait until every stage shows and ingest finished messages in the last second.
stages="ingest dedupe pricing routing waybill notify points review"
ok=""
for _ in $(seq 1 90); do
  s="$(screen)"
  all=yes
  for st in $stages; do grep -q "│$st " <<<"$s" || all=""; done
  rate="$(grep -o '│ingest *[0-9.k-]* *[0-9.k-]*' <<<"$s" | awk '{print $3}' || true)"
  if [ -n "$all" ] && [ -n "$rate" ] && [ "$rate" != "-" ] && [ "$rate" != "0.0" ]; then ok=yes; break; fi
  sleep 1
done
s="$(screen)"
echo "---- screen (80x24) ----"; echo "$s"; echo "------------------------"
[ -n "$all" ] && pass "every stage name on screen, in pipeline order" || fail "stage names missing"
order="$(grep -o '│[a-z]* ' <<<"$s" | tr -d '│ ' | grep -E "^($(tr ' ' '|' <<<"$stages"))$" | tr '\n' ' ')"
[ "$order" = "$stages " ] || fail "stages out of order: $order"
[ -n "$ok" ] && pass "ingest throughput non-zero ($rate msgs/s)" || fail "no throughput at ingest"
grep -Eq 'Peak mode (ON|off) \(setting (auto|on|off)\)' <<<"$s" && pass "peak mode shown: $(grep -o 'Peak mode [A-Za-z]* (setting [a-z]*)' <<<"$s")" || fail "peak mode missing"
grep -q 'NATS ok' <<<"$s" && grep -q 'Postgres ok' <<<"$s" && pass "NATS ok, Postgres ok" || fail "server health missing"
width="$(awk '{ print length($0) }' <<<"$s" | sort -n | tail -1)"
[ "$width" -le 80 ] && pass "fits 80 columns (widest line $width)" || fail "wider than 80 columns: $width"

if [ -n "${MEASURE_S:-}" ]; then
  # The node process running the console (tsx compiles in-process; its esbuild helper is a child we leave out).
  pid="$(pgrep -P "$(tmux display -p -t "$session:console" '#{pane_pid}')" -f 'bin/ordersurge.mjs tui' | head -1)"
  ps -o pid,args -p "$pid" | tail -1
  hz="$(getconf CLK_TCK)"
  t0="$(awk '{print $14 + $15}' "/proc/$pid/stat")"; s0="$(date +%s.%N)"
  # Meanwhile, the milliseconds of the console's readings, from a data source of its own.
  npx tsx scripts/tui/measure-cost.ts --seconds "$MEASURE_S" > "$work/cost.out" 2>&1 &
  cost=$!
  sleep "$MEASURE_S"
  t1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"; s1="$(date +%s.%N)"
  awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s0="$s0" -v s1="$s1" -v pid="$pid" 'BEGIN { cpu = (b - a) / hz; wall = s1 - s0; printf "measured: console process %s used %.2f s CPU in %.1f s = %.1f%% of one core\n", pid, cpu, wall, 100 * cpu / wall }'
  wait "$cost" || true
  sed 's/^/measured: /' "$work/cost.out"
fi

tmux resize-window -t "$session:console" -x 120 -y 30
sleep 2.5
s="$(screen)"
width="$(awk '{ print length($0) }' <<<"$s" | sort -n | tail -1)"
grep -q '│review ' <<<"$s" && [ "$width" -gt 80 ] && pass "redrawn at 120x30 (widest line $width)" || fail "no redraw after resize (widest $width)"
tmux resize-window -t "$session:console" -x 80 -y 24
sleep 1.5

tmux send-keys -t "$session:console" '?'
sleep 1.5
grep -q 'quit (the terminal is restored)' <<<"$(screen)" && pass "? shows the help" || fail "? showed no help"
tmux send-keys -t "$session:console" 'x'
sleep 1

[ "$(tmux display -p -t "$session:console" '#{alternate_on}')" = "1" ] && pass "console on the alternate screen" || fail "console not on the alternate screen"
tmux send-keys -t "$session:console" 'q'
for _ in $(seq 1 20); do grep -q 'EXIT=' <<<"$(screen)" && break; sleep 0.5; done
s="$(screen)"
grep -q 'EXIT=0' <<<"$s" && pass "q exits with status 0" || fail "q did not exit 0: $(grep -o 'EXIT=[0-9]*' <<<"$s" || echo 'still running')"
[ "$(tmux display -p -t "$session:console" '#{alternate_on}')" = "0" ] && pass "alternate screen left" || fail "still on the alternate screen"
grep -qx 'icanon' <<<"$s" && pass "terminal back in canonical mode (raw mode off)" || fail "terminal left in raw mode"

if [ "$failures" -eq 0 ]; then echo "tmux check: all passed"; else echo "tmux check: $failures failed"; exit 1; fi
