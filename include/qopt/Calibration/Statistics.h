//===- Statistics.h - Calibration statistics file ---------------*- C++ -*-===//
//
// What `qopt-calibrate` measures and `qopt-quantize` reads: per activation
// tensor (canonical order, see ActivationTensors.h) its min, max and a
// histogram over [min, max], and the mean of each channel (innermost
// dimension). The file also records how the graph was prepared and a
// fingerprint of the prepared graph, so that statistics of another graph are
// refused (qopt-check-statistics). Stored as JSON:
//
//   {"format": "qopt-stats", "version": 1, "function": "main",
//    "samples": 64, "prepare": "equalize=false absorb-high-bias=false",
//    "fingerprint": "9f86d081884c7d65",
//    "tensors": [{"id": 0, "source": "arg", "shape": [1, 8, 8, 3],
//                 "min": -1.2, "max": 3.4, "histogram": [..2048 counts..],
//                 "channel_mean": [0.1, 0.5, -0.2]},
//                ...]}
//
// "prepare", "fingerprint" and "channel_mean" are optional.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CALIBRATION_STATISTICS_H
#define QOPT_CALIBRATION_STATISTICS_H

#include "qopt/Quant/QuantMath.h"

#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace qopt {

struct TensorStatistics {
  unsigned id = 0;
  std::string source; // "arg" or the producing op's name
  std::vector<int64_t> shape;
  Histogram histogram; // min/max of the data and its histogram
  /// NaN and infinite values left out of the histogram (not stored).
  int64_t nonFinite = 0;
  std::vector<double> channelMean; // per innermost index; empty if unknown
};

struct CalibrationStatistics {
  std::string function;
  int64_t samples = 0;
  std::string prepare;     // PrepareConfig::str() of the calibrated graph
  std::string fingerprint; // graphFingerprint() of the calibrated function
  std::vector<TensorStatistics> tensors;
};

/// Writes `stats` to `path` atomically (a temporary file renamed into place).
llvm::Error writeStatistics(const CalibrationStatistics &stats,
                            llvm::StringRef path);

/// Reads a statistics file; the error message names the file and what is
/// wrong with it.
llvm::Expected<CalibrationStatistics> readStatistics(llvm::StringRef path);

} // namespace qopt

#endif // QOPT_CALIBRATION_STATISTICS_H
