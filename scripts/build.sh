#!/usr/bin/env bash
# Installs what the build needs (scripts/setup.sh), configures once and
# builds incrementally with Ninja into build/ (or $QOPT_BUILD_DIR);
# $QOPT_CMAKE_ARGS adds configuration options, one per line (scripts/test.sh
# --sanitize).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QOPT_BUILD_DIR:-$root/build}

"$root/scripts/setup.sh"

extra=()
[ -n "${QOPT_CMAKE_ARGS:-}" ] && mapfile -t extra <<<"$QOPT_CMAKE_ARGS"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
    -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld "${extra[@]}"
fi
ninja -C "$build" "$@"
