#!/usr/bin/env bash
# Kernel test of scripts/gen-corpus.sh (root; changes audit state, so RESOURCE_LOCK audit):
#   1. a tiny run (--size-mb 1) writes a raw log with multi-record events whose records
#      interleave with other events', split EXECVE args, hex-encoded values, and each kind of
#      record the rule mix should produce; the audit state afterwards equals the one before;
#   2. a long run interrupted by SIGINT leaves no output and the same audit state.
#
#   tests/scripts/gen_corpus_test.sh [REPO_DIR]
set -euo pipefail

repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
gen=$repo/scripts/gen-corpus.sh
fail() { echo "gen_corpus_test: FAIL: $*" >&2; exit 1; }
ok() { echo "gen_corpus_test: ok: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "gen_corpus_test: skipped: needs root (loads audit rules, starts auditd)"
  exit 77
fi
[ -x "$gen" ] || fail "$gen missing or not executable"

# Hold the kernel tests' audit lock (tests/netlink/audit_reset.h) for the whole test, so the
# state compared before/after is ours: gen-corpus.sh is told not to take it again.
exec 8>/run/lock/auspex-audit-tests.lock
flock -w 280 8 || fail "audit lock /run/lock/auspex-audit-tests.lock held by someone else for 280 s"
export AUSPEX_AUDIT_LOCK_HELD=1

work=$(mktemp -d /tmp/gen_corpus_test.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The fields gen-corpus.sh promises to restore, plus the rules.
snapshot() {
  auditctl -s | awk '$1 ~ /^(enabled|failure|pid|rate_limit|backlog_limit|backlog_wait_time)$/ { print $1, $2 }'
  auditctl -l
}
check_restored() { # check_restored WHAT
  local now
  now=$(snapshot)
  [ "$now" = "$before" ] || fail "$1: audit state not restored: before: $before; after: $now"
  if pgrep -f 'auditd -n -c /tmp/auspex-gen-corpus' >/dev/null; then
    fail "$1: an auditd of gen-corpus.sh is still running: $(pgrep -af 'auditd -n -c /tmp/auspex-gen-corpus')"
  fi
  if pgrep -f gen-corpus-workload >/dev/null; then
    fail "$1: workload processes left: $(pgrep -af gen-corpus-workload)"
  fi
  ok "$1: audit state restored ($(tr '\n' ' ' <<<"$now"))"
}

before=$(snapshot)
pid0=$(auditctl -s | awk '$1 == "pid" { print $2 }')
[ "$pid0" = 0 ] || fail "an audit daemon is registered (pid $pid0) before the test: not at rest"

# --- 1. tiny run ---------------------------------------------------------------------------
log=$work/gen.log
"$gen" --size-mb 1 --out "$log" >"$work/gen.out" 2>"$work/gen.err" 8>&- \
  || fail "gen-corpus.sh --size-mb 1 failed: $(cat "$work/gen.err")"
cat "$work/gen.err"
[ -s "$log" ] || fail "no log written at $log"
size=$(stat -c %s "$log")
((size >= 1048576)) || fail "log is $size bytes, asked for 1 MiB"
grep -qE 'lost ([0-9]+) before, \1 after' "$work/gen.err" || fail "the kernel lost records: $(grep lost "$work/gen.err")"
check_restored "tiny run"

# Records of one event are contiguous unless another event's records came in between.
read -r events multi interleaved < <(awk '
  match($0, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/) {
    id = substr($0, RSTART + 10, RLENGTH - 11)
    n[id]++
    if (id != prev) { if (id in seen) split_ev[id] = 1; seen[id] = 1 }
    prev = id
  }
  END { m = 0; for (id in n) if (n[id] > 1) m++; i = 0; for (id in split_ev) i++
        print length(n), m, i }' "$log")
echo "gen_corpus_test: $events events, $multi with several records, $interleaved interleaved"
((multi > 100)) || fail "only $multi multi-record events"
((interleaved > 0)) || fail "no event has records interleaved with another's: workload not concurrent?"

for t in SYSCALL EXECVE BPRM_FCAPS CWD PATH PROCTITLE SOCKADDR LOGIN USER_CMD USER_ACCT USER_START DAEMON_START DAEMON_END; do
  grep -q "^type=$t " "$log" || fail "no $t record in the log"
done
grep -q 'type=EXECVE .* a[0-9]*_len=' "$log" || fail "no EXECVE arg split into aN_len/aN[i]"
# an event with several EXECVE records
awk '/^type=EXECVE / { match($0, /:[0-9]+\)/); c[substr($0, RSTART, RLENGTH)]++ }
     END { for (k in c) if (c[k] > 1) exit 0; exit 1 }' "$log" || fail "no event with several EXECVE records"
grep -q 'type=PATH .* name=[0-9A-F][0-9A-F]* ' "$log" || fail "no hex-encoded PATH name"
for e in -2 -13 -1; do # ENOENT, EACCES, EPERM from open/openat
  grep -qE "type=SYSCALL .* syscall=(2|257) success=no exit=$e " "$log" || fail "no failed open with exit=$e"
done
grep -qE 'type=SYSCALL .* syscall=42 success=no exit=-111 ' "$log" || fail "no refused connect"
grep -qE 'type=SYSCALL .* syscall=49 ' "$log" || fail "no bind"
grep -qE 'type=SYSCALL .* syscall=112 ' "$log" || fail "no setsid"
grep -qE 'type=SYSCALL .* syscall=231 ' "$log" || fail "no exit_group"
grep -qE 'type=SYSCALL .* syscall=322 ' "$log" || fail "no execveat"
grep -q 'nametype=CREATE' "$log" || fail "no watched create (-w)"
grep -q "^type=USER_CMD .* msg='cwd=.* res=success'\$" "$log" || fail "no complete USER_CMD msg='...' record"
ok "tiny run: log has the expected mix ($size bytes)"

# --- 2. interrupted run --------------------------------------------------------------------
# Job control so the background script keeps SIGINT (a non-interactive shell's background
# jobs start with SIGINT ignored, and bash cannot trap a signal ignored on entry).
set -m
"$gen" --size-mb 100000 --out "$work/interrupted.log" >"$work/int.out" 2>"$work/int.err" 8>&- &
gpid=$!
for _ in $(seq 100); do # until the workload runs (auditd registered, rules loaded)
  grep -q 'workers; target' "$work/int.err" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -INT "$gpid"
rc=0
wait "$gpid" || rc=$?
set +m
cat "$work/int.err"
[ "$rc" = 130 ] || fail "interrupted gen-corpus.sh exited $rc, expected 130"
[ ! -e "$work/interrupted.log" ] || fail "an interrupted run left its output file"
compgen -G "$work/.interrupted.log.tmp.*" >/dev/null && fail "an interrupted run left its temporary log"
check_restored "interrupted run"
echo "gen_corpus_test: PASS"
