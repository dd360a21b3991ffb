"""act-range=kl of qopt-quantize against an independent numpy reference.

For a few histograms (one-sided, skewed two-sided, with far outliers) this
script writes a statistics file for a one-op graph, quantizes it with
qopt-mlir and compares the argument's quantization (scale, zero point) with
the range that a numpy implementation of TensorRT's entropy calibration
picks: candidate windows of i = 2^bits..N bins shrunk toward zero, P the
window with the clipped mass in its end bins, Q the window merged into
2^bits groups and spread over P's non-zero bins, both smoothed, and the
smallest KL(P||Q) wins.

    kl_reference.py --work DIR    prints "<case> bits <b>: ok" per case
"""

import json
import os
import re

import numpy as np

from reference import run, setup

BINS = 2048
GRAPH = """func.func @main(%x: tensor<1x64xf32>) -> tensor<1x64xf32> {
  %r = tosa.clamp %x {min_val = -1.0e+30 : f32, max_val = 1.0e+30 : f32} : (tensor<1x64xf32>) -> tensor<1x64xf32>
  return %r : tensor<1x64xf32>
}
"""


def smooth(p, eps=1e-4):
    zeros = p == 0
    if zeros.all():
        return None
    eps1 = eps * zeros.sum() / (~zeros).sum()
    p = p + np.where(zeros, eps, -eps1)
    return None if (p <= 0).any() else p


def kl_window(hist, bits, zero):
    """(start, width) of the best window, in bins; zero at bin position
    `zero`."""
    n = len(hist)
    levels = 2 ** bits
    best, best_window = np.inf, (0, n)
    for width in range(levels, n + 1):
        start = int(np.floor(zero * (n - width) / n + 0.5))
        window = hist[start:start + width]
        p = window.copy()
        p[0] += hist[:start].sum()
        p[-1] += hist[start + width:].sum()
        merged = width // levels
        groups = np.minimum(np.arange(width) // merged, levels - 1)
        sums = np.bincount(groups, weights=window, minlength=levels)
        nonzero = np.bincount(groups, weights=(p != 0), minlength=levels)
        q = np.where(p != 0, sums[groups] / np.maximum(nonzero[groups], 1), 0)
        p, q = smooth(p), smooth(q)
        if p is None or q is None:
            continue
        p, q = p / p.sum(), q / q.sum()
        divergence = np.sum(p * np.log(p / q))
        if divergence < best:
            best, best_window = divergence, (start, width)
    return best_window


def quant_params(lo, hi, bits):
    """qopt's asymmetric parameters (range widened to contain 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    qmin, qmax = -2 ** (bits - 1), 2 ** (bits - 1) - 1
    scale = (hi - lo) / (qmax - qmin)
    zp = int(np.clip(np.round(qmin - lo / scale), qmin, qmax))
    return scale, zp


def cases():
    rng = np.random.default_rng(7)
    relu = np.maximum(rng.normal(0.5, 1.0, 200_000), 0)
    skewed = np.concatenate([rng.laplace(0.3, 0.4, 200_000),
                             rng.normal(-2.0, 0.2, 5_000)])
    outliers = np.concatenate([rng.normal(0.0, 1.0, 200_000),
                               [40.0, -25.0, 60.0]])
    return [("relu-like", relu, 8), ("two-sided", skewed, 8),
            ("outliers", outliers, 8), ("outliers", outliers, 4)]


def main():
    work, graph = setup(GRAPH)
    for name, values, bits in cases():
        lo, hi = float(values.min()), float(values.max())
        hist = np.histogram(values, BINS, (lo, hi))[0].astype(np.float64)
        width = (hi - lo) / BINS
        zero = min(max(-lo / width, 0.0), BINS)
        start, size = kl_window(hist, bits, zero)
        scale, zp = quant_params(lo + start * width, lo + (start + size) * width,
                                 bits)
        tensor = {"shape": [1, 64], "min": lo, "max": hi,
                  "histogram": hist.tolist()}
        stats = {"format": "qopt-stats", "version": 1, "function": "main",
                 "samples": 1,
                 "tensors": [dict(id=0, source="arg", **tensor),
                             dict(id=1, source="tosa.clamp", **tensor)]}
        path = os.path.join(work, f"{name}-{bits}.stats")
        with open(path, "w") as f:
            json.dump(stats, f)
        out = run("qopt-mlir", graph, "--qopt-quantize=stats=" + path +
                  f" act-range=kl act-bits={bits}")
        m = re.search(r"qopt\.quant = !quant\.uniform<i8(?:<[-0-9:]+>)?:f32, "
                      r"([-0-9.e+]+)(?::(-?\d+))?>", out)
        got_scale, got_zp = float(m.group(1)), int(m.group(2) or 0)
        ok = abs(got_scale - scale) <= 1e-6 * scale and got_zp == zp
        # A clipped range: the test would be vacuous if KL kept [min, max].
        clipped = size < BINS
        print(f"{name} bits {bits}: "
              f"{'ok' if ok and clipped else 'FAIL'} (window {start}+{size} "
              f"of {BINS} bins, scale {scale:.6g} zp {zp}; qopt {got_scale:.6g} "
              f"zp {got_zp})")


if __name__ == "__main__":
    main()
