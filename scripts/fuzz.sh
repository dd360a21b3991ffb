#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS: builds the libFuzzer target qopt-fuzz-TARGET
# (fuzz/, with ASan + UBSan) in build-fuzz/ (or $QOPT_FUZZ_BUILD_DIR) and
# runs it for SECONDS on a copy of its corpus fuzz/corpus/TARGET. A crash
# leaves its input in build-fuzz/crashes/TARGET/ and fails the run; add it to
# the corpus and a regression test once fixed. Targets: npy, statistics,
# onnx. QOPT_FUZZ_SEED fixes libFuzzer's seed (CI: 1, so a run there
# explores what the previous one did; 0, the default, picks one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
build=${QOPT_FUZZ_BUILD_DIR:-$root/build-fuzz}
corpus=$root/fuzz/corpus/$target
[ -d "$corpus" ] || { echo "fuzz.sh: no target '$target' (fuzz/corpus/$target)" >&2; exit 2; }

"$root/scripts/setup.sh"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release -DQOPT_FUZZ=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld \
    -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld >/dev/null
fi
ninja -C "$build" "qopt-fuzz-$target" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work" "$work.log"' EXIT
cp -r "$corpus/." "$work/"
crashes=$build/crashes/$target
mkdir -p "$crashes"
# -close_fd_mask=3: the readers' error messages are not the fuzzer's output.
status=0
"$build/bin/qopt-fuzz-$target" "$work" -max_total_time="$seconds" \
  -rss_limit_mb=2048 -timeout=10 -close_fd_mask=3 -seed="${QOPT_FUZZ_SEED:-0}" \
  -artifact_prefix="$crashes/" -print_final_stats=1 >"$work.log" 2>&1 || status=$?
grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==[0-9]+==ERROR|SUMMARY)' "$work.log" || true
rm -f "$work.log"
[ "$status" -eq 0 ] || { echo "fuzz.sh: $target failed (status $status); inputs in $crashes" >&2; exit 1; }
echo "fuzz.sh: $target: no crash in $seconds s"
