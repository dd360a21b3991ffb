//===- FoldBatchNorm.cpp - Fold per-channel affine ops into weights -------===//
//
// A chain of `tosa.mul`, `tosa.add` and `tosa.sub` by constants that are
// uniform or per output channel applies y ↦ a·y + d per channel to the
// result of a conv2d, depthwise_conv2d or fully connected matmul. Since
// y = W∗x + b is linear in W and b, the chain folds into W' = a·W (channel c
// of the weights scaled by a[c]) and b' = a·b + d. A fully connected matmul
// has no bias operand; its d becomes one `tosa.add` of a 1x..x1xN constant at
// the end of the chain, the form the QDQ contract expects.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Transforms/Passes.h"
#include "qopt/Utils/TosaConstantUtils.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qopt {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
/// Where the output channels of an op are in its constant weights.
struct WeightLayout {
  OpOperand *weight;
  DenseElementsAttr weights;
  /// The conv bias operand; null for matmul, which has none.
  OpOperand *bias = nullptr;
  /// Number of output channels: the last dimension of the result.
  int64_t channels;
  /// Weight element i belongs to output channel (i / stride) % channels.
  int64_t stride;
};
} // namespace

/// The constant float weights of `weight` if they have `rank` dimensions.
static DenseElementsAttr getFloatWeights(Value weight, int64_t rank) {
  DenseElementsAttr weights = qopt::getDenseConstant(weight);
  if (!weights || !isa<FloatType>(weights.getElementType()) ||
      weights.getType().getRank() != rank)
    return {};
  return weights;
}

/// The number of output channels of `op` (last result dimension), or 0 when
/// the result is not a static float tensor.
static int64_t getResultChannels(Operation *op) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
      !isa<FloatType>(type.getElementType()))
    return 0;
  return type.getShape().back();
}

/// conv2d: weights OxKHxKWxI.
static std::optional<WeightLayout> getLayout(tosa::Conv2DOp op) {
  DenseElementsAttr weights = getFloatWeights(op.getWeight(), 4);
  int64_t channels = getResultChannels(op);
  if (!weights || !channels || weights.getType().getDimSize(0) != channels)
    return std::nullopt;
  return WeightLayout{&op.getWeightMutable(), weights, &op.getBiasMutable(),
                      channels, weights.getNumElements() / channels};
}

/// depthwise_conv2d: weights KHxKWxCxM, output channel c·M + m.
static std::optional<WeightLayout> getLayout(tosa::DepthwiseConv2DOp op) {
  DenseElementsAttr weights = getFloatWeights(op.getWeight(), 4);
  int64_t channels = getResultChannels(op);
  if (!weights || !channels ||
      weights.getType().getDimSize(2) * weights.getType().getDimSize(3) !=
          channels)
    return std::nullopt;
  return WeightLayout{&op.getWeightMutable(), weights, &op.getBiasMutable(),
                      channels, /*stride=*/1};
}

/// Fully connected matmul: constant b of shape 1xKxN.
static std::optional<WeightLayout> getLayout(tosa::MatMulOp op) {
  DenseElementsAttr weights = getFloatWeights(op.getB(), 3);
  int64_t channels = getResultChannels(op);
  if (!weights || !channels || weights.getType().getDimSize(0) != 1 ||
      weights.getType().getDimSize(2) != channels)
    return std::nullopt;
  return WeightLayout{&op.getBMutable(), weights, /*bias=*/nullptr, channels,
                      /*stride=*/1};
}

namespace {
/// The per-channel map y ↦ scale·y + shift accumulated along a chain.
struct Affine {
  SmallVector<double> scale, shift;
};
} // namespace

/// The values of `value` if it is a float constant that broadcasts along the
/// last axis only (shape 1x..x1xC or all ones) against `type`: one value or
/// `channels` values.
static std::optional<SmallVector<double>>
getChannelConstant(Value value, RankedTensorType type, int64_t channels) {
  DenseElementsAttr attr = qopt::getDenseConstant(value);
  if (!attr || !isa<FloatType>(attr.getElementType()) ||
      attr.getType().getRank() != type.getRank())
    return std::nullopt;
  ArrayRef<int64_t> shape = attr.getType().getShape();
  if (llvm::any_of(shape.drop_back(), [](int64_t d) { return d != 1; }) ||
      (shape.back() != 1 && shape.back() != channels))
    return std::nullopt;
  return qopt::getFloatValues(attr);
}

