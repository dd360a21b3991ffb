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
// "prepare", "fingerprint" and "channel_mean" are optional. So is
// "before_absorption", written when the graph was prepared with high-bias
// absorption and some layer it shifts records no batch norm statistics: the
// per-channel mean and standard deviation of those layers' pre-activations,
// measured on the graph before absorption (whose fingerprint it records), from
// which qopt-absorb-high-bias takes the offsets to absorb:
//
//   "before_absorption": {"fingerprint": "0f1e2d3c4b5a6978",
//     "tensors": [{"id": 3, "channel_mean": [2.5, 0.1],
//                  "channel_std": [0.4, 1.2]}, ...]}
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CALIBRATION_STATISTICS_H
#define QOPT_CALIBRATION_STATISTICS_H

#include "qopt/Quant/QuantMath.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"
#include <optional>
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

/// Per-channel (innermost index) mean and standard deviation of one
/// activation.
struct ChannelMoments {
  unsigned id = 0;
  std::vector<double> mean, std;
};

/// The pre-activations that high-bias absorption takes from data, measured
/// on the graph before absorption.
struct AbsorptionStatistics {
  std::string fingerprint; // graphFingerprint() before absorption
  std::vector<ChannelMoments> tensors;
};

struct CalibrationStatistics {
  std::string function;
  int64_t samples = 0;
  std::string prepare;     // PrepareConfig::str() of the calibrated graph
  std::string fingerprint; // graphFingerprint() of the calibrated function
  std::vector<TensorStatistics> tensors;
  std::optional<AbsorptionStatistics> beforeAbsorption;
};

/// Writes `stats` to `path` atomically (a temporary file renamed into place).
llvm::Error writeStatistics(const CalibrationStatistics &stats,
                            llvm::StringRef path);

/// Reads a statistics file; the error message names the file and what is
/// wrong with it.
llvm::Expected<CalibrationStatistics> readStatistics(llvm::StringRef path);

/// The statistics in `buffer` (its identifier names it in errors), checked
/// as readStatistics checks them.
llvm::Expected<CalibrationStatistics>
parseStatistics(llvm::MemoryBufferRef buffer);

} // namespace qopt

#endif // QOPT_CALIBRATION_STATISTICS_H
