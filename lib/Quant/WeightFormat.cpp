//===- WeightFormat.cpp - Weight formats below and at 8 bits --------------===//

#include "qopt/Quant/WeightFormat.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace qopt;

llvm::StringRef WeightFormat::schemeName() const {
  switch (scheme) {
  case WeightScheme::Uniform:
    return "uniform";
  case WeightScheme::Pwlq:
    return "pwlq";
  case WeightScheme::Ternary:
    return "ternary";
  case WeightScheme::Binary:
    return "binary";
  }
  llvm_unreachable("unknown weight scheme");
}

std::string WeightFormat::bitsName() const {
  if (scheme == WeightScheme::Ternary || scheme == WeightScheme::Binary)
    return schemeName().str();
  return std::to_string(bits);
}

llvm::Expected<WeightFormat> qopt::parseWeightFormat(llvm::StringRef bits,
                                                     llvm::StringRef quant) {
  WeightFormat format;
  unsigned width = 0;
  if (bits == "ternary")
    format = {WeightScheme::Ternary, 2};
  else if (bits == "binary")
    format = {WeightScheme::Binary, 1};
  else if (!bits.getAsInteger(10, width) && width >= 2 && width <= 8)
    format = {WeightScheme::Uniform, width};
  else
    return llvm::createStringError(
        "unsupported weight bit width '" + bits +
        "': expected 2..8, ternary or binary");
  if (quant == "uniform")
    return format;
  if (quant != "pwlq")
    return llvm::createStringError("unknown weight-quant '" + quant +
                                   "': expected uniform or pwlq");
  if (format.scheme != WeightScheme::Uniform)
    return llvm::createStringError(
        "weight-quant=pwlq splits a uniform range into two regions; " +
        format.schemeName() + " weights have no such range");
  if (format.bits < 3)
    return llvm::createStringError(
        "weight-quant=pwlq needs at least 3 bits (one region bit, and a "
        "centre region with zero and one level on each side); got " +
        bits);
  format.scheme = WeightScheme::Pwlq;
  return format;
}

//===----------------------------------------------------------------------===//
// Ternary and binary
//===----------------------------------------------------------------------===//

static double meanAbs(llvm::ArrayRef<float> w) {
  double sum = 0.0;
  for (float x : w)
    sum += std::fabs(double(x));
  return w.empty() ? 0.0 : sum / double(w.size());
}

double qopt::ternaryThreshold(llvm::ArrayRef<float> w) {
  return 0.7 * meanAbs(w);
}

double qopt::ternaryScale(llvm::ArrayRef<float> w, double threshold) {
  double sum = 0.0;
  int64_t count = 0;
  for (float x : w)
    if (std::fabs(double(x)) > threshold) {
      sum += std::fabs(double(x));
      ++count;
    }
  return count ? sum / double(count) : kMinScale;
}

int64_t qopt::ternaryValue(float x, double threshold) {
  if (std::fabs(double(x)) <= threshold)
    return 0;
  return x > 0.0f ? 1 : -1;
}

double qopt::binaryScale(llvm::ArrayRef<float> w) {
  double scale = meanAbs(w);
  return scale > 0.0 ? scale : kMinScale;
}

//===----------------------------------------------------------------------===//
// PWLQ
//===----------------------------------------------------------------------===//

int64_t PwlqGrid::quantize(double x) const {
  if (std::isnan(x))
    return 0;
  int64_t l1 = centreLevels(), l2 = tailLevels();
  double t = std::fabs(x) / scale;
  double index = t <= double(l1) ? t : double(l1) + (t - double(l1)) / tailStep;
  auto k = int64_t(std::min(roundHalfEven(index), double(l1 + l2)));
  int64_t value = k <= l1 ? k : l1 + tailStep * (k - l1);
  return x < 0.0 ? -value : value;
}

std::vector<int64_t> PwlqGrid::codebook() const {
  std::vector<int64_t> levels;
  for (int64_t k = -(centreLevels() + tailLevels());
       k <= centreLevels() + tailLevels(); ++k) {
    int64_t magnitude = std::abs(k) <= centreLevels()
                            ? std::abs(k)
                            : centreLevels() +
                                  tailStep * (std::abs(k) - centreLevels());
    levels.push_back(k < 0 ? -magnitude : magnitude);
  }
  return levels;
}

int64_t qopt::pwlqMaxTailStep(unsigned bits) {
  assert(bits >= 3 && bits <= 8 && "unsupported PWLQ width");
  PwlqGrid grid{bits, 1, 1.0};
  int64_t limit = bits == 8 ? 127 : 64;
  return (limit - grid.centreLevels()) / grid.tailLevels();
}

double qopt::pwlqClosedFormBreakpoint(llvm::ArrayRef<float> w) {
  if (w.empty())
    return 0.0;
  double mean = 0.0, absMax = 0.0;
  for (float x : w) {
    mean += double(x);
    absMax = std::max(absMax, std::fabs(double(x)));
  }
  mean /= double(w.size());
  double var = 0.0;
  for (float x : w)
    var += (double(x) - mean) * (double(x) - mean);
  double sigma = std::sqrt(var / double(w.size()));
  if (!(sigma > 0.0))
    return 0.0;
  double p = std::log(0.8614 * absMax / sigma + 0.6079) * sigma;
  return std::clamp(p, 0.0, absMax);
}

