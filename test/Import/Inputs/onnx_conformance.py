"""ONNX's per-operator backend tests through qopt-import-onnx and qopt-run.

    onnx_conformance.py DATA_DIR WORK_DIR [--filter SUBSTRING] [-v]

DATA_DIR holds one directory per case (model.onnx + test_data_set_*/
input_*.pb, output_*.pb), as Debian's libonnx-testdata installs them. A case
is skipped, with its reason counted, when it uses an operator the importer
does not list (qopt-import-onnx --list-ops), the importer reports something
it does not support, or the model has non-float outputs; every other case
must import, run and match the reference outputs. Operands the importer
needs at import time (weights, shapes, pads...) that a case passes as graph
inputs are frozen into initializers from its test data. Prints
"N passed, N failed, N skipped" and exits non-zero on a failure.
"""

import collections
import multiprocessing
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

RTOL, ATOL = 1e-3, 1e-5
# Diagnostics that mean "outside what the importer supports", not "wrong".
SKIP_PATTERNS = re.compile(
    r"not supported|only .* supported|must be a constant|opset \d+; "
    r"supported|only FLOAT inputs|only tensor inputs")


def load_tensors(set_dir, prefix):
    files = sorted((f for f in os.listdir(set_dir) if f.startswith(prefix)),
                   key=lambda f: int(re.findall(r"\d+", f)[0]))
    out = []
    for f in files:
        t = onnx.TensorProto()
        with open(os.path.join(set_dir, f), "rb") as fh:
            t.ParseFromString(fh.read())
        out.append(numpy_helper.to_array(t))
    return out


def import_model(model_path, mlir):
    r = subprocess.run(["qopt-import-onnx", model_path, "-o", mlir],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return None
    return r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "?"


def freeze_inputs(case_dir, sets, work):
    """The model with every graph input but the first made an initializer
    (the same data must be in every test data set), or None."""
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    inits = {t.name for t in model.graph.initializer}
    names = [i.name for i in model.graph.input if i.name not in inits]
    values = [load_tensors(os.path.join(case_dir, s), "input_") for s in sets]
    if len(names) < 2 or any(len(v) != len(names) for v in values):
        return None
    for i in range(1, len(names)):
        if any(not np.array_equal(v[i], values[0][i]) for v in values):
            return None
        model.graph.initializer.append(
            numpy_helper.from_array(values[0][i], names[i]))
    path = os.path.join(work, "frozen.onnx")
    onnx.save(model, path)
    return path


def run_case(args):
    case_dir, work, supported = args
    name = os.path.basename(case_dir)
    model = onnx.load(os.path.join(case_dir, "model.onnx"))
    unsupported = sorted({n.op_type for n in model.graph.node
                          if n.domain not in ("", "ai.onnx")
                          or n.op_type not in supported})
    if unsupported:
        return name, "skipped", "operator not supported"
    work = os.path.join(work, name)
    os.makedirs(work, exist_ok=True)
    mlir = os.path.join(work, "model.mlir")
    sets = sorted(d for d in os.listdir(case_dir)
                  if d.startswith("test_data_set_"))
    frozen = 0
    msg = import_model(os.path.join(case_dir, "model.onnx"), mlir)
    if msg and ("must be a constant" in msg or "only FLOAT inputs" in msg):
        path = freeze_inputs(case_dir, sets, work)
        if path:
            frozen = 1
            msg = import_model(path, mlir)
            if msg and "shape inference failed" in msg:
                return name, "skipped", "inputs cannot be frozen"
    if msg:
        if SKIP_PATTERNS.search(msg):
            reason = re.sub(r".*\): ", "", msg)
            reason = re.sub(r"'[^']*'", "'…'", reason)
            return name, "skipped", reason
        return name, "failed", "import: " + msg
    for s in sets:
        set_dir = os.path.join(case_dir, s)
        inputs = load_tensors(set_dir, "input_")
        if frozen:
            inputs = inputs[:1]
        outputs = load_tensors(set_dir, "output_")
        if any(o.dtype != np.float32 for o in outputs):
            return name, "skipped", "non-float output"
        cmd = ["qopt-run", mlir]
        for i, x in enumerate(inputs):
            p = os.path.join(work, f"{s}_in{i}.npy")
            np.save(p, x)
            cmd += ["--input", p]
        outs = [os.path.join(work, f"{s}_out{i}.npy")
                for i in range(len(outputs))]
        for p in outs:
            cmd += ["--output", p]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return name, "failed", "run: " + r.stderr.strip()[-300:]
        for i, (p, want) in enumerate(zip(outs, outputs)):
            got = np.load(p)
            if got.shape != want.shape:
                return name, "failed", (f"output {i}: shape {got.shape}, "
                                        f"expected {want.shape}")
            if not np.allclose(got, want, rtol=RTOL, atol=ATOL,
                               equal_nan=True):
                err = np.max(np.abs(got.astype(np.float64) - want))
                return name, "failed", f"output {i}: max abs error {err:.3g}"
    return name, "passed", ""


def main():
    data, work = sys.argv[1], sys.argv[2]
    pattern = None
    if "--filter" in sys.argv:
        pattern = sys.argv[sys.argv.index("--filter") + 1]
    verbose = "-v" in sys.argv
    cases = sorted(os.path.join(data, d) for d in os.listdir(data)
                   if os.path.exists(os.path.join(data, d, "model.onnx")))
    if pattern:
        cases = [c for c in cases if pattern in os.path.basename(c)]
    supported = set(subprocess.run(["qopt-import-onnx", "--list-ops"],
                                   capture_output=True, text=True,
                                   check=True).stdout.split())
    with multiprocessing.Pool(2) as pool:
        results = pool.map(run_case, [(c, work, supported) for c in cases],
                           chunksize=4)
    counts = collections.Counter(status for _, status, _ in results)
    reasons = collections.Counter(why for _, status, why in results
                                  if status == "skipped")
    for name, status, why in results:
        if status == "failed" or verbose:
            print(f"{status.upper()}: {name}: {why}")
    if verbose:
        for why, n in reasons.most_common():
            print(f"skipped {n}: {why}")
    print(f"{counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
