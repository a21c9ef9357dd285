#!/usr/bin/env bash
# Installs every Debian package auspex needs to build, test and benchmark, then configures
# and builds into build/. Idempotent: packages already present are not touched, and a
# configured build tree is only rebuilt.
#
#   scripts/setup.sh            install + configure + build (Release with debug info,
#                               profile-guided: scripts/pgo.sh trains the profile first)
#   AUSPEX_PGO=0 scripts/setup.sh          the same without profile-guided optimization
#   AUSPEX_BUILD_TYPE=Debug scripts/setup.sh
#   AUSPEX_SKIP_BUILD=1 scripts/setup.sh   install packages only
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # BPF: clang -target bpf, bpftool (skeletons, vmlinux.h), libbpf + its link deps
  clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
  # lld: links the ThinLTO build (CMakeLists.txt AUSPEX_LTO)
  lld
  # libFuzzer runtime for clang -fsanitize=fuzzer
  libclang-rt-14-dev libfuzzer-14-dev
  # design-card libraries
  libaudit-dev libauparse-dev libconcurrentqueue-dev libsimdjson-dev libmimalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # auditd/auditctl: corpus generation, kernel tests' comparisons, benchmarks
  auditd
  # workloads and checks used by tests and scripts
  util-linux procps coreutils python3 passwd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages: ${missing[*]}; run as root (apt-get install)" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # An empty or stale package list makes apt-get install fail on a fresh machine.
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ "${AUSPEX_SKIP_BUILD:-0}" = 1 ] && exit 0

build_dir=${AUSPEX_BUILD_DIR:-$here/build}
build_type=${AUSPEX_BUILD_TYPE:-RelWithDebInfo}
if [ ! -f "$build_dir/build.ninja" ]; then
  # An optimized build is profile-guided (scripts/pgo.sh: ~1 minute of instrumented build
  # and training first; bench/README.md has the effect). AUSPEX_PGO=0 skips it.
  pgo=()
  if [ "${AUSPEX_PGO:-1}" = 1 ] && [[ $build_type =~ ^(Release|RelWithDebInfo)$ ]]; then
    echo "setup.sh: training the PGO profile (scripts/pgo.sh)" >&2
    pgo=(-DAUSPEX_PGO_PROFILE="$("$here/scripts/pgo.sh" "$build_dir/pgo")")
  fi
  # clang for everything: the BPF objects need it and libFuzzer exists only there.
  cmake -S "$here" -B "$build_dir" -G Ninja \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE="$build_type" "${pgo[@]}" >/dev/null
fi
# Fuzz targets are built too (EXCLUDE_FROM_ALL twins are pulled in by them).
cmake --build "$build_dir" -- -j"$(nproc)" >/dev/null || cmake --build "$build_dir" -- -j1
