"""Inputs and numpy reference results of the qopt-run tests.

    reference.py gen DIR CASE...     writes the inputs DIR/CASE/in<i>.npy
    reference.py check DIR CASE[:PREFIX]...
                                     compares DIR/CASE/<PREFIX><i>.npy
                                     (default PREFIX: out) with numpy and
                                     prints "CASE: ok", or what differs

Float cases allow float32 rounding differences; integer cases must match bit
for bit. Several cases per call keep the tests fast.
"""

import os
import sys

import numpy as np


def conv2d(x, w, b, pad, stride=1):
    """NHWC x OHWI convolution in float64 (pad: top, bottom, left, right)."""
    x = np.pad(x.astype(np.float64),
               ((0, 0), (pad[0], pad[1]), (pad[2], pad[3]), (0, 0)))
    o, kh, kw, _ = w.shape
    n, h, wd, _ = x.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, oh, ow, o))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, i, j] = np.einsum("nhwc,ohwc->no", patch, w)
    return y + b


def apply_scale_32(value, multiplier, shift, double_round):
    """TOSA apply_scale_32 on int64 arrays."""
    value, multiplier, shift = (np.asarray(a, np.int64)
                                for a in (value, multiplier, shift))
    rounding = np.left_shift(np.int64(1), shift - 1)
    if double_round:
        rounding = rounding + np.where(
            shift > 31, np.where(value >= 0, 1 << 30, -(1 << 30)), 0)
    return (value * multiplier + rounding) >> shift


def rng():
    return np.random.default_rng(0)


def conv_inputs():
    r = rng()
    return [r.standard_normal((1, 6, 6, 3)).astype(np.float32),
            r.standard_normal((4, 3, 3, 3)).astype(np.float32),
            r.standard_normal(4).astype(np.float32)]


def conv_reference(x, w, b):
    y = np.clip(conv2d(x, w, b, (1, 1, 1, 1)), 0.0, 6.0)
    pooled = y.reshape(1, 3, 2, 3, 2, 4).max(axis=(2, 4))
    strided = conv2d(x, w, b, (0, 1, 0, 1), stride=2)
    return [y, pooled, strided]


def matmul_inputs():
    r = rng()
    return [r.standard_normal((2, 8)).astype(np.float32),
            r.standard_normal((1, 8, 5)).astype(np.float32),
            r.standard_normal((1, 5)).astype(np.float32)]


def matmul_reference(x, w, b):
    logits = x.astype(np.float64) @ w[0] + b
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return [np.maximum(logits, 0.0), e / e.sum(axis=1, keepdims=True)]


def elementwise_inputs():
    r = rng()
    return [r.standard_normal((1, 4, 4, 2)).astype(np.float32),
            r.standard_normal((1, 1, 1, 2)).astype(np.float32)]


def elementwise_reference(x, s):
    x = x.astype(np.float64)
    y = np.tanh(x) * (1.0 / (1.0 + np.exp(-x))) - s
    avg = y.reshape(1, 2, 2, 2, 2, 2).mean(axis=(2, 4))
    return [y, avg, np.concatenate([x, y], axis=3).transpose(0, 3, 1, 2)]


def int_conv_inputs():
    r = rng()
    return [r.integers(-128, 128, (1, 5, 5, 2), dtype=np.int8),
            r.integers(-127, 128, (3, 3, 3, 2), dtype=np.int8),
            r.integers(-20000, 20000, 3, dtype=np.int32)]


def int_conv_reference(x, w, b):
    # input zero point -3, weight zero point 0; rescale per channel, output
    # zero point 5, then ReLU as an integer clamp at the zero point.
    acc = conv2d(x.astype(np.int64) + 3, w.astype(np.int64), b,
                 (1, 1, 1, 1)).astype(np.int64)
    q = apply_scale_32(acc, [1073741824, 1500000000, 2000000000],
                       [38, 39, 40], double_round=False) + 5
    return [acc.astype(np.int32), np.clip(q, 5, 127).astype(np.int8)]


