//===- Tensor.h - Host tensors: samples and activations ---------*- C++ -*-===//
//
// A dense, C-ordered host tensor: what .npy files hold and what the JIT takes
// and returns.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_TENSOR_H
#define QOPT_ANALYSIS_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cassert>
#include <cstdint>
#include <string>
#include <vector>

namespace qopt {

/// The element types the runtime supports (Bool is one byte, 0 or 1).
enum class DType { F32, F64, I8, U8, I16, I32, I64, Bool };

/// Size of one element in bytes.
size_t dtypeSize(DType dtype);

/// Short name: "f32", "f64", "i8", "u8", "i16", "i32", "i64", "bool".
llvm::StringRef dtypeName(DType dtype);

struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  /// numElements() * dtypeSize(dtype) bytes, little endian, C order.
  std::vector<uint8_t> bytes;

  Tensor() = default;
  /// A zero-filled tensor.
  Tensor(DType dtype, llvm::ArrayRef<int64_t> shape);

  int64_t numElements() const;

  /// The elements viewed as `T`, which must match the dtype's size.
  template <typename T> llvm::ArrayRef<T> values() const {
    assert(sizeof(T) == dtypeSize(dtype) && "element type of another size");
    return {reinterpret_cast<const T *>(bytes.data()),
            bytes.size() / sizeof(T)};
  }
};

/// "f32 1x8x8x3" ("f32 scalar" for rank 0), as used in error messages.
std::string describe(DType dtype, llvm::ArrayRef<int64_t> shape);

} // namespace qopt

#endif // QOPT_ANALYSIS_TENSOR_H
