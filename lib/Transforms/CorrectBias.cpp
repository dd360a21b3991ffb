//===- CorrectBias.cpp - Analytic bias correction -------------------------===//
//
// y = W·x + b becomes ŷ = Ŵ·x + b after weight quantization, so
// E[ŷ − y] = ε·E[x] with ε = Ŵ − W. Subtracting ε·E[x] from b restores the
// output means. E[x] is that of a normal N(β, γ²) per channel (the
// statistics of the batch norm folded into the previous layer) after the
// activation between the layers.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/QuantMath.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qopt {
#define GEN_PASS_DEF_CORRECTBIAS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::Layer;

namespace {

double normalPdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
}
double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// E[clamp(x, 0, hi)] for x ~ N(mean, std²) (hi = +inf for a ReLU):
/// mean·(Φ(b) − Φ(a)) + std·(φ(a) − φ(b)) + hi·(1 − Φ(b)) with
/// a = −mean/std, b = (hi − mean)/std.
double clampedNormalMean(double mean, double std, double hi) {
  if (std <= 0.0)
    return std::clamp(mean, 0.0, hi);
  double a = -mean / std;
  if (std::isinf(hi))
    return mean * (1.0 - normalCdf(a)) + std * normalPdf(a);
  double b = (hi - mean) / std;
  return mean * (normalCdf(b) - normalCdf(a)) +
         std * (normalPdf(a) - normalPdf(b)) + hi * (1.0 - normalCdf(b));
}

/// The mean of each channel of the link's output, from the statistics of
/// the layer before it.
SmallVector<double> inputMeans(const Layer &prev, qopt::Link link) {
  auto [mean, std] = *prev.getBatchNormStatistics();
  if (link.activation == qopt::Activation::Identity)
    return mean;
  double hi = std::numeric_limits<double>::infinity();
  if (link.activation == qopt::Activation::Bounded)
    hi = cast<FloatAttr>(link.clamp.getMaxValAttr()).getValueAsDouble();
  SmallVector<double> result;
  for (auto [m, s] : llvm::zip(mean, std))
    result.push_back(clampedNormalMean(m, s, hi));
  return result;
}

struct CorrectBiasPass : qopt::impl::CorrectBiasBase<CorrectBiasPass> {
  using Base::Base;

  /// ε = Ŵ − W per weight, with the quantizer's min-max symmetric rounding.
  SmallVector<double> roundingError(const Layer &layer) const {
    // qopt-quantize quantizes a depthwise channel multiplier > 1 per tensor.
    bool perAxis = perChannel && !(layer.kind == qopt::LayerKind::Depthwise &&
                                   layer.weightType.getDimSize(3) != 1);
    auto channelOf = [&](int64_t i) {
      return perAxis ? layer.outputChannel(i) : 0;
    };
    SmallVector<double> absMax(perAxis ? layer.outChannels : 1, 0.0);
    for (auto [i, w] : llvm::enumerate(layer.weights))
      absMax[channelOf(i)] = std::max(absMax[channelOf(i)], std::fabs(w));
    SmallVector<qopt::QuantParams> params = llvm::map_to_vector(
        absMax, [&](double m) { return qopt::chooseSymmetric(m, weightBits); });
    SmallVector<double> error;
    for (auto [i, w] : llvm::enumerate(layer.weights)) {
      const qopt::QuantParams &p = params[channelOf(i)];
      error.push_back(qopt::dequantize(qopt::quantize(w, p), p) - w);
    }
    return error;
  }

  void runOnOperation() override {
    if (weightBits < 2 || weightBits > 8) {
      getOperation().emitError("weight-bits must be in 2..8, got ")
          << weightBits;
      return signalPassFailure();
    }
    SmallVector<Layer> layers = qopt::collectLayers(getOperation()).layers;
    DenseMap<Operation *, std::pair<const Layer *, qopt::Link>> previous;
    for (const Layer &layer : layers)
      if (std::optional<qopt::Link> link = qopt::getLink(layer))
        previous[link->next] = {&layer, *link};

    for (Layer &layer : layers) {
      auto it = previous.find(layer.op);
      if (it == previous.end() || !layer.bias)
        continue;
      auto [prev, link] = it->second;
      if (link.hasMaxPool || layer.inChannels % link.channels != 0 ||
          !prev->getBatchNormStatistics())
        continue;
      SmallVector<double> mean = inputMeans(*prev, link);
      for (auto [k, e] : llvm::enumerate(roundingError(layer)))
        layer.biasValues[layer.outputChannel(k)] -=
            e * mean[layer.inputChannel(k) % link.channels];
      layer.writeBias();
    }
  }
};

} // namespace
