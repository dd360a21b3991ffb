//===- QuantMath.cpp - Quantization numerics ------------------------------===//
//
// Implementation of the scalar numerics declared in QuantMath.h.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/QuantMath.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace qopt;

std::pair<int64_t, int64_t> qopt::signedRange(unsigned bits) {
  assert(bits >= 1 && bits <= 63 && "unsupported storage width");
  int64_t half = int64_t(1) << (bits - 1);
  return {-half, half - 1};
}

QuantParams qopt::chooseAsymmetric(double min, double max, unsigned bits) {
  assert(bits >= 2 && bits <= 32 && "unsupported storage width");
  assert(std::isfinite(min) && std::isfinite(max) && min <= max &&
         "invalid range");
  // Widening to contain 0 lets the zero point represent 0.0 exactly, which
  // padding and ReLU rely on.
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  QuantParams p;
  std::tie(p.qmin, p.qmax) = signedRange(bits);
  p.scale = max > min ? (max - min) / double(p.qmax - p.qmin) : kMinScale;
  double zp = roundHalfEven(double(p.qmin) - min / p.scale);
  p.zeroPoint = int64_t(std::clamp(zp, double(p.qmin), double(p.qmax)));
  return p;
}

QuantParams qopt::chooseSymmetric(double absMax, unsigned bits) {
  assert(std::isfinite(absMax) && absMax >= 0.0 && "invalid absMax");
  double qmax = double(signedRange(bits).second);
  return symmetricWithScale(absMax > 0.0 ? absMax / qmax : kMinScale, bits);
}

QuantParams qopt::symmetricWithScale(double scale, unsigned bits) {
  assert(bits >= 2 && bits <= 32 && "unsupported storage width");
  assert(scale > 0.0 && "invalid scale");
  QuantParams p;
  p.qmax = signedRange(bits).second;
  p.qmin = -p.qmax;
  p.zeroPoint = 0;
  p.scale = scale;
  return p;
}

double qopt::roundHalfEven(double x) {
  // Unlike std::nearbyint, independent of the floating-point environment.
  return __builtin_roundeven(x);
}

int64_t qopt::quantize(double x, const QuantParams &p) {
  if (std::isnan(x))
    return std::clamp(p.zeroPoint, p.qmin, p.qmax);
  // Clamping in double first keeps huge (or infinite) x / scale away from
  // an out-of-range integer conversion.
  double q = roundHalfEven(x / p.scale) + double(p.zeroPoint);
  return int64_t(std::clamp(q, double(p.qmin), double(p.qmax)));
}

double qopt::dequantize(int64_t q, const QuantParams &p) {
  return p.scale * double(q - p.zeroPoint);
}

FixedPointMultiplier qopt::decomposeMultiplier(double m) {
  assert(!std::isnan(m) && m >= 0.0 && "multiplier must be non-negative");
  constexpr int64_t kOne = int64_t(1) << 31;
  const FixedPointMultiplier kMax{std::numeric_limits<int32_t>::max(), 2};
  const FixedPointMultiplier kMin{int32_t(1) << 30, 62};
  if (m == 0.0)
    return {0, 2};
  if (std::isinf(m))
    return kMax;
  int exp;
  double mantissa = std::frexp(m, &exp); // m = mantissa * 2^exp, [0.5, 1)
  // Exact scaling by a power of two, then one rounding: the error is at most
  // half a unit of a multiplier >= 2^30, i.e. 2^-31 relative.
  int64_t multiplier = std::llround(std::ldexp(mantissa, 31));
  int shift = 31 - exp;
  if (multiplier == kOne) {
    multiplier /= 2;
    --shift;
  }
  if (shift < 2)
    return kMax;
  if (shift > 62)
    return kMin;
  return {int32_t(multiplier), int8_t(shift)};
}

