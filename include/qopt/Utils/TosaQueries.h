//===- TosaQueries.h - Questions passes ask about TOSA ops ------*- C++ -*-===//

#ifndef QOPT_UTILS_TOSAQUERIES_H
#define QOPT_UTILS_TOSAQUERIES_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace qopt {

/// Whether `pool` averages each channel over its whole (unpadded) input: a
/// global average pool, whose output is far narrower than its input.
bool isGlobalPool(mlir::tosa::AvgPool2dOp pool);

/// The channels of the constant weight operand (#1) of a conv2d,
/// depthwise_conv2d or matmul that qopt quantizes with one scale each:
/// element i of the row-major weights uses scale (i / stride) % channels.
/// Per output channel (axis 0 of conv2d's OxKHxKWxI, axis 2 of depthwise's
/// KHxKWxCxM when M = 1, the last axis of matmul's BxKxN) when `perChannel`,
/// else one scale (channels = 1).
struct WeightChannels {
  int64_t channels = 1;
  int64_t stride = 1;
};
WeightChannels getWeightChannels(mlir::Operation *op, bool perChannel);

} // namespace qopt

#endif // QOPT_UTILS_TOSAQUERIES_H
