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
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import qopt  # noqa: E402
from qopt import models  # noqa: E402


def weight_bytes(mlir_text):
    """Bytes of the constants of a graph (its weights), from their types."""
    total = 0
    for shape, dtype in re.findall(
            r'"tosa\.const"\(\).*?: \(\) -> tensor<((?:\d+x)*)(f32|i8|i32)>',
            mlir_text):
        n = int(np.prod([int(d) for d in shape.rstrip("x").split("x") if d]))
        total += n * {"f32": 4, "i8": 1, "i32": 4}[dtype]
    return total


def median_ms(model, x, runs):
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x)
        out = qopt.compiler.run_tool(
            "qopt-run", model.path, "--input", os.path.join(tmp, "x.npy"),
            "--output-dir", tmp, "--benchmark", runs)
    return float(re.search(r"median ([0-9.]+) ms", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calibration", type=int, default=128,
                        help="calibration samples")
    parser.add_argument("--samples", type=int, default=256,
                        help="held-out samples compared")
    parser.add_argument("--runs", type=int, default=200,
                        help="timed single-sample calls")
    parser.add_argument("--weight-bits", type=int, default=8)
    parser.add_argument("--act-bits", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qopt-demo-") as work:
        path = os.path.join(work, "mobilenet.mlir")
        with open(path, "w") as f:
            f.write(models.mobilenet(batch=1))
        float_model = qopt.load(path)
        rng = np.random.default_rng(0)
        # Samples stacked along the model's batch-1 dimension.
        calibration = rng.standard_normal(
            [args.calibration, 32, 32, 3]).astype(np.float32)
        x = rng.standard_normal([args.samples, 32, 32, 3]).astype(np.float32)
        integer = qopt.compile(float_model, calibration=calibration,
                               weight_bits=args.weight_bits,
                               act_bits=args.act_bits)

        ref, out = float_model(x), integer(x)
        agreement = qopt.evaluate(integer, (x, ref.argmax(1)))["accuracy"]
        sqnr = 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - out) ** 2))
        w_float, w_int = weight_bytes(float_model.mlir), weight_bytes(
            integer.mlir)
        ms = {name: median_ms(m, x[:1], args.runs)
              for name, m in [("float", float_model), ("int", integer)]}

    print("qopt demo: synthetic MobileNet-style classifier (32x32x3 -> 10), "
          f"W{args.weight_bits}A{args.act_bits}")
    print(f"  calibration: {args.calibration} samples; compared on "
          f"{args.samples} held-out samples")
    print(f"  top-1 agreement int vs float: {100 * agreement:.1f} %   "
          f"logits SQNR: {sqnr:.1f} dB")
    print(f"  weights: float {w_float} bytes, integer {w_int} bytes "
          f"({w_float / w_int:.2f}x smaller)")
    print(f"  latency (JIT, batch 1, median of {args.runs}): float "
          f"{ms['float']:.3f} ms, integer {ms['int']:.3f} ms")


if __name__ == "__main__":
    main()
