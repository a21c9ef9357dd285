#!/usr/bin/env bash
# Live figures, auspex vs auditd, in ONE run (issues 5 and 7): the same workload at each
# rate, first with auditd writing its RAW log to disk, then with `auspex run` writing ECS
# documents with session metadata to a file. Root; changes kernel audit state and puts it
# back. Not run in CI (long); tests/scripts/live_bench_test.sh runs it for 3 s.
#
#   bench/live.sh [--seconds T] [--rates "2000 10000 0"] [--workers N] [--opens-per-exec K]
#                 [--repeat N] [--json FILE]
#
#   --seconds T         workload time per rate and collector (default 10)
#   --rates "R ..."     total events/s the workload aims at; 0 = as fast as it goes
#                       (default "2000 10000 0")
#   --workers N         workload processes (default 2: both vCPUs)
#   --opens-per-exec K  failed opens per fork+exec of /bin/true (default 200)
#   --repeat N          rounds per rate (default 1): auditd, auspex (and variants), again N
#                       times; a round's ratio is the two collectors' back to back, and
#                       per rate the median, smallest and largest round ratio are printed
#                       (one round swings by +-15 % on this shared VM)
#   --json FILE         also write the summary JSON line to FILE
#   --variants "V ..."  also run auspex in these variants after the default, at each rate, to
#                       split its cost (extra rows, not in the ratios): noraw
#                       (include_raw_message false), shards1 (one reassembly/format worker),
#                       shards0 (no workers: the reader thread reassembles, formats, writes),
#                       delayN (max_read_delay_ms N, 0-1000; the default is 40:
#                       delay100 gives larger batches and more latency),
#                       nosession (no add_session_metadata; the
#                       Session View rules given inline, so the kernel rules stay the same)
#   AUSPEX=path         the auspex binary (default build/auspex)
#
# Workload (bench/live-workload.c, compiled here with cc): sets its own login uid N
# (/proc/self/loginuid) so only its own calls match the bench rules, then N workers do
# batches of one fork+exec of /bin/true and K opens of a missing path, throttled to the rate.
# Events it causes under login uid N: one execve and one exit_group per exec, one openat per
# open, and one exit_group per worker and for the workload itself.
#
# Rules, the same for both collectors (kernel order):
#   the three Session View rules (execve/execveat -k exec, exit_group, setsid; no filter),
#     which auspex puts first itself when add_session_metadata is on, so auditd gets them too
#     and both see the same kernel load (other processes of the machine included);
#   -a always,exit -F arch=b64 -S execve -F auid=N -k bench_exec
#   -a always,exit -F arch=b64 -S openat -F exit=-ENOENT -F auid=N -k bench_open
# (the workload's execs match the first, unfiltered exec rule, so they carry key `exec`:
# workload events are counted by login uid N and syscall, not by key).
# Kernel settings, the same for both (auspex's defaults): backlog_limit 8192,
# backlog_wait_time 0 (audited tasks never wait: a full backlog is counted in `lost`),
# failure 0, rate_limit 0.
#
# auditd: private auditd.conf in a temp dir (log_format RAW, flush incremental_async, no
# dispatcher plugins, no rotation; as scripts/gen-corpus.sh), `auditd -n -c DIR`, stopped
# by its pid. auspex: `auspex run --config CFG --output FILE`, processors
# add_session_metadata (backend auto); SIGTERM stops it and it restores the kernel itself.
#
# Per collector and rate: events caused, workload events received (auditd: SYSCALL records
# with auid=N and syscall execve/openat/exit_group in its log; auspex: documents with
# user.audit.id N and those syscalls), all events written, kernel `lost` before/after (and
# auspex's own enobufs/dropped_records), CPU seconds of the collector (utime+stime of all
# its threads, + cutime+cstime, /proc/PID/stat) from "receiving" to just before the stop,
# CPU us per event written, per 1,000 events, events/s, auspex p50/p99 latency (its final
# stats line). Then the ratios and the first rate at which each loses.
#
# Kernel hygiene: trap EXIT INT TERM; on every path the workload and the collectors are
# stopped, our rules deleted, enabled/failure/rate_limit/backlog_limit/backlog_wait_time put
# back and pid back to 0, then `auditctl -s` / `auditctl -l` compared with the start: a
# mismatch exits 3. Refuses to start when a live process holds the audit pid, when the
# config is locked, or when rules are loaded (auspex replaces all rules). Holds
# /run/lock/auspex-audit-tests.lock (the kernel tests' lock); AUSPEX_AUDIT_LOCK_HELD=1 when
# the caller holds it. A SIGKILL of this script cannot be trapped: then `auditctl -D`, kill
# the auditd/auspex it started, `auditctl -e 0 -b 64 --backlog_wait_time 15000 -f 1`.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prog=live.sh

