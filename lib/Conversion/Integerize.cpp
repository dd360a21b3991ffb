//===- Integerize.cpp - QDQ op islands to integer TOSA --------------------===//
//
// Each pattern matches one op island of docs/QuantizedGraph.md backwards from
// the `quant.qcast` that ends it, reads its inputs as integers (the storage of
// their `quant.dcast`, weight and bias constants directly), builds the
// integer ops and hands the result back as `quant.scast` of the qcast's type,
// so that consumers left in float still read a quantized value. The float
// ops of the island die with the qcast.
//
//===----------------------------------------------------------------------===//

#include "qopt/Conversion/Passes.h"
#include "qopt/Quant/QuantMath.h"
#include "qopt/Utils/FullyConnected.h"
#include "qopt/Utils/TosaBuilders.h"
#include "qopt/Utils/TosaQueries.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <optional>

namespace qopt {
#define GEN_PASS_DEF_INTEGERIZE
#include "qopt/Conversion/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using qopt::QuantParams;

namespace {

//===----------------------------------------------------------------------===//
// Reading the QDQ graph
//===----------------------------------------------------------------------===//

/// Parameters of a per-tensor type stored in signed 8 bits (narrow ranges
/// included) over f32: the only activation type the integer ops take.
std::optional<QuantParams> getI8Params(Type type) {
  auto uniform = dyn_cast_or_null<quant::UniformQuantizedType>(
      qopt::getQuantElementType(type));
  if (!isa<RankedTensorType>(type) || !uniform || !uniform.isSigned() ||
      uniform.getStorageTypeIntegralWidth() != 8 ||
      !uniform.getExpressedType().isF32())
    return std::nullopt;
  return QuantParams{uniform.getScale(), uniform.getZeroPoint(),
                     uniform.getStorageTypeMin(), uniform.getStorageTypeMax()};
}

/// An activation read by an island: `dcast %quantized`.
struct Activation {
  Value quantized;
  QuantParams params;
};

std::optional<Activation> matchActivation(Value v) {
  auto dcast = v.getDefiningOp<quant::DequantizeCastOp>();
  if (!dcast)
    return std::nullopt;
  std::optional<QuantParams> params = getI8Params(dcast.getInput().getType());
  if (!params)
    return std::nullopt;
  return Activation{dcast.getInput(), *params};
}

/// A weight or bias: `dcast(scast(int constant))` with zero points 0, per
/// tensor (axis -1, one scale) or per axis.
struct QuantizedConstant {
  Value storage;
  SmallVector<double> scales;
  int64_t axis = -1;
};

std::optional<QuantizedConstant> matchQuantizedConstant(Value v,
                                                        unsigned width) {
  auto dcast = v.getDefiningOp<quant::DequantizeCastOp>();
  auto scast =
      dcast ? dcast.getInput().getDefiningOp<quant::StorageCastOp>() : nullptr;
  if (!scast || !matchPattern(scast.getInput(), m_Constant()))
    return std::nullopt;
  auto qtype = qopt::getQuantElementType(scast.getType());
  if (!qtype || !qtype.isSigned() ||
      qtype.getStorageTypeIntegralWidth() != width)
    return std::nullopt;
  QuantizedConstant result{scast.getInput(), {}, -1};
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(qtype)) {
    if (uniform.getZeroPoint() != 0)
      return std::nullopt;
    result.scales.push_back(uniform.getScale());
    return result;
  }
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qtype);
  if (!perAxis ||
      llvm::any_of(perAxis.getZeroPoints(), [](int64_t zp) { return zp != 0; }))
    return std::nullopt;
  result.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  result.axis = perAxis.getQuantizedDimension();
  return result;
}

/// Whether per-axis `scales` (or a single per-tensor scale) describe the
/// `channels` output channels along `axis` (the layout's channel axis).
bool describesChannels(const QuantizedConstant &c, int64_t axis,
                       int64_t channels) {
  return c.axis == -1 ||
         (c.axis == axis && static_cast<int64_t>(c.scales.size()) == channels);
}

/// `a[c]`, broadcasting a single value.
double channel(ArrayRef<double> a, size_t c) {
  return a[a.size() == 1 ? 0 : c];
}

