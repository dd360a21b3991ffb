//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// NumPy's .npy format, versions 1.0 to 3.0, C order, little endian, for the
// dtypes of Tensor.h (descr '<f4' '<f8' '|i1' '|u1' '<i2' '<i4' '<i8' '|b1').
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_NPY_H
#define QOPT_RUNTIME_NPY_H

#include "qopt/Analysis/Tensor.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

namespace qopt {

/// Parses an .npy image; errors name the buffer's identifier.
llvm::Expected<Tensor> parseNpy(llvm::MemoryBufferRef buffer);

/// Reads an .npy file; errors name the file and what is wrong with it.
llvm::Expected<Tensor> readNpy(llvm::StringRef path);

/// Writes `tensors[i]` to `paths[i]` all or nothing: every file is written to
/// a temporary next to it first and renamed into place only once all of them
/// have been written.
llvm::Error writeNpyFiles(llvm::ArrayRef<Tensor> tensors,
                          llvm::ArrayRef<std::string> paths);

} // namespace qopt

#endif // QOPT_RUNTIME_NPY_H
