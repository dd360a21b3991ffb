"""Numeric checks of qopt-adaround against an independent numpy model.

Two tiny deterministic layers whose inputs have strongly correlated
channels (where rounding every weight to nearest is far from best):

- a 3x3 conv (4 → 4 channels, zero padding) at 4 bits: numpy rebuilds the
  weight scales (max |w| / 7 per output channel), checks that the pass's
  weights are s·(floor(w/s) or floor(w/s) + 1), and computes the output
  reconstruction error (1/N) Σ ‖(W − Ŵ)·x‖² over every output position of
  the calibration samples and of held-out samples, for nearest rounding and
  for the learned rounding read back from the pass output;
- a fully connected layer (8 → 8) at 4 bits: numpy enumerates all 2^8
  up/down choices of each output channel to find the optimal rounding, and
  checks that the learned rounding is never worse than nearest and closes
  at least half of nearest's excess error over that optimum (AdaRound is a
  relaxation: it does not always reach the exact optimum, and the count of
  channels where it does is printed).

Tools come from the build directory ($QOPT_BUILD_DIR, set by lit).
"""

import argparse
import itertools
import os
import re
import sys

import numpy as np

import qopt


def dense(array):
    return ('dense<"0x' + np.ascontiguousarray(array, np.float32).tobytes()
            .hex().upper() + '">')


def tensor(shape):
    return "tensor<" + "x".join(map(str, shape)) + "xf32>"


def run_adaround(work, name, text, samples, options):
    """The rounded weights and recorded scales of the function's only layer."""
    src, out = os.path.join(work, name + ".mlir"), os.path.join(
        work, name + ".out.mlir")
    npy = os.path.join(work, name + ".npy")
    with open(src, "w") as f:
        f.write(text)
    np.save(npy, samples.astype(np.float32))
    qopt.compiler.run_tool(
        "qopt-mlir", src, f"--qopt-adaround=samples={npy} {options}",
        "--mlir-print-elementsattrs-with-hex-if-larger=0", "-o", out)
    with open(out) as f:
        result = f.read()
    hexes = re.findall(r'"tosa.const"\(\) <\{values = dense<"0x([0-9A-F]+)">'
                       r' : (tensor<[0-9x]+xf32>)', result)
    weights = [np.frombuffer(bytes.fromhex(h), np.float32)
               for h, t in hexes if t == weight_type(text)]
    scales = re.search(r"qopt.weight_scales = array<f64: ([^>]*)>", result)
    return weights[0], np.array([float(s) for s in scales.group(1).split(",")])


def weight_type(text):
    return re.search(r"// weights: (tensor<[0-9x]+xf32>)", text).group(1)


def learned_integers(w, s, learned, qmax):
    """The pass's weights as integers, checked to be a floor or ceiling."""
    q = learned / s
    assert np.all(np.abs(q - np.rint(q)) < 1e-4), "weights not on the grid"
    q = np.rint(q)
    floor = np.floor(w / s)
    assert np.all((q == np.clip(floor, -qmax, qmax)) |
                  (q == np.clip(floor + 1, -qmax, qmax))), \
        "a weight moved by more than one rounding step"
    return q


def error(d, patches):
    """(1/N) Σ_n ‖d·x_n‖² for rows d [O, K] and patches [N, K]."""
    y = patches.astype(np.float64) @ d.T.astype(np.float64)
    return np.mean(np.sum(y * y, axis=1))


def im2col(x, k):
    """[S, H, W, C] → [S·H·W, k·k·C] patches of a 'same' k×k window, in the
    (ky, kx, c) order of TOSA's OHWI weights."""
    p = k // 2
    padded = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    s, h, w, c = x.shape
    cols = [padded[:, ky:ky + h, kx:kx + w, :]
            for ky in range(k) for kx in range(k)]
    return np.stack(cols, axis=3).reshape(s * h * w, k * k * c)


