"""An independent numpy check of `qoptc --report` on a small graph.

    layer_report.py make DIR     writes DIR/net.mlir and the samples DIR/x.npy
    layer_report.py check DIR REPORT W A
                                 reads REPORT (net.report.json, made with
                                 --layer-bits=4=W/A: the depthwise layer) and
                                 recomputes every figure in numpy
    layer_report.py clipping DIR REPORT
                                 checks only the clipped share of each
                                 activation, against the report's ranges
    layer_report.py same A.json B.json
                                 prints "same figures" if both reports
                                 measured the same layers and outputs

The graph: conv 3x3 + ReLU, depthwise 3x3 + ReLU6, conv 1x1, residual add,
global average pool, reshape, fully connected. The check quantizes it as
docs/QuantizedGraph.md specifies (min/max asymmetric activations, per-channel
symmetric narrow-range weights, i32 biases at s_in * s_w) from its own
float run, then compares the report's scales, zero points, bit widths and
SQNRs (weight, own, end to end, outputs) with its own, and prints the worst
layer.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "python"))
from qopt.testing.tosa_builder import Graph  # noqa: E402

SAMPLES = 24
TOLERANCE_DB = 0.05


class RecordingGraph(Graph):
    """Keeps the constants it emits, in order."""

    def __init__(self, seed):
        super().__init__(seed)
        self.arrays = []

    def const(self, array):
        self.arrays.append(np.asarray(array))
        return super().const(array)


def build():
    g = RecordingGraph(seed=3)
    x = g.arg([1, 6, 6, 3])
    c1 = g.relu(g.conv(x, 8))
    d = g.relu6(g.depthwise(c1))
    c2 = g.conv(d, 8, k=1)
    s = g.add(c2, c1)
    p = g.reshape(g.global_avg_pool(s), [1, 8])
    y = g.fully_connected(p, 4)
    # Constants in emission order: conv w, b, zp, zp; depthwise w, b, zp, zp;
    # conv w, b, zp, zp; pool zp, zp; fc w, b.
    a = [v for v in g.arrays if v.size > 1]
    weights = {"c1": a[0:2], "d": a[2:4], "c2": a[4:6], "fc": a[6:8]}
    return g.function([y]), weights


def conv2d(x, w, b, pad):
    """NHWC x OHWI, stride 1, in float64 (pad: top, bottom, left, right)."""
    x = np.pad(x, ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    o, kh, kw, _ = w.shape
    n, h, wd, _ = x.shape
    y = np.zeros((n, h - kh + 1, wd - kw + 1, o))
    for i in range(y.shape[1]):
        for j in range(y.shape[2]):
            y[:, i, j] = np.einsum("nhwc,ohwc->no", x[:, i:i + kh, j:j + kw], w)
    return y + b


def depthwise(x, w, b):
    """3x3 depthwise, padding 1; w is KHxKWxCx1."""
    x = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    n, h, wd, c = x.shape
    y = np.zeros((n, h - 2, wd - 2, c))
    for i in range(3):
        for j in range(3):
            y += x[:, i:i + h - 2, j:j + wd - 2] * w[i, j, :, 0]
    return y + b


def forward(x, W, quant=None):
    """The graph on x [N, 6, 6, 3]: every point's value, by name. With
    `quant`, a function (name, value) -> value applied at every point, and
    W holding the dequantized weights and biases."""
    q = quant or (lambda name, v: v)
    v = {}
    v["x"] = q("x", x)
    v["c1"] = q("c1", np.maximum(conv2d(v["x"], W["c1"][0], W["c1"][1],
                                        (1, 1, 1, 1)), 0))
    v["d"] = q("d", np.clip(depthwise(v["c1"], *W["d"]), 0, 6))
    v["c2"] = q("c2", conv2d(v["d"], W["c2"][0], W["c2"][1], (0, 0, 0, 0)))
    v["s"] = q("s", v["c2"] + v["c1"])
    v["p"] = q("p", v["s"].mean(axis=(1, 2)))
    v["r"] = q("r", v["p"])  # reshape [N, 8]: same quantization
    v["fc"] = q("fc", v["r"] @ W["fc"][0][0] + W["fc"][1][0])
    return v


# Report rows in order, as (our name, the op the report names).
POINTS = [("x", "input"), ("c1", "conv2d+clamp"),
          ("d", "depthwise_conv2d+clamp"), ("c2", "conv2d"), ("s", "add"),
          ("p", "avg_pool2d"), ("r", "reshape"),
          ("fc", "matmul+reshape+add")]
# Points whose quantization is their input's (reshape).
SAME_AS = {"r": "p"}


def asymmetric(lo, hi, bits):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    qmin, qmax = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    scale = (hi - lo) / (qmax - qmin)
    zp = int(np.clip(np.round(qmin - lo / scale), qmin, qmax))
    return scale, zp, qmin, qmax


def fake_quant(v, scale, zp, qmin, qmax):
    """quant.qcast then dcast as the simulation computes them in f32."""
    inv = np.float32(1.0 / scale)
    q = np.clip(np.round(v.astype(np.float32) * inv) + zp, qmin, qmax)
    return ((q - zp) * np.float32(scale)).astype(np.float32).astype(np.float64)


def weight_quant(w, axis, bits):
    """Per-channel symmetric narrow range, [-2, 1] at 2 bits with the -2
    level at max |w|: (dequantized w, scales)."""
    qmax = (1 << (bits - 1)) - 1
    qmin = -2 if bits == 2 else -qmax
    moved = np.moveaxis(w.astype(np.float64), axis, 0)
    scales = np.abs(moved.reshape(len(moved), -1)).max(axis=1) / -qmin
    shape = [1] * w.ndim
    shape[axis] = -1
    s = scales.reshape(shape)
    return np.clip(np.round(w / s), qmin, qmax) * s, scales


def sqnr(ref, x):
    noise = np.sum((np.asarray(x) - ref) ** 2)
    return np.inf if noise == 0 else 10 * np.log10(np.sum(ref ** 2) / noise)


LARGEST_DIFFERENCE = [0.0]


def same(report_db, ours, what):
    mine = np.inf if report_db is None else report_db
    if np.isinf(ours) or np.isinf(mine):
        ok = mine == ours
    else:
        ok = abs(mine - ours) <= TOLERANCE_DB
        LARGEST_DIFFERENCE[0] = max(LARGEST_DIFFERENCE[0], abs(mine - ours))
    if not ok:
        sys.exit(f"FAIL {what}: report {mine:.3f} dB, numpy {ours:.3f} dB")


def load(directory, path):
    with open(path) as f:
        report = json.load(f)
    _, W = build()
    x = np.load(os.path.join(directory, "x.npy")).astype(np.float64)
    return report, W, x, forward(x, W)


def check_clipping(report, ref):
    """The share of float values beyond half a step outside each range."""
    for (name, op), row in zip(POINTS, report["layers"]):
        act = row["activation"]
        lo = act["min"] - act["scale"] / 2
        hi = act["max"] + act["scale"] / 2
        share = np.mean((ref[name] < lo) | (ref[name] > hi))
        if not np.isclose(act["clipped"], share, rtol=1e-9, atol=0):
            sys.exit(f"FAIL #{row['id']} {op}: clipped {act['clipped']}, "
                     f"numpy {share}")
        print(f"#{row['id']} {op}: clipped {100 * share:.2f} %: ok")


def check(directory, path, wbits, abits):
    report, W, x, ref = load(directory, path)

    bits = {name: 8 for name, _ in POINTS}
    bits["d"] = abits
    params = {}
    for name, _ in POINTS:
        src = SAME_AS.get(name, name)
        params[name] = asymmetric(ref[src].min(), ref[src].max(), bits[src])
    # Weights: conv OHWI axis 0, depthwise KHxKWxCx1 axis 2, matmul 1xKxN
    # axis 2; biases in i32 at s_in * s_w.
    axes = {"c1": 0, "d": 2, "c2": 0, "fc": 2}
    inputs = {"c1": "x", "d": "c1", "c2": "d", "fc": "r"}
    Wq, scales = {}, {}
    for layer, (w, b) in W.items():
        wq, s = weight_quant(w, axes[layer], wbits if layer == "d" else 8)
        bias_scale = params[inputs[layer]][0] * s
        Wq[layer] = [wq, np.round(b / bias_scale) * bias_scale]
        scales[layer] = s

    def quant(name, v):
        return fake_quant(v, *params[name])

    e2e = forward(x, Wq, quant)

    # Each layer alone: the quantized layer and the float layer on the float
    # run's inputs quantized.
    def alone(name, weights):
        fed = {k: quant(k, ref[k]) for k in ref}
        layers = {
            "c1": lambda: np.maximum(conv2d(fed["x"], *weights["c1"],
                                            (1, 1, 1, 1)), 0),
            "d": lambda: np.clip(depthwise(fed["c1"], *weights["d"]), 0, 6),
            "c2": lambda: conv2d(fed["d"], *weights["c2"], (0, 0, 0, 0)),
            "s": lambda: fed["c2"] + fed["c1"],
            "p": lambda: fed["s"].mean(axis=(1, 2)),
            "r": lambda: fed["p"],
            "fc": lambda: fed["r"] @ weights["fc"][0][0] + weights["fc"][1][0],
            "x": lambda: x,
        }
        return layers[name]()

    rows = report["layers"]
    if [r["op"] for r in rows] != [op for _, op in POINTS]:
        sys.exit("FAIL layers: " + ", ".join(r["op"] for r in rows))
    for (name, op), row in zip(POINTS, rows):
        what = f"#{row['id']} {op}"
        scale, zp, qmin, qmax = params[name]
        act = row["activation"]
        if not (np.isclose(act["scale"], scale, rtol=1e-5) and
                act["zero_point"] == zp and act["bits"] == bits[
                    SAME_AS.get(name, name)]):
            sys.exit(f"FAIL {what}: activation {act}, numpy scale {scale} "
                     f"zero point {zp}")
        if name in W:
            w = row["weight"]
            expected_bits = wbits if name == "d" else 8
            if (w["bits"] != expected_bits or
                    not np.allclose(w["scales"], scales[name], rtol=1e-6)):
                sys.exit(f"FAIL {what}: weight scales {w['scales']}, numpy "
                         f"{scales[name]}")
            same(w["sqnr"]["sqnr_db"], sqnr(W[name][0], Wq[name][0]),
                 what + " weight SQNR")
            # Per output channel: conv OHWI axis 0, depthwise axis 2,
            # matmul's last.
            for c, db in enumerate(w["channel_sqnr_db"]):
                same(db, sqnr(np.take(W[name][0], c, axes[name]),
                              np.take(Wq[name][0], c, axes[name])),
                     f"{what} weight SQNR of channel {c}")
        elif row["weight"] is not None:
            sys.exit(f"FAIL {what}: weights reported")
        same(row["end_to_end"]["sqnr_db"], sqnr(ref[name], e2e[name]),
             what + " end-to-end SQNR")
        own_ref = alone(name, W) if name != "x" else x
        own = quant(name, alone(name, Wq)) if name != "x" else quant("x", x)
        same(row["own"]["sqnr_db"], sqnr(own_ref, own), what + " own SQNR")
        print(f"{what}: W{row['weight']['bits'] if row['weight'] else '-'} "
              f"out {act['bits']} bits, own {sqnr(own_ref, own):.1f} dB, "
              f"end to end {sqnr(ref[name], e2e[name]):.1f} dB: ok")
    check_clipping(report, ref)
    out = report["outputs"][0]
    same(out["integer"]["sqnr_db"], sqnr(ref["fc"], e2e["fc"]), "output")
    same(out["simulated"]["sqnr_db"], sqnr(ref["fc"], e2e["fc"]),
         "simulated output")
    print(f"output: {sqnr(ref['fc'], e2e['fc']):.1f} dB: ok")
    worst = next(r for r in rows if r["id"] == report["worst"][0])
    print(f"worst: #{worst['id']} {worst['op']}")
    print(f"largest difference: {LARGEST_DIFFERENCE[0]:.4f} dB")


def same_figures(a, b):
    with open(a) as fa, open(b) as fb:
        a, b = json.load(fa), json.load(fb)
    if a["layers"] != b["layers"] or a["outputs"] != b["outputs"]:
        sys.exit("FAIL: the reports differ")
    print("same figures")


def main():
    command, directory = sys.argv[1], sys.argv[2]
    if command == "same":
        same_figures(sys.argv[2], sys.argv[3])
    elif command == "clipping":
        report, _, _, ref = load(directory, sys.argv[3])
        check_clipping(report, ref)
    elif command == "make":
        text, _ = build()
        with open(os.path.join(directory, "net.mlir"), "w") as f:
            f.write(text)
        rng = np.random.default_rng(7)
        np.save(os.path.join(directory, "x.npy"),
                rng.standard_normal((SAMPLES, 6, 6, 3)).astype(np.float32))
    else:
        check(directory, sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))


if __name__ == "__main__":
    main()
