//===- Quantize.cpp - Insert quantize/dequantize casts --------------------===//
//
// Decides, from calibration statistics, which values of a float TOSA function
// are stored as integers and with which scale and zero point, and writes the
// decision as quant.qcast/quant.dcast pairs and integer weight constants (the
// contract is docs/QuantizedGraph.md).
//
// The function is first partitioned into groups executed as one integer op:
// a conv/matmul anchor with its fused bias add and activation clamp, a binary
// op on two activations, a layout or pooling op that keeps its input's
// quantization, a concat, or a chain of elementwise ops that becomes a table.
// Every other op stays float. A value gets a quantization point when an
// integer group produces it or consumes it.
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Calibration/Statistics.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Dialect/QoptEnums.h"
#include "qopt/Quant/QuantMath.h"
#include "qopt/Quant/WeightFormat.h"
#include "qopt/Transforms/LayerChains.h"
#include "qopt/Utils/FullyConnected.h"
#include "qopt/Utils/TosaBuilders.h"
#include "qopt/Utils/TosaQueries.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <limits>

namespace qopt {
#define GEN_PASS_DEF_QUANTIZE
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

using qopt::ActRange;
using qopt::BiasCorrection;

//===----------------------------------------------------------------------===//
// Graph matching helpers
//===----------------------------------------------------------------------===//

DenseElementsAttr getConstant(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

/// A constant whose elements are all equal (any shape).
bool isUniformConstant(Value v) {
  DenseElementsAttr attr = getConstant(v);
  if (!attr)
    return false;
  if (attr.isSplat())
    return true;
  if (!isa<FloatType>(attr.getElementType()))
    return false;
  auto values = attr.getValues<APFloat>();
  APFloat first = *values.begin();
  return llvm::all_of(
      values, [&](const APFloat &x) { return x.bitwiseIsEqual(first); });
}

/// Float weights replaced by integer ones leave no dead constant behind.
void eraseIfDead(Value constant) {
  if (constant.use_empty())
    constant.getDefiningOp()->erase();
}

Operation *getSingleUser(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  return *v.getUsers().begin();
}

/// Elementwise float ops a lookup table can absorb.
bool isTableOp(Operation *op) {
  return isa<tosa::SigmoidOp, tosa::TanhOp, tosa::ExpOp, tosa::LogOp,
             tosa::ErfOp, tosa::ReciprocalOp, tosa::RsqrtOp, tosa::NegateOp,
             tosa::AbsOp, tosa::ClampOp, tosa::FloorOp, tosa::CeilOp,
             tosa::AddOp, tosa::SubOp, tosa::MulOp, tosa::MaximumOp,
             tosa::MinimumOp, tosa::PowOp>(op);
}

/// The activation (non-constant) operands of an op.
SmallVector<Value> activationOperands(Operation *op) {
  SmallVector<Value> result;
  for (Value v : op->getOperands())
    if (isa<RankedTensorType>(v.getType()) && !getConstant(v))
      result.push_back(v);
  return result;
}

//===----------------------------------------------------------------------===//
// Groups: the integer ops of the quantized graph
//===----------------------------------------------------------------------===//

enum class GroupKind {
  Anchor,     // conv2d / depthwise_conv2d / matmul (+ bias add) (+ clamp)
  Binary,     // add / sub / mul of two activations (+ clamp)
  SameQuant,  // pooling, reshape, transpose, clamp: output keeps input's params
  Concat,     // concat, inputs requantized to the output
  GlobalPool, // global average pool: its own output quantization, as the
              // average is far narrower than the input
  Table,      // elementwise chain → tosa.table
};

struct Group {
  GroupKind kind;
  Operation *root;
  SmallVector<Operation *> ops; // root first, in program order
  SmallVector<Value> inputs;    // activation inputs
  Value output;
};

/// conv → [clamp]; matmul → reshape* → [bias add] → reshape* → [clamp];
/// add/sub/mul → [clamp]. Only single-use links are fused.
void extendWithEpilogue(Group &g) {
  Value out = g.root->getResult(0);
  if (auto matmul = dyn_cast<tosa::MatMulOp>(g.root);
      matmul && getConstant(matmul.getB())) {
    qopt::FullyConnectedChain chain = qopt::matchFullyConnected(
        matmul, [](Value v) { return bool(getConstant(v)); });
    // Reshapes are fused only on the way to a bias add or a clamp.
    if (chain.biasAdd ||
        isa_and_nonnull<tosa::ClampOp>(getSingleUser(chain.output()))) {
      g.ops.append(chain.before.begin(), chain.before.end());
      if (chain.biasAdd)
        g.ops.push_back(chain.biasAdd);
      g.ops.append(chain.after.begin(), chain.after.end());
      out = chain.output();
    }
  }
  if (auto clamp = dyn_cast_or_null<tosa::ClampOp>(getSingleUser(out))) {
    g.ops.push_back(clamp);
    out = clamp.getResult();
  }
  g.output = out;
}

/// Grows a table chain from `x` through `first`: elementwise ops whose
/// operands are `x`, chain values or uniform constants, with x's shape.
/// Returns the chain when it has exactly one value used outside it.
std::optional<Group> growTable(Value x, Operation *first,
                               const llvm::DenseSet<Operation *> &taken) {
  auto xType = cast<RankedTensorType>(x.getType());
  llvm::SetVector<Operation *> chain;
  llvm::DenseSet<Value> inside{x};
  auto eligible = [&](Operation *op) {
    if (taken.contains(op) || chain.contains(op) || !isTableOp(op) ||
        op->getNumResults() != 1 || op->getResult(0).getType() != xType)
      return false;
    bool usesChain = false;
    for (Value v : op->getOperands()) {
      if (inside.contains(v))
        usesChain = true;
      else if (!isUniformConstant(v))
        return false;
    }
    return usesChain;
  };
  if (!eligible(first))
    return std::nullopt;
  SmallVector<Operation *> worklist{first};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!eligible(op))
      continue;
    chain.insert(op);
    inside.insert(op->getResult(0));
    // Only users of chain values: another user of x alone starts its own
    // table (x → sigmoid and x → tanh are two tables, not one with two
    // outputs), while x · f(x) is reached through f(x).
    for (Operation *user : op->getResult(0).getUsers())
      worklist.push_back(user);
  }
  Value output;
  for (Operation *op : chain) {
    Value r = op->getResult(0);
    bool escapes = llvm::any_of(
        r.getUsers(), [&](Operation *user) { return !chain.contains(user); });
    if (!escapes)
      continue;
    if (output)
      return std::nullopt;
    output = r;
  }
  if (!output)
    return std::nullopt;
  Group g{GroupKind::Table, first, {}, {x}, output};
  g.ops = chain.takeVector();
  llvm::sort(g.ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return g;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct LayerBits {
  qopt::WeightFormat weight;
  unsigned act;
};

struct QuantizePass : qopt::impl::QuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(ModuleOp module);
  LogicalResult checkStatistics(func::FuncOp func);
  LogicalResult parseLayerBits(func::FuncOp func);
  void partition(func::FuncOp func);
  LogicalResult checkLayerFormats();
  void computeAnalyticInputMeans(func::FuncOp func);
  std::optional<SmallVector<double>> inputMeans(const Group &g) const;
  LogicalResult decideActivations();
  LogicalResult quantizeWeights(Group &g);
  FailureOr<qopt::QuantizedWeights>
  chooseWeights(Operation *op, ArrayRef<float> w, qopt::WeightChannels channels,
                qopt::WeightFormat format);
  void insertCasts(func::FuncOp func);

  quant::UniformQuantizedType activationType(Value v, unsigned bits);
  LayerBits bitsFor(const Group &g) const;
  std::optional<unsigned> statId(Value v) const {
    auto it = ids.find(v);
    if (it == ids.end())
      return std::nullopt;
    return it->second;
  }

  MLIRContext *ctx = nullptr;
  ActRange range = ActRange::MinMax;
  BiasCorrection correction = BiasCorrection::None;
  qopt::WeightFormat format;
  /// E[x] per input channel of each layer, from the batch norm statistics
  /// of the layer before (bias-correction=analytic); read before any weight
  /// is quantized.
  DenseMap<Operation *, SmallVector<double>> analyticInputMeans;
  qopt::CalibrationStatistics stats;
  DenseMap<Value, unsigned> ids;
  std::map<std::string, LayerBits> bitsByKey;
  std::vector<Group> groups;
  DenseMap<Operation *, Group *> groupOf;
  /// Chosen quantization of every quantization point.
  DenseMap<Value, quant::UniformQuantizedType> pointType;
};

LogicalResult QuantizePass::checkOptions(ModuleOp module) {
  llvm::Expected<qopt::WeightFormat> parsedFormat =
      qopt::parseWeightFormat(weightBits, weightQuant);
  if (!parsedFormat)
    return module.emitError() << llvm::toString(parsedFormat.takeError());
  format = *parsedFormat;
  if (actBits < 2 || actBits > 8)
    return module.emitError() << "unsupported activation bit width "
                              << actBits.getValue() << ": qopt quantizes to 2..8 bits";
  std::optional<ActRange> parsed = qopt::symbolizeActRange(actRange);
  if (!parsed)
    return module.emitError()
           << "unknown act-range '" << actRange << "': expected "
           << qopt::enumValues<ActRange>(qopt::getMaxEnumValForActRange());
  range = *parsed;
  std::optional<BiasCorrection> parsedCorrection =
      qopt::symbolizeBiasCorrection(biasCorrection);
  if (!parsedCorrection)
    return module.emitError()
           << "unknown bias-correction '" << biasCorrection << "': expected "
           << qopt::enumValues<BiasCorrection>(
                  qopt::getMaxEnumValForBiasCorrection());
  correction = *parsedCorrection;
  if (weightRange != "minmax" && weightRange != "mse")
    return module.emitError() << "unknown weight-range '" << weightRange
                              << "': expected minmax or mse";
  if (!(percentile > 0.0 && percentile <= 100.0))
    return module.emitError()
           << "percentile " << percentile << " is not in (0, 100]";
  if (statsFile.empty())
    return module.emitError()
           << "qopt-quantize needs a statistics file (stats=FILE, written by "
              "qopt-calibrate)";
  return success();
}

LogicalResult QuantizePass::checkStatistics(func::FuncOp func) {
  // Only float TOSA is understood; anything else would be silently skipped.
  WalkResult walk = func.walk([&](Operation *op) {
    if (op == func.getOperation() || isa<func::ReturnOp>(op) ||
        isa<tosa::TosaDialect>(op->getDialect()))
      return WalkResult::advance();
    op->emitError() << "'" << op->getName()
                    << "' is not a TOSA operation: qopt-quantize takes float "
                       "TOSA (run the frontend's TOSA lowering first)";
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return failure();

  SmallVector<Value> activations = qopt::getActivationTensors(func);
  if (activations.size() != stats.tensors.size())
    return func.emitError()
           << "statistics file '" << statsFile
           << "' does not match the graph: " << stats.tensors.size()
           << " tensors in the file, " << activations.size()
           << " activations in '" << func.getName() << "'";
  for (auto [i, v] : llvm::enumerate(activations)) {
    const qopt::TensorStatistics &t = stats.tensors[i];
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    std::string source = qopt::describeActivation(v);
    if (t.source != source || ArrayRef<int64_t>(t.shape) != shape) {
      auto diag = emitError(v.getLoc())
                  << "statistics file '" << statsFile
                  << "' does not match the graph: tensor #" << i << " is "
                  << source << " " << v.getType() << " here but " << t.source
                  << " [";
      llvm::interleaveComma(t.shape, diag);
      return diag << "] in the file";
    }
    ids[v] = i;
  }
  return success();
}

/// `layer-bits` entries are `KEY=W` or `KEY=W/A`, KEY being an activation id
/// or the name of an op's location.
LogicalResult QuantizePass::parseLayerBits(func::FuncOp func) {
  // The option's entries come last: they override qopt-search-precision's.
  SmallVector<std::string> entries = qopt::getLayerBits(func);
  entries.append(layerBits.begin(), layerBits.end());
  for (const std::string &entry : entries) {
    auto [key, value] = StringRef(entry).split('=');
    auto [w, a] = value.split('/');
    unsigned ab = actBits;
    if (key.empty() || w.empty() || (!a.empty() && a.getAsInteger(10, ab)))
      return func.emitError() << "invalid layer-bits entry '" << entry
                              << "': expected ID=W or ID=W/A";
    llvm::Expected<qopt::WeightFormat> wf =
        qopt::parseWeightFormat(w, weightQuant);
    if (!wf)
      return func.emitError() << "in layer-bits entry '" << entry
                              << "': " << llvm::toString(wf.takeError());
    if (ab < 2 || ab > 8)
      return func.emitError() << "unsupported bit width in layer-bits entry '"
                              << entry << "': qopt quantizes to 2..8 bits";
    bitsByKey[key.str()] = {*wf, ab};
  }
  return success();
}

LayerBits QuantizePass::bitsFor(const Group &g) const {
  if (std::optional<unsigned> id = statId(g.output)) {
    auto it = bitsByKey.find(std::to_string(*id));
    if (it != bitsByKey.end())
      return it->second;
  }
  if (auto name = dyn_cast<NameLoc>(g.root->getLoc())) {
    auto it = bitsByKey.find(name.getName().str());
    if (it != bitsByKey.end())
      return it->second;
  }
  return {format, actBits};
}

/// A layer-bits entry asking for ternary or binary weights must name a layer
/// that has them: a conv, depthwise conv or matmul with constant weights
/// (for any other op the format would silently not apply).
LogicalResult QuantizePass::checkLayerFormats() {
  for (const Group &g : groups) {
    qopt::WeightFormat wf = bitsFor(g).weight;
    if ((wf.scheme != qopt::WeightScheme::Ternary &&
         wf.scheme != qopt::WeightScheme::Binary) ||
        wf == format)
      continue;
    if (g.kind == GroupKind::Anchor && getConstant(g.root->getOperand(1)))
      continue;
    return g.root->emitError()
           << "layer-bits gives '" << g.root->getName() << "' "
           << wf.schemeName()
           << " weights, but it has no constant weights: ternary and binary "
              "apply to conv2d, depthwise_conv2d and matmul with constant "
              "weights";
  }
  return success();
}

/// Walks the function in program order and forms the integer groups. An op
/// joins a group only when its activation inputs are (or can be) integers:
/// produced by an integer group or a function argument. Convolutions and
/// matmuls always do, quantizing whatever feeds them.
void QuantizePass::partition(func::FuncOp func) {
  llvm::DenseSet<Value> integral;
  for (BlockArgument arg : func.getArguments())
    if (isFloatTensor(arg))
      integral.insert(arg);
  llvm::DenseSet<Operation *> taken;

  auto add = [&](Group g) {
    for (Operation *op : g.ops)
      taken.insert(op);
    integral.insert(g.output);
    groups.push_back(std::move(g));
  };

  func.walk([&](Operation *op) {
    if (taken.contains(op) || op->getNumResults() != 1 ||
        !isFloatTensor(op->getResult(0)))
      return;
    SmallVector<Value> inputs = activationOperands(op);
    if (inputs.empty() || !llvm::all_of(inputs, isFloatTensor))
      return;
    bool allIntegral =
        llvm::all_of(inputs, [&](Value v) { return integral.contains(v); });

    if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op)) {
      if (!getConstant(op->getOperand(1)) || !getConstant(op->getOperand(2)))
        return;
      Group g{GroupKind::Anchor, op, {op}, {op->getOperand(0)}, {}};
      extendWithEpilogue(g);
      return add(std::move(g));
    }
    if (isa<tosa::MatMulOp>(op)) {
      Group g{GroupKind::Anchor, op, {op}, inputs, {}};
      extendWithEpilogue(g);
      return add(std::move(g));
    }
    if (isa<tosa::AddOp, tosa::SubOp, tosa::MulOp>(op) && inputs.size() == 2 &&
        allIntegral) {
      Group g{GroupKind::Binary, op, {op}, inputs, {}};
      extendWithEpilogue(g);
      return add(std::move(g));
    }
    if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op);
        pool && inputs.size() == 1 && allIntegral && qopt::isGlobalPool(pool))
      return add({GroupKind::GlobalPool, op, {op}, inputs, op->getResult(0)});
    if (isa<tosa::MaxPool2dOp, tosa::AvgPool2dOp, tosa::ReshapeOp,
            tosa::TransposeOp, tosa::ClampOp>(op) &&
        inputs.size() == 1 && allIntegral)
      return add({GroupKind::SameQuant, op, {op}, inputs, op->getResult(0)});
    if (isa<tosa::ConcatOp>(op) && allIntegral &&
        inputs.size() == op->getNumOperands())
      return add({GroupKind::Concat, op, {op}, inputs, op->getResult(0)});
    if (inputs.size() == 1 && allIntegral)
      if (std::optional<Group> g = growTable(inputs[0], op, taken))
        return add(std::move(*g));
  });
  for (Group &g : groups)
    for (Operation *op : g.ops)
      groupOf[op] = &g;
}

