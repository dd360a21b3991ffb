//===- EqualizeCrossLayer.cpp - Cross-layer equalization ------------------===//
//
// For consecutive layers W1 → f → W2 with f positively homogeneous
// (f(x/s) = f(x)/s for s > 0), dividing output channel i of W1 by s_i and
// multiplying input channel i of W2 by s_i leaves the function unchanged.
// s_i = sqrt(r1_i / r2_i) gives both channels the range sqrt(r1_i·r2_i).
// Pairs sharing a layer (conv → depthwise → conv) are equalized in turn,
// sweep after sweep, until the scales converge.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Dialect/QoptEnums.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"

#include <cmath>
#include <limits>

namespace qopt {
#define GEN_PASS_DEF_EQUALIZECROSSLAYER
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::Layer;

namespace {

struct Pair {
  size_t first, second; // indices of W1 and W2 in the layer list
  qopt::Link link;
  /// Product of the scales applied so far, per channel.
  SmallVector<double> scale;
};

/// Equalizes one pair; returns the largest |log s_i| applied.
double equalize(Layer &w1, Layer &w2, Pair &pair) {
  int64_t channels = pair.link.channels;
  SmallVector<double> r1(channels, 0.0), r2(channels, 0.0);
  for (auto [i, w] : llvm::enumerate(w1.weights))
    r1[w1.outputChannel(i)] = std::max(r1[w1.outputChannel(i)], std::fabs(w));
  for (auto [k, w] : llvm::enumerate(w2.weights)) {
    double &r = r2[w2.inputChannel(k) % channels];
    r = std::max(r, std::fabs(w));
  }
  SmallVector<double> s(channels, 1.0);
  double maxLog = 0.0;
  for (int64_t c = 0; c < channels; ++c) {
    // A channel that is all zeros on either side has nothing to balance.
    if (r1[c] > 0.0 && r2[c] > 0.0)
      s[c] = std::sqrt(r1[c] / r2[c]);
    maxLog = std::max(maxLog, std::fabs(std::log(s[c])));
    pair.scale[c] *= s[c];
  }
  for (auto [i, w] : llvm::enumerate(w1.weights))
    w /= s[w1.outputChannel(i)];
  for (auto [c, b] : llvm::enumerate(w1.biasValues))
    b /= s[c];
  for (auto [k, w] : llvm::enumerate(w2.weights))
    w *= s[w2.inputChannel(k) % channels];
  return maxLog;
}

struct EqualizeCrossLayerPass
    : qopt::impl::EqualizeCrossLayerBase<EqualizeCrossLayerPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<qopt::Relu6Mode> mode = qopt::symbolizeRelu6Mode(relu6);
    if (!mode) {
      getOperation().emitError("relu6 must be ")
          << qopt::enumValues<qopt::Relu6Mode>(
                 qopt::getMaxEnumValForRelu6Mode())
          << ", got '" << relu6 << "'";
      return signalPassFailure();
    }

    auto [layers, indexOf] = qopt::collectLayers(getOperation());

    SmallVector<Pair> pairs;
    for (auto [i, layer] : llvm::enumerate(layers)) {
      std::optional<qopt::Link> link = qopt::getLink(layer);
      if (!link || !indexOf.contains(link->next))
        continue;
      size_t next = indexOf.lookup(link->next);
      if (layers[next].inChannels % link->channels != 0 ||
          (link->activation == qopt::Activation::Bounded &&
           *mode == qopt::Relu6Mode::Skip))
        continue;
      pairs.push_back(
          {i, next, *link, SmallVector<double>(link->channels, 1.0)});
    }

    for (unsigned sweep = 0; sweep < maxIterations; ++sweep) {
      double maxLog = 0.0;
      for (Pair &pair : pairs)
        maxLog = std::max(
            maxLog, equalize(layers[pair.first], layers[pair.second], pair));
      if (maxLog < tolerance)
        break;
    }

    SmallVector<bool> changed(layers.size(), false);
    for (Pair &pair : pairs) {
      changed[pair.first] = changed[pair.second] = true;
      Layer &w1 = layers[pair.first];
      if (auto stats = qopt::getBatchNormStatistics(w1.op)) {
        auto [mean, std] = *stats;
        for (int64_t c = 0; c < w1.outChannels; ++c) {
          mean[c] /= pair.scale[c];
          std[c] /= pair.scale[c];
        }
        qopt::setBatchNormStatistics(w1.op, mean, std);
      }
      if (pair.link.activation == qopt::Activation::Bounded) {
        tosa::ClampOp clamp = pair.link.clamp;
        clamp.setMaxValAttr(
            FloatAttr::get(cast<FloatAttr>(clamp.getMaxValAttr()).getType(),
                           std::numeric_limits<float>::max()));
      }
    }
    for (auto [layer, isChanged] : llvm::zip(layers, changed))
      if (isChanged)
        layer.write();
  }
};

} // namespace