int32_t qopt::applyScale32(int32_t value, int32_t multiplier, int8_t shift,
                           bool doubleRound) {
  assert(multiplier >= 0 && "TOSA REQUIRE(multiplier >= 0)");
  assert(shift >= 2 && shift <= 62 && "TOSA REQUIRE(2 <= shift <= 62)");
  // Follows apply_scale_32 in the TOSA 1.0 specification
  // (pseudocode/library/scale_helpers.tosac). |value * multiplier| <= 2^62
  // and round <= 2^61 + 2^30, so the int64 sum cannot overflow.
  int64_t round = int64_t(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  int64_t result = (int64_t(value) * multiplier + round) >> shift;
  // Only reachable when value violates the spec's REQUIRE on its range.
  return int32_t(std::clamp<int64_t>(result,
                                     std::numeric_limits<int32_t>::min(),
                                     std::numeric_limits<int32_t>::max()));
}

double Histogram::binWidth() const {
  return counts.empty() ? 0.0 : (max - min) / double(counts.size());
}

double Histogram::total() const {
  double sum = 0.0;
  for (double c : counts)
    sum += c;
  return sum;
}

std::pair<double, double> qopt::percentileRange(const Histogram &h,
                                                double percentile) {
  double total = h.total();
  if (total <= 0.0)
    return {h.min, h.max};
  double tail = (100.0 - std::clamp(percentile, 0.0, 100.0)) / 200.0 * total;
  double width = h.binWidth();
  size_t n = h.counts.size();

  // The bin where the cumulative mass from the left first reaches `tail`;
  // the cut is interpolated assuming its mass is spread uniformly.
  double lo = h.min, cum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double c = h.counts[i];
    if (c > 0.0 && cum + c >= tail) {
      lo = h.min + (double(i) + (tail - cum) / c) * width;
      break;
    }
    cum += c;
  }
  double hi = h.max;
  cum = 0.0;
  for (size_t i = n; i-- > 0;) {
    double c = h.counts[i];
    if (c > 0.0 && cum + c >= tail) {
      hi = h.min + (double(i + 1) - (tail - cum) / c) * width;
      break;
    }
    cum += c;
  }
  if (lo > hi) // Only by rounding, when nearly all mass is cut.
    lo = hi = 0.5 * (lo + hi);
  if (h.min <= 0.0 && h.max >= 0.0) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  return {lo, hi};
}

double qopt::histogramSquaredError(const Histogram &h, const QuantParams &p) {
  double width = h.binWidth();
  if (width <= 0.0)
    return 0.0;
  double lo = dequantize(p.qmin, p), hi = dequantize(p.qmax, p);
  double s = p.scale;
  auto cube = [](double x) { return x * x * x; };
  // Integral of the squared rounding error from lo - s/2 to x in [lo, hi]:
  // whole cells give s^3/12 each, the last one its partial integral. The
  // s^2/12 noise model alone is badly off when the mass spans few steps.
  auto rounding = [&](double x) {
    double v = (x - lo) / s + 0.5;
    double cells = std::floor(v);
    return s * s * s * (cells / 12.0 + cube(v - cells - 0.5) / 3.0 + 1 / 24.0);
  };
  double error = 0.0;
  for (size_t i = 0, n = h.counts.size(); i < n; ++i) {
    double c = h.counts[i];
    if (c <= 0.0)
      continue;
    double a = h.min + double(i) * width, b = a + width;
    // Clipping distance squared, integrated over the parts outside
    // [lo, hi], plus the rounding error over the part inside.
    double e = 0.0;
    if (a < lo)
      e += (cube(lo - a) - cube(lo - std::min(b, lo))) / 3.0;
    if (b > hi)
      e += (cube(b - hi) - cube(std::max(a, hi) - hi)) / 3.0;
    double inA = std::max(a, lo), inB = std::min(b, hi);
    if (inB > inA)
      e += rounding(inB) - rounding(inA);
    error += c / width * e;
  }
  return error;
}

