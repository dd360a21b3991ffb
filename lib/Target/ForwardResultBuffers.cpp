//===- ForwardResultBuffers.cpp - Compute results in output buffers -------===//

#include "qopt/Target/Passes.h"

#include "AliasUsers.h"

namespace qopt {
#define GEN_PASS_DEF_FORWARDRESULTBUFFERS
#include "qopt/Target/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

/// The allocation `value` is a reshape of, if only reshapes lie between.
memref::AllocOp reshapedAlloc(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto alloc = dyn_cast<memref::AllocOp>(def))
      return alloc;
    if (auto collapse = dyn_cast<memref::CollapseShapeOp>(def))
      value = collapse.getSrc();
    else if (auto expand = dyn_cast<memref::ExpandShapeOp>(def))
      value = expand.getSrc();
    else
      return {};
  }
  return {};
}

/// `out` (identity layout) seen as `type` (identity layout, as many
/// elements): collapsed to one dimension, expanded to `type`'s shape.
Value reshapeTo(OpBuilder &builder, Location loc, Value out, MemRefType type) {
  auto outType = cast<MemRefType>(out.getType());
  if (outType == type)
    return out;
  auto flat =
      MemRefType::get({type.getNumElements()}, type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  Value value = out;
  if (outType.getRank() != 1) {
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, outType.getRank()));
    value = memref::CollapseShapeOp::create(builder, loc, flat, value,
                                            ArrayRef{all});
  }
  if (type.getRank() == 1)
    return value;
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return memref::ExpandShapeOp::create(builder, loc, type.getShape(), value,
                                       ArrayRef{all});
}

/// Whether `alloc` or any memref derived from it is used after `copy` (in
/// `copy`'s block) other than by deallocation: the result is complete only
/// at the copy.
bool usedAfter(memref::AllocOp alloc, memref::CopyOp copy) {
  Block *block = copy->getBlock();
  bool used = false;
  qopt::forEachAliasUser(alloc.getResult(), [&](Operation *user) {
    Operation *top = block->findAncestorOpInBlock(*user);
    used |= user != copy && !isa<memref::DeallocOp>(user) &&
            (!top || copy->isBeforeInBlock(top));
  });
  return used;
}

struct ForwardResultBuffers
    : qopt::impl::ForwardResultBuffersBase<ForwardResultBuffers> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    SmallVector<memref::CopyOp> copies;
    for (BlockArgument arg : func.getArguments())
      if (arg.hasOneUse())
        if (auto copy = dyn_cast<memref::CopyOp>(*arg.user_begin());
            copy && copy.getTarget() == arg)
          copies.push_back(copy);

    for (memref::CopyOp copy : copies) {
      memref::AllocOp alloc = reshapedAlloc(copy.getSource());
      auto outType = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (!alloc || !outType || !outType.getLayout().isIdentity() ||
          !alloc.getType().getLayout().isIdentity() ||
          !alloc.getType().hasStaticShape() ||
          alloc.getType().getElementType() != outType.getElementType() ||
          alloc.getType().getNumElements() != outType.getNumElements() ||
          alloc.getType().getMemorySpace() != outType.getMemorySpace())
        continue;
      if (usedAfter(alloc, copy))
        continue;
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      Value out = copy.getTarget();
      copy.erase();
      OpBuilder builder(alloc);
      alloc.replaceAllUsesWith(
          reshapeTo(builder, alloc.getLoc(), out, alloc.getType()));
      alloc.erase();
    }
  }
};

} // namespace
