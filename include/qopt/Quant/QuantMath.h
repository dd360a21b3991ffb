//===- QuantMath.h - Quantization numerics ----------------------*- C++ -*-===//
//
// The scalar arithmetic every qopt pass shares: choosing scales and zero
// points, rounding, the fixed-point multiplier of requantization (TOSA
// `apply_scale`), and range setting on histograms and weights. All of it is
// pure C++ with no MLIR dependency so that it can be unit tested exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_QUANT_QUANTMATH_H
#define QOPT_QUANT_QUANTMATH_H

#include <cstdint>
#include <utility>
#include <vector>

#include "llvm/ADT/ArrayRef.h"

namespace qopt {

/// Affine quantization of one tensor (or one channel):
/// q = clamp(round_half_even(x / scale) + zeroPoint, qmin, qmax).
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = -128;
  int64_t qmax = 127;
};

/// Signed integer range of a `bits`-wide storage: [-2^(bits-1), 2^(bits-1)-1].
std::pair<int64_t, int64_t> signedRange(unsigned bits);

/// Asymmetric parameters for activations: the range is first extended to
/// contain 0 (so that zero is exact), scale = (max - min) / (qmax - qmin),
/// zero point rounded and clamped into [qmin, qmax]. A degenerate range
/// (max == min) gets a tiny positive scale instead of 0.
QuantParams chooseAsymmetric(double min, double max, unsigned bits);

/// Symmetric parameters for weights: zero point 0 and the narrow range
/// [-(2^(bits-1)-1), 2^(bits-1)-1] (so that -128 never appears in int8
/// weights), scale = absMax / qmax.
QuantParams chooseSymmetric(double absMax, unsigned bits);

/// Round half to even (IEEE roundeven).
double roundHalfEven(double x);

/// Quantizes one value with the reference formula above, saturating.
int64_t quantize(double x, const QuantParams &p);

/// Dequantizes: scale * (q - zeroPoint).
double dequantize(int64_t q, const QuantParams &p);

/// A real multiplier M > 0 written as multiplier * 2^-shift, TOSA style:
/// multiplier in [2^30, 2^31) and shift in [2, 62] (M is clamped into the
/// representable range; an M of 0 gives multiplier 0, shift 2).
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int8_t shift = 0;
};

/// Decomposes M with relative error below 2^-31 for M in [2^-31, 2^30].
FixedPointMultiplier decomposeMultiplier(double m);

/// TOSA `apply_scale_32`: round(value * multiplier / 2^shift) with the
/// specification's rounding (SINGLE_ROUND adds 2^(shift-1) before the
/// arithmetic shift; DOUBLE_ROUND additionally rounds away from zero once
/// more when shift > 31), saturated to int32 as the spec requires.
int32_t applyScale32(int32_t value, int32_t multiplier, int8_t shift,
                     bool doubleRound);

/// Histogram over [min, max] with equal-width bins.
struct Histogram {
  double min = 0.0;
  double max = 0.0;
  std::vector<double> counts;

  double binWidth() const;
  double total() const;
};

/// [lo, hi] keeping `percentile` percent of the mass (e.g. 99.99): the
/// (100 - percentile)/2 tails are cut on each side, linearly interpolated
/// inside a bin. Always contains 0 when the histogram does.
std::pair<double, double> percentileRange(const Histogram &h,
                                          double percentile);

/// Clipping range minimizing the expected squared quantization error
/// (clipping + rounding noise) of an asymmetric `bits` quantizer over the
/// histogram, by a coarse-to-fine search over [lo, hi] sub-ranges.
std::pair<double, double> mseRange(const Histogram &h, unsigned bits);

/// Symmetric clip value c in (0, max|w|] minimizing sum (w - q_c(w))^2 for a
/// symmetric `bits` quantizer with scale c / qmax (grid + refinement).
double mseClipSymmetric(llvm::ArrayRef<float> w, unsigned bits);

} // namespace qopt

#endif // QOPT_QUANT_QUANTMATH_H