/// Whether the bias was quantized in the accumulator's scale s_in·s_w[c]
/// (the quantizer writes exactly that product; allow f32-level noise).
bool biasMatches(const QuantizedConstant &bias, ArrayRef<double> accScales) {
  size_t n = std::max(bias.scales.size(), accScales.size());
  for (size_t c = 0; c < n; ++c) {
    double b = channel(bias.scales, c), a = channel(accScales, c);
    if (std::fabs(a - b) > 1e-6 * std::max(std::fabs(a), std::fabs(b)))
      return false;
  }
  return true;
}

/// The float clamp fused at the end of an island, if any; `v` moves to its
/// input.
tosa::ClampOp stripClamp(Value &v) {
  auto clamp = v.getDefiningOp<tosa::ClampOp>();
  if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()))
    return nullptr;
  v = clamp.getInput();
  return clamp;
}

//===----------------------------------------------------------------------===//
// Numerics shared with the QDQ simulation
//===----------------------------------------------------------------------===//

// Quantize and dequantize exactly as qopt-lower-quant computes them (f32
// operations in the same order), so that table entries and clamp bounds are
// the integers the simulation produces.
float dequantizeF32(int64_t q, const QuantParams &p) {
  float centered = static_cast<float>(q) - static_cast<float>(p.zeroPoint);
  return centered * static_cast<float>(p.scale);
}

int64_t quantizeF32(float x, const QuantParams &p) {
  if (std::isnan(x))
    return p.zeroPoint;
  float y = x * static_cast<float>(1.0 / p.scale);
  y = y + static_cast<float>(p.zeroPoint);
  y = std::clamp(y, static_cast<float>(p.qmin), static_cast<float>(p.qmax));
  return static_cast<int64_t>(qopt::roundHalfEven(y));
}

/// The output's integer range: its (narrow) storage range, intersected with
/// the quantized bounds of a fused float clamp (quantization is monotone, so
/// clamping before or after it is the same).
std::pair<int64_t, int64_t> outputBounds(const QuantParams &out,
                                         tosa::ClampOp fused) {
  if (!fused)
    return {out.qmin, out.qmax};
  auto bound = [&](Attribute attr) {
    return quantizeF32(
        static_cast<float>(cast<FloatAttr>(attr).getValueAsDouble()), out);
  };
  return {bound(fused.getMinValAttr()), bound(fused.getMaxValAttr())};
}

/// Number of data operands of an elementwise f32 op the table evaluator
/// knows (0: not one of them); mul's shift and negate's zero points are
/// not data.
unsigned chainArity(Operation *op) {
  if (op->getNumResults() != 1 ||
      !getElementTypeOrSelf(op->getResult(0).getType()).isF32())
    return 0;
  if (isa<tosa::SigmoidOp, tosa::TanhOp, tosa::ExpOp, tosa::LogOp, tosa::ErfOp,
          tosa::ReciprocalOp, tosa::RsqrtOp, tosa::AbsOp, tosa::NegateOp,
          tosa::FloorOp, tosa::CeilOp, tosa::ClampOp>(op))
    return 1;
  if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
          tosa::MinimumOp, tosa::PowOp>(op))
    return 2;
  return 0;
}

/// The value of a splat f32 constant.
std::optional<float> getSplat(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !attr.getElementType().isF32())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToFloat();
}

/// The f32 result of one chain op on its data operands, computed as the
/// float graph computes it after tosa-to-linalg (sigmoid = 1/(1+exp(-x))).
float evaluateOp(Operation *op, ArrayRef<float> x) {
  auto attrValue = [](Attribute a) {
    return static_cast<float>(cast<FloatAttr>(a).getValueAsDouble());
  };
  return llvm::TypeSwitch<Operation *, float>(op)
      .Case([&](tosa::SigmoidOp) { return 1.0f / (1.0f + std::exp(-x[0])); })
      .Case([&](tosa::TanhOp) { return std::tanh(x[0]); })
      .Case([&](tosa::ExpOp) { return std::exp(x[0]); })
      .Case([&](tosa::LogOp) { return std::log(x[0]); })
      .Case([&](tosa::ErfOp) { return std::erf(x[0]); })
      .Case([&](tosa::ReciprocalOp) { return 1.0f / x[0]; })
      .Case([&](tosa::RsqrtOp) { return 1.0f / std::sqrt(x[0]); })
      .Case([&](tosa::AbsOp) { return std::fabs(x[0]); })
      .Case([&](tosa::NegateOp) { return -x[0]; })
      .Case([&](tosa::FloorOp) { return std::floor(x[0]); })
      .Case([&](tosa::CeilOp) { return std::ceil(x[0]); })
      .Case([&](tosa::ClampOp c) {
        return std::min(std::max(x[0], attrValue(c.getMinValAttr())),
                        attrValue(c.getMaxValAttr()));
      })
      .Case([&](tosa::AddOp) { return x[0] + x[1]; })
      .Case([&](tosa::SubOp) { return x[0] - x[1]; })
      .Case([&](tosa::MulOp) { return x[0] * x[1]; })
      .Case([&](tosa::MaximumOp) { return std::max(x[0], x[1]); })
      .Case([&](tosa::MinimumOp) { return std::min(x[0], x[1]); })
      .Case([&](tosa::PowOp) { return std::pow(x[0], x[1]); });
}

