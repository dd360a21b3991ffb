//===- Pipelines.cpp - qopt named pass pipelines --------------------------===//

#include "qopt/Pipelines/Pipelines.h"

#include "qopt/Codegen/Passes.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace qopt {

std::string PrepareConfig::str() const {
  std::string text = "equalize=" + std::string(equalize ? "true" : "false");
  if (equalize)
    text += " relu6=" + relu6;
  return text + " absorb-high-bias=" + (absorbHighBias ? "true" : "false");
}

void buildPreparePipeline(OpPassManager &pm, const PrepareConfig &config,
                          StringRef statsFile) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createFoldConstants());
  fpm.addPass(createFoldBatchNorm());
  fpm.addPass(createCheckFinite());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
  if (config.equalize)
    fpm.addPass(createEqualizeCrossLayer({/*maxIterations=*/100,
                                          /*tolerance=*/1e-6, config.relu6}));
  if (config.absorbHighBias)
    fpm.addPass(createAbsorbHighBias({statsFile.str()}));
}

static void addPipeline(OpPassManager &pm, StringRef pipeline) {
  if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
    llvm::report_fatal_error("qopt: invalid built-in lowering pipeline");
}

void buildTosaToLinalgPipeline(OpPassManager &pm,
                               const CodegenOptions &options) {
  // Quant casts first (a no-op on graphs without them), the kernels, then
  // upstream TOSA → linalg on tensors for everything else.
  pm.addNestedPass<func::FuncOp>(createLowerQuant());
  if (!options.reference) {
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    // Constant weights the kernels pack must be constants by then.
    fpm.addPass(createCanonicalizerPass());
    fpm.addPass(createLowerToKernels(LowerToKernelsOptions{options.isa}));
    LowerDepthwiseOptions depthwise;
    depthwise.isa = options.isa;
    fpm.addPass(createLowerDepthwise(depthwise));
  }
  addPipeline(pm, "func.func(tosa-to-linalg-named, tosa-to-linalg, "
                  "tosa-to-arith{use-32-bit include-apply-rescale=true}, "
                  "tosa-to-tensor, canonicalize, linalg-fuse-elementwise-ops)");
  if (options.reference)
    return;
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  VectorizeElementwiseOptions vectorize;
  vectorize.tables = options.tables;
  fpm.addPass(createVectorizeElementwise(vectorize));
  fpm.addPass(createCanonicalizerPass());
}

void buildBuffersToLLVMPipeline(OpPassManager &pm) {
  // The 16×16 tiles of 32-bit elements qopt-vectorize-elementwise transposes
  // become unpacks and lane shuffles, not one insert per element.
  addPipeline(pm, "func.func(convert-linalg-to-loops),"
                  "convert-vector-to-scf,"
                  "convert-vector-to-llvm{vector-transpose-lowering="
                  "shuffle16x16},"
                  "expand-strided-metadata, lower-affine, convert-scf-to-cf,"
                  "convert-math-to-llvm, convert-math-to-libm,"
                  "convert-to-llvm, reconcile-unrealized-casts");
}

void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const CodegenOptions &options) {
  // Every function gets the C interface so that the runtime can call it with
  // memref descriptors; results come back as returned descriptors that the
  // runtime copies out and frees.
  buildTosaToLinalgPipeline(pm, options);
  addPipeline(pm,
              "one-shot-bufferize{bufferize-function-boundaries "
              "function-boundary-type-conversion=identity-layout-map},"
              "func.func(buffer-hoisting, promote-buffers-to-stack{"
              "max-alloc-size-in-bytes=4096}),"
              "buffer-deallocation-pipeline, convert-bufferization-to-memref,"
              "func.func(llvm-request-c-wrappers)");
  buildBuffersToLLVMPipeline(pm);
}

void registerQoptPipelines() {
  PassPipelineRegistration<PreparePipelineOptions>(
      "qopt-prepare-pipeline",
      "Float TOSA clean-up before calibration and quantization, with "
      "equalize and absorb-high-bias optional",
      [](OpPassManager &pm, const PreparePipelineOptions &options) {
        buildPreparePipeline(pm, options.prepareConfig());
      });
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qopt-lower-to-llvm-pipeline",
      "TOSA (float, QDQ or integer) → LLVM dialect for the JIT",
      [](OpPassManager &pm, const LowerToLLVMPipelineOptions &options) {
        buildLowerToLLVMPipeline(
            pm, {options.isa, options.reference, options.tables});
      });
}

} // namespace qopt
