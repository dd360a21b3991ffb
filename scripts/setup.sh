#!/usr/bin/env bash
# Installs every Debian package qopt's build, tests and benchmarks need.
# Idempotent: packages already present are skipped by apt-get.
set -euo pipefail

PKGS=(
  # Toolchain: LLVM/MLIR/clang/lld 22 (shared libMLIR/libLLVM), lit, FileCheck.
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  cmake ninja-build g++ libgtest-dev
  # ONNX import.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # Python side and test tools.
  python3 python3-numpy python3-pytest
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
