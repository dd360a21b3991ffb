"""Expected biases of test/Transforms/correct-bias.mlir, computed
independently of the pass: E[x] by numerical integration of the clamped
normal density, weight rounding with numpy (round half to even).

Layer 1 records pre-activation statistics mean [2, 0, 5], std [0, 1, 2];
layer 2 is a 1x1 conv with 2-bit symmetric weights (levels -1, 0, 1).
"""

import numpy as np

MEAN = np.array([2.0, 0.0, 5.0])
STD = np.array([0.0, 1.0, 2.0])
W2 = np.array([[0.375, 1.0, -0.4375], [0.25, 0.125, 0.0625]])
B2 = np.array([0.25, -0.5])


def mlir_float(v):
    """An f32 as MLIR prints it: 6 decimals when they are its exact value,
    else 9 significant digits."""
    v = np.float32(v)
    short = f"{v:.6e}"
    return short if float(short) == float(v) else f"{v:.9g}"


def expected_input(lo, hi):
    """E[clip(x, lo, hi)] per channel, x ~ N(MEAN, STD²)."""
    result = []
    for m, s in zip(MEAN, STD):
        if s == 0:
            result.append(np.clip(m, lo, hi))
            continue
        x = np.linspace(m - 12 * s, m + 12 * s, 2_000_001)
        density = np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        result.append(np.trapz(np.clip(x, lo, hi) * density, x))
    return np.array(result)


def corrected(mean_x, per_channel):
    absmax = np.abs(W2).max(axis=1, keepdims=True)
    if not per_channel:
        absmax = np.full_like(absmax, np.abs(W2).max())
    scale = absmax / 2.0  # 2 bits: levels -2..1, -2 at -max|w|
    eps = np.clip(np.round(W2 / scale), -2, 1) * scale - W2
    return B2 - eps @ mean_x


for name, lo, hi in (("identity", -np.inf, np.inf), ("relu", 0, np.inf),
                     ("relu6", 0, 6)):
    for per_channel in (True, False):
        b = corrected(expected_input(lo, hi), per_channel)
        print(f"{name} per-channel={str(per_channel).lower()}: "
              + ", ".join(mlir_float(v) for v in b))
