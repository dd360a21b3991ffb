# -*- Python -*- lit configuration of the qopt regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "qopt"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qopt_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%qopt_src", config.qopt_src_root))

# Sanitizer options reach the tools (scripts/test.sh --sanitize).
llvm_config.with_system_environment(
    ["HOME", "TMP", "TEMP", "ASAN_OPTIONS", "UBSAN_OPTIONS"])
llvm_config.use_default_substitutions()

tool_dirs = [config.qopt_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["qopt-mlir", "qopt-run", "qopt-calibrate", "qopt-import-onnx", "qoptc"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.qopt_tools_dir, append_path=True)
llvm_config.with_environment(
    "PYTHONPATH", os.path.join(config.qopt_src_root, "python"), append_path=True)
# The Python API (qopt.compiler) runs the tools of this build.
config.environment["QOPT_BUILD_DIR"] = config.qopt_obj_root

# Compiled models run only where the instruction set they need is present:
# tests executing such code say `REQUIRES: cpu-<isa>`; AArch64 objects run
# under qemu (`REQUIRES: aarch64-qemu`).
config.substitutions.append(
    ("%clang", os.path.join(config.llvm_tools_dir, "clang")))
try:
    with open("/proc/cpuinfo") as f:
        flags = next((line.split(":", 1)[1].split() for line in f
                      if line.startswith("flags")), [])
except OSError:
    flags = []
for flag, feature in [("avx2", "cpu-avx2"), ("avx512f", "cpu-avx512"),
                      ("avx512_vnni", "cpu-avx512vnni"),
                      ("avx_vnni", "cpu-avxvnni")]:
    if flag in flags:
        config.available_features.add(feature)
if shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64"):
    config.available_features.add("aarch64-qemu")

# ONNX's per-operator backend test cases (Debian libonnx-testdata).
onnx_testdata = "/usr/share/libonnx-testdata/data/node"
if os.path.isdir(onnx_testdata):
    config.available_features.add("onnx-testdata")
    config.substitutions.append(("%onnx_testdata", onnx_testdata))

# Tests marked `REQUIRES: slow` (the long end-to-end runs) run only with
# `--param slow=1` (`ninja check-qopt-slow`) or QOPT_SLOW_TESTS=1
# (scripts/test.sh, hence CI).
if (lit_config.params.get("slow") == "1" or
        os.environ.get("QOPT_SLOW_TESTS") == "1"):
    config.available_features.add("slow")
