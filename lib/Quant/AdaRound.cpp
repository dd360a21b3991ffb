//===- AdaRound.cpp - Learned rounding of one layer's weights -------------===//
//
// The optimization runs in float on flat row-major arrays with inner loops
// of the form y[j] += a·x[j], which vectorize without reassociation. The
// reconstruction gradient needs D·H per row (D = W − W̃, H the second moment
// of the row's inputs): from the Gram matrix directly, or from the patches
// as (D·Xᵀ)·X when there are fewer positions than inputs.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/AdaRound.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <cassert>
#include <cmath>

using namespace qopt;
using llvm::ArrayRef;

namespace {

constexpr float kZeta = 1.1f, kGamma = -0.1f;
constexpr float kAdamBeta1 = 0.9f, kAdamBeta2 = 0.999f, kAdamEpsilon = 1e-8f;

/// Computes G = D·H/N for every row of D.
class SecondMoment {
public:
  explicit SecondMoment(const RoundingProblem &p) : p(p), k(p.cols) {
    float inv = 1.0f / float(p.positions);
    if (!p.gram.empty()) {
      gram.resize(p.gram.size());
      for (size_t i = 0; i < gram.size(); ++i)
        gram[i] = float(p.gram[i]) * inv;
      return;
    }
    // D·Xᵀ from the transposed patches, then ·X/N from the scaled ones.
    n = p.positions;
    transposed.resize(p.patches.size());
    scaled.resize(p.patches.size());
    for (int64_t g = 0; g < p.groups; ++g)
      for (int64_t pos = 0; pos < n; ++pos)
        for (int64_t j = 0; j < k; ++j) {
          float x = p.patches[(g * n + pos) * k + j];
          transposed[(g * k + j) * n + pos] = x;
          scaled[(g * n + pos) * k + j] = x * inv;
        }
    projection.resize(n);
  }

  void apply(const float *d, float *out) {
    for (int64_t r = 0; r < p.rows; ++r) {
      const float *dr = d + r * k;
      float *gr = out + r * k;
      std::fill(gr, gr + k, 0.0f);
      int64_t g = p.groupOf(r);
      if (!gram.empty()) {
        const float *h = gram.data() + g * k * k;
        for (int64_t i = 0; i < k; ++i)
          axpy(dr[i], h + i * k, gr, k);
        continue;
      }
      const float *xt = transposed.data() + g * k * n;
      const float *x = scaled.data() + g * n * k;
      std::fill(projection.begin(), projection.end(), 0.0f);
      for (int64_t j = 0; j < k; ++j)
        axpy(dr[j], xt + j * n, projection.data(), n);
      for (int64_t pos = 0; pos < n; ++pos)
        axpy(projection[pos], x + pos * k, gr, k);
    }
  }

private:
  static void axpy(float a, const float *x, float *y, int64_t len) {
    if (a == 0.0f)
      return;
    for (int64_t j = 0; j < len; ++j)
      y[j] += a * x[j];
  }

  const RoundingProblem &p;
  int64_t k, n = 0;
  std::vector<float> gram, transposed, scaled, projection;
};

} // namespace

double qopt::reconstructionError(const RoundingProblem &p,
                                 const std::vector<int64_t> &q) {
  assert(q.size() == p.weights.size() && "one integer per weight");
  int64_t k = p.cols;
  double total = 0.0;
  std::vector<double> d(k);
  for (int64_t r = 0; r < p.rows; ++r) {
    for (int64_t j = 0; j < k; ++j)
      d[j] =
          double(p.weights[r * k + j]) - dequantize(q[r * k + j], p.params[r]);
    int64_t g = p.groupOf(r);
    if (!p.cross.empty())
      for (int64_t j = 0; j < k; ++j)
        total += 2.0 * d[j] * p.cross[r * k + j];
    if (!p.gram.empty()) {
      const double *h = p.gram.data() + g * k * k;
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < k; ++j)
          total += d[i] * h[i * k + j] * d[j];
      continue;
    }
    for (int64_t pos = 0; pos < p.positions; ++pos) {
      const float *x = p.patches.data() + (g * p.positions + pos) * k;
      double y = 0.0;
      for (int64_t j = 0; j < k; ++j)
        y += d[j] * x[j];
      total += y * y;
    }
  }
  return (total + p.crossConstant) / double(p.positions);
}

/// The levels around x = w/s: the largest level lo <= x and the next one
/// above it; x outside the levels gets the outer one twice.
static std::pair<int64_t, int64_t> levelsAround(ArrayRef<int64_t> levels,
                                                double x) {
  const int64_t *above = std::upper_bound(
      levels.begin(), levels.end(), x,
      [](double v, int64_t level) { return v < double(level); });
  if (above == levels.begin())
    return {levels.front(), levels.front()};
  if (above == levels.end())
    return {levels.back(), levels.back()};
  return {*(above - 1), *above};
}

std::vector<int64_t> qopt::roundToNearest(const RoundingProblem &p) {
  std::vector<int64_t> q(p.weights.size());
  for (size_t i = 0; i < q.size(); ++i) {
    const QuantParams &params = p.params[i / p.cols];
    if (p.levels.empty()) {
      q[i] = quantize(p.weights[i], params);
      continue;
    }
    double x = double(p.weights[i]) / params.scale;
    auto [lo, hi] = levelsAround(p.levels, x);
    q[i] = x - double(lo) <= double(hi) - x ? lo : hi;
  }
  return q;
}

