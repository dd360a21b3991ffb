"""Models built in Python with seeded weights, for demos, tests and
benchmarks: a small MobileNetV2/V3-style classifier in float TOSA, and the
benchmarks' 3x3 convolution and ResNet basic block as ONNX files (with the
`onnx` package).
"""

import numpy as np

from qopt.testing.tosa_builder import Graph


def mobilenet(batch=1, size=32, classes=10, seed=0):
    """Stem conv, three inverted-residual blocks (one with squeeze-excite and
    hardswish), global pooling and a fully connected classifier: MLIR text of
    @main(x: [batch, size, size, 3]) -> logits [batch, classes]."""
    g = Graph(seed)
    x = g.arg([batch, size, size, 3])
    y = g.relu6(g.conv(x, 16, stride=2))

    def inverted_residual(y, expand, out, hardswish=False, se=False):
        act = g.hardswish if hardswish else g.relu6
        h = act(g.conv(y, expand, k=1))
        h = act(g.depthwise(h))
        if se:
            s = g.global_avg_pool(h)
            s = g.relu(g.conv(s, expand // 4, k=1))
            h = g.mul(h, g.unary("sigmoid", g.conv(s, expand, k=1)))
        h = g.conv(h, out, k=1)
        return g.add(h, y) if g.shapes[y] == g.shapes[h] else h

    y = inverted_residual(y, 48, 16)
    y = inverted_residual(y, 48, 24, hardswish=True, se=True)
    y = inverted_residual(y, 72, 24)
    y = g.global_avg_pool(y)
    logits = g.fully_connected(g.reshape(y, [batch, 24]), classes)
    return g.function([logits])


# --- ONNX networks of the benchmarks -----------------------------------------

ONNX_OPSET = 13


def _conv_weights(rng, channels):
    """He-initialised 3x3 weights and a small bias."""
    w = rng.standard_normal([channels, channels, 3, 3]) * np.sqrt(
        2.0 / (9 * channels))
    b = rng.standard_normal(channels) * 0.1
    return w.astype(np.float32), b.astype(np.float32)


def _batchnorm(rng, channels):
    """Inference batch-norm parameters (scale, bias, mean, var) of a trained
    look: scales near 1, means and variances of a ReLU network's range."""
    return [rng.uniform(0.5, 1.5, channels), rng.standard_normal(channels) * 0.1,
            rng.standard_normal(channels) * 0.1, rng.uniform(0.5, 2.0, channels)]


def _save(graph, path):
    import onnx
    from onnx import helper
    model = helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", ONNX_OPSET)], producer_name="qopt-benchmarks")
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


def conv3x3_onnx(path, channels=64, size=56):
    """One 3x3 convolution, channels → channels, stride 1, same padding
    (the benchmarks' first model), as an ONNX file."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(3)
    w, b = _conv_weights(rng, channels)
    shape = [1, channels, size, size]
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv",
                          kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
        "conv3x3",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    _save(graph, path)


def resblock_onnx(path, channels=64, size=56):
    """A ResNet basic block: conv-bn-relu-conv-bn, identity add, relu, as an
    ONNX file."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(4)
    inits, nodes = [], []
    for i in (1, 2):
        w, b = _conv_weights(rng, channels)
        inits += [numpy_helper.from_array(w, f"w{i}"),
                  numpy_helper.from_array(b, f"b{i}")]
        names = [f"bn{i}_{p}" for p in ("scale", "bias", "mean", "var")]
        inits += [numpy_helper.from_array(a.astype(np.float32), n)
                  for a, n in zip(_batchnorm(rng, channels), names)]
        source = "x" if i == 1 else "r1"
        nodes += [
            helper.make_node("Conv", [source, f"w{i}", f"b{i}"], [f"c{i}"],
                             name=f"conv{i}", kernel_shape=[3, 3],
                             pads=[1, 1, 1, 1]),
            helper.make_node("BatchNormalization", [f"c{i}", *names],
                             [f"n{i}"], name=f"bn{i}")]
        if i == 1:
            nodes.append(helper.make_node("Relu", ["n1"], ["r1"], name="relu1"))
    nodes += [helper.make_node("Add", ["n2", "x"], ["s"], name="add"),
              helper.make_node("Relu", ["s"], ["y"], name="relu2")]
    shape = [1, channels, size, size]
    graph = helper.make_graph(
        nodes, "resblock",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], inits)
    _save(graph, path)
