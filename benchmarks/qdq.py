"""ONNX Runtime's int8 model of a benchmark network: a static QDQ model with
qopt's own calibrated scales.

qopt's quantized graph (`keep-qdq=true`, printed with locations) says where
qopt quantizes and with which scale and zero point: each `quant.qcast`
carries the location of the ONNX node whose output it quantizes, each
quantized argument a `qopt.quant` attribute. This module puts a
QuantizeLinear/DequantizeLinear pair at exactly those tensors (uint8, zero
point + 128: the same grid as qopt's int8), int8 per-output-channel weights
(symmetric, narrow range, max-abs scales: what qopt computes) and int32
biases on Conv/Gemm/MatMul, which ONNX Runtime fuses into QLinearConv,
QGemm, QLinearMatMul, QLinearAdd, QLinearMul...

Before that the float graph is made quantizable as qopt's prepare pipeline
makes it: batch norms folded into the convolutions before them, opset 13
(QuantizeLinear's per-axis form). The weights are the float model's, which
are qopt's only when its preparation does not change them otherwise:
statistics calibrated with equalization or high-bias absorption (whose
weights and biases qopt quantizes instead) are refused.
"""

import json
import re

import numpy as np
import onnx
from onnx import helper, numpy_helper

# Ops that move values without changing them: their output keeps their
# input's quantization where qopt puts no new point.
_TRANSPARENT = {"MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze",
                "Unsqueeze", "Identity"}


def qopt_points(mlir_text):
    """{ONNX node name or graph input name: (scale, zp)} from a keep-qdq
    graph printed with --mlir-print-debuginfo: the quantization of each
    node's output (its last point) and of each quantized argument. Points
    after transposes and reshapes are not a node's: they repeat their input's
    quantization, and carry the location of the node the importer made them
    for (layout changes, a Gemm's flattening)."""
    aliases = dict(re.findall(r'^(#loc\d*) = loc\("([^"]+)"', mlir_text, re.M))
    uniform = (r"!quant\.uniform<i8(?:<-?\d+:-?\d+>)?:f32, "
               r"([-+0-9.eE]+)(?::(-?\d+))?>")
    loc = r"loc\((#loc\d*|\"[^\"]+\")\)"

    def name(ref):
        return aliases.get(ref, ref.strip('"'))

    points, producers = {}, {}
    for line in mlir_text.splitlines():
        defined = re.match(r"\s*(%\w+) = \"?([\w.]+)", line)
        if not defined:
            continue
        producers[defined.group(1)] = defined.group(2)
        m = re.search(r"quant\.qcast (%\w+) .*" + uniform + r">\s+" + loc, line)
        if m and producers.get(m.group(1)) not in ("tosa.transpose",
                                                    "tosa.reshape"):
            points[name(m.group(4))] = (float(m.group(2)), int(m.group(3) or 0))
    signature = re.search(r"func\.func @\w+\((.*?)\)\s*->", mlir_text,
                          re.S).group(1)
    for m in re.finditer(r"\{qopt\.quant = " + uniform + r"\} " + loc,
                         signature):
        points[name(m.group(3))] = (float(m.group(1)), int(m.group(2) or 0))
    return points


def _constants(model):
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant" and node.attribute[0].name == "value":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    return values


def _upgrade_to_opset13(model):
    """Opset 13 in place: Clip and Slice take their attributes as inputs
    from opsets 11 and 10 (the other ops of the benchmark models kept their
    meaning; Softmax over the last axis of a 2-D tensor is unchanged)."""
    opset = next(o for o in model.opset_import if o.domain in ("", "ai.onnx"))
    if opset.version >= 13:
        return
    for node in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Clip" and attrs:
            names = []
            for key, default in (("min", -3.4e38), ("max", 3.4e38)):
                names.append(f"{node.name or node.output[0]}_{key}")
                model.graph.initializer.append(numpy_helper.from_array(
                    np.array(attrs.get(key, default), np.float32), names[-1]))
            node.input.extend(names)
            del node.attribute[:]
        elif node.op_type == "Slice" and attrs:
            base = node.name or node.output[0]
            for key in ("starts", "ends", "axes"):
                if key in attrs:
                    model.graph.initializer.append(numpy_helper.from_array(
                        np.array(attrs[key], np.int64), f"{base}_{key}"))
            node.input.extend(f"{base}_{k}" for k in ("starts", "ends", "axes")
                              if k in attrs)
            del node.attribute[:]
    opset.version = 13


