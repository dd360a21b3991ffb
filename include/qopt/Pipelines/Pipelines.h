//===- Pipelines.h - qopt named pass pipelines ------------------*- C++ -*-===//

#ifndef QOPT_PIPELINES_PIPELINES_H
#define QOPT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qopt {

/// Options of `--qopt-quantize-pipeline`; they mirror `qopt-quantize`.
struct QuantizePipelineOptions
    : public mlir::PassPipelineOptions<QuantizePipelineOptions> {
  Option<std::string> stats{
      *this, "stats", llvm::cl::desc("Statistics file from qopt-calibrate")};
  Option<std::string> entry{*this, "entry",
                            llvm::cl::desc("Function to quantize")};
  Option<unsigned> weightBits{*this, "weight-bits",
                              llvm::cl::desc("Weight bit width (2..8)"),
                              llvm::cl::init(8)};
  Option<unsigned> actBits{*this, "act-bits",
                           llvm::cl::desc("Activation bit width (2..8)"),
                           llvm::cl::init(8)};
  ListOption<std::string> layerBits{
      *this, "layer-bits",
      llvm::cl::desc("Per-layer bit widths `N=W` or `N=W/A`")};
  Option<bool> perChannel{*this, "per-channel",
                          llvm::cl::desc("Per-channel weights"),
                          llvm::cl::init(true)};
  Option<std::string> actRange{
      *this, "act-range",
      llvm::cl::desc("Activation range: minmax, percentile or mse"),
      llvm::cl::init("minmax")};
  Option<double> percentile{*this, "percentile",
                            llvm::cl::desc("Percentile for act-range"),
                            llvm::cl::init(99.99)};
  Option<std::string> weightRange{*this, "weight-range",
                                  llvm::cl::desc("Weight range: minmax or mse"),
                                  llvm::cl::init("minmax")};
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

/// How conv2d and matmul are compiled: by the generated kernels of
/// qopt-lower-to-kernels for `isa` ("host": this machine's), or, with
/// `reference`, by the plain upstream lowering that serves as the bit-exact
/// integer reference of the kernels (`reference` also turns off the
/// depthwise kernels and the elementwise vectorization).
struct CodegenOptions {
  std::string isa = "host";
  bool reference = false;
};

/// Options of `--qopt-lower-to-llvm-pipeline`.
struct LowerToLLVMPipelineOptions
    : public mlir::PassPipelineOptions<LowerToLLVMPipelineOptions> {
  Option<std::string> isa{*this, "isa",
                          llvm::cl::desc("Instruction set of the kernels (see "
                                         "qopt-lower-to-kernels)"),
                          llvm::cl::init("host")};
  Option<bool> reference{
      *this, "reference",
      llvm::cl::desc("The plain upstream lowering, no kernels (the "
                     "bit-exact integer reference)"),
      llvm::cl::init(false)};
};

/// Float TOSA clean-up that the calibrator and the quantizer both run first:
/// canonicalize, fold constants, fold batch norm, CSE.
void buildPreparePipeline(mlir::OpPassManager &pm);

/// Prepare, quantize, then integerize (or simulate) and lower the remaining
/// casts.
void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizePipelineOptions &options);

/// TOSA (float or integer, with or without quant casts) → LLVM dialect for
/// the in-process JIT: functions get the C interface.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const CodegenOptions &options = {});

/// The parts of buildLowerToLLVMPipeline that the ahead-of-time path
/// (qopt/Target) shares; it bufferizes differently in between.
/// Quant casts, the kernels (unless `options.reference`) and TOSA → linalg
/// on tensors.
void buildTosaToLinalgPipeline(mlir::OpPassManager &pm,
                               const CodegenOptions &options);
/// Bufferized linalg → loops → LLVM dialect.
void buildBuffersToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers the pipelines above with the global registry.
void registerQoptPipelines();

} // namespace qopt

#endif // QOPT_PIPELINES_PIPELINES_H
