//===- Calibrate.cpp - Activation statistics of a float model -------------===//

#include "qopt/Runtime/Calibrate.h"

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Calibration/Collector.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Runtime/JitFunction.h"
#include "qopt/Runtime/Samples.h"
#include "qopt/Transforms/AbsorbHighBias.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace mlir;

namespace qopt {

/// A failure already emitted as a diagnostic.
static llvm::Error diagnosed() {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "");
}

/// Pass 1 also sums each channel (innermost index) into `channelSums`.
template <typename T>
static void observe(HistogramCollector &collector, unsigned pass,
                    llvm::ArrayRef<T> values,
                    std::vector<double> &channelSums) {
  if (pass == 2)
    return collector.observeHistogram(values);
  collector.observeRange(values);
  if (channelSums.empty())
    return;
  for (auto [i, v] : llvm::enumerate(values))
    channelSums[i % channelSums.size()] += v;
}

llvm::Expected<std::unique_ptr<ActivationRunner>>
ActivationRunner::create(func::FuncOp func, llvm::ArrayRef<std::string> inputs,
                         unsigned numParameters, SourceValues values) {
  std::unique_ptr<ActivationRunner> runner(new ActivationRunner);
  auto module = func->getParentOfType<ModuleOp>();
  OwningOpRef<ModuleOp> exposed = module.clone();
  if (values == SourceValues::Results) {
    runner->numReturned = func.getNumResults();
  } else {
    runner->numReturned = getActivationTensors(func).size();
    PassManager expose = PassManager::on<ModuleOp>(module.getContext());
    expose.addPass(createExposeActivations({func.getName().str()}));
    if (failed(expose.run(*exposed)))
      return diagnosed();
  }
  FailureOr<std::unique_ptr<JitFunction>> fn =
      JitFunction::compile(*exposed, func.getName());
  if (failed(fn))
    return diagnosed();
  runner->fn = std::move(*fn);

  llvm::Expected<std::vector<SampleSource>> sources = openSamples(
      func.getName(), runner->fn->inputs().drop_back(numParameters), inputs);
  if (!sources)
    return sources.takeError();
  runner->sources = std::move(*sources);
  return runner;
}

llvm::Expected<std::vector<Tensor>>
ActivationRunner::run(size_t i, llvm::ArrayRef<Tensor> parameters) {
  std::vector<Tensor> inputs;
  for (const SampleSource &source : sources) {
    llvm::Expected<Tensor> tensor = source.get(i);
    if (!tensor)
      return tensor.takeError();
    inputs.push_back(std::move(*tensor));
  }
  inputs.insert(inputs.end(), parameters.begin(), parameters.end());
  llvm::Expected<std::vector<Tensor>> results = fn->invoke(inputs);
  if (!results)
    return results.takeError();
  // The function's own results come first.
  results->erase(results->begin(), results->end() - numReturned);
  return results;
}

/// Per-channel sums of `values` and of their squares; false if one is not
/// finite.
template <typename T>
static bool accumulate(llvm::ArrayRef<T> values, std::vector<double> &sums,
                       std::vector<double> &squares) {
  for (auto [i, v] : llvm::enumerate(values)) {
    if (!std::isfinite(v))
      return false;
    sums[i % sums.size()] += v;
    squares[i % sums.size()] += double(v) * v;
  }
  return true;
}

/// Per-channel mean and standard deviation of `values` (activations of
/// `func`) over the samples; tensors with a non-finite value are left out.
static llvm::Expected<AbsorptionStatistics>
measureChannels(func::FuncOp func, llvm::ArrayRef<Value> values,
                const CalibrateOptions &options) {
  llvm::Expected<std::unique_ptr<ActivationRunner>> runner =
      ActivationRunner::create(func, options.inputs);
  if (!runner)
    return runner.takeError();
  llvm::DenseMap<Value, unsigned> ids = getActivationTensorIds(func);
  AbsorptionStatistics measured;
  measured.fingerprint = graphFingerprint(func);
  std::vector<std::vector<double>> sums, squares;
  std::vector<bool> finite(values.size(), true);
  for (Value v : values) {
    measured.tensors.push_back({ids.lookup(v), {}, {}});
    int64_t channels = cast<RankedTensorType>(v.getType()).getShape().back();
    sums.emplace_back(channels, 0.0);
    squares.emplace_back(channels, 0.0);
  }
  size_t samples = (*runner)->numSamples();
  for (size_t sample = 0; sample < samples; ++sample) {
    llvm::Expected<std::vector<Tensor>> results = (*runner)->run(sample);
    if (!results)
      return results.takeError();
    for (auto [i, t] : llvm::enumerate(measured.tensors)) {
      const Tensor &result = (*results)[t.id];
      if (!finite[i])
        continue;
      if (result.dtype == DType::F64)
        finite[i] = accumulate(result.values<double>(), sums[i], squares[i]);
      else
        finite[i] = accumulate(result.values<float>(), sums[i], squares[i]);
    }
    if (options.progress)
      options.progress(0, sample + 1, samples);
  }
  std::vector<ChannelMoments> kept;
  for (auto [i, t] : llvm::enumerate(measured.tensors)) {
    if (!finite[i])
      continue;
    double count =
        double(samples) *
        double(cast<RankedTensorType>(values[i].getType()).getNumElements()) /
        double(sums[i].size());
    for (auto [sum, square] : llvm::zip_equal(sums[i], squares[i])) {
      double mean = sum / count;
      t.mean.push_back(mean);
      t.std.push_back(std::sqrt(std::max(0.0, square / count - mean * mean)));
    }
    kept.push_back(std::move(t));
  }
  measured.tensors = std::move(kept);
  return measured;
}