seconds=10
rates="2000 10000 0"
workers=2
per_exec=200
json_out=
variants=
repeat=1
auspex=${AUSPEX:-$here/build/auspex}
backlog_run=8192

die() { echo "$prog: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; }

while (($#)); do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
    --rates) rates=${2:?--rates needs a list}; shift 2 ;;
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    --opens-per-exec) per_exec=${2:?--opens-per-exec needs a number}; shift 2 ;;
    --json) json_out=${2:?--json needs a file}; shift 2 ;;
    --variants) variants=${2:?--variants needs a list}; shift 2 ;;
    --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
done
[[ $seconds =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--seconds must be a number, got '$seconds'"
[[ $workers =~ ^[0-9]+$ && $workers -ge 1 ]] || die "--workers must be >= 1, got '$workers'"
[[ $per_exec =~ ^[0-9]+$ ]] || die "--opens-per-exec must be a whole number, got '$per_exec'"
[[ $repeat =~ ^[0-9]+$ && $repeat -ge 1 && $repeat -le 20 ]] || die "--repeat must be 1 to 20 rounds, got '$repeat'"
for r in $rates; do [[ $r =~ ^[0-9]+$ ]] || die "--rates: '$r' is not a whole number of events/s"; done
[ -n "$rates" ] || die "--rates is empty"
for v in $variants; do
  case $v in
    noraw|nosession|shards1|shards0) ;;
    delay*) [[ ${v#delay} =~ ^[0-9]+$ && ${v#delay} -le 1000 ]] || die "--variants: '$v': delayN needs N from 0 to 1000 (max_read_delay_ms)" ;;
    *) die "--variants: unknown variant '$v' (noraw, nosession, shards1, shards0, delayN)" ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root (loads audit rules, starts auditd and auspex)"
for tool in auditd auditctl cc flock awk; do
  command -v "$tool" >/dev/null || die "'$tool' not found (scripts/setup.sh installs auditd and the toolchain)"
done
[ -x "$auspex" ] || die "auspex binary $auspex missing (ninja -C build auspex, or AUSPEX=path)"
clk_tck=$(getconf CLK_TCK)

# shellcheck source=../scripts/lib/audit-state.sh
. "$here/scripts/lib/audit-state.sh"
audit_take_lock
audit_save_state
if [ "$audit0_pid" != 0 ]; then
  kill -0 "$audit0_pid" 2>/dev/null \
    && die "the audit pid is held by live process $audit0_pid ($(tr '\0' ' ' <"/proc/$audit0_pid/cmdline" 2>/dev/null)): stop it first"
  say "audit pid $audit0_pid is stale (no such process): the collectors take it over; expect pid 0 at the end"
fi
[ "$audit0_rules" = "No rules" ] || die "audit rules are loaded (auspex run would replace them): $(head -3 <<<"$audit0_rules")"

auid=$((3100000 + $$))
tmp=$(mktemp -d /tmp/auspex-live.XXXXXX)
collector_pid=
collector_kind=
workload_pid=
cleaned=0
restore_failed=0

session_rules=(
  "-a always,exit -F arch=b64 -S execve,execveat -k exec"
  "-a always,exit -F arch=b64 -S exit_group"
  "-a always,exit -F arch=b64 -S setsid"
)
bench_rules=(
  "-a always,exit -F arch=b64 -S execve -F auid=$auid -k bench_exec"
  "-a always,exit -F arch=b64 -S openat -F exit=-ENOENT -F auid=$auid -k bench_open"
)

# Deletes the rules this script or a killed auspex left; there were none at start.
delete_our_rules() {
  local r now
  for r in "${bench_rules[@]}" "${session_rules[@]}"; do
    # shellcheck disable=SC2086 # each rule is a word list on purpose
    auditctl ${r/-a /-d } >/dev/null 2>&1 || true
  done
  now=$(auditctl -l)
  if [ "$now" != "No rules" ]; then
    say "rules left after deleting ours (a killed auspex's?): $(tr '\n' ';' <<<"$now"); auditctl -D"
    auditctl -D >/dev/null || { say "ERROR: auditctl -D failed"; return 1; }
  fi
}

stop_collector() {
  [ -n "$collector_pid" ] || return 0
  if kill -0 "$collector_pid" 2>/dev/null; then
    kill -TERM "$collector_pid"
    for _ in $(seq 150); do kill -0 "$collector_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$collector_pid" 2>/dev/null; then
      say "$collector_kind (pid $collector_pid) ignored SIGTERM for 15 s: SIGKILL"
      kill -KILL "$collector_pid"
    fi
  fi
  wait "$collector_pid" 2>/dev/null || true
  collector_pid=
}

# Puts every status field back to its value at start (scripts/lib/audit-state.sh).
restore_state() { audit_put_back; }

cleanup() {
  local rc=$?
  ((cleaned)) && return
  cleaned=1
  set +e
  trap '' INT TERM
  if [ -n "$workload_pid" ]; then
    kill -TERM "$workload_pid" 2>/dev/null # its workers die with it (PDEATHSIG)
    wait "$workload_pid" 2>/dev/null
  fi
  if [ "$collector_kind" = auditd ]; then delete_our_rules || restore_failed=1; fi
  stop_collector
  delete_our_rules || restore_failed=1
  restore_state || { say "ERROR: auditctl failed while restoring the status"; restore_failed=1; }

  audit_check_back || restore_failed=1
  say "audit state restored: $(awk '$1 ~ /^(enabled|failure|pid|rate_limit|backlog_limit|backlog_wait_time)$/ { printf "%s %s ", $1, $2 }' <<<"$audit1_status"); rules: $(head -1 <<<"$audit1_rules")"
  if [ -n "${AUSPEX_LIVE_KEEP_TMP:-}" ]; then say "kept temp dir $tmp"; else rm -rf "$tmp"; fi
  if ((restore_failed)); then
    say "ERROR: audit state NOT fully restored (see above)"
    exit 3
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted (SIGINT): cleaning up"; exit 130' INT
trap 'say "terminated (SIGTERM): cleaning up"; exit 143' TERM

cc -O2 -Wall -o "$tmp/live-workload" "$here/bench/live-workload.c" \
  || die "cannot compile bench/live-workload.c"

# CPU ticks of a process: utime+stime (all threads) + cutime+cstime (waited children).
cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat") || die "cannot read /proc/$1/stat ($2 gone?)"
  s=${s##*) }
  awk '{ print $12 + $13 + $14 + $15 }' <<<"$s"
}

# CPU nanoseconds of a process's live threads (the first field of each thread's schedstat:
# the scheduler's own runtime). Ticks (above) come in 10 ms steps: 0.18 s of CPU in a
# 20 s exec-heavy run is then only good to ~5 %. Threads that ended are not in it: measure
# checks it against cpu_ticks.
cpu_ns() {
  local t a sum=0
  for t in /proc/"$1"/task/*/schedstat; do
    read -r a _ <"$t" 2>/dev/null || continue
    sum=$((sum + a))
  done
  echo "$sum"
}

# CPU ticks and minor page faults per thread name of a process ("name ticks faults" lines,
# threads of one name summed): which part of the collector spends the CPU (auspex names its
# threads).
thread_ticks() {
  local t s
  for t in /proc/"$1"/task/*; do
    s=$(cat "$t/stat" 2>/dev/null) || continue
    printf '%s %s\n' "$(cat "$t/comm" 2>/dev/null | tr ' ' _)" "$(awk '{ print $12 + $13, $8 }' <<<"${s##*) }")"
  done | awk '{ t[$1] += $2; f[$1] += $3 } END { for (n in t) print n, t[n], f[n] }' | sort
}

# After the workload: waits until the kernel backlog is empty, then SETTLE s (default 3) for
# the collector to write what it holds. Not "until the output stops growing": the Session
# View rules record the rest of the machine too, so it never does on a shared host.
drain() {
  for _ in $(seq 200); do
    [ "$(audit_field backlog)" = 0 ] && break
    sleep 0.1
  done
  sleep "${AUSPEX_LIVE_SETTLE:-3}"
}

# Runs the workload at RATE; prints its line "opens O execs E exits X total T seconds S".
run_workload() {
  "$tmp/live-workload" "$auid" "$1" "$seconds" "$workers" "$per_exec" >"$tmp/workload.out" 9>&- &
  workload_pid=$!
  wait "$workload_pid" || die "live-workload failed (rate $1): $(cat "$tmp/workload.out")"
  workload_pid=
  cat "$tmp/workload.out"
}

set_run_settings() {
  auditctl -b "$backlog_run" >/dev/null || die "auditctl -b $backlog_run failed"
  auditctl --backlog_wait_time 0 >/dev/null || die "auditctl --backlog_wait_time 0 failed"
  auditctl -f 0 >/dev/null || die "auditctl -f 0 failed"
  auditctl -r 0 >/dev/null || die "auditctl -r 0 failed"
}

results=() # "collector rate caused received written lost cpu_s wall_s p50 p99 enobufs dropped round"
round=1
# A round's files: one directory per collector, rate and round.
round_dir() { if [ "$repeat" -gt 1 ]; then echo "$tmp/$1-$2-r$round"; else echo "$tmp/$1-$2"; fi; }

phase_auditd() { # phase_auditd RATE
  local rate=$1 d r
  d=$(round_dir auditd "$rate")
  mkdir -p "$d/conf" "$d/plugins"
  audit_write_auditd_conf "$d/conf" "$d/audit.log" "$d/plugins"
  collector_kind=auditd
  auditd -n -c "$d/conf" >"$d/auditd.out" 2>&1 9>&- &
  collector_pid=$!
  audit_wait_registered "$collector_pid" "$d/auditd.out"
  set_run_settings
  for r in "${session_rules[@]}" "${bench_rules[@]}"; do
    # shellcheck disable=SC2086 # each rule is a word list on purpose
    auditctl $r >/dev/null || die "auditctl $r failed"
  done
  measure auditd "$rate"
  delete_our_rules || die "cannot delete the bench rules"
  stop_collector
  restore_state || die "auditctl failed while restoring the status after auditd"
  grep -q '^type=DAEMON_END ' "$d/audit.log" || say "WARNING: auditd log $d/audit.log has no DAEMON_END"
  # Workload events: SYSCALL records of login uid N with its three syscalls; all events:
  # distinct kernel event ids (auditd's own DAEMON_* records left out).
  local counts
  counts=$(awk -v auid="$auid" '
    /^type=DAEMON_/ { next }
    { if (match($0, /msg=audit\([0-9.]+:[0-9]+\)/)) ids[substr($0, RSTART, RLENGTH)] = 1 }
    /^type=SYSCALL / && index($0, " auid=" auid " ") && ($0 ~ / syscall=(59|257|231) /) { w++ }
    END { print w + 0, length(ids) }' "$d/audit.log")
  finish_row auditd "$rate" "${counts% *}" "${counts#* }" - - 0 0
  [ -n "${AUSPEX_LIVE_KEEP_TMP:-}" ] || rm -f "$d/audit.log"*
}

phase_auspex() { # phase_auspex RATE [VARIANT]
  local rate=$1 variant=${2:-} d kind=auspex rules extra
  [ -z "$variant" ] || kind=auspex-$variant
  d=$(round_dir "$kind" "$rate")
  mkdir -p "$d"
  rules="${bench_rules[0]}\\n${bench_rules[1]}\\n"
  extra=', "processors": [{"add_session_metadata": {"backend": "auto"}}]'
  case $variant in
    noraw) extra+=', "include_raw_message": false' ;;
    shards1) extra+=', "shards": 1' ;;
    shards0) extra+=', "shards": 0' ;;
    delay*) extra+=", \"max_read_delay_ms\": ${variant#delay}" ;;
    nosession)
      rules="${session_rules[0]}\\n${session_rules[1]}\\n${session_rules[2]}\\n$rules"
      extra= ;;
  esac
  printf '{"audit_rules": "%s", "backlog_limit": %s%s}\n' "$rules" "$backlog_run" "$extra" >"$d/cfg.json"
  collector_kind=auspex
  "$auspex" run --config "$d/cfg.json" --output "$d/out.ndjson" 2>"$d/err" 9>&- &
  collector_pid=$!
  for _ in $(seq 300); do
    grep -qx ready "$d/err" && break
    kill -0 "$collector_pid" 2>/dev/null || die "auspex run exited at start: $(cat "$d/err")"
    sleep 0.1
  done
  grep -qx ready "$d/err" || die "auspex run (pid $collector_pid) not ready after 30 s: $(cat "$d/err")"
  # Same settings as for auditd (auspex sets these itself from its defaults; say so if not).
  local st
  st=$(auditctl -s)
  [ "$(audit_field backlog_limit "$st")/$(audit_field backlog_wait_time "$st")" = "$backlog_run/0" ] \
    || say "WARNING: auspex runs with backlog_limit $(audit_field backlog_limit "$st") backlog_wait_time $(audit_field backlog_wait_time "$st")"
  measure "$kind" "$rate"
  stop_collector
  delete_our_rules || die "cannot delete rules left by auspex"
  restore_state || die "auditctl failed while restoring the status after auspex"
  local final p50 p99 enobufs dropped received written
  final=$(grep '^{"stats":"final"' "$d/err" | tail -1)
  [ -n "$final" ] || die "auspex printed no final stats line: $(tail -5 "$d/err")"
  p50=$(grep -o '"latency_ms":{"p50":[0-9.]*' <<<"$final" | sed 's/.*://')
  p99=$(grep -o '"latency_ms":{[^}]*' <<<"$final" | grep -o '"p99":[0-9.]*' | sed 's/.*://')
  enobufs=$(grep -o '"enobufs":[0-9]*' <<<"$final" | sed 's/.*://')
  dropped=$(grep -o '"dropped_records":[0-9]*' <<<"$final" | sed 's/.*://')
  say "$kind: ticks on the reader thread (quiet): $(grep -o '"quiet_ticks":[0-9]*' <<<"$final" | sed 's/.*://')"
  received=$(grep -F "\"user\":{\"audit\":{\"id\":\"$auid\"}" "$d/out.ndjson" \
    | grep -cE '"syscall":"(execve|openat|exit_group)"' || true)
  written=$(wc -l <"$d/out.ndjson")
  finish_row "$kind" "$rate" "$received" "$written" "$p50" "$p99" "$enobufs" "$dropped"
  [ -n "${AUSPEX_LIVE_KEEP_TMP:-}" ] || rm -f "$d/out.ndjson"
}

# measure KIND RATE: CPU and kernel lost around the workload and the drain after it.
# Starts with every earlier run's output on disk (sync): otherwise the page cache's writeback
# of what the run before wrote (up to 2 GB after 20,000 events/s) runs under this one, and
# the collector's own writes wait on it (unthrottled after 20,000/s: auspex's writer thread
# 1.4-1.6 s of CPU instead of 0.5-0.7, in whichever order the rates ran).
measure() {
  local cpu0 cpu1 ns0 ns1 lost0 lost1 w t0 t1 threads0
  sync
  lost0=$(audit_field lost)
  cpu0=$(cpu_ticks "$collector_pid" "$1")
  ns0=$(cpu_ns "$collector_pid")
  threads0=$(thread_ticks "$collector_pid")
  t0=$EPOCHREALTIME
  say "$1: rate ${2/#0/unthrottled} for $seconds s (pid $collector_pid)"
  w=$(run_workload "$2")
  drain
  cpu1=$(cpu_ticks "$collector_pid" "$1")
  ns1=$(cpu_ns "$collector_pid")
  t1=$EPOCHREALTIME
  # Per thread (threads that ended in between are not in the split).
  say "$1: cpu s (page faults) by thread: $(join -a2 -e0 -o 2.1,1.2,1.3,2.2,2.3 <(echo "$threads0") \
    <(thread_ticks "$collector_pid") | awk -v t="$clk_tck" '{ printf "%s %.2f (%d)  ", $1, ($4 - $2) / t, $5 - $3 }')"
  lost1=$(audit_field lost)
  m_caused=$(awk '{ print $8 }' <<<"$w")
  m_wl_secs=$(awk '{ print $10 }' <<<"$w")
  # The runtime in ns, unless the ticks say more than it by over 2 ticks and 5 % (a thread
  # that ended, a waited child): then the ticks, with a warning.
  local pick
  pick=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$clk_tck" -v n0="$ns0" -v n1="$ns1" 'BEGIN {
    ticks = (b - a) / t; ns = (n1 - n0) / 1e9
    if (ticks - ns > 2 / t && ticks > ns * 1.05) printf "ticks %.3f", ticks; else printf "ns %.3f", ns }')
  m_cpu=${pick#* }
  [ "${pick% *}" = ns ] \
    || say "$1: WARNING: CPU from ticks ($((cpu1 - cpu0)) ticks): the live threads' runtime says less (a thread ended?)"
  m_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  m_lost0=$lost0
  m_lost1=$lost1
  say "$1: workload: $w; kernel lost $lost0 -> $lost1; cpu ${m_cpu} s in ${m_wall} s"
}

finish_row() { # KIND RATE RECEIVED WRITTEN P50 P99 ENOBUFS DROPPED
  results+=("$1 $2 $m_caused $3 $4 $m_lost0 $m_lost1 $m_cpu $m_wl_secs $5 $6 $7 $8 $round")
}

say "login uid $auid; rates: $rates; $seconds s each; $workers workers, $per_exec opens per exec; $repeat round(s); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for rate in $rates; do
  for round in $(seq "$repeat"); do
    [ "$repeat" = 1 ] || say "rate $rate: round $round of $repeat"
    phase_auditd "$rate"
    phase_auspex "$rate"
    for v in $variants; do phase_auspex "$rate" "$v"; done
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- table and summary -----------------------------------------------------------------------
printf '%s\n' "${results[@]}" >"$tmp/results"
awk -v secs="$seconds" -v workers="$workers" -v per_exec="$per_exec" -v load="$load_end" \
    -v json_out="$json_out" -v rounds="$repeat" '
  function rl(r) { return r == 0 ? "max" : r }
  # The median of the n values in v[1..n] (sorted in place).
  function median(v, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function row_json(key, k) {
    s = "{\"caused\":" caused[key] ",\"received\":" recv[key] ",\"written\":" written[key] ",\"kernel_lost\":" lost[key] ",\"kernel_lost_before\":" lost0[key] ",\"kernel_lost_after\":" lost1[key] ",\"cpu_s\":" cpu[key] ",\"cpu_us_per_event\":" sprintf("%.2f", us[key]) ",\"events_per_s\":" sprintf("%.0f", eps[key])
    if (k ~ /^auspex/) s = s ",\"p50_ms\":" p50[key] ",\"p99_ms\":" p99[key] ",\"enobufs\":" enob[key] ",\"dropped_records\":" drop[key]
    return s "}"
  }
  {
    k = $1; r = $2; q = $14; key = k SUBSEP r SUBSEP q
    if (!(r in seen)) { seen[r] = 1; order[++n] = r }
    if (!(k in kseen)) { kseen[k] = 1; kinds[++nk] = k }
    caused[key] = $3; recv[key] = $4; written[key] = $5; lost[key] = $7 - $6; lost0[key] = $6; lost1[key] = $7
    cpu[key] = $8; wl[key] = $9; p50[key] = $10; p99[key] = $11; enob[key] = $12; drop[key] = $13
    us[key] = $5 > 0 ? $8 * 1e6 / $5 : 0
    eps[key] = $9 > 0 ? $4 / $9 : 0
    loses[key] = (lost[key] > 0 || $4 < $3 || $12 > 0 || $13 > 0)
  }
  END {
    printf "\nlive: %s s per rate and collector, %d workers, %d failed opens per fork+exec%s; load average at the end: %s\n", secs, workers, per_exec, (rounds > 1 ? ", " rounds " rounds" : ""), load
    printf "%-16s %6s %9s %9s %9s %21s %7s %9s %9s %9s %6s %6s%s\n", "collect", "rate", "caused", "received", "written", "kernel lost (delta)", "cpu s", "us/event", "cpu s/1k", "events/s", "p50ms", "p99ms", (rounds > 1 ? " round" : "")
    for (i = 1; i <= n; i++) {
      r = order[i]
      for (q = 1; q <= rounds; q++) for (j = 1; j <= nk; j++) {
        k = kinds[j]; key = k SUBSEP r SUBSEP q
        if (!(key in caused)) continue
        printf "%-16s %6s %9d %9d %9d %21s %7.3f %9.1f %9.4f %9.0f %6s %6s%s%s\n", k, rl(r), caused[key], recv[key], written[key], lost0[key] "->" lost1[key] " (" lost[key] ")", cpu[key], us[key], us[key] / 1000, eps[key], p50[key], p99[key], (rounds > 1 ? sprintf(" %6d", q) : ""), (loses[key] ? "  LOSS" : "")
      }
    }
    printf "(caused/received: the workload'"'"'s events, by login uid; written: every event the collector wrote, other processes'"'"' execs/exits included; us/event and cpu s/1k: collector CPU over written events; events/s: received / workload seconds; lost: kernel lost delta; auspex LOSS also counts enobufs and queue drops)\n"
    js = "{\"bench\":\"live\",\"seconds\":" secs ",\"workers\":" workers ",\"opens_per_exec\":" per_exec (rounds > 1 ? ",\"repeat\":" rounds : "") ",\"rates\":["
    for (i = 1; i <= n; i++) {
      r = order[i]
      delete cr; delete er
      all = 1; short = ""; rj = ""
      for (q = 1; q <= rounds; q++) {
        a = "auditd" SUBSEP r SUBSEP q; b = "auspex" SUBSEP r SUBSEP q
        cr[q] = us[a] > 0 ? us[b] / us[a] : 0
        er[q] = eps[a] > 0 ? eps[b] / eps[a] : 0
        if (recv[b] < recv[a]) { all = 0; short = short (short ? ", " : "") "round " q ": " recv[b] " of " recv[a] }
        if (rounds > 1)
          printf "rate %s round %d: auspex/auditd CPU per event %.2f, events/s %.2f; auspex received %s of auditd'"'"'s %d\n", rl(r), q, cr[q], er[q], (recv[b] >= recv[a] ? "all" : recv[b]), recv[a]
        else
          printf "rate %s: auspex/auditd CPU per event %.2f, events/s %.2f; auspex received %s of auditd'"'"'s %d\n", rl(r), cr[q], er[q], (recv[b] >= recv[a] ? "all" : recv[b]), recv[a]
        if (!first_a && loses[a]) first_a = rl(r)
        if (!first_b && loses[b]) first_b = rl(r)
        rj = rj (q > 1 ? "," : "")
        rj = rj "{"
        sep = ""
        for (j = 1; j <= nk; j++) {
          k = kinds[j]; key = k SUBSEP r SUBSEP q
          if (!(key in caused)) continue
          rj = rj sep "\"" k "\":" row_json(key, k); sep = ","
        }
        rj = rj ",\"cpu_per_event_ratio\":" sprintf("%.3f", cr[q]) ",\"events_per_s_ratio\":" sprintf("%.3f", er[q]) "}"
      }
      js = js (i > 1 ? "," : "") "{\"rate\":" r
      if (rounds > 1) {
        lo = cr[1]; hi = cr[1]
        for (q = 2; q <= rounds; q++) { if (cr[q] < lo) lo = cr[q]; if (cr[q] > hi) hi = cr[q] }
        med = median(cr, rounds); emed = median(er, rounds)
        printf "rate %s: median auspex/auditd CPU per event %.2f over %d rounds (%.2f to %.2f), events/s %.2f; auspex received %s\n", rl(r), med, rounds, lo, hi, emed, all ? "all of auditd'"'"'s in every round" : "less than auditd in " short
        js = js ",\"rounds\":[" rj "],\"cpu_per_event_ratio\":" sprintf("%.3f", med) ",\"cpu_per_event_ratio_min\":" sprintf("%.3f", lo) ",\"cpu_per_event_ratio_max\":" sprintf("%.3f", hi) ",\"events_per_s_ratio\":" sprintf("%.3f", emed) "}"
      } else {
        js = js "," substr(rj, 2)
      }
    }
    printf "first rate with loss: auditd %s, auspex %s\n", first_a ? first_a : "none", first_b ? first_b : "none"
    js = js "],\"first_loss_rate\":{\"auditd\":\"" (first_a ? first_a : "none") "\",\"auspex\":\"" (first_b ? first_b : "none") "\"}}"
    print js
    if (json_out != "") print js > json_out
  }' "$tmp/results"
