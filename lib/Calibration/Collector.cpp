//===- Collector.cpp - Accumulate one tensor's statistics -----------------===//

#include "qopt/Calibration/Collector.h"

#include <algorithm>
#include <cmath>

namespace qopt {

template <typename T>
void HistogramCollector::observeRange(llvm::ArrayRef<T> values) {
  for (T v : values) {
    if (!std::isfinite(v)) {
      ++nonFinite;
      continue;
    }
    if (!seenFinite) {
      hist.min = hist.max = v;
      seenFinite = true;
    }
    hist.min = std::min<double>(hist.min, v);
    hist.max = std::max<double>(hist.max, v);
  }
}

void HistogramCollector::beginHistogram(unsigned bins) {
  hist.counts.assign(bins, 0.0);
}

template <typename T>
void HistogramCollector::observeHistogram(llvm::ArrayRef<T> values) {
  double range = hist.max - hist.min;
  double scale = range > 0.0 ? double(hist.counts.size()) / range : 0.0;
  double last = double(hist.counts.size() - 1);
  for (T v : values) {
    if (!std::isfinite(v))
      continue;
    double bin =
        std::clamp(std::floor((double(v) - hist.min) * scale), 0.0, last);
    hist.counts[size_t(bin)] += 1.0;
  }
}

template void HistogramCollector::observeRange(llvm::ArrayRef<float>);
template void HistogramCollector::observeRange(llvm::ArrayRef<double>);
template void HistogramCollector::observeHistogram(llvm::ArrayRef<float>);
template void HistogramCollector::observeHistogram(llvm::ArrayRef<double>);

} // namespace qopt
