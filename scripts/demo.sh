#!/usr/bin/env bash
# The main job on the bundled default: installs and builds (as
# scripts/build.sh), fetches PaddleOCR's text-direction classifier
# (scripts/fetch.sh), then imports, calibrates and quantizes it, compiles the
# float and the integer model with qoptc for this machine, runs both objects
# on rendered text lines and prints accuracy, weight bytes and latency.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >/dev/null
"$root/scripts/fetch.sh" >/dev/null
exec /usr/bin/python3 "$root/scripts/demo.py" "$@"
