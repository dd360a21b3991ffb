"""End-to-end check of one test graph: float vs QDQ simulation vs integer.

Calibrates a graph of tosa_graphs.py on random inputs, quantizes it twice
(the QDQ simulation and the integer graph), runs float, simulated and
integer versions on the same fresh random inputs with qopt-run, and checks:

- the integer graph is valid TOSA and really is integer (no float
  conv/depthwise/matmul);
- every quantized output of the integer graph equals the simulation's to
  within `--max-lsb` LSB (the fixed-point rescale rounds half up where the
  simulation rounds half to even, and the table/transcendental evaluation
  can differ on values within rounding error of a half-way point);
- the integer outputs reach `--min-sqnr` dB against float;
- qopt's kernels give the integer graph's outputs (dequantized or not)
  bit for bit, and the float graph's to within `--max-float-error` of the
  largest output magnitude, against the plain upstream lowering
  (`qopt-run --reference`).

Tools come from the build directory ($QOPT_BUILD_DIR, set by lit).
"""

import argparse
import os
import re
import sys

import numpy as np

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_here, os.path.join(_here, "..", "..", "python")]
import qopt  # noqa: E402
import tosa_graphs  # noqa: E402


def sqnr_db(reference, actual):
    noise = np.sum((reference.astype(np.float64) - actual) ** 2)
    signal = np.sum(reference.astype(np.float64) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("graph", choices=sorted(tosa_graphs.GRAPHS))
    parser.add_argument("--work", required=True)
    parser.add_argument("--calibration-batches", type=int, default=32)
    parser.add_argument("--max-lsb", type=int, default=1)
    parser.add_argument("--min-sqnr", type=float, default=30.0)
    parser.add_argument("--max-float-error", type=float, default=1e-5,
                        help="relative to the largest output magnitude")
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    path = lambda name: os.path.join(args.work, name)  # noqa: E731
    text, arg_shapes = tosa_graphs.build(args.graph)
    with open(path("float.mlir"), "w") as f:
        f.write(text)
    model = qopt.load(path("float.mlir"))

    # Each calibration sample is a whole batch of the graph's argument.
    calibration = np.random.default_rng(1).standard_normal(
        [args.calibration_batches, *arg_shapes[0]]).astype(np.float32)
    stats = qopt.calibrate(model, calibration, path("float.stats"))
    sim = qopt.compile(model, stats=stats, simulate=True)
    integer = qopt.compile(model, stats=stats)

    # Valid TOSA 1.0 for the integer and float profiles (float remains only
    # where an op has no integer form, e.g. softmax).
    qopt.compiler.run_tool("qopt-mlir", integer.path,
                           "--tosa-attach-target=profiles=pro_int,pro_fp",
                           "--tosa-validate=strict-op-spec-alignment",
                           "-o", os.devnull)
    for op in ("conv2d", "depthwise_conv2d", "matmul"):
        if re.search(rf"tosa\.{op} .*xf32>.*->", integer.mlir):
            sys.exit(f"FAIL: the integer graph still has a float tosa.{op}")

    x = np.random.default_rng(2).standard_normal(arg_shapes[0]).astype(
        np.float32)
    outputs = {}
    for name, m in [("float", model), ("sim", sim), ("int", integer)]:
        out = m(x)
        outputs[name] = out if isinstance(out, tuple) else (out,)

    failed = False
    for name, m in [("float", model), ("int", integer)]:
        m.reference = True
        ref = m(x)
        m.reference = False
        for i, (out, r) in enumerate(zip(outputs[name],
                                         ref if isinstance(ref, tuple)
                                         else (ref,))):
            if name == "int":
                exact = np.array_equal(out, r)
                print(f"{args.graph} result {i}: int kernels vs reference "
                      f"lowering: {'bit-exact' if exact else 'FAIL: differ'}")
                failed |= not exact
            else:
                error = float(np.max(np.abs(out - r)) /
                              max(float(np.max(np.abs(r))), 1e-30))
                if error > args.max_float_error:
                    failed = True
                    print(f"{args.graph} result {i}: {name} kernels vs "
                          f"reference lowering: FAIL: max error {error:.2e} "
                          f"of the largest magnitude")
    for i, (_, _, quant) in enumerate(integer.signature()[1]):
        ref, out_sim, out = (outputs[v][i] for v in ("float", "sim", "int"))
        sqnr = sqnr_db(ref, out)
        line = f"{args.graph} result {i}: SQNR int vs float {sqnr:.1f} dB"
        if sqnr < args.min_sqnr:
            failed = True
            line += f" (FAIL: below {args.min_sqnr} dB)"
        if quant is not None:
            lsb = np.rint(np.abs(out.astype(np.float64) - out_sim) / quant[0])
            off = int(np.count_nonzero(lsb))
            line += (f"; int vs QDQ: max {int(lsb.max())} LSB, {off} of "
                     f"{lsb.size} values differ")
            if lsb.max() > args.max_lsb:
                failed = True
                line += f" (FAIL: above {args.max_lsb} LSB)"
        else:
            line += (f"; int vs QDQ (float result): max abs diff "
                     f"{float(np.max(np.abs(out - out_sim))):.2e}")
        print(line)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
