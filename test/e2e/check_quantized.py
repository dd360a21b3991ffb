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
- the integer outputs reach `--min-sqnr` dB against float.

Tools (qopt-calibrate, qopt-mlir, qopt-run) are taken from PATH.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [_here, os.path.join(_here, "..", "..", "python")]
import tosa_graphs  # noqa: E402


def run(*cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                 f"{proc.stdout}{proc.stderr}")


def sqnr_db(reference, actual):
    noise = np.sum((reference.astype(np.float64) - actual) ** 2)
    signal = np.sum(reference.astype(np.float64) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


def result_quantization(mlir_text):
    """(scale, zero point) or None per result of @main, from `qopt.quant`."""
    header = re.search(r"func\.func @main\(.*?\)\s*->\s*(.*?)\{\n", mlir_text,
                       re.S)
    results = []
    for part in re.split(r",\s*(?=tensor<)", header.group(1).strip("() ")):
        m = re.search(r"qopt\.quant = !quant\.uniform<[^,]*, ([^:>]+)(?::(-?\d+))?>",
                      part)
        results.append((float(m.group(1)), int(m.group(2) or 0)) if m else None)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("graph", choices=sorted(tosa_graphs.GRAPHS))
    parser.add_argument("--work", required=True)
    parser.add_argument("--calibration-batches", type=int, default=32)
    parser.add_argument("--options", default="",
                        help="extra qopt-quantize-pipeline options")
    parser.add_argument("--max-lsb", type=int, default=1)
    parser.add_argument("--min-sqnr", type=float, default=30.0)
    args = parser.parse_args()

    os.makedirs(args.work, exist_ok=True)
    path = lambda name: os.path.join(args.work, name)  # noqa: E731
    text, arg_shapes = tosa_graphs.build(args.graph)
    with open(path("float.mlir"), "w") as f:
        f.write(text)

    rng = np.random.default_rng(1)
    shutil.rmtree(path("calib"), ignore_errors=True)
    os.makedirs(path("calib"))
    for i in range(args.calibration_batches):
        np.save(path(f"calib/{i:03d}.npy"),
                rng.standard_normal(arg_shapes[0]).astype(np.float32))
    run("qopt-calibrate", path("float.mlir"), "--inputs", path("calib"),
        "-o", path("float.stats"))

    options = f"stats={path('float.stats')} {args.options}".strip()
    run("qopt-mlir", path("float.mlir"),
        f"--qopt-quantize-pipeline={options} simulate=true",
        "-o", path("sim.mlir"))
    run("qopt-mlir", path("float.mlir"), f"--qopt-quantize-pipeline={options}",
        "-o", path("int.mlir"))
    # Valid TOSA 1.0 for the integer and float profiles (float remains only
    # where an op has no integer form, e.g. softmax).
    run("qopt-mlir", path("int.mlir"),
        "--tosa-attach-target=profiles=pro_int,pro_fp",
        "--tosa-validate=strict-op-spec-alignment", "-o", os.devnull)
    int_text = open(path("int.mlir")).read()
    for op in ("conv2d", "depthwise_conv2d", "matmul"):
        if re.search(rf"tosa\.{op} .*xf32>.*->", int_text):
            sys.exit(f"FAIL: the integer graph still has a float tosa.{op}")

    np.save(path("input.npy"),
            np.random.default_rng(2).standard_normal(arg_shapes[0])
            .astype(np.float32))
    outputs = {}
    quantization = result_quantization(int_text)
    for variant in ("float", "sim", "int"):
        names = [path(f"{variant}.out{i}.npy") for i in range(len(quantization))]
        run("qopt-run", path(f"{variant}.mlir"), "--input", path("input.npy"),
            *[a for n in names for a in ("--output", n)])
        outputs[variant] = [np.load(n) for n in names]

    failed = False
    for i, q in enumerate(quantization):
        ref, sim, out = (outputs[v][i] for v in ("float", "sim", "int"))
        sqnr = sqnr_db(ref, out)
        line = f"{args.graph} result {i}: SQNR int vs float {sqnr:.1f} dB"
        if sqnr < args.min_sqnr:
            failed = True
            line += f" (FAIL: below {args.min_sqnr} dB)"
        if q is not None:
            lsb = np.rint(np.abs(out.astype(np.float64) - sim) / q[0])
            off = int(np.count_nonzero(lsb))
            line += (f"; int vs QDQ: max {int(lsb.max())} LSB, {off} of "
                     f"{lsb.size} values differ")
            if lsb.max() > args.max_lsb:
                failed = True
                line += f" (FAIL: above {args.max_lsb} LSB)"
        else:
            line += (f"; int vs QDQ (float result): max abs diff "
                     f"{float(np.max(np.abs(out - sim))):.2e}")
        print(line)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
