#!/usr/bin/env bash
# Runs a libFuzzer binary for a bounded time over its corpus directory. The directory
# holds seeds and every crasher found so far (kept as regression inputs): each is run
# first, then fuzzing goes on for SECONDS. New inputs go to a scratch dir, not the repo;
# a crasher is written to the working directory (the build dir): copy it into SEEDS.
set -euo pipefail
bin=$1 seeds=$2 seconds=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$seeds"
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$PWD/$(basename "$bin")-" "$scratch" "$seeds"
