//===- LayerChains.cpp - Layers and the links between them ----------------===//

#include "qopt/Transforms/LayerChains.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Utils/FullyConnected.h"
#include "qopt/Utils/TosaConstantUtils.h"

#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;

namespace qopt {

int64_t Layer::outputChannel(int64_t i) const {
  switch (kind) {
  case LayerKind::Conv: // OxKHxKWxI
    return i / (weightType.getNumElements() / outChannels);
  case LayerKind::Depthwise:      // KHxKWxCxM, output channel c·M + m
  case LayerKind::FullyConnected: // 1xKxN
    return i % outChannels;
  }
  llvm_unreachable("unknown layer kind");
}

int64_t Layer::inputChannel(int64_t i) const {
  switch (kind) {
  case LayerKind::Conv:
    return i % inChannels;
  case LayerKind::Depthwise:
    return (i / weightType.getDimSize(3)) % inChannels;
  case LayerKind::FullyConnected:
    return (i / outChannels) % inChannels;
  }
  llvm_unreachable("unknown layer kind");
}

int64_t Layer::tap(int64_t i) const {
  switch (kind) {
  case LayerKind::Conv:
    return (i / inChannels) %
           (weightType.getDimSize(1) * weightType.getDimSize(2));
  case LayerKind::Depthwise:
    return i / outChannels;
  case LayerKind::FullyConnected:
    return 0;
  }
  llvm_unreachable("unknown layer kind");
}

/// Fraction of the `out` output positions along one axis whose input
/// position `o·stride − padBefore + k·dilation` lies in [0, in).
static double axisCoverage(int64_t k, int64_t in, int64_t out, int64_t stride,
                           int64_t padBefore, int64_t dilation) {
  int64_t inside = 0;
  for (int64_t o = 0; o < out; ++o) {
    int64_t pos = o * stride - padBefore + k * dilation;
    inside += pos >= 0 && pos < in;
  }
  return out > 0 ? double(inside) / double(out) : 1.0;
}

SmallVector<double> Layer::tapCoverage() const {
  if (kind == LayerKind::FullyConnected)
    return {1.0};
  // conv2d OxKHxKWxI, depthwise KHxKWxCxM; pad = [top, bottom, left, right].
  int64_t kh = weightType.getDimSize(kind == LayerKind::Conv ? 1 : 0);
  int64_t kw = weightType.getDimSize(kind == LayerKind::Conv ? 2 : 1);
  auto in = cast<RankedTensorType>(op->getOperand(0).getType()).getShape();
  auto out = cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  ArrayRef<int64_t> pad, stride, dilation;
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    pad = conv.getPad(), stride = conv.getStride();
    dilation = conv.getDilation();
  } else {
    auto dw = cast<tosa::DepthwiseConv2DOp>(op);
    pad = dw.getPad(), stride = dw.getStride(), dilation = dw.getDilation();
  }
  SmallVector<double> coverage;
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      coverage.push_back(
          axisCoverage(y, in[1], out[1], stride[0], pad[0], dilation[0]) *
          axisCoverage(x, in[2], out[2], stride[1], pad[2], dilation[1]));
  return coverage;
}

SmallVector<double> Layer::meanShift(ArrayRef<double> error,
                                     ArrayRef<double> inputMean) const {
  SmallVector<double> coverage = tapCoverage();
  SmallVector<double> shift(outChannels, 0.0);
  for (auto [i, e] : llvm::enumerate(error))
    shift[outputChannel(i)] +=
        e * inputMean[inputChannel(i)] * coverage[tap(i)];
  return shift;
}

/// One value per channel from a constant of one or `channels` values.
static std::optional<SmallVector<double>> getChannelValues(Attribute attr,
                                                           int64_t channels) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  SmallVector<double> values = getFloatValues(dense);
  if (values.size() == 1)
    values.resize(channels, values.front());
  if (static_cast<int64_t>(values.size()) != channels)
    return std::nullopt;
  return values;
}

/// Points `operand` at a new constant of `values`, erasing the old one if
/// that was its last use.
static void replaceConstant(OpOperand &operand, RankedTensorType type,
                            ArrayRef<double> values) {
  OpBuilder builder(operand.getOwner());
  Value old = operand.get();
  operand.set(tosa::ConstOp::create(builder, old.getLoc(), type,
                                    getFloatAttr(type, values)));
  if (Operation *def = old.getDefiningOp(); def && def->use_empty())
    def->erase();
}

void Layer::write() {
  replaceConstant(op->getOpOperand(1), weightType, weights);
  if (bias)
    writeBias();
}

