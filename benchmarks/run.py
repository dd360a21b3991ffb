"""qopt against ONNX Runtime and PyTorch on one core (see README.md here).

Started by benchmarks/run.sh, which builds qopt and pins this process (and
so every engine) to one core with glibc malloc's trimming turned off. For
each model, on the same input in the same run:

- qopt int8 / qopt float: the qoptc object called from harness.c (float in,
  float out), timed with clock_gettime around each <name>_run;
- ONNX Runtime float (the ONNX model) and int8 (qdq.py: QDQ with qopt's own
  scales), one thread, timed inside node around each session.run;
- PyTorch FX int8 with the oneDNN engine, of the ONNX graph translated op by
  op (models with other operators are left out, with the reason).

Every engine's output is compared with ONNX Runtime float (SQNR) before its
time is reported. Writes benchmarks/RESULTS.md.
"""

import argparse
import collections
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [os.path.join(ROOT, "python"), HERE]
import cpu  # noqa: E402
import models as bench_models  # noqa: E402
import qdq  # noqa: E402
from qopt import compiler, ort  # noqa: E402



def sqnr(reference, x):
    """Signal-to-quantization-noise ratio in dB of x against reference."""
    noise = np.sum((np.float64(reference) - x) ** 2)
    signal = np.sum(np.float64(reference) ** 2)
    return float("inf") if noise == 0 else 10 * np.log10(signal / noise)


class Result:
    def __init__(self, engine, times, output, note=""):
        self.engine, self.note = engine, note
        self.times = np.asarray(times)
        self.output = None if output is None else np.asarray(output, np.float32)

    @property
    def median(self):
        return float(np.median(self.times))


class Compiled:
    """A model compiled by qoptc for the host and linked with harness.c."""

    def __init__(self, model, work, kind, stats, weight_bits=8, extra=(),
                 samples=None):
        """`extra`: more qoptc flags (e.g. --pipeline=ptq, --shared);
        `samples` (an .npy batch) replaces the statistics `stats` for
        schemes that run the model on the samples themselves (--adaround)."""
        self.name = f"{model.key}_{kind}"
        self.work, self.key = work, model.key
        shape = ",".join(map(str, model.shape))
        args = [model.onnx, "--target=host",
                f"--input-shape={model.input_name}={shape}",
                "--name", self.name, "-o", work]
        if kind != "float":
            args += [f"--samples={samples}" if samples else
                     f"--calibration={stats}", f"--weight-bits={weight_bits}"]
        compiler.run_tool("qoptc", *args, *extra)
        self.exe = os.path.join(work, self.name)
        subprocess.run(["clang", "-O2", "-std=c99", "-D_POSIX_C_SOURCE=199309L",
                        f"-DMODEL={self.name}", "-include",
                        os.path.join(work, self.name + ".h"),
                        os.path.join(HERE, "harness.c"),
                        os.path.join(work, self.name + ".o"), "-lm", "-o",
                        self.exe], check=True)
        with open(os.path.join(work, self.name + ".report.txt")) as f:
            self.report = report = f.read()
        self.macs = int(re.search(r"^MACs: (\d+)", report, re.M).group(1))
        self.weights = int(re.search(r"^weights: (\d+)", report, re.M).group(1))
        self.bits = sorted(set(re.findall(r" (W\w+A\d+)$", report, re.M)))

    def time(self, runs, warmup):
        """Seconds of `runs` calls after `warmup`, and the last output."""
        x = os.path.join(self.work, self.key + ".in.bin")
        out = os.path.join(self.work, self.name + ".out.bin")
        proc = subprocess.run([self.exe, x, out, str(warmup), str(runs)],
                              check=True, capture_output=True, text=True)
        times = np.array(proc.stdout.split(), np.float64) * 1e-9
        return times, np.fromfile(out, np.float32)


def qopt_engine(model, work, kind, stats, runs, warmup):
    """Compiles the ONNX model with qoptc for the host and times the object
    from harness.c."""
    c = Compiled(model, work, kind, stats)
    times, output = c.time(runs, warmup)
    return Result(f"qopt {kind}", times, output,
                  f"weights {c.weights / 1024:.0f} KiB"), c.macs