def correlated(rng, shape, mix):
    """Samples whose last axis mixes len(mix) sources, plus a little noise."""
    sources = rng.standard_normal(shape[:-1] + (len(mix),))
    return (sources @ mix + 0.05 * rng.standard_normal(shape)).astype(
        np.float32)


def check_conv(work):
    rng = np.random.default_rng(7)
    s, h, w, c, o, k, bits = 16, 6, 6, 4, 4, 3, 4
    qmax = 2 ** (bits - 1) - 1
    mix = rng.standard_normal((2, c))
    x = correlated(rng, (s, h, w, c), mix)
    held_out = correlated(rng, (s, h, w, c), mix)
    weights = (0.3 * rng.standard_normal((o, k, k, c))).astype(np.float32)
    bias = np.zeros(o, np.float32)
    zp = np.zeros(1, np.float32)
    wt, out_t = tensor([o, k, k, c]), tensor([1, h, w, o])
    text = f"""// weights: {wt}
func.func @main(%x: {tensor([1, h, w, c])}) -> {out_t} {{
  %w = "tosa.const"() <{{values = {dense(weights)} : {wt}}}> : () -> {wt}
  %b = "tosa.const"() <{{values = {dense(bias)} : {tensor([o])}}}> : () -> {tensor([o])}
  %zp = "tosa.const"() <{{values = {dense(zp)} : {tensor([1])}}}> : () -> {tensor([1])}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {{acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}} : ({tensor([1, h, w, c])}, {wt}, {tensor([o])}, {tensor([1])}, {tensor([1])}) -> {out_t}
  return %y : {out_t}
}}
"""
    learned, scales = run_adaround(
        work, "conv", text, x[:, None],
        f"weight-bits={bits} batch=100000 iterations=1000")
    w2 = weights.reshape(o, -1).astype(np.float64)
    expected_scales = np.abs(w2).max(axis=1) / qmax
    assert np.allclose(scales, expected_scales, rtol=1e-12, atol=0), scales
    sc = expected_scales[:, None]
    nearest = np.clip(np.rint(w2 / sc), -qmax, qmax)
    q = learned_integers(w2, sc, learned.reshape(o, -1).astype(np.float64),
                         qmax)
    flipped = np.mean(q != nearest)
    for name, data in (("calibration", x), ("held-out", held_out)):
        patches = im2col(data, k)
        e_near = error(w2 - sc * nearest, patches)
        e_learn = error(w2 - sc * q, patches)
        ratio = e_learn / e_near
        limit = 0.5 if name == "calibration" else 0.7
        ok = ratio <= limit
        print(f"conv 3x3 4->4 W4, {name} samples: learned/nearest output "
              f"error {'<=' if ok else '>'} {limit} ({e_learn:.4g} / "
              f"{e_near:.4g} = {ratio:.2f}; {flipped:.0%} of weights not "
              "rounded to nearest)")
        if not ok:
            return False
    return True