void Layer::writeBias() {
  auto type = cast<RankedTensorType>(bias->get().getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = outChannels;
  replaceConstant(*bias, type.clone(shape), biasValues);
}

/// The constant float weights of `weight` if they have shape `rank`.
static DenseElementsAttr getFloatWeights(Value weight, int64_t rank) {
  DenseElementsAttr weights = getDenseConstant(weight);
  if (!weights || !isa<FloatType>(weights.getElementType()) ||
      weights.getType().getRank() != rank)
    return {};
  return weights;
}

std::optional<Layer> getLayer(Operation *op) {
  if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op))
    return std::nullopt;
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!resultType || !resultType.hasStaticShape() ||
      !isa<FloatType>(resultType.getElementType()))
    return std::nullopt;
  Layer layer{op,
              LayerKind::Conv,
              {},
              {},
              nullptr,
              {},
              op->getResult(0),
              resultType.getShape().back(),
              0};
  DenseElementsAttr weights;
  if (isa<tosa::Conv2DOp>(op)) {
    weights = getFloatWeights(op->getOperand(1), 4);
    if (!weights || weights.getType().getDimSize(0) != layer.outChannels)
      return std::nullopt;
    layer.inChannels = weights.getType().getDimSize(3);
  } else if (isa<tosa::DepthwiseConv2DOp>(op)) {
    layer.kind = LayerKind::Depthwise;
    weights = getFloatWeights(op->getOperand(1), 4);
    if (!weights ||
        weights.getType().getDimSize(2) * weights.getType().getDimSize(3) !=
            layer.outChannels)
      return std::nullopt;
    layer.inChannels = weights.getType().getDimSize(2);
  } else {
    layer.kind = LayerKind::FullyConnected;
    weights = getFloatWeights(op->getOperand(1), 3);
    if (!weights || weights.getType().getDimSize(0) != 1 ||
        weights.getType().getDimSize(2) != layer.outChannels)
      return std::nullopt;
    layer.inChannels = weights.getType().getDimSize(1);
    // The bias add qopt-fold-batchnorm leaves, of a float constant.
    FullyConnectedChain chain =
        matchFullyConnected(cast<tosa::MatMulOp>(op), [](Value v) {
          DenseElementsAttr attr = getDenseConstant(v);
          return attr && isa<FloatType>(attr.getElementType());
        });
    if (chain.biasAdd) {
      layer.bias = chain.bias;
      layer.output = chain.biasAdd.getResult();
    }
  }
  layer.weightType = cast<RankedTensorType>(weights.getType());
  layer.weights = getFloatValues(weights);
  if (layer.weights.size() == 1)
    layer.weights.resize(weights.getNumElements(), layer.weights.front());

  if (layer.kind != LayerKind::FullyConnected)
    layer.bias = &op->getOpOperand(2);
  if (layer.bias) {
    auto bias = getChannelValues(getDenseConstant(layer.bias->get()),
                                 layer.outChannels);
    if (!bias)
      return std::nullopt;
    layer.biasValues = std::move(*bias);
  }
  return layer;
}

LayerList collectLayers(Operation *root) {
  LayerList list;
  root->walk([&](Operation *op) {
    if (std::optional<Layer> layer = getLayer(op)) {
      list.indexOf[op] = list.layers.size();
      list.layers.push_back(std::move(*layer));
    }
  });
  return list;
}

/// ReLU, a bounded ReLU or unsupported (null).
static std::optional<Activation> classify(tosa::ClampOp clamp) {
  auto min = dyn_cast<FloatAttr>(clamp.getMinValAttr());
  auto max = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
  if (!min || !max || min.getValueAsDouble() != 0.0 ||
      !(max.getValueAsDouble() > 0.0))
    return std::nullopt;
  // Frontends write "no upper bound" as FLT_MAX, +inf or a rounded print of
  // FLT_MAX; no activation reaches a bound that large.
  if (max.getValueAsDouble() >= 1e30)
    return Activation::ReLU;
  return Activation::Bounded;
}

static double normalPdf(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI);
}
static double normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

/// E[clamp(x, 0, hi)] for x ~ N(mean, std²) (hi = +inf for a ReLU):
/// mean·(Φ(b) − Φ(a)) + std·(φ(a) − φ(b)) + hi·(1 − Φ(b)) with
/// a = −mean/std, b = (hi − mean)/std.
static double clampedNormalMean(double mean, double std, double hi) {
  if (std <= 0.0)
    return std::clamp(mean, 0.0, hi);
  double a = -mean / std;
  if (std::isinf(hi))
    return mean * (1.0 - normalCdf(a)) + std * normalPdf(a);
  double b = (hi - mean) / std;
  return mean * (normalCdf(b) - normalCdf(a)) +
         std * (normalPdf(a) - normalPdf(b)) + hi * (1.0 - normalCdf(b));
}

std::optional<SmallVector<double>>
getAnalyticInputMeans(const Layer &prev, const Link &link, const Layer &next) {
  auto stats = getBatchNormStatistics(prev.op);
  if (!stats || link.hasMaxPool || next.inChannels % link.channels != 0)
    return std::nullopt;
  auto [mean, std] = *stats;
  double hi = std::numeric_limits<double>::infinity();
  if (link.activation == Activation::Bounded)
    hi = cast<FloatAttr>(tosa::ClampOp(link.clamp).getMaxValAttr())
             .getValueAsDouble();
  SmallVector<double> result;
  for (int64_t k = 0; k < next.inChannels; ++k) {
    int64_t c = k % link.channels;
    result.push_back(link.activation == Activation::Identity
                         ? mean[c]
                         : clampedNormalMean(mean[c], std[c], hi));
  }
  return result;
}

std::optional<Link> getLink(const Layer &layer) {
  Link link;
  link.channels = layer.outChannels;
  Value value = layer.output;
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (auto clamp = dyn_cast<tosa::ClampOp>(user)) {
      std::optional<Activation> activation = classify(clamp);
      if (link.clamp || !activation)
        return std::nullopt;
      link.clamp = clamp;
      link.activation = *activation;
    } else if (isa<tosa::MaxPool2dOp>(user)) {
      link.hasMaxPool = true;
    } else if (auto reshape = dyn_cast<tosa::ReshapeOp>(user)) {
      // Element j of the flat order carries channel j % channels as long as
      // the innermost dimension is a multiple of it.
      if (reshape.getType().getShape().back() % link.channels != 0)
        return std::nullopt;
    } else if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(
                   user) &&
               user->getOperand(0) == value) {
      link.next = user;
      return link;
    } else if (!isa<tosa::AvgPool2dOp>(user)) {
      return std::nullopt;
    }
    value = user->getResult(0);
  }
  return std::nullopt;
}

} // namespace qopt
