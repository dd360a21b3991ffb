//===- OnnxResize.cpp - ONNX Resize and Upsample
//----------------------------===//
//
// Nearest and bilinear resizing with rational scale factors
// (tosa.resize).
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

void populateResizeOps(OpTable &table) {
  table.insert({
      {"Resize", [](Importer &im) { return convertResize(im, false); }},
      {"Upsample", [](Importer &im) { return convertResize(im, true); }},
  });
}

} // namespace qopt::onnx_import
