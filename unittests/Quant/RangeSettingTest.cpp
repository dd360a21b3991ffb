//===- RangeSettingTest.cpp - Histogram and weight range setting ----------===//
//
// Errors are re-measured here independently of the library's model: by
// quantizing many points spread over each histogram bin.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qopt;

namespace {

Histogram uniform(double min, double max, size_t bins, double count) {
  return Histogram{min, max, std::vector<double>(bins, count)};
}

/// A standard normal of mass `mass` over [min, max], plus one unit of mass
/// in each outermost bin when `outliers`.
Histogram gaussian(double min, double max, size_t bins, double mass,
                   bool outliers) {
  Histogram h{min, max, std::vector<double>(bins, 0.0)};
  double w = h.binWidth();
  for (size_t i = 0; i < bins; ++i) {
    double x = min + (double(i) + 0.5) * w;
    h.counts[i] = mass * w * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
  }
  if (outliers) {
    h.counts.front() += 1.0;
    h.counts.back() += 1.0;
  }
  return h;
}

/// Squared error of dequantize(quantize(x)) over the histogram, each bin's
/// mass split evenly over `perBin` points spread across the bin.
double sampledError(const Histogram &h, const QuantParams &p, int perBin = 64) {
  double w = h.binWidth(), error = 0.0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    if (h.counts[i] == 0.0)
      continue;
    for (int k = 0; k < perBin; ++k) {
      double x = h.min + (double(i) + (k + 0.5) / perBin) * w;
      double d = x - dequantize(quantize(x, p), p);
      error += h.counts[i] / perBin * d * d;
    }
  }
  return error;
}

TEST(Histogram, WidthAndTotal) {
  Histogram h = uniform(-1.0, 3.0, 8, 2.5);
  EXPECT_DOUBLE_EQ(h.binWidth(), 0.5);
  EXPECT_DOUBLE_EQ(h.total(), 20.0);
  Histogram empty{1.0, 2.0, {}};
  EXPECT_EQ(empty.binWidth(), 0.0);
  EXPECT_EQ(empty.total(), 0.0);
}

TEST(PercentileRange, UniformCutsEachTail) {
  Histogram h = uniform(-50.0, 50.0, 100, 10.0);
  auto expectRange = [&](double percentile, double lo, double hi) {
    auto r = percentileRange(h, percentile);
    EXPECT_NEAR(r.first, lo, 1e-9) << percentile;
    EXPECT_NEAR(r.second, hi, 1e-9) << percentile;
  };
  expectRange(90.0, -45.0, 45.0); // 5 % each side = 5 bins
  expectRange(91.0, -45.5, 45.5); // interpolated half way into a bin
  expectRange(99.9, -49.95, 49.95);
  expectRange(100.0, -50.0, 50.0);
  expectRange(150.0, -50.0, 50.0); // clamped to 100
  expectRange(0.0, 0.0, 0.0);      // the median
}

TEST(PercentileRange, OffsetAndZero) {
  // Not containing 0: no widening.
  auto r = percentileRange(uniform(10.0, 110.0, 100, 1.0), 90.0);
  EXPECT_NEAR(r.first, 15.0, 1e-9);
  EXPECT_NEAR(r.second, 105.0, 1e-9);
  // Containing 0, but the cut at 4 would exclude it.
  r = percentileRange(uniform(-1.0, 99.0, 100, 1.0), 90.0);
  EXPECT_EQ(r.first, 0.0);
  EXPECT_NEAR(r.second, 94.0, 1e-9);
  r = percentileRange(uniform(-99.0, 1.0, 100, 1.0), 90.0);
  EXPECT_NEAR(r.first, -94.0, 1e-9);
  EXPECT_EQ(r.second, 0.0);
}

TEST(PercentileRange, EmptyBinsAndOutliers) {
  // Empty edge bins are skipped even at percentile 100.
  Histogram h = uniform(-50.0, 50.0, 100, 10.0);
  for (int i = 0; i < 10; ++i)
    h.counts[i] = 0.0;
  auto r = percentileRange(h, 100.0);
  EXPECT_NEAR(r.first, -40.0, 1e-9);
  EXPECT_NEAR(r.second, 50.0, 1e-9);

  // 99.99 drops a 1-in-10^6 outlier on each side.
  Histogram g = gaussian(-50.0, 50.0, 2048, 1e6, /*outliers=*/true);
  r = percentileRange(g, 99.99);
  EXPECT_GT(r.first, -5.0);
  EXPECT_LT(r.first, -3.0);
  EXPECT_LT(r.second, 5.0);
  EXPECT_GT(r.second, 3.0);

  Histogram empty{-1.0, 2.0, std::vector<double>(16, 0.0)};
  EXPECT_EQ(percentileRange(empty, 99.0), std::make_pair(-1.0, 2.0));
}

