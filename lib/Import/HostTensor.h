//===- HostTensor.h - Import-time tensors of the ONNX importer --*- C++ -*-===//
//
// Values the importer knows at import time (initializers, Constant nodes,
// and whatever is computed from them and from static shapes). Elements are
// held as doubles, which represent every f32 and every integer a shape
// computation produces exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_LIB_IMPORT_HOSTTENSOR_H
#define QOPT_LIB_IMPORT_HOSTTENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace qopt::onnx_import {

struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  std::vector<double> data;
  /// Floating-point element type (else integer or bool): integer division
  /// truncates and Cast rounds accordingly.
  bool isFloat = true;

  HostTensor() = default;
  HostTensor(llvm::ArrayRef<int64_t> shape, std::vector<double> data,
             bool isFloat)
      : shape(shape), data(std::move(data)), isFloat(isFloat) {}

  static llvm::Expected<HostTensor> fromProto(const onnx::TensorProto &proto);

  int64_t rank() const { return shape.size(); }
  /// The data as integers (shape/axes/pads operands).
  llvm::SmallVector<int64_t> ints() const;
  /// The data as f32, for a `tosa.const`.
  std::vector<float> floats() const;

  HostTensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  HostTensor transposed(llvm::ArrayRef<int64_t> perm) const;
  /// Elements [starts[d], starts[d] + steps[d] * sizes[d]) along every axis.
  HostTensor slice(llvm::ArrayRef<int64_t> starts,
                   llvm::ArrayRef<int64_t> sizes,
                   llvm::ArrayRef<int64_t> steps) const;
  HostTensor broadcastTo(llvm::ArrayRef<int64_t> newShape) const;
};

int64_t numElements(llvm::ArrayRef<int64_t> shape);

/// Numpy broadcast of two shapes; false if they do not broadcast.
bool broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b,
                     llvm::SmallVectorImpl<int64_t> &result);

/// Elementwise `fn(a, b)` with numpy broadcasting.
HostTensor hostBinary(const HostTensor &a, const HostTensor &b,
                      llvm::function_ref<double(double, double)> fn);

HostTensor hostConcat(llvm::ArrayRef<const HostTensor *> parts, int64_t axis);

/// numpy.take(data, indices, axis) with negative indices wrapped.
llvm::Expected<HostTensor> hostGather(const HostTensor &data,
                                      const HostTensor &indices, int64_t axis);

} // namespace qopt::onnx_import

#endif // QOPT_LIB_IMPORT_HOSTTENSOR_H
