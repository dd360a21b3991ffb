//===- FoldBatchNorm.cpp ---------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct FoldBatchNormPass : qopt::impl::FoldBatchNormBase<FoldBatchNormPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
