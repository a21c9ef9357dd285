#!/usr/bin/env bash
# Sets up (packages + build) and runs auspex with the given arguments, e.g.
#   scripts/run.sh replay --stats /var/log/audit/audit.log
# With no arguments: auspex on its embedded default (see README).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" >&2
bin=${AUSPEX_BUILD_DIR:-$here/build}/auspex
if [ $# -eq 0 ]; then
  if "$bin" run --help >/dev/null 2>&1; then
    set -- run
  else
    # Until the live collector lands, the default replays the public sample log.
    set -- replay --stats "$here/../shared/corpus/go-libaudit/testdata/normal.log"
  fi
fi
exec "$bin" "$@"
