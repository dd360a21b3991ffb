//===- CheckStatistics.cpp - Refuse statistics of another graph -----------===//
//
// qopt-calibrate records how it prepared the graph and a fingerprint of the
// prepared function; statistics whose record differs from the graph being
// quantized would set ranges that do not fit it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Calibration/Statistics.h"
#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_CHECKSTATISTICS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

struct CheckStatisticsPass
    : qopt::impl::CheckStatisticsBase<CheckStatisticsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (statsFile.empty()) {
      module.emitError() << "the quantize pipelines need a statistics file "
                            "(stats=FILE, written by qopt-calibrate)";
      return signalPassFailure();
    }
    llvm::Expected<qopt::CalibrationStatistics> stats =
        qopt::readStatistics(statsFile);
    if (!stats) {
      module.emitError() << llvm::toString(stats.takeError());
      return signalPassFailure();
    }
    func::FuncOp func = qopt::lookupEntryFunction(
        module, entry.empty() ? StringRef(stats->function) : StringRef(entry));
    if (!func)
      return signalPassFailure();
    auto fail = [&]() {
      signalPassFailure();
      return func.emitError() << "statistics file '" << statsFile << "' ";
    };
    if (stats->prepare.empty() || stats->fingerprint.empty()) {
      fail() << "does not record the graph it was gathered on: run "
                "qopt-calibrate again";
      return;
    }
    if (stats->prepare != prepare) {
      fail() << "was gathered on the graph prepared with '" << stats->prepare
             << "', but this graph is prepared with '" << prepare
             << "': run qopt-calibrate with the same prepare options";
      return;
    }
    if (stats->fingerprint != qopt::graphFingerprint(func))
      fail() << "was gathered on another graph: the prepared '"
             << func.getName()
             << "' differs (its weights or ops changed since calibration): "
                "run qopt-calibrate again";
  }
};

} // namespace