def _fold_batchnorms(model):
    """Conv → BatchNormalization (the conv's only consumer) becomes one Conv
    with scaled weights and bias, producing the batch norm's output."""
    values = _constants(model)
    consumers = {}
    for node in model.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    producer = {o: n for n in model.graph.node for o in n.output}
    removed = set()
    for bn in model.graph.node:
        if bn.op_type != "BatchNormalization":
            continue
        conv = producer.get(bn.input[0])
        if (conv is None or conv.op_type != "Conv"
                or len(consumers[conv.output[0]]) != 1
                or conv.input[1] not in values):
            continue
        eps = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        gamma, beta, mean, var = (values[n].astype(np.float64)
                                  for n in bn.input[1:5])
        factor = gamma / np.sqrt(var + eps)
        w = values[conv.input[1]].astype(np.float64)
        b = (values[conv.input[2]].astype(np.float64) if len(conv.input) > 2
             else np.zeros(w.shape[0]))
        w_name, b_name = conv.input[1] + "_bnfold", conv.output[0] + "_bnbias"
        model.graph.initializer.extend([
            numpy_helper.from_array(
                (w * factor[:, None, None, None]).astype(np.float32), w_name),
            numpy_helper.from_array(
                ((b - mean) * factor + beta).astype(np.float32), b_name)])
        del conv.input[1:]
        conv.input.extend([w_name, b_name])
        conv.output[0] = bn.output[0]
        removed.add(id(bn))
    kept = [n for n in model.graph.node if id(n) not in removed]
    del model.graph.node[:]
    model.graph.node.extend(kept)


def _fix_input_shape(model, shape):
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for dim, value in zip(dims, shape):
        dim.ClearField("dim_param")
        dim.dim_value = value


# What qopt-calibrate records for a preparation that leaves the weights as
# the folded float model has them.
PLAIN_PREPARATION = "equalize=false absorb-high-bias=false"