quant::UniformQuantizedType QuantizePass::activationType(Value v,
                                                         unsigned bits) {
  const qopt::Histogram &h = stats.tensors[*statId(v)].histogram;
  std::pair<double, double> r{h.min, h.max};
  if (range == ActRange::Percentile)
    r = qopt::percentileRange(h, percentile);
  else if (range == ActRange::Mse)
    r = qopt::mseRange(h, bits);
  else if (range == ActRange::Kl)
    r = qopt::klRange(h, bits);
  qopt::QuantParams p = qopt::chooseAsymmetric(r.first, r.second, bits);
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      Float32Type::get(ctx), p.scale, p.zeroPoint, p.qmin, p.qmax);
}

/// Chooses the quantization of every group's inputs and output. Groups are
/// in program order, so an input's quantization is known before a group
/// that inherits it.
LogicalResult QuantizePass::decideActivations() {
  auto ensure = [&](Value v, unsigned bits) -> LogicalResult {
    if (pointType.count(v))
      return success();
    if (!statId(v))
      return emitError(v.getLoc()) << "no statistics for this activation";
    pointType[v] = activationType(v, bits);
    return success();
  };
  for (Group &g : groups) {
    LayerBits bits = bitsFor(g);
    for (Value in : g.inputs)
      if (failed(ensure(in, actBits)))
        return failure();
    switch (g.kind) {
    case GroupKind::SameQuant:
      pointType[g.output] = pointType[g.inputs[0]];
      break;
    case GroupKind::Concat: {
      quant::UniformQuantizedType first = pointType[g.inputs[0]];
      bool same = llvm::all_of(g.inputs,
                               [&](Value v) { return pointType[v] == first; });
      if (same)
        pointType[g.output] = first;
      else if (failed(ensure(g.output, bits.act)))
        return failure();
      break;
    }
    default:
      if (failed(ensure(g.output, bits.act)))
        return failure();
    }
  }
  return success();
}

