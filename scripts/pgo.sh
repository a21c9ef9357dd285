#!/usr/bin/env bash
# Trains the profile for a profile-guided build (CMakeLists.txt AUSPEX_PGO_PROFILE): builds
# an instrumented auspex (AUSPEX_PGO_GENERATE: the parse -> reassemble -> ECS -> pipeline
# modules count their branches) in DIR/build, replays a synthetic log through it
# (scripts/lib/pgo-train-log.py) in the ways auspex is run, and merges the counts into
# DIR/auspex.profdata. scripts/setup.sh calls it before configuring a new optimized build;
# run it again after large changes to the hot path (a stale profile still applies to the
# functions that did not change).
#
#   scripts/pgo.sh DIR        prints the profile's path on success
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: scripts/pgo.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
profdata=$(command -v llvm-profdata || command -v llvm-profdata-14 || true)
[ -n "$profdata" ] || { echo "pgo.sh: llvm-profdata not found (Debian package llvm; scripts/setup.sh installs it)" >&2; exit 1; }

# No LTO, fuzzers or benchmarks: only the counts matter here, and they are taken before LTO.
cmake -S "$here" -B "$dir/build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUSPEX_PGO_GENERATE=ON -DAUSPEX_LTO=OFF -DAUSPEX_FUZZ=OFF \
  -DAUSPEX_BENCH=OFF >/dev/null
cmake --build "$dir/build" --target auspex -- -j"$(nproc)" >/dev/null

python3 "$here/scripts/lib/pgo-train-log.py" 20000 > "$dir/train.log"
rm -rf "$dir/raw"
mkdir "$dir/raw"
# The ways auspex formats: ECS on the reader thread alone and on workers, with and without
# event.original, and the events format.
for args in "--format ecs --shards 0" "--format ecs --shards 2" "--format ecs --no-raw-message" \
            "--format events --shards 2"; do
  # shellcheck disable=SC2086
  LLVM_PROFILE_FILE="$dir/raw/%p.profraw" "$dir/build/auspex" replay $args "$dir/train.log" >/dev/null
done
"$profdata" merge -o "$dir/auspex.profdata.tmp" "$dir/raw"/*.profraw
mv "$dir/auspex.profdata.tmp" "$dir/auspex.profdata"
echo "$dir/auspex.profdata"
