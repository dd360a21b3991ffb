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

/// Weight quantization decided before qopt-quantize (by qopt-adaround, which
/// leaves the weights on this grid): one scale per WeightChannels channel and
/// the bit width, attributes of the conv2d / depthwise_conv2d / matmul.
constexpr llvm::StringLiteral kWeightScalesAttr = "qopt.weight_scales";
constexpr llvm::StringLiteral kWeightBitsAttr = "qopt.weight_bits";
/// The weight format qopt-quantize chose (WeightFormat::schemeName()), and
/// for PWLQ a dictionary {bits, tail_step, breakpoints = array<f64>}, on
/// the anchor of the QDQ graph, for the report.
constexpr llvm::StringLiteral kWeightFormatAttr = "qopt.weight_format";
constexpr llvm::StringLiteral kPwlqAttr = "qopt.pwlq";
/// PWLQ grids also record their tail step (WeightFormat.h's PwlqGrid; the
/// scales are the centre steps).
constexpr llvm::StringLiteral kWeightTailStepAttr = "qopt.weight_tail_step";
struct RecordedWeightQuant {
  llvm::SmallVector<double> scales;
  unsigned bits;
  /// 0 for a uniform grid.
  int64_t tailStep = 0;
};
/// The recorded quantization, if `op` has the scales and bits attributes.
std::optional<RecordedWeightQuant> getRecordedWeightQuant(mlir::Operation *op);
void setRecordedWeightQuant(mlir::Operation *op, llvm::ArrayRef<double> scales,
                            unsigned bits, int64_t tailStep = 0);

} // namespace qopt

#endif // QOPT_UTILS_TOSAQUERIES_H
