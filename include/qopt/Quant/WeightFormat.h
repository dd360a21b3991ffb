//===- WeightFormat.h - Weight formats below and at 8 bits ------*- C++ -*-===//
//
// How the weights of one conv / depthwise / matmul layer are put on an
// integer grid: uniform b-bit, ternary, binary, or piecewise linear (PWLQ).
// Every format yields plain integer weights times one scale per output
// channel, so that the integer graph is an ordinary int8 convolution and the
// kernels pack a layer by the set of distinct integers it uses (at most
// 2^b of them for a b-bit format). Pure C++, unit tested exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_QUANT_WEIGHTFORMAT_H
#define QOPT_QUANT_WEIGHTFORMAT_H

#include "qopt/Quant/QuantMath.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qopt {

enum class WeightScheme { Uniform, Pwlq, Ternary, Binary };

/// A layer's weight format: `bits` is the width of the code the kernels
/// pack (2 for ternary, 1 for binary).
struct WeightFormat {
  WeightScheme scheme = WeightScheme::Uniform;
  unsigned bits = 8;

  /// "uniform", "pwlq", "ternary" or "binary".
  llvm::StringRef schemeName() const;
  /// The `weight-bits` spelling: "4", "ternary", "binary".
  std::string bitsName() const;
  bool operator==(const WeightFormat &o) const {
    return scheme == o.scheme && bits == o.bits;
  }
};

/// Parses a `weight-bits` value (2..8, `ternary` or `binary`) together with
/// a `weight-quant` value (`uniform` or `pwlq`). PWLQ needs a width of at
/// least 3 bits (one region bit plus a centre region with a zero and a
/// level on each side) and is not defined for ternary or binary.
llvm::Expected<WeightFormat> parseWeightFormat(llvm::StringRef bits,
                                               llvm::StringRef quant);

/// Ternary weights of one channel (TWN, Li et al. 2016): threshold
/// Δ = 0.7·mean|w|, values sign(w) where |w| > Δ and 0 elsewhere, scale
/// α = mean |w| over |w| > Δ (kMinScale when no |w| exceeds Δ).
double ternaryThreshold(llvm::ArrayRef<float> w);
double ternaryScale(llvm::ArrayRef<float> w, double threshold);
int64_t ternaryValue(float x, double threshold);

/// Binary weights of one channel: values +1 for w >= 0 and -1 below (never
/// 0), scale α = mean|w| (kMinScale for all-zero weights).
double binaryScale(llvm::ArrayRef<float> w);

/// The PWLQ grid of one channel, in integer units of the centre step s1:
/// centre levels 0, ±1..±L1 (L1 = 2^(b-2) - 1, the breakpoint p = L1·s1)
/// and tail levels ±(L1 + j·i) for i = 1..L2 (L2 = 2^(b-2)), j the layer's
/// tail step (s2 = j·s1; j = 1 is uniform narrow symmetric b-bit). A b-bit
/// grid has 2^b - 1 levels.
struct PwlqGrid {
  unsigned bits = 4;
  int64_t tailStep = 1;
  double scale = 1.0;

  int64_t centreLevels() const { return (int64_t(1) << (bits - 2)) - 1; }
  int64_t tailLevels() const { return int64_t(1) << (bits - 2); }
  /// The largest integer value, L1 + j·L2.
  int64_t maxValue() const { return centreLevels() + tailStep * tailLevels(); }
  double breakpoint() const { return scale * double(centreLevels()); }
  /// The nearest level to x / scale: with level index k = t in the centre
  /// and L1 + (t - L1) / j in the tails (t = |x| / scale), k is rounded half
  /// to even and clamped to L1 + L2, then mapped back to its value with
  /// x's sign. Ties thus go to the even level index, which at j = 1 is
  /// exactly qopt::quantize on the narrow symmetric grid.
  int64_t quantize(double x) const;
  /// Every integer value of the grid, ascending.
  std::vector<int64_t> codebook() const;
};

/// The largest tail step whose values stay within the kernels' ±64 below 8
/// bits (±127 at 8 bits).
int64_t pwlqMaxTailStep(unsigned bits);

/// The paper's closed-form breakpoint for a Gaussian: in units of the
/// channel's standard deviation σ, p̃ = ln(0.8614·m̃ + 0.6079) with
/// m̃ = max|w| / σ; returned as p̃·σ, capped to max|w| (0 for a constant
/// channel).
double pwlqClosedFormBreakpoint(llvm::ArrayRef<float> w);

/// sum (w - scale·quantize(w))^2 on the grid; with `importance` (one
/// non-negative factor per weight, e.g. its input's second moment, so that
/// the sum approximates the output error), each term times its factor.
double pwlqSquaredError(llvm::ArrayRef<float> w, const PwlqGrid &grid,
                        llvm::ArrayRef<double> importance = {});

/// The grid of one channel for a given width and tail step whose breakpoint
/// p minimizes pwlqSquaredError: minimizeOnInterval over the clip
/// m = p + j·L2·s1 in (0, max|w|] (m is proportional to p), seeded with the
/// closed form. All-zero weights get scale kMinScale. With `importance`,
/// the weighted error is minimized.
PwlqGrid searchPwlqChannel(llvm::ArrayRef<float> w, unsigned bits,
                           int64_t tailStep,
                           llvm::ArrayRef<double> importance = {});

/// A weight tensor on its integer grid. Element i of the row-major weights
/// belongs to channel (i / stride) % channels and dequantizes to
/// scales[channel] · values[i].
struct QuantizedWeights {
  std::vector<int64_t> values;
  std::vector<double> scales;
  /// Storage range of the quantized type (every value lies inside it).
  int64_t qmin = 0, qmax = 0;
  /// PWLQ only: the layer's tail step j and each channel's breakpoint p.
  int64_t tailStep = 0;
  std::vector<double> breakpoints;
};

/// Quantizes a weight tensor in `format`: uniform by `range` (min-max or
/// MSE clipping); ternary and binary by their closed forms; PWLQ with each
/// channel's breakpoint searched for every tail step 1..pwlqMaxTailStep and
/// the layer's step chosen by the total squared error (ties keep the
/// smaller step). `importance` (empty, or one factor per weight) weights
/// PWLQ's errors as pwlqSquaredError does.
QuantizedWeights quantizeWeightTensor(llvm::ArrayRef<float> w, int64_t channels,
                                      int64_t stride, WeightFormat format,
                                      WeightRange range,
                                      llvm::ArrayRef<double> importance = {});

} // namespace qopt

#endif // QOPT_QUANT_WEIGHTFORMAT_H