//===----------------------------------------------------------------------===//
// Building the integer ops
//===----------------------------------------------------------------------===//

/// Integer-op construction for one island at the qcast that ends it.
class IslandBuilder {
public:
  IslandBuilder(PatternRewriter &rewriter, Location loc, bool doubleRound)
      : b(rewriter), loc(loc), doubleRound(doubleRound) {}

  /// The integers stored in a quantized value (an scast of an scast folds).
  Value storage(Value quantized) {
    Type storageType = qopt::toStorageType(quantized.getType());
    if (auto scast = quantized.getDefiningOp<quant::StorageCastOp>())
      if (scast.getInput().getType() == storageType)
        return scast.getInput();
    return quant::StorageCastOp::create(b, loc, storageType, quantized);
  }

  Value zeroPoint(Type elementType, int64_t zp) {
    return qopt::createZeroPoint(b, loc, elementType, zp);
  }

  /// `tosa.rescale` of `v` to `elementType` by the real multipliers `m` (one
  /// per tensor, or one per channel of the last axis).
  Value rescale(Value v, Type elementType, ArrayRef<double> m, int64_t inputZp,
                int64_t outputZp) {
    SmallVector<int64_t> multipliers, shifts;
    for (double real : m) {
      qopt::FixedPointMultiplier fixed = qopt::decomposeMultiplier(real);
      multipliers.push_back(fixed.multiplier);
      shifts.push_back(fixed.shift);
    }
    int64_t n = m.size();
    auto type = cast<RankedTensorType>(v.getType());
    auto mode = doubleRound ? tosa::RoundingMode::DOUBLE_ROUND
                            : tosa::RoundingMode::SINGLE_ROUND;
    return tosa::RescaleOp::create(
        b, loc, type.clone(elementType), v,
        qopt::createIntConst(b, loc, {n}, b.getI32Type(), multipliers),
        qopt::createIntConst(b, loc, {n}, b.getI8Type(), shifts),
        zeroPoint(type.getElementType(), inputZp),
        zeroPoint(elementType, outputZp), b.getBoolAttr(true),
        tosa::RoundingModeAttr::get(b.getContext(), mode), b.getBoolAttr(n > 1),
        b.getBoolAttr(false), b.getBoolAttr(false));
  }

  /// The integers of `x` minus its zero point, times `multiplier`, in i32.
  Value widen(const Activation &x, double multiplier) {
    return rescale(storage(x.quantized), b.getI32Type(), {multiplier},
                   x.params.zeroPoint, 0);
  }

  /// Clamps i8 `v` to the output's range (see outputBounds) where that is
  /// narrower than what the i8 rescale already saturates to.
  Value clampToOutput(Value v, const QuantParams &out, tosa::ClampOp fused) {
    auto [lo, hi] = outputBounds(out, fused);
    if (lo <= -128 && hi >= 127)
      return v;
    return tosa::ClampOp::create(
        b, loc, v.getType(), v, b.getIntegerAttr(b.getI8Type(), lo),
        b.getIntegerAttr(b.getI8Type(), hi),
        tosa::NanPropagationModeAttr::get(b.getContext(),
                                          tosa::NanPropagationMode::PROPAGATE));
  }

  /// The requantization epilogue of an i32 accumulator whose channel c has
  /// scale accScales[c]: rescale to the output, then the fused clamp.
  Value requantizeAcc(Value acc, ArrayRef<double> accScales,
                      const QuantParams &out, tosa::ClampOp fused) {
    SmallVector<double> m =
        llvm::map_to_vector(accScales, [&](double s) { return s / out.scale; });
    Value q = rescale(acc, b.getI8Type(), m, 0, out.zeroPoint);
    return clampToOutput(q, out, fused);
  }

