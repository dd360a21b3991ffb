//===- OnnxConvolution.cpp - ONNX convolutions and pooling
//------------------===//
//
// Conv, ConvTranspose, the pools and BatchNormalization, on NHWC
// activations.
//
//===----------------------------------------------------------------------===//

#include "OnnxOps.h"

#include "qopt/Utils/TosaBuilders.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {

namespace {

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
  // A named array: an initializer list's would end before the loop runs.
  const StringRef names[] = {"the scale", "the bias", "the mean",
                             "the variance"};
  for (auto [i, what] : llvm::enumerate(names)) {
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

} // namespace

void populateConvolutionOps(OpTable &table) {
  table.insert({
      {"AveragePool",
       [](Importer &im) { return convertPool(im, false, false); }},
      {"BatchNormalization", convertBatchNorm},
      {"Conv", convertConv},
      {"ConvTranspose", convertConvTranspose},
      {"GlobalAveragePool",
       [](Importer &im) { return convertPool(im, false, true); }},
      {"GlobalMaxPool",
       [](Importer &im) { return convertPool(im, true, true); }},
      {"MaxPool", [](Importer &im) { return convertPool(im, true, false); }},
  });
}

} // namespace qopt::onnx_import
