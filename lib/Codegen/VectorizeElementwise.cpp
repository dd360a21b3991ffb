//===- VectorizeElementwise.cpp - Vectorize elementwise linalg ops --------===//

#include "qopt/Codegen/Isa.h"
#include "qopt/Codegen/Passes.h"
#include "qopt/Codegen/VectorWidth.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
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

/// Drops unit loops and collapses every run of loops that all operands
/// index contiguously, so that few, long loops remain.
linalg::GenericOp collapseLoops(RewriterBase &rewriter, linalg::GenericOp op) {
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::DropUnitDimsResult> dropped =
      linalg::dropUnitDims(rewriter, op, linalg::ControlDropUnitDims());
  if (succeeded(dropped)) {
    rewriter.replaceOp(op, dropped->replacements);
    op = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
  }
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<ReassociationIndices> runs;
  int64_t numLoops = op.getNumLoops();
  for (int64_t first = 0; first < numLoops;) {
    int64_t last = first;
    while (last + 1 < numLoops &&
           linalg::areDimSequencesPreserved(
               maps, {llvm::to_vector(llvm::seq<int64_t>(first, last + 2))}))
      ++last;
    if (last > first)
      runs.push_back(llvm::to_vector(llvm::seq<int64_t>(first, last + 1)));
    first = last + 1;
  }
  if (runs.empty())
    return op;
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(op, runs, rewriter);
  if (failed(collapsed))
    return op;
  rewriter.replaceOp(op, collapsed->results);
  return cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
}

/// The loop that indexes the innermost (contiguous) dimension of `map`'s
/// operand, if it is a plain loop index.
std::optional<unsigned> innermostLoop(AffineMap map) {
  if (map.getNumResults() == 0)
    return std::nullopt;
  if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
    return dim.getPosition();
  return std::nullopt;
}

/// Makes innermost the loop along which the widest operand is contiguous,
/// so that the operands transposed in registers are the narrowest: a 16×16
/// tile of bytes transposes in a dozen byte permutes (vpermi2b), one of
/// 32-bit elements takes 64 shuffles at best. At a model's output (int8
/// NHWC in, f32 NCHW out) the int8 tiles are transposed and the arithmetic
/// runs along the pixels; at its input (f32 NCHW in, int8 NHWC out) the
/// int8 result is. Broadcast operands (e.g. per-channel constants) do not
/// count.
linalg::GenericOp interchangeForWidest(RewriterBase &rewriter,
                                       linalg::GenericOp op) {
  unsigned last = op.getNumLoops() - 1;
  std::optional<unsigned> best;
  unsigned bestWidth = 0;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<ShapedType>(operand.get().getType());
    AffineMap map = op.getMatchingIndexingMap(&operand);
    std::optional<unsigned> loop = innermostLoop(map);
    if (!type || !loop || !map.isPermutation() ||
        !type.getElementType().isIntOrFloat())
      continue;
    unsigned width = type.getElementTypeBitWidth();
    if (!best || width > bestWidth || (width == bestWidth && *loop == last))
      best = loop, bestWidth = width;
  }
  if (!best || *best == last)
    return op;
  SmallVector<unsigned> order;
  for (unsigned loop = 0; loop <= last; ++loop)
    if (loop != *best)
      order.push_back(loop);
  order.push_back(*best);
  FailureOr<linalg::GenericOp> interchanged =
      linalg::interchangeGenericOp(rewriter, op, order);
  return succeeded(interchanged) ? *interchanged : op;
}

/// Tile sizes: the innermost loop by up to `lanes`. When an operand is
/// transposed against the others (its contiguous dimension is another
/// loop), that loop too, so that both are read and written as whole
/// vectors and the transposition happens in registers.
SmallVector<int64_t> chooseTile(linalg::GenericOp op, int64_t lanes) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> tile(ranges.size(), 1);
  unsigned last = ranges.size() - 1;
  tile[last] = qopt::vectorWidth(ranges[last], lanes);
  std::optional<unsigned> across;
  for (AffineMap map : op.getIndexingMapsArray()) {
    std::optional<unsigned> loop = innermostLoop(map);
    if (!loop || *loop == last || !map.isProjectedPermutation())
      continue;
    if (across && *across != *loop)
      return tile; // Transposed three ways: rows of the innermost loop.
    across = loop;
  }
  if (across)
    tile[*across] = qopt::vectorWidth(ranges[*across], lanes);
  return tile;
}

void vectorizeOne(RewriterBase &rewriter, linalg::GenericOp op, int64_t lanes) {
  op = collapseLoops(rewriter, op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ranges.empty())
    return;
  op = interchangeForWidest(rewriter, op);
  ranges = op.getStaticLoopRanges();
  SmallVector<int64_t> tile = chooseTile(op, lanes);

  Operation *tiled = op;
  if (ranges != tile) {
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), tile));
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

