//===- AbsorbHighBias.cpp - High-bias absorption --------------------------===//
//
// For W1 → ReLU → W2, a channel whose pre-activation x is almost always above
// c > 0 satisfies ReLU(x − c) = ReLU(x) − c, so c can leave W1's bias and
// reappear in W2's as W2·c. With x ~ N(β, γ²) per channel (the statistics of
// the batch norm folded into W1), c = max(0, β − 3γ).
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_ABSORBHIGHBIAS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::Layer;

namespace {

/// Moves the offsets `c` (per channel of the link) from w1 to w2; returns
/// whether any was positive.
bool absorb(Layer &w1, Layer &w2, int64_t channels) {
  auto [mean, std] = *w1.getBatchNormStatistics();
  SmallVector<double> c(channels);
  for (int64_t i = 0; i < channels; ++i)
    c[i] = std::max(0.0, mean[i] - 3.0 * std[i]);
  if (llvm::all_of(c, [](double x) { return x == 0.0; }))
    return false;
  for (int64_t i = 0; i < channels; ++i) {
    w1.biasValues[i] -= c[i];
    mean[i] -= c[i];
  }
  w1.setBatchNormStatistics(mean, std);
  for (auto [k, w] : llvm::enumerate(w2.weights))
    w2.biasValues[w2.outputChannel(k)] += w * c[w2.inputChannel(k) % channels];
  return true;
}

struct AbsorbHighBiasPass : qopt::impl::AbsorbHighBiasBase<AbsorbHighBiasPass> {
  using Base::Base;

  void runOnOperation() override {
    auto [layers, indexOf] = qopt::collectLayers(getOperation());

    SmallVector<bool> changed(layers.size(), false);
    for (auto [i, w1] : llvm::enumerate(layers)) {
      std::optional<qopt::Link> link = qopt::getLink(w1);
      if (!link || link->activation != qopt::Activation::ReLU ||
          !indexOf.contains(link->next) || !w1.bias ||
          !w1.getBatchNormStatistics())
        continue;
      size_t next = indexOf.lookup(link->next);
      Layer &w2 = layers[next];
      if (!w2.bias || w2.inChannels % link->channels != 0)
        continue;
      if (absorb(w1, w2, link->channels))
        changed[i] = changed[next] = true;
    }
    for (auto [layer, isChanged] : llvm::zip(layers, changed))
      if (isChanged)
        layer.write();
  }
};

} // namespace
