//===- AbsorbHighBias.cpp - High-bias absorption --------------------------===//
//
// For W1 → ReLU → W2, a channel whose pre-activation x is almost always above
// c > 0 satisfies ReLU(x − c) = ReLU(x) − c, so c can leave W1's bias and
// reappear in W2's as W2·c. With x ~ N(β, γ²) per channel (the statistics of
// the batch norm folded into W1, or measured on calibration samples),
// c = max(0, β − 3γ).
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/AbsorbHighBias.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_ABSORBHIGHBIAS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::Layer;

namespace {

/// Two layers linked by a ReLU whose first one's offsets can move into the
/// second's bias.
struct Pair {
  size_t first, second;
  int64_t channels;
};

SmallVector<Pair> findPairs(const qopt::LayerList &list) {
  SmallVector<Pair> pairs;
  for (auto [i, w1] : llvm::enumerate(list.layers)) {
    std::optional<qopt::Link> link = qopt::getLink(w1);
    if (!link || link->activation != qopt::Activation::ReLU ||
        !list.indexOf.contains(link->next) || !w1.bias)
      continue;
    size_t next = list.indexOf.lookup(link->next);
    const Layer &w2 = list.layers[next];
    if (w2.bias && w2.inChannels % link->channels == 0)
      pairs.push_back({i, next, link->channels});
  }
  return pairs;
}

/// Moves the offsets `c = max(0, mean − 3·std)` (per channel of the link)
/// from w1 to w2; returns whether any was positive.
bool absorb(Layer &w1, Layer &w2, int64_t channels, ArrayRef<double> mean,
            ArrayRef<double> std) {
  SmallVector<double> c(channels);
  for (int64_t i = 0; i < channels; ++i)
    c[i] = std::max(0.0, mean[i] - 3.0 * std[i]);
  if (llvm::all_of(c, [](double x) { return x == 0.0; }))
    return false;
  for (int64_t i = 0; i < channels; ++i)
    w1.biasValues[i] -= c[i];
  if (auto recorded = qopt::getBatchNormStatistics(w1.op)) {
    SmallVector<double> shifted = recorded->mean;
    for (int64_t i = 0; i < channels; ++i)
      shifted[i] -= c[i];
    qopt::setBatchNormStatistics(w1.op, shifted, recorded->std);
  }
  for (auto [k, w] : llvm::enumerate(w2.weights))
    w2.biasValues[w2.outputChannel(k)] += w * c[w2.inputChannel(k) % channels];
  return true;
}

struct AbsorbHighBiasPass : qopt::impl::AbsorbHighBiasBase<AbsorbHighBiasPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (statsFile.empty())
      return qopt::absorbHighBias(func, nullptr);
    llvm::Expected<qopt::CalibrationStatistics> stats =
        qopt::readStatistics(statsFile);
    if (!stats) {
      func.emitError() << llvm::toString(stats.takeError());
      return signalPassFailure();
    }
    const std::optional<qopt::AbsorptionStatistics> &measured =
        stats->beforeAbsorption;
    if (stats->function != func.getName() || !measured)
      return qopt::absorbHighBias(func, nullptr);
    if (measured->fingerprint != qopt::graphFingerprint(func)) {
      func.emitError() << "statistics file '" << statsFile
                       << "' measured the pre-activations of another graph: "
                          "the '"
                       << func.getName()
                       << "' to absorb high biases in differs (its weights or "
                          "ops changed since calibration): run qopt-calibrate "
                          "again";
      return signalPassFailure();
    }
    qopt::absorbHighBias(func, &*measured);
  }
};

} // namespace

namespace qopt {

SmallVector<Value> getUnrecordedPreactivations(func::FuncOp func) {
  LayerList list = collectLayers(func);
  SmallVector<Value> values;
  for (const Pair &pair : findPairs(list)) {
    const Layer &w1 = list.layers[pair.first];
    if (!getBatchNormStatistics(w1.op))
      values.push_back(w1.output);
  }
  return values;
}

void absorbHighBias(func::FuncOp func, const AbsorptionStatistics *measured) {
  LayerList list = collectLayers(func);
  llvm::DenseMap<Value, unsigned> ids;
  llvm::DenseMap<unsigned, const ChannelMoments *> moments;
  if (measured) {
    ids = getActivationTensorIds(func);
    for (const ChannelMoments &t : measured->tensors)
      moments[t.id] = &t;
  }
  SmallVector<bool> changed(list.layers.size(), false);
  for (const Pair &pair : findPairs(list)) {
    Layer &w1 = list.layers[pair.first], &w2 = list.layers[pair.second];
    bool absorbed = false;
    if (auto recorded = getBatchNormStatistics(w1.op)) {
      absorbed = absorb(w1, w2, pair.channels, recorded->mean, recorded->std);
    } else if (auto it = ids.find(w1.output); it != ids.end()) {
      const ChannelMoments *m = moments.lookup(it->second);
      if (m && int64_t(m->mean.size()) == pair.channels)
        absorbed = absorb(w1, w2, pair.channels, m->mean, m->std);
    }
    if (absorbed)
      changed[pair.first] = changed[pair.second] = true;
  }
  for (auto [layer, isChanged] : llvm::zip(list.layers, changed))
    if (isChanged)
      layer.write();
}

} // namespace qopt
