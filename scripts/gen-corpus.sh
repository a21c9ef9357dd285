#!/usr/bin/env bash
# Generates a large REAL raw audit log on this machine, auditd being the writer, for the
# benchmarks (bench/replay.sh) and for tests that want real interleaving.
#
#   scripts/gen-corpus.sh [--size-mb N] [--out FILE] [--rate-mb R] [--workers N] [--timeout SEC]
#
#   --size-mb N    stop once the log has reached N MiB (default 40)
#   --out FILE     where the finished log goes (default build/corpus/gen.log); written to a
#                  temporary name next to it and renamed at the end, so it never lands
#                  half-written; an interrupted run leaves no output
#   --rate-mb R    hold the log's growth to R MiB/s (default 4; 0 = as fast as the machine
#                  goes, ~25 MiB/s here). Unthrottled, 40 MiB span under 2 s of log time, so
#                  a reader's 2 s event timeout never fires before end of input; at 4 MiB/s a
#                  40 MiB log spans ~10 s, closer to a real busy host
#   --workers N    parallel workload processes (default 4: half root, half uid 65534)
#   --timeout SEC  give up (exit 1, no output) if the size is not reached in time (default 900)
#
# What it does (root only, touches kernel audit state):
#   1. a private auditd.conf in a temp dir (log_format=RAW, no rotation, no dispatcher
#      plugins, flush=incremental_async), `auditd -n -c DIR` in the background;
#   2. backlog_limit raised (default 8192) so the kernel does not drop records;
#   3. rules with key auspex_gen, all filtered on one login uid (AUSPEX_GEN_AUID, default
#      4242) that the workload sets on itself, so other users of the machine are not recorded:
#      execve/execveat, exit_group, setsid, open/openat failing with EACCES/EPERM/ENOENT,
#      connect/bind, and a -w watch (-p wa) on a temp dir;
#   4. a concurrent workload (scripts/gen-corpus-workload.c, compiled here with cc) until the
#      log reaches the size: records of concurrent events interleave in the log, execs carry
#      long argv (split into aN_len/aN[i] and several EXECVE records) and args with quotes,
#      spaces, newlines and non-ASCII bytes (hex-encoded by the kernel), and userspace
#      USER_CMD/USER_ACCT/USER_START messages (msg='...') sent over the audit socket;
#   5. on EVERY exit path (trap EXIT, INT, TERM): workers stopped, our rules deleted
#      (auditctl -D -k auspex_gen), auditd stopped by its pid, enabled / failure / rate_limit /
#      backlog_limit / backlog_wait_time put back, then checked against the values read at
#      start (auditctl -s, auditctl -l); a mismatch is an error (exit 3).
# A SIGKILL of this script cannot be trapped: the workers die with it (PDEATHSIG), but auditd
# and the rules stay; `auditctl -D -k auspex_gen; kill <auditd pid>; auditctl -e 0` then.
#
# Refuses to run when an audit daemon is already registered (pid != 0) or the audit config
# is locked (enabled 2). Serialised with the kernel tests by flock on
# /run/lock/auspex-audit-tests.lock (the lock of tests/netlink/audit_reset.h).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prog=gen-corpus.sh

size_mb=40
out=$here/build/corpus/gen.log
workers=4
timeout_s=900
rate_mb=4
auid=${AUSPEX_GEN_AUID:-4242}
backlog_run=${AUSPEX_GEN_BACKLOG:-8192}
key=auspex_gen

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; }

