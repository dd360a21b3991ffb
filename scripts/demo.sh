#!/usr/bin/env bash
# The main job on the bundled default model: installs and builds (as
# scripts/build.sh), then calibrates, quantizes to integer TOSA, runs float
# and integer versions and prints accuracy, size and speed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" >/dev/null
exec /usr/bin/python3 "$root/scripts/demo.py" "$@"
