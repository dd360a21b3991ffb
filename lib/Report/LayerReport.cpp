//===- LayerReport.cpp - Where a quantized model loses accuracy -----------===//
//
// Six graphs over the same arguments, each a copy of the float or the QDQ
// graph JIT-compiled on its own (one function of them all would be compiled
// far more slowly: LLVM's scheduling is superlinear in a block's size):
//
//   original  the float model as given (its results)
//   float     the prepared float graph qopt-quantize ran on
//   qdq       the QDQ graph: quantized end to end
//   alone     the QDQ graph with each layer reading the float graph's value
//             of its inputs (extra arguments), quantized as the QDQ graph
//             quantizes them
//   floatfed  the float graph with each layer reading those same quantized
//             inputs (extra arguments): the reference of `alone`
//   integer   the integer graph the QDQ graph lowers to (its results)
//
// The float and the QDQ graph match op for op: qopt-quantize only replaces
// weights by dequantized constants and adds a qcast/dcast pair after every
// quantization point, whose users then read the dcast. Copies of a graph
// list their activations and quantization points in the same order.
//
//===----------------------------------------------------------------------===//

#include "qopt/Report/LayerReport.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Pipelines/QuantizePipelines.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Samples.h"
#include "qopt/Target/Compile.h"
#include "qopt/Utils/TosaQueries.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace qopt {

double Sqnr::db() const {
  if (noise == 0.0)
    return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

size_t WeightReport::worstChannel() const {
  auto worst = llvm::min_element(
      channels, [](const Sqnr &a, const Sqnr &b) { return a.db() < b.db(); });
  return worst - channels.begin();
}

std::vector<size_t> LayerReport::worstFirst() const {
  std::vector<size_t> order(layers.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::sort(order, [&](size_t a, size_t b) {
    double da = layers[a].own.db(), db = layers[b].own.db();
    return da < db || (da == db && a < b);
  });
  return order;
}

/// A failure already emitted as a diagnostic.
static llvm::Error diagnosed() {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "");
}

static LogicalResult runPasses(ModuleOp module,
                               function_ref<void(OpPassManager &)> build) {
  PassManager pm = PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  build(pm);
  return pm.run(module);
}

/// Bits of a storage range [qmin, qmax].
static unsigned rangeBits(int64_t qmin, int64_t qmax) {
  return llvm::Log2_64_Ceil(uint64_t(qmax - qmin) + 1);
}

/// Bits of the quantized type of a tensor.
static unsigned quantBits(Type type) {
  auto q = cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  return rangeBits(q.getStorageTypeMin(), q.getStorageTypeMax());
}

/// Gives `func` float arguments and results where int-io made them
/// quantized: each such argument is quantized first thing, each such result
/// dequantized last, which is what int-io=false writes.
static void floatBoundary(func::FuncOp func) {
  Block &body = func.getBody().front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  for (BlockArgument arg : func.getArguments()) {
    auto qtype = dyn_cast<RankedTensorType>(arg.getType());
    if (!qtype || !isa<quant::QuantizedType>(qtype.getElementType()))
      continue;
    auto ftype = cast<RankedTensorType>(
        quant::QuantizedType::castToExpressedType(qtype));
    arg.setType(ftype);
    Value q = quant::QuantizeCastOp::create(b, arg.getLoc(), qtype, arg);
    arg.replaceAllUsesExcept(q, q.getDefiningOp());
  }
  Operation *ret = body.getTerminator();
  b.setInsertionPoint(ret);
  for (OpOperand &result : ret->getOpOperands()) {
    auto qtype = dyn_cast<RankedTensorType>(result.get().getType());
    if (!qtype || !isa<quant::QuantizedType>(qtype.getElementType()))
      continue;
    result.set(quant::DequantizeCastOp::create(
        b, ret->getLoc(), quant::QuantizedType::castToExpressedType(qtype),
        result.get()));
  }
  func.setFunctionType(FunctionType::get(
      func.getContext(), body.getArgumentTypes(), ret->getOperandTypes()));
}

/// A dcast of constant integers (through scast): a weight or a bias.
static bool isDequantizedConstant(Value v) {
  auto dcast = v.getDefiningOp<quant::DequantizeCastOp>();
  return dcast && dcast.getInput().getDefiningOp<quant::StorageCastOp>();
}

namespace {
/// One graph of the report, made to return the values it measures.
struct Part {
  OwningOpRef<ModuleOp> module;
  func::FuncOp func;
  std::unique_ptr<JitFunction> fn;
  DenseMap<Value, unsigned> slot;
  std::vector<Tensor> results;

  Part(ModuleOp from, StringRef entry)
      : module(from.clone()), func(lookupEntryFunction(*module, entry)) {}

  /// The function returns `values` instead of its results; arguments are not
  /// returned (tensor() reads them from the inputs).
  void returnValues(ArrayRef<Value> values) {
    SmallVector<Value> returned;
    for (Value v : values)
      if (!isa<BlockArgument>(v) && slot.try_emplace(v, returned.size()).second)
        returned.push_back(v);
    Operation *ret = func.getBody().front().getTerminator();
    ret->setOperands(returned);
    // (With the arguments added to the block since; their attributes, such
    // as qopt.quant, no longer line up and do not matter here.)
    func.removeArgAttrsAttr();
    func.removeResAttrsAttr();
    func.setFunctionType(FunctionType::get(func.getContext(),
                                           func.getBody().getArgumentTypes(),
                                           ValueRange(returned).getTypes()));
  }

  LogicalResult compile() {
    FailureOr<std::unique_ptr<JitFunction>> compiled =
        JitFunction::compile(*module, func.getName());
    if (failed(compiled))
      return failure();
    fn = std::move(*compiled);
    return success();
  }

  llvm::Error run(ArrayRef<Tensor> args) {
    inputs = args;
    llvm::Expected<std::vector<Tensor>> out = fn->invoke(args);
    if (!out)
      return out.takeError();
    results = std::move(*out);
    return llvm::Error::success();
  }

  const Tensor &tensor(Value v) const {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return inputs[arg.getArgNumber()];
    return results[slot.lookup(v)];
  }

  SmallVector<Value> ownResults() {
    return llvm::to_vector(
        func.getBody().front().getTerminator()->getOperands());
  }

  SmallVector<quant::QuantizeCastOp> qcasts() {
    SmallVector<quant::QuantizeCastOp> result;
    func.walk([&](quant::QuantizeCastOp q) { result.push_back(q); });
    return result;
  }

private:
  ArrayRef<Tensor> inputs;
};
} // namespace

/// The dequantized value of a qcast.
static Value dequantized(quant::QuantizeCastOp qcast) {
  for (Operation *user : qcast->getUsers())
    if (isa<quant::DequantizeCastOp>(user))
      return user->getResult(0);
  return nullptr;
}

/// The ops computing `v` from the previous quantization points (activation
/// dcasts) and constants, in program order.
static SmallVector<Operation *> islandOf(Value v) {
  llvm::SetVector<Operation *> ops;
  SmallVector<Value> worklist{v};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || isa<quant::DequantizeCastOp>(op) || op->getNumOperands() == 0 ||
        !ops.insert(op))
      continue;
    for (Value operand : op->getOperands())
      if (!isDequantizedConstant(operand))
        worklist.push_back(operand);
  }
  SmallVector<Operation *> result = ops.takeVector();
  llvm::sort(result,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return result;
}