std::pair<double, double> qopt::mseRange(const Histogram &h, unsigned bits) {
  double range = h.max - h.min;
  if (range <= 0.0 || h.total() <= 0.0)
    return {std::min(h.min, 0.0), std::max(h.max, 0.0)};
  auto error = [&](double lo, double hi) {
    return histogramSquaredError(h, chooseAsymmetric(lo, hi, bits));
  };
  double bestLo = h.min, bestHi = h.max;
  double bestError = error(bestLo, bestHi);
  auto consider = [&](double lo, double hi) {
    lo = std::clamp(lo, h.min, h.max);
    hi = std::clamp(hi, h.min, h.max);
    if (lo >= hi)
      return;
    double e = error(lo, hi);
    if (e < bestError) {
      bestError = e;
      bestLo = lo;
      bestHi = hi;
    }
  };
  // Coarse: every pair of cuts on a 64-step grid. The error is not convex
  // in (lo, hi) (zero-point rounding makes it ragged), hence a full grid
  // before any local refinement.
  constexpr int kCoarse = 64;
  double step = range / kCoarse;
  for (int i = 0; i < kCoarse; ++i)
    for (int j = 0; i + j < kCoarse; ++j)
      consider(h.min + i * step, h.max - j * step);
  // Fine: a 9x9 neighbourhood of the best pair at a quarter of the step,
  // until the step is far below a bin.
  constexpr int kRefinements = 8;
  for (int r = 0; r < kRefinements; ++r) {
    step /= 4.0;
    double centreLo = bestLo, centreHi = bestHi;
    for (int i = -4; i <= 4; ++i)
      for (int j = -4; j <= 4; ++j)
        consider(centreLo + i * step, centreHi + j * step);
  }
  return {std::min(bestLo, 0.0), std::max(bestHi, 0.0)};
}

/// Replaces zeros by 1e-4, taken evenly from the non-zero entries; false
/// when that would leave an entry non-positive (or all are zero).
static bool smoothDistribution(std::vector<double> &p) {
  constexpr double eps = 1e-4;
  size_t zeros = llvm::count(p, 0.0);
  if (zeros == p.size())
    return false;
  double eps1 = eps * double(zeros) / double(p.size() - zeros);
  for (double &x : p) {
    x += x == 0.0 ? eps : -eps1;
    if (x <= 0.0)
      return false;
  }
  return true;
}

/// KL(P‖Q) of the normalized distributions (all entries positive).
static double klDivergence(llvm::ArrayRef<double> p, llvm::ArrayRef<double> q) {
  double sp = 0.0, sq = 0.0;
  for (auto [a, b] : llvm::zip_equal(p, q)) {
    sp += a;
    sq += b;
  }
  double kl = 0.0;
  for (auto [a, b] : llvm::zip_equal(p, q))
    kl += a / sp * std::log((a / sp) / (b / sq));
  return kl;
}

std::pair<double, double> qopt::klRange(const Histogram &h, unsigned bits) {
  size_t n = h.counts.size();
  size_t levels = size_t(1) << bits;
  if (h.max <= h.min || h.total() <= 0.0 || n <= levels)
    return {std::min(h.min, 0.0), std::max(h.max, 0.0)};
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i)
    prefix[i + 1] = prefix[i] + h.counts[i];
  double zero = std::clamp(-h.min / h.binWidth(), 0.0, double(n));
  double best = std::numeric_limits<double>::infinity();
  size_t bestStart = 0, bestWidth = n;
  std::vector<double> p, q;
  for (size_t width = levels; width <= n; ++width) {
    auto start = size_t(std::floor(zero * double(n - width) / double(n) + 0.5));
    const double *window = h.counts.data() + start;
    // P: the window, the clipped mass in its end bins.
    p.assign(window, window + width);
    p.front() += prefix[start];
    p.back() += prefix[n] - prefix[start + width];
    // Q: `levels` groups of the window (the last takes the remainder), each
    // spread over its bins where P is non-zero.
    q.assign(width, 0.0);
    size_t merged = width / levels;
    for (size_t j = 0; j < levels; ++j) {
      size_t begin = j * merged, end = j + 1 == levels ? width : begin + merged;
      double sum = prefix[start + end] - prefix[start + begin];
      size_t nonzero = 0;
      for (size_t k = begin; k < end; ++k)
        nonzero += p[k] != 0.0;
      for (size_t k = begin; k < end && nonzero; ++k)
        q[k] = p[k] != 0.0 ? sum / double(nonzero) : 0.0;
    }
    if (!smoothDistribution(p) || !smoothDistribution(q))
      continue;
    double divergence = klDivergence(p, q);
    if (divergence < best) {
      best = divergence;
      bestStart = start;
      bestWidth = width;
    }
  }
  double lo = h.min + double(bestStart) * h.binWidth();
  double hi = h.min + double(bestStart + bestWidth) * h.binWidth();
  return {std::min(lo, 0.0), std::max(hi, 0.0)};
}