def width_label(width):
    return f"{width} A8" if width in ("ternary", "binary") else f"W{width}A8"


def lowbit_engines(model, work, stats, widths, runs, warmup, rounds):
    """The model compiled at each weight width of `widths` ("8", "4", "3",
    "2", "ternary", "binary"), timed side by side: `rounds` rounds, each
    timing every width for runs / rounds calls in turn, so that a change
    of the machine's load reaches every width alike. A width qoptc does not
    accept gives a Result without times and the reason as its note."""
    built, results = {}, {}
    for width in widths:
        try:
            built[width] = Compiled(model, work, f"w{width}", stats, width)
        except compiler.QoptError as e:
            reason = str(e).splitlines()[0] if str(e) else "qoptc failed"
            results[width] = Result(f"qopt {width_label(width)}", [], None,
                                    f"n/a ({reason[:160]})")
    times = {w: [] for w in built}
    outputs = {}
    per_round = max(1, runs // rounds)
    for _ in range(rounds):
        for width, c in built.items():
            t, outputs[width] = c.time(per_round, warmup)
            times[width].append(t)
    for width, c in built.items():
        results[width] = Result(
            f"qopt {width_label(width)}", np.concatenate(times[width]),
            outputs[width], f"weights {c.weights} B; layers {' '.join(c.bits)}")
        results[width].macs = c.macs
    return [results[w] for w in widths]


def ort_engine(label, path, x, runs, warmup, optimized=None):
    with ort.Session(path, threads=1, optimized_model=optimized) as session:
        outputs, times = session.benchmark(x, runs, warmup)
    return Result(label, times, outputs[0].ravel())


def op_counts(path):
    return collections.Counter(n.op_type for n in onnx.load(path).graph.node)


# --- PyTorch ---------------------------------------------------------------

def _onnx_as_torch(path, example):
    """The ONNX graph as a float nn.Module that torch.fx can trace: one
    submodule per Conv/BatchNormalization/Relu/Clip/pool/MatMul node, the
    rest as torch functions; shape arithmetic (Shape, Slice, Cast, Concat)
    is evaluated once on `example` and kept as constants. None if an
    operator is not covered here."""
    import torch
    from torch import nn

    graph = onnx.load(path).graph
    values = {t.name: onnx.numpy_helper.to_array(t).copy() for t in graph.initializer}
    for node in graph.node:
        if node.op_type == "Constant":
            values[node.output[0]] = onnx.numpy_helper.to_array(node.attribute[0].t).copy()
    attrs = [{a.name: helper.get_attribute_value(a) for a in n.attribute}
             for n in graph.node]
    layers = nn.ModuleDict()

    def layer(i, node):
        a = attrs[i]
        if node.op_type == "Conv":
            w = values[node.input[1]]
            pads = a.get("pads", [0, 0, 0, 0])
            m = nn.Conv2d(w.shape[1] * a.get("group", 1), w.shape[0], w.shape[2:],
                          stride=a.get("strides", [1, 1]), padding=pads[:2],
                          groups=a.get("group", 1), bias=len(node.input) > 2)
            m.weight.data = torch.from_numpy(w)
            if len(node.input) > 2:
                m.bias.data = torch.from_numpy(values[node.input[2]])
            return m
        if node.op_type == "BatchNormalization":
            m = nn.BatchNorm2d(len(values[node.input[1]]), eps=a.get("epsilon", 1e-5))
            for attr, name in zip(("weight", "bias", "running_mean", "running_var"),
                                  node.input[1:]):
                getattr(m, attr).data = torch.from_numpy(values[name])
            return m
        if node.op_type == "Relu":
            return nn.ReLU()
        if node.op_type == "Clip" and a.get("min") == 0 and a.get("max") == 6:
            return nn.ReLU6()
        if node.op_type == "MaxPool":
            return nn.MaxPool2d(a["kernel_shape"], a.get("strides"))
        if node.op_type == "GlobalAveragePool":
            return nn.AdaptiveAvgPool2d(1)
        if node.op_type in ("MatMul", "Gemm") and node.input[1] in values:
            w = values[node.input[1]]
            w = w if a.get("transB", 0) else w.T
            m = nn.Linear(w.shape[1], w.shape[0], bias=node.op_type == "Gemm")
            m.weight.data = torch.from_numpy(np.ascontiguousarray(w))
            if node.op_type == "Gemm":
                m.bias.data = torch.from_numpy(values[node.input[2]])
            return m
        return None

    nodes = []
    for i, node in enumerate(graph.node):
        if node.op_type == "Constant":
            continue
        m = layer(i, node)
        if m is not None:
            layers[f"n{i}"] = m
        elif node.op_type not in ("Add", "Mul", "Div", "HardSigmoid", "Softmax",
                                  "Reshape", "Flatten", "Shape", "Cast", "Slice",
                                  "Concat"):
            return None
        nodes.append((f"n{i}", node, attrs[i]))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = layers
            self.shapes = {}  # shape arithmetic, filled by the first call

        def forward(self, x):
            env = {graph.input[0].name: x}

            def arg(name):
                return env[name] if name in env else self.shapes.get(
                    name, values.get(name))

            for key, node, a in nodes:
                ins = [arg(name) for name in node.input]
                op = node.op_type
                if key in self.layers:
                    y = self.layers[key](ins[0])
                elif op in ("Shape", "Cast", "Slice", "Concat"):
                    if node.output[0] not in self.shapes:
                        v = (np.array(ins[0].shape) if op == "Shape" else
                             np.asarray(ins[0]) if op == "Cast" else
                             np.asarray(ins[0])[a["starts"][0]:a["ends"][0]]
                             if op == "Slice" else
                             np.concatenate([np.asarray(t).ravel() for t in ins]))
                        self.shapes[node.output[0]] = v
                    continue
                elif op == "Reshape":
                    y = torch.reshape(ins[0], [int(d) for d in np.asarray(ins[1])])
                elif op == "Flatten":
                    y = torch.flatten(ins[0], a.get("axis", 1))
                elif op == "Add":
                    y = ins[0] + (torch.from_numpy(ins[1])
                                  if isinstance(ins[1], np.ndarray) else ins[1])
                elif op == "Mul":
                    y = ins[0] * (float(ins[1]) if isinstance(ins[1], np.ndarray)
                                  else ins[1])
                elif op == "Div":
                    y = ins[0] * (1.0 / float(ins[1]))
                elif op == "HardSigmoid":
                    y = torch.clamp(ins[0] * a.get("alpha", 0.2) + a.get("beta", 0.5), 0.0, 1.0)
                elif op == "Softmax":
                    y = torch.softmax(ins[0], a.get("axis", -1))
                env[node.output[0]] = y
            return env[graph.output[0].name]

    net = Net().eval()
    with torch.inference_mode():
        net(torch.from_numpy(example))
    return net


def torch_engine(model, runs, warmup):
    """PyTorch FX post-training int8 (oneDNN engine, its default qconfig:
    per-channel weights, histogram activations; calibrated on the same
    samples) of the ONNX graph, or None with the reason it cannot express
    the model."""
    import torch
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx

    torch.set_num_threads(1)
    torch.backends.quantized.engine = "onednn"
    net = _onnx_as_torch(model.onnx, model.sample)
    if net is None:
        return None, "an operator without a PyTorch mapping here"
    x = torch.from_numpy(model.sample)
    with torch.inference_mode():
        float_output = net(x).numpy().ravel()
    net = prepare_fx(net, get_default_qconfig_mapping("onednn"), (x,))
    with torch.inference_mode():
        for sample in model.calibration:
            net(torch.from_numpy(sample[None]))
    net = convert_fx(net)
    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            net(x)
        for _ in range(runs):
            start = time.perf_counter_ns()
            y = net(x)
            times.append((time.perf_counter_ns() - start) * 1e-9)
    return Result("PyTorch int8 (oneDNN)", times, y.numpy().ravel(),
                  f"its float: SQNR {sqnr(float_output, y.numpy().ravel()):.1f} dB"), None


# --- the run ----------------------------------------------------------------

def identity_model(path):
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])], "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def machine():
    cpu_text = f"{cpu.description()}; qopt's kernels: {cpu.kernel_isa()}"
    with open(os.path.join(ort.data_path("onnxruntime-node"), "package.json")) as f:
        ort_version = json.load(f)["version"]
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = "(not installed)"
    clang = subprocess.run(["clang", "--version"], capture_output=True,
                           text=True).stdout.splitlines()[0]
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
                            capture_output=True, text=True).stdout.strip()
    return [f"CPU: {cpu_text}, {os.cpu_count()} cores; pinned to core "
            f"{sorted(os.sched_getaffinity(0))}; kernel {platform.release()}",
            f"qopt: {commit}" + (f" (tools of {os.environ['QOPT_BUILD_DIR']})"
                                 if os.environ.get("QOPT_BUILD_DIR") else ""),
            f"ONNX Runtime {ort_version} (npm onnxruntime-node, from node), "
            f"PyTorch {torch_version}, harness built by {clang}"]