/// The grid recorded by qopt-adaround (whose weights are on it), or else
/// the format's choice.
/// The integers of weights qopt-adaround left on a PWLQ grid: every w/s
/// must be one of the grid's levels.
static FailureOr<qopt::QuantizedWeights>
recordedPwlqWeights(Operation *op, ArrayRef<float> w,
                    qopt::WeightChannels channels,
                    const qopt::RecordedWeightQuant &recorded) {
  qopt::PwlqGrid grid{recorded.bits, recorded.tailStep, 1.0};
  if (recorded.tailStep < 1 ||
      recorded.tailStep > qopt::pwlqMaxTailStep(recorded.bits))
    return op->emitError() << "recorded PWLQ tail step " << recorded.tailStep
                           << " is outside 1.."
                           << qopt::pwlqMaxTailStep(recorded.bits) << " at "
                           << recorded.bits << " bits";
  std::vector<int64_t> levels = grid.codebook();
  qopt::QuantizedWeights result;
  for (auto [i, x] : llvm::enumerate(w)) {
    double r =
        double(x) /
        recorded.scales[(int64_t(i) / channels.stride) % channels.channels];
    int64_t q = int64_t(qopt::roundHalfEven(r));
    if (!(std::fabs(r - double(q)) <= 1e-3 && llvm::is_contained(levels, q)))
      return op->emitError()
             << "weight #" << i << " (" << x
             << ") is not on the PWLQ grid qopt-adaround recorded (tail step "
             << recorded.tailStep << ", " << recorded.bits
             << " bits): a pass changed the weights after qopt-adaround";
    result.values.push_back(q);
  }
  result.scales.assign(recorded.scales.begin(), recorded.scales.end());
  result.tailStep = recorded.tailStep;
  for (double s : recorded.scales)
    result.breakpoints.push_back(s * double(grid.centreLevels()));
  result.qmax = grid.maxValue();
  result.qmin = -result.qmax;
  return result;
}

