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
#include "llvm/ADT/STLFunctionalExtras.h"

namespace qopt {

/// Affine quantization of one tensor (or one channel):
/// q = clamp(round_half_even(x / scale) + zeroPoint, qmin, qmax).
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  int64_t qmin = -128;
  int64_t qmax = 127;
};

/// Signed integer range of a `bits`-wide storage: [-2^(bits-1), 2^(bits-1)-1]
/// (bits in [1, 63]).
std::pair<int64_t, int64_t> signedRange(unsigned bits);

/// Asymmetric parameters for activations: the range is first extended to
/// contain 0 (so that zero is exact), scale = (max - min) / (qmax - qmin),
/// zero point rounded (half to even) and clamped into [qmin, qmax]; 0.0 then
/// quantizes to zeroPoint and dequantizes to exactly 0.0. A degenerate range
/// (both ends 0 after widening) gets kMinScale instead of 0, zero point qmin.
/// Requires finite min <= max and bits in [2, 32].
QuantParams chooseAsymmetric(double min, double max, unsigned bits);

/// Symmetric parameters for weights: zero point 0 and the narrow range
/// [-(2^(bits-1)-1), 2^(bits-1)-1] (so that -128 never appears in int8
/// weights), scale = absMax / qmax; absMax == 0 gives kMinScale. Requires a
/// finite absMax >= 0 and bits in [2, 32].
QuantParams chooseSymmetric(double absMax, unsigned bits);

/// The symmetric narrow-range `bits` parameters with a given scale > 0.
QuantParams symmetricWithScale(double scale, unsigned bits);

/// The scale given to an all-zero range: float32 epsilon (2^-23), which
/// survives storage as f32 and keeps every scale strictly positive.
constexpr double kMinScale = 1.1920928955078125e-7;

/// Round half to even (IEEE roundeven).
double roundHalfEven(double x);

/// Quantizes one value with the reference formula above (a true division by
/// the scale, not a multiplication by its reciprocal, so that ties are
/// decided on x / scale), saturating to [qmin, qmax]; NaN gives zeroPoint.
int64_t quantize(double x, const QuantParams &p);

/// Dequantizes: scale * (q - zeroPoint).
double dequantize(int64_t q, const QuantParams &p);

/// A real multiplier M >= 0 written as multiplier * 2^-shift, TOSA style:
/// multiplier in [2^30, 2^31) and shift in [2, 62], so representable M lie in
/// [2^-32, (2^31-1) * 2^-2] (just below 2^29). Out-of-range M are clamped:
/// larger M (and +inf) give {2^31-1, 2}, positive M below 2^-32 give
/// {2^30, 62} (= 2^-32: every int32 then scales to 0, except INT32_MIN,
/// an exact -0.5, which gives -1 with DOUBLE_ROUND). M == 0 gives {0, 2}. Note
/// MLIR's tosa::computeMultiplierAndShift instead shifts the multiplier below
/// 2^30 for tiny M and does not clamp large M.
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int8_t shift = 0;
};

/// Decomposes M (finite or +inf, >= 0; NaN and negative M are asserted
/// against) with relative error at most 2^-31 for M in [2^-32, 2^29): the
/// 31-bit mantissa is rounded to nearest, and a rounding that carries into
/// 2^31 halves the multiplier and decrements the shift.
FixedPointMultiplier decomposeMultiplier(double m);

/// TOSA 1.0 `apply_scale_32` (pseudocode/library/scale_helpers.tosac of
/// the TOSA specification, v1.0.0), bit for bit:
///   round = 1 << (shift - 1)
///   if (doubleRound && shift > 31) round += value >= 0 ? 1<<30 : -(1<<30)
///   result = ((int64_t)value * multiplier + round) >> shift  // arithmetic
/// With x = value * multiplier / 2^shift: SINGLE_ROUND is floor(x + 1/2),
/// i.e. round half toward +infinity (-1.5 -> -1, not -2). DOUBLE_ROUND is
/// identical for shift <= 31; for shift > 31 it is floor(x + 1/2 + d) with
/// d = +-2^(30-shift) by the sign of `value`: exact ties go away from zero
/// (-1.5 -> -2), and so do values up to d short of a tie (at shift 32,
/// 0.25 -> 1 and -0.2500001 -> -1, while -0.25 -> 0). For value >= 0 this
/// equals rounding half up at 2^31 and then again at 2^(shift-31).
/// Requires (asserted, spec REQUIREs) multiplier >= 0 and shift in [2, 62];
/// the int64 intermediate cannot overflow for any int32 value then. The spec
/// also REQUIREs value in [-2^(shift-1), 2^(shift-1)), which keeps the result
/// within int32; values outside it are accepted here and the result is
/// saturated to int32 (the spec leaves it unpredictable).
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
/// inside a bin (percentile clamped to [0, 100]; 100 keeps the outer edges
/// of the first and last non-empty bins). Always contains 0 when the
/// histogram does. An empty histogram gives {min, max}.
std::pair<double, double> percentileRange(const Histogram &h,
                                          double percentile);

