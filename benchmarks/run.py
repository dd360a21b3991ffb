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
import models as bench_models  # noqa: E402
import qdq  # noqa: E402
from qopt import compiler, ort  # noqa: E402

PEAK_INT8, PEAK_FP32 = 444.0, 111.0  # GMAC/s of one core (../shared/PEERS.md)


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


def qopt_engine(model, work, kind, stats, runs, warmup):
    """Compiles the ONNX model with qoptc for the host and times the object
    from harness.c."""
    name = f"{model.key}_{kind}"
    shape = ",".join(map(str, model.shape))
    args = [model.onnx, "--target=host", f"--input-shape={model.input_name}={shape}",
            "--name", name, "-o", work]
    if kind == "int8":
        args.append(f"--calibration={stats}")
    compiler.run_tool("qoptc", *args)
    exe = os.path.join(work, name)
    subprocess.run(["clang", "-O2", "-std=c99", "-D_POSIX_C_SOURCE=199309L",
                    f"-DMODEL={name}", "-include",
                    os.path.join(work, name + ".h"), os.path.join(HERE, "harness.c"),
                    os.path.join(work, name + ".o"), "-lm", "-o", exe], check=True)
    x = os.path.join(work, model.key + ".in.bin")
    out = os.path.join(work, name + ".out.bin")
    proc = subprocess.run([exe, x, out, str(warmup), str(runs)], check=True,
                          capture_output=True, text=True)
    times = np.array(proc.stdout.split(), np.float64) * 1e-9
    with open(os.path.join(work, name + ".report.txt")) as f:
        report = f.read()
    macs = int(re.search(r"^MACs: (\d+)", report, re.M).group(1))
    weights = int(re.search(r"^weights: (\d+)", report, re.M).group(1))
    output = np.fromfile(out, np.float32)
    return Result(f"qopt {kind}", times, output,
                  f"weights {weights / 1024:.0f} KiB"), macs


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
    with open("/proc/cpuinfo") as f:
        info = dict(line.split(":", 1) for line in f.read().split("\n\n")[0]
                    .splitlines() if ":" in line)
    info = {k.strip(): v.strip() for k, v in info.items()}
    cpu = (f"{info.get('model name', platform.processor())} (family "
           f"{info.get('cpu family')}, model {info.get('model')}; "
           f"avx512_vnni: {'avx512_vnni' in info.get('flags', '').split()})")
    with open(os.path.join(ort.data_path("onnxruntime-node"), "package.json")) as f:
        ort_version = json.load(f)["version"]
    import torch
    clang = subprocess.run(["clang", "--version"], capture_output=True,
                           text=True).stdout.splitlines()[0]
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
                            capture_output=True, text=True).stdout.strip()
    return [f"CPU: {cpu}, {os.cpu_count()} cores; pinned to core "
            f"{sorted(os.sched_getaffinity(0))}; kernel {platform.release()}",
            f"qopt: {commit}",
            f"ONNX Runtime {ort_version} (npm onnxruntime-node, from node), "
            f"PyTorch {torch.__version__}, harness built by {clang}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--calibration", type=int, default=32)
    parser.add_argument("--models", default="conv,block,mnist,cls")
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    parser.add_argument("--command", default="benchmarks/run.sh",
                        help="the command recorded in the results")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="qopt-bench-")
    identity = os.path.join(work, "identity.onnx")
    identity_model(identity)
    fixed = ort_engine("ORT identity", identity, np.zeros([1, 4], np.float32),
                       args.runs, args.warmup)
    sections = []
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
        points_mlir = compiler.run_tool(
            "qopt-mlir", float_mlir, f"--qopt-quantize-pipeline=stats={stats} keep-qdq=true",
            "--mlir-print-debuginfo")
        qdq_path = os.path.join(work, model.key + ".qdq.onnx")
        qdq.build(model.onnx, model.shape, qdq.qopt_points(points_mlir), stats,
                  qdq_path)

        results = []
        r, macs = qopt_engine(model, work, "int8", stats, args.runs, args.warmup)
        results.append(r)
        results.append(qopt_engine(model, work, "float", stats, args.runs, args.warmup)[0])
        reference = ort_engine("ORT float", model.onnx, model.sample, args.runs, args.warmup)
        optimized = os.path.join(work, model.key + ".qdq.opt.onnx")
        results += [reference, ort_engine("ORT int8 (QDQ)", qdq_path, model.sample,
                                          args.runs, args.warmup, optimized)]
        torch_result, why = torch_engine(model, args.runs, args.warmup)
        if torch_result:
            results.append(torch_result)
        sections.append((model, macs, results, op_counts(optimized), why))

    write_results(args, sections, fixed)


