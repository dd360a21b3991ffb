"""The main job on the bundled default model (see scripts/demo.sh).

Builds the default float TOSA classifier (python/qopt/models.py, seeded
weights), calibrates it on random inputs, quantizes it to W8A8 integer TOSA,
runs float and integer versions on the same held-out inputs, and prints how
closely the integer model follows the float one, the weight bytes and the
latency of the JIT-compiled graphs (the ahead-of-time code generator is
still to come).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
from qopt import models  # noqa: E402


def tool(name):
    build = os.environ.get("QOPT_BUILD_DIR", os.path.join(ROOT, "build"))
    return os.path.join(build, "bin", name)


def run(*cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"demo: {' '.join(cmd)} failed:\n{proc.stderr}")
    return proc.stdout


def weight_bytes(mlir_text):
    """Bytes of the constants of a graph (its weights), from their types."""
    total = 0
    for shape, dtype in re.findall(
            r'"tosa\.const"\(\).*?: \(\) -> tensor<((?:\d+x)*)(f32|i8|i32)>',
            mlir_text):
        n = int(np.prod([int(d) for d in shape.rstrip("x").split("x") if d]))
        total += n * {"f32": 4, "i8": 1, "i32": 4}[dtype]
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calibration", type=int, default=128,
                        help="calibration samples")
    parser.add_argument("--samples", type=int, default=256,
                        help="held-out samples compared")
    parser.add_argument("--runs", type=int, default=200,
                        help="timed single-sample calls")
    parser.add_argument("--options", default="weight-bits=8 act-bits=8")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qopt-demo-") as work:
        path = lambda name: os.path.join(work, name)  # noqa: E731
        rng = np.random.default_rng(0)
        with open(path("float.mlir"), "w") as f:
            f.write(models.mobilenet(batch=1))
        # Samples stacked along the model's batch-1 dimension.
        np.save(path("calib.npy"), rng.standard_normal(
            [args.calibration, 32, 32, 3]).astype(np.float32))
        np.save(path("x.npy"), rng.standard_normal(
            [args.samples, 32, 32, 3]).astype(np.float32))
        run(tool("qopt-calibrate"), path("float.mlir"), "--inputs",
            path("calib.npy"), "-o", path("model.stats"))
        run(tool("qopt-mlir"), path("float.mlir"),
            f"--qopt-quantize-pipeline=stats={path('model.stats')} "
            f"{args.options}", "-o", path("int.mlir"))

        outs, ms = {}, {}
        for name in ("float", "int"):
            out = run(tool("qopt-run"), path(name + ".mlir"), "--input",
                      path("x.npy"), "--output", path(name + ".out.npy"),
                      "--benchmark", str(args.runs))
            ms[name] = float(re.search(r"median ([0-9.]+) ms", out).group(1))
            outs[name] = np.load(path(name + ".out.npy"))
        ref, out = outs["float"], outs["int"]
        agree = float(np.mean(ref.argmax(1) == out.argmax(1)))
        sqnr = 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - out) ** 2))
        w_float = weight_bytes(open(path("float.mlir")).read())
        w_int = weight_bytes(open(path("int.mlir")).read())

    print("qopt demo: synthetic MobileNet-style classifier (32x32x3 -> 10), "
          f"{args.options}")
    print(f"  calibration: {args.calibration} samples; compared on "
          f"{args.samples} held-out samples")
    print(f"  top-1 agreement int vs float: {100 * agree:.1f} %   "
          f"logits SQNR: {sqnr:.1f} dB")
    print(f"  weights: float {w_float} bytes, integer {w_int} bytes "
          f"({w_float / w_int:.2f}x smaller)")
    print(f"  latency (JIT, batch 1, median of {args.runs}): float "
          f"{ms['float']:.3f} ms, integer {ms['int']:.3f} ms")


if __name__ == "__main__":
    main()
