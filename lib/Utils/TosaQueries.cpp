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

} // namespace qopt
