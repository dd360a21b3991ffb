//===- Quantize.cpp ---------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_QUANTIZE
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct QuantizePass : qopt::impl::QuantizeBase<QuantizePass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
