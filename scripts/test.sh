#!/usr/bin/env bash
# Sets up (packages + build) and runs every test: unit, golden, fuzz (bounded) and the
# kernel tests (root: real audit netlink and BPF; they hold CTest resource locks and
# restore the kernel's state in cleanup fixtures).
#   scripts/test.sh              everything
#   scripts/test.sh -L unit      any ctest arguments are passed on
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
build_dir=${AUSPEX_BUILD_DIR:-$here/build}
exec ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" "$@"
