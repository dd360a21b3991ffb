"""Numeric check of --qopt-prepare-pipeline: a conv, a depthwise conv and a
fully connected layer, each followed by batch norm written out in TOSA
arithmetic on constant statistics, are run before and after preparation
with qopt-run on the same random input. The prepared graph must have no
arithmetic left besides the FC bias add, and its outputs must match the
original's to 1e-5 (max abs error).

Tools (qopt-mlir, qopt-run) are taken from PATH.
"""

import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

rng = np.random.default_rng(7)


def run(*cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n"
                 f"{proc.stdout}{proc.stderr}")


def ttype(shape, elem="f32"):
    return f"tensor<{'x'.join(map(str, shape))}x{elem}>"


class Graph:
    def __init__(self):
        self.lines = []
        self.count = 0

    def value(self, text, shape):
        name = f"%v{self.count}"
        self.count += 1
        self.lines.append(f"  {name} = {text}")
        return name, shape

    def const(self, array):
        array = np.asarray(array, dtype=np.float32)
        t = ttype(array.shape)
        values = json.dumps(array.tolist())
        return self.value(
            f'"tosa.const"() {{values = dense<{values}> : {t}}} : () -> {t}',
            array.shape)

    def op(self, name, operands, shape, attrs=""):
        names = ", ".join(o[0] for o in operands)
        types = ", ".join(o[1] if isinstance(o[1], str) else ttype(o[1])
                          for o in operands)
        return self.value(
            f"tosa.{name} {names}{attrs} : ({types}) -> {ttype(shape)}", shape)

    def shift(self):
        return self.value(
            '"tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> '
            "tensor<1xi8>", "tensor<1xi8>")

    def mul(self, a, b):
        shape = np.broadcast_shapes(a[1], b[1])
        return self.op("mul", [a, b, self.shift()], shape)

    def reshape(self, a, shape):
        s = self.value(
            f"tosa.const_shape {{values = dense<{list(shape)}> : "
            f"tensor<{len(shape)}xindex>}} : () -> !tosa.shape<{len(shape)}>",
            f"!tosa.shape<{len(shape)}>")
        return self.op("reshape", [a, s], shape)


def batch_norm_constants(channels, rank):
    shape = (1,) * (rank - 1) + (channels,)
    mean = rng.normal(0, 1, shape)
    var = rng.uniform(0.5, 2, shape)
    gamma = rng.normal(1, 0.5, shape)
    beta = rng.normal(0, 1, shape)
    return mean, var, gamma, beta


def build():
    g = Graph()
    x = ("%x", (1, 6, 6, 3))
    zp = g.const(np.zeros(1))
    conv_attrs = (" {acc_type = f32, dilation = array<i64: 1, 1>, "
                  "pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}")

    # conv 3x3, 3 -> 4 channels; BN as (y - mean) * rsqrt(var + eps) * gamma
    # + beta.
    w = g.const(rng.normal(0, 0.3, (4, 3, 3, 3)))
    b = g.const(rng.normal(0, 0.1, (4,)))
    y = g.op("conv2d", [x, w, b, zp, zp], (1, 6, 6, 4), conv_attrs)
    mean, var, gamma, beta = (g.const(c) for c in batch_norm_constants(4, 4))
    eps = g.const(np.full((1, 1, 1, 1), 1e-3))
    inv = g.op("rsqrt", [g.op("add", [var, eps], var[1])], var[1])
    y = g.op("sub", [y, mean], y[1])
    y = g.mul(g.mul(y, inv), gamma)
    conv_out = g.op("add", [y, beta], y[1])

    # depthwise 3x3, multiplier 2; x - mean as x + negate(mean), the scale
    # gamma * rsqrt(var + eps) computed first.
    w = g.const(rng.normal(0, 0.3, (3, 3, 3, 2)))
    b = g.const(np.zeros(6))
    y = g.op("depthwise_conv2d", [x, w, b, zp, zp], (1, 6, 6, 6), conv_attrs)
    mean, var, gamma, beta = (g.const(c) for c in batch_norm_constants(6, 4))
    eps = g.const(np.full((1, 1, 1, 1), 1e-5))
    scale = g.mul(gamma, g.op("rsqrt", [g.op("add", [var, eps], var[1])],
                              var[1]))
    y = g.op("add", [y, g.op("negate", [mean, zp, zp], mean[1])], y[1])
    y = g.op("add", [g.mul(y, scale), beta], y[1])
    dw_out = y

    # fully connected 108 -> 5 with a bias add, then a scale with a
    # negative entry and beta - y.
    flat = g.reshape(x, (1, 1, 108))
    w = g.const(rng.normal(0, 0.1, (1, 108, 5)))
    y = g.op("matmul", [flat, w, zp, zp], (1, 1, 5))
    y = g.reshape(y, (1, 5))
    y = g.op("add", [y, g.const(rng.normal(0, 0.1, (1, 5)))], (1, 5))
    y = g.mul(y, g.const([[1.5, -0.5, 2.0, 0.25, -1.0]]))
    fc_out = g.op("sub", [g.const(rng.normal(0, 1, (1, 5))), y], (1, 5))

    outs = [conv_out, dw_out, fc_out]
    result_types = ", ".join(ttype(o[1]) for o in outs)
    return ("func.func @main(%x: tensor<1x6x6x3xf32>) -> "
            f"({result_types}) {{\n" + "\n".join(g.lines) +
            f"\n  return {', '.join(o[0] for o in outs)} : {result_types}\n}}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)

    def path(name):
        return os.path.join(args.work, name)

    with open(path("graph.mlir"), "w") as f:
        f.write(build())
    run("qopt-mlir", path("graph.mlir"), "--qopt-prepare-pipeline",
        "-o", path("prepared.mlir"))
    with open(path("prepared.mlir")) as f:
        prepared = f.read()
    ops = sorted(set(re.findall(r"tosa\.(\w+) ", prepared)))
    print("prepared ops:", " ".join(ops))
    print("prepared adds:", prepared.count("tosa.add "))

    np.save(path("x.npy"), rng.uniform(-1, 1, (1, 6, 6, 3)).astype(np.float32))
    outputs = {}
    for variant in ("graph", "prepared"):
        names = [path(f"{variant}.r{i}.npy") for i in range(3)]
        run("qopt-run", path(f"{variant}.mlir"), "--input", path("x.npy"),
            *[a for n in names for a in ("--output", n)])
        outputs[variant] = [np.load(n) for n in names]

    failed = False
    for name, ref, out in zip(("conv", "depthwise", "fc"), outputs["graph"],
                              outputs["prepared"]):
        err = float(np.max(np.abs(ref.astype(np.float64) - out)))
        ok = err <= 1e-5
        failed |= not ok
        print(f"{name}: max abs error {'<=' if ok else '>'} 1e-5 "
              f"({err:.2e}, range {np.abs(ref).max():.2f})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
