//===- Calibrate.h - Activation statistics of a float model -----*- C++ -*-===//
//
// What qopt-calibrate does and qoptc --samples does before quantizing: the
// prepare pipeline (as the quantizer runs it, so that tensor ids match; with
// high-bias absorption from pre-activations measured on the samples where
// no batch norm was folded),
// every activation returned from the entry function, a JIT run over the
// samples, and min/max, a histogram and per-channel means per activation.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_CALIBRATE_H
#define QOPT_RUNTIME_CALIBRATE_H

#include "qopt/Analysis/ActivationSource.h"
#include "qopt/Calibration/Statistics.h"
#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Samples.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qopt {

/// A function JIT-compiled with every activation (or only its results)
/// returned, and the samples of its arguments: what calibration,
/// qopt-adaround and qopt-search-precision run.
class ActivationRunner : public ActivationSource {
public:
  /// Compiles a copy of `func` (its module is left unchanged) and opens one
  /// sample source per argument but the last `numParameters`. Problems with
  /// the model are emitted as diagnostics on its context (an error with an
  /// empty message); problems with the samples come back as an error naming
  /// the file.
  static llvm::Expected<std::unique_ptr<ActivationRunner>>
  create(mlir::func::FuncOp func, llvm::ArrayRef<std::string> inputs,
         unsigned numParameters = 0,
         SourceValues values = SourceValues::Activations);

  size_t numSamples() const override { return sources.front().size(); }

  using ActivationSource::run;
  llvm::Expected<std::vector<Tensor>>
  run(size_t i, llvm::ArrayRef<Tensor> parameters) override;

private:
  std::unique_ptr<JitFunction> fn;
  std::vector<SampleSource> sources;
  /// The trailing results returned (the function's own come first).
  size_t numReturned = 0;
};

struct CalibrateOptions {
  /// The function to calibrate (empty: the only public one).
  std::string entry;
  /// Samples of each function argument, in order (see SampleSource).
  std::vector<std::string> inputs;
  /// Histogram bins per tensor (> 0).
  unsigned bins = 2048;
  /// The prepare steps that change weights (the quantize pipeline must run
  /// the same; the statistics record them).
  PrepareConfig prepare;
  /// Called after every sample of pass 1 (ranges) and pass 2 (histograms),
  /// and of pass 0 when high-bias absorption measures pre-activations first.
  llvm::function_ref<void(unsigned pass, size_t done, size_t total)> progress;
};

/// Runs the prepare pipeline on `module` in place, then measures its
/// activations over the samples and records how the graph was prepared
/// and its fingerprint. Problems with the model are emitted as
/// diagnostics on its context (failure, with an empty error message);
/// problems with the samples come back as an error naming the file.
llvm::Expected<CalibrationStatistics>
calibrateModel(mlir::ModuleOp module, const CalibrateOptions &options);

/// What the tools warn about in `stats`: tensors with NaN or infinite values
/// (left out of their statistics) and tensors constant on every sample
/// (whose range only widening to contain 0 defines).
std::vector<std::string>
calibrationWarnings(const CalibrationStatistics &stats);

/// Makes ActivationRunner the activation source of the qopt dialect's
/// contexts (for qopt-adaround).
void registerJitActivationSource(mlir::DialectRegistry &registry);

} // namespace qopt

#endif // QOPT_RUNTIME_CALIBRATE_H
