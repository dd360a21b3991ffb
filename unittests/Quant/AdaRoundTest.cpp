//===- AdaRoundTest.cpp - Learned rounding numerics -----------------------===//
//
// The two representations of a layer's inputs (Gram matrix, patches) give
// the same errors and the same learned rounding; the learned rounding stays
// within one step of w/s and on a correlated problem beats nearest.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/AdaRound.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace qopt;

namespace {

/// 4 output channels of 12 weights, 4 bits, on 64 positions whose inputs
/// share two sources (strongly correlated), as patches.
RoundingProblem correlatedProblem(bool gram) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  RoundingProblem p;
  p.rows = 4;
  p.cols = 12;
  p.positions = 64;
  std::vector<double> mix(2 * p.cols);
  for (double &m : mix)
    m = normal(rng);
  std::vector<float> patches;
  for (int64_t n = 0; n < p.positions; ++n) {
    double a = normal(rng), b = normal(rng);
    for (int64_t k = 0; k < p.cols; ++k)
      patches.push_back(
          float(a * mix[k] + b * mix[p.cols + k] + 0.1 * normal(rng)));
  }
  for (int64_t i = 0; i < p.rows * p.cols; ++i)
    p.weights.push_back(float(0.3 * normal(rng)));
  for (int64_t r = 0; r < p.rows; ++r) {
    double absMax = 0;
    for (int64_t k = 0; k < p.cols; ++k)
      absMax = std::max(absMax, std::fabs(double(p.weights[r * p.cols + k])));
    p.params.push_back(chooseSymmetric(absMax, 4));
  }
  if (!gram) {
    p.patches = patches;
    return p;
  }
  p.gram.assign(p.cols * p.cols, 0.0);
  for (int64_t n = 0; n < p.positions; ++n)
    for (int64_t i = 0; i < p.cols; ++i)
      for (int64_t j = 0; j < p.cols; ++j)
        p.gram[i * p.cols + j] +=
            double(patches[n * p.cols + i]) * patches[n * p.cols + j];
  return p;
}

TEST(AdaRound, GramAndPatchesAgree) {
  RoundingProblem gram = correlatedProblem(true);
  RoundingProblem patches = correlatedProblem(false);
  std::vector<int64_t> nearest = roundToNearest(gram);
  EXPECT_EQ(nearest, roundToNearest(patches));
  EXPECT_NEAR(reconstructionError(gram, nearest),
              reconstructionError(patches, nearest),
              1e-9 * reconstructionError(gram, nearest));
  EXPECT_EQ(learnRounding(gram, {}), learnRounding(patches, {}));
}

TEST(AdaRound, LearnedBeatsNearestWithinOneStep) {
  RoundingProblem p = correlatedProblem(true);
  std::vector<int64_t> learned = learnRounding(p, {});
  for (size_t i = 0; i < learned.size(); ++i) {
    double x = p.weights[i] / p.params[i / p.cols].scale;
    EXPECT_TRUE(learned[i] == int64_t(std::floor(x)) ||
                learned[i] == int64_t(std::floor(x)) + 1)
        << i;
  }
  EXPECT_LT(reconstructionError(p, learned),
            0.7 * reconstructionError(p, roundToNearest(p)));
}

TEST(AdaRound, ClampedWeightsStayAtTheirBound) {
  // 2 bits, scale 1: 1.0 is floor 1 = qmax (no choice), -1.6 clips to -1.
  RoundingProblem p;
  p.rows = 1;
  p.cols = 3;
  p.positions = 1;
  p.weights = {1.0f, -1.6f, 0.3f};
  p.params = {symmetricWithScale(1.0, 2)};
  p.gram = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(learnRounding(p, {}), (std::vector<int64_t>{1, -1, 0}));
}

