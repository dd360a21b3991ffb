"""Small ONNX models for the importer's lit tests, with numpy references.

    models.py gen DIR NAME...     DIR/NAME.onnx, DIR/NAME.in<i>.npy
    models.py check DIR NAME...   compares DIR/NAME.out<i>.npy (qopt-run's
                                  outputs) with numpy; prints "NAME: ok"

Weights are seeded; the reference math below is plain numpy, independent
of the importer.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# --- numpy reference math ---------------------------------------------------

def conv(x, w, b=None, stride=1, pads=(0, 0, 0, 0), group=1, dil=1):
    """ONNX Conv, NCHW/OIHW; pads = [top, left, bottom, right]."""
    x = np.pad(x, [(0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])])
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h - (kh - 1) * dil - 1) // stride + 1
    ow = (wd - (kw - 1) * dil - 1) // stride + 1
    og = o // group
    y = np.zeros([n, o, oh, ow], np.float64)
    for g in range(group):
        xg = x[:, g * cg:(g + 1) * cg]
        wg = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dil:i * dil + stride * oh:stride,
                           j * dil:j * dil + stride * ow:stride]
                y[:, g * og:(g + 1) * og] += np.einsum(
                    "nchw,oc->nohw", patch, wg[:, :, i, j])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y.astype(np.float32)


def pool(x, k, stride, pads, kind, count_include_pad=False, ceil=False):
    n, c, h, w = x.shape
    out = []
    for dim, size in ((0, h), (1, w)):
        span = size + pads[dim] + pads[dim + 2] - k
        out.append((-(-span // stride) if ceil else span // stride) + 1)
    y = np.zeros([n, c, out[0], out[1]], np.float32)
    for i in range(out[0]):
        for j in range(out[1]):
            r0, c0 = i * stride - pads[0], j * stride - pads[1]
            r1, c1 = r0 + k, c0 + k
            win = x[:, :, max(r0, 0):min(r1, h), max(c0, 0):min(c1, w)]
            if kind == "max":
                y[:, :, i, j] = win.max(axis=(2, 3))
            else:
                if count_include_pad:
                    cnt = ((min(r1, h + pads[2]) - r0) *
                           (min(c1, w + pads[3]) - c0))
                else:
                    cnt = win.shape[2] * win.shape[3]
                y[:, :, i, j] = win.sum(axis=(2, 3)) / cnt
    return y


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def linear_half_pixel(x, axis, out):
    """ONNX Resize linear/half_pixel along one axis."""
    size = x.shape[axis]
    coord = np.clip((np.arange(out) + 0.5) * size / out - 0.5, 0, size - 1)
    lo = np.floor(coord).astype(int)
    hi = np.minimum(lo + 1, size - 1)
    t = (coord - lo).reshape([-1 if a == axis else 1 for a in range(x.ndim)])
    return np.take(x, lo, axis) * (1 - t) + np.take(x, hi, axis) * t


def hardswish(x):
    return x * np.clip(x + 3, 0, 6) / 6


# --- models -----------------------------------------------------------------

def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def model(nodes, inputs, outputs, inits, opset=13):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
         for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, None)
         for n in outputs],
        initializer=inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    return m


def convnet():
    """Conv+BN+Relu, depthwise+Clip, grouped conv+HardSwish, pools, Gemm,
    Softmax: a MobileNet-style classifier."""
    x = rand(1, 3, 16, 16)
    w1, b1 = rand(8, 3, 3, 3) * 0.3, rand(8) * 0.1
    gamma, beta = rand(8) * 0.1 + 1, rand(8) * 0.1
    mean, var = rand(8) * 0.1, np.abs(rand(8)) + 0.5
    wd, bd = rand(8, 1, 3, 3) * 0.3, rand(8) * 0.1
    wg = rand(8, 4, 1, 1) * 0.3
    wf, bf = rand(10, 8) * 0.3, rand(10) * 0.1
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1",
                         kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "gamma", "beta", "mean", "var"], ["bn"],
                         name="bn1", epsilon=1e-3),
        helper.make_node("Relu", ["bn"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["c2"], name="dw",
                         group=8, pads=[1, 1, 1, 1]),
        helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"], name="relu6"),
        helper.make_node("Conv", ["r2", "wg"], ["c3"], name="grouped",
                         group=2),
        helper.make_node("HardSwish", ["c3"], ["h"], name="hswish"),
        helper.make_node("MaxPool", ["h"], ["p"], name="maxpool",
                         kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("GlobalAveragePool", ["p"], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["fc"], name="fc",
                         transB=1),
        helper.make_node("Softmax", ["fc"], ["y"], name="softmax", axis=1),
    ]
    inits = [const(n, v) for n, v in [
        ("w1", w1), ("b1", b1), ("gamma", gamma), ("beta", beta),
        ("mean", mean), ("var", var), ("wd", wd), ("bd", bd), ("wg", wg),
        ("lo", np.float32(0)), ("hi", np.float32(6)), ("wf", wf),
        ("bf", bf)]]
    m = model(nodes, [("x", [1, 3, 16, 16])], ["y"], inits)

    def ref(x):
        c1 = conv(x, w1, b1, stride=2, pads=[1, 1, 1, 1])
        s = (gamma / np.sqrt(var + 1e-3)).reshape(1, -1, 1, 1)
        bn = (c1 - mean.reshape(1, -1, 1, 1)) * s + beta.reshape(1, -1, 1, 1)
        r2 = np.clip(conv(np.maximum(bn, 0), wd, bd, pads=[1, 1, 1, 1],
                          group=8), 0, 6)
        h = hardswish(conv(r2, wg, group=2))
        gap = pool(h, 2, 2, [0] * 4, "max").mean(axis=(2, 3))
        return [softmax(gap @ wf.T + bf, 1)]
    return m, [x], ref


def layout():
    """Axis attributes remapped for NHWC activations: Slice, Concat,
    Transpose, Softmax and ReduceMean on conv outputs; a Shape → Gather →
    Concat → Reshape chain folded at import; Div by a constant and by an
    activation; Pad; Resize nearest and linear; AveragePool with padding
    counted and ceil mode; ConvTranspose."""
    x = rand(1, 4, 6, 6)
    w = rand(6, 4, 3, 3) * 0.3
    wt = rand(6, 3, 2, 2) * 0.3
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv",
                         pads=[1, 1, 1, 1]),
        # Channels 1..4 and rows 2..5 of the NCHW tensor.
        helper.make_node("Slice", ["c", "starts", "ends", "axes"], ["s"],
                         name="slice"),
        helper.make_node("Concat", ["s", "s"], ["cat"], name="concat",
                         axis=1),
        helper.make_node("Softmax", ["cat"], ["sm"], name="softmax", axis=1),
        helper.make_node("ReduceMean", ["c"], ["rm"], name="mean",
                         axes=[2, 3], keepdims=1),
        helper.make_node("Div", ["c", "rm"], ["dv"], name="div_act"),
        helper.make_node("Div", ["dv", "four"], ["dc"], name="div_const"),
        helper.make_node("Transpose", ["dc"], ["t"], name="transpose",
                         perm=[0, 2, 1, 3]),
        helper.make_node("Shape", ["t"], ["shape"], name="shape"),
        helper.make_node("Gather", ["shape", "idx0"], ["n"], name="gather",
                         axis=0),
        helper.make_node("Concat", ["n", "minus1"], ["target"],
                         name="target", axis=0),
        helper.make_node("Reshape", ["t", "target"], ["flat"],
                         name="reshape"),
        helper.make_node("Pad", ["c", "pads"], ["pd"], name="pad"),
        helper.make_node("AveragePool", ["pd"], ["ap"], name="avgpool",
                         kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1], count_include_pad=1,
                         ceil_mode=1),
        helper.make_node("Resize", ["c", "", "scales"], ["up"],
                         name="nearest", mode="nearest",
                         coordinate_transformation_mode="asymmetric",
                         nearest_mode="floor"),
        helper.make_node("Resize", ["c", "", "scales"], ["lin"],
                         name="linear", mode="linear"),
        helper.make_node("ConvTranspose", ["c", "wt"], ["ct"], name="deconv",
                         strides=[2, 2], pads=[0, 1, 1, 0]),
    ]
    inits = [const("w", w), const("wt", wt),
             const("starts", np.int64([1, 2])),
             const("ends", np.int64([5, 100])),
             const("axes", np.int64([1, 2])),
             const("four", np.float32(4)), const("idx0", np.int64([0])),
             const("minus1", np.int64([-1])),
             const("pads", np.int64([0, 0, 1, 0, 0, 0, 0, 2])),
             const("scales", np.float32([1, 1, 2, 2]))]
    outs = ["sm", "flat", "ap", "up", "lin", "ct"]
    m = model(nodes, [("x", [1, 4, 6, 6])], outs, inits)

    def ref(x):
        c = conv(x, w, pads=[1, 1, 1, 1])
        s = c[:, 1:5, 2:]
        sm = softmax(np.concatenate([s, s], axis=1), 1)
        dv = c / c.mean(axis=(2, 3), keepdims=True) / 4
        flat = dv.transpose(0, 2, 1, 3).reshape(1, -1)
        pd = np.pad(c, [(0, 0), (0, 0), (1, 0), (0, 2)])
        ap = pool(pd, 3, 2, [1, 1, 1, 1], "avg", True, True)
        up = c.repeat(2, axis=2).repeat(2, axis=3)
        lin = linear_half_pixel(linear_half_pixel(c, 2, 12), 3, 12)
        ct = np.zeros([1, 3, 12, 12], np.float32)
        for i in range(6):
            for j in range(6):
                ct[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2] += np.einsum(
                    "c,cokl->okl", c[0, :, i, j], wt)
        ct = ct[:, :, 0:11, 1:12]
        return [sm, flat, ap, up, lin, ct]
    return m, [x], ref


def unsupported():
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("Einsum", ["r", "r"], ["y"], equation="ij,ij->i")]
    return model(nodes, [("x", [2, 3])], ["y"], []), [], None


def bad_attribute():
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv7",
                              auto_pad="SOMETIMES")]
    inits = [const("w", rand(2, 3, 1, 1))]
    return model(nodes, [("x", [1, 3, 4, 4])], ["y"], inits), [], None


def unknown_attribute():
    nodes = [helper.make_node("AveragePool", ["x"], ["y"], name="pool",
                              kernel_shape=[2, 2], dilations=[2, 2])]
    return model(nodes, [("x", [1, 3, 4, 4])], ["y"], [], opset=17), [], None


def dynamic():
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [("x", ["batch", 3, 48, 192])], ["y"], []), [], None


def arity(node):
    # A node against its operator's schema (fuzzer-found: a MatMul with one
    # input was read past its end).
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"), node]
    return model(nodes, [("x", [2, 2])], ["r"], []), [], None


def nan_weight():
    w = rand(2, 3, 1, 1)
    w[1, 2, 0, 0] = np.nan
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv1")]
    return model(nodes, [("x", [1, 3, 4, 4])], ["y"], [const("w", w)]), [], None


def bn_zero_var():
    # A zero variance with a zero epsilon: 1/sqrt(0) once folded.
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv1"),
             helper.make_node("BatchNormalization", ["c", "g", "b", "m", "v"],
                              ["y"], name="bn1", epsilon=0.0)]
    inits = [const("w", rand(2, 3, 1, 1)), const("g", np.ones(2, "f4")),
             const("b", np.zeros(2, "f4")), const("m", np.zeros(2, "f4")),
             const("v", np.array([1.0, 0.0], "f4"))]
    return model(nodes, [("x", [1, 3, 4, 4])], ["y"], inits), [], None


MODELS = {"convnet": convnet, "layout": layout, "unsupported": unsupported,
          "bad_attribute": bad_attribute,
          "unknown_attribute": unknown_attribute, "dynamic": dynamic,
          "nan_weight": nan_weight, "bn_zero_var": bn_zero_var,
          "one_input": lambda: arity(
              helper.make_node("MatMul", ["r"], ["m"], name="mm")),
          "unnamed_input": lambda: arity(
              helper.make_node("Gemm", ["", "r"], ["g"], name="gemm")),
          "no_output": lambda: arity(
              helper.make_node("Relu", ["r"], [], name="relu2")),
          "undefined_op": lambda: arity(
              helper.make_node("Frobnicate", ["r"], ["f"], name="frob"))}


def main():
    cmd, out = sys.argv[1], sys.argv[2]
    for name in sys.argv[3:]:
        m, inputs, ref = MODELS[name]()
        if cmd == "gen":
            onnx.save(m, f"{out}/{name}.onnx")
            for i, x in enumerate(inputs):
                np.save(f"{out}/{name}.in{i}.npy", x)
            continue
        errors = []
        for i, want in enumerate(ref(*inputs)):
            got = np.load(f"{out}/{name}.out{i}.npy")
            if got.shape != want.shape:
                errors.append(f"out{i} shape {got.shape} != {want.shape}")
            elif not np.allclose(got, want, rtol=1e-4, atol=1e-5):
                errors.append(f"out{i} max error "
                              f"{np.abs(got - want).max():.3g}")
        print(f"{name}: " + ("; ".join(errors) if errors else "ok"))


if __name__ == "__main__":
    main()