/// "conv2d+clamp"; long float regions are abbreviated.
static std::string describeIsland(ArrayRef<Operation *> ops) {
  auto name = [](Operation *op) { return op->getName().stripDialect().str(); };
  constexpr size_t kMaxNamed = 4;
  if (ops.size() > kMaxNamed)
    return name(ops.front()) + "+...+" + name(ops.back()) + " (" +
           std::to_string(ops.size()) + " ops)";
  std::string text;
  for (Operation *op : ops)
    text += (text.empty() ? "" : "+") + name(op);
  return text;
}

/// The weights of a conv, depthwise conv or matmul anchoring an island:
/// their quantization and SQNR against `floatWeights`.
static std::optional<WeightReport> weightReport(Operation *anchor,
                                                Operation *floatAnchor) {
  auto dcast = anchor->getOperand(1).getDefiningOp<quant::DequantizeCastOp>();
  auto scast = dcast ? dcast.getInput().getDefiningOp<quant::StorageCastOp>()
                     : quant::StorageCastOp();
  DenseIntElementsAttr ints;
  DenseFPElementsAttr floats;
  if (!scast || !matchPattern(scast.getInput(), m_Constant(&ints)) ||
      !matchPattern(floatAnchor->getOperand(1), m_Constant(&floats)))
    return std::nullopt;
  auto type = cast<RankedTensorType>(scast.getType());
  WeightReport report;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t stride = 1, channels = 1;
  Type element = type.getElementType();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    report.axis = perAxis.getQuantizedDimension();
    scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    zeroPoints.assign(perAxis.getZeroPoints().begin(),
                      perAxis.getZeroPoints().end());
    channels = type.getDimSize(*report.axis);
    for (int64_t d = *report.axis + 1; d < type.getRank(); ++d)
      stride *= type.getDimSize(d);
  } else if (auto uniform = dyn_cast<quant::UniformQuantizedType>(element)) {
    scales = {uniform.getScale()};
    zeroPoints = {uniform.getZeroPoint()};
  } else {
    return std::nullopt;
  }
  report.bits = quantBits(type);
  if (std::optional<StringRef> format = getWeightFormat(anchor))
    report.format = format->str();
  if (report.format == "binary")
    report.bits = 1;
  if (std::optional<PwlqRecord> pwlq = getPwlq(anchor)) {
    report.bits = pwlq->bits;
    report.tailStep = pwlq->tailStep;
    report.breakpoints.assign(pwlq->breakpoints.begin(),
                              pwlq->breakpoints.end());
    int64_t l1 = (int64_t(1) << (report.bits - 2)) - 1;
    report.breakpointRatio =
        double(l1) / double(l1 + report.tailStep * (l1 + 1));
  }
  report.scales.assign(scales.begin(), scales.end());
  WeightChannels out = getWeightChannels(anchor, /*perChannel=*/true);
  report.channels.resize(out.channels);
  for (auto [i, q, w] :
       llvm::enumerate(ints.getValues<APInt>(), floats.getValues<APFloat>())) {
    int64_t c = (int64_t(i) / stride) % channels;
    double x = w.convertToDouble(),
           dequantized = double(q.getSExtValue() - zeroPoints[c]) * scales[c];
    report.sqnr.add(x, dequantized);
    report.channels[(int64_t(i) / out.stride) % out.channels].add(x,
                                                                  dequantized);
  }
  return report;
}

