//===- ActivationTensors.h - Canonical list of activations ------*- C++ -*-===//
//
// Calibration statistics are keyed by an activation's position in one
// canonical order, which the calibrator and the quantizer both compute on the
// same prepared graph: the function's float tensor arguments first, then the
// float tensor results of every operation that depends (transitively) on an
// argument, in program order. Values computed from constants alone are
// weights, not activations.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_ACTIVATIONTENSORS_H
#define QOPT_ANALYSIS_ACTIVATIONTENSORS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

namespace qopt {

/// The activation tensors of `func` in canonical order.
llvm::SmallVector<mlir::Value> getActivationTensors(mlir::func::FuncOp func);

/// Value → its index in getActivationTensors(func).
llvm::DenseMap<mlir::Value, unsigned>
getActivationTensorIds(mlir::func::FuncOp func);

/// A short description of where an activation comes from, recorded in the
/// statistics file to detect a file that belongs to another graph:
/// "arg" for arguments, else the producing op's name (e.g. "tosa.conv2d").
std::string describeActivation(mlir::Value v);

/// A hash of `func`'s printed form (weights included; locations not), as 16
/// hex digits: statistics files record it to recognize the graph they
/// describe.
std::string graphFingerprint(mlir::func::FuncOp func);

/// The function a module-level qopt pass works on: `name` if non-empty,
/// else the single public function with a body. Emits an error at the
/// module's location and returns null when there is none or it is ambiguous.
mlir::func::FuncOp lookupEntryFunction(mlir::ModuleOp module,
                                       llvm::StringRef name);

} // namespace qopt

#endif // QOPT_ANALYSIS_ACTIVATIONTENSORS_H
