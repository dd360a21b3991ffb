//===- LowerQuant.cpp ---------------------------------------------------------===//

#include "qopt/Conversion/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_LOWERQUANT
#include "qopt/Conversion/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct LowerQuantPass : qopt::impl::LowerQuantBase<LowerQuantPass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
