//===- PlanArena.cpp - Place a function's buffers in one arena ------------===//
//
// Every memref.alloc of a function becomes a memref.view at a planned offset
// of one caller-provided byte buffer. Buffers whose live ranges do not
// intersect share bytes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/Passes.h"

#include "qopt/Dialect/QoptDialect.h"

#include "AliasUsers.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

namespace qopt {
#define GEN_PASS_DEF_PLANARENA
#include "qopt/Target/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  /// Live range in positions of the function's top-level operations.
  unsigned first, last;
  int64_t offset = 0;
};

/// The last top-level position (per `position`) at which `value`, or any
/// memref derived from it by an operation using it, is used.
static unsigned lastUse(Value value, Block &body,
                        const DenseMap<Operation *, unsigned> &position) {
  unsigned last = 0;
  qopt::forEachAliasUser(value, [&](Operation *user) {
    last = std::max(last, position.lookup(body.findAncestorOpInBlock(*user)));
  });
  return last;
}

/// Greedy by size: the largest buffers are placed first, each at the lowest
/// aligned offset not taken by an already placed buffer live at the same
/// time. Returns the arena size.
static int64_t assignOffsets(MutableArrayRef<Buffer> buffers,
                             int64_t alignment) {
  SmallVector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  // Ties in program order, for a deterministic plan.
  llvm::sort(order, [](const Buffer *a, const Buffer *b) {
    return std::make_pair(-a->bytes, a->first) <
           std::make_pair(-b->bytes, b->first);
  });
  int64_t size = 0;
  SmallVector<Buffer *> placed;
  for (Buffer *b : order) {
    SmallVector<Buffer *> conflicts;
    for (Buffer *p : placed)
      if (p->first <= b->last && b->first <= p->last)
        conflicts.push_back(p);
    llvm::sort(conflicts, [](const Buffer *x, const Buffer *y) {
      return x->offset < y->offset;
    });
    int64_t offset = 0;
    for (Buffer *c : conflicts) {
      if (offset + b->bytes <= c->offset)
        break;
      offset = std::max<int64_t>(
          offset, llvm::alignTo(c->offset + c->bytes, alignment));
    }
    b->offset = offset;
    size = std::max(size, offset + b->bytes);
    placed.push_back(b);
  }
  return size;
}

struct PlanArenaPass : qopt::impl::PlanArenaBase<PlanArenaPass> {
  using Base::Base;

  LogicalResult planFunction(func::FuncOp func) {
    Block &body = func.getBody().front();
    DenseMap<Operation *, unsigned> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;

    SmallVector<Buffer> buffers;
    WalkResult walk = func.walk([&](memref::AllocOp alloc) -> WalkResult {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !type.getLayout().isIdentity())
        return alloc.emitOpError("cannot be placed in the arena: only "
                                 "statically shaped buffers with the identity "
                                 "layout can");
      if (alloc->getBlock() != &body)
        return alloc.emitOpError("cannot be placed in the arena: it is not at "
                                 "the top level of the function");
      int64_t elementBytes = llvm::divideCeil(type.getElementTypeBitWidth(), 8);
      unsigned first = position.lookup(alloc);
      buffers.push_back(
          {alloc, type.getNumElements() * elementBytes, first,
           std::max(first, lastUse(alloc.getResult(), body, position))});
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();

    int64_t size = assignOffsets(buffers, alignment);
    MLIRContext *ctx = func.getContext();
    auto arenaType = MemRefType::get({size}, IntegerType::get(ctx, 8));
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, arenaType,
                                   qopt::getArenaArgAttrs(ctx), func.getLoc())))
      return failure();
    Value arena = func.getArgument(index);
    qopt::setArenaSize(func, size);

    for (Buffer &b : buffers) {
      OpBuilder builder(b.alloc);
      Location loc = b.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(builder, loc, b.offset);
      Value view = memref::ViewOp::create(builder, loc, b.alloc.getType(),
                                          arena, offset, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(b.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      b.alloc.replaceAllUsesWith(view);
      b.alloc.erase();
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.emitOpError("has callers: its arena cannot be planned (its "
                         "signature changes); inline it first");
        return signalPassFailure();
      }
      if (failed(planFunction(func)))
        return signalPassFailure();
    }
  }
};

} // namespace
