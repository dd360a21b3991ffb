"""Inputs and exact numpy reference statistics of qopt-calibrate.mlir.

    calibration.py gen DIR      writes DIR/x.npy (5 samples batched along the
                                unit batch dimension), DIR/x5.npy (the same
                                with a new leading dimension) and DIR/y/
                                (one file per sample)
    calibration.py check DIR STATS
                                recomputes every activation of the graph and
                                compares its statistics with the file

All values are small integers, so float32 arithmetic is exact and min, max
and every histogram count must match bit for bit; the per-channel means
within 1e-12.
"""

import json
import os
import sys

import numpy as np

SAMPLES = 5
BINS = 16
WEIGHTS = np.array([[1, -2], [3, 1], [-1, -1]], np.float64)  # OI of a 1x1 conv
BIAS = np.array([0.0, 1.0, -1.0])


def inputs():
    rng = np.random.default_rng(0)
    x = rng.integers(-4, 5, (SAMPLES, 4, 4, 2)).astype(np.float32)
    y = rng.integers(-3, 4, (SAMPLES, 1, 4, 4, 3)).astype(np.float32)
    return x, y


def activations(x, y):
    """Per sample: x, y, conv, add, clamp, mul (canonical order)."""
    x = x.astype(np.float64)[None]
    conv = x @ WEIGHTS.T + BIAS
    add = conv + y
    clamp = np.clip(add, 0.0, 6.0)
    return [x, y, conv, add, clamp, clamp * 0.5]


def histogram(values, lo, hi):
    scale = BINS / (hi - lo) if hi > lo else 0.0
    bins = np.clip(np.floor((values - lo) * scale), 0, BINS - 1)
    return np.bincount(bins.astype(np.int64), minlength=BINS).tolist()


def main():
    command, directory = sys.argv[1:3]
    x, y = inputs()
    if command == "gen":
        np.save(os.path.join(directory, "x.npy"), x)
        np.save(os.path.join(directory, "x5.npy"), x[:, None])
        os.makedirs(os.path.join(directory, "y"))
        for i in range(SAMPLES):
            np.save(os.path.join(directory, "y", f"{i:03d}.npy"), y[i])
        return
    with open(sys.argv[3]) as f:
        stats = json.load(f)
    print(f"{stats['format']} {stats['version']} {stats['function']} "
          f"samples {stats['samples']} prepare '{stats['prepare']}' "
          f"fingerprint {len(stats['fingerprint'])} hex digits")
    per_sample = [activations(x[i], y[i]) for i in range(SAMPLES)]
    for t in stats["tensors"]:
        values = np.concatenate([s[t["id"]].ravel() for s in per_sample])
        lo, hi = values.min(), values.max()
        channels = t["shape"][-1]
        mean = np.concatenate(
            [s[t["id"]].reshape(-1, channels) for s in per_sample]).astype(
            np.float64).mean(0)
        ok = (t["min"] == lo and t["max"] == hi and
              t["histogram"] == histogram(values, lo, hi) and
              list(per_sample[0][t["id"]].shape) == t["shape"] and
              np.abs(np.array(t["channel_mean"]) - mean).max() <= 1e-12)
        print(f"{t['id']} {t['source']} {t['shape']}: "
              f"{'ok' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