TEST(HistogramSquaredError, MatchesSampling) {
  Histogram g = gaussian(-50.0, 50.0, 2048, 1e6, /*outliers=*/true);
  for (unsigned bits : {4u, 8u})
    for (auto [lo, hi] :
         {std::make_pair(-50.0, 50.0), {-4.0, 4.0}, {-2.0, 6.0}, {0.0, 3.0}}) {
      QuantParams p = chooseAsymmetric(lo, hi, bits);
      double model = histogramSquaredError(g, p);
      EXPECT_NEAR(model, sampledError(g, p), 0.02 * model)
          << bits << " bits [" << lo << ", " << hi << "]";
    }
}

TEST(MseRange, GaussianWithOutliersIsClipped) {
  Histogram g = gaussian(-50.0, 50.0, 2048, 1e6, /*outliers=*/true);
  for (unsigned bits : {4u, 8u}) {
    SCOPED_TRACE(bits);
    auto [lo, hi] = mseRange(g, bits);
    EXPECT_LE(lo, 0.0);
    EXPECT_GE(hi, 0.0);
    // Two outliers of mass 1 against 10^6: at 8 bits the optimum still
    // spends some range on them (about +-14), at 4 bits hardly any.
    EXPECT_GT(lo, bits == 4 ? -5.0 : -20.0);
    EXPECT_LT(hi, bits == 4 ? 5.0 : 20.0);
    double mse = sampledError(g, chooseAsymmetric(lo, hi, bits));
    double minMax = sampledError(g, chooseAsymmetric(g.min, g.max, bits));
    EXPECT_LT(mse, 0.5 * minMax);
    // And no worse than the ranges a user would try by hand.
    for (double c : {2.0, 3.0, 4.0, 6.0, 10.0, 14.0, 20.0})
      EXPECT_LE(mse, 1.01 * sampledError(g, chooseAsymmetric(-c, c, bits)))
          << c;
  }
}

TEST(MseRange, UniformKeepsFullRange) {
  Histogram h = uniform(-1.0, 1.0, 1000, 100.0);
  auto [lo, hi] = mseRange(h, 8);
  EXPECT_NEAR(lo, -1.0, 0.01);
  EXPECT_NEAR(hi, 1.0, 0.01);
  Histogram positive = uniform(2.0, 6.0, 1000, 100.0);
  std::tie(lo, hi) = mseRange(positive, 8);
  EXPECT_EQ(lo, 0.0);
  EXPECT_NEAR(hi, 6.0, 0.06);
}

TEST(MseRange, Degenerate) {
  EXPECT_EQ(mseRange(Histogram{1.0, 2.0, {}}, 8), std::make_pair(0.0, 2.0));
  EXPECT_EQ(mseRange(Histogram{-3.0, -3.0, {5.0}}, 8),
            std::make_pair(-3.0, 0.0));
  EXPECT_EQ(mseRange(Histogram{-1.0, 2.0, {0.0, 0.0}}, 8),
            std::make_pair(-1.0, 2.0));
}

std::vector<float> gaussianWeights(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(n);
  for (float &x : w)
    x = normal(rng);
  return w;
}

double maxAbs(llvm::ArrayRef<float> w) {
  double m = 0.0;
  for (float x : w)
    m = std::max(m, std::fabs(double(x)));
  return m;
}

TEST(MseClipSymmetric, OutlierIsClipped) {
  std::vector<float> w = gaussianWeights(4096, 1);
  w.push_back(-12.0f);
  for (unsigned bits : {4u, 8u}) {
    SCOPED_TRACE(bits);
    double clip = mseClipSymmetric(w, bits);
    EXPECT_GT(clip, 0.0);
    EXPECT_LT(clip, 12.0);
    double mse = squaredError(w, chooseSymmetric(clip, bits));
    EXPECT_LE(mse, squaredError(w, chooseSymmetric(12.0, bits)));
    // Near the best of a dense scan.
    double best = INFINITY;
    for (int k = 1; k <= 2000; ++k)
      best = std::min(best,
                      squaredError(w, chooseSymmetric(12.0 * k / 2000, bits)));
    EXPECT_LE(mse, 1.02 * best);
  }
  // The error is measured independently of squaredError as well.
  double clip = mseClipSymmetric(w, 4);
  QuantParams p{clip / 7.0, 0, -7, 7};
  double e = 0.0;
  for (float x : w) {
    double q = std::clamp(std::nearbyint(x / p.scale), -7.0, 7.0);
    e += (x - q * p.scale) * (x - q * p.scale);
  }
  EXPECT_NEAR(squaredError(w, chooseSymmetric(clip, 4)), e, 1e-9 * e);
}

TEST(MseClipSymmetric, UniformKeepsMax) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> w(8192);
  for (float &x : w)
    x = u(rng);
  double clip = mseClipSymmetric(w, 8);
  EXPECT_LE(clip, maxAbs(w));
  EXPECT_GE(clip, 0.98 * maxAbs(w));
}

TEST(MseClipSymmetric, Degenerate) {
  EXPECT_EQ(mseClipSymmetric(llvm::ArrayRef<float>(), 8), 0.0);
  std::vector<float> zeros(10, 0.0f);
  EXPECT_EQ(mseClipSymmetric(zeros, 8), 0.0);
  std::vector<float> one = {0.0f, -0.5f};
  EXPECT_EQ(mseClipSymmetric(one, 8), 0.5);
}

} // namespace
