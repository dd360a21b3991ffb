//===- Calibrate.h - Activation statistics of a float model -----*- C++ -*-===//
//
// What qopt-calibrate does and qoptc --samples does before quantizing: the
// prepare pipeline (as the quantizer runs it, so that tensor ids match),
// every activation returned from the entry function, a JIT run over the
// samples, and min/max and a histogram per activation.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_RUNTIME_CALIBRATE_H
#define QOPT_RUNTIME_CALIBRATE_H

#include "qopt/Calibration/Statistics.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qopt {

struct CalibrateOptions {
  /// The function to calibrate (empty: the only public one).
  std::string entry;
  /// Samples of each function argument, in order (see SampleSource).
  std::vector<std::string> inputs;
  /// Histogram bins per tensor (> 0).
  unsigned bins = 2048;
  /// Called after every sample of pass 1 (ranges) and pass 2 (histograms).
  llvm::function_ref<void(unsigned pass, size_t done, size_t total)> progress;
};

/// Runs the prepare pipeline on `module` in place, then measures its
/// activations over the samples. Problems with the model are emitted as
/// diagnostics on its context (failure, with an empty error message);
/// problems with the samples come back as an error naming the file.
llvm::Expected<CalibrationStatistics>
calibrateModel(mlir::ModuleOp module, const CalibrateOptions &options);

} // namespace qopt

#endif // QOPT_RUNTIME_CALIBRATE_H
