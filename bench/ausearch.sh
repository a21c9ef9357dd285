#!/usr/bin/env bash
# Reference timing of auditd's own tools on a raw log (not a rival of auspex replay: they
# print text, but they show what reading a log costs with the stock tooling).
#
#   bench/ausearch.sh [--reps N] FILE
#
# Times `ausearch --input FILE --raw` (groups by event, prints records as they are) and
# `ausearch --input FILE -i` (interprets every field), output to /dev/null, median of N runs
# (default 3). Events = the number of `----` separators of `ausearch -i` (ausearch groups
# like libauparse). Wall time of the whole process.
set -euo pipefail

prog=ausearch.sh
die() { echo "$prog: $*" >&2; exit 1; }
reps=3
file=
while (($#)); do
  case $1 in
    --reps) reps=${2:?--reps needs a number}; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$file" ] || die "one FILE only"; file=$1; shift ;;
  esac
done
[ -n "$file" ] || die "usage: bench/ausearch.sh [--reps N] FILE"
{ [ -f "$file" ] && [ -r "$file" ]; } || die "cannot read log file '$file'"
[[ $reps =~ ^[0-9]+$ && $reps -ge 1 ]] || die "--reps must be >= 1"
command -v ausearch >/dev/null || die "ausearch not found (Debian package auditd)"

bytes=$(stat -c %s "$file")
events=$(ausearch --input "$file" -i 2>/dev/null | grep -c '^----') || die "ausearch -i failed on $file"
cat "$file" >/dev/null # page cache

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "file: $file ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB, $events events per ausearch), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-30s %10s %12s %9s\n' command "median s" "events/s" "MiB/s"
for mode in --raw -i; do
  ts=
  for ((r = 1; r <= reps; r++)); do
    t0=$EPOCHREALTIME
    ausearch --input "$file" "$mode" >/dev/null 2>&1 || die "ausearch --input $file $mode failed"
    t1=$EPOCHREALTIME
    ts+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
  done
  m=$(median "$ts")
  printf '  %-30s %10.3f %12.0f %9.1f\n' "ausearch --input FILE $mode" "$m" \
    "$(awk -v e="$events" -v m="$m" 'BEGIN { print e / m }')" "$(awk -v b="$bytes" -v m="$m" 'BEGIN { print b / 1048576 / m }')"
done
