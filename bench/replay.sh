#!/usr/bin/env bash
# End-to-end replay benchmark: `auspex replay` against a plain libauparse reader (and
# ausearch for reference), in one run on the same raw log.
#
#   bench/replay.sh [--reps N] [--all] [--ecs] FILE
#
#   FILE      a raw auditd log, e.g. build/corpus/gen.log from scripts/gen-corpus.sh
#   --reps N  timed repetitions of each reader, median reported (default 5)
#   --ecs     also time `auspex replay --format ecs` (1 and 2 shards: the ECS issue's figure)
#   --all     also time the slow interpreted readers: auparse_reader --interpret
#             (auparse_interpret_field on every field) and `ausearch -i`
#
#   AUSPEX=path          auspex binary (default build/auspex)
#   AUPARSE_READER=path  bench/auparse_reader.c binary (default: build-bench/bench/,
#                        then build/bench/)
#
# 1. Correctness, before any timing: the events that auspex (--shards 1 and 2) emits and
#    the events libauparse groups are each compared, as a multiset of (serial, number of
#    records), with an independent grouping of the log by its `msg=audit(TIME:SERIAL)` id
#    (plus node=). Differences are printed, not hidden; a difference on the auspex side
#    (an event split, merged or lost) fails the run (exit 1). `--stats` of auspex is shown.
# 2. Timing: the page cache is warmed, then each reader runs REPS times, round-robin, output
#    to /dev/null. Wall time of the whole process (start-up included; a fork+exec costs
#    ~10 ms on this VM). events/s = events of that reader / median wall time. Also the
#    median CPU time (user + sys of all threads, /usr/bin/time) and events per CPU-second,
#    steadier than wall time when the shared machine is loaded.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
prog=replay.sh
die() { echo "$prog: $*" >&2; exit 1; }

reps=5
all=0
ecs=0
file=
while (($#)); do
  case $1 in
    --reps) reps=${2:?--reps needs a number}; shift 2 ;;
    --all) all=1; shift ;;
    --ecs) ecs=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$file" ] || die "one FILE only"; file=$1; shift ;;
  esac
done
[ -n "$file" ] || die "usage: bench/replay.sh [--reps N] [--all] FILE"
{ [ -f "$file" ] && [ -r "$file" ]; } || die "cannot read log file '$file'"
[[ $reps =~ ^[0-9]+$ && $reps -ge 1 ]] || die "--reps must be >= 1"

auspex=${AUSPEX:-$here/build/auspex}
[ -x "$auspex" ] || die "auspex binary not found at $auspex (build it, or set AUSPEX=path)"
reader=${AUPARSE_READER:-}
if [ -z "$reader" ]; then
  for c in "$here/build-bench/bench/auparse_reader" "$here/build/bench/auparse_reader"; do
    [ -x "$c" ] && { reader=$c; break; }
  done
fi
{ [ -n "$reader" ] && [ -x "$reader" ]; } \
  || die "auparse_reader not found (ninja -C build auparse_reader, or set AUPARSE_READER=path)"
for tool in jq awk ausearch; do command -v "$tool" >/dev/null || die "'$tool' not found"; done

