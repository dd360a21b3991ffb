//===- TosaQueries.h - Questions passes ask about TOSA ops ------*- C++ -*-===//

#ifndef QOPT_UTILS_TOSAQUERIES_H
#define QOPT_UTILS_TOSAQUERIES_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

namespace qopt {

/// Whether `pool` averages each channel over its whole (unpadded) input: a
/// global average pool, whose output is far narrower than its input.
bool isGlobalPool(mlir::tosa::AvgPool2dOp pool);

} // namespace qopt

#endif // QOPT_UTILS_TOSAQUERIES_H