/// Expected squared quantization error, summed over the histogram's mass
/// (each bin's mass uniform over the bin), of dequantize(quantize(x, p)):
/// the squared clipping distance for mass outside the representable
/// [scale * (qmin - zp), scale * (qmax - zp)] and the exact rounding error
/// inside it (integrated in closed form, not the scale^2 / 12 noise model,
/// which is far off when the mass spans only a few steps).
double histogramSquaredError(const Histogram &h, const QuantParams &p);

/// Clipping range minimizing the expected squared quantization error
/// (clipping + rounding noise) of an asymmetric `bits` quantizer over the
/// histogram (histogramSquaredError of chooseAsymmetric(lo, hi, bits)), by a
/// coarse-to-fine search over [lo, hi] sub-ranges of [min, max]. The result
/// is widened to contain 0, as chooseAsymmetric would; an empty or
/// zero-width histogram gives its own range widened to contain 0.
std::pair<double, double> mseRange(const Histogram &h, unsigned bits);

/// Clipping range minimizing the KL divergence between the histogram and
/// its `bits`-bit quantization, TensorRT's entropy calibration adapted to
/// asymmetric ranges (the algorithm is documented with qopt-quantize's
/// act-range=kl): windows of i = 2^bits..N bins, [s, s + i) with
/// s = floor(z·(N − i)/N + 1/2) for zero at bin position z = −min/width
/// (clamped to [0, N]), shrink toward zero. Returns the best window's edges
/// widened to contain 0; a histogram of at most 2^bits bins, or empty or
/// zero-width, gives its own range widened to contain 0.
std::pair<double, double> klRange(const Histogram &h, unsigned bits);

/// The integer grid of uniform `bits` weights: narrow symmetric
/// [-(2^(b-1)-1), 2^(b-1)-1] from 3 bits up (so that -128 never appears at 8
/// bits), and the full signed range [-2, 1] at 2 bits, where the narrow
/// range would be ternary's {-1, 0, 1}. Requires bits in [2, 32].
std::pair<int64_t, int64_t> uniformWeightRange(unsigned bits);

/// The uniform `bits` weight parameters with a given scale > 0.
QuantParams uniformWeightParams(double scale, unsigned bits);

/// The uniform `bits` weight parameters whose largest-magnitude level is
/// `clip` >= 0: scale clip / 2 at 2 bits (the -2 level reaches -clip, the +1
/// level clip / 2), chooseSymmetric(clip, bits) above; 0 gives kMinScale.
QuantParams uniformWeightParamsForClip(double clip, unsigned bits);

/// The x in (0, hi] minimizing `error`, by a grid of 100 steps from hi down
/// (plus the `seeds` inside the interval) refined three times tenfold
/// around the best; ties keep the earlier candidate, hi first. hi > 0.
double minimizeOnInterval(llvm::function_ref<double(double)> error, double hi,
                          llvm::ArrayRef<double> seeds = {});

/// sum (w - dequantize(quantize(w, p)))^2.
double squaredError(llvm::ArrayRef<float> w, const QuantParams &p);

/// Clip value c in (0, max|w|] minimizing squaredError(w,
/// uniformWeightParamsForClip(c, bits)) (minimizeOnInterval; ties keep the
/// larger c). Returns 0 for empty or all-zero weights.
double mseClipSymmetric(llvm::ArrayRef<float> w, unsigned bits);

/// How a weight channel's clip value is chosen: its max |w|, or
/// mseClipSymmetric.
enum class WeightRange { MinMax, Mse };

/// The uniform `bits` parameters of every channel of a weight tensor, as
/// qopt quantizes weights: element i of the row-major `w` belongs to channel
/// (i / stride) % channels (one channel: per tensor), and each channel is
/// clipped by `range` (uniformWeightParamsForClip of max|w| or of
/// mseClipSymmetric).
std::vector<QuantParams> chooseWeightParams(llvm::ArrayRef<float> w,
                                            int64_t channels, int64_t stride,
                                            unsigned bits, WeightRange range);

} // namespace qopt

#endif // QOPT_QUANT_QUANTMATH_H
