//===- TosaBuilders.h - Small TOSA construction helpers ---------*- C++ -*-===//
//
// Builders for the TOSA idioms qopt passes emit again and again: constants of
// a given shape, zero-point operands, the `shift` operand of `tosa.mul`, and
// quant-type ↔ storage-type conversions of tensor types.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_UTILS_TOSABUILDERS_H
#define QOPT_UTILS_TOSABUILDERS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

namespace qopt {

/// `tosa.const` of f32 values with `shape` (one value: a splat).
mlir::Value createF32Const(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<float> values);

/// `tosa.const` of integer values of element type `type` with `shape`.
mlir::Value createIntConst(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::ArrayRef<int64_t> shape, mlir::Type type,
                           llvm::ArrayRef<int64_t> values);

/// A zero-point operand: `tosa.const` of shape [1] and element type `type`.
mlir::Value createZeroPoint(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Type type, int64_t zp);

/// `tosa.mul a, c` with shift 0 and the result type of `a` (c broadcasts).
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value c);

/// Shape [1, ..., 1, n, 1, ..., 1] of `rank` with `n` at `axis` (the shape of
/// a per-channel constant that broadcasts against a tensor of that rank).
llvm::SmallVector<int64_t> channelShape(int64_t rank, int64_t axis, int64_t n);

/// The quantized element type of a tensor type, or null.
mlir::quant::QuantizedType getQuantElementType(mlir::Type type);

/// `type` with a quantized element type replaced by its storage type
/// (unchanged when it is not quantized).
mlir::Type toStorageType(mlir::Type type);

} // namespace qopt

#endif // QOPT_UTILS_TOSABUILDERS_H