def check_exhaustive(work):
    """Fully connected 8 → 8 at 4 bits on windows of smoothed, rectified
    random signals (neighbouring inputs correlated, as in conv patches)."""
    rng = np.random.default_rng(11)
    s, m, k, o, bits = 32, 24, 8, 8, 4
    qmax = 2 ** (bits - 1) - 1
    signal = rng.standard_normal((s, m + k))
    kernel = np.array([1, 2, 3, 2, 1]) / 9
    signal = np.maximum(
        np.stack([np.convolve(row, kernel, "same") for row in signal]), 0)
    x = np.stack([signal[:, i:i + k] for i in range(m)], axis=1).astype(
        np.float32)  # [s, m, k]
    weights = (0.5 * rng.standard_normal((1, k, o))).astype(np.float32)
    zp = np.zeros(1, np.float32)
    wt, in_t, out_t = tensor([1, k, o]), tensor([1, m, k]), tensor([1, m, o])
    text = f"""// weights: {wt}
func.func @main(%x: {in_t}) -> {out_t} {{
  %w = "tosa.const"() <{{values = {dense(weights)} : {wt}}}> : () -> {wt}
  %zp = "tosa.const"() <{{values = {dense(zp)} : {tensor([1])}}}> : () -> {tensor([1])}
  %y = tosa.matmul %x, %w, %zp, %zp : ({in_t}, {wt}, {tensor([1])}, {tensor([1])}) -> {out_t}
  return %y : {out_t}
}}
"""
    learned, scales = run_adaround(work, "fc", text, x[:, None],
                                   f"weight-bits={bits} batch=100000")
    rows = weights[0].T.astype(np.float64)  # [o, k]
    sc = (np.abs(rows).max(axis=1) / qmax)[:, None]
    assert np.allclose(scales, sc[:, 0], rtol=1e-12, atol=0), scales
    q = learned_integers(rows, sc, learned.reshape(k, o).T.astype(np.float64),
                         qmax)
    patches = x.reshape(-1, k)
    floor = np.floor(rows / sc)
    nearest = np.clip(np.rint(rows / sc), -qmax, qmax)
    optimal, no_worse = 0, 0
    excess = {"nearest": 0.0, "learned": 0.0}
    for r in range(o):
        row_error = lambda ints: error((rows[r] - sc[r] * ints)[None],  # noqa
                                       patches)
        best = min(row_error(np.clip(floor[r] + ups, -qmax, qmax))
                   for ups in itertools.product((0, 1), repeat=k))
        e_learned, e_nearest = row_error(q[r]), row_error(nearest[r])
        optimal += e_learned <= best * (1 + 1e-9)
        no_worse += e_learned <= e_nearest * (1 + 1e-9)
        excess["nearest"] += e_nearest - best
        excess["learned"] += e_learned - best
        print(f"  channel {r}: optimum {best:.4g}, learned {e_learned:.4g}, "
              f"nearest {e_nearest:.4g}")
    closed = 1 - excess["learned"] / excess["nearest"]
    print(f"fully connected 8->8 W4: learned rounding no worse than nearest "
          f"on {no_worse}/{o} output channels")
    ok = closed >= 0.5
    print(f"fully connected 8->8 W4: learned rounding closes "
          f"{'>=' if ok else '<'} 50% of nearest's excess error over the "
          f"exhaustive optimum ({closed:.0%}; the optimum itself on "
          f"{optimal}/{o} channels)")
    return ok and no_worse == o


def run_chain(work, name, text, samples, options):
    """Every f32 constant of the pass's output, in order."""
    src, out = os.path.join(work, name + ".mlir"), os.path.join(
        work, name + ".out.mlir")
    npy = os.path.join(work, name + ".npy")
    with open(src, "w") as f:
        f.write(text)
    np.save(npy, samples.astype(np.float32))
    qopt.compiler.run_tool(
        "qopt-mlir", src, f"--qopt-adaround=samples={npy} {options}",
        "--mlir-print-elementsattrs-with-hex-if-larger=0", "-o", out)
    with open(out) as f:
        result = f.read()
    return [np.frombuffer(bytes.fromhex(h), np.float32).astype(np.float64)
            for h in re.findall(r'"tosa.const"\(\) <\{values = '
                                r'dense<"0x([0-9A-F]+)"> : tensor<1x8x8xf32>',
                                result)], result


