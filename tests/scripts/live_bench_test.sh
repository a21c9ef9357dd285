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

# Bad variants are refused before anything is started.
for v in delay delay1001 delayx bogus; do
  if msg=$("$live" --variants "$v" 2>&1 8>&-); then fail "--variants $v accepted"; fi
  grep -q -- "--variants: .*$v" <<<"$msg" || fail "--variants $v: no error naming it: $msg"
done
ok "bad --variants refused"

now=$(snapshot)
[ "$now" = "$before" ] || fail "audit state not restored: before: $before; after: $now"
pgrep -f 'auditd -n -c /tmp/auspex-live' >/dev/null && fail "an auditd of live.sh is still running"
pgrep -f live-workload >/dev/null && fail "workload processes left: $(pgrep -af live-workload)"
pgrep -f "$AUSPEX run --config /tmp/auspex-live" >/dev/null && fail "an auspex of live.sh is still running"
ok "audit state restored ($(tr '\n' ' ' <<<"$now"))"
