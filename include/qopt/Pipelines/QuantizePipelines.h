//===- QuantizePipelines.h - The quantize and PTQ pipelines -----*- C++ -*-===//
//
// Float TOSA and calibration statistics to integer TOSA (or its QDQ
// simulation). Their options are declared once, in QuantizeOptions.def.
// With adaround=true they run qopt-adaround, and with a size or accuracy
// budget qopt-search-precision; both need the JIT's activation source
// registered (qopt::registerAllDialects).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_PIPELINES_QUANTIZEPIPELINES_H
#define QOPT_PIPELINES_QUANTIZEPIPELINES_H

#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Quant/WeightFormat.h"

#include <optional>

namespace qopt {

/// Options of `--qopt-quantize-pipeline`: the prepare steps, bias correction
/// and the options of `qopt-quantize`. Every step is off by default.
struct QuantizePipelineOptions : PrepareOptions<QuantizePipelineOptions> {
  Option<std::string> stats{
      *this, "stats", llvm::cl::desc("Statistics file from qopt-calibrate")};
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Function to quantize")};
#define QOPT_QUANTIZE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)   \
  Option<TYPE> NAME{*this, FLAG, llvm::cl::desc(DESCRIPTION),                  \
                    llvm::cl::value_desc(VALUES), llvm::cl::init(DEFAULT)};
#define QOPT_QUANTIZE_LIST_OPTION(NAME, FLAG, VALUES, DESCRIPTION)             \
  mlir::detail::PassOptions::ListOption<std::string> NAME{                     \
      *this, FLAG, llvm::cl::desc(DESCRIPTION), llvm::cl::value_desc(VALUES)};
#include "qopt/Pipelines/QuantizeOptions.def"
  mlir::detail::PassOptions::ListOption<std::string> samples{
      *this, "samples",
      llvm::cl::desc("Calibration samples for adaround, once per argument "
                     "(an .npy batch or a directory)")};
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

  /// Whether a budget asks for qopt-search-precision.
  bool searchesPrecision() const { return !sizeBudget.empty() || maxDrop >= 0; }
  /// Why the search cannot run with the other options given, if it cannot.
  std::optional<std::string> searchConflict() const;
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
