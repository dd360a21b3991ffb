//===- ActivationSource.h - Activations on sample inputs --------*- C++ -*-===//
//
// What a pass that learns from data (qopt-adaround) needs: its function run
// on the calibration samples, with every activation returned. The JIT
// provides it (qopt/Runtime/Calibrate.h), a layer far above the passes; they
// reach it through ActivationSourceInterface, an interface of the qopt
// dialect that the runtime registers (qopt::registerAllDialects does), so
// no pass links the JIT.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_ANALYSIS_ACTIVATIONSOURCE_H
#define QOPT_ANALYSIS_ACTIVATIONSOURCE_H

#include "qopt/Analysis/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectInterface.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace qopt {

/// What a source returns of each run.
enum class SourceValues {
  /// Every activation, in getActivationTensors order.
  Activations,
  /// The function's results only (qopt-search-precision compares outputs).
  Results,
};

/// A function run on samples, one at a time.
class ActivationSource {
public:
  virtual ~ActivationSource();
  virtual size_t numSamples() const = 0;
  /// The values of sample `i` (the activations, or the results), with
  /// `parameters` as the function's arguments after the sample inputs.
  virtual llvm::Expected<std::vector<Tensor>>
  run(size_t i, llvm::ArrayRef<Tensor> parameters) = 0;
  llvm::Expected<std::vector<Tensor>> run(size_t i) { return run(i, {}); }
};

/// Makes activation sources; registered on the qopt dialect.
class ActivationSourceInterface
    : public mlir::DialectInterface::Base<ActivationSourceInterface> {
public:
  ActivationSourceInterface(mlir::Dialect *dialect) : Base(dialect) {}

  /// A source running (a copy of) `func` on `inputs`, one `.npy` batch or
  /// directory per argument but the last `numParameters`, which each run
  /// is given (weights being learned, say), returning `values`. Problems with
  /// the model are emitted as diagnostics on its context (an error with an
  /// empty message); problems with the samples come back as an error naming
  /// the file.
  virtual llvm::Expected<std::unique_ptr<ActivationSource>>
  create(mlir::func::FuncOp func, llvm::ArrayRef<std::string> inputs,
         unsigned numParameters, SourceValues values) const = 0;
};

/// A source from the interface registered in `func`'s context (an error
/// saying so if none is).
llvm::Expected<std::unique_ptr<ActivationSource>>
createActivationSource(mlir::func::FuncOp func,
                       llvm::ArrayRef<std::string> inputs,
                       unsigned numParameters = 0,
                       SourceValues values = SourceValues::Activations);

} // namespace qopt

#endif // QOPT_ANALYSIS_ACTIVATIONSOURCE_H
