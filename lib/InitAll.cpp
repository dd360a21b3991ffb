//===- InitAll.cpp - Register everything qopt provides --------------------===//

#include "qopt/InitAll.h"

#include "qopt/Codegen/KernelUtils.h"
#include "qopt/Codegen/Passes.h"
#include "qopt/Conversion/Passes.h"
#include "qopt/Dialect/QoptDialect.h"
#include "qopt/Pipelines/Pipelines.h"
#include "qopt/Pipelines/QuantizePipelines.h"
#include "qopt/Runtime/Calibrate.h"
#include "qopt/Target/Passes.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

namespace qopt {

void registerAllDialects(mlir::DialectRegistry &registry) {
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<QoptDialect>();
  registerKernelInterfaces(registry);
  registerJitActivationSource(registry);
}

void registerAllPasses() {
  mlir::registerAllPasses();
  registerQoptTransformsPasses();
  registerQoptConversionPasses();
  registerQoptCodegenPasses();
  registerQoptTargetPasses();
  registerQoptPipelines();
  registerQuantizePipelines();
}

} // namespace qopt