def build(float_path, input_shape, points, stats_path, out_path):
    """Writes the QDQ model of `float_path` with the quantization `points`
    (see qopt_points) of the graph that `stats_path` (qopt-calibrate's
    statistics) was gathered on; returns the number of quantized tensors."""
    with open(stats_path) as f:
        prepare = json.load(f).get("prepare")
    if prepare != PLAIN_PREPARATION:
        raise ValueError(
            f"'{stats_path}' was gathered on the graph prepared with "
            f"'{prepare}': qopt quantizes weights that this QDQ model, made "
            f"from the float ONNX weights, would not have (expected "
            f"'{PLAIN_PREPARATION}')")
    model = onnx.load(float_path)
    _fix_input_shape(model, input_shape)
    _upgrade_to_opset13(model)
    # Scales belong to the nodes of the original graph: the output of a
    # folded conv (now the batch norm's) takes either node's point.
    owners = {}
    for node in model.graph.node:
        for out in node.output:
            owners.setdefault(out, []).append(node.name)
    _fold_batchnorms(model)
    for node in model.graph.node:
        for out in node.output:
            owners.setdefault(out, []).append(node.name)

    scale = {}
    for graph_input in model.graph.input:
        if graph_input.name in points:
            scale[graph_input.name] = points[graph_input.name]
    for node in model.graph.node:
        out = node.output[0]
        found = [points[n] for n in owners[out] if n in points]
        if found:
            scale[out] = found[-1]
        elif node.op_type in _TRANSPARENT and node.input[0] in scale:
            scale[out] = scale[node.input[0]]

    values = _constants(model)
    new_inits, nodes = [], []

    def qdq(tensor, source, target):
        s, zp = scale[tensor]
        s_name, z_name = tensor + "_scale", tensor + "_zp"
        new_inits.extend([numpy_helper.from_array(np.array(s, np.float32), s_name),
                          numpy_helper.from_array(np.array(zp + 128, np.uint8), z_name)])
        return [helper.make_node("QuantizeLinear", [source, s_name, z_name],
                                 [tensor + "_q"], name=tensor + "_Q"),
                helper.make_node("DequantizeLinear", [tensor + "_q", s_name, z_name],
                                 [target], name=tensor + "_DQ")]

    def weight_dq(name, w, axis):
        """int8 per-channel symmetric narrow-range weights along `axis`."""
        moved = np.moveaxis(w.astype(np.float64), axis, 0).reshape(w.shape[axis], -1)
        s = np.abs(moved).max(axis=1) / 127
        s[s == 0] = 1e-8
        shape = [1] * w.ndim
        shape[axis] = -1
        q = np.clip(np.round(w / s.reshape(shape)), -127, 127).astype(np.int8)
        new_inits.extend([numpy_helper.from_array(q, name + "_q"),
                          numpy_helper.from_array(s.astype(np.float32), name + "_qscale"),
                          numpy_helper.from_array(np.zeros(len(s), np.int8), name + "_qzp")])
        nodes.append(helper.make_node(
            "DequantizeLinear", [name + "_q", name + "_qscale", name + "_qzp"],
            [name + "_dq"], name=name + "_DQ", axis=axis))
        return s

    def bias_dq(name, b, s_in, s_w):
        s = (s_in * s_w).astype(np.float32)
        q = np.round(b.astype(np.float64) / s).astype(np.int32)
        new_inits.extend([numpy_helper.from_array(q, name + "_q"),
                          numpy_helper.from_array(s, name + "_qscale"),
                          numpy_helper.from_array(np.zeros(len(s), np.int32), name + "_qzp")])
        nodes.append(helper.make_node(
            "DequantizeLinear", [name + "_q", name + "_qscale", name + "_qzp"],
            [name + "_dq"], name=name + "_DQ", axis=0))

    renamed = {}
    for graph_input in model.graph.input:
        if graph_input.name in scale:
            renamed[graph_input.name] = graph_input.name + "_dq"
            nodes.extend(qdq(graph_input.name, graph_input.name,
                             graph_input.name + "_dq"))
    for node in model.graph.node:
        node.input[:] = [renamed.get(i, i) for i in node.input]
        x = node.input[0] if node.input else None
        weight_axis = {"Conv": 0}.get(node.op_type)
        if node.op_type == "Gemm":
            trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
            weight_axis = 0 if trans_b else 1
        elif node.op_type == "MatMul":
            weight_axis = 1
        source_of_x = next((k for k, v in renamed.items() if v == x), x)
        if (weight_axis is not None and len(node.input) > 1
                and node.input[1] in values and source_of_x in scale):
            w = values[node.input[1]]
            s_w = weight_dq(node.input[1], w, weight_axis)
            node.input[1] = node.input[1] + "_dq"
            if len(node.input) > 2 and node.input[2] in values:
                bias_dq(node.input[2], values[node.input[2]],
                        scale[source_of_x][0], s_w)
                node.input[2] = node.input[2] + "_dq"
        outputs = list(node.output)
        quantized = [o for o in outputs if o in scale]
        for o in quantized:
            node.output[outputs.index(o)] = o + "_f"
        nodes.append(node)
        for o in quantized:
            nodes.extend(qdq(o, o + "_f", o))
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    model.graph.initializer.extend(new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
    return len(scale)
