//===- OnnxOps.cpp - ONNX operators to float TOSA -------------------------===//
//
// One translation per ONNX operator. Each reads the node's inputs through the
// Importer (import-time constants or values in their current layout) and
// records its results; rank-4 activations stay in NHWC where the operator
// allows it (axes are remapped) and are converted back to the logical
// layout only before operators that reshape.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "qopt/Utils/TosaBuilders.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cfloat>
#include <cmath>
#include <functional>
#include <map>

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {
namespace {

static const int64_t kToNhwc[4] = {0, 2, 3, 1};

SmallVector<int64_t> physShape(ArrayRef<int64_t> shape, bool nhwc) {
  return nhwc ? toNhwcShape(shape) : SmallVector<int64_t>(shape);
}

int64_t physAxis(int64_t axis, bool nhwc) {
  return nhwc ? nhwcAxis(axis) : axis;
}

HostTensor mapHost(const HostTensor &h, llvm::function_ref<double(double)> fn) {
  HostTensor out = h;
  for (double &v : out.data)
    v = fn(v);
  return out;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

enum class Binary { Add, Sub, Mul, Div, Pow, Max, Min };

double foldBinary(Binary kind, double x, double y) {
  switch (kind) {
  case Binary::Add:
    return x + y;
  case Binary::Sub:
    return x - y;
  case Binary::Mul:
    return x * y;
  case Binary::Div:
    return x / y;
  case Binary::Pow:
    return std::pow(x, y);
  case Binary::Max:
    return std::max(x, y);
  case Binary::Min:
    return std::min(x, y);
  }
  llvm_unreachable("binary op");
}

/// `a kind c` with numpy broadcasting, folded when both are constants.
FailureOr<Tensor> binary(Importer &im, Tensor &a, Tensor &c, Binary kind) {
  SmallVector<int64_t> shape;
  if (!broadcastShapes(a.shape, c.shape, shape))
    return im.fail("operand shapes do not broadcast");
  if (a.host && c.host)
    return Tensor::ofHost(hostBinary(*a.host, *c.host, [&](double x, double y) {
      return foldBinary(kind, x, y);
    }));
  int64_t rank = shape.size();
  bool nhwc = rank == 4 && (im.isNhwc(a) || im.isNhwc(c));
  RankedTensorType type = im.f32(physShape(shape, nhwc));
  Value x = im.operand(a, rank, nhwc);
  Value result;
  switch (kind) {
  case Binary::Add:
    result =
        tosa::AddOp::create(im.b, im.loc, type, x, im.operand(c, rank, nhwc));
    break;
  case Binary::Sub:
    result =
        tosa::SubOp::create(im.b, im.loc, type, x, im.operand(c, rank, nhwc));
    break;
  case Binary::Mul:
    result = im.mul(x, im.operand(c, rank, nhwc));
    break;
  case Binary::Div: {
    // A constant divisor becomes a constant multiplier (foldable into
    // weights); a computed one a reciprocal.
    if (c.host) {
      Tensor inv =
          Tensor::ofHost(mapHost(*c.host, [](double v) { return 1 / v; }));
      result = im.mul(x, im.operand(inv, rank, nhwc));
    } else {
      Value y = im.operand(c, rank, nhwc);
      result =
          im.mul(x, tosa::ReciprocalOp::create(im.b, im.loc, y.getType(), y));
    }
    break;
  }
  case Binary::Pow:
    if (c.host && c.host->data.size() == 1 && c.host->data[0] == 2 &&
        a.shape == ArrayRef<int64_t>(shape))
      result = im.mul(x, x);
    else
      result =
          tosa::PowOp::create(im.b, im.loc, type, x, im.operand(c, rank, nhwc));
    break;
  case Binary::Max:
    result = tosa::MaximumOp::create(im.b, im.loc, type, x,
                                     im.operand(c, rank, nhwc));
    break;
  case Binary::Min:
    result = tosa::MinimumOp::create(im.b, im.loc, type, x,
                                     im.operand(c, rank, nhwc));
    break;
  }
  return im.result(result, shape, nhwc);
}

LogicalResult convertBinary(Importer &im, Binary kind, bool variadic) {
  if (failed(im.checkAttrs({})))
    return failure();
  if (im.numInputs() < (variadic ? 1 : 2))
    return im.fail("expects two inputs");
  Tensor acc = *im.input(0);
  for (int i = 1; i < im.numInputs(); ++i) {
    FailureOr<Tensor> r = binary(im, acc, *im.input(i), kind);
    if (failed(r))
      return failure();
    acc = std::move(*r);
  }
  return im.setResult(0, std::move(acc));
}

/// The unary operators: `fold` evaluates a constant input, `emit` builds the
/// TOSA on a value (its layout is kept).
LogicalResult unary(Importer &im, llvm::function_ref<double(double)> fold,
                    llvm::function_ref<Value(Value)> emit) {
  Tensor &x = *im.input(0);
  if (x.host && fold)
    return im.setResult(0, Tensor::ofHost(mapHost(*x.host, fold)));
  Value v = im.current(x);
  return im.setResult(0, im.result(emit(v), x.shape, im.isNhwc(x)));
}

template <typename OpTy>
LogicalResult convertSimpleUnary(Importer &im, double (*fold)(double)) {
  if (failed(im.checkAttrs({})))
    return failure();
  return unary(im, fold, [&](Value v) -> Value {
    return OpTy::create(im.b, im.loc, v.getType(), v);
  });
}

LogicalResult convertRelu(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  return unary(
      im, [](double v) { return std::max(v, 0.0); },
      [&](Value v) { return im.clamp(v, 0, FLT_MAX); });
}

LogicalResult convertNeg(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  return unary(
      im, [](double v) { return -v; },
      [&](Value v) -> Value {
        return tosa::NegateOp::create(im.b, im.loc, v.getType(), v, im.zero(),
                                      im.zero());
      });
}

LogicalResult convertSqrt(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  return unary(
      im, [](double v) { return std::sqrt(v); },
      [&](Value v) -> Value {
        return tosa::PowOp::create(im.b, im.loc, v.getType(), v,
                                   im.scalarLike(v, 0.5f));
      });
}

LogicalResult convertClip(Importer &im) {
  if (failed(im.checkAttrs({"min", "max"})))
    return failure();
  float lo = -FLT_MAX, hi = FLT_MAX;
  if (im.opset < 11) {
    lo = im.attrFloat("min", lo);
    hi = im.attrFloat("max", hi);
  } else {
    for (int i : {1, 2}) {
      if (!im.input(i))
        continue;
      FailureOr<const HostTensor *> bound =
          im.hostInput(i, i == 1 ? "the minimum" : "the maximum");
      if (failed(bound))
        return failure();
      if ((*bound)->data.size() != 1)
        return im.fail("the clip bounds must be scalars");
      float v =
          std::clamp((*bound)->data[0], -(double)FLT_MAX, (double)FLT_MAX);
      (i == 1 ? lo : hi) = v;
    }
  }
  return unary(
      im, [&](double v) { return std::clamp<double>(v, lo, hi); },
      [&](Value v) { return im.clamp(v, lo, hi); });
}

LogicalResult convertLeakyRelu(Importer &im) {
  if (failed(im.checkAttrs({"alpha"})))
    return failure();
  float alpha = im.attrFloat("alpha", 0.01f);
  return unary(im, nullptr, [&](Value v) -> Value {
    Value scaled = im.mul(v, im.scalarLike(v, alpha));
    if (alpha >= 0 && alpha <= 1)
      return tosa::MaximumOp::create(im.b, im.loc, v.getType(), v, scaled);
    auto i1 = RankedTensorType::get(
        cast<RankedTensorType>(v.getType()).getShape(), im.b.getI1Type());
    Value positive =
        tosa::GreaterOp::create(im.b, im.loc, i1, v, im.scalarLike(v, 0));
    return tosa::SelectOp::create(im.b, im.loc, v.getType(), positive, v,
                                  scaled);
  });
}

LogicalResult convertHardSigmoid(Importer &im) {
  if (failed(im.checkAttrs({"alpha", "beta"})))
    return failure();
  float alpha = im.attrFloat("alpha", 0.2f), beta = im.attrFloat("beta", 0.5f);
  return unary(im, nullptr, [&](Value v) -> Value {
    Value y = im.mul(v, im.scalarLike(v, alpha));
    y = tosa::AddOp::create(im.b, im.loc, v.getType(), y,
                            im.scalarLike(v, beta));
    return im.clamp(y, 0, 1);
  });
}

LogicalResult convertHardSwish(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  // x · clamp(x + 3, 0, 6) · 1/6: the chain qopt-quantize turns into a table.
  return unary(im, nullptr, [&](Value v) -> Value {
    Value gate =
        tosa::AddOp::create(im.b, im.loc, v.getType(), v, im.scalarLike(v, 3));
    gate = im.clamp(gate, 0, 6);
    return im.mul(im.mul(v, gate), im.scalarLike(v, 1.0f / 6));
  });
}

//===----------------------------------------------------------------------===//
// Convolutions and pooling
//===----------------------------------------------------------------------===//

/// Spatial window parameters in ONNX terms (H then W).
struct Window {
  SmallVector<int64_t, 2> kernel, stride, dilation, padBegin, padEnd, out;
};

FailureOr<Window> window(Importer &im, ArrayRef<int64_t> in,
                         ArrayRef<int64_t> kernel) {
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto get =
      [&](StringRef name, size_t size,
          SmallVector<int64_t, 2> dflt) -> FailureOr<SmallVector<int64_t, 2>> {
    std::optional<SmallVector<int64_t>> v = im.attrInts(name);
    if (!v)
      return dflt;
    if (v->size() != size)
      return im.fail("attribute '" + name + "' must have " + Twine(size) +
                     " values for a 2-D window");
    return SmallVector<int64_t, 2>(v->begin(), v->end());
  };
  auto strides = get("strides", 2, {1, 1});
  auto dilations = get("dilations", 2, {1, 1});
  auto pads = get("pads", 4, {0, 0, 0, 0});
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  w.stride = *strides;
  w.dilation = *dilations;
  std::string autoPad = im.attrString("auto_pad", "NOTSET");
  bool ceilMode = im.attrInt("ceil_mode", 0);
  for (int i = 0; i < 2; ++i) {
    if (w.stride[i] < 1 || w.dilation[i] < 1 || kernel[i] < 1)
      return im.fail("kernel, strides and dilations must be positive");
    int64_t k = (kernel[i] - 1) * w.dilation[i] + 1, s = w.stride[i];
    int64_t begin = 0, end = 0, out;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out = (in[i] + s - 1) / s;
      int64_t total = std::max<int64_t>((out - 1) * s + k - in[i], 0);
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    } else if (autoPad == "VALID" || autoPad == "NOTSET") {
      if (autoPad == "NOTSET") {
        begin = (*pads)[i];
        end = (*pads)[i + 2];
      }
      int64_t span = in[i] + begin + end - k;
      if (span < 0)
        return im.fail("the window is larger than the padded input");
      out = (ceilMode ? (span + s - 1) / s : span / s) + 1;
    } else {
      return im.fail("auto_pad '" + autoPad + "' is not supported");
    }
    if (begin < 0 || end < 0)
      return im.fail("negative pads are not supported");
    w.padBegin.push_back(begin);
    w.padEnd.push_back(end);
    w.out.push_back(out);
  }
  return w;
}

/// TOSA wants (in - 1 + pads - (k - 1)·d) divisible by the stride: the
/// bottom/right pads become exactly what the last window reaches, and
/// input rows no window reads are sliced off. Returns the TOSA pad array.
SmallVector<int64_t> fitWindow(Importer &im, Value &nhwcIn, const Window &w) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(nhwcIn.getType()).getShape();
  SmallVector<int64_t> size(shape);
  SmallVector<int64_t> pads;
  for (int i = 0; i < 2; ++i) {
    int64_t k = (w.kernel[i] - 1) * w.dilation[i] + 1;
    int64_t end =
        (w.out[i] - 1) * w.stride[i] + k - shape[1 + i] - w.padBegin[i];
    if (end < 0) {
      size[1 + i] += end;
      end = 0;
    }
    pads.push_back(w.padBegin[i]);
    pads.push_back(end);
  }
  nhwcIn = im.slice(nhwcIn, {0, 0, 0, 0}, size);
  return pads;
}

Value conv2d(Importer &im, Value in, const HostTensor &weight,
             const HostTensor &bias, ArrayRef<int64_t> pads, const Window &w,
             bool depthwise, ArrayRef<int64_t> outNhwc) {
  OpBuilder &b = im.b;
  Value wt = depthwise ? im.constant(weight.transposed({2, 3, 0, 1}))
                       : im.constant(weight.transposed({0, 2, 3, 1}));
  Value bs = im.constant(bias);
  auto acc = TypeAttr::get(b.getF32Type());
  if (depthwise)
    return tosa::DepthwiseConv2DOp::create(
        b, im.loc, im.f32(outNhwc), in, wt, bs, im.zero(), im.zero(),
        b.getDenseI64ArrayAttr(pads), b.getDenseI64ArrayAttr(w.stride),
        b.getDenseI64ArrayAttr(w.dilation), acc);
  return tosa::Conv2DOp::create(
      b, im.loc, im.f32(outNhwc), in, wt, bs, im.zero(), im.zero(),
      b.getDenseI64ArrayAttr(pads), b.getDenseI64ArrayAttr(w.stride),
      b.getDenseI64ArrayAttr(w.dilation), acc);
}

LogicalResult convertConv(Importer &im) {
  if (failed(im.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                            "pads", "strides"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> weight = im.hostInput(1, "the weight");
  if (failed(weight))
    return failure();
  const HostTensor &wt = **weight;
  if (x.rank() != 4 || wt.rank() != 4)
    return im.fail("only 2-D convolutions (rank-4 input and weight) are "
                   "supported");
  int64_t n = x.shape[0], c = x.shape[1], o = wt.shape[0];
  int64_t group = im.attrInt("group", 1);
  if (group < 1 || c % group || o % group || wt.shape[1] * group != c)
    return im.fail("weight shape does not match the input channels and group");
  if (std::optional<SmallVector<int64_t>> k = im.attrInts("kernel_shape");
      k && ArrayRef<int64_t>(*k) != ArrayRef<int64_t>(wt.shape).drop_front(2))
    return im.fail("kernel_shape differs from the weight");
  HostTensor bias({o}, std::vector<double>(o, 0.0), true);
  if (im.input(2)) {
    FailureOr<const HostTensor *> b = im.hostInput(2, "the bias");
    if (failed(b))
      return failure();
    bias = **b;
  }
  FailureOr<Window> w = window(im, ArrayRef<int64_t>(x.shape).drop_front(2),
                               ArrayRef<int64_t>(wt.shape).drop_front(2));
  if (failed(w))
    return failure();
  SmallVector<int64_t> outShape = {n, o, w->out[0], w->out[1]};
  SmallVector<int64_t> outNhwc = toNhwcShape(outShape);
  Value in = im.nhwc(x);
  SmallVector<int64_t> pads = fitWindow(im, in, *w);
  Value result;
  if (group == 1) {
    result = conv2d(im, in, wt, bias, pads, *w, false, outNhwc);
  } else if (group == c) {
    // Depthwise: OIHW [C·M, 1, kh, kw] → HWCM.
    HostTensor dw = wt.reshaped({c, o / c, wt.shape[2], wt.shape[3]});
    result = conv2d(im, in, dw, bias, pads, *w, true, outNhwc);
  } else {
    // Grouped: one convolution per group on its channel slice.
    ArrayRef<int64_t> inShape = cast<RankedTensorType>(in.getType()).getShape();
    int64_t cg = c / group, og = o / group;
    SmallVector<Value> parts;
    SmallVector<int64_t> partShape = outNhwc;
    partShape[3] = og;
    for (int64_t g = 0; g < group; ++g) {
      Value part = im.slice(in, {0, 0, 0, g * cg},
                            {inShape[0], inShape[1], inShape[2], cg});
      HostTensor wg = wt.slice(
          {g * og, 0, 0, 0}, {og, cg, wt.shape[2], wt.shape[3]}, {1, 1, 1, 1});
      HostTensor bg = bias.slice({g * og}, {og}, {1});
      parts.push_back(conv2d(im, part, wg, bg, pads, *w, false, partShape));
    }
    result = tosa::ConcatOp::create(im.b, im.loc, im.f32(outNhwc), parts, 3);
  }
  return im.setResult(0, im.result(result, outShape, true));
}

LogicalResult convertConvTranspose(Importer &im) {
  if (failed(im.checkAttrs({"auto_pad", "dilations", "group", "kernel_shape",
                            "output_padding", "pads", "strides"})))
    return failure();
  if (im.attrString("auto_pad", "NOTSET") != "NOTSET")
    return im.fail("auto_pad is not supported; give explicit pads");
  if (im.attrInt("group", 1) != 1)
    return im.fail("grouped transposed convolutions are not supported");
  std::optional<SmallVector<int64_t>> dil = im.attrInts("dilations");
  if (dil && llvm::any_of(*dil, [](int64_t d) { return d != 1; }))
    return im.fail("dilations other than 1 are not supported");
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> weight = im.hostInput(1, "the weight");
  if (failed(weight))
    return failure();
  const HostTensor &wt = **weight;
  if (x.rank() != 4 || wt.rank() != 4 || wt.shape[0] != x.shape[1])
    return im.fail("only 2-D transposed convolutions with a [C, O, kh, kw] "
                   "weight are supported");
  if (std::optional<SmallVector<int64_t>> k = im.attrInts("kernel_shape");
      k && ArrayRef<int64_t>(*k) != ArrayRef<int64_t>(wt.shape).drop_front(2))
    return im.fail("kernel_shape differs from the weight");
  int64_t o = wt.shape[1];
  HostTensor bias({o}, std::vector<double>(o, 0.0), true);
  if (im.input(2)) {
    FailureOr<const HostTensor *> b = im.hostInput(2, "the bias");
    if (failed(b))
      return failure();
    bias = **b;
  }
  SmallVector<int64_t> stride =
      im.attrInts("strides").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads =
      im.attrInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  SmallVector<int64_t> outPadding =
      im.attrInts("output_padding").value_or(SmallVector<int64_t>{0, 0});
  if (stride.size() != 2 || pads.size() != 4 || outPadding.size() != 2)
    return im.fail("strides, pads and output_padding must describe 2-D");
  // A stride-1 convolution with the spatially flipped kernel over the input
  // with stride - 1 zeros between elements and kernel - 1 - pad rows of
  // border: the form tosa-to-linalg lowers and qopt-quantize understands.
  int64_t n = x.shape[0], c = x.shape[1];
  Value in = im.nhwc(x);
  if (stride[0] > 1 || stride[1] > 1) {
    int64_t h = x.shape[2], w = x.shape[3];
    Value v = im.reshape(in, {n, h, 1, w, 1, c});
    v = tosa::PadOp::create(im.b, im.loc,
                            im.f32({n, h, stride[0], w, stride[1], c}), v,
                            im.shapeConst({0, 0, 0, 0, 0, stride[0] - 1, 0, 0,
                                           0, stride[1] - 1, 0, 0}),
                            im.zero());
    v = im.reshape(v, {n, h * stride[0], w * stride[1], c});
    in = im.slice(v, {0, 0, 0, 0},
                  {n, (h - 1) * stride[0] + 1, (w - 1) * stride[1] + 1, c});
  }
  SmallVector<int64_t> padding(8, 0), start(4, 0),
      size(cast<RankedTensorType>(in.getType()).getShape());
  SmallVector<int64_t> outShape = {n, o, 0, 0};
  for (int i = 0; i < 2; ++i) {
    int64_t k = wt.shape[2 + i];
    int64_t begin = k - 1 - pads[i], end = k - 1 - pads[i + 2] + outPadding[i];
    padding[2 + 2 * i] = std::max<int64_t>(begin, 0);
    padding[3 + 2 * i] = std::max<int64_t>(end, 0);
    start[1 + i] = std::max<int64_t>(-begin, 0);
    size[1 + i] += begin + end;
    outShape[2 + i] = size[1 + i] - k + 1;
  }
  if (llvm::any_of(padding, [](int64_t p) { return p > 0; })) {
    SmallVector<int64_t> padded(
        cast<RankedTensorType>(in.getType()).getShape());
    for (int i = 0; i < 2; ++i)
      padded[1 + i] += padding[2 + 2 * i] + padding[3 + 2 * i];
    in = tosa::PadOp::create(im.b, im.loc, im.f32(padded), in,
                             im.shapeConst(padding), im.zero());
  }
  in = im.slice(in, start, size);
  int64_t kh = wt.shape[2], kw = wt.shape[3];
  HostTensor flipped =
      wt.transposed({1, 0, 2, 3})
          .slice({0, 0, kh - 1, kw - 1}, {o, c, kh, kw}, {1, 1, -1, -1});
  Window win;
  win.kernel = {kh, kw};
  win.stride = win.dilation = {1, 1};
  Value result = conv2d(im, in, flipped, bias, {0, 0, 0, 0}, win, false,
                        toNhwcShape(outShape));
  return im.setResult(0, im.result(result, outShape, true));
}

LogicalResult convertPool(Importer &im, bool isMax, bool global) {
  if (global) {
    if (failed(im.checkAttrs({})))
      return failure();
  } else if (isMax) {
    if (failed(
            im.checkAttrs({"auto_pad", "ceil_mode", "dilations", "kernel_shape",
                           "pads", "storage_order", "strides"})))
      return failure();
    if (im.resultUsed(1))
      return im.fail("the Indices output is not supported");
  } else if (failed(im.checkAttrs({"auto_pad", "ceil_mode", "count_include_pad",
                                   "kernel_shape", "pads", "strides"}))) {
    return failure();
  }
  Tensor &x = *im.input(0);
  if (x.rank() != 4)
    return im.fail("only 2-D pooling (rank-4 input) is supported");
  SmallVector<int64_t> kernel;
  if (global) {
    kernel = {x.shape[2], x.shape[3]};
  } else {
    std::optional<SmallVector<int64_t>> k = im.attrInts("kernel_shape");
    if (!k || k->size() != 2)
      return im.fail("kernel_shape must have 2 values");
    kernel = *k;
  }
  FailureOr<Window> w =
      window(im, ArrayRef<int64_t>(x.shape).drop_front(2), kernel);
  if (failed(w))
    return failure();
  if (llvm::any_of(w->dilation, [](int64_t d) { return d != 1; }))
    return im.fail("dilated pooling is not supported");
  Value in = im.nhwc(x);
  // TOSA averages over the unpadded elements only; counting the pads means
  // padding explicitly with zeros first.
  if (!isMax && im.attrInt("count_include_pad", 0) &&
      llvm::any_of(llvm::concat<const int64_t>(w->padBegin, w->padEnd),
                   [](int64_t p) { return p != 0; })) {
    SmallVector<int64_t> shape(cast<RankedTensorType>(in.getType()).getShape());
    SmallVector<int64_t> padding = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 2; ++i) {
      padding[2 + 2 * i] = w->padBegin[i];
      padding[3 + 2 * i] = w->padEnd[i];
      shape[1 + i] += w->padBegin[i] + w->padEnd[i];
      w->padBegin[i] = w->padEnd[i] = 0;
    }
    in = tosa::PadOp::create(im.b, im.loc, im.f32(shape), in,
                             im.shapeConst(padding), im.zero());
  }
  SmallVector<int64_t> pads = fitWindow(im, in, *w);
  SmallVector<int64_t> outShape = {x.shape[0], x.shape[1], w->out[0],
                                   w->out[1]};
  RankedTensorType type = im.f32(toNhwcShape(outShape));
  Value result;
  if (isMax)
    result = tosa::MaxPool2dOp::create(im.b, im.loc, type, in, kernel,
                                       w->stride, pads);
  else
    result = tosa::AvgPool2dOp::create(
        im.b, im.loc, type, in, im.zero(), im.zero(),
        im.b.getDenseI64ArrayAttr(kernel), im.b.getDenseI64ArrayAttr(w->stride),
        im.b.getDenseI64ArrayAttr(pads), TypeAttr::get(im.b.getF32Type()));
  return im.setResult(0, im.result(result, outShape, true));
}

LogicalResult convertBatchNorm(Importer &im) {
  if (failed(
          im.checkAttrs({"epsilon", "momentum", "training_mode", "spatial"})))
    return failure();
  if (im.attrInt("training_mode", 0) || im.attrInt("spatial", 1) != 1)
    return im.fail("only inference with per-channel statistics is supported");
  for (int i = 1; i < 5; ++i)
    if (im.resultUsed(i))
      return im.fail("training outputs are not supported");
  Tensor &x = *im.input(0);
  SmallVector<const HostTensor *> params;
  for (auto [i, what] : llvm::enumerate(ArrayRef<StringRef>{
           "the scale", "the bias", "the mean", "the variance"})) {
    FailureOr<const HostTensor *> p = im.hostInput(i + 1, what);
    if (failed(p))
      return failure();
    params.push_back(*p);
  }
  if (x.rank() < 2)
    return im.fail("the input must have a channel dimension");
  int64_t c = x.shape[1];
  for (const HostTensor *p : params)
    if (p->data.size() != static_cast<size_t>(c))
      return im.fail("statistics must have one value per channel");
  // y = x·s + t with s = γ/√(σ²+ε), t = β − μ·s: the per-channel mul/add
  // chain qopt-fold-batchnorm folds into a preceding conv or matmul.
  double eps = im.attrFloat("epsilon", 1e-5f);
  SmallVector<int64_t> shape(x.rank() - 1, 1);
  shape[0] = c;
  std::vector<double> s(c), t(c);
  for (int64_t i = 0; i < c; ++i) {
    s[i] = params[0]->data[i] / std::sqrt(params[3]->data[i] + eps);
    t[i] = params[1]->data[i] - params[2]->data[i] * s[i];
  }
  Tensor scale = Tensor::ofHost(HostTensor(shape, s, true));
  Tensor shift = Tensor::ofHost(HostTensor(shape, t, true));
  FailureOr<Tensor> scaled = binary(im, x, scale, Binary::Mul);
  if (failed(scaled))
    return failure();
  FailureOr<Tensor> y = binary(im, *scaled, shift, Binary::Add);
  if (failed(y))
    return failure();
  return im.setResult(0, std::move(*y));
}

//===----------------------------------------------------------------------===//
// Matrix products
//===----------------------------------------------------------------------===//

/// [B, M, K] × [B, K, N] → [B, M, N].
Value matmul(Importer &im, Value a, Value b) {
  ArrayRef<int64_t> as = cast<RankedTensorType>(a.getType()).getShape();
  ArrayRef<int64_t> bs = cast<RankedTensorType>(b.getType()).getShape();
  return tosa::MatMulOp::create(im.b, im.loc,
                                im.f32({std::max(as[0], bs[0]), as[1], bs[2]}),
                                a, b, im.zero(), im.zero());
}

LogicalResult convertGemm(Importer &im) {
  if (failed(im.checkAttrs({"alpha", "beta", "transA", "transB"})))
    return failure();
  Tensor &a = *im.input(0);
  Tensor &bT = *im.input(1);
  if (a.rank() != 2 || bT.rank() != 2)
    return im.fail("A and B must be matrices");
  float alpha = im.attrFloat("alpha", 1), beta = im.attrFloat("beta", 1);
  bool transA = im.attrInt("transA", 0), transB = im.attrInt("transB", 0);
  Value va = im.plain(a);
  if (transA)
    va = im.transpose(va, {1, 0});
  int64_t m = transA ? a.shape[1] : a.shape[0];
  int64_t k = transA ? a.shape[0] : a.shape[1];
  int64_t n = transB ? bT.shape[0] : bT.shape[1];
  if ((transB ? bT.shape[1] : bT.shape[0]) != k)
    return im.fail("inner dimensions of A and B differ");
  va = im.reshape(va, {1, m, k});
  Value vb;
  if (bT.host) {
    // The weight, scaled by alpha, in the 1xKxN layout of a TOSA matmul.
    HostTensor w = transB ? bT.host->transposed({1, 0}) : *bT.host;
    w = mapHost(w, [&](double v) { return v * alpha; });
    vb = im.constant(w.reshaped({1, k, n}));
  } else {
    vb = im.plain(bT);
    if (transB)
      vb = im.transpose(vb, {1, 0});
    vb = im.reshape(vb, {1, k, n});
  }
  Value y = im.reshape(matmul(im, va, vb), {m, n});
  if (!bT.host && alpha != 1)
    y = im.mul(y, im.scalarLike(y, alpha));
  Tensor out = im.result(y, {m, n}, false);
  if (Tensor *c = im.input(2); c && beta != 0) {
    Tensor bias = *c;
    if (c->host)
      bias =
          Tensor::ofHost(mapHost(*c->host, [&](double v) { return v * beta; }));
    else if (beta != 1)
      bias = im.result(im.mul(im.plain(*c), im.scalarLike(im.plain(*c), beta)),
                       c->shape, false);
    FailureOr<Tensor> sum = binary(im, out, bias, Binary::Add);
    if (failed(sum))
      return failure();
    out = std::move(*sum);
  }
  return im.setResult(0, std::move(out));
}

LogicalResult convertMatMul(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  Tensor &a = *im.input(0);
  Tensor &bT = *im.input(1);
  if (a.rank() < 2 || bT.rank() < 2)
    return im.fail("1-D operands are not supported");
  int64_t m = a.shape[a.rank() - 2], k = a.shape.back(), n = bT.shape.back();
  if (bT.shape[bT.rank() - 2] != k)
    return im.fail("inner dimensions differ");
  SmallVector<int64_t> outShape(a.shape.begin(), a.shape.end() - 1);
  outShape.push_back(n);
  Value va, vb;
  if (bT.rank() == 2) {
    // Every row of every batch against one matrix: one [1, rows, K] matmul.
    int64_t rows = numElements(a.shape) / k;
    va = im.reshape(im.plain(a), {1, rows, k});
    vb = bT.host ? im.constant(bT.host->reshaped({1, k, n}))
                 : im.reshape(im.plain(bT), {1, k, n});
  } else if (a.rank() == bT.rank() &&
             ArrayRef<int64_t>(a.shape).drop_back(2) ==
                 ArrayRef<int64_t>(bT.shape).drop_back(2)) {
    int64_t batch = numElements(ArrayRef<int64_t>(a.shape).drop_back(2));
    va = im.reshape(im.plain(a), {batch, m, k});
    vb = im.reshape(im.plain(bT), {batch, k, n});
  } else {
    return im.fail("broadcasting of batch dimensions is not supported");
  }
  Value y = im.reshape(matmul(im, va, vb), outShape);
  return im.setResult(0, im.result(y, outShape, false));
}

//===----------------------------------------------------------------------===//
// Reductions and softmax
//===----------------------------------------------------------------------===//

enum class Reduce { Sum, Mean, Max, Min };

/// Reduces `v` along physical `axes`, keeping them as unit dimensions.
Value reduce(Importer &im, Value v, ArrayRef<int64_t> axes, Reduce kind) {
  int64_t count = 1;
  for (int64_t axis : axes) {
    SmallVector<int64_t> shape(cast<RankedTensorType>(v.getType()).getShape());
    count *= shape[axis];
    shape[axis] = 1;
    RankedTensorType type = im.f32(shape);
    auto a = im.b.getI32IntegerAttr(axis);
    if (kind == Reduce::Max)
      v = tosa::ReduceMaxOp::create(im.b, im.loc, type, v, a);
    else if (kind == Reduce::Min)
      v = tosa::ReduceMinOp::create(im.b, im.loc, type, v, a);
    else
      v = tosa::ReduceSumOp::create(im.b, im.loc, type, v, a);
  }
  if (kind == Reduce::Mean)
    v = im.mul(v, im.scalarLike(v, 1.0f / count));
  return v;
}

LogicalResult convertReduce(Importer &im, Reduce kind) {
  if (failed(im.checkAttrs({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  Tensor &x = *im.input(0);
  std::optional<SmallVector<int64_t>> axes = im.attrInts("axes");
  if (im.input(1)) {
    FailureOr<const HostTensor *> h = im.hostInput(1, "axes");
    if (failed(h))
      return failure();
    axes = (*h)->ints();
  }
  if (!axes || axes->empty()) {
    if (im.attrInt("noop_with_empty_axes", 0))
      return im.setResult(0, x);
    axes = llvm::to_vector(llvm::seq<int64_t>(0, x.rank()));
  }
  bool keep = im.attrInt("keepdims", 1);
  bool nhwc = im.isNhwc(x);
  SmallVector<int64_t> physAxes, keptShape(x.shape), outShape;
  for (int64_t &axis : *axes) {
    FailureOr<int64_t> a = im.normAxis(axis, x.rank());
    if (failed(a))
      return failure();
    axis = *a;
    physAxes.push_back(physAxis(axis, nhwc));
    keptShape[axis] = 1;
  }
  for (int64_t i = 0; i < x.rank(); ++i)
    if (keep || !llvm::is_contained(*axes, i))
      outShape.push_back(keptShape[i]);
  Tensor kept =
      im.result(reduce(im, im.current(x), physAxes, kind), keptShape, nhwc);
  if (keep)
    return im.setResult(0, std::move(kept));
  return im.setResult(
      0, im.result(im.reshape(im.plain(kept), outShape), outShape, false));
}

LogicalResult convertSoftmax(Importer &im, bool log) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<int64_t> axis =
      im.normAxis(im.attrInt("axis", im.opset < 13 ? 1 : -1), x.rank());
  if (failed(axis))
    return failure();
  Value v;
  int64_t physicalAxis;
  bool nhwc = false;
  if (im.opset < 13 && *axis != x.rank() - 1) {
    // Before opset 13 the input is coerced to 2-D at `axis`.
    ArrayRef<int64_t> s = x.shape;
    v = im.reshape(im.plain(x), {numElements(s.take_front(*axis)),
                                 numElements(s.drop_front(*axis))});
    physicalAxis = 1;
  } else {
    nhwc = im.isNhwc(x);
    v = im.current(x);
    physicalAxis = physAxis(*axis, nhwc);
  }
  Value m = reduce(im, v, {physicalAxis}, Reduce::Max);
  Value shifted = tosa::SubOp::create(im.b, im.loc, v.getType(), v, m);
  Value e = tosa::ExpOp::create(im.b, im.loc, v.getType(), shifted);
  Value sum = reduce(im, e, {physicalAxis}, Reduce::Sum);
  Value y;
  if (log) {
    Value logSum = tosa::LogOp::create(im.b, im.loc, sum.getType(), sum);
    y = tosa::SubOp::create(im.b, im.loc, v.getType(), shifted, logSum);
  } else {
    Value inv = tosa::ReciprocalOp::create(im.b, im.loc, sum.getType(), sum);
    y = im.mul(e, inv);
  }
  if (!nhwc)
    y = im.reshape(y, x.shape);
  return im.setResult(0, im.result(y, x.shape, nhwc));
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

/// `x` reshaped to `shape` (a constant stays a constant).
Tensor reshapeTo(Importer &im, Tensor &x, ArrayRef<int64_t> shape) {
  if (x.host)
    return Tensor::ofHost(x.host->reshaped(shape));
  return im.result(im.reshape(im.plain(x), shape), shape, false);
}

LogicalResult convertReshape(Importer &im) {
  if (failed(im.checkAttrs({"allowzero"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> target = im.hostInput(1, "the target shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape = (*target)->ints();
  bool allowZero = im.attrInt("allowzero", 0);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (d == 0 && !allowZero) {
      if (i >= x.shape.size())
        return im.fail("0 in the shape refers to a missing input dimension");
      d = x.shape[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return im.fail("more than one -1 in the shape");
      inferred = i;
    } else if (d < 0) {
      return im.fail("invalid dimension " + Twine(d));
    } else {
      known *= d;
    }
  }
  int64_t total = numElements(x.shape);
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return im.fail("cannot infer the -1 dimension");
    shape[inferred] = total / known;
  } else if (known != total) {
    return im.fail("the shape does not preserve the number of elements");
  }
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertFlatten(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  Tensor &x = *im.input(0);
  int64_t axis = im.attrInt("axis", 1);
  if (axis < 0)
    axis += x.rank();
  if (axis < 0 || axis > x.rank())
    return im.fail("axis is out of range");
  ArrayRef<int64_t> s = x.shape;
  SmallVector<int64_t> shape = {numElements(s.take_front(axis)),
                                numElements(s.drop_front(axis))};
  return im.setResult(0, reshapeTo(im, x, shape));
}

FailureOr<SmallVector<int64_t>> axesOperand(Importer &im, int input) {
  if (im.opset < 13 || !im.input(input))
    return im.attrInts("axes").value_or(SmallVector<int64_t>{});
  FailureOr<const HostTensor *> h = im.hostInput(input, "axes");
  if (failed(h))
    return failure();
  return (*h)->ints();
}

LogicalResult convertSqueeze(Importer &im) {
  if (failed(im.checkAttrs({"axes"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(x.rank(), axes->empty());
  if (axes->empty())
    for (int64_t i = 0; i < x.rank(); ++i)
      drop[i] = x.shape[i] == 1;
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = im.normAxis(a, x.rank());
    if (failed(axis))
      return failure();
    if (x.shape[*axis] != 1)
      return im.fail("cannot squeeze dimension " + Twine(*axis) + " of size " +
                     Twine(x.shape[*axis]));
    drop[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < x.rank(); ++i)
    if (!drop[i])
      shape.push_back(x.shape[i]);
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertUnsqueeze(Importer &im) {
  if (failed(im.checkAttrs({"axes"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<SmallVector<int64_t>> axes = axesOperand(im, 1);
  if (failed(axes))
    return failure();
  int64_t rank = x.rank() + axes->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : *axes) {
    FailureOr<int64_t> axis = im.normAxis(a, rank);
    if (failed(axis))
      return failure();
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  auto it = x.shape.begin();
  for (int64_t i = 0; i < rank; ++i)
    shape.push_back(inserted[i] ? 1 : *it++);
  return im.setResult(0, reshapeTo(im, x, shape));
}

LogicalResult convertTranspose(Importer &im) {
  if (failed(im.checkAttrs({"perm"})))
    return failure();
  Tensor &x = *im.input(0);
  SmallVector<int64_t> perm = im.attrInts("perm").value_or(
      llvm::to_vector(llvm::reverse(llvm::seq<int64_t>(0, x.rank()))));
  if (static_cast<int64_t>(perm.size()) != x.rank())
    return im.fail("perm does not match the input rank");
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= x.rank())
      return im.fail("perm is not a permutation");
    shape.push_back(x.shape[p]);
  }
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->transposed(perm)));
  // One transpose from the carried layout straight to the result.
  SmallVector<int64_t> physical(perm);
  if (im.isNhwc(x))
    for (int64_t &p : physical)
      p = nhwcAxis(p);
  return im.setResult(
      0, im.result(im.permute(im.current(x), physical), shape, false));
}

LogicalResult convertConcat(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  SmallVector<Tensor *> parts;
  for (int i = 0; i < im.numInputs(); ++i)
    if (Tensor *t = im.input(i); t && numElements(t->shape) != 0)
      parts.push_back(t);
  if (parts.empty())
    return im.fail("all inputs are empty");
  int64_t rank = parts.front()->rank();
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(parts.front()->shape);
  shape[*axis] = 0;
  bool allHost = true, nhwc = false;
  for (Tensor *t : parts) {
    if (t->rank() != rank)
      return im.fail("inputs have different ranks");
    shape[*axis] += t->shape[*axis];
    allHost &= t->host.has_value();
    nhwc |= rank == 4 && im.isNhwc(*t);
  }
  if (allHost) {
    SmallVector<const HostTensor *> hosts;
    for (Tensor *t : parts)
      hosts.push_back(&*t->host);
    return im.setResult(0, Tensor::ofHost(hostConcat(hosts, *axis)));
  }
  SmallVector<Value> values;
  for (Tensor *t : parts)
    values.push_back(im.operand(*t, rank, nhwc));
  Value y =
      values.size() == 1
          ? values.front()
          : tosa::ConcatOp::create(im.b, im.loc, im.f32(physShape(shape, nhwc)),
                                   values, physAxis(*axis, nhwc));
  return im.setResult(0, im.result(y, shape, nhwc));
}

LogicalResult convertSlice(Importer &im) {
  if (failed(im.checkAttrs({"starts", "ends", "axes"})))
    return failure();
  Tensor &x = *im.input(0);
  SmallVector<int64_t> starts, ends, axes, steps;
  if (im.opset < 10) {
    starts = im.attrInts("starts").value_or(SmallVector<int64_t>{});
    ends = im.attrInts("ends").value_or(SmallVector<int64_t>{});
    axes = im.attrInts("axes").value_or(SmallVector<int64_t>{});
  } else {
    const char *names[] = {"starts", "ends", "axes", "steps"};
    SmallVector<int64_t> *lists[] = {&starts, &ends, &axes, &steps};
    for (int i = 1; i < 5; ++i) {
      if (!im.input(i))
        continue;
      FailureOr<const HostTensor *> h = im.hostInput(i, names[i - 1]);
      if (failed(h))
        return failure();
      *lists[i - 1] = (*h)->ints();
    }
  }
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(0, starts.size()));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return im.fail("starts, ends, axes and steps differ in length");
  SmallVector<int64_t> begin(x.rank(), 0), size(x.shape), step(x.rank(), 1);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = im.normAxis(axes[i], x.rank());
    if (failed(axis))
      return failure();
    int64_t dim = x.shape[*axis], s = steps[i];
    if (s == 0)
      return im.fail("a step is 0");
    int64_t lo = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t hi = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (s > 0) {
      lo = std::clamp<int64_t>(lo, 0, dim);
      hi = std::clamp<int64_t>(hi, 0, dim);
    } else {
      lo = std::clamp<int64_t>(lo, 0, dim - 1);
      hi = std::clamp<int64_t>(hi, -1, dim - 1);
    }
    begin[*axis] = lo;
    step[*axis] = s;
    size[*axis] = std::max<int64_t>(0, s > 0 ? (hi - lo + s - 1) / s
                                             : (lo - hi - s - 1) / -s);
  }
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->slice(begin, size, step)));
  if (llvm::any_of(step, [](int64_t s) { return s != 1; }))
    return im.fail("steps other than 1 are not supported on activations");
  if (numElements(size) == 0)
    return im.fail("empty slices are not supported");
  bool nhwc = im.isNhwc(x);
  Value y =
      im.slice(im.current(x), physShape(begin, nhwc), physShape(size, nhwc));
  return im.setResult(0, im.result(y, size, nhwc));
}

LogicalResult convertSplit(Importer &im) {
  if (failed(im.checkAttrs({"axis", "split"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  int outputs = im.node->output_size();
  SmallVector<int64_t> sizes =
      im.attrInts("split").value_or(SmallVector<int64_t>{});
  if (im.opset >= 13 && im.input(1)) {
    FailureOr<const HostTensor *> h = im.hostInput(1, "split");
    if (failed(h))
      return failure();
    sizes = (*h)->ints();
  }
  if (sizes.empty()) {
    if (x.shape[*axis] % outputs)
      return im.fail("the axis does not split evenly");
    sizes.assign(outputs, x.shape[*axis] / outputs);
  }
  if (static_cast<int>(sizes.size()) != outputs)
    return im.fail("split sizes do not match the outputs");
  bool nhwc = im.isNhwc(x);
  int64_t offset = 0;
  for (int i = 0; i < outputs; ++i) {
    SmallVector<int64_t> begin(x.rank(), 0), size(x.shape);
    begin[*axis] = offset;
    size[*axis] = sizes[i];
    offset += sizes[i];
    Tensor part;
    if (x.host)
      part = Tensor::ofHost(
          x.host->slice(begin, size, SmallVector<int64_t>(x.rank(), 1)));
    else
      part = im.result(im.slice(im.current(x), physShape(begin, nhwc),
                                physShape(size, nhwc)),
                       size, nhwc);
    if (failed(im.setResult(i, std::move(part))))
      return failure();
  }
  return success();
}

LogicalResult convertPad(Importer &im) {
  if (failed(im.checkAttrs({"mode", "pads", "value"})))
    return failure();
  std::string mode = im.attrString("mode", "constant");
  if (mode != "constant")
    return im.fail("mode '" + mode + "' is not supported (only 'constant')");
  Tensor &x = *im.input(0);
  SmallVector<int64_t> pads;
  float value = 0;
  if (im.opset < 11) {
    pads = im.attrInts("pads").value_or(SmallVector<int64_t>{});
    value = im.attrFloat("value", 0);
  } else {
    FailureOr<const HostTensor *> p = im.hostInput(1, "pads");
    if (failed(p))
      return failure();
    pads = (*p)->ints();
    if (im.input(2)) {
      FailureOr<const HostTensor *> v = im.hostInput(2, "the constant value");
      if (failed(v))
        return failure();
      if ((*v)->data.size() != 1)
        return im.fail("the constant value must be a scalar");
      value = (*v)->data[0];
    }
  }
  int64_t rank = x.rank();
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return im.fail("pads must have 2 values per dimension");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return im.fail("negative pads are not supported");
  bool nhwc = im.isNhwc(x);
  SmallVector<int64_t> shape(x.shape), padding;
  for (int64_t i = 0; i < rank; ++i)
    shape[i] += pads[i] + pads[i + rank];
  for (int64_t p = 0; p < rank; ++p) {
    int64_t l = nhwc ? kToNhwc[p] : p;
    padding.push_back(pads[l]);
    padding.push_back(pads[l + rank]);
  }
  Value y = tosa::PadOp::create(im.b, im.loc, im.f32(physShape(shape, nhwc)),
                                im.current(x), im.shapeConst(padding),
                                createF32Const(im.b, im.loc, {1}, {value}));
  return im.setResult(0, im.result(y, shape, nhwc));
}

LogicalResult convertIdentity(Importer &im) {
  if (failed(im.checkAttrs({"ratio", "seed", "is_test"})))
    return failure();
  if (im.resultUsed(1))
    return im.fail("the mask output is not supported");
  // Dropout is the identity in inference only.
  if (im.node->op_type() == "Dropout" && im.input(2)) {
    FailureOr<const HostTensor *> training = im.hostInput(2, "training_mode");
    if (failed(training))
      return failure();
    if ((*training)->data.at(0) != 0)
      return im.fail("training mode is not supported");
  }
  return im.setResult(0, *im.input(0));
}

LogicalResult convertConstant(Importer &im) {
  const onnx::AttributeProto *a =
      im.node->attribute_size() == 1 ? &im.node->attribute(0) : nullptr;
  if (!a)
    return im.fail("expects exactly one attribute");
  HostTensor h;
  if (a->name() == "value") {
    Expected<HostTensor> t = HostTensor::fromProto(a->t());
    if (!t)
      return im.fail(toString(t.takeError()));
    h = std::move(*t);
  } else if (a->name() == "value_float") {
    h = HostTensor({}, {a->f()}, true);
  } else if (a->name() == "value_floats") {
    h = HostTensor({a->floats_size()},
                   std::vector<double>(a->floats().begin(), a->floats().end()),
                   true);
  } else if (a->name() == "value_int") {
    h = HostTensor({}, {static_cast<double>(a->i())}, false);
  } else if (a->name() == "value_ints") {
    h = HostTensor({a->ints_size()},
                   std::vector<double>(a->ints().begin(), a->ints().end()),
                   false);
  } else {
    return im.fail("attribute '" + a->name() + "' is not supported");
  }
  return im.setResult(0, Tensor::ofHost(std::move(h)));
}

LogicalResult convertShape(Importer &im) {
  if (failed(im.checkAttrs({"start", "end"})))
    return failure();
  ArrayRef<int64_t> shape = im.input(0)->shape;
  int64_t rank = shape.size();
  int64_t start = im.attrInt("start", 0), end = im.attrInt("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, start, rank);
  std::vector<double> dims(shape.begin() + start, shape.begin() + end);
  return im.setResult(
      0, Tensor::ofHost(HostTensor({end - start}, std::move(dims), false)));
}

LogicalResult convertSize(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  double n = numElements(im.input(0)->shape);
  return im.setResult(0, Tensor::ofHost(HostTensor({}, {n}, false)));
}

LogicalResult convertGather(Importer &im) {
  if (failed(im.checkAttrs({"axis"})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> indices = im.hostInput(1, "the indices");
  if (failed(indices))
    return failure();
  FailureOr<int64_t> axis = im.normAxis(im.attrInt("axis", 0), x.rank());
  if (failed(axis))
    return failure();
  if (x.host) {
    Expected<HostTensor> g = hostGather(*x.host, **indices, *axis);
    if (!g)
      return im.fail(toString(g.takeError()));
    return im.setResult(0, Tensor::ofHost(std::move(*g)));
  }
  // Constant indices on an activation: one slice per index, concatenated.
  int64_t dim = x.shape[*axis];
  SmallVector<Value> parts;
  SmallVector<int64_t> size(x.shape);
  size[*axis] = 1;
  Value v = im.plain(x);
  for (int64_t i : (*indices)->ints()) {
    if (i < -dim || i >= dim)
      return im.fail("index " + Twine(i) + " is out of range");
    SmallVector<int64_t> begin(x.rank(), 0);
    begin[*axis] = i < 0 ? i + dim : i;
    parts.push_back(im.slice(v, begin, size));
  }
  SmallVector<int64_t> catShape(x.shape);
  catShape[*axis] = parts.size();
  Value y = parts.size() == 1
                ? parts.front()
                : tosa::ConcatOp::create(im.b, im.loc, im.f32(catShape), parts,
                                         *axis);
  ArrayRef<int64_t> s = x.shape;
  SmallVector<int64_t> outShape(s.take_front(*axis));
  outShape.append((*indices)->shape.begin(), (*indices)->shape.end());
  outShape.append(s.begin() + *axis + 1, s.end());
  return im.setResult(0, im.result(im.reshape(y, outShape), outShape, false));
}

LogicalResult convertCast(Importer &im) {
  if (failed(im.checkAttrs({"to", "saturate"})))
    return failure();
  Tensor &x = *im.input(0);
  using TP = onnx::TensorProto;
  int64_t to = im.attrInt("to", TP::FLOAT);
  bool toFloat = to == TP::FLOAT || to == TP::DOUBLE || to == TP::FLOAT16;
  if (x.host) {
    HostTensor h = mapHost(*x.host, [&](double v) {
      if (to == TP::BOOL)
        return v != 0 ? 1.0 : 0.0;
      return toFloat ? (to == TP::FLOAT ? (double)(float)v : v) : std::trunc(v);
    });
    h.isFloat = toFloat;
    return im.setResult(0, Tensor::ofHost(std::move(h)));
  }
  if (to != TP::FLOAT)
    return im.fail("casting an activation to " +
                   TP::DataType_Name(static_cast<TP::DataType>(to)) +
                   " is not supported");
  return im.setResult(0, x);
}

LogicalResult convertConstantOfShape(Importer &im) {
  if (failed(im.checkAttrs({"value"})))
    return failure();
  FailureOr<const HostTensor *> shape = im.hostInput(0, "the shape");
  if (failed(shape))
    return failure();
  HostTensor fill({1}, {0.0}, true);
  if (const onnx::AttributeProto *a = im.attr("value")) {
    Expected<HostTensor> t = HostTensor::fromProto(a->t());
    if (!t)
      return im.fail(toString(t.takeError()));
    fill = std::move(*t);
  }
  SmallVector<int64_t> dims = (*shape)->ints();
  return im.setResult(
      0, Tensor::ofHost(HostTensor(
             dims, std::vector<double>(numElements(dims), fill.data.at(0)),
             fill.isFloat)));
}

LogicalResult convertRange(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  double v[3];
  for (int i = 0; i < 3; ++i) {
    FailureOr<const HostTensor *> h = im.hostInput(i, i == 0   ? "start"
                                                      : i == 1 ? "limit"
                                                               : "delta");
    if (failed(h))
      return failure();
    v[i] = (*h)->data.at(0);
  }
  if (v[2] == 0)
    return im.fail("delta is 0");
  int64_t n = std::max<int64_t>(std::ceil((v[1] - v[0]) / v[2]), 0);
  std::vector<double> data;
  for (int64_t i = 0; i < n; ++i)
    data.push_back(v[0] + i * v[2]);
  return im.setResult(0,
                      Tensor::ofHost(HostTensor({n}, std::move(data),
                                                im.input(0)->host->isFloat)));
}

LogicalResult convertExpand(Importer &im) {
  if (failed(im.checkAttrs({})))
    return failure();
  Tensor &x = *im.input(0);
  FailureOr<const HostTensor *> target = im.hostInput(1, "the shape");
  if (failed(target))
    return failure();
  SmallVector<int64_t> shape;
  if (!broadcastShapes(x.shape, (*target)->ints(), shape))
    return im.fail("the shape does not broadcast with the input");
  if (x.host)
    return im.setResult(0, Tensor::ofHost(x.host->broadcastTo(shape)));
  int64_t rank = shape.size();
  bool nhwc = rank == 4 && im.isNhwc(x);
  Value v = im.operand(x, rank, nhwc);
  SmallVector<int64_t> multiples;
  ArrayRef<int64_t> in = cast<RankedTensorType>(v.getType()).getShape();
  SmallVector<int64_t> out = physShape(shape, nhwc);
  for (int64_t i = 0; i < rank; ++i)
    multiples.push_back(out[i] / in[i]);
  Value y = tosa::TileOp::create(im.b, im.loc, im.f32(out), v,
                                 im.shapeConst(multiples));
  return im.setResult(0, im.result(y, shape, nhwc));
}

//===----------------------------------------------------------------------===//
// Resize
//===----------------------------------------------------------------------===//

/// n/d ≈ `x` with a small denominator (continued fractions).
std::optional<std::pair<int64_t, int64_t>> rational(double x) {
  int64_t n0 = 0, d0 = 1, n1 = 1, d1 = 0;
  double r = x;
  for (int i = 0; i < 20; ++i) {
    int64_t a = static_cast<int64_t>(std::floor(r));
    int64_t n2 = a * n1 + n0, d2 = a * d1 + d0;
    if (d2 > 1024)
      break;
    n0 = n1, d0 = d1, n1 = n2, d1 = d2;
    if (std::abs(static_cast<double>(n1) / d1 - x) <= 1e-6 * x)
      return std::make_pair(n1, d1);
    if (r == a)
      break;
    r = 1 / (r - a);
  }
  return std::nullopt;
}

/// Resize (opset 10+) and Upsample (opset 7-9, asymmetric with floor
/// rounding) on the spatial dimensions of an NCHW tensor.
LogicalResult convertResize(Importer &im, bool upsample) {
  if (failed(im.checkAttrs({"mode", "coordinate_transformation_mode",
                            "nearest_mode", "cubic_coeff_a", "exclude_outside",
                            "extrapolation_value", "scales"})))
    return failure();
  Tensor &x = *im.input(0);
  if (x.rank() != 4)
    return im.fail("only rank-4 (NCHW) inputs are supported");
  std::string mode = im.attrString("mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear")
    return im.fail("mode '" + mode + "' is not supported");
  bool nearest = mode == "nearest";
  bool legacy = upsample || im.opset < 11;
  std::string coord =
      legacy ? "asymmetric"
             : im.attrString("coordinate_transformation_mode", "half_pixel");
  std::string rounding =
      legacy ? "floor" : im.attrString("nearest_mode", "round_prefer_floor");
  if (im.attrInt("exclude_outside", 0))
    return im.fail("exclude_outside is not supported");

  // Scales or sizes of all four dimensions.
  SmallVector<double> scales;
  SmallVector<int64_t> sizes;
  if (upsample && im.opset < 9) {
    const onnx::AttributeProto *a = im.attr("scales");
    if (!a)
      return im.fail("the scales attribute is missing");
    scales.assign(a->floats().begin(), a->floats().end());
  } else {
    int scalesInput = legacy ? 1 : 2;
    Tensor *s = im.input(scalesInput);
    if (s && numElements(s->shape) > 0) {
      FailureOr<const HostTensor *> h = im.hostInput(scalesInput, "scales");
      if (failed(h))
        return failure();
      scales.assign((*h)->data.begin(), (*h)->data.end());
    } else if (!legacy && im.input(3)) {
      FailureOr<const HostTensor *> h = im.hostInput(3, "sizes");
      if (failed(h))
        return failure();
      sizes = (*h)->ints();
    }
  }
  if (scales.empty() && sizes.empty())
    return im.fail("neither scales nor sizes are given");
  if ((!scales.empty() && scales.size() != 4) ||
      (!sizes.empty() && sizes.size() != 4))
    return im.fail("scales and sizes must have 4 values");
  SmallVector<int64_t> outShape(x.shape);
  for (int i = 0; i < 4; ++i)
    outShape[i] = sizes.empty()
                      ? static_cast<int64_t>(std::floor(x.shape[i] * scales[i]))
                      : sizes[i];
  if (outShape[0] != x.shape[0] || outShape[1] != x.shape[1])
    return im.fail("only the spatial (H, W) dimensions can be resized");

  // TOSA maps output y to input (y·d + offset)/n. Doubling n and d keeps
  // the half-pixel offsets integral.
  SmallVector<int64_t> scale, offset, border;
  for (int i = 2; i < 4; ++i) {
    int64_t in = x.shape[i], out = outShape[i], n, d;
    // ONNX scales coordinates by the given scale, or by the resized length
    // before flooring. Coordinates that are always 0: a single input
    // element, or a single output element with corner alignment.
    bool toZero = in == 1 || (out == 1 && (coord == "align_corners" ||
                                           coord == "pytorch_half_pixel"));
    double length = sizes.empty() ? in * scales[i] : out;
    double ratio =
        coord == "align_corners" ? (length - 1) / (in - 1) : length / in;
    if (toZero) {
      n = d = 1;
    } else if (std::abs(ratio * in - out) < 1e-9 * out) {
      n = out;
      d = in;
    } else if (std::abs(ratio * (in - 1) - (out - 1)) < 1e-9 * out) {
      n = out - 1;
      d = in - 1;
    } else if (auto r = rational(ratio)) {
      std::tie(n, d) = *r;
    } else {
      return im.fail("scale " + std::to_string(ratio) +
                     " is not a ratio of small integers");
    }
    n *= 2;
    d *= 2;
    int64_t off;
    if (toZero || coord == "asymmetric" || coord == "align_corners")
      off = 0;
    else if (coord == "half_pixel" || coord == "pytorch_half_pixel")
      off = (d - n) / 2;
    else if (coord == "tf_half_pixel_for_nn" && nearest)
      off = d / 2;
    else
      return im.fail("coordinate_transformation_mode '" + coord +
                     "' is not supported");
    if (nearest) {
      // TOSA rounds the source coordinate half up.
      if (rounding == "round_prefer_floor")
        off -= 1;
      else if (rounding == "floor")
        off -= n / 2;
      else if (rounding == "ceil")
        off += n / 2 - 1;
      else if (rounding != "round_prefer_ceil")
        return im.fail("nearest_mode '" + rounding + "' is not supported");
    }
    scale.append({n, d});
    offset.push_back(off);
    border.push_back((out - 1) * d - (in - 1) * n + off);
  }
  Value y = tosa::ResizeOp::create(im.b, im.loc, im.f32(toNhwcShape(outShape)),
                                   im.nhwc(x), im.shapeConst(scale),
                                   im.shapeConst(offset), im.shapeConst(border),
                                   nearest ? tosa::ResizeMode::NEAREST_NEIGHBOR
                                           : tosa::ResizeMode::BILINEAR);
  return im.setResult(0, im.result(y, outShape, true));
}

} // namespace

using Fn = std::function<LogicalResult(Importer &)>;

/// An elementwise op with no attributes, folded by `fold` on constants.
template <typename OpTy> static Fn unary(double (*fold)(double)) {
  return [fold](Importer &im) { return convertSimpleUnary<OpTy>(im, fold); };
}

const std::map<std::string, Fn, std::less<>> &opTable() {
  auto bin = [](Binary k, bool variadic = false) -> Fn {
    return [=](Importer &im) { return convertBinary(im, k, variadic); };
  };
  auto red = [](Reduce k) -> Fn {
    return [k](Importer &im) { return convertReduce(im, k); };
  };
  static const std::map<std::string, Fn, std::less<>> table = {
      {"Abs", unary<tosa::AbsOp>([](double v) { return std::abs(v); })},
      {"Add", bin(Binary::Add)},
      {"AveragePool",
       [](Importer &im) { return convertPool(im, false, false); }},
      {"BatchNormalization", convertBatchNorm},
      {"Cast", convertCast},
      {"Ceil", unary<tosa::CeilOp>([](double v) { return std::ceil(v); })},
      {"Clip", convertClip},
      {"Concat", convertConcat},
      {"Constant", convertConstant},
      {"ConstantOfShape", convertConstantOfShape},
      {"Conv", convertConv},
      {"ConvTranspose", convertConvTranspose},
      {"Div", bin(Binary::Div)},
      {"Dropout", convertIdentity},
      {"Exp", unary<tosa::ExpOp>([](double v) { return std::exp(v); })},
      {"Expand", convertExpand},
      {"Flatten", convertFlatten},
      {"Floor", unary<tosa::FloorOp>([](double v) { return std::floor(v); })},
      {"Gather", convertGather},
      {"Gemm", convertGemm},
      {"GlobalAveragePool",
       [](Importer &im) { return convertPool(im, false, true); }},
      {"GlobalMaxPool",
       [](Importer &im) { return convertPool(im, true, true); }},
      {"HardSigmoid", convertHardSigmoid},
      {"HardSwish", convertHardSwish},
      {"Identity", convertIdentity},
      {"LeakyRelu", convertLeakyRelu},
      {"Log", unary<tosa::LogOp>([](double v) { return std::log(v); })},
      {"LogSoftmax", [](Importer &im) { return convertSoftmax(im, true); }},
      {"MatMul", convertMatMul},
      {"Max", bin(Binary::Max, true)},
      {"MaxPool", [](Importer &im) { return convertPool(im, true, false); }},
      {"Min", bin(Binary::Min, true)},
      {"Mul", bin(Binary::Mul)},
      {"Neg", convertNeg},
      {"Pad", convertPad},
      {"Pow", bin(Binary::Pow)},
      {"Range", convertRange},
      {"Reciprocal", unary<tosa::ReciprocalOp>([](double v) { return 1 / v; })},
      {"ReduceMax", red(Reduce::Max)},
      {"ReduceMean", red(Reduce::Mean)},
      {"ReduceMin", red(Reduce::Min)},
      {"ReduceSum", red(Reduce::Sum)},
      {"Relu", convertRelu},
      {"Reshape", convertReshape},
      {"Resize", [](Importer &im) { return convertResize(im, false); }},
      {"Shape", convertShape},
      {"Sigmoid",
       unary<tosa::SigmoidOp>([](double v) { return 1 / (1 + std::exp(-v)); })},
      {"Size", convertSize},
      {"Slice", convertSlice},
      {"Softmax", [](Importer &im) { return convertSoftmax(im, false); }},
      {"Split", convertSplit},
      {"Sqrt", convertSqrt},
      {"Squeeze", convertSqueeze},
      {"Sub", bin(Binary::Sub)},
      {"Sum", bin(Binary::Add, true)},
      {"Tanh", unary<tosa::TanhOp>([](double v) { return std::tanh(v); })},
      {"Transpose", convertTranspose},
      {"Unsqueeze", convertUnsqueeze},
      {"Upsample", [](Importer &im) { return convertResize(im, true); }},
  };
  return table;
}

LogicalResult translateOp(Importer &im, StringRef opType) {
  auto it = opTable().find(opType);
  if (it == opTable().end())
    return im.fail("operator is not supported");
  return it->second(im);
}

} // namespace qopt::onnx_import

std::vector<std::string> qopt::onnxSupportedOps() {
  std::vector<std::string> names;
  for (const auto &entry : onnx_import::opTable())
    names.push_back(entry.first);
  return names;
}
