//===- TosaConstantUtils.h - Reading and writing TOSA constants -*- C++ -*-===//
//
// The constant-folding passes evaluate TOSA arithmetic on constant tensors in
// double (floats) or int64 (integers) and write the results back as
// `tosa.const`. These helpers read any constant operand (`dense<...>` or the
// `dense_resource<...>` blobs that importers use for large weights) and
// convert between element values and attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_UTILS_TOSACONSTANTUTILS_H
#define QOPT_UTILS_TOSACONSTANTUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

namespace qopt {

/// The value of a constant tensor of integer or float elements (`tosa.const`,
/// `arith.constant`, ...) as a DenseElementsAttr; resource blobs are copied
/// into one. Null when `value` is not such a constant or its blob is absent.
mlir::DenseElementsAttr getDenseConstant(mlir::Value value);

/// The elements of a float constant in row-major order, widened to double.
/// A splat yields its single value.
llvm::SmallVector<double> getFloatValues(mlir::DenseElementsAttr attr);

/// The elements of an integer constant in row-major order: sign-extended, or
/// zero-extended for i1 and unsigned types. A splat yields its single value.
llvm::SmallVector<int64_t> getIntValues(mlir::DenseElementsAttr attr);

/// A constant of `type` (float elements) from doubles, each rounded to the
/// element type to nearest, ties to even. One value makes a splat.
mlir::DenseElementsAttr getFloatAttr(mlir::ShapedType type,
                                     llvm::ArrayRef<double> values);

/// A constant of `type` (integer elements) from int64 values truncated to the
/// element width. One value makes a splat.
mlir::DenseElementsAttr getIntAttr(mlir::ShapedType type,
                                   llvm::ArrayRef<int64_t> values);

} // namespace qopt

#endif // QOPT_UTILS_TOSACONSTANTUTILS_H
