//===- Samples.h - Samples of a function argument ---------------*- C++ -*-===//
//
// The ways a user hands a tool many inputs of one function argument: one
// .npy whose leading dimension enumerates samples (`[N, ...argument shape]`,
// or `[N, ...]` for an argument shaped `[1, ...]`), one .npy holding exactly
// one sample, or a directory with one .npy per sample (in name order).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_SAMPLES_H
#define QOPT_RUNTIME_SAMPLES_H

#include "qopt/Analysis/Tensor.h"
#include "qopt/Runtime/JitFunction.h"

#include "llvm/Support/Error.h"

namespace qopt {

/// The samples of one function argument, read on demand so that a directory
/// of many samples is never held in memory at once.
class SampleSource {
public:
  static llvm::Expected<SampleSource>
  open(llvm::StringRef path, const TensorSignature &arg, size_t argIndex);

  size_t size() const { return count; }
  llvm::Expected<Tensor> get(size_t i) const;
  llvm::StringRef path() const { return source; }
  /// Whether samples are stacked along the argument's own unit leading
  /// dimension (argument `[1, ...]`, file `[N, ...]`).
  bool alongUnitDim() const { return unitDim; }
  /// Whether the path holds a collection of samples (a directory or a batch
  /// file, even of one sample) rather than exactly one sample.
  bool batched() const { return isBatch; }

private:
  std::string source;
  TensorSignature arg;
  size_t argIndex = 0;
  size_t count = 0;
  bool unitDim = false;
  bool isBatch = false;
  std::vector<std::string> files; // directory
  Tensor batch;                   // single file
};

/// One source per argument of `function` (whose arguments are `args`) from
/// `inputs` (one path per argument, in order), all holding as many samples.
llvm::Expected<std::vector<SampleSource>>
openSamples(llvm::StringRef function, llvm::ArrayRef<TensorSignature> args,
            llvm::ArrayRef<std::string> inputs);

/// Stacks per-sample results (all of one shape and dtype) into one tensor:
/// along their leading dimension when `alongUnitDim` and it is 1, else along
/// a new leading dimension.
Tensor stackSamples(llvm::ArrayRef<Tensor> samples, bool alongUnitDim);

} // namespace qopt

#endif // QOPT_RUNTIME_SAMPLES_H
