//===- VectorizeElementwise.cpp - Vectorize elementwise linalg ops --------===//

#include "qopt/Codegen/Passes.h"
#include "qopt/Codegen/VectorWidth.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qopt {
#define GEN_PASS_DEF_VECTORIZEELEMENTWISE
#include "qopt/Codegen/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

bool isCandidate(linalg::GenericOp op) {
  return op.hasPureTensorSemantics() && op.getNumLoops() > 0 &&
         op.getNumParallelLoops() == op.getNumLoops() &&
         llvm::all_of(op->getOperandTypes(), [](Type type) {
           auto shaped = dyn_cast<ShapedType>(type);
           return !shaped || shaped.hasStaticShape();
         });
}

/// Drops unit loops and collapses the longest innermost run of loops that
/// every operand indexes contiguously, so that one loop carries the vector.
linalg::GenericOp lengthenInnermostLoop(RewriterBase &rewriter,
                                        linalg::GenericOp op) {
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, op, linalg::ControlDropUnitDims());
  if (succeeded(dropped)) {
    rewriter.replaceOp(op, dropped->replacements);
    op = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
  }
  int64_t numLoops = op.getNumLoops();
  for (int64_t first = 0; first + 1 < numLoops; ++first) {
    ReassociationIndices run =
        llvm::to_vector(llvm::seq<int64_t>(first, numLoops));
    if (!linalg::areDimSequencesPreserved(op.getIndexingMapsArray(), {run}))
      continue;
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(op, {run}, rewriter);
    if (failed(collapsed))
      break;
    rewriter.replaceOp(op, collapsed->results);
    return cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
  }
  return op;
}

void vectorizeOne(RewriterBase &rewriter, linalg::GenericOp op, int64_t lanes) {
  op = lengthenInnermostLoop(rewriter, op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty())
    return;
  SmallVector<OpFoldResult> tileSizes(ranges.size(), rewriter.getIndexAttr(1));
  int64_t width = qopt::vectorWidth(ranges.back(), lanes);
  tileSizes.back() = rewriter.getIndexAttr(width);

  Operation *tiled = op;
  if (llvm::any_of(ranges, [](int64_t r) { return r != 1; }) &&
      ranges != ArrayRef<int64_t>(width)) {
    scf::SCFTilingOptions options;
    options.setTileSizes(tileSizes);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(result))
      return;
    rewriter.replaceOp(op, result->replacements);
    tiled = result->tiledOps.back();
  }
  // The tile's unit loops go too (rank-reducing slices): 1-D vectors lower
  // directly, n-D ones only op by op.
  linalg::ControlDropUnitDims control;
  control.rankReductionStrategy =
      linalg::ControlDropUnitDims::RankReductionStrategy::ExtractInsertSlice;
  rewriter.setInsertionPoint(tiled);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, cast<linalg::GenericOp>(tiled), control);
  if (succeeded(dropped)) {
    rewriter.replaceOp(tiled, dropped->replacements);
    tiled = dropped->resultOp;
  }
  if (failed(linalg::vectorizeOpPrecondition(tiled, {}, {},
                                             /*vectorizeNDExtract=*/true)))
    return;
  rewriter.setInsertionPoint(tiled);
  FailureOr<linalg::VectorizationResult> vectorized =
      linalg::vectorize(rewriter, tiled, {}, {}, /*vectorizeNDExtract=*/true);
  if (succeeded(vectorized))
    rewriter.replaceOp(tiled, vectorized->replacements);
}

/// Index vector `index_cast(x) [+ splat offset]` (how `tosa.table` indexes:
/// `x + 128`), whose values are those of `x + offset` in i32.
struct NarrowIndices {
  Value x;
  int64_t offset = 0;
};

FailureOr<NarrowIndices> matchNarrowIndices(Value indices) {
  NarrowIndices result;
  SplatElementsAttr offset;
  if (auto add = indices.getDefiningOp<arith::AddIOp>();
      add && matchPattern(add.getRhs(), m_Constant(&offset))) {
    result.offset = offset.getSplatValue<APInt>().getSExtValue();
    indices = add.getLhs();
  }
  auto cast = indices.getDefiningOp<arith::IndexCastOp>();
  if (!cast)
    return failure();
  result.x = cast.getIn();
  // x + offset must not overflow i32.
  Type type = getElementTypeOrSelf(result.x.getType());
  unsigned maxWidth = result.offset == 0 ? 32 : 16;
  if (!type.isSignlessInteger() || type.getIntOrFloatBitWidth() > maxWidth ||
      std::abs(result.offset) > (int64_t(1) << 16))
    return failure();
  return result;
}

/// A lookup in a constant table of narrow integers with indices computed
/// from narrow integers becomes a lookup in the table widened to i32 with
/// i32 indices, truncated back: x86 gathers only 32- and 64-bit elements
/// (narrower ones are scalarized) and 32-bit indices halve the index
/// vectors.
struct WidenTableGather : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    DenseIntElementsAttr table;
    auto type = dyn_cast<IntegerType>(op.getVectorType().getElementType());
    if (!type || type.getWidth() >= 32 ||
        !getElementTypeOrSelf(op.getIndices().getType()).isIndex() ||
        !matchPattern(op.getBase(), m_Constant(&table)) ||
        !isa<RankedTensorType>(op.getBase().getType()))
      return failure();
    FailureOr<NarrowIndices> narrow = matchNarrowIndices(op.getIndices());
    if (failed(narrow))
      return failure();
    Type i32 = rewriter.getI32Type();
    Location loc = op.getLoc();
    auto indexType = VectorType::get(op.getVectorType().getShape(), i32);
    Value indices = narrow->x;
    if (indices.getType() != indexType)
      indices = arith::ExtSIOp::create(rewriter, loc, indexType, indices);
    if (narrow->offset != 0)
      indices = arith::AddIOp::create(
          rewriter, loc, indices,
          arith::ConstantOp::create(
              rewriter, loc,
              SplatElementsAttr::get(
                  indexType, rewriter.getI32IntegerAttr(narrow->offset))));
    Value wideTable = arith::ConstantOp::create(
        rewriter, loc,
        table.mapValues(i32, [](const APInt &v) { return v.sext(32); }));
    auto wideType = VectorType::get(op.getVectorType().getShape(), i32);
    Value passThru =
        arith::ExtSIOp::create(rewriter, loc, wideType, op.getPassThru());
    Value gather = vector::GatherOp::create(rewriter, loc, wideType, wideTable,
                                            op.getOffsets(), indices,
                                            op.getMask(), passThru);
    rewriter.replaceOpWithNewOp<arith::TruncIOp>(op, op.getVectorType(),
                                                 gather);
    return success();
  }
};

struct VectorizeElementwise
    : qopt::impl::VectorizeElementwiseBase<VectorizeElementwise> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1) {
      getOperation().emitError("qopt-vectorize-elementwise: lanes must be "
                               "positive, got ")
          << lanes.getValue();
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (isCandidate(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : ops)
      vectorizeOne(rewriter, op, lanes);

    // Reads and writes of tile slices become 1-D transfers of the whole
    // tensors, which bufferize in place and lower to plain vector loads.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    patterns.add<WidenTableGather>(&getContext());
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