FailureOr<qopt::QuantizedWeights>
QuantizePass::chooseWeights(Operation *op, ArrayRef<float> w,
                            qopt::WeightChannels channels,
                            qopt::WeightFormat format) {
  // The qopt dialect verified the recorded grid (positive scales, a width).
  std::optional<qopt::RecordedWeightQuant> recorded =
      qopt::getRecordedWeightQuant(op);
  if (!recorded)
    return qopt::quantizeWeightTensor(
        w, channels.channels, channels.stride, format,
        weightRange == "mse" ? qopt::WeightRange::Mse
                             : qopt::WeightRange::MinMax);
  qopt::WeightScheme recordedScheme = recorded->tailStep
                                          ? qopt::WeightScheme::Pwlq
                                          : qopt::WeightScheme::Uniform;
  if (format.scheme != recordedScheme || recorded->bits != format.bits)
    return op->emitError()
           << "weights were rounded to " << recorded->bits << " bits ("
           << qopt::WeightFormat{recordedScheme, recorded->bits}.schemeName()
           << ") by qopt-adaround but are quantized to " << format.bitsName()
           << " (" << format.schemeName() << ") here";
  unsigned bits = format.bits;
  if (int64_t(recorded->scales.size()) != channels.channels)
    return op->emitError() << "weights were rounded with "
                           << recorded->scales.size()
                           << " scale(s) by qopt-adaround but are quantized "
                              "with "
                           << channels.channels << " here (per-channel="
                           << (perChannel ? "true" : "false") << ")";
  if (recordedScheme == qopt::WeightScheme::Pwlq)
    return recordedPwlqWeights(op, w, channels, *recorded);
  std::vector<qopt::QuantParams> params;
  for (double s : recorded->scales)
    params.push_back(qopt::uniformWeightParams(s, bits));
  // The learned rounding survives only if nothing moved the weights since.
  for (auto [i, x] : llvm::enumerate(w)) {
    const qopt::QuantParams &p =
        params[(int64_t(i) / channels.stride) % channels.channels];
    double r = double(x) / p.scale;
    // (Below 3 bits the grid is not symmetric: [-2, 1] at 2 bits.)
    if (!(std::fabs(r - qopt::roundHalfEven(r)) <= 1e-3 &&
          r >= double(p.qmin) - 1e-3 && r <= double(p.qmax) + 1e-3))
      return op->emitError()
             << "weight #" << i << " (" << x
             << ") is not on the grid qopt-adaround recorded (scale " << p.scale
             << ", " << bits
             << " bits): a pass changed the weights after qopt-adaround";
  }
  qopt::QuantizedWeights result;
  for (auto [i, x] : llvm::enumerate(w))
    result.values.push_back(qopt::quantize(
        x, params[(int64_t(i) / channels.stride) % channels.channels]));
  result.scales.assign(recorded->scales.begin(), recorded->scales.end());
  std::tie(result.qmin, result.qmax) = qopt::uniformWeightRange(bits);
  return result;
}

