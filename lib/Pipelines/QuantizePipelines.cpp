//===- QuantizePipelines.cpp - The quantize and PTQ pipelines -------------===//

#include "qopt/Pipelines/QuantizePipelines.h"

#include "qopt/Conversion/Passes.h"
#include "qopt/Quant/WeightFormat.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qopt {

std::string adaroundFormatError(WeightFormat format) {
  return "adaround=true rounds between neighbouring levels of a uniform or "
         "PWLQ grid; " +
         format.bitsName() +
         " weights have no such choice (each weight's value follows from its "
         "sign and the channel's threshold)";
}

std::optional<std::string> QuantizePipelineOptions::searchConflict() const {
  if (!searchesPrecision())
    return std::nullopt;
  if (!sizeBudget.empty() && maxDrop >= 0)
    return std::string("size-budget and max-drop are two budgets for one "
                       "search: give one");
  if (samples.empty())
    return std::string("the precision search (size-budget, max-drop) "
                       "measures the model on the calibration samples "
                       "(samples=FILE.npy|DIR, once per argument)");
  if (!layerBits.empty())
    return std::string("the precision search (size-budget, max-drop) "
                       "chooses every layer's width: it cannot be combined "
                       "with layer-bits (which replays a search's choice)");
  if (adaround)
    return std::string("adaround=true rounds every layer to weight-bits: it "
                       "cannot be combined with the precision search "
                       "(size-budget, max-drop)");
  return std::nullopt;
}

PTQPipelineOptions::PTQPipelineOptions() {
  // Nagel et al. 2021, section 4.1: equalize, absorb high biases, set weight
  // ranges by MSE, correct biases (or AdaRound) and set activation ranges by
  // MSE. Bounded ReLUs stay exact: approximating them changes the float
  // function. Weight ranges by MSE per tensor only: per channel at 4 bits
  // they cost accuracy on every model of benchmarks/ACCURACY.md.
  equalize.setInitialValue(true);
  absorbHighBias.setInitialValue(true);
  weightRange.setInitialValue("auto");
  actRange.setInitialValue("mse");
  biasCorrection.setInitialValue("empirical");
}

void buildQuantizePipeline(OpPassManager &pm,
                           const QuantizePipelineOptions &options) {
  PrepareConfig prepare = options.prepareConfig();
  std::string weightRange = options.weightRange;
  if (weightRange == "auto")
    weightRange = options.perChannel ? "minmax" : "mse";
  buildPreparePipeline(pm, prepare, options.stats);
  pm.addPass(
      createCheckStatistics({options.stats, options.entry, prepare.str()}));
  if (options.searchesPrecision()) {
    SearchPrecisionOptions search;
    search.samples.assign(options.samples.begin(), options.samples.end());
    search.statsFile = options.stats;
    search.entry = options.entry;
    search.formats.assign(options.searchFormats.begin(),
                          options.searchFormats.end());
    search.sizeBudget = options.sizeBudget;
    search.maxDrop = options.maxDrop;
    search.weightQuant = options.weightQuant;
    search.actBits = options.actBits;
    search.perChannel = options.perChannel;
    search.actRange = options.actRange;
    search.percentile = options.percentile;
    search.weightRange = weightRange;
    search.biasCorrection = options.biasCorrection;
    pm.addPass(createSearchPrecision(search));
  }
  if (options.adaround) {
    // On the prepared graph; qopt-quantize then keeps the learned integers
    // (bias correction sees no rounding error left to correct).
    AdaRoundOptions adaround;
    adaround.samples.assign(options.samples.begin(), options.samples.end());
    adaround.entry = options.entry;
    // The registered pipelines check that the format is uniform or PWLQ.
    adaround.weightBits = std::stoul(options.weightBits);
    adaround.weightQuant = options.weightQuant;
    adaround.perChannel = options.perChannel;
    adaround.weightRange = weightRange;
    adaround.inputs = options.adaroundInputs;
    adaround.correctBias = options.adaroundCorrectBias;
    adaround.gridError = options.adaroundGridError;
    pm.addPass(createAdaRound(adaround));
  }
  QuantizeOptions quantize;
  quantize.statsFile = options.stats;
  quantize.entry = options.entry;
  quantize.weightBits = options.weightBits;
  quantize.weightQuant = options.weightQuant;
  quantize.actBits = options.actBits;
  quantize.layerBits.assign(options.layerBits.begin(), options.layerBits.end());
  quantize.perChannel = options.perChannel;
  quantize.actRange = options.actRange;
  quantize.percentile = options.percentile;
  quantize.weightRange = weightRange;
  quantize.biasCorrection = options.biasCorrection;
  quantize.intIO = options.intIO;
  pm.addPass(createQuantize(quantize));
  if (!options.keepQDQ)
    buildLowerQDQPipeline(pm, options.simulate);
}

void buildLowerQDQPipeline(OpPassManager &pm, bool simulate) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (!simulate)
    fpm.addPass(createIntegerize());
  fpm.addPass(createLowerQuant());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
}

/// Registers a quantize pipeline whose options are `Options`; options the
/// pipeline cannot honour are reported through the registry's handler.
template <typename Options>
static void registerQuantizePipeline(StringRef name, StringRef description) {
  registerPassPipeline(
      name, description,
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (options.adaround && options.samples.empty())
          return errorHandler("adaround=true needs the calibration samples "
                              "(samples=FILE.npy|DIR, once per argument)");
        if (options.adaround) {
          llvm::Expected<WeightFormat> format =
              parseWeightFormat(options.weightBits, options.weightQuant);
          if (!format)
            return errorHandler(llvm::toString(format.takeError()));
          if (format->scheme != WeightScheme::Uniform &&
              format->scheme != WeightScheme::Pwlq)
            return errorHandler(adaroundFormatError(*format));
        }
        if (std::optional<std::string> error = options.searchConflict())
          return errorHandler(*error);
        if (options.adaround && !options.layerBits.empty())
          return errorHandler("adaround=true rounds every layer to "
                              "weight-bits: it cannot be combined with "
                              "layer-bits");
        buildQuantizePipeline(pm, options);
        return success();
      },
      [](function_ref<void(const detail::PassOptions &)> handler) {
        handler(Options());
      });
}

void registerQuantizePipelines() {
  registerQuantizePipeline<QuantizePipelineOptions>(
      "qopt-quantize-pipeline",
      "Float TOSA + calibration statistics → integer TOSA (or the QDQ "
      "simulation with simulate=true); every PTQ step off by default");
  registerQuantizePipeline<PTQPipelineOptions>(
      "qopt-ptq-pipeline",
      "The white paper's PTQ pipeline: prepare, cross-layer equalization, "
      "high-bias absorption, MSE weight ranges per tensor (min-max per "
      "channel), empirical bias correction, MSE activation ranges, "
      "integerize; each step an option");
}

} // namespace qopt
