//===- Driver.h - What qoptc does, as a library -----------------*- C++ -*-===//
//
// The compiler driver, as CIRCT's Firtool library is to firtool: the options
// of a compilation (the quantization ones declared once, in
// qopt/Pipelines/QuantizeOptions.def), their command-line flags and checks,
// and the orchestration import → calibrate → quantize → report → compile.
// qoptc and qopt-calibrate are thin clients of it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DRIVER_DRIVER_H
#define QOPT_DRIVER_DRIVER_H

#include "qopt/Import/OnnxImporter.h"
#include "qopt/Pipelines/QuantizePipelines.h"
#include "qopt/Target/Compile.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace qopt {

/// One compilation, checked: every combination here is one the driver can
/// honour.
struct DriverOptions {
  /// Name in the driver's own error messages.
  std::string tool = "qoptc";
  /// The model: .mlir (float or integer TOSA) or .onnx, imported with
  /// `import`.
  std::string modelFile;
  OnnxImportOptions import;
  /// Where the files go (created if missing); `compile.outputDir` is the
  /// staging directory the driver writes them into first.
  std::string outputDir;
  CompileOptions compile;
  /// Quantization: with `quantize` set, the float model is quantized with
  /// the statistics file `calibration`, or, when that is empty, with
  /// statistics computed on `samples`.
  std::unique_ptr<QuantizePipelineOptions> quantize;
  std::string pipeline = "quantize";
  std::string calibration;
  std::vector<std::string> samples;
  /// Also write the per-layer report, measured on `reportSamples`.
  bool report = false;
  std::vector<std::string> reportSamples;
};

/// Registers the flags of qoptc with the command line (before
/// llvm::cl::ParseCommandLineOptions); --help then lists only them and the
/// pass manager's.
void registerDriverCLOptions();

/// The compilation the parsed flags ask for; an error (already reported on
/// stderr) when they contradict each other.
mlir::FailureOr<DriverOptions> getDriverOptionsFromCL();

/// Imports, calibrates, quantizes, reports and compiles as `options` say.
/// The files appear in the output directory together or not at all; every
/// problem is reported on stderr.
mlir::LogicalResult runDriver(const DriverOptions &options);

/// Prints the named targets, one per line.
void printTargets(llvm::raw_ostream &os);

/// Registers the prepare flags (--pipeline, --equalize, --relu6,
/// --absorb-high-bias) alone, for tools that only prepare (qopt-calibrate).
void registerPrepareCLOptions();

/// The prepare steps the parsed flags ask for: the named pipeline's defaults,
/// then the flags given; an error reported as `tool` for an unknown pipeline.
mlir::FailureOr<PrepareConfig> getPrepareConfigFromCL(llvm::StringRef tool);

} // namespace qopt

#endif // QOPT_DRIVER_DRIVER_H
