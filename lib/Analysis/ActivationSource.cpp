//===- ActivationSource.cpp - Activations on sample inputs ----------------===//

#include "qopt/Analysis/ActivationSource.h"

#include "qopt/Dialect/QoptDialect.h"

using namespace mlir;

namespace qopt {

ActivationSource::~ActivationSource() = default;

llvm::Expected<std::unique_ptr<ActivationSource>>
createActivationSource(func::FuncOp func, llvm::ArrayRef<std::string> inputs,
                       unsigned numParameters, SourceValues values) {
  auto *dialect = func->getContext()->getOrLoadDialect<QoptDialect>();
  const auto *interface =
      dialect->getRegisteredInterface<ActivationSourceInterface>();
  if (!interface)
    return llvm::createStringError(
        "running the model on samples needs the JIT, which registers itself "
        "with the qopt dialect (qopt::registerAllDialects)");
  return interface->create(func, inputs, numParameters, values);
}

} // namespace qopt
