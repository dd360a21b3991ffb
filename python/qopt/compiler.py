"""The Python face of the qopt tools.

    import qopt
    model = qopt.import_onnx("model.onnx", input_shapes={"x": [1, 3, 48, 192]})
    q = qopt.compile(model, calibration=samples, weight_bits=8, act_bits=8)
    y = q(x)                       # numpy in, numpy out (one sample or a batch)
    print(qopt.evaluate(q, (images, labels)))
    r = qopt.report(model, samples, "out/")   # per-layer SQNR, .json/.md/.html

Models are MLIR files handled by the command-line tools (qopt-import-onnx,
qopt-calibrate, qopt-mlir, qopt-run, qoptc) of the build directory
(`$QOPT_BUILD_DIR`, default `<repo>/build`, made by scripts/build.sh).
"""

import ctypes
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, fields, replace
from typing import (Callable, Dict, Iterable, List, Mapping, Optional,
                    Sequence, Tuple, Union)

import numpy as np

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class QoptError(RuntimeError):
    """A qopt tool failed; the message is its diagnostic."""


def tool(name: str) -> str:
    """Path of a qopt tool: of the build directory (`$QOPT_BUILD_DIR`, default
    `<repo>/build`), else on PATH (an installed qopt)."""
    build = os.environ.get("QOPT_BUILD_DIR", os.path.join(_ROOT, "build"))
    path = os.path.join(build, "bin", name)
    if os.path.exists(path):
        return path
    installed = shutil.which(name)
    if installed and "QOPT_BUILD_DIR" not in os.environ:
        return installed
    raise QoptError(f"{path} does not exist: run scripts/build.sh first")


