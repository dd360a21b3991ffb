"""qoptc on the four benchmark models (issue 4): 3x3 conv, ResNet basic
block, the repo's MNIST CNN and PaddleOCR's text-direction classifier,
quantized with 8- and 4-bit weights from a few calibration samples and
compiled from ONNX for host, x86-64-avx2 and aarch64-dotprod. Each object,
run from C on a float input (AArch64 under qemu), equals the integer
reference bit for bit: `qopt-run --reference` (the plain upstream lowering,
not the generated kernels) on the integer model that the tools make from the
same statistics. Objects for an instruction set this machine lacks
are skipped with a message."""

import os
import shutil
import subprocess

import numpy as np
import pytest

from qopt import compiler, datasets
from qopt.testing.models import conv3x3_onnx, resblock_onnx

RUN_MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                         "test", "qoptc", "Inputs", "run_model.c")
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TARGETS = ["host", "x86-64-avx2", "aarch64-dotprod"]


def _model(name, directory):
    """(ONNX path, input name, shape, calibration samples, test input)."""
    rng = np.random.default_rng(0)
    if name in ("conv", "block"):
        path = os.path.join(directory, name + ".onnx")
        (conv3x3_onnx if name == "conv" else resblock_onnx)(path)
        shape = [1, 64, 56, 56]
        x = np.maximum(rng.standard_normal([5, *shape[1:]]), 0).astype(np.float32)
        return path, "x", shape, x[:4], x[4:]
    if name == "mnist":
        digits = datasets.mnist("test")[0]
        return (os.path.join(REPO, "models", "mnist_lenet.onnx"), "input",
                [1, 1, 28, 28], digits[:4], digits[4:5])
    lines = datasets.text_lines(5, seed=4)[0]
    return (datasets.paddleocr_model("cls"), "x", [1, 3, 48, 192], lines[:4],
            lines[4:])


@pytest.fixture(scope="module", params=["conv", "block", "mnist", "cls"])
def model(request, tmp_path_factory):
    """The model's files, statistics and its input, in one directory."""
    directory = str(tmp_path_factory.mktemp(request.param))
    path, input_name, shape, calibration, x = _model(request.param, directory)
    float_mlir = os.path.join(directory, "float.mlir")
    spec = f"--input-shape={input_name}={','.join(map(str, shape))}"
    compiler.run_tool("qopt-import-onnx", path, spec, "-o", float_mlir)
    np.save(os.path.join(directory, "calib.npy"), calibration)
    stats = os.path.join(directory, "model.stats")
    compiler.run_tool("qopt-calibrate", float_mlir, "--inputs",
                      os.path.join(directory, "calib.npy"), "-o", stats)
    np.save(os.path.join(directory, "x.npy"), x.reshape(shape))
    x.reshape(shape).tofile(os.path.join(directory, "x.bin"))
    return {"name": request.param, "dir": directory, "onnx": path,
            "spec": spec, "float": float_mlir, "stats": stats}


@pytest.fixture(scope="module", params=[8, 4])
def reference(request, model):
    """qopt-run --reference's output of the integer model with these weight
    bits."""
    bits = request.param
    integer = os.path.join(model["dir"], f"w{bits}.mlir")
    compiler.run_tool(
        "qopt-mlir", model["float"],
        f"--qopt-quantize-pipeline=stats={model['stats']} weight-bits={bits}",
        "-o", integer)
    out = os.path.join(model["dir"], f"ref{bits}")
    os.makedirs(out, exist_ok=True)
    compiler.run_tool("qopt-run", integer, "--reference", "--input",
                      os.path.join(model["dir"], "x.npy"), "--output-dir", out)
    return bits, np.load(os.path.join(out, "result0.npy"))


def _cpu_flags():
    with open("/proc/cpuinfo") as f:
        return next((line.split(":", 1)[1].split() for line in f
                     if line.startswith("flags")), [])


def _build_and_run(target, name, directory):
    """Links the object with run_model.c for `target`, runs it on x.bin and
    returns the raw output bytes (skips when this machine cannot)."""
    exe, out = os.path.join(directory, name), os.path.join(directory, name + ".bin")
    header, obj = (os.path.join(directory, name + ext) for ext in (".h", ".o"))
    source = ["-std=c99", f"-DMODEL={name}", "-include", header, RUN_MODEL, obj,
              "-lm", "-o", exe]
    if target.startswith("aarch64"):
        if not (shutil.which("aarch64-linux-gnu-gcc") and shutil.which("qemu-aarch64")):
            pytest.skip("aarch64-linux-gnu-gcc or qemu-aarch64 not installed")
        subprocess.run(["aarch64-linux-gnu-gcc", "-static", *source], check=True)
        command = ["qemu-aarch64", "-cpu", "max", exe]
    else:
        if target == "x86-64-avx2" and "avx2" not in _cpu_flags():
            pytest.skip("this CPU has no AVX2: the x86-64-avx2 object cannot run")
        subprocess.run(["clang", *source], check=True)
        command = [exe]
    subprocess.run([*command, os.path.join(directory, "x.bin"), out], check=True)
    return np.fromfile(out, np.float32)


@pytest.mark.parametrize("target", TARGETS)
def test_compiled_model_equals_integer_reference(model, reference, target):
    bits, expected = reference
    name = f"{model['name']}_w{bits}_{target.replace('-', '_')}"
    compiler.run_tool("qoptc", model["onnx"], model["spec"],
                      f"--calibration={model['stats']}", f"--weight-bits={bits}",
                      f"--target={target}", "--name", name, "-o", model["dir"])
    with open(os.path.join(model["dir"], name + ".report.txt")) as f:
        report = f.read()
    assert f"W{bits}A8" in report
    got = _build_and_run(target, name, model["dir"])
    assert got.shape == expected.ravel().shape
    assert got.tobytes() == expected.astype(np.float32).tobytes(), \
        f"max difference {np.abs(got - expected.ravel()).max()}"
