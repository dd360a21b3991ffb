"""Writes float TOSA (MLIR text) from Python, one op per call.

Used by tests and examples to build graphs with seeded random weights:

    g = Graph(seed=0)
    x = g.arg([1, 8, 8, 3])
    y = g.relu(g.conv(x, 16))
    text = g.function([y])      # func.func @main(...)
"""

import numpy as np


def _type(shape, dtype="f32"):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + dtype + ">"


def _dense(array):
    """A dense attribute in MLIR's hex form (little-endian raw bytes)."""
    return 'dense<"0x' + np.ascontiguousarray(array).tobytes().hex().upper() + '">'


class Graph:
    """Emits TOSA ops line by line and tracks each value's shape."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.lines = []
        self.shapes = {}
        self.dtypes = {}
        self.args = []
        self.count = 0

    def _new(self, shape):
        self.count += 1
        name = "%v" + str(self.count)
        self.shapes[name] = tuple(shape)
        return name

    def type_of(self, value):
        if value.startswith("%s"):
            return self.shapes[value]
        return _type(self.shapes[value], self.dtypes.get(value, "f32"))

    def arg(self, shape):
        name = "%arg" + str(len(self.args))
        self.args.append(name)
        self.shapes[name] = tuple(shape)
        return name

    def const(self, array):
        array = np.asarray(array)
        dtype = {np.float32: "f32", np.int8: "i8"}[array.dtype.type]
        out = self._new(array.shape)
        self.dtypes[out] = dtype
        self.lines.append(
            f'{out} = "tosa.const"() {{values = {_dense(array)} : '
            f"{_type(array.shape, dtype)}}} : () -> {_type(array.shape, dtype)}")
        return out

    def zero(self):
        return self.const(np.zeros([1], np.float32))

    def shift(self):
        return self.const(np.zeros([1], np.int8))

    def _op(self, text, operands, shape, attrs=""):
        out = self._new(shape)
        types = ", ".join(self.type_of(o) for o in operands)
        self.lines.append(f"{out} = {text} {', '.join(operands)} {attrs} : "
                          f"({types}) -> {_type(shape)}")
        return out

    def weights(self, shape, fan_in):
        return (self.rng.standard_normal(shape) *
                np.sqrt(2.0 / fan_in)).astype(np.float32)

    def conv(self, x, cout, k=3, stride=1, bias=True):
        n, h, w, cin = self.shapes[x]
        wt = self.const(self.weights([cout, k, k, cin], k * k * cin))
        b = self.const((self.rng.standard_normal([cout]) * 0.1 * bias)
                       .astype(np.float32))
        # "Same" padding, the extra row/column at the bottom/right, as TOSA
        # wants (h - 1 + pads - (k - 1)) divisible by the stride.
        ho, wo = -(-h // stride), -(-w // stride)
        ph = max((ho - 1) * stride + k - h, 0)
        pw = max((wo - 1) * stride + k - w, 0)
        pad = f"{ph // 2}, {ph - ph // 2}, {pw // 2}, {pw - pw // 2}"
        return self._op(
            "tosa.conv2d", [x, wt, b, self.zero(), self.zero()],
            [n, ho, wo, cout],
            f"{{acc_type = f32, dilation = array<i64: 1, 1>, pad = "
            f"array<i64: {pad}>, stride = array<i64: {stride}, {stride}>}}")

    def depthwise(self, x, k=3, stride=1):
        n, h, w, c = self.shapes[x]
        wt = self.const(self.weights([k, k, c, 1], k * k))
        b = self.const((self.rng.standard_normal([c]) * 0.1)
                       .astype(np.float32))
        # "Same" padding, less at the bottom/right where the stride skips it.
        p = k // 2
        ph, pw = (p - (h - 1 + 2 * p - (k - 1)) % stride,
                  p - (w - 1 + 2 * p - (k - 1)) % stride)
        return self._op(
            "tosa.depthwise_conv2d", [x, wt, b, self.zero(), self.zero()],
            [n, (h - 1) // stride + 1, (w - 1) // stride + 1, c],
            f"{{acc_type = f32, dilation = array<i64: 1, 1>, pad = "
            f"array<i64: {p}, {ph}, {p}, {pw}>, stride = array<i64: {stride}, "
            f"{stride}>}}")

    def clamp(self, x, lo, hi):
        return self._op("tosa.clamp", [x], self.shapes[x],
                        f"{{min_val = {lo:e} : f32, max_val = {hi:e} : f32}}")

    def relu(self, x):
        return self.clamp(x, 0.0, 3.4028234663852886e38)

    def relu6(self, x):
        return self.clamp(x, 0.0, 6.0)

    def unary(self, op, x):
        return self._op("tosa." + op, [x], self.shapes[x])

    def _scalar(self, x, value):
        return self.const(np.full([1] * len(self.shapes[x]), value,
                                  np.float32))

    def add(self, a, b):
        return self._op("tosa.add", [a, b], np.broadcast_shapes(
            self.shapes[a], self.shapes[b]))

    def sub(self, a, b):
        return self._op("tosa.sub", [a, b], np.broadcast_shapes(
            self.shapes[a], self.shapes[b]))

    def mul(self, a, b):
        return self._op("tosa.mul", [a, b, self.shift()], np.broadcast_shapes(
            self.shapes[a], self.shapes[b]))

    def hardswish(self, x):
        gate = self.relu6(self.add(x, self._scalar(x, 3.0)))
        return self.mul(self.mul(x, gate), self._scalar(x, 1.0 / 6.0))

    def hardsigmoid(self, x):
        y = self.add(self.mul(x, self._scalar(x, 1.0 / 6.0)),
                     self._scalar(x, 0.5))
        return self.clamp(y, 0.0, 1.0)

    def pool(self, op, x, k, stride):
        n, h, w, c = self.shapes[x]
        shape = [n, (h - k) // stride + 1, (w - k) // stride + 1, c]
        attrs = (f"{{kernel = array<i64: {k}, {k}>, pad = array<i64: 0, 0, 0, "
                 f"0>, stride = array<i64: {stride}, {stride}>}}")
        if op == "max":
            return self._op("tosa.max_pool2d", [x], shape, attrs)
        attrs = attrs[:1] + "acc_type = f32, " + attrs[1:]
        return self._op("tosa.avg_pool2d", [x, self.zero(), self.zero()],
                        shape, attrs)

    def global_avg_pool(self, x):
        return self.pool("avg", x, self.shapes[x][1], 1)

    def reshape(self, x, shape):
        s = "%s" + str(self.count + 1)
        self.count += 1
        self.shapes[s] = f"!tosa.shape<{len(shape)}>"
        dims = ", ".join(str(d) for d in shape)
        self.lines.append(f"{s} = tosa.const_shape {{values = dense<[{dims}]> "
                          f": tensor<{len(shape)}xindex>}} : () -> "
                          f"!tosa.shape<{len(shape)}>")
        return self._op("tosa.reshape", [x, s], shape)

    def fully_connected(self, x, cout):
        """x: [N, K] → [N, cout] as reshape → matmul → reshape → bias add."""
        n, k = self.shapes[x]
        a = self.reshape(x, [1, n, k])
        wt = self.const(self.weights([1, k, cout], k))
        m = self._op("tosa.matmul", [a, wt, self.zero(), self.zero()],
                     [1, n, cout])
        r = self.reshape(m, [n, cout])
        b = self.const((self.rng.standard_normal([1, cout]) * 0.1)
                       .astype(np.float32))
        return self.add(r, b)

    def softmax(self, x):
        attrs = "{axis = 1 : i32}"
        n = self.shapes[x][0]
        mx = self._op("tosa.reduce_max", [x], [n, 1], attrs)
        e = self.unary("exp", self.sub(x, mx))
        s = self._op("tosa.reduce_sum", [e], [n, 1], attrs)
        return self.mul(e, self.unary("reciprocal", s))

    def concat(self, values, axis=3):
        shape = list(self.shapes[values[0]])
        shape[axis] = sum(self.shapes[v][axis] for v in values)
        return self._op("tosa.concat", values, shape, f"{{axis = {axis} : i32}}")

    def function(self, results):
        args = ", ".join(f"{a}: {_type(self.shapes[a])}" for a in self.args)
        rtypes = ", ".join(_type(self.shapes[r]) for r in results)
        body = "\n".join("  " + line for line in self.lines)
        return (f"func.func @main({args}) -> ({rtypes}) {{\n{body}\n"
                f"  return {', '.join(results)} : {rtypes}\n}}\n")