/// An elementwise op (or a gather) on n-D vectors becomes one op per row
/// of its leading dimension: the LLVM lowering takes some of them (e.g.
/// `arith.mulsi_extended`) on 1-D vectors only. Rows are taken out with
/// `vector.extract` and put back with `vector.insert`, which fold away
/// between unrolled ops; a transposed tile stays 2-D only from its read
/// through its `vector.transpose`.
struct UnrollToRows : RewritePattern {
  UnrollToRows(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() == 0 || op->getNumRegions() != 0 ||
        (!OpTrait::hasElementwiseMappableTraits(op) &&
         !isa<vector::GatherOp>(op)))
      return failure();
    auto type = dyn_cast<VectorType>(op->getResult(0).getType());
    if (!type || type.getRank() < 2 || type.isScalable())
      return failure();
    Location loc = op->getLoc();
    SmallVector<Value> results;
    for (Value result : op->getResults())
      results.push_back(ub::PoisonOp::create(rewriter, loc, result.getType()));
    for (int64_t row = 0, rows = type.getDimSize(0); row < rows; ++row) {
      // Vector operands of the result's shape are split; the rest (a
      // gather's base and offsets) are shared.
      SmallVector<Value> operands;
      for (Value operand : op->getOperands()) {
        auto operandType = dyn_cast<VectorType>(operand.getType());
        operands.push_back(
            operandType && operandType.getShape() == type.getShape()
                ? vector::ExtractOp::create(rewriter, loc, operand, row)
                      .getResult()
                : operand);
      }
      SmallVector<Type> rowTypes;
      for (Value result : op->getResults()) {
        auto resultType = cast<VectorType>(result.getType());
        rowTypes.push_back(VectorType::get(resultType.getShape().drop_front(),
                                           resultType.getElementType()));
      }
      Operation *rowOp = rewriter.create(loc, op->getName().getIdentifier(),
                                         operands, rowTypes, op->getAttrs());
      for (auto [acc, value] : llvm::zip(results, rowOp->getResults()))
        acc = vector::InsertOp::create(rewriter, loc, value, acc, row);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// A 256-entry table of bytes indexed by `x + 128` for bytes `x` (how
/// `tosa.table` on int8 lowers): looked up in registers. The index byte is
/// `x ^ 0x80`. With `vpermi2b` (AVX-512 VBMI) the table sits in four zmm:
/// one `vpermi2b` looks up entries 0–127 and one 128–255 (each by the
/// index's low 7 bits), the index's top bit selects; vectors up to 64
/// bytes are padded to 64. With `tbl` (AArch64) it sits in sixteen q
/// registers: `tbl` over entries 0–63, then `tbx` over 64–127, 128–191 and
/// 192–255 with the index minus 64, 128, 192 (out-of-range indices keep
/// the previous result), 16 bytes at a time.
struct ByteTableLookup : OpRewritePattern<vector::GatherOp> {
  ByteTableLookup(MLIRContext *ctx, qopt::TableIsa isa)
      : OpRewritePattern(ctx, /*benefit=*/2), isa(isa) {}

  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    DenseIntElementsAttr table;
    VectorType type = op.getVectorType();
    Type i8 = rewriter.getI8Type();
    if (type.getRank() != 1 || type.getElementType() != i8 ||
        !matchPattern(op.getBase(), m_Constant(&table)) ||
        table.getNumElements() != 256 || !matchPattern(op.getMask(), m_One()))
      return failure();
    FailureOr<NarrowIndices> narrow = matchNarrowIndices(op.getIndices());
    if (failed(narrow) || narrow->offset != 128 ||
        getElementTypeOrSelf(narrow->x.getType()) != i8)
      return failure();
    int64_t n = type.getDimSize(0);
    if ((isa == qopt::TableIsa::Vpermi2b && n > 64) ||
        (isa == qopt::TableIsa::Tbl && n % 16 != 0))
      return failure();

    Location loc = op.getLoc();
    auto bytes = [&](int64_t count, auto values) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(VectorType::get({count}, i8),
                                 ArrayRef<int8_t>(values)));
    };
    auto splat = [&](VectorType vt, int64_t v) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc,
          SplatElementsAttr::get(vt, rewriter.getIntegerAttr(i8, v)));
    };
    SmallVector<int8_t> entries;
    for (const APInt &v : table.getValues<APInt>())
      entries.push_back(v.getSExtValue());
    auto slice = [&](int64_t first, int64_t count) {
      return bytes(count, ArrayRef(entries).slice(first, count));
    };
    auto call = [&](StringRef name, Type result, ValueRange args) -> Value {
      return LLVM::CallIntrinsicOp::create(rewriter, loc, result,
                                           rewriter.getStringAttr(name), args)
          .getResult(0);
    };
    Value index =
        arith::XOrIOp::create(rewriter, loc, narrow->x, splat(type, 0x80));

    Value result;
    if (isa == qopt::TableIsa::Vpermi2b) {
      auto zmm = VectorType::get({64}, i8);
      SmallVector<int64_t> widen(64), narrowMask(n);
      for (int64_t i = 0; i < 64; ++i)
        widen[i] = i % n;
      std::iota(narrowMask.begin(), narrowMask.end(), 0);
      Value wide = n == 64 ? index
                           : vector::ShuffleOp::create(rewriter, loc, index,
                                                       index, widen)
                                 .getResult();
      const char *name = "llvm.x86.avx512.vpermi2var.qi.512";
      Value low = call(name, zmm, {slice(0, 64), wide, slice(64, 64)});
      Value high = call(name, zmm, {slice(128, 64), wide, slice(192, 64)});
      Value upper = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, wide, splat(zmm, 0));
      result = arith::SelectOp::create(rewriter, loc, upper, high, low);
      if (n != 64)
        result = vector::ShuffleOp::create(rewriter, loc, result, result,
                                           narrowMask);
    } else {
      auto q = VectorType::get({16}, i8);
      SmallVector<Value> quarters;
      for (int64_t i = 0; i < 16; ++i)
        quarters.push_back(slice(16 * i, 16));
      result = ub::PoisonOp::create(rewriter, loc, type);
      for (int64_t first = 0; first < n; first += 16) {
        Value part = vector::ExtractStridedSliceOp::create(rewriter, loc, index,
                                                           first, 16, 1);
        Value r;
        for (int64_t block = 0; block < 4; ++block) {
          ArrayRef<Value> regs = ArrayRef(quarters).slice(4 * block, 4);
          Value idx = block == 0 ? part
                                 : arith::SubIOp::create(rewriter, loc, part,
                                                         splat(q, 64 * block))
                                       .getResult();
          r = block == 0 ? call("llvm.aarch64.neon.tbl4.v16i8", q,
                                {regs[0], regs[1], regs[2], regs[3], idx})
                         : call("llvm.aarch64.neon.tbx4.v16i8", q,
                                {r, regs[0], regs[1], regs[2], regs[3], idx});
        }
        result = vector::InsertStridedSliceOp::create(rewriter, loc, r, result,
                                                      first, 1);
      }
    }
    rewriter.replaceOp(op, result);
    return success();
  }

  qopt::TableIsa isa;
};

