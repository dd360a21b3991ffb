"""ONNX Runtime as the float reference executor, on numpy arrays.

ONNX Runtime comes from npm's `onnxruntime-node` (installed by
`scripts/fetch.sh`); a long-lived node process (`ort_runner.js`) holds the
session and exchanges tensors with Python over a pipe, so that start-up is
paid once for many calls:

    with Session("model.onnx") as s:        # one thread by default
        probs, = s.run(x)                   # x: the single input
    logits, = run("model.onnx", images, batch_size=100)
"""

import json
import os
import subprocess
import tempfile

import numpy as np

from qopt.datasets import data_path

# numpy dtypes ort_runner.js exchanges (same names on both sides).
DTYPES = {"float32", "float64", "int64", "int32", "int16", "int8", "uint8",
          "uint16", "bool"}


class Session:
    """An ONNX Runtime inference session in a node subprocess.

    threads: intra-op threads (1 = single-threaded, as the benchmarks use).
    optimized_model: if set, ONNX Runtime saves its optimized graph there.
    """

    def __init__(self, model, threads=1, optimized_model=None):
        runner = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "ort_runner.js")
        modules = os.path.dirname(data_path("onnxruntime-node"))
        command = ["node", runner, os.path.abspath(model), str(threads)]
        if optimized_model:
            command.append(os.path.abspath(optimized_model))
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, env=dict(os.environ, NODE_PATH=modules))
        header = self._receive_header()
        self.input_names = header["inputs"]
        self.output_names = header["outputs"]

    def run(self, feeds):
        """Runs the model once. feeds: {input name: array}, or one array for
        a single-input model. Returns the outputs as a list of arrays in
        `output_names` order."""
        return self._request(feeds, {})[0]

    __call__ = run

    def benchmark(self, feeds, runs, warmup=10):
        """Times `runs` calls on the same feeds after `warmup` untimed ones,
        each alone inside node (no pipe in the time). Returns (outputs of the
        last call, durations in seconds)."""
        outputs, header = self._request(feeds, {"runs": runs,
                                                "warmup": warmup})
        return outputs, np.asarray(header["times_ns"], np.float64) * 1e-9

    def _request(self, feeds, extra):
        if not isinstance(feeds, dict):
            feeds = {self.input_names[0]: feeds}
        arrays = [(name, np.ascontiguousarray(a).astype(
            np.asarray(a).dtype.newbyteorder("<"), copy=False))
            for name, a in feeds.items()]
        for name, a in arrays:
            if a.dtype.name not in DTYPES:
                raise TypeError(f"input {name}: dtype {a.dtype} not supported")
        header = {"inputs": [{"name": name, "dtype": a.dtype.name,
                              "shape": list(a.shape)} for name, a in arrays],
                  **extra}
        try:
            self._process.stdin.write(json.dumps(header).encode() + b"\n")
            for _, a in arrays:
                self._process.stdin.write(a.tobytes())
            self._process.stdin.flush()
        except BrokenPipeError:
            self._fail("the runner stopped")
        header = self._receive_header()
        if "error" in header:
            raise RuntimeError(f"ONNX Runtime: {header['error']}")
        outputs = []
        for out in header["outputs"]:
            dtype = np.dtype(out["dtype"]).newbyteorder("<")
            size = dtype.itemsize * int(np.prod(out["shape"]))
            data = self._process.stdout.read(size)
            if len(data) != size:
                self._fail("the runner stopped inside an output")
            outputs.append(np.frombuffer(data, dtype).reshape(out["shape"]))
        return outputs, header

    def close(self):
        """Ends the node process."""
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait()
        self._process.stdout.close()
        self._stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _receive_header(self):
        line = self._process.stdout.readline()
        if not line:
            self._fail("the runner stopped")
        return json.loads(line)

    def _fail(self, what):
        self._process.kill()
        self._process.wait()
        self._stderr.seek(0)
        log = self._stderr.read().decode(errors="replace").strip()
        raise RuntimeError(f"ONNX Runtime: {what}" + (f":\n{log}" if log else ""))


def run(model, inputs, batch_size=None, threads=1):
    """Runs many samples through `model` in one ONNX Runtime process.

    inputs: an array whose leading dimension enumerates samples, or a dict
    {input name: such array}. The samples go in calls of `batch_size`
    (default: all in one call; 1 for a model with a fixed batch of 1).
    Returns the outputs, each concatenated along the leading dimension."""
    feeds = inputs if isinstance(inputs, dict) else {None: inputs}
    n = len(next(iter(feeds.values())))
    batch_size = batch_size or n
    with Session(model, threads) as session:
        if None in feeds:
            feeds = {session.input_names[0]: feeds[None]}
        results = [session.run({k: v[i:i + batch_size] for k, v in feeds.items()})
                   for i in range(0, n, batch_size)]
    return [np.concatenate(parts) for parts in zip(*results)]