llvm::Expected<CalibrationStatistics>
calibrateModel(ModuleOp module, const CalibrateOptions &options) {
  // High-bias absorption goes last, on its own: where no batch norm was
  // folded, it takes its offsets from the graph prepared up to there, run
  // on the samples.
  PrepareConfig beforeAbsorption = options.prepare;
  beforeAbsorption.absorbHighBias = false;
  PassManager prepare = PassManager::on<ModuleOp>(module.getContext());
  if (failed(applyPassManagerCLOptions(prepare)))
    return diagnosed();
  buildPreparePipeline(prepare, beforeAbsorption);
  if (failed(prepare.run(module)))
    return diagnosed();
  func::FuncOp func = lookupEntryFunction(module, options.entry);
  if (!func)
    return diagnosed();
  CalibrationStatistics stats;
  if (options.prepare.absorbHighBias) {
    SmallVector<Value> unrecorded = getUnrecordedPreactivations(func);
    if (!unrecorded.empty()) {
      llvm::Expected<AbsorptionStatistics> measured =
          measureChannels(func, unrecorded, options);
      if (!measured)
        return measured.takeError();
      stats.beforeAbsorption = std::move(*measured);
    }
    absorbHighBias(func,
                   stats.beforeAbsorption ? &*stats.beforeAbsorption : nullptr);
  }
  stats.function = func.getName().str();
  stats.prepare = options.prepare.str();
  stats.fingerprint = graphFingerprint(func);
  SmallVector<Value> activations = getActivationTensors(func);
  for (auto [i, v] : llvm::enumerate(activations)) {
    TensorStatistics &t = stats.tensors.emplace_back();
    t.id = i;
    t.source = describeActivation(v);
    t.shape = cast<RankedTensorType>(v.getType()).getShape().vec();
  }

  llvm::Expected<std::unique_ptr<ActivationRunner>> runner =
      ActivationRunner::create(func, options.inputs);
  if (!runner)
    return runner.takeError();
  stats.samples = (*runner)->numSamples();

  // Pass 1 finds each tensor's range, pass 2 fills histograms over it.
  std::vector<HistogramCollector> collectors(activations.size());
  std::vector<std::vector<double>> channelSums(activations.size());
  for (auto [sums, t] : llvm::zip_equal(channelSums, stats.tensors))
    if (!t.shape.empty())
      sums.assign(t.shape.back(), 0.0);
  for (unsigned pass = 1; pass <= 2; ++pass) {
    for (size_t sample = 0; sample < size_t(stats.samples); ++sample) {
      llvm::Expected<std::vector<Tensor>> results = (*runner)->run(sample);
      if (!results)
        return results.takeError();
      for (auto [i, collector] : llvm::enumerate(collectors)) {
        const Tensor &result = (*results)[i];
        if (result.dtype == DType::F64)
          observe(collector, pass, result.values<double>(), channelSums[i]);
        else
          observe(collector, pass, result.values<float>(), channelSums[i]);
      }
      if (options.progress)
        options.progress(pass, sample + 1, stats.samples);
    }
    if (pass == 1)
      for (HistogramCollector &collector : collectors)
        collector.beginHistogram(options.bins);
  }
  for (auto [t, collector, sums] :
       llvm::zip_equal(stats.tensors, collectors, channelSums)) {
    t.histogram = collector.histogram();
    t.nonFinite = collector.nonFiniteCount();
    // Channel means only where every value was finite: they feed bias
    // corrections, which a NaN would poison.
    if (t.nonFinite == 0 && !sums.empty()) {
      double count = double(stats.samples) *
                     double(ShapedType::getNumElements(t.shape)) /
                     double(sums.size());
      for (double sum : sums)
        t.channelMean.push_back(sum / count);
    }
  }
  return stats;
}

std::vector<std::string>
calibrationWarnings(const CalibrationStatistics &stats) {
  std::vector<std::string> warnings;
  SmallVector<std::string> constant;
  for (const TensorStatistics &t : stats.tensors) {
    std::string name =
        "tensor #" + std::to_string(t.id) + " (" + t.source + ")";
    if (t.nonFinite)
      warnings.push_back(name + " had " + std::to_string(t.nonFinite) +
                         " NaN or infinite value(s); they are left out of its "
                         "statistics");
    else if (stats.samples > 0 && t.histogram.min == t.histogram.max) {
      llvm::raw_string_ostream os(name);
      os << " = " << llvm::format("%g", t.histogram.min);
      constant.push_back(name);
    }
  }
  if (!constant.empty())
    warnings.push_back(
        std::to_string(constant.size()) + " of " +
        std::to_string(stats.tensors.size()) + " tensors are constant on all " +
        std::to_string(stats.samples) + " samples (" +
        join(ArrayRef(constant).take_front(4), ", ") +
        (constant.size() > 4 ? ", ..." : "") +
        "): their ranges are widened to contain 0 (a range of only 0 "
        "quantizes every value to 0); if these are not constant in use, "
        "calibrate on samples that vary");
  return warnings;
}

namespace {
struct JitActivationSource : ActivationSourceInterface {
  using ActivationSourceInterface::ActivationSourceInterface;

  llvm::Expected<std::unique_ptr<ActivationSource>>
  create(func::FuncOp func, ArrayRef<std::string> inputs,
         unsigned numParameters, SourceValues values) const override {
    llvm::Expected<std::unique_ptr<ActivationRunner>> runner =
        ActivationRunner::create(func, inputs, numParameters, values);
    if (!runner)
      return runner.takeError();
    return std::unique_ptr<ActivationSource>(std::move(*runner));
  }
};
} // namespace

void registerJitActivationSource(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *, QoptDialect *dialect) {
    dialect->addInterfaces<JitActivationSource>();
  });
}

} // namespace qopt