/// Composes `op` (a mul/add/sub of `input` by a channel constant, result of
/// the same type as `input`) into `affine`. Returns the constant operand's
/// index on success.
static std::optional<unsigned> compose(Operation *op, Value input,
                                       int64_t channels, Affine &affine) {
  if (!isa<tosa::MulOp, tosa::AddOp, tosa::SubOp>(op) ||
      op->getResult(0).getType() != input.getType())
    return std::nullopt;
  if (auto mul = dyn_cast<tosa::MulOp>(op)) {
    DenseElementsAttr shift = qopt::getDenseConstant(mul.getShift());
    if (!shift || !shift.isSplat() || !shift.getSplatValue<APInt>().isZero())
      return std::nullopt;
  }
  unsigned constIndex = op->getOperand(0) == input ? 1 : 0;
  if (op->getOperand(1 - constIndex) != input)
    return std::nullopt;
  std::optional<SmallVector<double>> k =
      getChannelConstant(op->getOperand(constIndex),
                         cast<RankedTensorType>(input.getType()), channels);
  if (!k)
    return std::nullopt;
  for (int64_t c = 0; c < channels; ++c) {
    double kc = (*k)[k->size() == 1 ? 0 : c];
    double &a = affine.scale[c], &d = affine.shift[c];
    if (isa<tosa::MulOp>(op)) {
      a *= kc;
      d *= kc;
    } else if (isa<tosa::AddOp>(op)) {
      d += kc;
    } else if (constIndex == 1) { // y - k
      d -= kc;
    } else { // k - y
      a = -a;
      d = kc - d;
    }
  }
  return constIndex;
}

/// The mean β and std |γ| per channel of the chain's result when the chain
/// ends in batch norm as TOSA legalizations write it,
/// ((y − μ)·(1/σ))·γ + β: the last add's constant and the last multiplier.
/// The data-free passes use them as the pre-activation statistics.
static std::optional<std::pair<SmallVector<double>, SmallVector<double>>>
getBatchNormStatistics(ArrayRef<std::pair<Operation *, int>> chain,
                       int64_t channels) {
  SmallVector<std::pair<Operation *, int>> ops(llvm::make_filter_range(
      chain, [](const auto &link) { return link.second >= 0; }));
  if (ops.size() < 4)
    return std::nullopt;
  auto tail = ArrayRef(ops).take_back(4);
  auto [center, centerData] = tail[0];
  if (!(isa<tosa::AddOp>(center) ||
        (isa<tosa::SubOp>(center) && centerData == 0)) ||
      !isa<tosa::MulOp>(tail[1].first) || !isa<tosa::MulOp>(tail[2].first) ||
      !isa<tosa::AddOp>(tail[3].first))
    return std::nullopt;
  auto constantOf = [&](std::pair<Operation *, int> link) {
    auto [op, data] = link;
    SmallVector<double> values = *getChannelConstant(
        op->getOperand(1 - data),
        cast<RankedTensorType>(op->getOperand(data).getType()), channels);
    values.resize(channels, values.front());
    return values;
  };
  SmallVector<double> std = constantOf(tail[2]);
  for (double &s : std)
    s = std::fabs(s);
  return std::make_pair(constantOf(tail[3]), std);
}

