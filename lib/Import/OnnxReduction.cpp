//===- OnnxReduction.cpp - ONNX reductions and softmax
//----------------------===//
//
// The Reduce* operators and (Log)Softmax, on any axes of any layout.
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

} // namespace

void populateReductionOps(OpTable &table) {
  auto red = [](Reduce k) -> OpTranslation {
    return [k](Importer &im) { return convertReduce(im, k); };
  };
  table.insert({
      {"LogSoftmax", [](Importer &im) { return convertSoftmax(im, true); }},
      {"ReduceMax", red(Reduce::Max)},
      {"ReduceMean", red(Reduce::Mean)},
      {"ReduceMin", red(Reduce::Min)},
      {"ReduceSum", red(Reduce::Sum)},
      {"Softmax", [](Importer &im) { return convertSoftmax(im, false); }},
  });
}

} // namespace qopt::onnx_import
