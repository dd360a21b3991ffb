//===- TosaQueries.cpp - Questions passes ask about TOSA ops --------------===//

#include "qopt/Utils/TosaQueries.h"

using namespace mlir;

namespace qopt {

bool isGlobalPool(tosa::AvgPool2dOp pool) {
  auto shape = pool.getInput().getType().getShape();
  ArrayRef<int64_t> kernel = pool.getKernel();
  return kernel[0] == shape[1] && kernel[1] == shape[2] &&
         llvm::all_of(pool.getPad(), [](int64_t p) { return p == 0; });
}

WeightChannels getWeightChannels(Operation *op, bool perChannel) {
  auto shape = cast<ShapedType>(op->getOperand(1).getType()).getShape();
  if (!perChannel)
    return {};
  if (isa<tosa::Conv2DOp>(op))
    return {shape[0], shape[1] * shape[2] * shape[3]};
  if (isa<tosa::DepthwiseConv2DOp>(op))
    return shape[3] == 1 ? WeightChannels{shape[2], 1} : WeightChannels{};
  return {shape.back(), 1};
}

std::optional<RecordedWeightQuant> getRecordedWeightQuant(Operation *op) {
  auto scales = op->getAttrOfType<DenseF64ArrayAttr>(kWeightScalesAttr);
  auto bits = op->getAttrOfType<IntegerAttr>(kWeightBitsAttr);
  if (!scales || !bits)
    return std::nullopt;
  auto tailStep = op->getAttrOfType<IntegerAttr>(kWeightTailStepAttr);
  return RecordedWeightQuant{SmallVector<double>(scales.asArrayRef()),
                             unsigned(bits.getInt()),
                             tailStep ? tailStep.getInt() : 0};
}

void setRecordedWeightQuant(Operation *op, ArrayRef<double> scales,
                            unsigned bits, int64_t tailStep) {
  Builder b(op->getContext());
  op->setAttr(kWeightScalesAttr, b.getDenseF64ArrayAttr(scales));
  op->setAttr(kWeightBitsAttr, b.getI32IntegerAttr(bits));
  if (tailStep)
    op->setAttr(kWeightTailStepAttr, b.getI64IntegerAttr(tailStep));
}

} // namespace qopt
