//===- Pipelines.h - qopt named pass pipelines ------------------*- C++ -*-===//

#ifndef QOPT_PIPELINES_PIPELINES_H
#define QOPT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qopt {

/// The prepare steps that change weights. Statistics gathered on a graph
/// prepared one way do not describe a graph prepared another way, so
/// qopt-calibrate records them and the quantize pipelines check them.
struct PrepareConfig {
  bool equalize = false;
  std::string relu6 = "skip";
  bool absorbHighBias = false;

  /// Canonical text, recorded in statistics files: `relu6` only matters
  /// with `equalize`.
  std::string str() const;
};

/// Options of the prepare steps, shared by every pipeline that prepares.
template <typename Derived>
struct PrepareOptions : public mlir::PassPipelineOptions<Derived> {
  template <typename T> using Option = mlir::detail::PassOptions::Option<T>;

#define QOPT_PREPARE_OPTION(TYPE, NAME, FLAG, DEFAULT, VALUES, DESCRIPTION)    \
  Option<TYPE> NAME{*this, FLAG, llvm::cl::desc(DESCRIPTION),                  \
                    llvm::cl::value_desc(VALUES), llvm::cl::init(DEFAULT)};
#include "qopt/Pipelines/QuantizeOptions.def"

  PrepareConfig prepareConfig() const {
    return {equalize, relu6, absorbHighBias};
  }
};

/// Options of `--qopt-prepare-pipeline`.
struct PreparePipelineOptions : PrepareOptions<PreparePipelineOptions> {};

/// How conv2d and matmul are compiled: by the generated kernels of
/// qopt-lower-to-kernels for `isa` ("host": this machine's), or, with
/// `reference`, by the plain upstream lowering that serves as the bit-exact
/// integer reference of the kernels (`reference` also turns off the
/// depthwise kernels and the elementwise vectorization). 8-bit table
/// lookups use `tables` (see qopt-vectorize-elementwise).
struct CodegenOptions {
  std::string isa = "host";
  bool reference = false;
  std::string tables = "host";
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
  Option<std::string> tables{
      *this, "tables",
      llvm::cl::desc("How 8-bit table lookups are vectorized (see "
                     "qopt-vectorize-elementwise)"),
      llvm::cl::init("host")};
};

/// Float TOSA clean-up that the calibrator and the quantizer both run first:
/// canonicalize, fold constants, fold batch norm, CSE; then the steps of
/// `config` that change weights, high-bias absorption with the
/// pre-activation statistics of `statsFile` (see qopt-absorb-high-bias).
void buildPreparePipeline(mlir::OpPassManager &pm,
                          const PrepareConfig &config = {},
                          llvm::StringRef statsFile = {});

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

/// Registers the prepare and lower-to-LLVM pipelines with the global
/// registry.
void registerQoptPipelines();

} // namespace qopt

#endif // QOPT_PIPELINES_PIPELINES_H
