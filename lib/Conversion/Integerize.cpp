//===- Integerize.cpp ---------------------------------------------------------===//

#include "qopt/Conversion/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_INTEGERIZE
#include "qopt/Conversion/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct IntegerizePass : qopt::impl::IntegerizeBase<IntegerizePass> {
  using Base::Base;
  void runOnOperation() override {}
};
} // namespace