  /// i8 integers of `from` re-expressed in `to` (rescaled only when the two
  /// differ), with the fused clamp.
  Value requantize(Value v, const QuantParams &from, const QuantParams &to,
                   tosa::ClampOp fused = nullptr) {
    if (from.scale != to.scale || from.zeroPoint != to.zeroPoint)
      v = rescale(v, b.getI8Type(), {from.scale / to.scale}, from.zeroPoint,
                  to.zeroPoint);
    else if (!fused && from.qmin >= to.qmin && from.qmax <= to.qmax)
      return v;
    return clampToOutput(v, to, fused);
  }

  /// `op` again on `input` (its first operand), with integer results.
  Value replay(Operation *op, Value input, Type elementType) {
    IRMapping mapping;
    mapping.map(op->getOperand(0), input);
    Operation *clone = b.clone(*op, mapping);
    Value result = clone->getResult(0);
    result.setType(cast<RankedTensorType>(result.getType()).clone(elementType));
    return result;
  }

  PatternRewriter &b;
  Location loc;
  bool doubleRound;
};

//===----------------------------------------------------------------------===//
// Patterns, one per island kind, each rooted at the island's qcast
//===----------------------------------------------------------------------===//

struct IslandPattern : OpRewritePattern<quant::QuantizeCastOp> {
  IslandPattern(MLIRContext *ctx, bool doubleRound, PatternBenefit benefit = 2)
      : OpRewritePattern(ctx, benefit), doubleRound(doubleRound) {}

  IslandBuilder builder(PatternRewriter &rewriter,
                        quant::QuantizeCastOp qcast) const {
    return IslandBuilder(rewriter, qcast.getLoc(), doubleRound);
  }

  /// Replaces the island's output by the integers `result`.
  static void finish(PatternRewriter &rewriter, quant::QuantizeCastOp qcast,
                     Value result) {
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(qcast, qcast.getType(),
                                                      result);
  }

  bool doubleRound;
};

/// conv2d / depthwise_conv2d → [clamp] → qcast: int conv with the input zero
/// point (weights symmetric), bias in s_in·s_w, per-channel rescale.
template <typename ConvOp> struct ConvPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    Value v = qcast.getInput();
    tosa::ClampOp clamp = stripClamp(v);
    auto conv = v.getDefiningOp<ConvOp>();
    if (!out || !conv)
      return failure();
    std::optional<Activation> in = matchActivation(conv.getInput());
    std::optional<QuantizedConstant> weight =
        matchQuantizedConstant(conv.getWeight(), 8);
    std::optional<QuantizedConstant> bias =
        matchQuantizedConstant(conv.getBias(), 32);
    if (!in || !weight || !bias)
      return failure();
    auto resultType = cast<RankedTensorType>(conv.getType());
    int64_t channels = resultType.getShape().back();
    // Depthwise weights are KHxKWxCxM: per channel only when M == 1.
    constexpr bool isDepthwise =
        std::is_same_v<ConvOp, tosa::DepthwiseConv2DOp>;
    int64_t axis = isDepthwise ? 2 : 0;
    if (isDepthwise && weight->axis != -1 &&
        cast<RankedTensorType>(conv.getWeight().getType()).getShape()[3] != 1)
      return failure();
    SmallVector<double> accScales = llvm::map_to_vector(
        weight->scales, [&](double s) { return in->params.scale * s; });
    if (!describesChannels(*weight, axis, channels) ||
        !describesChannels(*bias, 0, channels) ||
        !biasMatches(*bias, accScales))
      return failure();

    IslandBuilder ib = builder(rewriter, qcast);
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value acc = ConvOp::create(
        rewriter, qcast.getLoc(), resultType.clone(i32),
        ib.storage(in->quantized), weight->storage, bias->storage,
        ib.zeroPoint(i8, in->params.zeroPoint), ib.zeroPoint(i8, 0),
        conv.getPadAttr(), conv.getStrideAttr(), conv.getDilationAttr(),
        TypeAttr::get(i32), conv.getLocalBoundAttr());
    finish(rewriter, qcast, ib.requantizeAcc(acc, accScales, *out, clamp));
    return success();
  }
};