def int_matmul_inputs():
    r = rng()
    return [r.integers(-128, 128, (1, 3, 16), dtype=np.int8),
            r.integers(-128, 128, (1, 16, 4), dtype=np.int8)]


def int_matmul_reference(a, b):
    # a zero point -2, b zero point 3; DOUBLE_ROUND rescale (shift > 31) to
    # output zero point -7, saturating.
    acc = (a.astype(np.int64) + 2) @ (b.astype(np.int64) - 3)
    q = apply_scale_32(acc, 1518500250, 40, double_round=True) - 7
    return [np.clip(q, -128, 127).astype(np.int8)]


def multi_inputs():
    return [rng().standard_normal((2, 3)).astype(np.float32)]


def multi_reference(x):
    return [np.abs(x), np.abs(x), np.array([1.0, 2.0, 3.0], np.float32), x,
            np.float32(7.0)]


def slice_inputs():
    return [rng().standard_normal((3, 4)).astype(np.float32)]


def slice_reference(x):
    return [x[1:3, 1:3]]


def qdq_inputs():
    # Every half-way point of the quantization grid, and values that clamp.
    return [((np.arange(16, dtype=np.float32) - 8) * 0.5 - 0.25).reshape(2, 8)]


def qdq_reference(x):
    # scale 0.5, zero point -2, storage i8<-8:7>; ties round to even.
    q = np.clip(np.round(x.astype(np.float64) / 0.5) - 2, -8, 7)
    return [((q + 2) * 0.5).astype(np.float32)]


DTYPES = [np.float64, np.int8, np.uint8, np.int16, np.int32, np.int64, bool]


def dtypes_inputs():
    r = rng()
    return [r.integers(-100, 100, (2, 3)).astype(t) for t in DTYPES]


def dtypes_reference(*inputs):
    return list(inputs)


CASES = {
    "conv": (conv_inputs, conv_reference, False),
    "matmul": (matmul_inputs, matmul_reference, False),
    "elementwise": (elementwise_inputs, elementwise_reference, False),
    "multi": (multi_inputs, multi_reference, True),
    "slice": (slice_inputs, slice_reference, True),
    "int_conv": (int_conv_inputs, int_conv_reference, True),
    "int_matmul": (int_matmul_inputs, int_matmul_reference, True),
    "qdq": (qdq_inputs, qdq_reference, True),
    "dtypes": (dtypes_inputs, dtypes_reference, True),
}


def check(case, directory, prefix):
    make_inputs, reference, exact = CASES[case]
    inputs = [np.load(os.path.join(directory, f"in{i}.npy"))
              for i in range(len(make_inputs()))]
    ok = True
    for i, expected in enumerate(reference(*inputs)):
        expected = np.asarray(expected)
        actual = np.load(os.path.join(directory, f"{prefix}{i}.npy"))
        if exact:
            same = (actual.dtype == expected.dtype and
                    np.array_equal(actual, expected))
        else:
            same = (actual.dtype == np.float32 and
                    actual.shape == expected.shape and
                    np.allclose(actual, expected, rtol=1e-5, atol=1e-5))
        if not same:
            ok = False
            print(f"{case}: result {i} differs: {actual.dtype} "
                  f"{actual.shape} vs {expected.dtype} {expected.shape}\n"
                  f"{actual}\n{expected}")
    print(f"{case}: {'ok' if ok else 'FAIL'}")
    return ok


def main():
    command, root, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
    ok = True
    for spec in cases:
        case, _, prefix = spec.partition(":")
        directory = os.path.join(root, case)
        if command == "gen":
            os.makedirs(directory, exist_ok=True)
            for i, array in enumerate(CASES[case][0]()):
                np.save(os.path.join(directory, f"in{i}.npy"), array)
        else:
            ok &= check(case, directory, prefix or "out")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