tmp=$(mktemp -d /tmp/auspex-replay-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

bytes=$(stat -c %s "$file")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "file: $file ($mib MiB, $(wc -l <"$file") lines)"
echo "auspex: $auspex"
echo "auparse_reader: $reader"
echo

# --- 1. correctness ------------------------------------------------------------------------
# Reference grouping: one event per distinct (node, msg=audit(TIME:SERIAL)). Records of one
# kernel event share time and serial; auditd's own DAEMON_* records use auditd's serial
# counter, which can equal a kernel serial, so the time is part of the key.
awk '
  match($0, /msg=audit\([0-9]+\.[0-9]+:[0-9]+\)/) {
    id = substr($0, RSTART + 10, RLENGTH - 11)
    node = ($1 ~ /^node=/) ? $1 : ""
    k = node " " id
    if (!(k in n)) order[++count] = k
    n[k]++
  }
  END { for (i = 1; i <= count; i++) { k = order[i]; s = k; sub(/.*:/, "", s); print s, n[k] } }
' "$file" | sort >"$tmp/ref.list"
ref_events=$(wc -l <"$tmp/ref.list")

"$reader" --list "$file" >"$tmp/auparse.out" || die "auparse_reader failed on $file"
grep -v '^{' "$tmp/auparse.out" | sort >"$tmp/auparse.list"
auparse_summary=$(grep '^{' "$tmp/auparse.out")
auparse_events=$(jq -r .events <<<"$auparse_summary")

for s in 1 2; do
  "$auspex" replay --shards "$s" --format events --stats "$file" >"$tmp/auspex$s.ndjson" 2>"$tmp/auspex$s.err" \
    || die "auspex replay --shards $s failed: $(tail -3 "$tmp/auspex$s.err")"
  jq -r '"\(.sequence) \(.records | length)"' "$tmp/auspex$s.ndjson" | sort >"$tmp/auspex$s.list"
done
auspex_events=$(wc -l <"$tmp/auspex1.ndjson")

# describe_diff NAME LIST: how LIST differs from the reference, by serial.
describe_diff() {
  local name=$1 list=$2
  if cmp -s "$list" "$tmp/ref.list"; then
    echo "  $name: same $(wc -l <"$list") events and records per event as the reference"
    return 0
  fi
  awk -v name="$name" '
    FNR == NR { ref[$1] = ref[$1] " " $2; refn[$1]++; next }
    { got[$1] = got[$1] " " $2; gotn[$1]++ }
    END {
      for (s in refn) if (!(s in gotn)) { missing++; if (missing <= 5) ex_m = ex_m " " s }
      for (s in gotn) {
        if (!(s in refn)) { extra++; if (extra <= 5) ex_x = ex_x " " s; continue }
        if (gotn[s] > refn[s]) { split_++; if (split_ <= 5) ex_s = ex_s sprintf(" %s(ref%s, got%s)", s, ref[s], got[s]) }
        else if (gotn[s] < refn[s]) { merged++; if (merged <= 5) ex_g = ex_g sprintf(" %s(ref%s, got%s)", s, ref[s], got[s]) }
        else if (ref[s] != got[s]) { other++; if (other <= 5) ex_o = ex_o sprintf(" %s(ref%s, got%s)", s, ref[s], got[s]) }
      }
      printf "  %s: DIFFERS from the reference: %d serials split into more events%s, %d merged%s, %d with other record counts%s, %d missing%s, %d extra%s\n",
        name, split_, ex_s, merged, ex_g, other, ex_o, missing, ex_m, extra, ex_x
    }' <(awk '{ print $1, $2 }' "$tmp/ref.list") "$list"
  return 1
}

echo "correctness (multiset of serial + records per event; reference: grouping by msg id):"
echo "  reference: $ref_events events, $(awk '{ r += $2 } END { print r }' "$tmp/ref.list") records"
echo "  auspex --shards 1: $auspex_events events; --shards 2: $(wc -l <"$tmp/auspex2.ndjson") events"
echo "  libauparse: $auparse_events events"
auspex_ok=1
describe_diff "auspex --shards 1" "$tmp/auspex1.list" || auspex_ok=0
describe_diff "auspex --shards 2" "$tmp/auspex2.list" || auspex_ok=0
if cmp -s "$tmp/auspex1.ndjson" "$tmp/auspex2.ndjson"; then
  echo "  auspex --shards 1 and 2: byte-identical output"
else
  echo "  auspex --shards 1 and 2: output differs (order or content)"
fi
if ! describe_diff "libauparse" "$tmp/auparse.list"; then
  # Known: auparse closes an event at a record type below 1300 (LOGIN, USER_*...) even when
  # a SYSCALL with the same serial follows (audit-userspace auparse/lol.c); list them.
  awk 'FNR == NR { ref[$1]++; next } { got[$1]++ } END { for (s in got) if (got[s] > ref[s]) print s }' \
    "$tmp/ref.list" "$tmp/auparse.list" | head -20 >"$tmp/auparse.split"
  if [ -s "$tmp/auparse.split" ]; then
    pat=$(awk '{ printf "%s:%s\\)", (NR > 1 ? "|" : ""), $1 }' "$tmp/auparse.split")
    echo "    record types of the events auparse split: $(grep -E "$pat" "$file" | awk '{ print $1 }' | sort | uniq -c | tr -s ' \n' ' ')"
  fi
fi
echo "  auspex --stats (--shards 1): $(cat "$tmp/auspex1.err")"
stats=$(grep '^{' "$tmp/auspex1.err" | tail -1)
if [ -n "$stats" ]; then
  lines_in=$(grep -c '' "$file")
  jq -r --argjson lines "$lines_in" '
    "  auspex counters: records \(.records) of \(.lines) lines (file has \($lines)), "
    + "forced out by cap \(.completed.cap_evicted // "?"), late records \(.late_records // "?"), "
    + "duplicates \(.duplicate_records // "?"), EOEs after their event \(.trailing_eoe // "?"), "
    + "bad lines \((.bad_lines // {}) | [.[]] | add // 0), "
    + "serial gaps \(.serial_gaps // "?") (gaps are not loss in auditd logs)"' <<<"$stats"
  bad=$(jq -r '[(.completed.cap_evicted // 0), (.late_records // 0), (.duplicate_records // 0), ((.bad_lines // {}) | [.[]] | add // 0)] | add' <<<"$stats")
  # An EOE behind an event that closed at its PROCTITLE is absorbed: counted, not lost.
  rec=$(jq -r '.records + (.trailing_eoe // 0)' <<<"$stats")
  if [ "$bad" != 0 ] || [ "$rec" != "$lines_in" ]; then
    echo "  auspex: records dropped, forced out or unparsed (see counters above)"
    auspex_ok=0
  fi
else
  echo "  auspex: no --stats JSON line on stderr"
  auspex_ok=0
fi
echo

# --- 2. timing -----------------------------------------------------------------------------
cat "$file" >/dev/null # page cache
load0=$(cut -d' ' -f1-3 /proc/loadavg)

names=("auspex replay --shards 1" "auspex replay --shards 2" "libauparse reader (raw values)" "ausearch --raw")
cmds=(
  "$(printf '%q ' "$auspex" replay --shards 1 --format events "$file")"
  "$(printf '%q ' "$auspex" replay --shards 2 --format events "$file")"
  "$(printf '%q ' "$reader" "$file")"
  "$(printf '%q ' ausearch --input "$file" --raw)"
)
events_of=("$auspex_events" "$(wc -l <"$tmp/auspex2.ndjson")" "$auparse_events" "$auparse_events")
if ((ecs)); then
  # Same events as --format events (one document per event; checked in tests/ecs).
  names+=("auspex replay --format ecs --shards 1" "auspex replay --format ecs --shards 2")
  cmds+=("$(printf '%q ' "$auspex" replay --shards 1 --format ecs "$file")"
    "$(printf '%q ' "$auspex" replay --shards 2 --format ecs "$file")")
  events_of+=("$auspex_events" "$auspex_events")
fi
if ((all)); then
  names+=("libauparse reader (interpreted)" "ausearch -i")
  cmds+=("$(printf '%q ' "$reader" --interpret "$file")" "$(printf '%q ' ausearch --input "$file" -i)")
  events_of+=("$auparse_events" "$auparse_events")
fi

# Wall time from the shell's clock; CPU time (user + sys, all threads) from /usr/bin/time,
# which is less disturbed than wall time when other jobs load the machine.
declare -A times cpus
for ((r = 1; r <= reps; r++)); do
  for i in "${!cmds[@]}"; do
    t0=$EPOCHREALTIME
    eval "/usr/bin/time -f '%U %S' -o $(printf '%q' "$tmp/cpu") ${cmds[$i]}" >/dev/null 2>"$tmp/err" \
      || die "${names[$i]} failed: $(tail -3 "$tmp/err")"
    t1=$EPOCHREALTIME
    times[$i]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
    cpus[$i]+="$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/cpu") "
  done