void QuantizePass::computeAnalyticInputMeans(func::FuncOp func) {
  auto [layers, indexOf] = qopt::collectLayers(func);
  for (const qopt::Layer &prev : layers) {
    std::optional<qopt::Link> link = qopt::getLink(prev);
    if (!link || !indexOf.contains(link->next))
      continue;
    if (auto means = qopt::getAnalyticInputMeans(
            prev, *link, layers[indexOf.lookup(link->next)]))
      analyticInputMeans[link->next] = std::move(*means);
  }
}

/// E[x] per input channel of an anchor, when bias correction knows it.
std::optional<SmallVector<double>>
QuantizePass::inputMeans(const Group &g) const {
  if (correction == BiasCorrection::Analytic) {
    auto it = analyticInputMeans.find(g.root);
    if (it == analyticInputMeans.end())
      return std::nullopt;
    return it->second;
  }
  std::optional<unsigned> id = statId(g.inputs[0]);
  if (correction == BiasCorrection::None || !id)
    return std::nullopt;
  const std::vector<double> &mean = stats.tensors[*id].channelMean;
  if (mean.empty())
    return std::nullopt;
  return SmallVector<double>(mean.begin(), mean.end());
}

/// Replaces the weight (and bias) operands of an anchor by integer constants
/// read through scast + dcast, per output channel unless per-channel=false.
/// With bias correction, the bias first absorbs the output mean shift of the
/// weights' rounding.
LogicalResult QuantizePass::quantizeWeights(Group &g) {
  Operation *op = g.root;
  bool isMatMul = isa<tosa::MatMulOp>(op);
  Value weight = op->getOperand(1);
  DenseElementsAttr wAttr = getConstant(weight);
  if (!wAttr)
    return success(); // matmul of two activations
  auto wType = cast<RankedTensorType>(weight.getType());
  if (!wType.getElementType().isF32())
    return op->emitError("expected f32 weights, got ") << wType;

  // Output-channel axis of the weight layout.
  int64_t axis = isa<tosa::Conv2DOp>(op) ? 0 : 2;
  qopt::WeightChannels channels = qopt::getWeightChannels(op, perChannel);
  SmallVector<float> w(wAttr.getValues<float>());
  qopt::WeightFormat wf = bitsFor(g).weight;
  FailureOr<qopt::QuantizedWeights> chosen = chooseWeights(op, w, channels, wf);
  if (failed(chosen))
    return failure();
  ArrayRef<int64_t> q = chosen->values;
  ArrayRef<double> scales = chosen->scales;

  // Read while the weights and bias are still float constants.
  SmallVector<double> meanShift;
  if (std::optional<SmallVector<double>> mean = inputMeans(g)) {
    std::optional<qopt::Layer> layer = qopt::getLayer(op);
    if (layer && layer->bias && int64_t(mean->size()) == layer->inChannels) {
      SmallVector<double> error;
      for (size_t i = 0; i < w.size(); ++i)
        error.push_back(
            scales[(int64_t(i) / channels.stride) % channels.channels] *
                double(q[i]) -
            w[i]);
      meanShift = layer->meanShift(error, *mean);
    }
  }

  OpBuilder b(op);
  Location loc = weight.getLoc();
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
  auto signedFlag = quant::QuantizationFlags::Signed;
  qopt::removeRecordedWeightQuant(op);
  std::optional<qopt::PwlqRecord> pwlq;
  if (wf.scheme == qopt::WeightScheme::Pwlq)
    pwlq = qopt::PwlqRecord{wf.bits, chosen->tailStep,
                            llvm::to_vector(chosen->breakpoints)};
  qopt::setWeightFormat(op, wf.schemeName(), pwlq);

  // A constant of `storage` integers read as `qtype`, in float.
  auto dequantizedConst = [&](RankedTensorType floatType, Type storage,
                              ArrayRef<int64_t> values,
                              quant::QuantizedType qtype) -> Value {
    Value ints =
        qopt::createIntConst(b, loc, floatType.getShape(), storage, values);
    Value cast =
        quant::StorageCastOp::create(b, loc, floatType.clone(qtype), ints);
    return quant::DequantizeCastOp::create(b, loc, floatType, cast);
  };
  auto perAxisOrTensor = [&](Type storage, ArrayRef<double> s, int64_t dim,
                             int64_t qmin,
                             int64_t qmax) -> quant::QuantizedType {
    if (s.size() == 1)
      return quant::UniformQuantizedType::get(signedFlag, storage, f32, s[0], 0,
                                              qmin, qmax);
    return quant::UniformQuantizedPerAxisType::get(
        signedFlag, storage, f32, s, SmallVector<int64_t>(s.size(), 0), dim,
        qmin, qmax);
  };

  op->setOperand(
      1, dequantizedConst(wType, i8, q,
                          perAxisOrTensor(i8, scales, axis, chosen->qmin,
                                          chosen->qmax)));
  eraseIfDead(weight);

  // Bias in s_in · s_w[c], as i32.
  Value bias;
  if (isMatMul) {
    for (Operation *chained : g.ops)
      if (auto add = dyn_cast<tosa::AddOp>(chained))
        bias = getConstant(add.getInput1()) ? add.getInput1() : add.getInput2();
  } else {
    bias = op->getOperand(2);
  }
  if (!bias)
    return success();
  DenseElementsAttr bAttr = getConstant(bias);
  auto bType = cast<RankedTensorType>(bias.getType());
  if (!bAttr || !bType.getElementType().isF32())
    return op->emitError("expected a constant f32 bias, got ") << bType;
  double inScale = pointType[g.inputs[0]].getScale();
  SmallVector<float> bValues(bAttr.getValues<float>());
  // The output's last axis is the channel axis of conv, depthwise and matmul.
  int64_t biasChannels =
      cast<RankedTensorType>(op->getResult(0).getType()).getShape().back();
  // Broadcast a size-1 bias (or scale) to every channel when either varies.
  int64_t n = (bValues.size() == 1 && scales.size() == 1 && meanShift.empty())
                  ? 1
                  : biasChannels;
  SmallVector<double> biasScales;
  SmallVector<int64_t> biasInts;
  for (int64_t c = 0; c < n; ++c) {
    double s = inScale * scales[scales.size() == 1 ? 0 : c];
    double value = bValues[bValues.size() == 1 ? 0 : c];
    if (!meanShift.empty())
      value -= meanShift[c];
    biasScales.push_back(s);
    qopt::QuantParams p{s, 0, std::numeric_limits<int32_t>::min(),
                        std::numeric_limits<int32_t>::max()};
    biasInts.push_back(qopt::quantize(value, p));
  }
  SmallVector<int64_t> biasShape(bType.getRank(), 1);
  biasShape.back() = n;
  auto biasType = RankedTensorType::get(biasShape, f32);
  Value newBias =
      dequantizedConst(biasType, i32, biasInts,
                       perAxisOrTensor(i32, biasScales, bType.getRank() - 1,
                                       std::numeric_limits<int32_t>::min(),
                                       std::numeric_limits<int32_t>::max()));
  bias.replaceUsesWithIf(newBias, [&](OpOperand &use) {
    return groupOf.lookup(use.getOwner()) == &g;
  });
  eraseIfDead(bias);
  return success();
}