static bool isAnchor(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op);
}

/// The conv, depthwise conv or matmul computing `x` since the previous
/// quantization points, if any.
static Operation *anchorOf(Value x) {
  for (Operation *op : islandOf(x))
    if (isAnchor(op))
      return op;
  return nullptr;
}

/// Everything but the measurements: what computes the point, where it is in
/// the input model, its quantization and its inputs'.
static void describePoint(quant::QuantizeCastOp qcast, LayerEntry &layer) {
  Value x = qcast.getInput();
  llvm::raw_string_ostream(layer.type) << x.getType();
  auto qtype =
      cast<quant::UniformQuantizedType>(getElementTypeOrSelf(qcast.getType()));
  layer.bits = quantBits(qcast.getType());
  layer.scale = qtype.getScale();
  layer.zeroPoint = qtype.getZeroPoint();
  layer.min = qtype.getScale() *
              double(qtype.getStorageTypeMin() - qtype.getZeroPoint());
  layer.max = qtype.getScale() *
              double(qtype.getStorageTypeMax() - qtype.getZeroPoint());
  if (auto arg = dyn_cast<BlockArgument>(x)) {
    layer.op = "input";
    layer.location = "argument " + std::to_string(arg.getArgNumber());
    if (auto name = dyn_cast<NameLoc>(arg.getLoc()))
      layer.location += " (" + name.getName().str() + ")";
    return;
  }
  SmallVector<Operation *> island = islandOf(x);
  layer.op = describeIsland(island);
  Operation *anchor = anchorOf(x);
  layer.location =
      describeLocation((anchor ? anchor : island.front())->getLoc());
  for (Operation *op : island)
    for (Value operand : op->getOperands())
      if (auto dcast = operand.getDefiningOp<quant::DequantizeCastOp>();
          dcast && !isDequantizedConstant(operand))
        layer.inputBits =
            std::max(layer.inputBits, quantBits(dcast.getInput().getType()));
}

/// Reads element `i` of a float tensor as a double.
static double element(const Tensor &t, int64_t i) {
  return t.dtype == DType::F64 ? t.values<double>()[i]
                               : double(t.values<float>()[i]);
}

static bool isFloat(const Tensor &t) {
  return t.dtype == DType::F32 || t.dtype == DType::F64;
}

/// Counts the values of `t` beyond half a step outside the layer's range.
static void countClipped(LayerEntry &layer, const Tensor &t) {
  if (!isFloat(t))
    return;
  double lo = layer.min - layer.scale / 2, hi = layer.max + layer.scale / 2;
  for (int64_t i = 0, e = t.numElements(); i < e; ++i) {
    double v = element(t, i);
    layer.clipped += v < lo || v > hi;
  }
}

