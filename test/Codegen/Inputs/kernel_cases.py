"""Conv2d, matmul and depthwise conv2d islands of every shape the kernels
must get right, as one TOSA function: one flat input is sliced into each
case's input, and every case's output is flattened into one result, so that
one JIT call (or one compiled object) runs them all.

  kernel_cases.py model OUT.mlir [--float] [--bits FORMAT] [--batch N]
  kernel_cases.py compare REF.npy GOT.npy [--float]
  kernel_cases.py weight-bytes H8 H LABEL  weight bytes of two qoptc headers

Integer cases are i8 conv2d / fully connected / depthwise islands (integer
TOSA as qopt-integerize writes it: zero points, i32 bias, rescale per channel
or per tensor with SINGLE_ROUND or DOUBLE_ROUND, clamps); float cases are f32
conv2d, matmul and depthwise conv2d with constant weights, a bias and a
clamp. --bits draws the integer weights from one format's levels (LEVELS:
8, 4, 3, 2, ternary, binary, and PWLQ's 4- and 3-bit codebooks, which are
not two's complement ranges). Integers must match bit for bit;
floats within a relative error of 1e-5 of the largest output (the kernels sum
in another order).
"""

import re
import sys

import numpy as np

# (name, batch, H, W, IC, OC, KH, KW, stride, dilation, pad [t, b, l, r])
CONVS = [
    ("rgb3x3", 2, 9, 9, 3, 8, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    ("s2odd", 1, 11, 13, 16, 24, 3, 3, (2, 2), (1, 1), (1, 1, 1, 1)),
    ("pointwise", 2, 6, 7, 8, 16, 1, 1, (1, 1), (1, 1), (0, 0, 0, 0)),
    ("dilated", 1, 9, 8, 5, 7, 3, 3, (1, 1), (2, 2), (2, 2, 2, 2)),
    ("rect", 1, 10, 7, 24, 40, 5, 3, (2, 1), (1, 1), (0, 1, 2, 0)),
    ("wide", 1, 6, 13, 64, 72, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    ("c1", 3, 5, 5, 1, 3, 2, 2, (1, 2), (1, 1), (1, 0, 0, 1)),
]
# A second conv reading only the output of the named case (the first then
# writes straight into the second's padded input):
# name → (OC, KH, KW, stride, dilation, pad)
CHAINED = {
    "pointwise": (12, 3, 3, (1, 1), (1, 1), (1, 1, 1, 1)),
    "wide": (20, 3, 3, (1, 1), (1, 1), (0, 1, 2, 0)),
}
# (name, batch, H, W, C, KH, KW, stride, pad [t, b, l, r]): channel
# multiplier 1, read by a rescale and clamp (qopt-lower-depthwise).
DEPTHWISE = [
    ("dw24", 1, 10, 10, 24, 3, 3, (2, 1), (1, 0, 1, 1)),  # 16 + 8 channels
    ("dw40", 1, 6, 7, 40, 5, 5, (1, 1), (2, 2, 2, 2)),  # 32 + 8 channels
    ("dw8", 2, 5, 6, 8, 3, 3, (1, 1), (1, 1, 1, 1)),  # fewer than a vector
]
# (name, M, K, N, bias)
MATMULS = [
    ("fc", 1, 37, 10, True),
    ("rows", 5, 64, 20, False),
    ("narrow", 3, 6, 130, True),
]


# The integer values each weight format takes.
LEVELS = {
    "8": list(range(-127, 128)),
    "4": list(range(-7, 8)),
    "3": list(range(-4, 4)),
    "2": list(range(-2, 2)),
    "ternary": [-1, 0, 1],
    "binary": [-1, 1],
    "pwlq4": [-11, -9, -7, -5, -3, -2, -1, 0, 1, 2, 3, 5, 7, 9, 11],
    "pwlq3": [-5, -3, -1, 0, 1, 3, 5],
}


def t(shape, dtype):
    return "tensor<" + "".join(f"{d}x" for d in shape) + dtype + ">"


def dense(values, shape, dtype):
    flat = np.asarray(values).ravel()
    fmt = repr if dtype == "f32" else (lambda v: str(int(v)))
    body = ", ".join(fmt(float(v)) if dtype == "f32" else fmt(v) for v in flat)
    return f'"tosa.const"() {{values = dense<[{body}]> : {t([flat.size], dtype)}}} : () -> {t([flat.size], dtype)}'


class Builder:
    def __init__(self):
        self.lines = []
        self.count = 0

    def op(self, text):
        self.count += 1
        name = f"%v{self.count}"
        self.lines.append(f"    {name} = {text}")
        return name

    def const(self, values, shape, dtype):
        flat = self.op(dense(values, shape, dtype))
        return self.reshape(flat, [int(np.prod(shape))], shape, dtype)

    def reshape(self, value, src, dst, dtype):
        if list(src) == list(dst):
            return value
        s = self.op(f"tosa.const_shape {{values = dense<{list(dst)}> : "
                    f"tensor<{len(dst)}xindex>}} : () -> !tosa.shape<{len(dst)}>")
        return self.op(f"tosa.reshape {value}, {s} : ({t(src, dtype)}, "
                       f"!tosa.shape<{len(dst)}>) -> {t(dst, dtype)}")


def requant(g, rng, value, shape, k, per_channel, double, wstd):
    """rescale (i32 → i8) + clamp, with multipliers that spread the output."""
    oc = shape[-1]
    n = oc if per_channel else 1
    scale = 40.0 / (np.sqrt(k) * 74 * wstd) * rng.uniform(0.5, 2.0, n)
    shift = np.clip(31 + np.floor(-np.log2(scale)).astype(int), 2, 62)
    mult = np.clip(np.round(scale * 2.0 ** shift), 1, 2**31 - 1).astype(np.int64)
    m = g.const(mult, [n], "i32")
    s = g.const(shift, [n], "i8")
    izp = g.const([0], [1], "i32")
    ozp = g.const([int(rng.integers(-20, 20))], [1], "i8")
    mode = "DOUBLE_ROUND" if double else "SINGLE_ROUND"
    r = g.op(f"tosa.rescale {value}, {m}, {s}, {izp}, {ozp} {{input_unsigned = false, "
             f"output_unsigned = false, per_channel = {'true' if per_channel else 'false'}, "
             f"rounding_mode = {mode}, scale32 = true}} : ({t(shape, 'i32')}, "
             f"{t([n], 'i32')}, {t([n], 'i8')}, {t([1], 'i32')}, {t([1], 'i8')}) -> {t(shape, 'i8')}")
    lo, hi = int(rng.integers(-128, -20)), int(rng.integers(20, 128))
    return g.op(f"tosa.clamp {r} {{max_val = {hi} : i8, min_val = {lo} : i8}} : "
                f"({t(shape, 'i8')}) -> {t(shape, 'i8')}")


def model(is_float, bits, batch_scale):
    rng = np.random.default_rng(7)
    g = Builder()
    dtype = "f32" if is_float else "i8"
    levels = np.array(LEVELS[bits])
    wstd = float(np.sqrt(np.mean(levels.astype(float) ** 2)))
    inputs, outputs = [], []

    def weights(shape):
        if is_float:
            return rng.standard_normal(shape).astype(np.float32) * 0.1
        return rng.choice(levels, shape)

    def zero(dtype_):
        return g.const([0.0] if dtype_ == "f32" else [0], [1], dtype_)

    def bias_and_input_zp(channels):
        if is_float:
            return (g.const(rng.standard_normal(channels).astype(np.float32),
                            [channels], "f32"), zero("f32"))
        return (g.const(rng.integers(-5000, 5000, channels), [channels], "i32"),
                g.const([int(rng.integers(-128, 128))], [1], "i8"))

    def epilogue(c, out, k, per_channel, double):
        """A float clamp, or an integer rescale + clamp."""
        if is_float:
            return g.op(f"tosa.clamp {c} {{max_val = 1.5 : f32, min_val = -1.0 : f32}} : "
                        f"({t(out, 'f32')}) -> {t(out, 'f32')}")
        return requant(g, rng, c, out, k, per_channel=per_channel,
                       double=double, wstd=wstd)

    def conv(i, arg, x, oc, kh, kw, st, dil, pad):
        n, h, w, ic = x
        oh = (h + pad[0] + pad[1] - dil[0] * (kh - 1) - 1) // st[0] + 1
        ow = (w + pad[2] + pad[3] - dil[1] * (kw - 1) - 1) // st[1] + 1
        out = [n, oh, ow, oc]
        wt = g.const(weights([oc, kh, kw, ic]), [oc, kh, kw, ic], dtype)
        acc = "f32" if is_float else "i32"
        b, xzp = bias_and_input_zp(oc)
        wzp = zero(dtype)
        c = g.op(f"tosa.conv2d {arg}, {wt}, {b}, {xzp}, {wzp} {{acc_type = {acc}, "
                 f"dilation = array<i64: {dil[0]}, {dil[1]}>, pad = array<i64: {', '.join(map(str, pad))}>, "
                 f"stride = array<i64: {st[0]}, {st[1]}>}} : ({t(x, dtype)}, {t([oc, kh, kw, ic], dtype)}, "
                 f"{t([oc], acc)}, {t([1], dtype)}, {t([1], dtype)}) -> {t(out, acc)}")
        return epilogue(c, out, kh * kw * ic, i % 2 == 0, i % 3 == 1), out

    for i, (name, n, h, w, ic, oc, kh, kw, st, dil, pad) in enumerate(CONVS):
        x = [n * batch_scale, h, w, ic]
        inputs.append(x)
        c, out = conv(i, f"%in{i}", x, oc, kh, kw, st, dil, pad)
        if name in CHAINED:
            c, out = conv(i + 1, c, out, *CHAINED[name])
        outputs.append((c, out))

    for j, (name, m, k, n, bias) in enumerate(MATMULS):
        i = len(CONVS) + j
        x = [1, m, k]
        inputs.append(x)
        arg = f"%in{i}"
        acc = "f32" if is_float else "i32"
        wt = g.const(weights([1, k, n]), [1, k, n], dtype)
        zp = zero("f32") if is_float else g.const([int(rng.integers(-128, 128))], [1], "i8")
        c = g.op(f"tosa.matmul {arg}, {wt}, {zp}, {zero(dtype)} : ({t(x, dtype)}, "
                 f"{t([1, k, n], dtype)}, {t([1], dtype)}, {t([1], dtype)}) -> {t([1, m, n], acc)}")
        shape = [m, n]
        c = g.reshape(c, [1, m, n], shape, acc)
        if bias:
            values = (rng.standard_normal(n).astype(np.float32) if is_float
                      else rng.integers(-3000, 3000, n))
            b = g.const(values, [1, n], acc)
            c = g.op(f"tosa.add {c}, {b} : ({t(shape, acc)}, {t([1, n], acc)}) -> {t(shape, acc)}")
        if is_float:
            c = g.op(f"tosa.clamp {c} {{max_val = 3.4e38 : f32, min_val = 0.0 : f32}} : "
                     f"({t(shape, 'f32')}) -> {t(shape, 'f32')}")
        else:
            c = requant(g, rng, c, shape, k, per_channel=j != 1, double=j == 2,
                        wstd=wstd)
        outputs.append((c, shape))

    for d, (name, n, h, w, ch, kh, kw, st, pad) in enumerate(DEPTHWISE):
        i = len(CONVS) + len(MATMULS) + d
        x = [n * batch_scale, h, w, ch]
        inputs.append(x)
        oh = (h + pad[0] + pad[1] - kh) // st[0] + 1
        ow = (w + pad[2] + pad[3] - kw) // st[1] + 1
        out = [x[0], oh, ow, ch]
        acc = "f32" if is_float else "i32"
        wt = g.const(weights([kh, kw, ch, 1]), [kh, kw, ch, 1], dtype)
        b, xzp = bias_and_input_zp(ch)
        c = g.op(f"tosa.depthwise_conv2d %in{i}, {wt}, {b}, {xzp}, {zero(dtype)} "
                 f"{{acc_type = {acc}, dilation = array<i64: 1, 1>, "
                 f"pad = array<i64: {', '.join(map(str, pad))}>, "
                 f"stride = array<i64: {st[0]}, {st[1]}>}} : ({t(x, dtype)}, "
                 f"{t([kh, kw, ch, 1], dtype)}, {t([ch], acc)}, {t([1], dtype)}, "
                 f"{t([1], dtype)}) -> {t(out, acc)}")
        c = epilogue(c, out, kh * kw, d % 2 == 0, d == 1)
        outputs.append((c, out))

    # One flat input sliced into the cases, one flat output.
    total = sum(int(np.prod(s)) for s in inputs)
    body = g.lines
    g.lines = []
    offset = 0
    for i, shape in enumerate(inputs):
        size = int(np.prod(shape))
        start = g.op(f"tosa.const_shape {{values = dense<[{offset}]> : tensor<1xindex>}} : () -> !tosa.shape<1>")
        sz = g.op(f"tosa.const_shape {{values = dense<[{size}]> : tensor<1xindex>}} : () -> !tosa.shape<1>")
        sl = g.op(f"tosa.slice %x, {start}, {sz} : ({t([total], dtype)}, !tosa.shape<1>, !tosa.shape<1>) -> {t([size], dtype)}")
        r = g.reshape(sl, [size], shape, dtype)
        body = [line.replace(f"%in{i},", f"{r},") for line in body]
        offset += size
    g.lines += body
    flats = []
    for value, shape in outputs:
        size = int(np.prod(shape))
        flats.append((g.reshape(value, shape, [size], dtype), size))
    out_total = sum(s for _, s in flats)
    cat = g.op(f"tosa.concat {', '.join(v for v, _ in flats)} {{axis = 0 : i32}} : "
               f"({', '.join(t([s], dtype) for _, s in flats)}) -> {t([out_total], dtype)}")
    text = [f"func.func @cases(%x: {t([total], dtype)}) -> {t([out_total], dtype)} {{"]
    text += g.lines
    text.append(f"    return {cat} : {t([out_total], dtype)}")
    text.append("}")
    return "\n".join(text) + "\n"


def compare(ref_path, got_path, is_float):
    ref = np.load(ref_path)
    got = (np.load(got_path) if got_path.endswith(".npy")
           else np.fromfile(got_path, dtype=ref.dtype))
    if got.size != ref.size:
        sys.exit(f"FAIL: {got.size} values, expected {ref.size}")
    got = got.reshape(ref.shape)
    if is_float:
        err = np.abs(got.astype(np.float64) - ref).max() / np.abs(ref).max()
        if not err <= 1e-5:
            sys.exit(f"FAIL: relative error {err}")
        print(f"{ref.size} float values within 1e-5")
        return
    bad = np.flatnonzero(got != ref)
    if bad.size:
        sys.exit(f"FAIL: {bad.size} of {ref.size} values differ, first at "
                 f"{bad[0]}: {got.ravel()[bad[0]]} != {ref.ravel()[bad[0]]}")
    spread = len(np.unique(ref))
    print(f"{ref.size} values bit-exact ({spread} distinct)")


def weight_bytes(header8, header_low, label):
    """The object's weight bytes of low-bit cases against the 8-bit ones
    (AVX-512 VNNI layout: [OC/16][KH][KW][IC/4][16][4] bytes per op for the
    whole blocks of 16 channels, [KH][KW][IC/4][OC mod 16][4] for the rest,
    no padding channel; depthwise [KH][KW][C]; the per-channel tables of the
    same size in both)."""
    def read(path):
        text = open(path).read()
        return int(re.search(r"#define \w+_weight_bytes (\d+)", text).group(1))
    packed8 = sum(oc * kh * kw * -(-ic // 4) * 4
                  for _, _, _, _, ic, oc, kh, kw, *_ in CONVS)
    packed8 += sum(oc * kh * kw * -(-ic // 4) * 4
                   for ic, (oc, kh, kw, *_) in
                   ((c[5], CHAINED[c[0]]) for c in CONVS if c[0] in CHAINED))
    packed8 += sum(n * -(-k // 4) * 4 for _, _, k, n, _ in MATMULS)
    packed8 += sum(kh * kw * ch for _, _, _, _, ch, kh, kw, *_ in DEPTHWISE)
    saved = read(header8) - read(header_low)
    print(f"{label} packed weights: {(packed8 - saved) / packed8:.2f} of 8-bit")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "model":
        bits = args[args.index("--bits") + 1] if "--bits" in args else "8"
        batch = int(args[args.index("--batch") + 1]) if "--batch" in args else 1
        with open(args[0], "w") as f:
            f.write(model("--float" in args, bits, batch))
    elif command == "weight-bytes":
        weight_bytes(args[0], args[1], args[2])
    elif command == "compare":
        compare(args[0], args[1], "--float" in args)


if __name__ == "__main__":
    main()
