#!/usr/bin/env bash
# scripts/pgo.sh's inputs and output, without another build:
# 1. the training log (scripts/lib/pgo-train-log.py) replays with no bad line, one document
#    per event, and reaches the code a host's logs reach (each kind of event it writes, the
#    ENRICHED fields, unknown record types): a log auspex rejected would train nothing;
# 2. when this build is profile-guided (AUSPEX_PGO_PROFILE, scripts/setup.sh's default), the
#    profile has counts for the hot path's functions.
#   pgo_test.sh SOURCE_DIR AUSPEX_BINARY PROFILE_OR_EMPTY
set -euo pipefail
src=$1 auspex=$2 profile=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 "$src/scripts/lib/pgo-train-log.py" 3000 > "$tmp/train.log"
python3 "$src/scripts/lib/pgo-train-log.py" 3000 | cmp -s - "$tmp/train.log" || fail "the training log is not deterministic"
"$auspex" replay --format ecs --stats "$tmp/train.log" > "$tmp/out.ndjson" 2> "$tmp/stats"
python3 - "$tmp/out.ndjson" "$tmp/stats" <<'PY' || fail "training log check"
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
stats = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
assert stats["events"] == 3000 == len(docs), (stats["events"], len(docs))
assert all(v == 0 for v in stats["bad_lines"].values()), stats["bad_lines"]
assert stats["ecs"]["unknown_record_types"] > 0, "no unknown record type in the training log"
actions = {d["event"].get("action") for d in docs}
want = {"opened-file", "executed", "end", "connected-to", "sent-to", "changed-audit-configuration",
        "crashed-program", "logged-in", "ran-command", "started-session", "acquired-credentials"}
assert want <= actions, "missing: %s" % sorted(want - actions)
originals = [d["event"].get("original", "") for d in docs]
assert any("\x1d" in o for o in originals), "no ENRICHED fields reached"
assert not any(o.startswith("node=") or "\nnode=" in o for o in originals), "node= prefixes not handled"
assert any(len(d.get("process", {}).get("args", [])) > 2 for d in docs), "no EXECVE arguments"
assert any("source" in d or "destination" in d for d in docs), "no socket address"
print("training log: %d events, %d actions" % (len(docs), len(actions)))
PY

if [ -z "$profile" ]; then
  echo "this build has no PGO profile (AUSPEX_PGO=0): only the training log was checked"
  exit 0
fi
[ -s "$profile" ] || fail "AUSPEX_PGO_PROFILE=$profile is missing or empty"
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14) || fail "llvm-profdata not found"
# A function of every trained module (a part of its mangled name), each with counts.
for fn in record12split_fields Reassembler3add DocumentWriter8write_at Coalescer5build \
          ShardedReassembly3add core11json_escape; do
  "$profdata" show --function="$fn" --counts "$profile" 2>/dev/null |
    grep 'Block counts:' | grep -qE '[1-9]' || fail "the profile has no counts for $fn"
done
echo "profile $profile: counts for the hot path"
