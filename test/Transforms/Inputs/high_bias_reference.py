"""High-bias absorption from calibration data against numpy.

Graph: x (1x4x4x2) -> conv1 (1x1, 3 channels, no batch norm) -> ReLU ->
conv2 (3x3, no padding, 2 channels). On 16 random samples numpy computes
conv1's pre-activation per channel: mean beta and standard deviation gamma
over all samples and positions; c = max(0, beta - 3 gamma) (channel 0 sits
far above zero, channel 1 around it, channel 2 above it but wide), and

    b1' = b1 - c,   b2' = b2 + sum over taps and inputs of W2 * c.

qopt-calibrate --absorb-high-bias must record beta and gamma (relative error
<= 1e-5, the JIT computes in f32) and the quantize pipeline's preparation
(--qopt-prepare-pipeline, then qopt-absorb-high-bias with the statistics
file) must give b1' and b2' (<= 1e-5). Writes other.mlir (conv1 with other
weights) for the stale-statistics test.

    high_bias_reference.py --work DIR
"""

import json
import os
import re

import numpy as np

from reference import mlir_dense, run, setup

RNG = np.random.default_rng(11)
W1 = np.array([[0.2, -0.1], [1.0, 0.5], [0.3, 1.5]])  # [out, in], 1x1
B1 = np.array([6.0, 0.25, 6.5])
W2 = np.round(RNG.uniform(-1, 1, (2, 3, 3, 3)), 3)  # OHWI
B2 = np.array([0.5, -0.75])
X = RNG.standard_normal((16, 1, 4, 4, 2)).astype(np.float32)


def graph(w1):
    return f"""func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {{
  %w1 = "tosa.const"() {{values = {mlir_dense(w1[:, None, None, :])} : tensor<3x1x1x2xf32>}} : () -> tensor<3x1x1x2xf32>
  %b1 = "tosa.const"() {{values = {mlir_dense(B1)} : tensor<3xf32>}} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {{values = {mlir_dense(W2)} : tensor<2x3x3x3xf32>}} : () -> tensor<2x3x3x3xf32>
  %b2 = "tosa.const"() {{values = {mlir_dense(B2)} : tensor<2xf32>}} : () -> tensor<2xf32>
  %zp = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %1 = tosa.clamp %0 {{min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32}} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}} : (tensor<1x4x4x3xf32>, tensor<2x3x3x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}}
"""


def biases(text, channels):
    """The values of the conv bias constants with `channels` elements."""
    found = re.findall(r"dense<([^>]*)> : tensor<%dxf32>" % channels, text)
    return np.broadcast_to(np.array(json.loads(found[0]), np.float64),
                           channels)


def report(name, got, want):
    error = np.max(np.abs(got - want) / np.maximum(np.abs(want), 1.0))
    print(f"{name}: {'ok' if error <= 1e-5 else 'FAIL'} (numpy "
          f"{np.array2string(want, precision=5)}, qopt "
          f"{np.array2string(got, precision=5)})")


def main():
    work, path = setup(graph(W1))
    other = os.path.join(work, "other.mlir")
    with open(other, "w") as f:
        f.write("// expected-error-re @+1 {{statistics file '{{.*}}graph.stats' "
                "measured the pre-activations of another graph}}\n"
                + graph(W1 * 2))
    samples = os.path.join(work, "x.npy")
    np.save(samples, X)

    pre = np.einsum("nhwi,oi->nhwo", X[:, 0].astype(np.float64), W1) + B1
    beta = pre.reshape(-1, 3).mean(axis=0)
    gamma = pre.reshape(-1, 3).std(axis=0)
    c = np.maximum(0.0, beta - 3 * gamma)
    assert c[0] > 0 and c[1] == 0 and c[2] > 0, c

    stats = os.path.join(work, "graph.stats")
    run("qopt-calibrate", path, "--inputs", samples, "--absorb-high-bias",
        "-o", stats)
    with open(stats) as f:
        measured = json.load(f)["before_absorption"]["tensors"]
    print(f"measured tensors: {len(measured)}")
    report("mean", np.array(measured[0]["channel_mean"]), beta)
    report("std", np.array(measured[0]["channel_std"]), gamma)

    prepared = run("qopt-mlir", path, "--qopt-prepare-pipeline",
                   f"--qopt-absorb-high-bias=stats={stats}")
    report("b1", biases(prepared, 3), B1 - c)
    report("b2", biases(prepared, 2), B2 + np.einsum("ohwi,i->o", W2, c))


if __name__ == "__main__":
    main()
