//===- Collector.h - Accumulate one tensor's statistics ---------*- C++ -*-===//
//
// Two passes over the same samples: the first finds the range, the second
// counts values into equal-width bins over that final range, so that no bin
// is ever re-scaled.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CALIBRATION_COLLECTOR_H
#define QOPT_CALIBRATION_COLLECTOR_H

#include "qopt/Quant/QuantMath.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace qopt {

class HistogramCollector {
public:
  /// Pass 1: widens [min, max] to the finite values.
  template <typename T> void observeRange(llvm::ArrayRef<T> values);

  /// Ends pass 1: the histogram gets `bins` (> 0) empty bins over the range
  /// seen ([0, 0] if no finite value was seen).
  void beginHistogram(unsigned bins);

  /// Pass 2: bin i counts the values in [min + i*w, min + (i+1)*w), the last
  /// bin includes max; values outside [min, max] are clamped into the end
  /// bins. With min == max every value lands in bin 0.
  template <typename T> void observeHistogram(llvm::ArrayRef<T> values);

  const Histogram &histogram() const { return hist; }

  /// NaN and infinite values seen in pass 1; they are left out of both the
  /// range and the histogram.
  int64_t nonFiniteCount() const { return nonFinite; }

private:
  Histogram hist;
  bool seenFinite = false;
  int64_t nonFinite = 0;
};

extern template void HistogramCollector::observeRange(llvm::ArrayRef<float>);
extern template void HistogramCollector::observeRange(llvm::ArrayRef<double>);
extern template void
    HistogramCollector::observeHistogram(llvm::ArrayRef<float>);
extern template void
    HistogramCollector::observeHistogram(llvm::ArrayRef<double>);

} // namespace qopt

#endif // QOPT_CALIBRATION_COLLECTOR_H