static void accumulate(Sqnr &sqnr, const Tensor &reference,
                       const Tensor &value) {
  if (!isFloat(reference) || !isFloat(value) ||
      reference.numElements() != value.numElements())
    return;
  for (int64_t i = 0, e = reference.numElements(); i < e; ++i)
    sqnr.add(element(reference, i), element(value, i));
}

llvm::Expected<LayerReport>
measureLayerReport(const LayerReportInputs &inputs) {
  ModuleOp inputQdq = inputs.qdq, beforeQuantize = inputs.beforeQuantize,
           original = inputs.original;
  auto entryOf = [&](ModuleOp module) {
    return lookupEntryFunction(module, inputs.entry);
  };

  // The float graph exactly as qopt-quantize saw it, the QDQ graph with a
  // float boundary, and the integer graph that one lowers to.
  OwningOpRef<ModuleOp> prepared = beforeQuantize.clone();
  OwningOpRef<ModuleOp> qdq = inputQdq.clone();
  func::FuncOp floatFunc = entryOf(*prepared);
  func::FuncOp qdqFunc = entryOf(*qdq);
  if (!entryOf(original) || !floatFunc || !qdqFunc)
    return diagnosed();
  floatBoundary(qdqFunc);
  OwningOpRef<ModuleOp> integer = qdq->clone();
  if (failed(runPasses(*prepared,
                       [&](OpPassManager &pm) {
                         buildPreparePipeline(pm, inputs.prepare, inputs.stats);
                       })) ||
      failed(runPasses(*integer, [](OpPassManager &pm) {
        buildLowerQDQPipeline(pm, /*simulate=*/false);
      })))
    return diagnosed();
  floatFunc = entryOf(*prepared);
  StringRef entry = floatFunc.getName();

  // Activation k of the float graph is the k-th activation of the QDQ graph
  // that is not a dcast.
  SmallVector<Value> floatActs = getActivationTensors(floatFunc);
  SmallVector<Value> qdqActs;
  for (Value v : getActivationTensors(qdqFunc))
    if (!v.getDefiningOp<quant::DequantizeCastOp>())
      qdqActs.push_back(v);
  auto opName = [](Value v) {
    Operation *op = v.getDefiningOp();
    return op ? op->getName().getStringRef().str() : std::string("argument");
  };
  for (size_t k = 0; k < std::max(floatActs.size(), qdqActs.size()); ++k)
    if (k >= floatActs.size() || k >= qdqActs.size() ||
        opName(floatActs[k]) != opName(qdqActs[k]) ||
        floatActs[k].getType() != qdqActs[k].getType()) {
      qdqFunc.emitError() << "the quantized graph does not match the float "
                             "graph at activation #"
                          << k << ": cannot compare them layer by layer";
      return diagnosed();
    }
  DenseMap<Value, unsigned> qdqId;
  for (auto [k, v] : llvm::enumerate(qdqActs))
    qdqId[v] = k;

  // What the QDQ graph says about each quantization point.
  LayerReport report;
  report.function = entry.str();
  SmallVector<unsigned> ids;
  WalkResult walk = qdqFunc.walk([&](quant::QuantizeCastOp qcast) {
    Value x = qcast.getInput();
    if (!qdqId.count(x) || !dequantized(qcast)) {
      qcast.emitError() << "expected a quantization point: a qcast of an "
                           "activation, read through a dcast";
      return WalkResult::interrupt();
    }
    if (qcast->getParentRegion() != &qdqFunc.getBody()) {
      qcast.emitError() << "cannot report on a quantization point inside a "
                           "nested region";
      return WalkResult::interrupt();
    }
    LayerEntry &layer = report.layers.emplace_back();
    layer.id = qdqId.lookup(x);
    ids.push_back(layer.id);
    describePoint(qcast, layer);
    if (x.getDefiningOp())
      if (Operation *anchor = anchorOf(x))
        layer.weight = weightReport(
            anchor,
            floatActs[qdqId.lookup(anchor->getResult(0))].getDefiningOp());
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return diagnosed();

  Part originalPart(original, inputs.entry), floatPart(*prepared, entry),
      qdqPart(*qdq, entry), alonePart(*qdq, entry),
      floatFedPart(*prepared, entry), integerPart(*integer, entry);
  SmallVector<Value> originalResults = originalPart.ownResults(),
                     floatResults = floatPart.ownResults(),
                     qdqResults = qdqPart.ownResults(),
                     integerResults = integerPart.ownResults();

  // float: every point's float value.
  SmallVector<Value> floatPartActs = getActivationTensors(floatPart.func);
  SmallVector<Value> floatValues =
      llvm::map_to_vector(ids, [&](unsigned id) { return floatPartActs[id]; });
  floatPart.returnValues(
      llvm::to_vector(llvm::concat<Value>(floatValues, floatResults)));

  // qdq: every point's dequantized value.
  SmallVector<Value> endToEnd = llvm::map_to_vector(
      qdqPart.qcasts(), [](quant::QuantizeCastOp q) { return dequantized(q); });
  qdqPart.returnValues(
      llvm::to_vector(llvm::concat<Value>(endToEnd, qdqResults)));

  // alone: each layer's output quantized as itself, while its consumers read
  // the float value (an extra argument) quantized the same way.
  Block &aloneBody = alonePart.func.getBody().front();
  SmallVector<Value> alone, fed;
  for (quant::QuantizeCastOp q : alonePart.qcasts()) {
    Value x = q.getInput(), feedDequantized = dequantized(q);
    OpBuilder b(q->getNextNode());
    alone.push_back(
        quant::DequantizeCastOp::create(b, q.getLoc(), x.getType(), q));
    Value floatValue = isa<BlockArgument>(x)
                           ? x
                           : aloneBody.addArgument(x.getType(), q.getLoc());
    Value feed =
        quant::QuantizeCastOp::create(b, q.getLoc(), q.getType(), floatValue);
    q.getResult().replaceUsesWithIf(feed, [&](OpOperand &use) {
      return use.getOwner() != alone.back().getDefiningOp();
    });
    fed.push_back(feedDequantized);
  }
  alonePart.returnValues(llvm::to_vector(llvm::concat<Value>(alone, fed)));

  // floatfed: the float layers reading the fed values (extra arguments).
  Block &floatFedBody = floatFedPart.func.getBody().front();
  SmallVector<Value> aloneReference;
  SmallVector<Value> floatFedActs = getActivationTensors(floatFedPart.func);
  for (unsigned id : ids) {
    Value v = floatFedActs[id];
    Value fedArg = floatFedBody.addArgument(v.getType(), v.getLoc());
    v.replaceAllUsesWith(fedArg);
    aloneReference.push_back(v);
  }
  floatFedPart.returnValues(aloneReference);
  integerPart.returnValues(integerResults);
  originalPart.returnValues(originalResults);

  Part *parts[] = {&originalPart, &floatPart,    &qdqPart,
                   &alonePart,    &floatFedPart, &integerPart};
  for (Part *part : parts)
    if (failed(part->compile()))
      return diagnosed();

  for (Value v : originalResults) {
    OutputEntry &out = report.outputs.emplace_back();
    llvm::raw_string_ostream(out.type) << v.getType();
  }
  llvm::Expected<std::vector<SampleSource>> sources =
      openSamples(entry, originalPart.fn->inputs(), inputs.samples);
  if (!sources)
    return sources.takeError();
  report.numSamples = sources->front().size();
  for (size_t i = 0; i < report.numSamples; ++i) {
    std::vector<Tensor> args;
    for (const SampleSource &source : *sources) {
      llvm::Expected<Tensor> t = source.get(i);
      if (!t)
        return t.takeError();
      args.push_back(std::move(*t));
    }
    // alone reads the float values, floatfed what alone fed its layers.
    std::vector<Tensor> aloneArgs = args, floatFedArgs = args;
    for (Part *part : {&originalPart, &floatPart, &qdqPart, &integerPart})
      if (llvm::Error err = part->run(args))
        return std::move(err);
    for (Value v : floatValues)
      if (!isa<BlockArgument>(v))
        aloneArgs.push_back(floatPart.tensor(v));
    if (llvm::Error err = alonePart.run(aloneArgs))
      return std::move(err);
    for (Value v : fed)
      floatFedArgs.push_back(alonePart.tensor(v));
    if (llvm::Error err = floatFedPart.run(floatFedArgs))
      return std::move(err);

    for (auto [layer, ref, e2e, own, ownRef] : llvm::zip_equal(
             report.layers, floatValues, endToEnd, alone, aloneReference)) {
      accumulate(layer.endToEnd, floatPart.tensor(ref), qdqPart.tensor(e2e));
      countClipped(layer, floatPart.tensor(ref));
      accumulate(layer.own, floatFedPart.tensor(ownRef), alonePart.tensor(own));
    }
    for (auto [r, out] : llvm::enumerate(report.outputs)) {
      accumulate(out.integer, originalPart.tensor(originalResults[r]),
                 integerPart.tensor(integerResults[r]));
      accumulate(out.simulated, floatPart.tensor(floatResults[r]),
                 qdqPart.tensor(qdqResults[r]));
    }
  }
  return report;
}

} // namespace qopt
