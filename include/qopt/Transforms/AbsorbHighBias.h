//===- AbsorbHighBias.h - High-bias absorption ------------------*- C++ -*-===//
//
// What qopt-absorb-high-bias does, for the calibrator too: it absorbs from
// batch norm statistics where a layer records them, and otherwise from the
// pre-activation statistics it measured on the samples.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TRANSFORMS_ABSORBHIGHBIAS_H
#define QOPT_TRANSFORMS_ABSORBHIGHBIAS_H

#include "qopt/Calibration/Statistics.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SmallVector.h"

namespace qopt {

/// The pre-activations (layer outputs, before the ReLU) whose offsets
/// high-bias absorption would move but whose layers record no batch norm
/// statistics: the values to measure on the samples.
llvm::SmallVector<mlir::Value> getUnrecordedPreactivations(mlir::func::FuncOp);

/// High-bias absorption on `func`: offsets from the batch norm statistics a
/// layer records, else from `measured` (activation ids of `func` as it is
/// now, in getActivationTensors order; null: none).
void absorbHighBias(mlir::func::FuncOp func,
                    const AbsorptionStatistics *measured);

} // namespace qopt

#endif // QOPT_TRANSFORMS_ABSORBHIGHBIAS_H
