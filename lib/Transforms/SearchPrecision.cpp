//===- SearchPrecision.cpp - Per-layer weight widths for a budget ---------===//
//
// qopt-quantize makes one QDQ copy of the graph per candidate format; the
// widest copy is compiled once with every layer's dequantized weights and
// bias as trailing arguments, so that any assignment of formats to layers
// is measured by one run over the samples, without compiling again. The
// choice is FxP-QNet's greedy reduction by sensitivity per byte saved
// (see the pass description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

#include "qopt/Analysis/ActivationSource.h"
#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Quant/WeightFormat.h"
#include "qopt/Utils/TosaBuilders.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

namespace qopt {
#define GEN_PASS_DEF_SEARCHPRECISION
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

/// A quantized constant of a QDQ graph (tosa.const → quant.scast →
/// quant.dcast): its float value as the simulation computes it, and the
/// layer it belongs to.
struct Constant {
  quant::DequantizeCastOp dcast;
  /// Activation id of the layer's output (its quantization point), or -1
  /// when the constant leads to no single point.
  int64_t key = -1;
  /// Whether it is the weight operand of a conv / depthwise conv / matmul.
  bool isWeight = false;
  qopt::Tensor values;
};

/// `v` without the quantization points (qcast → dcast) around it.
Value throughQuantization(Value v) {
  while (Operation *op = v.getDefiningOp()) {
    if (!isa<quant::QuantizeCastOp, quant::DequantizeCastOp>(op))
      break;
    v = op->getOperand(0);
  }
  return v;
}

/// The scores a softmax over the last axis normalises, as the importer
/// writes it (exp(x − max x) · 1 / Σ exp), or null.
Value softmaxScores(Value result) {
  auto mul = throughQuantization(result).getDefiningOp<tosa::MulOp>();
  if (!mul)
    return {};
  auto exp = throughQuantization(mul.getInput1()).getDefiningOp<tosa::ExpOp>();
  auto sum =
      throughQuantization(mul.getInput2()).getDefiningOp<tosa::ReciprocalOp>();
  if (!exp || !sum)
    return {};
  auto sub = throughQuantization(exp.getInput1()).getDefiningOp<tosa::SubOp>();
  if (!sub)
    return {};
  auto max =
      throughQuantization(sub.getInput2()).getDefiningOp<tosa::ReduceMaxOp>();
  auto type = dyn_cast<RankedTensorType>(sub.getInput1().getType());
  if (!max || !type || max.getAxis() != type.getRank() - 1 ||
      throughQuantization(max.getInput()) !=
          throughQuantization(sub.getInput1()))
    return {};
  return sub.getInput1();
}

/// Makes `func` return the scores of its final softmaxes instead of the
/// probabilities: the same predictions, but the noise and the margins are
/// measured where the quantization adds them evenly, not squashed by a
/// confident softmax (which hides the inputs that a few bits less flip).
void returnSoftmaxScores(func::FuncOp func) {
  func.walk([](func::ReturnOp ret) {
    for (OpOperand &operand : ret->getOpOperands())
      if (Value scores = softmaxScores(operand.get());
          scores && scores.getType() == operand.get().getType())
        operand.set(scores);
  });
}

/// (q − z) · s in f32, per axis where the type says so, as the QDQ
/// simulation (qopt-lower-quant) computes it.
FailureOr<qopt::Tensor> dequantize(quant::DequantizeCastOp dcast) {
  auto scast = dcast.getInput().getDefiningOp<quant::StorageCastOp>();
  DenseIntElementsAttr ints;
  if (!scast || !matchPattern(scast.getInput(), m_Constant(&ints)))
    return failure();
  auto type = cast<RankedTensorType>(dcast.getType());
  quant::QuantizedType qtype = qopt::getQuantElementType(scast.getType());
  SmallVector<double> scales;
  SmallVector<int64_t> zeros;
  int64_t axis = -1;
  if (auto uniform = dyn_cast_or_null<quant::UniformQuantizedType>(qtype)) {
    scales.push_back(uniform.getScale());
    zeros.push_back(uniform.getZeroPoint());
  } else if (auto perAxis =
                 dyn_cast_or_null<quant::UniformQuantizedPerAxisType>(qtype)) {
    scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
    zeros.assign(perAxis.getZeroPoints().begin(),
                 perAxis.getZeroPoints().end());
    axis = perAxis.getQuantizedDimension();
  } else {
    return failure();
  }
  int64_t stride = 1;
  for (int64_t d = axis + 1; axis >= 0 && d < type.getRank(); ++d)
    stride *= type.getDimSize(d);
  qopt::Tensor t(qopt::DType::F32, type.getShape());
  auto *out = reinterpret_cast<float *>(t.bytes.data());
  int64_t i = 0;
  for (const APInt &q : ints.getValues<APInt>()) {
    size_t c = axis < 0 ? 0 : (i / stride) % scales.size();
    out[i++] = (float(q.getSExtValue()) - float(zeros[c])) * float(scales[c]);
  }
  return t;
}

/// The quantization point `v` reaches through single users (a layer's
/// constant → its conv/matmul → bias add, reshapes, clamp → qcast).
quant::QuantizeCastOp reachedPoint(Value v) {
  for (int steps = 0; steps < 16; ++steps) {
    if (!v.hasOneUse())
      return nullptr;
    Operation *user = *v.getUsers().begin();
    if (auto qcast = dyn_cast<quant::QuantizeCastOp>(user))
      return qcast;
    if (user->getNumResults() != 1)
      return nullptr;
    v = user->getResult(0);
  }
  return nullptr;
}

/// The quantized constants of a QDQ function, in program order.
FailureOr<std::vector<Constant>> collectConstants(func::FuncOp func) {
  // Activation k of the float graph is the k-th activation of the QDQ graph
  // that is not a dcast (the QDQ graph only adds casts).
  DenseMap<Value, int64_t> ids;
  for (Value v : qopt::getActivationTensors(func))
    if (!v.getDefiningOp<quant::DequantizeCastOp>())
      ids.try_emplace(v, int64_t(ids.size()));
  std::vector<Constant> constants;
  WalkResult walk = func.walk([&](quant::DequantizeCastOp dcast) {
    if (!dcast.getInput().getDefiningOp<quant::StorageCastOp>())
      return WalkResult::advance();
    FailureOr<qopt::Tensor> values = dequantize(dcast);
    if (failed(values)) {
      dcast.emitError("qopt-search-precision: cannot read this quantized "
                      "constant");
      return WalkResult::interrupt();
    }
    Constant c{dcast, -1, false, std::move(*values)};
    if (quant::QuantizeCastOp point = reachedPoint(dcast.getResult()))
      c.key = ids.lookup_or(point.getInput(), -1);
    if (dcast->hasOneUse()) {
      OpOperand &use = *dcast->use_begin();
      c.isWeight = use.getOperandNumber() == 1 &&
                   isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(
                       use.getOwner());
    }
    constants.push_back(std::move(c));
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  return constants;
}

/// What a width assignment does to the outputs, against the float model's.
struct Measure {
  /// Fraction of predictions (argmax over the last dimension) that agree.
  double agreement = 1.0;
  /// Output noise power over signal power.
  double noise = 0.0;
  /// Predictions compared (0: no output has a class dimension).
  int64_t predictions = 0;

  /// Agreement expected on other inputs, from the noise power and the
  /// float model's margins (see evaluate).
  double expected = 1.0;

  /// The disagreement a budget is held to: the larger of the measured and
  /// the expected one.
  double dropPercent() const {
    return 100.0 * (1.0 - std::min(agreement, expected));
  }
  double sqnrDb() const {
    return noise > 0 ? -10.0 * std::log10(noise)
                     : std::numeric_limits<double>::infinity();
  }
};

/// One searched layer: its constants (indices into the per-format lists)
/// and, per format, its weight bytes and its noise alone.
struct Layer {
  int64_t key;
  std::string name;
  int64_t weightCount = 0;
  SmallVector<size_t> constants;
  /// Format indices by decreasing bytes, one per byte size.
  SmallVector<unsigned> ladder;
  SmallVector<double> noise; // per format
  unsigned rung = 0;         // position on the ladder
  bool frozen = false;
};

struct SearchPrecisionPass
    : qopt::impl::SearchPrecisionBase<SearchPrecisionPass> {
  using Base::Base;
  /// A copy has the options only: the search's state lives for one run.
  SearchPrecisionPass(const SearchPrecisionPass &other) : Base(other) {}

  void runOnOperation() override;

private:
  LogicalResult parseFormats(ModuleOp module);
  FailureOr<std::vector<Constant>> quantizeCopy(ModuleOp module,
                                                const qopt::WeightFormat &f,
                                                OwningOpRef<ModuleOp> &copy);
  LogicalResult collectLayers(func::FuncOp qdq,
                              ArrayRef<std::vector<Constant>> perFormat);
  LogicalResult compileSimulation(func::FuncOp qdq, ArrayRef<Constant> base);
  FailureOr<Measure> evaluate(ArrayRef<unsigned> choice);
  SmallVector<unsigned> currentChoice() const;
  int64_t bytes(const Layer &l, unsigned format) const;
  int64_t totalBytes() const;
  void progress(const Twine &message) const;
  void runSizeSearch(int64_t budget);
  LogicalResult runDropSearch(func::FuncOp func);

  SmallVector<qopt::WeightFormat> formatList;
  std::vector<Layer> layers;
  /// Per format, the dequantized constants of every layer, in `constants`
  /// order; constants of no layer keep the widest copy's values.
  std::vector<std::vector<qopt::Tensor>> parameters;
  /// Per parameter: the layer and its position among the layer's constants.
  SmallVector<std::pair<size_t, size_t>> parameterOf;
  std::unique_ptr<qopt::ActivationSource> simulation;
  std::vector<std::vector<qopt::Tensor>> reference;
  /// Per prediction of the float model: its top score minus each other
  /// class's score.
  std::vector<SmallVector<double>> gaps;
  double baseNoise = 0;
  bool showProgress = false;
  unsigned evaluations = 0;
};

LogicalResult SearchPrecisionPass::parseFormats(ModuleOp module) {
  SmallVector<std::string> names(formats.begin(), formats.end());
  if (names.empty()) {
    names = {"8", "4", "3"};
    // PWLQ needs 3 bits or more.
    if (weightQuant != "pwlq")
      names.append({"2", "ternary"});
  }
  for (const std::string &name : names) {
    llvm::Expected<qopt::WeightFormat> f =
        qopt::parseWeightFormat(name, weightQuant);
    if (!f)
      return module.emitError() << "qopt-search-precision: format '" << name
                                << "': " << llvm::toString(f.takeError());
    if (llvm::is_contained(formatList, *f))
      return module.emitError()
             << "qopt-search-precision: format '" << name << "' given twice";
    formatList.push_back(*f);
  }
  // Widest first; equal widths (2 bits and ternary) keep their order.
  SmallVector<qopt::WeightFormat> given = formatList;
  auto position = [&](const qopt::WeightFormat &f) {
    return llvm::find(given, f) - given.begin();
  };
  llvm::sort(formatList, [&](const auto &a, const auto &b) {
    return std::make_pair(-int(a.bits), position(a)) <
           std::make_pair(-int(b.bits), position(b));
  });
  return success();
}

FailureOr<std::vector<Constant>>
SearchPrecisionPass::quantizeCopy(ModuleOp module, const qopt::WeightFormat &f,
                                  OwningOpRef<ModuleOp> &copy) {
  copy = module.clone();
  qopt::QuantizeOptions options;
  options.statsFile = statsFile;
  options.entry = entry;
  options.weightBits = f.bitsName();
  options.weightQuant =
      f.scheme == qopt::WeightScheme::Pwlq ? "pwlq" : "uniform";
  options.actBits = actBits;
  options.perChannel = perChannel;
  options.actRange = actRange;
  options.percentile = percentile;
  options.weightRange = weightRange;
  options.biasCorrection = biasCorrection;
  PassManager pm = PassManager::on<ModuleOp>(module.getContext());
  pm.addPass(qopt::createQuantize(options));
  if (failed(pm.run(*copy)))
    return failure();
  func::FuncOp func = qopt::lookupEntryFunction(*copy, entry);
  if (!func)
    return failure();
  return collectConstants(func);
}

LogicalResult
SearchPrecisionPass::collectLayers(func::FuncOp qdq,
                                   ArrayRef<std::vector<Constant>> perFormat) {
  ArrayRef<Constant> base = perFormat.front();
  for (auto [f, constants] : llvm::enumerate(perFormat)) {
    bool same = constants.size() == base.size();
    for (size_t i = 0; same && i < base.size(); ++i)
      same = constants[i].key == base[i].key &&
             constants[i].values.shape == base[i].values.shape;
    if (!same)
      return qdq.emitError()
             << "qopt-search-precision: the graphs quantized at weight-bits="
             << formatList.front().bitsName() << " and "
             << formatList[f].bitsName()
             << " differ in their constants: cannot mix their layers";
  }
  DenseMap<int64_t, size_t> layerOf;
  for (auto [i, c] : llvm::enumerate(base)) {
    if (c.key < 0)
      continue;
    auto [it, inserted] = layerOf.try_emplace(c.key, layers.size());
    if (inserted) {
      Layer &l = layers.emplace_back();
      l.key = c.key;
      Operation *user = *c.dcast->getUsers().begin();
      auto name = dyn_cast<NameLoc>(user->getLoc());
      l.name = name ? name.getName().str()
                    : qopt::describeActivation(user->getResult(0));
    }
    Layer &l = layers[it->second];
    l.constants.push_back(i);
    if (c.isWeight)
      l.weightCount += c.values.numElements();
  }
  // Layers without weights (constants of an elementwise op) are not
  // searched: their constants keep the widest copy's values.
  llvm::erase_if(layers, [](const Layer &l) { return l.weightCount == 0; });
  parameters.resize(formatList.size());
  for (auto [li, l] : llvm::enumerate(layers))
    for (auto [k, c] : llvm::enumerate(l.constants)) {
      parameterOf.push_back({li, k});
      for (auto [f, constants] : llvm::enumerate(perFormat))
        parameters[f].push_back(constants[c].values);
    }
  return success();
}

LogicalResult SearchPrecisionPass::compileSimulation(func::FuncOp qdq,
                                                     ArrayRef<Constant> base) {
  // The layers' constants become trailing arguments, in parameter order.
  for (const Layer &l : layers)
    for (size_t c : l.constants) {
      quant::DequantizeCastOp dcast = base[c].dcast;
      unsigned index = qdq.getNumArguments();
      if (failed(qdq.insertArgument(index, dcast.getType(),
                                    DictionaryAttr::get(qdq.getContext()),
                                    dcast.getLoc())))
        return failure();
      dcast.replaceAllUsesWith(qdq.getArgument(index));
    }
  for (const Layer &l : layers)
    for (size_t c : l.constants) {
      quant::DequantizeCastOp dcast = base[c].dcast;
      Operation *scast = dcast.getInput().getDefiningOp();
      Operation *constant = scast->getOperand(0).getDefiningOp();
      dcast.erase();
      if (scast->use_empty())
        scast->erase();
      if (constant->use_empty())
        constant->erase();
    }
  returnSoftmaxScores(qdq);
  llvm::Expected<std::unique_ptr<qopt::ActivationSource>> source =
      qopt::createActivationSource(qdq, samples, parameterOf.size(),
                                   qopt::SourceValues::Results);
  if (!source) {
    std::string message = llvm::toString(source.takeError());
    if (!message.empty())
      qdq.emitError() << message;
    return failure();
  }
  simulation = std::move(*source);
  return success();
}

FailureOr<Measure> SearchPrecisionPass::evaluate(ArrayRef<unsigned> choice) {
  std::vector<qopt::Tensor> args;
  args.reserve(parameterOf.size());
  for (auto [i, p] : llvm::enumerate(parameterOf))
    args.push_back(parameters[choice[p.first]][i]);
  double signal = 0, noise = 0, classNoise = 0;
  int64_t agree = 0, predictions = 0, classElements = 0;
  for (size_t s = 0, e = simulation->numSamples(); s < e; ++s) {
    llvm::Expected<std::vector<qopt::Tensor>> outputs =
        simulation->run(s, args);
    if (!outputs) {
      getOperation().emitError()
          << "qopt-search-precision: " << llvm::toString(outputs.takeError());
      return failure();
    }
    for (auto [y, r] : llvm::zip_equal(*outputs, reference[s])) {
      if (y.dtype != qopt::DType::F32)
        continue;
      ArrayRef<float> yv = y.values<float>(), rv = r.values<float>();
      double n = 0;
      for (auto [a, b] : llvm::zip_equal(yv, rv)) {
        signal += double(b) * b;
        n += (double(a) - b) * (double(a) - b);
      }
      noise += n;
      int64_t classes = r.shape.empty() ? 1 : r.shape.back();
      if (classes < 2)
        continue;
      classNoise += n;
      classElements += rv.size();
      for (size_t p = 0; p < rv.size(); p += classes) {
        auto argmax = [&](ArrayRef<float> v) {
          return std::max_element(v.begin() + p, v.begin() + p + classes) -
                 v.begin();
        };
        agree += argmax(yv) == argmax(rv);
        ++predictions;
      }
    }
  }
  ++evaluations;
  Measure m;
  m.agreement = predictions ? double(agree) / double(predictions) : 1.0;
  m.predictions = predictions;
  m.noise = signal > 0 ? noise / signal : noise;
  // The disagreement to expect beyond the samples: each prediction's
  // chance to flip under Gaussian noise of the measured power on every
  // class score (e_j − e_top has variance 2σ², so the flip to class j at
  // gap g has probability Φ(−g / (σ√2)) = erfc(g / 2σ) / 2), summed over
  // the other classes and capped at 1. A few samples cannot show a drop
  // below one of them; this estimate can, and it sees the near misses.
  double sigma = classElements ? std::sqrt(classNoise / classElements) : 0;
  double flips = 0;
  for (ArrayRef<double> g : gaps) {
    double p = 0;
    for (double gap : g)
      p += sigma > 0 ? 0.5 * std::erfc(gap / (2 * sigma)) : (gap <= 0);
    flips += std::min(p, 1.0);
  }
  m.expected = gaps.empty() ? 1.0 : 1.0 - flips / double(gaps.size());
  return m;
}

SmallVector<unsigned> SearchPrecisionPass::currentChoice() const {
  return llvm::map_to_vector(layers,
                             [](const Layer &l) { return l.ladder[l.rung]; });
}

int64_t SearchPrecisionPass::bytes(const Layer &l, unsigned format) const {
  return llvm::divideCeil(l.weightCount * formatList[format].bits, 8);
}

int64_t SearchPrecisionPass::totalBytes() const {
  int64_t total = 0;
  for (const Layer &l : layers)
    total += bytes(l, l.ladder[l.rung]);
  return total;
}

void SearchPrecisionPass::progress(const Twine &message) const {
  if (showProgress)
    llvm::errs() << "qopt-search-precision: " << message << "\n";
}

/// The next step down: the layer whose next rung adds the least noise per
/// byte saved (ties: the earlier layer), or none.
static Layer *
cheapestStep(std::vector<Layer> &layers,
             llvm::function_ref<int64_t(const Layer &, unsigned)> bytes) {
  Layer *best = nullptr;
  double bestCost = 0;
  for (Layer &l : layers) {
    if (l.frozen || l.rung + 1 >= l.ladder.size())
      continue;
    unsigned from = l.ladder[l.rung], to = l.ladder[l.rung + 1];
    double cost =
        (l.noise[to] - l.noise[from]) / double(bytes(l, from) - bytes(l, to));
    if (!best || cost < bestCost)
      best = &l, bestCost = cost;
  }
  return best;
}

void SearchPrecisionPass::runSizeSearch(int64_t budget) {
  auto bytesOf = [&](const Layer &l, unsigned f) { return bytes(l, f); };
  while (totalBytes() > budget) {
    Layer *l = cheapestStep(layers, bytesOf);
    ++l->rung;
    progress(llvm::formatv("{0} to {1}: {2} weight bytes", l->name,
                           formatList[l->ladder[l->rung]].bitsName(),
                           totalBytes()));
  }
  // Repair: bytes left under the budget go back to the layers that hurt
  // most, one rung at a time.
  for (bool raised = true; raised;) {
    raised = false;
    SmallVector<Layer *> order;
    for (Layer &l : layers)
      if (l.rung > 0)
        order.push_back(&l);
    // (Layers live in one vector: their addresses are their order.)
    llvm::sort(order, [](Layer *a, Layer *b) {
      double na = a->noise[a->ladder[a->rung]],
             nb = b->noise[b->ladder[b->rung]];
      return na != nb ? na > nb : a < b;
    });
    for (Layer *l : order) {
      int64_t more =
          bytes(*l, l->ladder[l->rung - 1]) - bytes(*l, l->ladder[l->rung]);
      if (totalBytes() + more > budget)
        continue;
      --l->rung;
      raised = true;
      progress(llvm::formatv("{0} back to {1}: {2} weight bytes", l->name,
                             formatList[l->ladder[l->rung]].bitsName(),
                             totalBytes()));
      break;
    }
  }
}

LogicalResult SearchPrecisionPass::runDropSearch(func::FuncOp func) {
  auto bytesOf = [&](const Layer &l, unsigned f) { return bytes(l, f); };
  while (Layer *l = cheapestStep(layers, bytesOf)) {
    ++l->rung;
    FailureOr<Measure> m = evaluate(currentChoice());
    if (failed(m))
      return failure();
    bool keep = m->dropPercent() <= maxDrop;
    progress(llvm::formatv(
        "{0} to {1}: drop {2:f2} % (on the samples {3:f2} %), SQNR {4:f1} "
        "dB, {5} weight bytes: {6}",
        l->name, formatList[l->ladder[l->rung]].bitsName(), m->dropPercent(),
        100.0 * (1.0 - m->agreement), m->sqnrDb(), totalBytes(),
        keep ? "kept" : "undone"));
    if (!keep) {
      --l->rung;
      l->frozen = true;
    }
  }
  return success();
}

void SearchPrecisionPass::runOnOperation() {
  ModuleOp module = getOperation();
  showProgress = llvm::sys::Process::StandardErrIsDisplayed();
  bool bySize = !sizeBudget.empty(), byDrop = maxDrop >= 0;
  if (bySize == byDrop) {
    module.emitError() << "qopt-search-precision needs one budget: "
                          "size-budget=BYTES|Nx or max-drop=PERCENT";
    return signalPassFailure();
  }
  if (samples.empty() || statsFile.empty()) {
    module.emitError() << "qopt-search-precision measures the model on "
                          "samples: it needs samples=FILE.npy|DIR and the "
                          "statistics file (stats=FILE)";
    return signalPassFailure();
  }
  if (failed(parseFormats(module)))
    return signalPassFailure();
  func::FuncOp func = qopt::lookupEntryFunction(module, entry);
  if (!func)
    return signalPassFailure();

  // One quantized copy per format; the widest is the simulation's graph.
  std::vector<OwningOpRef<ModuleOp>> copies(formatList.size());
  std::vector<std::vector<Constant>> perFormat;
  for (auto [f, format] : llvm::enumerate(formatList)) {
    progress("quantizing at weight-bits=" + format.bitsName());
    FailureOr<std::vector<Constant>> constants =
        quantizeCopy(module, format, copies[f]);
    if (failed(constants))
      return signalPassFailure();
    perFormat.push_back(std::move(*constants));
  }
  func::FuncOp qdq = qopt::lookupEntryFunction(*copies.front(), entry);
  if (failed(collectLayers(qdq, perFormat)))
    return signalPassFailure();
  if (layers.empty()) {
    func.emitError() << "qopt-search-precision: no layer with constant "
                        "weights to choose a width for";
    return signalPassFailure();
  }
  if (failed(compileSimulation(qdq, perFormat.front())))
    return signalPassFailure();

  // The float model's own outputs are the reference.
  OwningOpRef<ModuleOp> floatCopy = module.clone();
  func::FuncOp floatFunc = qopt::lookupEntryFunction(*floatCopy, entry);
  returnSoftmaxScores(floatFunc);
  llvm::Expected<std::unique_ptr<qopt::ActivationSource>> floatModel =
      qopt::createActivationSource(floatFunc, samples, 0,
                                   qopt::SourceValues::Results);
  if (!floatModel) {
    std::string message = llvm::toString(floatModel.takeError());
    if (!message.empty())
      func.emitError() << message;
    return signalPassFailure();
  }
  for (size_t s = 0, e = (*floatModel)->numSamples(); s < e; ++s) {
    llvm::Expected<std::vector<qopt::Tensor>> outputs = (*floatModel)->run(s);
    if (!outputs) {
      func.emitError() << llvm::toString(outputs.takeError());
      return signalPassFailure();
    }
    for (const qopt::Tensor &r : *outputs) {
      int64_t classes = r.shape.empty() ? 1 : r.shape.back();
      if (r.dtype != qopt::DType::F32 || classes < 2)
        continue;
      ArrayRef<float> v = r.values<float>();
      for (size_t p = 0; p < v.size(); p += classes) {
        ArrayRef<float> scores = v.slice(p, classes);
        auto top = std::max_element(scores.begin(), scores.end());
        SmallVector<double> &g = gaps.emplace_back();
        for (auto it = scores.begin(); it != scores.end(); ++it)
          if (it != top)
            g.push_back(double(*top) - double(*it));
      }
    }
    reference.push_back(std::move(*outputs));
  }

  // Sensitivity: each layer alone at each narrower format.
  SmallVector<unsigned> widest(layers.size(), 0);
  FailureOr<Measure> base = evaluate(widest);
  if (failed(base))
    return signalPassFailure();
  baseNoise = base->noise;
  progress(llvm::formatv("{0} layers; at weight-bits={1}: drop {2:f2} %, SQNR "
                         "{3:f1} dB",
                         layers.size(), formatList.front().bitsName(),
                         base->dropPercent(), base->sqnrDb()));
  for (auto [li, l] : llvm::enumerate(layers)) {
    l.noise.assign(formatList.size(), 0.0);
    for (unsigned f = 1; f < formatList.size(); ++f) {
      SmallVector<unsigned> choice = widest;
      choice[li] = f;
      FailureOr<Measure> m = evaluate(choice);
      if (failed(m))
        return signalPassFailure();
      // Noise powers of independent layers add up; what one layer adds
      // can measure below zero by chance.
      l.noise[f] = std::max(m->noise - baseNoise, 0.0);
    }
    progress(llvm::formatv("sensitivity {0}/{1}: {2}", li + 1, layers.size(),
                           l.name));
    for (unsigned f = 0; f < formatList.size(); ++f) {
      if (!l.ladder.empty() && bytes(l, l.ladder.back()) == bytes(l, f)) {
        if (l.noise[f] < l.noise[l.ladder.back()])
          l.ladder.back() = f;
        continue;
      }
      l.ladder.push_back(f);
    }
  }

  int64_t smallest = 0, floatBytes = 0;
  for (const Layer &l : layers) {
    smallest += bytes(l, l.ladder.back());
    floatBytes += 4 * l.weightCount;
  }
  if (bySize) {
    StringRef text = StringRef(sizeBudget).trim();
    int64_t budget = 0;
    double ratio = 0;
    bool ok = text.consume_back("x") ? !text.getAsDouble(ratio) && ratio > 0
                                     : !text.getAsInteger(10, budget);
    if (ok && ratio > 0)
      budget = int64_t(std::floor(double(floatBytes) / ratio));
    if (!ok || budget <= 0) {
      module.emitError() << "qopt-search-precision: size-budget '" << sizeBudget
                         << "' is not a positive byte count or Nx";
      return signalPassFailure();
    }
    if (budget < smallest) {
      module.emitError() << "qopt-search-precision: size-budget " << budget
                         << " bytes is unreachable: the smallest weights "
                            "these formats give are "
                         << smallest
                         << " bytes (every layer at its narrowest format)";
      return signalPassFailure();
    }
    runSizeSearch(budget);
    qopt::setSizeBudget(func, budget, smallest);
  } else {
    if (base->predictions == 0) {
      func.emitError() << "qopt-search-precision: max-drop compares "
                          "predictions, but no result of '"
                       << func.getName()
                       << "' has a class dimension (a last dimension of 2 "
                          "or more): give size-budget instead";
      return signalPassFailure();
    }
    if (base->dropPercent() > maxDrop) {
      func.emitError() << "qopt-search-precision: max-drop="
                       << llvm::formatv("{0}", double(maxDrop)).str()
                       << " is unreachable: at weight-bits="
                       << formatList.front().bitsName()
                       << " the model already disagrees with the float "
                          "model on "
                       << llvm::formatv("{0:f2}", base->dropPercent()).str()
                       << " % (measured on the samples or expected from its "
                          "output noise)";
      return signalPassFailure();
    }
    if (failed(runDropSearch(func)))
      return signalPassFailure();
  }

  FailureOr<Measure> chosen = evaluate(currentChoice());
  if (failed(chosen))
    return signalPassFailure();
  progress(
      llvm::formatv("chose {0} weight bytes ({1:f2}x smaller than float32), "
                    "drop {2:f2} %, SQNR {3:f1} dB, {4} evaluations",
                    totalBytes(), double(floatBytes) / double(totalBytes()),
                    chosen->dropPercent(), chosen->sqnrDb(), evaluations));
  std::vector<std::string> entries;
  for (const Layer &l : layers)
    entries.push_back(std::to_string(l.key) + "=" +
                      formatList[l.ladder[l.rung]].bitsName());
  qopt::setLayerBits(func, entries);
}

} // namespace
