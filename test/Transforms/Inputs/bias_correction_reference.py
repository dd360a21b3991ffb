"""bias-correction of qopt-quantize against an independent numpy reference.

Graph: x (1x3x3x2) -> conv1 (1x1, identity weights, records batch norm
statistics mean [1.5, -0.5], std 0) -> conv2 (3x3, zero padding 1, random
weights, bias [0.3, -0.2]), quantized with 2-bit weights per output channel
(levels -s, 0, s with s = max|W| of the channel). The input of conv2 has the
per-channel means [1.5, -0.5] in the statistics file too, so the analytic
(E[x] = batch norm mean through an identity link) and the empirical
(calibration mean) corrections agree. Expected i32 bias of conv2:

    eps  = s * clip(round_half_even(W / s), -1, 1) - W
    cov  = per kernel position, the fraction of the 3x3 output positions
           where it reads the input, not padding: (2/3, 1, 2/3) per axis
    b'   = b - sum(eps * mean[in] * cov[tap])
    int  = round_half_even(b' / (s_in * s))

    bias_correction_reference.py --work DIR
"""

import json
import os
import re

import numpy as np

from reference import mlir_dense, run, setup

MEAN = np.array([1.5, -0.5])
B2 = np.array([0.3, -0.2])
RNG = np.random.default_rng(3)
W2 = np.round(RNG.uniform(-1, 1, (2, 3, 3, 2)), 4)  # OHWI
IN_RANGE = (-1.0, 3.0)  # conv2's input, in the statistics


GRAPH = f"""func.func @main(%x: tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32> {{
  %w1 = "tosa.const"() {{values = dense<[[[[1.0, 0.0]]], [[[0.0, 1.0]]]]> : tensor<2x1x1x2xf32>}} : () -> tensor<2x1x1x2xf32>
  %b1 = "tosa.const"() {{values = dense<0.0> : tensor<2xf32>}} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {{values = {mlir_dense(W2)} : tensor<2x3x3x2xf32>}} : () -> tensor<2x3x3x2xf32>
  %b2 = "tosa.const"() {{values = {mlir_dense(B2)} : tensor<2xf32>}} : () -> tensor<2xf32>
  %zp = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = {mlir_dense(MEAN)} : tensor<2xf32>, qopt.bn_std = dense<0.0> : tensor<2xf32>}} : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  %1 = tosa.conv2d %0, %w2, %b2, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}} : (tensor<1x3x3x2xf32>, tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  return %1 : tensor<1x3x3x2xf32>
}}
"""


def tensor(i, source, lo, hi, mean):
    return {"id": i, "source": source, "shape": [1, 3, 3, 2], "min": lo,
            "max": hi, "histogram": [1, 1], "channel_mean": list(mean)}


def expected(correct):
    # Per output channel, 2 bits: levels -2..1, the -2 level at max |w|.
    s = np.abs(W2).reshape(2, -1).max(axis=1) / 2
    eps = s[:, None, None, None] * np.clip(
        np.round(W2 / s[:, None, None, None]), -2, 1) - W2
    axis = np.array([2 / 3, 1.0, 2 / 3])
    cov = axis[:, None] * axis[None, :]
    shift = np.einsum("ohwi,i,hw->o", eps, MEAN, cov)
    bias = B2 - shift if correct else B2
    lo, hi = min(IN_RANGE[0], 0), max(IN_RANGE[1], 0)
    s_in = (hi - lo) / 255
    return np.round(bias / (s_in * s)).astype(np.int64), shift


def main():
    work, graph = setup(GRAPH)
    stats = {"format": "qopt-stats", "version": 1, "function": "main",
             "samples": 1,
             "tensors": [tensor(0, "arg", -1.0, 3.0, MEAN),
                         tensor(1, "tosa.conv2d", *IN_RANGE, MEAN),
                         tensor(2, "tosa.conv2d", -4.0, 4.0, [0.0, 0.0])]}
    path = os.path.join(work, "graph.stats")
    with open(path, "w") as f:
        json.dump(stats, f)
    for mode in ("none", "analytic", "empirical"):
        out = run("qopt-mlir", graph, f"--qopt-quantize=stats={path} "
                  f"weight-bits=2 bias-correction={mode}")
        got = re.findall(r"dense<(\[[^\]]*\]|-?\d+)> : tensor<2xi32>", out)[-1]
        got = np.broadcast_to(np.array(json.loads(got)), 2)
        want, shift = expected(mode != "none")
        ok = np.array_equal(got, want)
        print(f"{mode}: {'ok' if ok else 'FAIL'} (mean shift "
              f"{np.array2string(shift, precision=4)}, bias {want.tolist()}, "
              f"qopt {got.tolist()})")


if __name__ == "__main__":
    main()