TEST(AdaRound, LevelsRoundBetweenNeighbours) {
  // PWLQ's 4-bit grid with tail step 2 (levels 0, ±1..±3, ±5, ±7, ±9, ±11):
  // every learned weight is one of the two levels around w/s, or the outer
  // level beyond them; learning beats nearest on the correlated problem.
  RoundingProblem p = correlatedProblem(true);
  p.levels = {-11, -9, -7, -5, -3, -2, -1, 0, 1, 2, 3, 5, 7, 9, 11};
  for (QuantParams &q : p.params)
    q = symmetricWithScale(q.scale * 7.0 / 11.0, 5);
  std::vector<int64_t> nearest = roundToNearest(p);
  std::vector<int64_t> learned = learnRounding(p, {});
  for (size_t i = 0; i < learned.size(); ++i) {
    double x = p.weights[i] / p.params[i / p.cols].scale;
    auto above = std::upper_bound(p.levels.begin(), p.levels.end(), x);
    int64_t lo = above == p.levels.begin() ? p.levels.front() : *(above - 1);
    int64_t hi = above == p.levels.end() ? p.levels.back() : *above;
    EXPECT_TRUE(learned[i] == lo || learned[i] == hi) << i << ": " << x;
    EXPECT_TRUE(nearest[i] == lo || nearest[i] == hi) << i << ": " << x;
    EXPECT_LE(std::fabs(x - double(nearest[i])),
              std::fabs(x - double(nearest[i] == lo ? hi : lo)))
        << i;
  }
  EXPECT_LT(reconstructionError(p, learned),
            0.8 * reconstructionError(p, nearest));
}

/// The correlated problem with asymmetric reconstruction: its patches are
/// the inputs x_n of a model with rounded earlier layers, x°_n = x_n plus a
/// perturbation correlated with x_n are the float model's.
RoundingProblem asymmetricProblem(bool gram,
                                  std::vector<float> *floatPatches = nullptr,
                                  std::vector<float> *patches = nullptr) {
  RoundingProblem plain = correlatedProblem(false);
  RoundingProblem p = correlatedProblem(gram);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal;
  int64_t k = p.cols;
  std::vector<float> xf(plain.patches.size());
  for (int64_t n = 0; n < p.positions; ++n)
    for (int64_t j = 0; j < k; ++j) {
      float x = plain.patches[n * k + j];
      xf[n * k + j] = float(1.1 * x + 0.2 * normal(rng));
    }
  p.cross.assign(p.rows * k, 0.0);
  for (int64_t n = 0; n < p.positions; ++n)
    for (int64_t r = 0; r < p.rows; ++r) {
      double y = 0.0;
      for (int64_t j = 0; j < k; ++j)
        y += double(p.weights[r * k + j]) *
             (double(xf[n * k + j]) - double(plain.patches[n * k + j]));
      p.crossConstant += y * y;
      for (int64_t j = 0; j < k; ++j)
        p.cross[r * k + j] += y * double(plain.patches[n * k + j]);
    }
  if (floatPatches)
    *floatPatches = xf;
  if (patches)
    *patches = plain.patches;
  return p;
}

TEST(AdaRound, AsymmetricErrorIsTheFloatTargetsError) {
  std::vector<float> xf, x;
  RoundingProblem gram = asymmetricProblem(true, &xf, &x);
  RoundingProblem patches = asymmetricProblem(false);
  std::vector<int64_t> q = roundToNearest(gram);
  // (1/N) Σ_n ‖W·x°_n − s·q·x_n‖², computed directly.
  int64_t k = gram.cols;
  double direct = 0.0;
  for (int64_t n = 0; n < gram.positions; ++n)
    for (int64_t r = 0; r < gram.rows; ++r) {
      double y = 0.0;
      for (int64_t j = 0; j < k; ++j)
        y += double(gram.weights[r * k + j]) * xf[n * k + j] -
             dequantize(q[r * k + j], gram.params[r]) * x[n * k + j];
      direct += y * y;
    }
  direct /= double(gram.positions);
  EXPECT_NEAR(reconstructionError(gram, q), direct, 1e-9 * direct);
  EXPECT_NEAR(reconstructionError(patches, q), direct, 1e-9 * direct);
  EXPECT_EQ(learnRounding(gram, {}), learnRounding(patches, {}));
}

TEST(AdaRound, AsymmetricLearningFitsTheFloatTarget) {
  // Learning on the asymmetric loss beats nearest on it, and beats the
  // rounding learned without the cross term (which fits W·x_n instead).
  RoundingProblem p = asymmetricProblem(true);
  RoundingProblem symmetric = p;
  symmetric.cross.clear();
  symmetric.crossConstant = 0.0;
  std::vector<int64_t> learned = learnRounding(p, {});
  EXPECT_LT(reconstructionError(p, learned),
            reconstructionError(p, roundToNearest(p)));
  EXPECT_LT(reconstructionError(p, learned),
            reconstructionError(p, learnRounding(symmetric, {})));
}

} // namespace