double qopt::squaredError(llvm::ArrayRef<float> w, const QuantParams &p) {
  double error = 0.0;
  for (float x : w) {
    double d = double(x) - dequantize(quantize(x, p), p);
    error += d * d;
  }
  return error;
}

std::pair<int64_t, int64_t> qopt::uniformWeightRange(unsigned bits) {
  assert(bits >= 2 && bits <= 32 && "unsupported storage width");
  if (bits == 2)
    return signedRange(2);
  int64_t qmax = signedRange(bits).second;
  return {-qmax, qmax};
}

QuantParams qopt::uniformWeightParams(double scale, unsigned bits) {
  assert(scale > 0.0 && "invalid scale");
  QuantParams p;
  std::tie(p.qmin, p.qmax) = uniformWeightRange(bits);
  p.scale = scale;
  return p;
}

QuantParams qopt::uniformWeightParamsForClip(double clip, unsigned bits) {
  assert(std::isfinite(clip) && clip >= 0.0 && "invalid clip");
  if (bits != 2)
    return chooseSymmetric(clip, bits);
  return uniformWeightParams(clip > 0.0 ? clip / 2.0 : kMinScale, bits);
}

double qopt::minimizeOnInterval(llvm::function_ref<double(double)> error,
                                double hi, llvm::ArrayRef<double> seeds) {
  assert(hi > 0.0 && "empty interval");
  double best = hi, bestError = error(hi);
  // Strict improvement only, so ties keep the earlier candidate.
  auto consider = [&](double x) {
    if (x <= 0.0 || x > hi)
      return;
    double e = error(x);
    if (e < bestError) {
      bestError = e;
      best = x;
    }
  };
  for (double x : seeds)
    consider(x);
  constexpr int kCoarse = 100;
  double step = hi / kCoarse;
  for (int k = kCoarse - 1; k >= 1; --k)
    consider(k * step);
  constexpr int kRefinements = 3;
  for (int r = 0; r < kRefinements; ++r) {
    step /= 10.0;
    double centre = best;
    for (int k = 10; k >= -10; --k)
      consider(centre + k * step);
  }
  return best;
}

double qopt::mseClipSymmetric(llvm::ArrayRef<float> w, unsigned bits) {
  double absMax = 0.0;
  for (float x : w)
    absMax = std::max(absMax, std::fabs(double(x)));
  if (absMax == 0.0)
    return 0.0;
  return minimizeOnInterval(
      [&](double clip) {
        return squaredError(w, uniformWeightParamsForClip(clip, bits));
      },
      absMax);
}

std::vector<QuantParams> qopt::chooseWeightParams(llvm::ArrayRef<float> w,
                                                  int64_t channels,
                                                  int64_t stride, unsigned bits,
                                                  WeightRange range) {
  assert(channels > 0 && stride > 0 && "invalid channel layout");
  std::vector<std::vector<float>> values(channels);
  for (size_t i = 0; i < w.size(); ++i)
    values[(int64_t(i) / stride) % channels].push_back(w[i]);
  std::vector<QuantParams> params;
  for (const std::vector<float> &channel : values) {
    double absMax = 0.0;
    for (float x : channel)
      absMax = std::max(absMax, std::fabs(double(x)));
    if (range == WeightRange::Mse)
      absMax = mseClipSymmetric(channel, bits);
    params.push_back(uniformWeightParamsForClip(absMax, bits));
  }
  return params;
}
