//===- OnnxElementwise.cpp - ONNX elementwise operators
//---------------------===//
//
// Arithmetic with numpy broadcasting, the activations and the other
// one-input operators; constants are folded at import.
//
//===----------------------------------------------------------------------===//

#include "OnnxOps.h"

#include "qopt/Utils/TosaBuilders.h"

#include "llvm/ADT/STLExtras.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace llvm;

namespace qopt::onnx_import {

namespace {

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

} // namespace

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

namespace {

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

/// An elementwise op with no attributes, folded by `fold` on constants.
template <typename OpTy> OpTranslation simpleUnary(double (*fold)(double)) {
  return [fold](Importer &im) { return convertSimpleUnary<OpTy>(im, fold); };
}

} // namespace

void populateElementwiseOps(OpTable &table) {
  auto bin = [](Binary k, bool variadic = false) -> OpTranslation {
    return [=](Importer &im) { return convertBinary(im, k, variadic); };
  };
  table.insert({
      {"Abs", simpleUnary<tosa::AbsOp>([](double v) { return std::abs(v); })},
      {"Add", bin(Binary::Add)},
      {"Ceil",
       simpleUnary<tosa::CeilOp>([](double v) { return std::ceil(v); })},
      {"Clip", convertClip},
      {"Div", bin(Binary::Div)},
      {"Exp", simpleUnary<tosa::ExpOp>([](double v) { return std::exp(v); })},
      {"Floor",
       simpleUnary<tosa::FloorOp>([](double v) { return std::floor(v); })},
      {"HardSigmoid", convertHardSigmoid},
      {"HardSwish", convertHardSwish},
      {"LeakyRelu", convertLeakyRelu},
      {"Log", simpleUnary<tosa::LogOp>([](double v) { return std::log(v); })},
      {"Max", bin(Binary::Max, true)},
      {"Min", bin(Binary::Min, true)},
      {"Mul", bin(Binary::Mul)},
      {"Neg", convertNeg},
      {"Pow", bin(Binary::Pow)},
      {"Reciprocal",
       simpleUnary<tosa::ReciprocalOp>([](double v) { return 1 / v; })},
      {"Relu", convertRelu},
      {"Sigmoid", simpleUnary<tosa::SigmoidOp>(
                      [](double v) { return 1 / (1 + std::exp(-v)); })},
      {"Sqrt", convertSqrt},
      {"Sub", bin(Binary::Sub)},
      {"Sum", bin(Binary::Add, true)},
      {"Tanh",
       simpleUnary<tosa::TanhOp>([](double v) { return std::tanh(v); })},
  });
}

} // namespace qopt::onnx_import