def check_chain(work):
    """Two fully connected 8 → 8 layers with a ReLU between, at 3 bits.
    inputs=quantized rounds the second layer on the outputs of the rounded
    first one and reconstructs the float model's: its end-to-end output
    error must not exceed that of inputs=float (which fits the second layer
    to the float model's inputs); correct-bias=true then moves the mean
    output error into the biases, leaving (almost) none."""
    rng = np.random.default_rng(5)
    s, m, k, bits = 32, 24, 8, 3
    signal = rng.standard_normal((s, m + k))
    kernel = np.array([1, 2, 3, 2, 1]) / 9
    signal = np.stack([np.convolve(row, kernel, "same") for row in signal])
    x = np.stack([signal[:, i:i + k] for i in range(m)], axis=1).astype(
        np.float32)  # [s, m, k]
    w1, w2 = (0.5 * rng.standard_normal((2, 1, k, k))).astype(np.float32)
    b1, b2 = (0.2 * rng.standard_normal((2, 1, 1, k))).astype(np.float32)
    zp = np.zeros(1, np.float32)
    wt, bt, t = tensor([1, k, k]), tensor([1, 1, k]), tensor([1, m, k])
    z = tensor([1])
    text = f"""func.func @main(%x: {t}) -> {t} {{
  %w1 = "tosa.const"() <{{values = {dense(w1)} : {wt}}}> : () -> {wt}
  %w2 = "tosa.const"() <{{values = {dense(w2)} : {wt}}}> : () -> {wt}
  %b1 = "tosa.const"() <{{values = {dense(b1)} : {bt}}}> : () -> {bt}
  %b2 = "tosa.const"() <{{values = {dense(b2)} : {bt}}}> : () -> {bt}
  %zp = "tosa.const"() <{{values = {dense(zp)} : {z}}}> : () -> {z}
  %y1 = tosa.matmul %x, %w1, %zp, %zp : ({t}, {wt}, {z}, {z}) -> {t}
  %a1 = tosa.add %y1, %b1 : ({t}, {bt}) -> {t}
  %r1 = tosa.clamp %a1 {{max_val = 3.40282347E+38 : f32, min_val = 0.0 : f32}} : ({t}) -> {t}
  %y2 = tosa.matmul %r1, %w2, %zp, %zp : ({t}, {wt}, {z}, {z}) -> {t}
  %a2 = tosa.add %y2, %b2 : ({t}, {bt}) -> {t}
  return %a2 : {t}
}}
"""
    base = f"weight-bits={bits} batch=100000"
    x64 = x.reshape(-1, k).astype(np.float64)

    def forward(v1, c1, v2, c2):
        h = np.maximum(x64 @ v1.reshape(k, k) + c1.reshape(k), 0)
        return h @ v2.reshape(k, k) + c2.reshape(k)

    reference = forward(w1, b1, w2, b2)
    errors = {}
    for mode in ("float", "quantized"):
        (v1, v2), _ = run_chain(work, "chain-" + mode, text, x[:, None],
                                f"{base} inputs={mode} correct-bias=false")
        errors[mode] = np.mean(np.sum((forward(v1, b1, v2, b2) - reference)
                                      ** 2, axis=1))
    ok = errors["quantized"] <= errors["float"]
    print(f"chain 8->8->8 W3: inputs=quantized end-to-end output error "
          f"{'<=' if ok else '>'} inputs=float ({errors['quantized']:.4g} / "
          f"{errors['float']:.4g})")
    (v1, v2), result = run_chain(work, "chain-bias", text, x[:, None],
                                 f"{base} inputs=quantized correct-bias=true")
    biases = [np.frombuffer(bytes.fromhex(h), np.float32).astype(np.float64)
              for h in re.findall(r'"tosa.const"\(\) <\{values = '
                                  r'dense<"0x([0-9A-F]+)"> : tensor<1x1x8xf32>',
                                  result)]
    c1, c2 = biases
    shift = np.abs(np.mean(forward(v1, c1, v2, c2) - reference, axis=0)).max()
    before = np.abs(np.mean(forward(v1, b1, v2, b2) - reference,
                            axis=0)).max()
    corrected = shift <= 1e-4 * max(1.0, before) and before > 1e-3
    print(f"chain 8->8->8 W3: correct-bias=true leaves a mean output error "
          f"{'<=' if corrected else '>'} 1e-4 (largest channel {shift:.2g}; "
          f"{before:.2g} without the correction)")
    return ok and corrected


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ok = check_conv(args.work)
    ok = check_exhaustive(args.work) and ok
    ok = check_chain(args.work) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