def write_results(args, sections, fixed):
    lines = ["# Benchmark results", "",
             f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC by",
             "", "```sh", args.command.strip(), "```", ""]
    lines += [f"- {m}" for m in machine()]
    lines += [f"- One thread, batch 1, float input and output for every engine; "
              f"median and minimum of {args.runs} calls after {args.warmup} "
              f"warm-up calls; calibration: {args.calibration} samples.",
              f"- Peak of this core: {PEAK_INT8:.0f} GMAC/s int8, "
              f"{PEAK_FP32:.0f} GMAC/s fp32 (../shared/PEERS.md); int8 engines "
              "are compared with the int8 peak, float ones with the fp32 peak.",
              f"- ONNX Runtime's fixed cost per call from node (an identity "
              f"model): median {fixed.median * 1e3:.4f} ms, minimum "
              f"{fixed.times.min() * 1e3:.4f} ms; it is inside every ORT time.",
              "- SQNR: of each engine's output against ONNX Runtime float.", ""]
    lines += ["| model | MMAC | engine | median ms | min ms | GMAC/s | % of peak | SQNR dB | notes |",
              "|---|---:|---|---:|---:|---:|---:|---:|---|"]
    ratios = []
    for model, macs, results, counts, why in sections:
        ref = next(r for r in results if r.engine == "ORT float").output
        for r in results:
            gmacs = macs / r.median * 1e-9
            peak = PEAK_INT8 if "int8" in r.engine else PEAK_FP32
            quality = sqnr(ref, r.output)
            lines.append(
                f"| {model.title} | {macs / 1e6:.1f} | {r.engine} | "
                f"{r.median * 1e3:.3f} | {r.times.min() * 1e3:.3f} | "
                f"{gmacs:.1f} | {100 * gmacs / peak:.0f} % | "
                f"{'exact' if quality == float('inf') else f'{quality:.1f}'} | {r.note} |")
        by = {r.engine: r.median for r in results}
        ratios.append(
            f"| {model.title} | {by['qopt int8'] / by['ORT int8 (QDQ)']:.2f} | "
            f"{by['qopt int8'] / by['ORT float']:.2f} | "
            f"{by['qopt float'] / by['ORT float']:.2f} | "
            + (f"{by['qopt int8'] / by['PyTorch int8 (oneDNN)']:.2f}"
               if "PyTorch int8 (oneDNN)" in by else f"— ({why})") + " |")
    lines += ["", "## Ratios of medians (< 1: qopt is faster)", "",
              "| model | qopt int8 / ORT int8 | qopt int8 / ORT float | "
              "qopt float / ORT float | qopt int8 / PyTorch int8 |",
              "|---|---:|---:|---:|---:|", *ratios]
    lines += ["", "## ONNX Runtime's optimized int8 graphs", "",
              "Op types of the graph ORT ran (`optimizedModelFilePath`): the QDQ "
              "convolutions and matmuls became QLinear kernels.", ""]
    for model, _, _, counts, _ in sections:
        ops = ", ".join(f"{op} {n}" for op, n in counts.most_common())
        lines.append(f"- {model.title}: {ops}")
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
