//===- FoldConstants.cpp ---------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_FOLDCONSTANTS
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct FoldConstantsPass : qopt::impl::FoldConstantsBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