std::vector<int64_t>
qopt::learnRounding(const RoundingProblem &p, const RoundingOptions &options,
                    llvm::function_ref<void(unsigned)> progress) {
  assert(p.rows % p.groups == 0 && p.positions > 0 &&
         p.params.size() == size_t(p.rows) &&
         p.weights.size() == size_t(p.rows * p.cols) &&
         (p.gram.empty() != p.patches.empty()) && "malformed problem");
  size_t size = p.weights.size();
  int64_t k = p.cols;
  // W̃ = scale·(base + learnable·h(V)), base the level below w/s and
  // learnable the step to the next one (1 on a uniform grid); weights whose
  // two choices clamp to the same level are fixed at it (learnable = 0).
  std::vector<float> scale(size), base(size), learnable(size), v(size);
  for (size_t i = 0; i < size; ++i) {
    const QuantParams &q = p.params[i / k];
    scale[i] = float(q.scale);
    double x = double(p.weights[i]) / q.scale;
    double lo = std::floor(x), step = 1.0;
    if (p.levels.empty()) {
      if (lo < double(q.qmin) || lo >= double(q.qmax)) {
        base[i] = float(quantize(p.weights[i], q));
        continue;
      }
    } else {
      auto [below, above] = levelsAround(p.levels, x);
      if (below == above) {
        base[i] = float(below);
        continue;
      }
      lo = double(below), step = double(above - below);
    }
    // h(V) starts at the fractional part (σ(V) = (rest − γ)/(ζ − γ)).
    base[i] = float(lo);
    learnable[i] = float(step);
    double sigma = ((x - lo) / step - kGamma) / (kZeta - kGamma);
    v[i] = float(std::log(sigma / (1.0 - sigma)));
  }

  SecondMoment moment(p);
  // The asymmetric loss's gradient in D is (2/N)·(D·H + C).
  std::vector<float> cross;
  if (!p.cross.empty()) {
    assert(p.cross.size() == size && "one cross term per weight");
    cross.resize(size);
    for (size_t i = 0; i < size; ++i)
      cross[i] = float(p.cross[i] / double(p.positions));
  }
  std::vector<float> d(size), grad(size), m(size), s(size), h(size),
      slope(size);
  unsigned warmup = unsigned(options.warmup * options.iterations);
  float lr = float(options.learningRate);
  float lambda = float(options.regularization);
  double beta1Power = 1.0, beta2Power = 1.0;
  for (unsigned it = 0; it < options.iterations; ++it) {
    for (size_t i = 0; i < size; ++i) {
      float sigma = 1.0f / (1.0f + std::exp(-v[i]));
      float raw = sigma * (kZeta - kGamma) + kGamma;
      h[i] = std::clamp(raw, 0.0f, 1.0f);
      slope[i] = (learnable[i] != 0.0f && raw >= 0.0f && raw <= 1.0f)
                     ? (kZeta - kGamma) * sigma * (1.0f - sigma)
                     : 0.0f;
      d[i] = p.weights[i] - scale[i] * (base[i] + learnable[i] * h[i]);
    }
    moment.apply(d.data(), grad.data());
    if (!cross.empty())
      for (size_t i = 0; i < size; ++i)
        grad[i] += cross[i];

    // β falls linearly from betaStart to betaEnd after the warm-up.
    bool regularize = it >= warmup;
    float beta = 0.0f;
    if (regularize) {
      double t = double(it - warmup) / double(options.iterations - warmup);
      beta =
          float(options.betaStart + (options.betaEnd - options.betaStart) * t);
    }
    beta1Power *= kAdamBeta1;
    beta2Power *= kAdamBeta2;
    float mCorrection = float(1.0 / (1.0 - beta1Power));
    float sCorrection = float(1.0 / (1.0 - beta2Power));
    for (size_t i = 0; i < size; ++i) {
      // ∂/∂h of Σ D·H·Dᵀ/N is −2·(D·H/N)·scale·step (with the cross term,
      // of D·H/N + C/N).
      float dh = -2.0f * grad[i] * scale[i] * learnable[i];
      if (regularize) {
        float c = 2.0f * h[i] - 1.0f;
        float sign = c < 0.0f ? -1.0f : 1.0f;
        dh -= lambda * beta * std::pow(std::fabs(c), beta - 1.0f) * sign * 2.0f;
      }
      float g = dh * slope[i];
      m[i] = kAdamBeta1 * m[i] + (1.0f - kAdamBeta1) * g;
      s[i] = kAdamBeta2 * s[i] + (1.0f - kAdamBeta2) * g * g;
      v[i] -= lr * (m[i] * mCorrection) /
              (std::sqrt(s[i] * sCorrection) + kAdamEpsilon);
    }
    if (progress)
      progress(it);
  }

  std::vector<int64_t> q(size);
  for (size_t i = 0; i < size; ++i)
    q[i] = int64_t(base[i]) + (v[i] >= 0.0f ? int64_t(learnable[i]) : 0);
  return q;
}
