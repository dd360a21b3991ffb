//===- LowerQuant.cpp - Rounding-correct lowering of quant casts ----------===//
//
// quant.qcast / quant.dcast / quant.scast → TOSA arithmetic on the storage
// type. Every value of a `!quant.uniform` tensor type is replaced by the
// integer tensor that stores it, so the result is plain TOSA.
//
//===----------------------------------------------------------------------===//

#include "qopt/Conversion/Passes.h"
#include "qopt/Utils/TosaBuilders.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/STLExtras.h"

namespace qopt {
#define GEN_PASS_DEF_LOWERQUANT
#include "qopt/Conversion/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

/// Per-element (or per-channel) scale and zero point of a quantized type,
/// with the shape a constant needs to broadcast them against `tensorType`.
struct ScaleAndZero {
  SmallVector<int64_t> shape;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};

FailureOr<ScaleAndZero> getScaleAndZero(quant::QuantizedType qtype, Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return failure();
  ScaleAndZero result;
  int64_t rank = tensorType.getRank();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype)) {
    result.shape.assign(rank, 1);
    result.scales.push_back(uniform.getScale());
    result.zeroPoints.push_back(uniform.getZeroPoint());
    return result;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= rank)
      return failure();
    result.shape = qopt::channelShape(rank, axis, perAxis.getScales().size());
    result.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    result.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
    return result;
  }
  return failure();
}

/// clamp(round_half_even(x · (1/s)) + z, qmin, qmax) as TOSA: the add of an
/// integral z and the clamp to integral bounds commute with the rounding
/// done by tosa.cast, which rounds half to even and saturates.
Value buildQuantize(OpBuilder &b, Location loc, Value x,
                    quant::QuantizedType qtype, const ScaleAndZero &p) {
  auto floatType = cast<RankedTensorType>(x.getType());
  SmallVector<float> inverse;
  for (double s : p.scales)
    inverse.push_back(static_cast<float>(1.0 / s));
  Value y = qopt::createMul(b, loc, x,
                            qopt::createF32Const(b, loc, p.shape, inverse));
  if (llvm::any_of(p.zeroPoints, [](int64_t z) { return z != 0; })) {
    SmallVector<float> zps(p.zeroPoints.begin(), p.zeroPoints.end());
    y = tosa::AddOp::create(b, loc, floatType, y,
                            qopt::createF32Const(b, loc, p.shape, zps));
  }
  y = tosa::ClampOp::create(
      b, loc, floatType, y,
      b.getF32FloatAttr(static_cast<float>(qtype.getStorageTypeMin())),
      b.getF32FloatAttr(static_cast<float>(qtype.getStorageTypeMax())));
  return tosa::CastOp::create(b, loc, floatType.clone(qtype.getStorageType()),
                              y);
}

/// (q − z) · s in f32.
Value buildDequantize(OpBuilder &b, Location loc, Value q,
                      RankedTensorType floatType, const ScaleAndZero &p) {
  Value y = tosa::CastOp::create(b, loc, floatType, q);
  if (llvm::any_of(p.zeroPoints, [](int64_t z) { return z != 0; })) {
    SmallVector<float> zps(p.zeroPoints.begin(), p.zeroPoints.end());
    y = tosa::SubOp::create(b, loc, floatType, y,
                            qopt::createF32Const(b, loc, p.shape, zps));
  }
  SmallVector<float> scales(p.scales.begin(), p.scales.end());
  return qopt::createMul(b, loc, y,
                         qopt::createF32Const(b, loc, p.shape, scales));
}

struct LowerQuantPass : qopt::impl::LowerQuantBase<LowerQuantPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;

    // Walk in program order so that every operand is lowered before its use;
    // `lowered` maps each quantized value to the integer tensor storing it.
    IRMapping lowered;
    SmallVector<Operation *> dead;
    auto storageOf = [&](Value v) { return lowered.lookupOrDefault(v); };
    WalkResult walk = func.walk([&](Operation *op) -> WalkResult {
      OpBuilder b(op);
      Location loc = op->getLoc();
      if (auto qcast = dyn_cast<quant::QuantizeCastOp>(op)) {
        auto qtype = qopt::getQuantElementType(qcast.getType());
        FailureOr<ScaleAndZero> p =
            getScaleAndZero(qtype, qcast.getInput().getType());
        if (failed(p))
          return op->emitOpError("unsupported quantized type for lowering: ")
                 << qcast.getType();
        lowered.map(qcast.getResult(),
                    buildQuantize(b, loc, qcast.getInput(), qtype, *p));
        dead.push_back(op);
      } else if (auto dcast = dyn_cast<quant::DequantizeCastOp>(op)) {
        auto qtype = qopt::getQuantElementType(dcast.getInput().getType());
        FailureOr<ScaleAndZero> p = getScaleAndZero(qtype, dcast.getType());
        if (failed(p))
          return op->emitOpError("unsupported quantized type for lowering: ")
                 << dcast.getInput().getType();
        dcast.replaceAllUsesWith(
            buildDequantize(b, loc, storageOf(dcast.getInput()),
                            cast<RankedTensorType>(dcast.getType()), *p));
        dead.push_back(op);
      } else if (auto scast = dyn_cast<quant::StorageCastOp>(op)) {
        // Both sides have the same storage: the cast disappears.
        Value storage = storageOf(scast.getInput());
        if (qopt::getQuantElementType(scast.getType()))
          lowered.map(scast.getResult(), storage);
        else
          scast.replaceAllUsesWith(storage);
        dead.push_back(op);
      } else {
        for (OpOperand &use : op->getOpOperands())
          if (qopt::getQuantElementType(use.get().getType()))
            use.set(storageOf(use.get()));
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    for (Operation *op : llvm::reverse(dead))
      op->erase();
    // Quantized arguments (integer I/O) take their storage type in place;
    // only now, as the casts above read their quantized type.
    for (BlockArgument arg : func.getArguments())
      arg.setType(qopt::toStorageType(arg.getType()));
    func.setFunctionType(FunctionType::get(
        func.getContext(), func.getBody().getArgumentTypes(),
        llvm::map_to_vector(func.getResultTypes(), qopt::toStorageType)));
  }
};

} // namespace