/// Whether `op` looks bytes up in a constant 256-entry table (it then
/// runs 64 bytes at a time when the lookup is in registers).
bool isByteTableOp(linalg::GenericOp op) {
  bool found = false;
  op.getBody()->walk([&](tensor::ExtractOp extract) {
    auto type = extract.getTensor().getType();
    found |= type.getNumElements() == 256 &&
             type.getElementType().isInteger(8) &&
             matchPattern(extract.getTensor(), m_Constant());
  });
  return found;
}

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
    std::optional<qopt::TableIsa> tableIsa =
        tables == "host" ? std::optional(qopt::hostTableIsa())
                         : qopt::parseTableIsa(tables);
    if (!tableIsa) {
      getOperation().emitError("qopt-vectorize-elementwise: unknown tables '")
          << tables << "' (expected host, gather, vpermi2b or tbl)";
      return signalPassFailure();
    }
    bool inRegisters = *tableIsa != qopt::TableIsa::Gather;
    // Transposes become generics and fuse with their elementwise producers
    // and consumers (a layout change beside a quantize or a dequantize is
    // one pass over the data), as `linalg-fuse-elementwise-ops` fused the
    // rest.
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](linalg::TransposeOp op) {
      rewriter.setInsertionPoint(op);
      (void)linalg::generalizeNamedOp(rewriter, op);
    });
    RewritePatternSet fusion(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        fusion, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return producer && producer->hasOneUse();
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(fusion))))
      return signalPassFailure();

    SmallVector<linalg::GenericOp> ops;
    getOperation().walk([&](linalg::GenericOp op) {
      if (isCandidate(op))
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      vectorizeOne(rewriter, op,
                   inRegisters && isByteTableOp(op)
                       ? std::max<int64_t>(lanes, 64)
                       : lanes);

    // Reads and writes of tile slices become 1-D transfers of the whole
    // tensors, which bufferize in place and lower to plain vector loads.
    RewritePatternSet transfers(&getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(transfers);
    // Transposed reads and writes: plain transfers and a vector.transpose.
    vector::populateVectorTransferPermutationMapLoweringPatterns(transfers);
    vector::TransferReadOp::getCanonicalizationPatterns(transfers,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(transfers,
                                                         &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(transfers))))
      return signalPassFailure();
    // Transposes of narrow elements become one shuffle of the whole tile,
    // which LLVM lowers to a few permutes of whole registers (vpermi2b);
    // 32-bit ones are left to convert-vector-to-llvm's 16×16 unpacks.
    SmallVector<Operation *> narrow;
    getOperation().walk([&](vector::TransposeOp op) {
      if (op.getSourceVectorType().getElementTypeBitWidth() < 32)
        narrow.push_back(op);
    });
    RewritePatternSet shuffles(&getContext());
    vector::populateVectorTransposeLoweringPatterns(
        shuffles, vector::VectorTransposeLowering::Shuffle1D);
    if (failed(applyOpPatternsGreedily(narrow, std::move(shuffles))))
      return signalPassFailure();
    // Then the n-D arithmetic as rows, and table lookups.
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenTableGather, UnrollToRows>(&getContext());
    if (inRegisters)
      patterns.add<ByteTableLookup>(&getContext(), *tableIsa);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