/// matmul → reshape* → [add bias] → reshape* → [clamp] → qcast, with `b` a
/// weight constant (per channel on the last axis) or another activation.
struct MatMulPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    Value v = qcast.getInput();
    tosa::ClampOp clamp = stripClamp(v);
    std::optional<qopt::FullyConnectedChain> chain =
        qopt::matchFullyConnectedEndingAt(v, [](Value c) {
          return matchQuantizedConstant(c, 32).has_value();
        });
    if (!out || !chain)
      return failure();
    tosa::MatMulOp matmul = chain->matmul;
    tosa::AddOp add = chain->biasAdd;
    std::optional<QuantizedConstant> bias;
    unsigned biasIndex = 0;
    if (add) {
      biasIndex = chain->bias->getOperandNumber();
      bias = matchQuantizedConstant(chain->bias->get(), 32);
    }
    std::optional<Activation> a = matchActivation(matmul.getA());
    std::optional<Activation> bAct = matchActivation(matmul.getB());
    std::optional<QuantizedConstant> weight =
        bAct ? std::nullopt : matchQuantizedConstant(matmul.getB(), 8);
    if (!a || (!bAct && !weight))
      return failure();
    int64_t channels = matmul.getType().getShape().back();
    SmallVector<double> accScales;
    if (bAct)
      accScales.push_back(a->params.scale * bAct->params.scale);
    else
      accScales = llvm::map_to_vector(
          weight->scales, [&](double s) { return a->params.scale * s; });
    // A per-channel rescale works on the last axis of the island's output.
    auto outType = cast<RankedTensorType>(qcast.getType());
    if (weight &&
        (!describesChannels(*weight, 2, channels) ||
         (weight->axis != -1 && outType.getShape().back() != channels)))
      return failure();
    if (bias) {
      int64_t biasRank =
          cast<RankedTensorType>(add->getOperand(biasIndex).getType())
              .getRank();
      if (!describesChannels(*bias, biasRank - 1, channels) ||
          !biasMatches(*bias, accScales))
        return failure();
    }

    IslandBuilder ib = builder(rewriter, qcast);
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value acc = tosa::MatMulOp::create(
        rewriter, qcast.getLoc(), matmul.getType().clone(i32),
        ib.storage(a->quantized),
        bAct ? ib.storage(bAct->quantized) : weight->storage,
        ib.zeroPoint(i8, a->params.zeroPoint),
        ib.zeroPoint(i8, bAct ? bAct->params.zeroPoint : 0));
    for (tosa::ReshapeOp reshape : chain->before)
      acc = ib.replay(reshape, acc, i32);
    if (add) {
      SmallVector<Value, 2> operands = {acc, acc};
      operands[biasIndex] = bias->storage;
      acc =
          tosa::AddOp::create(rewriter, qcast.getLoc(),
                              cast<RankedTensorType>(add.getType()).clone(i32),
                              operands[0], operands[1]);
    }
    for (tosa::ReshapeOp reshape : chain->after)
      acc = ib.replay(reshape, acc, i32);
    finish(rewriter, qcast, ib.requantizeAcc(acc, accScales, *out, clamp));
    return success();
  }
};

/// add / sub / mul of two activations → [clamp] → qcast, through i32.
template <typename BinaryOp> struct BinaryPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  /// Headroom of the add/sub inputs (TFLite's left shift for int8): aligned
  /// to a common scale 2·max(s_a, s_b), they keep 20 fractional bits.
  static constexpr int kLeftShift = 20;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    Value v = qcast.getInput();
    tosa::ClampOp clamp = stripClamp(v);
    auto op = v.getDefiningOp<BinaryOp>();
    if (!out || !op)
      return failure();
    std::optional<Activation> a = matchActivation(op->getOperand(0));
    std::optional<Activation> b = matchActivation(op->getOperand(1));
    if (!a || !b)
      return failure();

    IslandBuilder ib = builder(rewriter, qcast);
    Type i32 = rewriter.getI32Type();
    auto resultType = cast<RankedTensorType>(op.getType()).clone(i32);
    auto widen = [&](const Activation &x, double multiplier) {
      return ib.widen(x, multiplier);
    };
    Value acc;
    double accScale;
    if constexpr (std::is_same_v<BinaryOp, tosa::MulOp>) {
      // (a - z_a)·(b - z_b) has scale s_a·s_b.
      acc = tosa::MulOp::create(
          rewriter, qcast.getLoc(), resultType, widen(*a, 1.0), widen(*b, 1.0),
          qopt::createIntConst(rewriter, qcast.getLoc(), {1},
                               rewriter.getI8Type(), {0}));
      accScale = a->params.scale * b->params.scale;
    } else {
      double twiceMax = 2 * std::max(a->params.scale, b->params.scale);
      accScale = std::ldexp(twiceMax, -kLeftShift);
      acc = BinaryOp::create(rewriter, qcast.getLoc(), resultType,
                             widen(*a, a->params.scale / accScale),
                             widen(*b, b->params.scale / accScale));
    }
    finish(rewriter, qcast, ib.requantizeAcc(acc, {accScale}, *out, clamp));
    return success();
  }
};

