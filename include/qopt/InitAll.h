//===- InitAll.h - Register everything qopt provides -----------*- C++ -*-===//

#ifndef QOPT_INITALL_H
#define QOPT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace qopt {

/// Upstream dialects and extensions qopt tools load, plus qopt's own.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Every upstream pass, every qopt pass and the qopt pipelines.
void registerAllPasses();

} // namespace qopt

#endif // QOPT_INITALL_H
