"""Helpers of the qoptc tests: models, inputs and bit-exact comparisons.

  aot.py model GRAPH OUT.mlir [--int]   a graph of test/e2e/tosa_graphs.py
                                        (batch 1), float or integer TOSA with
                                        integer inputs/outputs
  aot.py inputs MODEL.mlir DIR          seeded inputs: DIR/in<i>.npy + .bin
  aot.py check REF_DIR OUT.bin...       OUT<i>.bin == REF_DIR/result<i>.npy
"""

import os
import shutil
import sys

import numpy as np

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(_here, "..", "..", "e2e"),
                os.path.join(_here, "..", "..", "..", "python")]
import qopt  # noqa: E402
import tosa_graphs  # noqa: E402


def model(graph, out, integer):
    tosa_graphs.N = 1
    text, shapes = tosa_graphs.build(graph)
    with open(out, "w") as f:
        f.write(text)
    if not integer:
        return
    calibration = np.random.default_rng(1).standard_normal(
        [16, *shapes[0]]).astype(np.float32)
    quantized = qopt.compile(out, calibration=calibration, int_io=True)
    shutil.copy(quantized.path, out)


def inputs(path, directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(2)
    dtypes = {"f32": np.float32, "i8": np.int8, "ui8": np.uint8,
              "i16": np.int16, "i32": np.int32}
    for i, (shape, name, _) in enumerate(qopt.load(path).signature()[0]):
        dtype = dtypes[name]
        if np.issubdtype(dtype, np.integer):
            info = np.iinfo(dtype)
            x = rng.integers(info.min, info.max, shape, endpoint=True,
                             dtype=dtype)
        else:
            x = rng.standard_normal(shape).astype(dtype)
        np.save(os.path.join(directory, f"in{i}.npy"), x)
        x.tofile(os.path.join(directory, f"in{i}.bin"))


def check(reference, outputs):
    for i, out in enumerate(outputs):
        ref = np.load(os.path.join(reference, f"result{i}.npy"))
        got = np.fromfile(out, dtype=ref.dtype)
        if got.size != ref.size or got.tobytes() != ref.tobytes():
            diff = np.abs(got.astype(np.float64).ravel()
                          - ref.astype(np.float64).ravel()).max() \
                if got.size == ref.size else "size"
            sys.exit(f"FAIL: output {i} differs from the reference ({diff})")
        print(f"output {i}: {ref.dtype} {list(ref.shape)} bit-exact")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "model":
        model(args[0], args[1], "--int" in args[2:])
    elif command == "inputs":
        inputs(args[0], args[1])
    elif command == "check":
        check(args[0], args[1:])


if __name__ == "__main__":
    main()
