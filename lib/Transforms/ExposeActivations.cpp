//===- ExposeActivations.cpp - Return every activation tensor -------------===//

#include "qopt/Analysis/ActivationTensors.h"
#include "qopt/Transforms/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace qopt {
#define GEN_PASS_DEF_EXPOSEACTIVATIONS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct ExposeActivationsPass
    : qopt::impl::ExposeActivationsBase<ExposeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp func = qopt::lookupEntryFunction(module, entry);
    if (!func)
      return signalPassFailure();
    // Callers would not expect the extra results.
    if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
      func.emitError() << "cannot expose the activations of '" << func.getName()
                       << "': it is called in the module";
      return signalPassFailure();
    }
    // Every activation must be visible at the one return.
    if (!func.getBody().hasOneBlock()) {
      func.emitError() << "cannot expose the activations of '" << func.getName()
                       << "': it has several blocks";
      return signalPassFailure();
    }
    SmallVector<Value> activations = qopt::getActivationTensors(func);
    for (Value v : activations) {
      if (v.getParentRegion() != &func.getBody()) {
        emitError(v.getLoc())
            << "cannot expose this activation: it is defined in a nested "
               "region";
        return signalPassFailure();
      }
    }

    unsigned numResults = func.getNumResults();
    SmallVector<unsigned> indices(activations.size(), numResults);
    if (failed(func.insertResults(indices, ValueRange(activations).getTypes(),
                                  /*resultAttrs=*/{})))
      return signalPassFailure();
    Operation *ret = func.getBody().front().getTerminator();
    ret->insertOperands(ret->getNumOperands(), activations);
  }
};
} // namespace
