//===- CheckFinite.cpp - Refuse NaN and infinite float constants ----------===//
//
// One walk over the constants of a function; the first non-finite element
// of a float constant is an error naming it and its user.
//
//===----------------------------------------------------------------------===//

#include "qopt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"

namespace qopt {
#define GEN_PASS_DEF_CHECKFINITE
#include "qopt/Transforms/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {
struct CheckFinite : qopt::impl::CheckFiniteBase<CheckFinite> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([](Operation *op) {
      DenseFPElementsAttr values;
      if (op->getNumResults() != 1 || !matchPattern(op, m_Constant(&values)))
        return WalkResult::advance();
      int64_t index = 0;
      for (const APFloat &v : values.getValues<APFloat>()) {
        if (v.isFinite()) {
          ++index;
          continue;
        }
        // A splat reads as element 0.
        SmallVector<int64_t> shape(values.getType().getShape());
        SmallVector<int64_t> position =
            shape.empty() ? SmallVector<int64_t>()
                          : delinearize(index, computeStrides(shape));
        InFlightDiagnostic diag =
            op->emitError()
            << "constant holds "
            << (v.isNaN()        ? "a NaN"
                : v.isNegative() ? "-inf"
                                 : "+inf")
            << " at ["
            << llvm::join(
                   llvm::map_range(position,
                                   [](int64_t i) { return std::to_string(i); }),
                   ", ")
            << "] of its " << values.getType();
        if (!op->use_empty())
          diag << ", used by '" << (*op->user_begin())->getName() << "'";
        diag << ": weights, biases and batch-norm parameters must be finite";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