ENGINES = ("int8", "float", "ort", "torch")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--calibration", type=int, default=32)
    parser.add_argument("--models", default="conv,block,mnist,cls")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help="int8 (qopt int8 and the low-bit rows), float "
                        "(qopt float), ort (ONNX Runtime float and int8), "
                        "torch (PyTorch int8)")
    parser.add_argument("--widths", default="8,4,3,2,ternary",
                        help="weight widths of the low-bit rows (8, 4, 3, 2, "
                        "ternary, binary; empty: none)")
    parser.add_argument("--lowbit-models", default="cls",
                        help="models that get the low-bit rows")
    parser.add_argument("--rounds", type=int, default=30,
                        help="the low-bit rows are timed in this many rounds "
                        "of runs / rounds calls each, in turn")
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--command", default="benchmarks/run.sh",
                        help="the command recorded in the results")
    args = parser.parse_args()
    engines = set(args.engines.split(","))
    if engines - set(ENGINES):
        parser.error(f"unknown engines {engines - set(ENGINES)}")
    widths = [w for w in args.widths.split(",") if w]

    work = tempfile.mkdtemp(prefix="qopt-bench-")
    print("peaks: ...", file=sys.stderr, flush=True)
    peaks = cpu.measure_peaks(work)
    fixed = None
    if "ort" in engines:
        identity = os.path.join(work, "identity.onnx")
        identity_model(identity)
        fixed = ort_engine("ORT identity", identity, np.zeros([1, 4], np.float32),
                           args.runs, args.warmup)
    sections, lowbit = [], []
    for model in bench_models.benchmark_models(work, args.calibration):
        if model.key not in args.models.split(","):
            continue
        print(f"{model.key}: ...", file=sys.stderr, flush=True)
        model.sample.tofile(os.path.join(work, model.key + ".in.bin"))
        calib = os.path.join(work, model.key + ".calib.npy")
        np.save(calib, model.calibration)
        shape = ",".join(map(str, model.shape))
        float_mlir = os.path.join(work, model.key + ".mlir")
        compiler.run_tool("qopt-import-onnx", model.onnx,
                          f"--input-shape={model.input_name}={shape}", "-o", float_mlir)
        stats = os.path.join(work, model.key + ".stats")
        compiler.run_tool("qopt-calibrate", float_mlir, "--inputs", calib, "-o", stats)

        results, macs, counts = [], None, None
        if "int8" in engines:
            r, macs = qopt_engine(model, work, "int8", stats, args.runs, args.warmup)
            results.append(r)
        if "float" in engines:
            r, macs = qopt_engine(model, work, "float", stats, args.runs, args.warmup)
            results.append(r)
        # The reference of every SQNR: ORT float, else qopt float.
        reference = None
        if "ort" in engines:
            points_mlir = compiler.run_tool(
                "qopt-mlir", float_mlir,
                f"--qopt-quantize-pipeline=stats={stats} keep-qdq=true",
                "--mlir-print-debuginfo")
            qdq_path = os.path.join(work, model.key + ".qdq.onnx")
            qdq.build(model.onnx, model.shape, qdq.qopt_points(points_mlir),
                      stats, qdq_path)
            reference = ort_engine("ORT float", model.onnx, model.sample,
                                   args.runs, args.warmup)
            optimized = os.path.join(work, model.key + ".qdq.opt.onnx")
            results += [reference, ort_engine("ORT int8 (QDQ)", qdq_path,
                                              model.sample, args.runs,
                                              args.warmup, optimized)]
            counts = op_counts(optimized)
        why = "not run (--engines)"
        if "torch" in engines:
            torch_result, why = torch_engine(model, args.runs, args.warmup)
            if torch_result:
                results.append(torch_result)
        if "int8" in engines and widths and model.key in args.lowbit_models.split(","):
            rows = lowbit_engines(model, work, stats, widths, args.runs,
                                  args.warmup, args.rounds)
            lowbit.append((model, rows))
            macs = macs or next((r.macs for r in rows if len(r.times)), None)
        sections.append((model, macs, results, counts, why))

    write_results(args, sections, fixed, peaks, lowbit)


