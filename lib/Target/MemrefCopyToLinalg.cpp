//===- MemrefCopyToLinalg.cpp - memref.copy → linalg.copy -----------------===//

#include "qopt/Target/Passes.h"

namespace qopt {
#define GEN_PASS_DEF_MEMREFCOPYTOLINALG
#include "qopt/Target/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

struct MemrefCopyToLinalgPass
    : qopt::impl::MemrefCopyToLinalgBase<MemrefCopyToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([](memref::CopyOp copy) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};

} // namespace