/// qcast + dcast after every quantization point; arguments and results carry
/// their quantization as `qopt.quant` (and become integers with int-io).
void QuantizePass::insertCasts(func::FuncOp func) {
  Block &entry = func.getBody().front();
  // In reverse statistics order: deterministic, and the casts of arguments,
  // each inserted at the start of the block, end up in argument order.
  SmallVector<Value> points =
      llvm::to_vector(llvm::make_first_range(pointType));
  llvm::sort(points, [&](Value a, Value b) { return ids[a] > ids[b]; });
  for (Value value : points) {
    quant::UniformQuantizedType qtype = pointType[value];
    auto floatType = cast<RankedTensorType>(value.getType());
    auto quantType = floatType.clone(qtype);
    OpBuilder b(ctx);
    b.setInsertionPointAfterValue(value);
    Location loc = value.getLoc();
    auto arg = dyn_cast<BlockArgument>(value);
    if (arg && intIO) {
      // The caller passes integers: the argument itself is quantized.
      arg.setType(quantType);
      Value dq = quant::DequantizeCastOp::create(b, loc, floatType, arg);
      arg.replaceAllUsesExcept(dq, dq.getDefiningOp());
    } else {
      Value q = quant::QuantizeCastOp::create(b, loc, quantType, value);
      Value dq = quant::DequantizeCastOp::create(b, loc, floatType, q);
      value.replaceAllUsesExcept(dq, q.getDefiningOp());
    }
    if (arg)
      qopt::setArgumentQuant(func, arg.getArgNumber(), qtype);
  }
  auto ret = cast<func::ReturnOp>(entry.getTerminator());
  for (OpOperand &result : ret->getOpOperands()) {
    auto dq = result.get().getDefiningOp<quant::DequantizeCastOp>();
    if (!dq)
      continue;
    auto qtype = cast<quant::QuantizedType>(
        getElementTypeOrSelf(dq.getInput().getType()));
    qopt::setResultQuant(func, result.getOperandNumber(), qtype);
    if (intIO)
      result.set(dq.getInput());
  }
  func.setFunctionType(
      FunctionType::get(ctx, entry.getArgumentTypes(), ret.getOperandTypes()));
}

void QuantizePass::runOnOperation() {
  ModuleOp module = getOperation();
  ctx = &getContext();
  if (failed(checkOptions(module)))
    return signalPassFailure();
  llvm::Expected<qopt::CalibrationStatistics> read =
      qopt::readStatistics(statsFile);
  if (!read) {
    module.emitError() << llvm::toString(read.takeError());
    return signalPassFailure();
  }
  stats = std::move(*read);
  func::FuncOp func = qopt::lookupEntryFunction(
      module, entry.empty() ? StringRef(stats.function) : StringRef(entry));
  if (!func || failed(checkStatistics(func)) || failed(parseLayerBits(func)))
    return signalPassFailure();

  partition(func);
  if (failed(checkLayerFormats()))
    return signalPassFailure();
  if (correction == BiasCorrection::Analytic)
    computeAnalyticInputMeans(func);
  if (failed(decideActivations()))
    return signalPassFailure();
  for (Group &g : groups)
    if (g.kind == GroupKind::Anchor && failed(quantizeWeights(g)))
      return signalPassFailure();
  insertCasts(func);
}

} // namespace
