#!/usr/bin/env bash
# Builds qopt, then runs every benchmark engine pinned to core 1 with glibc
# malloc's heap trimming off (ONNX Runtime's float times jump by ~2 ms per
# call otherwise) and writes benchmarks/RESULTS.md. Arguments go to run.py
# (--runs, --warmup, --calibration, --models conv,block,mnist,cls,
# --engines int8,float,ort,torch, --widths 8,4,3,2,ternary). QOPT_NO_BUILD=1
# skips the build and times the tools of $QOPT_BUILD_DIR as they are.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ -n "${QOPT_NO_BUILD:-}" ] || "$root/scripts/build.sh" >/dev/null
"$root/scripts/fetch.sh" >/dev/null
export MALLOC_TRIM_THRESHOLD_=4294967296 MALLOC_MMAP_THRESHOLD_=4294967296 \
  MALLOC_TOP_PAD_=1073741824 OMP_NUM_THREADS=1
exec taskset -c 1 /usr/bin/python3 "$root/benchmarks/run.py" \
  --command "benchmarks/run.sh $*" "$@"
