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
#include "qopt/Utils/TosaQueries.h"

namespace qopt {
#define GEN_PASS_DEF_CORRECTBIAS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::Layer;

namespace {

struct CorrectBiasPass : qopt::impl::CorrectBiasBase<CorrectBiasPass> {
  using Base::Base;

  /// ε = Ŵ − W per weight, with the quantizer's min-max symmetric rounding.
  SmallVector<double> roundingError(const Layer &layer) const {
    SmallVector<float> weights(layer.weights.begin(), layer.weights.end());
    qopt::WeightChannels channels =
        qopt::getWeightChannels(layer.op, perChannel);
    std::vector<qopt::QuantParams> params =
        qopt::chooseWeightParams(weights, channels.channels, channels.stride,
                                 weightBits, qopt::WeightRange::MinMax);
    SmallVector<double> error;
    for (auto [i, w] : llvm::enumerate(weights)) {
      const qopt::QuantParams &p =
          params[(int64_t(i) / channels.stride) % channels.channels];
      error.push_back(qopt::dequantize(qopt::quantize(w, p), p) - double(w));
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
      std::optional<SmallVector<double>> mean =
          qopt::getAnalyticInputMeans(*prev, link, layer);
      if (!mean)
        continue;
      for (auto [b, shift] : llvm::zip(
               layer.biasValues, layer.meanShift(roundingError(layer), *mean)))
        b -= shift;
      layer.writeBias();
    }
  }
};

} // namespace
