//===- ExposeActivations.cpp ---------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_EXPOSEACTIVATIONS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct ExposeActivationsPass : qopt::impl::ExposeActivationsBase<ExposeActivationsPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