/// avg_pool2d → qcast: int pooling between zero points (the quantizer keeps
/// the input's quantization; a different one costs a rescale). A global
/// pool, whose average is much narrower than its input and so gets its own
/// quantization, instead sums in i32 and rescales once by s_in / (H·W·s_out),
/// keeping the precision an i8 average would round away.
struct AvgPoolPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    auto pool = qcast.getInput().getDefiningOp<tosa::AvgPool2dOp>();
    std::optional<Activation> in =
        pool ? matchActivation(pool.getInput()) : std::nullopt;
    if (!out || !in)
      return failure();
    IslandBuilder ib = builder(rewriter, qcast);
    Type i8 = rewriter.getI8Type();
    bool sameQuant = in->params.scale == out->scale &&
                     in->params.zeroPoint == out->zeroPoint;
    if (!sameQuant && qopt::isGlobalPool(pool)) {
      Value sum = ib.widen(*in, 1.0);
      for (int32_t axis : {1, 2}) {
        auto type = cast<RankedTensorType>(sum.getType());
        SmallVector<int64_t> shape(type.getShape());
        shape[axis] = 1;
        sum = tosa::ReduceSumOp::create(rewriter, qcast.getLoc(),
                                        type.clone(shape), sum,
                                        rewriter.getI32IntegerAttr(axis));
      }
      ArrayRef<int64_t> kernel = pool.getKernel();
      double count = double(kernel[0] * kernel[1]);
      finish(rewriter, qcast,
             ib.requantizeAcc(sum, {in->params.scale / count}, *out, nullptr));
      return success();
    }
    Value zp = ib.zeroPoint(i8, in->params.zeroPoint);
    Value pooled = tosa::AvgPool2dOp::create(
        rewriter, qcast.getLoc(), pool.getType().clone(i8),
        ib.storage(in->quantized), zp, zp, pool.getKernelAttr(),
        pool.getStrideAttr(), pool.getPadAttr(),
        TypeAttr::get(rewriter.getI32Type()));
    finish(rewriter, qcast, ib.requantize(pooled, in->params, *out));
    return success();
  }
};

/// max_pool2d, reshape, transpose → qcast: the same op on the integers, which
/// commutes with (monotone) quantization.
template <typename OpTy> struct PassThroughPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    auto op = qcast.getInput().getDefiningOp<OpTy>();
    std::optional<Activation> in =
        op ? matchActivation(op->getOperand(0)) : std::nullopt;
    if (!out || !in)
      return failure();
    IslandBuilder ib = builder(rewriter, qcast);
    Value result =
        ib.replay(op, ib.storage(in->quantized), rewriter.getI8Type());
    finish(rewriter, qcast, ib.requantize(result, in->params, *out));
    return success();
  }
};

/// clamp of an activation → qcast: integer bounds.
struct ClampPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    Value v = qcast.getInput();
    tosa::ClampOp clamp = stripClamp(v);
    std::optional<Activation> in = matchActivation(v);
    if (!out || !clamp || !in)
      return failure();
    IslandBuilder ib = builder(rewriter, qcast);
    finish(rewriter, qcast,
           ib.requantize(ib.storage(in->quantized), in->params, *out, clamp));
    return success();
  }
};

/// concat of activations → qcast: inputs rescaled to the output's
/// quantization where it differs from theirs.
struct ConcatPattern : IslandPattern {
  using IslandPattern::IslandPattern;

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    auto concat = qcast.getInput().getDefiningOp<tosa::ConcatOp>();
    if (!out || !concat)
      return failure();
    SmallVector<Activation> inputs;
    for (Value input : concat.getInput1()) {
      std::optional<Activation> in = matchActivation(input);
      if (!in)
        return failure();
      inputs.push_back(*in);
    }
    IslandBuilder ib = builder(rewriter, qcast);
    SmallVector<Value> ints = llvm::map_to_vector(inputs, [&](Activation &in) {
      return ib.requantize(ib.storage(in.quantized), in.params, *out);
    });
    finish(rewriter, qcast,
           tosa::ConcatOp::create(rewriter, qcast.getLoc(),
                                  concat.getType().clone(rewriter.getI8Type()),
                                  ints, concat.getAxisAttr()));
    return success();
  }
};