/// Folds the affine chain after `op` into its weights (and bias) per
/// `layout`. Reshapes that keep the channel axis last may sit in the chain
/// of a matmul, whose bias add is re-created after the last of them.
static LogicalResult foldAffineChain(Operation *op, const WeightLayout &layout,
                                     PatternRewriter &rewriter) {
  int64_t channels = layout.channels;
  std::optional<SmallVector<double>> bias;
  if (layout.bias) {
    DenseElementsAttr attr = qopt::getDenseConstant(layout.bias->get());
    if (!attr || !isa<FloatType>(attr.getElementType()) ||
        (attr.getNumElements() != 1 && attr.getNumElements() != channels))
      return rewriter.notifyMatchFailure(op, "bias is not a float constant");
    bias = qopt::getFloatValues(attr);
  }

  Affine affine{SmallVector<double>(channels, 1.0),
                SmallVector<double>(channels, 0.0)};
  // The chain's ops, each with the index of its data operand (-1: reshape).
  SmallVector<std::pair<Operation *, int>> chain;
  int numAffine = 0;
  bool onlyAdds = true;
  Value value = op->getResult(0);
  while (value.hasOneUse()) {
    Operation *user = *value.getUsers().begin();
    if (!layout.bias && isa<tosa::ReshapeOp>(user) &&
        getResultChannels(user) == channels) {
      chain.push_back({user, -1});
    } else if (std::optional<unsigned> constIndex =
                   compose(user, value, channels, affine)) {
      chain.push_back({user, 1 - *constIndex});
      ++numAffine;
      onlyAdds &= isa<tosa::AddOp>(user);
    } else {
      break;
    }
    value = user->getResult(0);
  }
  // A matmul's single bias add is already in its folded form.
  if (numAffine == 0 || (!layout.bias && numAffine == 1 && onlyAdds))
    return rewriter.notifyMatchFailure(op, "no foldable arithmetic");

  // W' = a·W for the channel of each weight element.
  SmallVector<double> weights = qopt::getFloatValues(layout.weights);
  if (weights.size() == 1)
    weights.resize(layout.weights.getNumElements(), weights.front());
  for (auto [i, w] : llvm::enumerate(weights))
    w *= affine.scale[(i / layout.stride) % channels];
  Location loc = op->getLoc();
  auto weightType = layout.weights.getType();
  Value newWeights = tosa::ConstOp::create(
      rewriter, loc, weightType, qopt::getFloatAttr(weightType, weights));

  Value newBias;
  if (bias) {
    // b' = a·b + d.
    SmallVector<double> folded(channels);
    for (int64_t c = 0; c < channels; ++c)
      folded[c] = affine.scale[c] * (*bias)[bias->size() == 1 ? 0 : c] +
                  affine.shift[c];
    auto biasType = RankedTensorType::get(
        {channels},
        cast<ShapedType>(layout.bias->get().getType()).getElementType());
    newBias = tosa::ConstOp::create(rewriter, loc, biasType,
                                    qopt::getFloatAttr(biasType, folded));
  }
  auto statistics = getBatchNormStatistics(chain, channels);
  rewriter.modifyOpInPlace(op, [&] {
    layout.weight->set(newWeights);
    if (newBias)
      layout.bias->set(newBias);
    if (statistics)
      qopt::setBatchNormStatistics(op, statistics->first, statistics->second);
  });

  // The arithmetic now happens in the weights: bypass it.
  Value last = op->getResult(0);
  for (auto [user, dataIndex] : chain) {
    if (dataIndex < 0)
      last = user->getResult(0);
    else
      rewriter.replaceOp(user, user->getOperand(dataIndex));
  }

  if (bias || llvm::all_of(affine.shift, [](double d) { return d == 0.0; }))
    return success();
  auto lastType = cast<RankedTensorType>(last.getType());
  SmallVector<int64_t> biasShape(lastType.getRank(), 1);
  biasShape.back() = channels;
  auto biasType = RankedTensorType::get(biasShape, lastType.getElementType());
  rewriter.setInsertionPointAfterValue(last);
  Value biasConst = tosa::ConstOp::create(
      rewriter, loc, biasType, qopt::getFloatAttr(biasType, affine.shift));
  auto add = tosa::AddOp::create(rewriter, loc, lastType, last, biasConst);
  rewriter.replaceAllUsesExcept(last, add.getResult(), add);
  return success();
}

namespace {

/// Folds the per-channel arithmetic after an `OpTy` into its weights.
template <typename OpTy> struct FoldAffineIntoWeights : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    std::optional<WeightLayout> layout = getLayout(op);
    if (!layout)
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    return foldAffineChain(op, *layout, rewriter);
  }
};

struct FoldBatchNormPass : qopt::impl::FoldBatchNormBase<FoldBatchNormPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<FoldAffineIntoWeights<tosa::Conv2DOp>,
                 FoldAffineIntoWeights<tosa::DepthwiseConv2DOp>,
                 FoldAffineIntoWeights<tosa::MatMulOp>>(context);
    // Only these rewrites: no folding or constant hoisting on the side.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