double qopt::pwlqSquaredError(llvm::ArrayRef<float> w, const PwlqGrid &grid,
                              llvm::ArrayRef<double> importance) {
  assert((importance.empty() || importance.size() == w.size()) &&
         "one importance per weight");
  double error = 0.0;
  for (auto [i, x] : llvm::enumerate(w)) {
    double d = double(x) - grid.scale * double(grid.quantize(x));
    error += importance.empty() ? d * d : importance[i] * d * d;
  }
  return error;
}

PwlqGrid qopt::searchPwlqChannel(llvm::ArrayRef<float> w, unsigned bits,
                                 int64_t tailStep,
                                 llvm::ArrayRef<double> importance) {
  PwlqGrid grid{bits, tailStep, kMinScale};
  double absMax = 0.0;
  for (float x : w)
    absMax = std::max(absMax, std::fabs(double(x)));
  if (absMax == 0.0)
    return grid;
  // p and the clip m = p + j·L2·s1 are proportional for a fixed j: the
  // search runs over m in (0, max|w|], which covers the useful breakpoints
  // of every j alike.
  double clipPerBreakpoint =
      1.0 + double(tailStep * grid.tailLevels()) / double(grid.centreLevels());
  auto withClip = [&](double m) {
    PwlqGrid g = grid;
    g.scale = m / clipPerBreakpoint / double(grid.centreLevels());
    return g;
  };
  double m = minimizeOnInterval(
      [&](double m) { return pwlqSquaredError(w, withClip(m), importance); },
      absMax, {pwlqClosedFormBreakpoint(w) * clipPerBreakpoint});
  return withClip(m);
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

QuantizedWeights qopt::quantizeWeightTensor(llvm::ArrayRef<float> w,
                                            int64_t channels, int64_t stride,
                                            WeightFormat format,
                                            WeightRange range,
                                            llvm::ArrayRef<double> importance) {
  assert(channels > 0 && stride > 0 && "invalid channel layout");
  assert((importance.empty() || importance.size() == w.size()) &&
         "one importance per weight");
  auto channelOf = [&](size_t i) { return (int64_t(i) / stride) % channels; };
  std::vector<std::vector<float>> values(channels);
  std::vector<std::vector<double>> factors(importance.empty() ? 0 : channels);
  for (size_t i = 0; i < w.size(); ++i) {
    values[channelOf(i)].push_back(w[i]);
    if (!importance.empty())
      factors[channelOf(i)].push_back(importance[i]);
  }
  QuantizedWeights result;
  result.values.resize(w.size());

  switch (format.scheme) {
  case WeightScheme::Uniform: {
    std::vector<QuantParams> params =
        chooseWeightParams(w, channels, stride, format.bits, range);
    for (size_t i = 0; i < w.size(); ++i)
      result.values[i] = quantize(w[i], params[channelOf(i)]);
    for (const QuantParams &p : params)
      result.scales.push_back(p.scale);
    std::tie(result.qmin, result.qmax) = uniformWeightRange(format.bits);
    return result;
  }
  case WeightScheme::Ternary: {
    std::vector<double> thresholds;
    for (const std::vector<float> &channel : values) {
      thresholds.push_back(ternaryThreshold(channel));
      result.scales.push_back(ternaryScale(channel, thresholds.back()));
    }
    for (size_t i = 0; i < w.size(); ++i)
      result.values[i] = ternaryValue(w[i], thresholds[channelOf(i)]);
    result.qmin = -1;
    result.qmax = 1;
    return result;
  }
  case WeightScheme::Binary:
    for (const std::vector<float> &channel : values)
      result.scales.push_back(binaryScale(channel));
    for (size_t i = 0; i < w.size(); ++i)
      result.values[i] = w[i] >= 0.0f ? 1 : -1;
    result.qmin = -1;
    result.qmax = 1;
    return result;
  case WeightScheme::Pwlq:
    break;
  }

  std::vector<PwlqGrid> best;
  double bestError = std::numeric_limits<double>::infinity();
  for (int64_t j = 1; j <= pwlqMaxTailStep(format.bits); ++j) {
    std::vector<PwlqGrid> grids;
    double error = 0.0;
    for (auto [c, channel] : llvm::enumerate(values)) {
      llvm::ArrayRef<double> factor;
      if (!importance.empty())
        factor = factors[c];
      grids.push_back(searchPwlqChannel(channel, format.bits, j, factor));
      error += pwlqSquaredError(channel, grids.back(), factor);
    }
    if (error < bestError) {
      bestError = error;
      best = std::move(grids);
    }
  }
  for (size_t i = 0; i < w.size(); ++i)
    result.values[i] = best[channelOf(i)].quantize(w[i]);
  for (const PwlqGrid &g : best) {
    result.scales.push_back(g.scale);
    result.breakpoints.push_back(g.breakpoint());
  }
  result.tailStep = best.front().tailStep;
  result.qmax = best.front().maxValue();
  result.qmin = -result.qmax;
  return result;
}
