#!/usr/bin/env bash
# Installs every Debian package qopt's build, tests and benchmarks need.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

PKGS=(
  # Toolchain: LLVM/MLIR/clang/lld 22 (shared libMLIR/libLLVM), lit, FileCheck.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  cmake ninja-build g++ libgtest-dev
  # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh).
  libclang-rt-22-dev
  # ONNX import.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # ONNX test models (python3-onnx) and ONNX's per-operator test cases.
  python3-onnx libonnx-testdata
  # Python side and test tools.
  python3 python3-numpy python3-pytest
  # Real models and data (scripts/fetch.sh pulls them with npm; ONNX Runtime
  # runs under node), text-line rendering, MNIST training.
  nodejs python3-onnx python3-pil fonts-dejavu-core python3-torch
  # AArch64 objects are linked statically and run under qemu in the tests.
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

# npm: Debian's package, unless the installed nodejs brings its own (as
# NodeSource's does, which conflicts with Debian's npm).
command -v npm >/dev/null || missing+=(npm)

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Make the repository's Python package importable by Debian's python3
# (`python3 -c "import qopt"`), through a .pth file in its site directory.
root=$(cd "$(dirname "$0")/.." && pwd)
site=$(/usr/bin/python3 -c 'import site; print(site.getsitepackages()[0])')
if [ "$(cat "$site/qopt.pth" 2>/dev/null)" != "$root/python" ]; then
  $SUDO mkdir -p "$site"
  echo "$root/python" | $SUDO tee "$site/qopt.pth" >/dev/null
fi
