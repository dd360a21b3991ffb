//===- FullyConnected.h - The fully connected chain -------------*- C++ -*-===//
//
// A fully connected layer reaches qopt as the importer writes it, and every
// stage (float, QDQ, integer TOSA) keeps that form:
//
//   matmul → reshape* → [add of a per-column bias] → reshape*
//
// where the reshapes keep the last axis (the matmul's N columns, the
// layer's output channels) and the bias is a constant of shape 1x..x1xN or
// 1x..x1x1. Every pass that treats the chain as one layer matches it here.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_UTILS_FULLYCONNECTED_H
#define QOPT_UTILS_FULLYCONNECTED_H

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace qopt {

struct FullyConnectedChain {
  mlir::tosa::MatMulOp matmul;
  /// Reshapes from the matmul to the bias add (or to the end of the chain).
  llvm::SmallVector<mlir::tosa::ReshapeOp> before;
  /// The bias add and its bias operand; null without a bias.
  mlir::tosa::AddOp biasAdd;
  mlir::OpOperand *bias = nullptr;
  /// Reshapes after the bias add (none without one).
  llvm::SmallVector<mlir::tosa::ReshapeOp> after;

  int64_t channels() const;
  /// The chain's last value.
  mlir::Value output() const;
};

/// Whether a value is a bias constant at the caller's stage (a float
/// constant, an integer constant, a dequantized one, ...).
using IsBiasConstant = llvm::function_ref<bool(mlir::Value)>;

/// The chain that starts at `matmul`, following single uses.
FullyConnectedChain matchFullyConnected(mlir::tosa::MatMulOp matmul,
                                        IsBiasConstant isBias);

/// The chain that ends at `output` (its last reshape, bias add or matmul),
/// if there is one.
std::optional<FullyConnectedChain>
matchFullyConnectedEndingAt(mlir::Value output, IsBiasConstant isBias);

} // namespace qopt

#endif // QOPT_UTILS_FULLYCONNECTED_H
