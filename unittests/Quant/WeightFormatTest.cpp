//===- WeightFormatTest.cpp - Weight formats below 8 bits -----------------===//

#include "qopt/Quant/WeightFormat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

using namespace qopt;

namespace {

std::vector<float> gaussianWeights(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> w(n);
  for (float &x : w)
    x = normal(rng);
  return w;
}

std::string parseError(llvm::StringRef bits, llvm::StringRef quant) {
  llvm::Expected<WeightFormat> f = parseWeightFormat(bits, quant);
  EXPECT_FALSE(bool(f));
  return f ? "" : llvm::toString(f.takeError());
}

TEST(WeightFormat, Parse) {
  for (unsigned bits = 2; bits <= 8; ++bits) {
    llvm::Expected<WeightFormat> f =
        parseWeightFormat(std::to_string(bits), "uniform");
    ASSERT_TRUE(bool(f));
    EXPECT_EQ(*f, (WeightFormat{WeightScheme::Uniform, bits}));
    EXPECT_EQ(f->bitsName(), std::to_string(bits));
  }
  llvm::Expected<WeightFormat> t = parseWeightFormat("ternary", "uniform");
  ASSERT_TRUE(bool(t));
  EXPECT_EQ(*t, (WeightFormat{WeightScheme::Ternary, 2}));
  EXPECT_EQ(t->bitsName(), "ternary");
  llvm::Expected<WeightFormat> b = parseWeightFormat("binary", "uniform");
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(*b, (WeightFormat{WeightScheme::Binary, 1}));
  llvm::Expected<WeightFormat> p = parseWeightFormat("3", "pwlq");
  ASSERT_TRUE(bool(p));
  EXPECT_EQ(*p, (WeightFormat{WeightScheme::Pwlq, 3}));
  EXPECT_EQ(p->schemeName(), "pwlq");
  for (const char *bad : {"1", "0", "9", "", "4x", "-3", "Ternary"})
    EXPECT_NE(parseError(bad, "uniform").find("unsupported weight bit width"),
              std::string::npos)
        << bad;
  EXPECT_NE(parseError("2", "pwlq").find("at least 3 bits"), std::string::npos);
  EXPECT_NE(parseError("ternary", "pwlq").find("ternary weights"),
            std::string::npos);
  EXPECT_NE(parseError("4", "kmeans").find("unknown weight-quant"),
            std::string::npos);
}

TEST(UniformWeightRange, TwoBitsIsFullRange) {
  EXPECT_EQ(uniformWeightRange(2), (std::pair<int64_t, int64_t>{-2, 1}));
  EXPECT_EQ(uniformWeightRange(3), (std::pair<int64_t, int64_t>{-3, 3}));
  EXPECT_EQ(uniformWeightRange(8), (std::pair<int64_t, int64_t>{-127, 127}));
  QuantParams p = uniformWeightParamsForClip(3.0, 2);
  EXPECT_DOUBLE_EQ(p.scale, 1.5);
  EXPECT_EQ(quantize(-3.0, p), -2);
  EXPECT_EQ(quantize(3.0, p), 1);
  EXPECT_EQ(uniformWeightParamsForClip(0.0, 2).scale, kMinScale);
  // MSE clipping at 2 bits searches the full-range grid.
  std::vector<float> w = gaussianWeights(4096, 5);
  double clip = mseClipSymmetric(w, 2);
  double best = INFINITY;
  for (int k = 1; k <= 1000; ++k)
    best = std::min(best, squaredError(w, uniformWeightParamsForClip(
                                              4.0 * k / 1000, 2)));
  EXPECT_LE(squaredError(w, uniformWeightParamsForClip(clip, 2)),
            1.01 * best);
}

TEST(Ternary, KnownValues) {
  std::vector<float> w = {1.0f, -2.0f, 0.2f, -0.1f, 3.0f};
  // mean|w| = 1.26, threshold 0.882; |w| above it: 1, 2, 3 → α = 2.
  double threshold = ternaryThreshold(w);
  EXPECT_NEAR(threshold, 0.882, 1e-7); // float inputs
  EXPECT_DOUBLE_EQ(ternaryScale(w, threshold), 2.0);
  std::vector<int64_t> q;
  for (float x : w)
    q.push_back(ternaryValue(x, threshold));
  EXPECT_EQ(q, (std::vector<int64_t>{1, -1, 0, 0, 1}));
  std::vector<float> zeros(4, 0.0f);
  EXPECT_EQ(ternaryScale(zeros, ternaryThreshold(zeros)), kMinScale);
}

TEST(Binary, KnownValuesNeverZero) {
  std::vector<float> w = {1.0f, -2.0f, 0.0f, 3.0f};
  QuantizedWeights q =
      quantizeWeightTensor(w, 1, 1, {WeightScheme::Binary, 1}, {});
  EXPECT_EQ(q.values, (std::vector<int64_t>{1, -1, 1, 1}));
  ASSERT_EQ(q.scales.size(), 1u);
  EXPECT_DOUBLE_EQ(q.scales[0], 1.5);
  EXPECT_EQ(q.qmin, -1);
  EXPECT_EQ(q.qmax, 1);
}

TEST(Ternary, PerChannel) {
  // Channel = i % 2: {4, -4, 0.1} and {1, 1, -1}.
  std::vector<float> w = {4.0f, 1.0f, -4.0f, 1.0f, 0.1f, -1.0f};
  QuantizedWeights q =
      quantizeWeightTensor(w, 2, 1, {WeightScheme::Ternary, 2}, {});
  EXPECT_EQ(q.values, (std::vector<int64_t>{1, 1, -1, 1, 0, -1}));
  EXPECT_EQ(q.scales, (std::vector<double>{4.0, 1.0}));
}

TEST(Pwlq, Codebook) {
  PwlqGrid g4{4, 2, 1.0};
  EXPECT_EQ(g4.codebook(),
            (std::vector<int64_t>{-11, -9, -7, -5, -3, -2, -1, 0, 1, 2, 3, 5,
                                  7, 9, 11}));
  PwlqGrid g3{3, 3, 0.5};
  EXPECT_EQ(g3.codebook(), (std::vector<int64_t>{-7, -4, -1, 0, 1, 4, 7}));
  EXPECT_DOUBLE_EQ(g3.breakpoint(), 0.5);
  for (unsigned bits = 3; bits <= 8; ++bits) {
    PwlqGrid g{bits, pwlqMaxTailStep(bits), 1.0};
    EXPECT_EQ(g.codebook().size(), (size_t(1) << bits) - 1);
    EXPECT_LE(g.maxValue(), bits == 8 ? 127 : 64);
    ++g.tailStep;
    EXPECT_GT(g.maxValue(), bits == 8 ? 127 : 64);
  }
  EXPECT_EQ(pwlqMaxTailStep(4), 15);
  EXPECT_EQ(pwlqMaxTailStep(3), 31);
}

TEST(Pwlq, QuantizeToNearestLevel) {
  PwlqGrid g{4, 2, 0.5}; // values 0..3 then 5, 7, 9, 11 (in steps of 0.5)
  EXPECT_EQ(g.quantize(0.0), 0);
  EXPECT_EQ(g.quantize(0.74), 1);
  EXPECT_EQ(g.quantize(-1.4), -3);
  EXPECT_EQ(g.quantize(1.9), 3);   // t = 3.8: index 3.4 → 3
  EXPECT_EQ(g.quantize(2.1), 5);   // t = 4.2: index 3.6 → 4 → value 5
  // Ties go to the even level index: t = 4 is index 3.5 → 4 (value 5),
  // t = 5 is index 4.5 → 4 again, t = 2.5 → 2.
  EXPECT_EQ(g.quantize(2.0), 5);
  EXPECT_EQ(g.quantize(-2.5), -5);
  EXPECT_EQ(g.quantize(1.25), 2);
  EXPECT_EQ(g.quantize(-100.0), -11);
}

TEST(Pwlq, OneTailStepIsUniform) {
  std::vector<float> w = gaussianWeights(2048, 7);
  for (unsigned bits : {3u, 4u, 6u}) {
    SCOPED_TRACE(bits);
    PwlqGrid g{bits, 1, 0.37};
    QuantParams p = symmetricWithScale(0.37, bits);
    for (float x : w)
      ASSERT_EQ(g.quantize(x), quantize(x, p)) << x;
  }
}

TEST(Pwlq, NoWorseThanUniformMse) {
  std::vector<float> w = gaussianWeights(4096, 11);
  w.push_back(7.0f);
  for (unsigned bits : {3u, 4u}) {
    SCOPED_TRACE(bits);
    QuantizedWeights pwlq =
        quantizeWeightTensor(w, 1, 1, {WeightScheme::Pwlq, bits}, {});
    QuantizedWeights uniform = quantizeWeightTensor(
        w, 1, 1, {WeightScheme::Uniform, bits}, WeightRange::Mse);
    auto error = [&](const QuantizedWeights &q) {
      double e = 0.0;
      for (size_t i = 0; i < w.size(); ++i) {
        double d = w[i] - q.scales[0] * double(q.values[i]);
        e += d * d;
      }
      return e;
    };
    EXPECT_LE(error(pwlq), error(uniform) * (1 + 1e-9));
    // At 4 bits a Gaussian with an outlier wants a coarser tail.
    if (bits == 4)
      EXPECT_GT(pwlq.tailStep, 1);
    EXPECT_EQ(pwlq.qmax, PwlqGrid({bits, pwlq.tailStep, 1.0}).maxValue());
    std::set<int64_t> distinct(pwlq.values.begin(), pwlq.values.end());
    EXPECT_LE(distinct.size(), (size_t(1) << bits) - 1);
    for (int64_t v : distinct)
      EXPECT_LE(std::abs(v), pwlq.qmax);
    ASSERT_EQ(pwlq.breakpoints.size(), 1u);
    EXPECT_DOUBLE_EQ(pwlq.breakpoints[0],
                     pwlq.scales[0] *
                         double(PwlqGrid({bits, 1, 1.0}).centreLevels()));
  }
}

TEST(Pwlq, SearchBeatsClosedForm) {
  std::vector<float> w = gaussianWeights(4096, 13);
  double p0 = pwlqClosedFormBreakpoint(w);
  // About ln(0.8614 · 3.6 + 0.6079) ≈ 1.3 standard deviations.
  EXPECT_GT(p0, 1.0);
  EXPECT_LT(p0, 1.6);
  for (int64_t j : {1, 2, 3}) {
    PwlqGrid best = searchPwlqChannel(w, 4, j);
    PwlqGrid seed{4, j, p0 / 3.0};
    EXPECT_LE(pwlqSquaredError(w, best), pwlqSquaredError(w, seed));
  }
  std::vector<float> zeros(8, 0.0f);
  EXPECT_EQ(searchPwlqChannel(zeros, 4, 2).scale, kMinScale);
  EXPECT_EQ(pwlqClosedFormBreakpoint(zeros), 0.0);
}

TEST(Pwlq, ImportanceWeightsTheSearch) {
  // Unit importance is the plain search; weighting the error moves the
  // grid toward the weights that matter: with the outlier's importance
  // high, the grid keeps it (no clipping), and the weighted error of the
  // weighted search is no worse than that of the plain one.
  std::vector<float> w = gaussianWeights(512, 17);
  w.push_back(6.0f);
  std::vector<double> ones(w.size(), 1.0), heavy(w.size(), 0.01);
  heavy.back() = 1000.0;
  QuantizedWeights plain =
      quantizeWeightTensor(w, 1, 1, {WeightScheme::Pwlq, 3}, {});
  QuantizedWeights unit =
      quantizeWeightTensor(w, 1, 1, {WeightScheme::Pwlq, 3}, {}, ones);
  EXPECT_EQ(plain.values, unit.values);
  EXPECT_EQ(plain.scales, unit.scales);
  QuantizedWeights weighted =
      quantizeWeightTensor(w, 1, 1, {WeightScheme::Pwlq, 3}, {}, heavy);
  auto weightedError = [&](const QuantizedWeights &q) {
    return pwlqSquaredError(w, PwlqGrid{3, q.tailStep, q.scales[0]}, heavy);
  };
  EXPECT_LE(weightedError(weighted), weightedError(plain));
  double kept = weighted.scales[0] * double(weighted.values.back());
  EXPECT_NEAR(kept, 6.0, 0.1);
}

} // namespace
