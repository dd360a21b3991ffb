//===- QuantizePipelines.h - The quantize and PTQ pipelines -----*- C++ -*-===//
//
// Separate from Pipelines.h: with adaround=true these pipelines run the float
// model in the JIT (qopt-adaround), and the JIT itself needs the lowering
// pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_PIPELINES_QUANTIZEPIPELINES_H
#define QOPT_PIPELINES_QUANTIZEPIPELINES_H

#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Quant/WeightFormat.h"

namespace qopt {

/// Options of `--qopt-quantize-pipeline`: the prepare steps, bias correction
/// and the options of `qopt-quantize`. Every step is off by default.
struct QuantizePipelineOptions : PrepareOptions<QuantizePipelineOptions> {
  Option<std::string> stats{
      *this, "stats", llvm::cl::desc("Statistics file from qopt-calibrate")};
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Function to quantize")};
  Option<std::string> weightBits{
      *this, "weight-bits",
      llvm::cl::desc("Weight bit width: 2..8, ternary or binary"),
      llvm::cl::init("8")};
  Option<std::string> weightQuant{
      *this, "weight-quant",
      llvm::cl::desc("Weight quantizer: uniform or pwlq (3..8 bits)"),
      llvm::cl::init("uniform")};
  Option<unsigned> actBits{*this, "act-bits",
                           llvm::cl::desc("Activation bit width (2..8)"),
                           llvm::cl::init(8)};
  mlir::detail::PassOptions::ListOption<std::string> layerBits{
      *this, "layer-bits",
      llvm::cl::desc("Per-layer bit widths `N=W` or `N=W/A`")};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("Per-channel weights"),
                          llvm::cl::init(true)};
  Option<std::string> actRange{
      *this, "act-range",
      llvm::cl::desc("Activation range: minmax, percentile, mse or kl"),
      llvm::cl::init("minmax")};
  Option<double> percentile{*this, "percentile",
                            llvm::cl::desc("Percentile for act-range"),
                            llvm::cl::init(99.99)};
  Option<std::string> weightRange{
      *this, "weight-range",
      llvm::cl::desc("Weight range: minmax, mse or auto (mse per tensor, "
                     "minmax per channel)"),
      llvm::cl::init("minmax")};
  Option<std::string> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Bias correction: none, analytic (from folded batch "
                     "norm statistics) or empirical (from calibration "
                     "statistics)"),
      llvm::cl::init("none")};
  Option<bool> adaround{
      *this, "adaround",
      llvm::cl::desc("AdaRound learned rounding (qopt-adaround) on `samples`"),
      llvm::cl::init(false)};
  Option<std::string> adaroundInputs{
      *this, "adaround-inputs",
      llvm::cl::desc("qopt-adaround's inputs: quantized (each layer on the "
                     "outputs of the rounded layers before it) or float"),
      llvm::cl::init("quantized")};
  Option<bool> adaroundCorrectBias{
      *this, "adaround-correct-bias",
      llvm::cl::desc("qopt-adaround moves each layer's mean output error "
                     "into its bias"),
      llvm::cl::init(true)};
  Option<std::string> adaroundGridError{
      *this, "adaround-grid-error",
      llvm::cl::desc("How qopt-adaround chooses PWLQ's grid: by the weights' "
                     "error (weight) or by it weighted with the inputs' "
                     "second moments (output)"),
      llvm::cl::init("weight")};
  mlir::detail::PassOptions::ListOption<std::string> samples{
      *this, "samples",
      llvm::cl::desc("Calibration samples for adaround, once per argument "
                     "(an .npy batch or a directory)")};
  Option<bool> intIO{*this, "int-io",
                     llvm::cl::desc("Integer function arguments and results"),
                     llvm::cl::init(false)};
  Option<bool> simulate{
      *this, "simulate",
      llvm::cl::desc("Stop at the executable QDQ simulation (float "
                     "arithmetic that rounds like the integer graph)"),
      llvm::cl::init(false)};
  Option<bool> keepQDQ{
      *this, "keep-qdq",
      llvm::cl::desc("Stop right after quantization, with quant.qcast/dcast "
                     "in the graph"),
      llvm::cl::init(false)};
};

/// Options of `--qopt-ptq-pipeline`: the same, with the defaults of the
/// white paper's recommended pipeline.
struct PTQPipelineOptions : QuantizePipelineOptions {
  PTQPipelineOptions();
};

/// Prepare, check the statistics against the prepared graph, quantize (with
/// bias correction), then integerize (or simulate) and lower the remaining
/// casts.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizePipelineOptions &options);

/// The end of buildQuantizePipeline after qopt-quantize: the QDQ graph
/// (keep-qdq=true) becomes integer TOSA, or with `simulate` its executable
/// simulation.
void buildLowerQDQPipeline(mlir::OpPassManager &pm, bool simulate);

/// Why adaround=true refuses a non-uniform weight format.
std::string adaroundFormatError(WeightFormat format);

/// Registers `--qopt-quantize-pipeline` and `--qopt-ptq-pipeline` with the
/// global registry.
void registerQuantizePipelines();

} // namespace qopt

#endif // QOPT_PIPELINES_QUANTIZEPIPELINES_H
