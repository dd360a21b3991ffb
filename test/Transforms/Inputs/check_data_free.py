"""Numeric checks of the data-free passes on a small MobileNet-like graph:

    conv 3x3 → ReLU → depthwise 3x3 → ReLU → conv 1x1 → ReLU
      → global average pool → fully connected

whose depthwise channels are deliberately unbalanced: channel c is scaled by
k_c (ranges 100× apart) and the pointwise conv's input channel c by 1/k_c,
the same function as the balanced network. Checks that
qopt-equalize-cross-layer leaves the float outputs unchanged (max abs error
≤ 1e-4 of the output range) and that per-tensor W8A8 quantization after
equalization has a clearly higher SQNR against float than without it.

Tools come from the build directory ($QOPT_BUILD_DIR, set by lit).
"""

import argparse
import os
import sys

import numpy as np

import qopt
from qopt.testing.tosa_builder import Graph

N = 8  # samples per batch
UNBALANCE = np.logspace(0, -2, 16).astype(np.float32)


class UnbalancedGraph(Graph):
    """Depthwise channel c ×k_c, pointwise input channel c ÷k_c."""

    def weights(self, shape, fan_in):
        w = super().weights(shape, fan_in)
        if list(shape) == [3, 3, 16, 1]:
            w *= UNBALANCE.reshape(1, 1, 16, 1)
        elif list(shape) == [16, 1, 1, 16]:
            w /= UNBALANCE.reshape(1, 1, 1, 16)
        return w


def mobilenet():
    g = UnbalancedGraph(seed=3)
    x = g.arg([N, 8, 8, 3])
    y = g.relu(g.conv(x, 16))
    y = g.relu(g.depthwise(y))
    y = g.relu(g.conv(y, 16, k=1))
    y = g.reshape(g.global_avg_pool(y), [N, 16])
    return g.function([g.fully_connected(y, 10)])


def sqnr_db(reference, actual):
    noise = np.sum((reference.astype(np.float64) - actual) ** 2)
    return 10 * np.log10(np.sum(reference.astype(np.float64) ** 2) / noise)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    path = lambda name: os.path.join(args.work, name)  # noqa: E731

    with open(path("float.mlir"), "w") as f:
        f.write(mobilenet())
    model = qopt.load(path("float.mlir"))
    qopt.compiler.run_tool("qopt-mlir", model.path,
                           "--qopt-equalize-cross-layer", "-o",
                           path("equalized.mlir"))
    equalized = qopt.load(path("equalized.mlir"))

    rng = np.random.default_rng(5)
    x = rng.standard_normal([N, 8, 8, 3]).astype(np.float32)
    ref = model(x)
    err = np.max(np.abs(ref - equalized(x))) / np.max(np.abs(ref))
    ok = err <= 1e-4
    print(f"equalized float: relative max abs error {'<=' if ok else '>'} "
          f"1e-4 ({err:.1e})")

    calibration = rng.standard_normal([16, N, 8, 8, 3]).astype(np.float32)
    sqnr = {}
    for name, m in (("plain", model), ("equalized", equalized)):
        q = qopt.compile(m, calibration=calibration, per_channel=False)
        sqnr[name] = sqnr_db(ref, q(x))
    gain = sqnr["equalized"] - sqnr["plain"]
    print(f"per-tensor W8A8 SQNR: plain {sqnr['plain']:.1f} dB, equalized "
          f"{sqnr['equalized']:.1f} dB")
    print(f"equalization gain {'>=' if gain >= 6 else '<'} 6 dB "
          f"({gain:.1f} dB)")
    sys.exit(0 if ok and gain >= 6 else 1)


if __name__ == "__main__":
    main()