done

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "timing: $reps runs each, median wall time, output to /dev/null; load average before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
printf '  %-34s %9s %10s %12s %9s %9s %12s\n' reader events "median s" "events/s" "MiB/s" "cpu s" "events/cpu-s"
declare -A eps ecpu
for i in "${!cmds[@]}"; do
  m=$(median "${times[$i]}")
  c=$(median "${cpus[$i]}")
  e=${events_of[$i]}
  eps[$i]=$(awk -v e="$e" -v m="$m" 'BEGIN { printf "%.0f", e / m }')
  ecpu[$i]=$(awk -v e="$e" -v c="$c" 'BEGIN { printf "%.0f", (c > 0 ? e / c : 0) }')
  printf '  %-34s %9d %10.3f %12d %9.1f %9.2f %12d\n' "${names[$i]}" "$e" "$m" "${eps[$i]}" \
    "$(awk -v b="$bytes" -v m="$m" 'BEGIN { print b / 1048576 / m }')" "$c" "${ecpu[$i]}"
done
echo "  (ausearch rows: events = libauparse's count; ausearch prints every record)"
r1=$(awk -v a="${eps[0]}" -v b="${eps[2]}" 'BEGIN { printf "%.2f", a / b }')
r2=$(awk -v a="${eps[1]}" -v b="${eps[2]}" 'BEGIN { printf "%.2f", a / b }')
echo
c1=$(awk -v a="${ecpu[0]}" -v b="${ecpu[2]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
c2=$(awk -v a="${ecpu[1]}" -v b="${ecpu[2]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "ratio auspex/libauparse (events/s, wall): --shards 1: ${r1}x, --shards 2: ${r2}x (target >= 4x)"
echo "ratio auspex/libauparse (events per CPU-second): --shards 1: ${c1}x, --shards 2: ${c2}x"
if ((ecs)); then
  e1=$(awk -v a="${eps[4]}" -v b="${eps[2]}" 'BEGIN { printf "%.2f", a / b }')
  e2=$(awk -v a="${eps[5]}" -v b="${eps[2]}" 'BEGIN { printf "%.2f", a / b }')
  echo "ratio auspex --format ecs/libauparse (events/s, wall): --shards 1: ${e1}x, --shards 2: ${e2}x (target >= 3x)"
fi
if ((auspex_ok)); then
  echo "correctness: auspex events match the reference grouping, no record dropped"
else
  echo "correctness: FAILED (see above): the figures are not comparable"
  exit 1
fi