while (($#)); do
  case $1 in
    --size-mb) size_mb=${2:?--size-mb needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    --rate-mb) rate_mb=${2:?--rate-mb needs a number}; shift 2 ;;
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
done
[[ $size_mb =~ ^[0-9]+$ && $size_mb -ge 1 ]] || die "--size-mb must be a whole number >= 1, got '$size_mb'"
[[ $workers =~ ^[0-9]+$ && $workers -ge 1 ]] || die "--workers must be >= 1, got '$workers'"
[[ $rate_mb =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--rate-mb must be a number (MiB/s, 0 = unthrottled), got '$rate_mb'"
[[ $timeout_s =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds, got '$timeout_s'"

[ "$(id -u)" -eq 0 ] || die "must run as root (it loads audit rules and starts auditd)"
for tool in auditd auditctl cc flock; do
  command -v "$tool" >/dev/null || die "'$tool' not found (scripts/setup.sh installs auditd and the toolchain)"
done

# --- audit state at start ----------------------------------------------------------------
# shellcheck source=lib/audit-state.sh
. "$here/scripts/lib/audit-state.sh"
audit_take_lock
audit_save_state
[ "$audit0_pid" = 0 ] || die "an audit daemon is already registered (pid $audit0_pid): stop it first"
grep -q -- "key=$key" <<<"$audit0_rules" && die "rules with key $key already loaded (a previous run killed with SIGKILL?): auditctl -D -k $key"

out_dir=$(dirname "$out")
mkdir -p "$out_dir" || die "cannot create output directory $out_dir"
out_dir=$(cd "$out_dir" && pwd)
out=$out_dir/$(basename "$out")
log_tmp=$out_dir/.$(basename "$out").tmp.$$

tmp=$(mktemp -d /tmp/auspex-gen-corpus.XXXXXX)
auditd_pid=
worker_pids=()
cleaned=0
restore_failed=0

# --- restore on every path ---------------------------------------------------------------
cleanup() {
  local rc=$?
  ((cleaned)) && return
  cleaned=1
  set +e
  trap '' INT TERM
  local p
  for p in "${worker_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${worker_pids[@]}"; do wait "$p" 2>/dev/null; done

  if auditctl -l 2>/dev/null | grep -q -- "key=$key"; then
    auditctl -D -k "$key" >/dev/null || { say "ERROR: auditctl -D -k $key failed"; restore_failed=1; }
  fi
  # Let kauditd hand auditd what is still queued before auditd goes.
  for _ in $(seq 50); do
    [ "$(audit_field backlog)" = 0 ] && break
    sleep 0.1
  done
  if [ -n "$auditd_pid" ] && kill -0 "$auditd_pid" 2>/dev/null; then
    kill -TERM "$auditd_pid"
    for _ in $(seq 100); do kill -0 "$auditd_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$auditd_pid" 2>/dev/null; then
      say "auditd (pid $auditd_pid) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$auditd_pid"
    fi
    wait "$auditd_pid" 2>/dev/null
  fi

  wait_actual_run=$(audit_field backlog_wait_time_actual)
  audit_put_back || { say "ERROR: auditctl failed while restoring the status"; restore_failed=1; }
  audit_check_back || restore_failed=1
  local lost1
  lost1=$(audit_field lost "$audit1_status")
  say "audit state restored: enabled $(audit_field enabled "$audit1_status") pid $(audit_field pid "$audit1_status") backlog_limit $(audit_field backlog_limit "$audit1_status"); rules: $(head -1 <<<"$audit1_rules"); lost $audit0_lost before, $lost1 after; tasks waited on the full backlog ${wait_actual_run:-?} jiffies"
  if [ "$lost1" != "$audit0_lost" ]; then
    say "WARNING: the kernel lost $((lost1 - audit0_lost)) records during the run: the log is missing events"
  fi

  if [ -n "${AUSPEX_GEN_KEEP_TMP:-}" ]; then
    say "kept temp dir $tmp"
  else
    rm -rf "$tmp"
  fi
  rm -f "$log_tmp"
  if ((restore_failed)); then
    say "ERROR: audit state NOT fully restored (see above)"
    exit 3
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted (SIGINT): cleaning up"; exit 130' INT
trap 'say "terminated (SIGTERM): cleaning up"; exit 143' TERM

# --- workload binary and the dirs it uses --------------------------------------------------
chmod 0711 "$tmp" # uid 65534 may traverse (EACCES comes from secret's mode, not the dir)
cc -O2 -Wall -o "$tmp/gen-corpus-workload" "$here/scripts/gen-corpus-workload.c" \
  || die "cannot compile scripts/gen-corpus-workload.c"
chmod 0755 "$tmp/gen-corpus-workload"
mkdir "$tmp/watch" "$tmp/plugins" "$tmp/conf"
chmod 0777 "$tmp/watch"
echo secret >"$tmp/secret" && chmod 0600 "$tmp/secret"
echo public >"$tmp/pub" && chmod 0644 "$tmp/pub"
# The denied opens need uid 65534 to reach pub (EPERM, not EACCES): every parent of $tmp
# must be searchable by others (a /tmp of mode 0700 was seen on this machine once).
setpriv --reuid=65534 --regid=65534 --clear-groups test -r "$tmp/pub" \
  || die "uid 65534 cannot read $tmp/pub: a parent directory is not searchable by others (/tmp is $(stat -c %A /tmp); expected drwxrwxrwt)"

# --- auditd with a private config (scripts/lib/audit-state.sh) ------------------------------
audit_write_auditd_conf "$tmp/conf" "$log_tmp" "$tmp/plugins"

auditd -n -c "$tmp/conf" >"$tmp/auditd.out" 2>&1 9>&- &
auditd_pid=$!
audit_wait_registered "$auditd_pid" "$tmp/auditd.out"

auditctl -b "$backlog_run" >/dev/null || die "auditctl -b $backlog_run failed"
rules=(
  "-a always,exit -F arch=b64 -S execve,execveat -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S exit_group -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S setsid -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S open,openat -F exit=-EPERM -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S open,openat -F exit=-ENOENT -F auid=$auid -k $key"
  "-a always,exit -F arch=b64 -S connect,bind -F auid=$auid -k $key"
  "-w $tmp/watch -p wa -k $key"
)
for r in "${rules[@]}"; do
  # shellcheck disable=SC2086 # each rule is a word list on purpose
  auditctl $r >/dev/null || die "auditctl $r failed"
done

# --- workload until the size is reached ----------------------------------------------------
target=$((size_mb * 1024 * 1024))
rate_bytes=$(awk -v r="$rate_mb" 'BEGIN { printf "%d", r * 1048576 }')
rate_label="$rate_mb MiB/s"
((rate_bytes > 0)) || rate_label="full speed"
say "auditd pid $auditd_pid writing $log_tmp; $workers workers; target $size_mb MiB at $rate_label"
t0=$EPOCHREALTIME
for ((w = 1; w <= workers; w++)); do
  role=root
  ((w % 2 == 0)) && role=nobody
  AUSPEX_GEN_AUID=$auid AUSPEX_GEN_LOG=$log_tmp AUSPEX_GEN_RATE=$rate_bytes "$tmp/gen-corpus-workload" worker "$role" "$w" "$tmp" 9>&- &
  worker_pids+=($!)
done

size=0
last_report=0
while :; do
  size=$(stat -c %s "$log_tmp" 2>/dev/null || echo 0)
  ((size >= target)) && break
  kill -0 "$auditd_pid" 2>/dev/null || die "auditd (pid $auditd_pid) died: $(tail -5 "$tmp/auditd.out")"
  alive=0
  for p in "${worker_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
  ((alive > 0)) || die "every workload process exited before the log reached $size_mb MiB"
  elapsed=$((EPOCHSECONDS - ${t0%.*}))
  ((elapsed <= timeout_s)) || die "log only $((size / 1048576)) MiB after $timeout_s s (--timeout)"
  if ((elapsed >= last_report + 10)); then
    last_report=$elapsed
    say "$((size / 1048576)) MiB after ${elapsed} s, backlog $(audit_field backlog)"
  fi
  sleep 0.05
done

# Stop the workload and drain through the normal cleanup, then keep the log.
for p in "${worker_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
for p in "${worker_pids[@]}"; do wait "$p" 2>/dev/null || true; done
worker_pids=()
t1=$EPOCHREALTIME
auditctl -D -k "$key" >/dev/null || die "auditctl -D -k $key failed"
for _ in $(seq 50); do [ "$(audit_field backlog)" = 0 ] && break; sleep 0.1; done
kill -TERM "$auditd_pid"
for _ in $(seq 100); do kill -0 "$auditd_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$auditd_pid" 2>/dev/null && die "auditd (pid $auditd_pid) still running 10 s after SIGTERM"
wait "$auditd_pid" 2>/dev/null || true
auditd_pid=
tail -1 "$log_tmp" | grep -q '^type=DAEMON_END ' || die "auditd did not finish its log with DAEMON_END: log incomplete"
chmod 0644 "$log_tmp"
mv -f "$log_tmp" "$out"

bytes=$(stat -c %s "$out")
lines=$(wc -l <"$out")
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
say "wrote $out: $bytes bytes, $lines records in ${secs} s ($(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }') MiB/s)"
echo "$out"