def run_tool(name: str, *args: object) -> str:
    """Runs a qopt tool; its standard output, or QoptError with its errors."""
    proc = subprocess.run([tool(name), *map(str, args)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise QoptError(proc.stderr.strip() or
                        f"{name} failed with exit code {proc.returncode}")
    return proc.stdout


# (shape, dtype, (scale, zero point) or None) of an argument or result.
TensorSignature = Tuple[List[int], str, Optional[Tuple[float, int]]]


class Model:
    """A TOSA model (float, simulated or integer) in an .mlir file, callable
    on numpy arrays through the JIT of `qopt-run`."""

    def __init__(self, path: str, workdir: Optional[str] = None) -> None:
        self.path = os.path.abspath(path)
        # A temporary directory owned by the model, removed with it.
        self._workdir = workdir
        # Run through the plain upstream lowering instead of the generated
        # conv/matmul kernels (the bit-exact integer reference).
        self.reference = False

    @property
    def mlir(self) -> str:
        with open(self.path) as f:
            return f.read()

    def signature(self) -> Tuple[List[TensorSignature], List[TensorSignature]]:
        """(inputs, outputs): lists of (shape, dtype, quantization or None)
        of the entry function, as `qopt-run --signature` describes it."""
        described = json.loads(run_tool("qopt-run", self.path, "--signature"))

        def parse(tensors):
            return [(t["shape"], t["dtype"],
                     (t["scale"], t["zero_point"]) if "scale" in t else None)
                    for t in tensors]

        return parse(described["inputs"]), parse(described["outputs"])

    def __call__(self, *inputs):
        """Runs the model. Each input is one sample (the argument's shape) or
        a batch of samples along a new leading dimension (or along the
        argument's leading dimension when it is 1); outputs are stacked the
        same way. Several results come back as a tuple."""
        with tempfile.TemporaryDirectory(prefix="qopt-run-") as tmp:
            args = []
            for i, x in enumerate(inputs):
                name = os.path.join(tmp, f"in{i}.npy")
                np.save(name, np.ascontiguousarray(x))
                args += ["--input", name]
            if self.reference:
                args.append("--reference")
            run_tool("qopt-run", self.path, *args, "--output-dir", tmp)
            outputs = []
            i = 0
            while os.path.exists(os.path.join(tmp, f"result{i}.npy")):
                outputs.append(np.load(os.path.join(tmp, f"result{i}.npy")))
                i += 1
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def save(self, directory: str, target: str = "host",
             name: Optional[str] = None, shared: bool = True) -> str:
        """Compiles the model ahead of time with qoptc: `<name>.o`,
        `<name>.h`, `<name>.json` (the manifest), `<name>.report.txt` (and
        `lib<name>.so`) in `directory`.
        Returns the directory; `load_compiled(directory, name)` runs the
        library of a host build."""
        os.makedirs(directory, exist_ok=True)
        name = _c_name(name, self.path)
        run_tool("qoptc", self.path, f"--target={target}", "--name", name,
                 *(["--shared"] if shared else []), "-o", directory)
        return directory

    def __del__(self):
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)


_DTYPES = {"f32": np.float32, "f64": np.float64, "i8": np.int8,
           "ui8": np.uint8, "i16": np.int16, "i32": np.int32, "i64": np.int64}


class CompiledModel:
    """A model compiled for the host by qoptc (`Model.save`), called through
    its shared library `lib<name>.so` as C would call `<name>_run`: numpy in,
    numpy out, one sample (the argument's shape) or a batch along a new
    leading dimension."""

    def __init__(self, directory: str, name: str) -> None:
        # The manifest qoptc writes beside the header.
        with open(os.path.join(directory, name + ".json")) as f:
            manifest = json.load(f)

        def tensors(kind):
            return [(tuple(t["shape"]), _DTYPES[t["dtype"]])
                    for t in manifest[kind]]

        self.inputs, self.outputs = tensors("inputs"), tensors("outputs")
        self.weight_bytes = manifest["weight_bytes"]
        self.arena_bytes = manifest["arena_size"]
        align = manifest["arena_align"]
        self._arena = np.zeros(self.arena_bytes + align, np.uint8)
        self._arena_ptr = -(-self._arena.ctypes.data // align) * align
        library = ctypes.CDLL(os.path.join(directory, f"lib{name}.so"))
        self._run = getattr(library, name + "_run")
        self._run.restype = ctypes.c_int
        self._run.argtypes = [ctypes.c_void_p] * (
            len(self.inputs) + len(self.outputs) + 1)

    def _call(self, inputs):
        outputs = [np.empty(shape, dtype) for shape, dtype in self.outputs]
        status = self._run(*(x.ctypes.data for x in inputs),
                           *(y.ctypes.data for y in outputs), self._arena_ptr)
        if status:
            raise QoptError(f"the compiled model returned {status}")
        return outputs

    def _prepare(self, inputs):
        return [np.ascontiguousarray(x, dtype) for x, (_, dtype)
                in zip(inputs, self.inputs)]

    def __call__(self, *inputs):
        inputs = self._prepare(inputs)
        batched = inputs[0].shape != self.inputs[0][0]
        if not batched:
            results = self._call(inputs)
        else:
            samples = [self._call([np.ascontiguousarray(
                x[i].reshape(shape)) for x, (shape, _) in zip(inputs, self.inputs)])
                for i in range(len(inputs[0]))]
            results = [np.stack(parts) for parts in zip(*samples)]
        return results[0] if len(results) == 1 else tuple(results)

    def latency(self, *inputs: np.ndarray, runs: int = 200,
                warmup: int = 20) -> np.ndarray:
        """Seconds of each of `runs` calls on one sample, after `warmup`."""
        inputs = self._prepare(inputs)
        for _ in range(warmup):
            self._call(inputs)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            self._call(inputs)
            times.append(time.perf_counter() - start)
        return np.asarray(times)


def load_compiled(directory: str, name: str) -> CompiledModel:
    """The host model `name` that `Model.save(directory, name=name)` (or
    `qoptc --shared`) compiled."""
    return CompiledModel(directory, name)


def _c_name(name: Optional[str], path: str) -> str:
    """`name`, or the model file's stem, made a C identifier as qoptc's
    --name wants."""
    return re.sub(r"\W", "_", name or os.path.splitext(
        os.path.basename(path))[0])


def _workdir() -> str:
    return tempfile.mkdtemp(prefix="qopt-")


def load(path: str) -> Model:
    """A Model from an .mlir file."""
    return Model(path)


def import_onnx(path: str, input_shapes: Optional[Mapping[str, Sequence[int]]]
                = None) -> Model:
    """Imports an ONNX model as float TOSA. `input_shapes` fixes dynamic
    dimensions: {"input name": [1, 3, 48, 192]}."""
    work = _workdir()
    out = os.path.join(work, os.path.splitext(os.path.basename(path))[0] +
                       ".mlir")
    args = []
    for input_name, shape in (input_shapes or {}).items():
        args += ["--input-shape",
                 f"{input_name}={','.join(str(d) for d in shape)}"]
    run_tool("qopt-import-onnx", os.path.abspath(path), *args, "-o", out)
    return Model(out, work)


# Samples of the function's arguments: one array (leading dimension: the
# samples) or one per argument.
Samples = Union[np.ndarray, Sequence[np.ndarray]]
ModelLike = Union["Model", str, "os.PathLike[str]"]


def _as_model(model: ModelLike) -> "Model":
    if isinstance(model, Model):
        return model
    if str(model).endswith(".onnx"):
        return import_onnx(model)
    return load(model)


PIPELINES = ("quantize", "ptq")


def _flag(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


LayerBits = Mapping[str, Union[int, str, Tuple[Union[int, str], int]]]


@dataclass(frozen=True)
class QuantizeOptions:
    """How to quantize: the options of qoptc and of the quantize pipelines,
    declared in include/qopt/Pipelines/QuantizeOptions.def, by the same
    names with `_` for `-` (a test checks that both lists agree).

    `pipeline` is "quantize" (qopt-quantize-pipeline: every PTQ step off) or
    "ptq" (qopt-ptq-pipeline: the white paper's pipeline, every step on);
    the options left None keep its defaults: `equalize`, `relu6` ("skip" or
    "approximate"), `absorb_high_bias`, `bias_correction` ("none",
    "analytic" or "empirical"), `adaround` (learned rounding on the
    calibration samples, qopt-adaround; `adaround_inputs` "quantized" or
    "float", `adaround_correct_bias`, `adaround_grid_error` "weight" or
    "output"), `act_range` ("minmax",
    "percentile", "mse" or "kl"), `percentile` and `weight_range`
    ("minmax", "mse" or "auto"). `weight_bits` is 2..8, "ternary" or
    "binary"; `weight_quant` is "uniform" or "pwlq" (piecewise linear, 3..8
    bits). `layer_bits` maps an activation id (see the statistics file) or a
    layer's location name to weight bits or `(weight, act)` bits.

    Mixed precision (qopt-search-precision, on the calibration samples):
    `size_budget` is the weight bytes to fit in (an int, or "8x" for 8
    times smaller than float32), `max_drop` the largest disagreement with
    the float model's predictions in percent; `search_formats` the weight
    formats to choose from (default 8, 4, 3, 2, "ternary")."""
    pipeline: str = "quantize"
    equalize: Optional[bool] = None
    relu6: Optional[str] = None
    absorb_high_bias: Optional[bool] = None
    weight_bits: Union[int, str] = 8
    weight_quant: str = "uniform"
    act_bits: int = 8
    layer_bits: Optional[LayerBits] = None
    per_channel: bool = True
    act_range: Optional[str] = None
    percentile: Optional[float] = None
    weight_range: Optional[str] = None
    bias_correction: Optional[str] = None
    adaround: Optional[bool] = None
    adaround_inputs: Optional[str] = None
    adaround_correct_bias: Optional[bool] = None
    adaround_grid_error: Optional[str] = None
    size_budget: Optional[Union[int, str]] = None
    max_drop: Optional[float] = None
    search_formats: Optional[Sequence[Union[int, str]]] = None
    int_io: bool = False

    @property
    def searches_precision(self) -> bool:
        """Whether a budget asks for the mixed-precision search."""
        return self.size_budget is not None or self.max_drop is not None

    def __post_init__(self) -> None:
        if self.pipeline not in PIPELINES:
            raise QoptError(f"unknown pipeline '{self.pipeline}': expected "
                            f"one of {', '.join(PIPELINES)}")

    PREPARE = ("equalize", "relu6", "absorb_high_bias")

    def _values(self, names: Iterable[str]) -> List[str]:
        """`name=value` of the options of `names` that are set."""
        values = []
        for name in names:
            value = getattr(self, name)
            if value is None:
                continue
            if name == "search_formats":
                value = ",".join(str(f) for f in value)
            if name == "layer_bits":
                value = ",".join(
                    f"{key}={bits[0]}/{bits[1]}" if isinstance(
                        bits, (tuple, list)) else f"{key}={bits}/"
                    f"{self.act_bits}" for key, bits in value.items())
            values.append(f"{name.replace('_', '-')}={_flag(value)}")
        return values

    def pipeline_options(self) -> List[str]:
        """`name=value` of every option set, as the pipelines take them."""
        return self._values(f.name for f in fields(self)
                            if f.name != "pipeline")

    def flags(self) -> List[str]:
        """The qoptc flags of every option set."""
        return ["--" + value for value in self._values(
            f.name for f in fields(self))]

    def prepare_flags(self) -> List[str]:
        """The qopt-calibrate flags: the pipeline and its prepare steps."""
        return ["--" + value for value in self._values(
            ("pipeline",) + self.PREPARE)]


def _options(options: Optional[QuantizeOptions],
             overrides: Dict[str, object]) -> QuantizeOptions:
    """`options` (default: QuantizeOptions()) with `overrides` replaced."""
    return replace(options or QuantizeOptions(), **overrides)


def _save_samples(samples: Samples, directory: str, stem: str) -> List[str]:
    """Writes `samples` (an array, or a list of arrays, one per function
    argument) as float32 .npy files in `directory`; returns their paths."""
    if not isinstance(samples, (list, tuple)):
        samples = [samples]
    paths = [os.path.join(directory, f"{stem}{i}.npy")
             for i in range(len(samples))]
    for path, s in zip(paths, samples):
        np.save(path, np.ascontiguousarray(s, dtype=np.float32))
    return paths


def calibrate(model: ModelLike, samples: Samples, path: str,
              options: Optional[QuantizeOptions] = None,
              **overrides: object) -> str:
    """Writes to `path` the activation statistics of a float model over
    calibration samples: an array whose leading dimension enumerates them,
    or a list of such arrays, one per function argument. The graph is
    prepared as `options` (QuantizeOptions, with `overrides` of its fields:
    `pipeline`, `equalize`, ...) prepares it; quantize with the same
    ones."""
    options = _options(options, overrides)
    model = _as_model(model)
    with tempfile.TemporaryDirectory(prefix="qopt-calib-") as tmp:
        args = options.prepare_flags()
        for name in _save_samples(samples, tmp, "calib"):
            args += ["--inputs", name]
        run_tool("qopt-calibrate", model.path, *args, "-o", path)
    return path


def compile(model: ModelLike,  # noqa: A001
            calibration: Optional[Samples] = None,
            options: Optional[QuantizeOptions] = None, *,
            simulate: bool = False, stats: Optional[str] = None,
            **overrides: object) -> "Model":
    """Quantizes a float model (Model, .mlir or .onnx path) as `options`
    (QuantizeOptions, with `overrides` of its fields: `weight_bits=4`,
    `pipeline="ptq"`, ...) say.

    With `calibration` samples (or a `stats` file) the result is integer TOSA
    (or its QDQ simulation with `simulate=True`); without either the float
    model is returned as it is."""
    options = _options(options, overrides)
    model = _as_model(model)
    if calibration is None and stats is None:
        return model
    work = _workdir()
    stats = stats or calibrate(model, calibration,
                               os.path.join(work, "model.stats"), options)
    args = [f"stats={stats}", f"simulate={_flag(simulate)}"]
    if options.adaround or options.searches_precision:
        # qopt-adaround and the search run the model on the samples
        # themselves.
        if calibration is None:
            what = ("adaround=True needs" if options.adaround else
                    "size_budget and max_drop need")
            raise QoptError(f"{what} the calibration samples, not only "
                            "statistics")
        args.append("samples=" + ",".join(
            _save_samples(calibration, work, "adaround")))
    args += options.pipeline_options()
    out = os.path.join(work, os.path.splitext(os.path.basename(model.path))[0]
                       + (".sim.mlir" if simulate else ".int.mlir"))
    run_tool("qopt-mlir", model.path,
             f"--qopt-{options.pipeline}-pipeline={' '.join(args)}", "-o",
             out)
    return Model(out, work)


class LayerReport:
    """The per-layer quantization report of `report()`: `layers` (one dict
    per quantization point, in program order: "id", "op", "location",
    "input_bits", "activation" {bits, scale, zero_point, min, max}, "weight"
    (None, or {bits, axis, scales, sqnr}), "own" and "end_to_end"; every SQNR
    a dict with "sqnr_db", +inf without noise), `outputs` (per result:
    "integer" against the float model, "simulated" QDQ against the prepared
    float graph), `worst` (layers, the lowest own SQNR first) and `paths`
    (the .json, .md and .html files)."""

    def __init__(self, directory: str, name: str) -> None:
        self.paths = {ext: os.path.join(directory, f"{name}.report.{ext}")
                      for ext in ("json", "md", "html")}
        with open(self.paths["json"]) as f:
            self.data = json.load(f, object_hook=_infinite_sqnr)
        self.layers = self.data["layers"]
        self.outputs = self.data["outputs"]
        by_id = {layer["id"]: layer for layer in self.layers}
        self.worst = [by_id[i] for i in self.data["worst"]]

    @property
    def output_sqnr(self) -> List[float]:
        """SQNR in dB of each result, integer model against float model."""
        return [out["integer"]["sqnr_db"] for out in self.outputs]

    def __str__(self):
        with open(self.paths["md"]) as f:
            return f.read()


def _infinite_sqnr(obj):
    # The JSON writes an infinite SQNR as null: +inf without noise, -inf for
    # noise on an all-zero float value.
    if "sqnr_db" in obj and obj["sqnr_db"] is None:
        obj["sqnr_db"] = float("inf") if obj["noise"] == 0 else float("-inf")
    return obj


def report(model: ModelLike, samples: Samples, directory: str,
           options: Optional[QuantizeOptions] = None, *,
           calibration: Optional[Samples] = None, stats: Optional[str] = None,
           name: Optional[str] = None, **overrides: object) -> "LayerReport":
    """Quantizes a float model as `compile` does (same options) and measures
    where it loses accuracy: `qoptc --report` writes `<name>.report.json`,
    `.md` and a self-contained `.html` chart into `directory` (with the
    compiled host object and header), measured on `samples` (an array whose
    leading dimension enumerates them, or a list of such arrays, one per
    argument). The model is calibrated on `calibration` samples (default:
    `samples`), or quantized with a `stats` file. Returns a LayerReport."""
    options = _options(options, overrides)
    model = _as_model(model)
    os.makedirs(directory, exist_ok=True)
    name = _c_name(name, model.path)
    args = options.flags()
    with tempfile.TemporaryDirectory(prefix="qopt-report-") as tmp:
        if stats is not None:
            args.append(f"--calibration={stats}")
        else:
            args += [f"--samples={path}" for path in _save_samples(
                samples if calibration is None else calibration, tmp,
                "calib")]
        if stats is not None or calibration is not None:
            args += [f"--report-samples={path}"
                     for path in _save_samples(samples, tmp, "sample")]
        run_tool("qoptc", model.path, *args, "--report", "--name", name,
                 "-o", directory)
    return LayerReport(directory, name)


def evaluate(model: Callable[..., np.ndarray],
             dataset: Tuple[np.ndarray, Sequence[int]],
             reference: Optional[Callable[..., np.ndarray]] = None
             ) -> Dict[str, float]:
    """Scores a classifier on `dataset` = (inputs, labels): top-1 accuracy
    against the labels and, with a `reference` model (e.g. the float one),
    the fraction of samples where both predict the same class. `inputs` is a
    batch along the leading dimension; outputs are logits or probabilities
    [N, classes]."""
    inputs, labels = dataset
    logits = np.asarray(model(inputs)).reshape(len(labels), -1)
    predicted = logits.argmax(axis=1)
    result = {"accuracy": float(np.mean(predicted == np.asarray(labels)))}
    if reference is not None:
        ref = np.asarray(reference(inputs)).reshape(len(labels), -1)
        result["agreement"] = float(np.mean(predicted == ref.argmax(axis=1)))
    return result