/// A chain of elementwise float ops with splat constants whose only other
/// input is one activation, ending in a qcast: one 256-entry tosa.table.
struct TablePattern : IslandPattern {
  TablePattern(MLIRContext *ctx, bool doubleRound)
      : IslandPattern(ctx, doubleRound, /*benefit=*/1) {}

  /// Whether `v` is computed by the chain from `source` (set by the first
  /// activation found; any other must be the same).
  static bool isChain(Value v, Value &source) {
    if (getSplat(v))
      return true;
    if (v.getDefiningOp<quant::DequantizeCastOp>()) {
      if (!source)
        source = v;
      return v == source;
    }
    Operation *op = v.getDefiningOp();
    unsigned arity = op ? chainArity(op) : 0;
    return arity && llvm::all_of(op->getOperands().take_front(arity),
                                 [&](Value x) { return isChain(x, source); });
  }

  static float evaluate(Value v, Value source, float x,
                        DenseMap<Value, float> &memo) {
    if (v == source)
      return x;
    if (std::optional<float> splat = getSplat(v))
      return *splat;
    if (auto it = memo.find(v); it != memo.end())
      return it->second;
    Operation *op = v.getDefiningOp();
    SmallVector<float, 2> operands;
    for (Value operand : op->getOperands().take_front(chainArity(op)))
      operands.push_back(evaluate(operand, source, x, memo));
    return memo[v] = evaluateOp(op, operands);
  }

  LogicalResult matchAndRewrite(quant::QuantizeCastOp qcast,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> out = getI8Params(qcast.getType());
    Value root = qcast.getInput();
    Value source;
    if (!out || !root.getDefiningOp() || !chainArity(root.getDefiningOp()) ||
        !isChain(root, source) || !source || source.getType() != root.getType())
      return failure();
    std::optional<Activation> in = matchActivation(source);
    if (!in)
      return failure();

    // tosa.table on i8 reads entry q + 128; inputs outside a narrow input
    // range cannot occur and take the entry of the nearest bound.
    SmallVector<int64_t> entries;
    for (int64_t q = -128; q <= 127; ++q) {
      DenseMap<Value, float> memo;
      float x = dequantizeF32(std::clamp(q, in->params.qmin, in->params.qmax),
                              in->params);
      entries.push_back(quantizeF32(evaluate(root, source, x, memo), *out));
    }
    IslandBuilder ib = builder(rewriter, qcast);
    Type i8 = rewriter.getI8Type();
    Value table =
        qopt::createIntConst(rewriter, qcast.getLoc(), {256}, i8, entries);
    Value input = ib.storage(in->quantized);
    finish(rewriter, qcast,
           tosa::TableOp::create(rewriter, qcast.getLoc(), input.getType(),
                                 input, table));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct IntegerizePass : qopt::impl::IntegerizeBase<IntegerizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Activations are quantized per tensor (docs/QuantizedGraph.md); a
    // per-axis qcast has no integer island to end or start.
    WalkResult walk = func.walk([](quant::QuantizeCastOp qcast) {
      if (isa_and_nonnull<quant::UniformQuantizedPerAxisType>(
              qopt::getQuantElementType(qcast.getType())))
        return WalkResult(qcast.emitOpError(
            "quantizes an activation per axis; qopt-integerize expects "
            "per-tensor activations"));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns
        .add<ConvPattern<tosa::Conv2DOp>, ConvPattern<tosa::DepthwiseConv2DOp>,
             MatMulPattern, BinaryPattern<tosa::AddOp>,
             BinaryPattern<tosa::SubOp>, BinaryPattern<tosa::MulOp>,
             AvgPoolPattern, PassThroughPattern<tosa::MaxPool2dOp>,
             PassThroughPattern<tosa::ReshapeOp>,
             PassThroughPattern<tosa::TransposeOp>, ClampPattern, ConcatPattern,
             TablePattern>(ctx, doubleRound);
    // No folding or constant hoisting: only the islands change; the float
    // ops they leave dead are erased. Top-down, a producer island is
    // integerized before its consumers read its storage.
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal()
        .enableFolding(false)
        .enableConstantCSE(false)
        .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(func, std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