def row_peak(engine, peaks, isa):
    """(instruction, GMAC/s) of the peak a row is compared with: qopt's
    integer rows with the instruction its kernels use at that weight width,
    the other int8 engines with the fastest u8·s8 (s8 on AArch64)
    instruction (their kernels are not known here), float rows with the
    fp32 FMA."""
    if engine.startswith("qopt") and "float" not in engine:
        bits = 8 if "W8A8" in engine or engine == "qopt int8" else 4
        return cpu.qopt_int_peak(peaks, isa, bits)
    if "int8" in engine:
        return cpu.best(peaks, {"u8s8", "s8"})
    return cpu.fp32_peak(peaks)


def write_results(args, sections, fixed, peaks, lowbit):
    isa = cpu.kernel_isa()
    lines = ["# Benchmark results", "",
             f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by",
             "", "```sh", args.command.strip(), "```", ""]
    lines += [f"- {m}" for m in machine()]
    lines += [f"- One thread, batch 1, float input and output for every engine; "
              f"median and minimum of {args.runs} calls after {args.warmup} "
              f"warm-up calls; calibration: {args.calibration} samples.",
              "- Peaks of this core, measured by `peak.c` (an unrolled loop of "
              "independent accumulators per instruction, built with "
              "`-O2 -march=native`, best of five runs on the pinned core): "
              + cpu.peaks_text(peaks) + ".",
              "- Which peak a row's \"% of peak\" uses (column \"peak\"): "
              "qopt's integer rows the instruction its conv/matmul kernels "
              f"use here ({isa}: " + (
                  "vpdpbusd for every weight width" if "vnni" in isa else
                  "vpmaddwd on i16 for 8-bit weights, vpmaddubsw + vpmaddwd "
                  "for weights of at most 4 bits" if isa in ("avx2", "avx512")
                  else "sdot/smmla") +
              "); ONNX Runtime and PyTorch int8 the fastest u8·s8 "
              "instruction; float rows the fp32 FMA.",
              (f"- ONNX Runtime's fixed cost per call from node (an identity "
               f"model): median {fixed.median * 1e3:.4f} ms, minimum "
               f"{fixed.times.min() * 1e3:.4f} ms; it is inside every ORT time."
               if fixed else "- ONNX Runtime not run (--engines)."),
              "- SQNR: of each engine's output against ONNX Runtime float.", ""]
    lines += ["| model | MMAC | engine | median ms | min ms | GMAC/s | % of peak | peak | SQNR dB | notes |",
              "|---|---:|---|---:|---:|---:|---:|---|---:|---|"]
    ratios = []

    def row(model, macs, r, ref):
        if not len(r.times) or not macs:
            return (f"| {model.title} | | {r.engine} | n/a | "
                    f"| | | | | {r.note} |")
        gmacs = macs / r.median * 1e-9
        name, peak = row_peak(r.engine, peaks, isa)
        share = f"{100 * gmacs / peak:.0f} %" if peak else "—"
        quality = sqnr(ref, r.output) if ref is not None else None
        quality = ("—" if quality is None else "exact"
                   if quality == float("inf") else f"{quality:.1f}")
        return (f"| {model.title} | {macs / 1e6:.1f} | {r.engine} | "
                f"{r.median * 1e3:.3f} | {r.times.min() * 1e3:.3f} | "
                f"{gmacs:.1f} | {share} | {name or '—'} | {quality} | {r.note} |")

    low = dict((m.key, rows) for m, rows in lowbit)
    for model, macs, results, counts, why in sections:
        ref = next((r.output for r in results if r.engine == "ORT float"), None)
        for r in results:
            lines.append(row(model, macs, r, ref))
        for r in low.get(model.key, []):
            lines.append(row(model, macs, r, ref))
        by = {r.engine: r.median for r in results}

        def ratio(a, b):
            return f"{by[a] / by[b]:.2f}" if a in by and b in by else "—"
        ratios.append(
            f"| {model.title} | {ratio('qopt int8', 'ORT int8 (QDQ)')} | "
            f"{ratio('qopt int8', 'ORT float')} | "
            f"{ratio('qopt float', 'ORT float')} | "
            + (ratio('qopt int8', 'PyTorch int8 (oneDNN)')
               if "PyTorch int8 (oneDNN)" in by else f"— ({why})") + " |")
    lines += ["", "## Ratios of medians (< 1: qopt is faster)", "",
              "| model | qopt int8 / ORT int8 | qopt int8 / ORT float | "
              "qopt float / ORT float | qopt int8 / PyTorch int8 |",
              "|---|---:|---:|---:|---:|", *ratios]
    ort_int8 = {m.key: next((r.median for r in results
                             if r.engine == "ORT int8 (QDQ)"), None)
                for m, _, results, _, _ in sections}
    for model, rows in lowbit:
        base = next((r for r in rows if "W8A8" in r.engine and len(r.times)), None)
        ort = ort_int8.get(model.key)
        lines += ["", f"## Low-bit weights: {model.title} (issue 11, criterion 5)",
                  "",
                  f"The same model compiled at each weight width (plain "
                  f"quantize pipeline, per-channel weights, 8-bit "
                  f"activations), timed side by side: {args.rounds} rounds, "
                  f"each calling every width's object {max(1, args.runs // args.rounds)} "
                  f"times in turn after {args.warmup} warm-up calls; median "
                  "and minimum over all rounds. Ratio: median / the W8A8 "
                  "median (≤ 1: no slower than 8-bit); to ORT int8: median / "
                  "the ORT int8 (QDQ) median of the table above, same run.", "",
                  "| weights | median ms | min ms | ratio to W8A8 | ratio to ORT int8 | weight bytes (report.txt) | layers |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for r in rows:
            if not len(r.times):
                lines.append(f"| {r.engine[5:]} | n/a | | | | | {r.note} |")
                continue
            weights, _, layers = r.note.partition("; layers ")
            lines.append(
                f"| {r.engine[5:]} | {r.median * 1e3:.3f} | "
                f"{r.times.min() * 1e3:.3f} | "
                f"{r.median / base.median if base else float('nan'):.2f} | "
                + (f"{r.median / ort:.2f}" if ort else "—") + " | "
                f"{weights.split()[1]} | {layers} |")
        by = {r.engine[5:].split()[0]: r.median for r in rows if len(r.times)}

        def check(a, b):
            if a not in by or b not in by:
                return f"{a} ≤ {b}: n/a (not measured)"
            return (f"{a} ≤ {b}: {'yes' if by[a] <= by[b] else '**no**'} "
                    f"({by[a] * 1e3:.3f} vs {by[b] * 1e3:.3f} ms)")
        lines += ["", "Criterion 5 as measured: " + "; ".join(
            check(a, b) for a, b in (("W3A8", "W4A8"), ("W2A8", "W4A8"),
                                     ("W4A8", "W8A8")))
                  + ". Medians of one run on a shared 2-core machine: "
                  "differences of a few % are within its noise."]
    if any(counts for _, _, _, counts, _ in sections):
        lines += ["", "## ONNX Runtime's optimized int8 graphs", "",
                  "Op types of the graph ORT ran (`optimizedModelFilePath`): the QDQ "
                  "convolutions and matmuls became QLinear kernels.", ""]
        for model, _, _, counts, _ in sections:
            if counts:
                ops = ", ".join(f"{op} {n}" for op, n in counts.most_common())
                lines.append(f"- {model.title}: {ops}")
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
