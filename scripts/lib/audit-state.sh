# Sourced by scripts and benchmarks that change the kernel's audit state (gen-corpus.sh,
# bench/live.sh): take the lock the kernel tests take, note the state at start, put every
# setting back and check that it is back; and run a private auditd. Needs `say` and `die`
# from the caller.

# audit_field NAME [STATUS_TEXT]: one field of `auditctl -s` (read now when no text is given).
audit_field() {
  awk -v k="$1" '$1 == k { print $2; exit }' <<<"${2:-$(auditctl -s)}"
}

# The lock the kernel tests take (tests/netlink/audit_reset.h, kAuditLockPath): ctest's
# RESOURCE_LOCK covers one ctest run only, and several build dirs share this machine.
# AUSPEX_AUDIT_LOCK_HELD=1: the caller (a ctest script) holds it already. Uses fd 9.
audit_take_lock() {
  local lock=/run/lock/auspex-audit-tests.lock
  [ "${AUSPEX_AUDIT_LOCK_HELD:-0}" = 1 ] && return 0
  exec 9>"$lock"
  if ! flock -n 9; then
    say "waiting up to 600 s for $lock (a kernel test is using audit)"
    flock -w 600 9 || die "$lock still held after 600 s"
  fi
}

# Notes the state at start in audit0_{status,enabled,failure,pid,rate,backlog,wait,
# wait_actual,lost,rules}; refuses a locked configuration.
audit_save_state() {
  audit0_status=$(auditctl -s) || die "auditctl -s failed: is CONFIG_AUDIT on and are we root?"
  audit0_enabled=$(audit_field enabled "$audit0_status")
  audit0_failure=$(audit_field failure "$audit0_status")
  audit0_pid=$(audit_field pid "$audit0_status")
  audit0_rate=$(audit_field rate_limit "$audit0_status")
  audit0_backlog=$(audit_field backlog_limit "$audit0_status")
  audit0_wait=$(audit_field backlog_wait_time "$audit0_status")
  audit0_wait_actual=$(audit_field backlog_wait_time_actual "$audit0_status")
  audit0_lost=$(audit_field lost "$audit0_status")
  audit0_rules=$(auditctl -l)
  [ "$audit0_enabled" != 2 ] || die "audit configuration is locked (enabled 2): cannot load rules"
}

# Puts every status field back to its value at start (auditd's SIGTERM leaves enabled 1,
# MACHINE.md) and waits for a dead holder's pid to clear (the kernel clears it when it next
# sends). backlog_wait_time_actual counts time tasks waited on a full backlog: a counter like
# lost, but when it was 0 at rest the 0 is put back. Returns 1 when an auditctl failed.
audit_put_back() {
  local ok=0 msg
  auditctl -b "$audit0_backlog" >/dev/null || ok=1
  auditctl --backlog_wait_time "$audit0_wait" >/dev/null || ok=1
  auditctl -r "$audit0_rate" >/dev/null || ok=1
  auditctl -f "$audit0_failure" >/dev/null || ok=1
  auditctl -e "$audit0_enabled" >/dev/null || ok=1
  if [ "$audit0_wait_actual" = 0 ]; then
    # (it prints the old value on stderr)
    msg=$(auditctl --reset_backlog_wait_time_actual 2>&1) \
      || { say "ERROR: auditctl --reset_backlog_wait_time_actual: $msg"; ok=1; }
  fi
  for _ in $(seq 30); do [ "$(audit_field pid)" = 0 ] && break; sleep 0.1; done
  return "$ok"
}

# Compares the state now with the start (pid must be 0); says what differs. Sets
# audit1_status and audit1_rules. Returns 1 on a difference.
audit_check_back() {
  local f want got ok=0
  audit1_status=$(auditctl -s)
  audit1_rules=$(auditctl -l)
  for f in enabled failure pid rate_limit backlog_limit backlog_wait_time; do
    case $f in
      enabled) want=$audit0_enabled ;; failure) want=$audit0_failure ;; pid) want=0 ;;
      rate_limit) want=$audit0_rate ;; backlog_limit) want=$audit0_backlog ;; backlog_wait_time) want=$audit0_wait ;;
    esac
    got=$(audit_field "$f" "$audit1_status")
    if [ "$got" != "$want" ]; then
      say "ERROR: audit $f is $got after the run, was $want"
      ok=1
    fi
  done
  if [ "$audit1_rules" != "$audit0_rules" ]; then
    say "ERROR: audit rules differ from before the run: now: $audit1_rules"
    ok=1
  fi
  return "$ok"
}

# Writes DIR/auditd.conf for a private `auditd -n -c DIR`: RAW log to LOG_FILE, flushed
# incrementally, one file (no rotation, no space actions), no dispatcher (PLUGIN_DIR holds
# no plugins). space_left must exceed admin_space_left or auditd refuses to start.
audit_write_auditd_conf() {
  local dir=$1 log=$2 plugins=$3
  cat >"$dir/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $log
log_group = root
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 200
max_log_file = 100000
max_log_file_action = IGNORE
num_logs = 0
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
plugin_dir = $plugins
name_format = NONE
priority_boost = 4
use_libwrap = no
q_depth = 2000
overflow_action = IGNORE
end_of_event_timeout = 2
CONF
  chmod 0640 "$dir/auditd.conf"
}

# Waits up to 5 s for auditd (PID, its output in OUT) to register as the audit daemon.
audit_wait_registered() {
  local pid=$1 out=$2
  for _ in $(seq 50); do
    [ "$(audit_field pid)" = "$pid" ] && return 0
    kill -0 "$pid" 2>/dev/null || die "auditd exited at start: $(cat "$out")"
    sleep 0.1
  done
  [ "$(audit_field pid)" = "$pid" ] || die "auditd (pid $pid) did not register with the kernel in 5 s"
}
