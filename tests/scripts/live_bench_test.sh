#!/usr/bin/env bash
# Smoke test of bench/live.sh (root; starts auditd and auspex, changes audit state, so
# RESOURCE_LOCK audit): ~3 s per collector at one low rate; it must print the table and the
# summary JSON line, every event the workload caused must reach both collectors, and the
# audit state afterwards must equal the one before, with no auditd/auspex/workload left.
#
#   tests/scripts/live_bench_test.sh [REPO_DIR] [AUSPEX_BINARY]
set -euo pipefail

repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
export AUSPEX=${2:-$repo/build/auspex}
live=$repo/bench/live.sh
fail() { echo "live_bench_test: FAIL: $*" >&2; exit 1; }
ok() { echo "live_bench_test: ok: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "live_bench_test: skipped: needs root (loads audit rules, starts auditd and auspex)"
  exit 77
fi
command -v auditd >/dev/null || { echo "live_bench_test: skipped: auditd not installed"; exit 77; }
[ -x "$live" ] || fail "$live missing or not executable"
[ -x "$AUSPEX" ] || fail "auspex binary $AUSPEX missing"

exec 8>/run/lock/auspex-audit-tests.lock
flock -w 280 8 || fail "audit lock /run/lock/auspex-audit-tests.lock held by someone else for 280 s"
export AUSPEX_AUDIT_LOCK_HELD=1

work=$(mktemp -d /tmp/live_bench_test.XXXXXX)
trap 'rm -rf "$work"' EXIT

snapshot() {
  auditctl -s | awk '$1 ~ /^(enabled|failure|pid|rate_limit|backlog_limit|backlog_wait_time)$/ { print $1, $2 }'
  auditctl -l
}
before=$(snapshot)

rc=0
"$live" --seconds 3 --rates 300 --json "$work/summary.json" >"$work/out" 2>"$work/err" 8>&- || rc=$?
cat "$work/out" "$work/err"
[ "$rc" = 0 ] || fail "bench/live.sh exited $rc"

grep -q '^collect .*us/event' "$work/out" || fail "no table header in the output"
grep -qE '^auditd +300 ' "$work/out" || fail "no auditd row in the table"
grep -qE '^auspex +300 ' "$work/out" || fail "no auspex row in the table"
summary=$(tail -1 "$work/out")
[[ $summary == '{"bench":"live"'* ]] || fail "last line is not the summary JSON: $summary"
[ "$(cat "$work/summary.json")" = "$summary" ] || fail "--json file differs from the printed summary"
python3 -c 'import json, sys; json.loads(sys.argv[1])' "$summary" 2>/dev/null \
  || fail "summary line is not valid JSON: $summary"
ok "table and summary printed"

# Low rate: nothing may be lost; both receive what the workload caused.
for k in auditd auspex; do
  read -r caused received < <(awk -v k="$k" '$1 == k { print $3, $4 }' "$work/out")
  [ "${caused:-0}" -gt 0 ] || fail "$k: the workload caused no events"
  [ "$received" = "$caused" ] || fail "$k received $received of $caused events at 300/s"
done
ok "both collectors received every event"

# Rounds: each collector once per round, a ratio per round and their median per rate.
rc=0
"$live" --seconds 2 --rates 300 --repeat 2 >"$work/out2" 2>"$work/err2" 8>&- || rc=$?
cat "$work/out2" "$work/err2"
[ "$rc" = 0 ] || fail "bench/live.sh --repeat 2 exited $rc"
for k in auditd auspex; do
  [ "$(grep -cE "^$k +300 .* [12]\$" "$work/out2")" = 2 ] || fail "--repeat 2: not one $k row per round"
  while read -r caused received; do
    [ "$received" = "$caused" ] || fail "--repeat 2: $k received $received of $caused events at 300/s"
  done < <(awk -v k="$k" '$1 == k { print $3, $4 }' "$work/out2")
done
for q in 1 2; do grep -q "^rate 300 round $q: auspex/auditd CPU per event " "$work/out2" || fail "--repeat 2: no ratio for round $q"; done
grep -qE '^rate 300: median auspex/auditd CPU per event [0-9.]+ over 2 rounds \([0-9.]+ to [0-9.]+\)' "$work/out2" \
  || fail "--repeat 2: no median line"
python3 -c '
import json, sys
d = json.loads(sys.argv[1])
r = d["rates"][0]
rounds = [q["cpu_per_event_ratio"] for q in r["rounds"]]
assert d["repeat"] == 2 and len(rounds) == 2, d
assert abs(r["cpu_per_event_ratio"] - sum(rounds) / 2) < 0.002, r
assert r["cpu_per_event_ratio_min"] == min(rounds) and r["cpu_per_event_ratio_max"] == max(rounds), r
' "$(tail -1 "$work/out2")" || fail "--repeat 2: summary JSON without the rounds and their median: $(tail -1 "$work/out2")"
ok "--repeat 2: a row per collector and round, round ratios, their median"

# Bad variants and round counts are refused before anything is started.
for v in delay delay1001 delayx bogus; do
  if msg=$("$live" --variants "$v" 2>&1 8>&-); then fail "--variants $v accepted"; fi
  grep -q -- "--variants: .*$v" <<<"$msg" || fail "--variants $v: no error naming it: $msg"
done
for n in 0 21 x; do
  if msg=$("$live" --repeat "$n" 2>&1 8>&-); then fail "--repeat $n accepted"; fi
  grep -q -- "--repeat must be 1 to 20 rounds, got '$n'" <<<"$msg" || fail "--repeat $n: no error naming it: $msg"
done
ok "bad --variants and --repeat refused"

now=$(snapshot)
[ "$now" = "$before" ] || fail "audit state not restored: before: $before; after: $now"
pgrep -f 'auditd -n -c /tmp/auspex-live' >/dev/null && fail "an auditd of live.sh is still running"
pgrep -f live-workload >/dev/null && fail "workload processes left: $(pgrep -af live-workload)"
pgrep -f "$AUSPEX run --config /tmp/auspex-live" >/dev/null && fail "an auspex of live.sh is still running"
ok "audit state restored ($(tr '\n' ' ' <<<"$now"))"
