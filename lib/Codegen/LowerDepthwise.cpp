//===- LowerDepthwise.cpp - Vectorized depthwise convolution --------------===//

#include "qopt/Codegen/Isa.h"
#include "qopt/Codegen/KernelUtils.h"
#include "qopt/Codegen/Passes.h"
#include "qopt/Codegen/VectorWidth.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qopt {
#define GEN_PASS_DEF_LOWERDEPTHWISE
#include "qopt/Codegen/Passes.h.inc"
} // namespace qopt

using namespace mlir;

namespace {

/// The kernel's constant operands: the weights as [KH, KW, C] in their own
/// type, the weight zero point, and the bias [C] in the accumulator type
/// with the input zero point's contribution folded in. Padding holds the
/// input zero point, so Σ x·(w − z_w) − z_x·Σ (w − z_w) = Σ (x − z_x)·(w −
/// z_w) over every window and the inner loop multiplies raw inputs.
struct Constants {
  DenseElementsAttr weights, bias;
  int64_t weightZp = 0;
};

FailureOr<Constants> foldConstants(tosa::DepthwiseConv2DOp op,
                                   RankedTensorType weightType, Type accType) {
  DenseElementsAttr weights, bias;
  if (!matchPattern(op.getWeight(), m_Constant(&weights)) ||
      !matchPattern(op.getBias(), m_Constant(&bias)))
    return failure();
  int64_t kh = weightType.getDimSize(0), kw = weightType.getDimSize(1),
          channels = weightType.getDimSize(2);
  weights = weights.reshape(
      RankedTensorType::get({kh, kw, channels}, weightType.getElementType()));
  auto biasType = RankedTensorType::get({channels}, accType);
  auto biasAt = [&](int64_t c) {
    return bias.getNumElements() == 1 ? int64_t(0) : c;
  };
  if (isa<FloatType>(accType)) {
    auto b = llvm::to_vector(bias.getValues<APFloat>());
    SmallVector<APFloat> biasValues;
    for (int64_t c = 0; c < channels; ++c)
      biasValues.push_back(b[biasAt(c)]);
    return Constants{weights, DenseElementsAttr::get(biasType, biasValues)};
  }
  FailureOr<int64_t> inputZp = op.getInputZeroPoint();
  FailureOr<int64_t> weightZp = op.getWeightZeroPoint();
  if (failed(inputZp) || failed(weightZp))
    return failure();
  // i32 arithmetic wraps like the accumulator of the reference lowering.
  auto w = llvm::to_vector(weights.getValues<APInt>());
  auto b = llvm::to_vector(bias.getValues<APInt>());
  SmallVector<APInt> biasValues;
  for (int64_t c = 0; c < channels; ++c)
    biasValues.push_back(b[biasAt(c)].sextOrTrunc(32));
  for (int64_t i = 0, e = w.size(); i < e; ++i) {
    APInt value = w[i].sextOrTrunc(32) - APInt(32, *weightZp, true);
    biasValues[i % channels] -= value * APInt(32, *inputZp, true);
  }
  return Constants{weights, DenseElementsAttr::get(biasType, biasValues),
                   *weightZp};
}

/// Whether a depthwise kernel stores `book`'s codes in the contiguous field
/// layout (packFieldTile, decoded by decodeFieldWeights16) rather than
/// packTile's: 3-bit codes, whose two planes would take two shifts (of
/// 16-bit or byte elements, which AVX2 emulates), a compare and a select.
static bool fieldLayout(const qopt::Codebook &book) { return book.bits == 3; }

static int64_t tileBytes(const qopt::Codebook &book, int64_t width) {
  return fieldLayout(book) ? qopt::packedFieldBytes(width, book.bits)
                           : qopt::packedTileBytes(width, book.bits);
}

/// Integer weights [KH, KW, C] as packed codes: for the channels
/// [begin, end) in blocks of `width`, [KH][KW][blocks][bytes] (packTile or
/// packFieldTile of each block's codes at each tap).
static DenseElementsAttr packWeights(DenseElementsAttr weights,
                                     const qopt::Codebook &book, int64_t begin,
                                     int64_t end, int64_t width) {
  auto shape = cast<ShapedType>(weights.getType()).getShape();
  int64_t kh = shape[0], kw = shape[1], channels = shape[2];
  auto w = llvm::to_vector(weights.getValues<APInt>());
  SmallVector<uint8_t> bytes;
  for (int64_t tap = 0; tap < kh * kw; ++tap)
    for (int64_t c0 = begin; c0 < end; c0 += width) {
      SmallVector<uint8_t> codes;
      for (int64_t c = c0; c < c0 + width; ++c)
        codes.push_back(book.code(w[tap * channels + c].getSExtValue()));
      if (fieldLayout(book))
        qopt::packFieldTile(codes, book.bits, bytes);
      else
        qopt::packTile(codes, book.bits, bytes);
    }
  SmallVector<int8_t> packed(bytes.begin(), bytes.end());
  Type i8 = IntegerType::get(weights.getContext(), 8);
  return DenseElementsAttr::get(
      RankedTensorType::get(
          {kh, kw, (end - begin) / width, tileBytes(book, width)}, i8),
      ArrayRef(packed));
}

/// The rescale to int8 (and clamp) reading an integer depthwise result
/// only: the kernel then requantizes in registers and writes int8.
struct Epilogue {
  qopt::Requant requant;
  tosa::RescaleOp rescale;
  tosa::ClampOp clamp;
};

static std::optional<Epilogue> matchEpilogue(tosa::DepthwiseConv2DOp op) {
  Value acc = op.getResult();
  if (!acc.hasOneUse())
    return std::nullopt;
  auto rescale = dyn_cast<tosa::RescaleOp>(*acc.getUsers().begin());
  if (!rescale)
    return std::nullopt;
  tosa::ClampOp clamp;
  if (rescale.getOutput().hasOneUse())
    clamp = dyn_cast<tosa::ClampOp>(*rescale.getOutput().getUsers().begin());
  std::optional<qopt::Requant> requant = qopt::Requant::match(rescale, clamp);
  if (!requant)
    return std::nullopt;
  return Epilogue{*requant, rescale, clamp};
}

/// tosa.depthwise_conv2d (channel multiplier 1, no dilation, static shapes,
/// constant weights and bias, int8 → i32 or f32) as a loop nest over output
/// rows, blocks of output pixels and blocks of channels: per block, one
/// vector accumulator per pixel initialised with the bias and updated with
/// every tap, the taps unrolled; with a following rescale to int8, that
/// requantization in registers.
struct DepthwiseToVectors : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  DepthwiseToVectors(MLIRContext *ctx, int64_t lanes, int64_t pixels,
                     qopt::KernelIsa isa)
      : OpRewritePattern(ctx), lanes(lanes), pixels(pixels), isa(isa) {}

  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp op,
                                PatternRewriter &rewriter) const override {
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto weightType = dyn_cast<RankedTensorType>(op.getWeight().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !weightType || !resultType ||
        !inputType.hasStaticShape() || !weightType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    if (weightType.getDimSize(3) != 1)
      return rewriter.notifyMatchFailure(op, "channel multiplier > 1");
    if (llvm::any_of(op.getDilation(), [](int64_t d) { return d != 1; }))
      return rewriter.notifyMatchFailure(op, "dilation");
    Type inType = inputType.getElementType();
    Type accType = resultType.getElementType();
    bool isFloat = inType.isF32() && accType.isF32();
    if (!isFloat && !(inType.isInteger(8) && accType.isInteger(32)))
      return rewriter.notifyMatchFailure(op, "not int8 → i32 or f32");
    FailureOr<Constants> constants = foldConstants(op, weightType, accType);
    if (failed(constants))
      return rewriter.notifyMatchFailure(op, "non-constant operands");
    std::optional<Epilogue> epilogue;
    if (!isFloat)
      epilogue = matchEpilogue(op);
    if (epilogue && epilogue->requant.inputZp != 0)
      constants->bias = constants->bias.mapValues(accType, [&](const APInt &b) {
        return b - APInt(32, epilogue->requant.inputZp, true);
      });

    Location loc = op.getLoc();
    ArrayRef<int64_t> pad = op.getPad(), stride = op.getStride();
    int64_t kh = weightType.getDimSize(0), kw = weightType.getDimSize(1);
    ArrayRef<int64_t> outShape = resultType.getShape();
    int64_t channels = outShape[3];
    // Blocks of `lanes` channels and, for the rest, of the largest divisor
    // of it up to `lanes` (fewer channels than `lanes`: that divisor of
    // them).
    int64_t lanesC =
        channels >= lanes ? lanes : qopt::vectorWidth(channels, lanes);
    int64_t fullC = channels / lanesC * lanesC;
    int64_t restC = qopt::vectorWidth(channels - fullC, lanesC);
    // Products and their sums over the window fit i16 when KH·KW·128·
    // max|w − z_w| ≤ 32767 (weights of a few bits): the taps then multiply
    // and add twice the lanes per instruction, widened to i32 once.
    Type mulType = accType;
    if (!isFloat) {
      int64_t largest = 0;
      for (const APInt &w : constants->weights.getValues<APInt>())
        largest = std::max<int64_t>(
            largest, std::abs(w.getSExtValue() - constants->weightZp));
      if (kh * kw * 128 * largest <= 32767)
        mulType = rewriter.getI16Type();
    }
    // i16 accumulators take half the registers of i32 ones: blocks of up to
    // 1.5 × `pixels` (the largest divisor of the width) share each tap's
    // weights, and their decode, among more pixels.
    int64_t pixelsW = qopt::vectorWidth(outShape[2], pixels);
    if (mulType != accType)
      for (int64_t d = pixels * 3 / 2; d > pixelsW; --d)
        if (outShape[2] % d == 0) {
          pixelsW = d;
          break;
        }

    // Padding takes the input zero point, which the folded bias cancels.
    Value input = op.getInput();
    TypedAttr padValue = isFloat ? TypedAttr(rewriter.getF32FloatAttr(0))
                                 : TypedAttr(rewriter.getIntegerAttr(
                                       inType, *op.getInputZeroPoint()));
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> padded(inputType.getShape());
      padded[1] += pad[0] + pad[1];
      padded[2] += pad[2] + pad[3];
      SmallVector<OpFoldResult> low = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(pad[0]),
          rewriter.getIndexAttr(pad[2]), rewriter.getIndexAttr(0)};
      SmallVector<OpFoldResult> high = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(pad[1]),
          rewriter.getIndexAttr(pad[3]), rewriter.getIndexAttr(0)};
      input = tensor::PadOp::create(
          rewriter, loc, RankedTensorType::get(padded, inType), input, low,
          high, arith::ConstantOp::create(rewriter, loc, padValue).getResult());
    }
    // Weights taking at most 16 values are packed per block of channels
    // (the whole blocks and the rest in one constant each).
    std::optional<qopt::Codebook> codes;
    if (!isFloat) {
      SmallVector<int64_t> values;
      for (const APInt &w : constants->weights.getValues<APInt>())
        values.push_back(w.getSExtValue());
      codes = qopt::Codebook::select(values, /*needsZero=*/false);
    }
    // In globals named as qopt-lower-to-kernels names its weights, which
    // qoptc's report counts apart from the other constants.
    auto module = op->getParentOfType<ModuleOp>();
    auto global = [&](DenseElementsAttr values) -> Value {
      memref::GlobalOp g =
          qopt::createConstantGlobal(module, "__qopt_packed_weights", values);
      return memref::GetGlobalOp::create(rewriter, loc, g.getType(),
                                         g.getSymName());
    };
    Value weights, restWeights;
    if (codes) {
      weights =
          global(packWeights(constants->weights, *codes, 0, fullC, lanesC));
      if (fullC < channels)
        restWeights = global(
            packWeights(constants->weights, *codes, fullC, channels, restC));
    } else {
      weights = global(constants->weights);
    }
    // A uniform bias is a register constant; a float bias with one value per
    // channel is used as it is (other ops may share it); otherwise the
    // kernel has its own.
    Value bias;
    bool ownBias =
        !isFloat ||
        cast<ShapedType>(op.getBias().getType()).getNumElements() != channels;
    if (!constants->bias.isSplat())
      bias = ownBias ? arith::ConstantOp::create(rewriter, loc, constants->bias)
                           .getResult()
                     : op.getBias();
    Type outType = epilogue ? inType : accType;
    Value init = tensor::EmptyOp::create(rewriter, loc, outShape, outType);
    // Per-channel requantization parameters, read from globals loaded at
    // the function's entry.
    std::optional<qopt::RequantEpilogue> requant;
    if (epilogue) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(
          &op->getParentOfType<func::FuncOp>().getBody().front());
      requant.emplace(rewriter, epilogue->requant, channels, lanesC);
    }

    Value inPad = arith::ConstantOp::create(rewriter, loc, padValue);
    Value accPad =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(accType));
    auto splat = [&](OpBuilder &b, int64_t width, Attribute value) -> Value {
      return arith::ConstantOp::create(
          b, loc,
          SplatElementsAttr::get(VectorType::get({width}, accType), value));
    };

    // One block: `width` channels from `c` of `pixelsW` output pixels from
    // (n, oh, ow), written into `out`.
    // `c0` is the first channel of the loop over such blocks.
    auto block = [&](OpBuilder &b, Value n, Value oh, Value ow, Value c,
                     int64_t c0, int64_t width, Value out) -> Value {
      auto index = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(b, loc, v);
      };
      auto affine = [&](Value v, int64_t scale, int64_t offset) {
        Value r = arith::MulIOp::create(b, loc, v, index(scale));
        return arith::AddIOp::create(b, loc, r, index(offset)).getResult();
      };
      auto vecIn = VectorType::get({width}, inType);
      auto vecAcc = VectorType::get({width}, accType);
      auto vecMul = VectorType::get({width}, mulType);
      Value biasVec =
          bias ? vector::TransferReadOp::create(b, loc, vecAcc, bias,
                                                ValueRange{c}, accPad,
                                                ArrayRef<bool>{true})
                     .getResult()
               : splat(b, width, constants->bias.getSplatValue<Attribute>());
      Value weightZp;
      if (!isFloat && constants->weightZp != 0)
        weightZp = arith::ConstantOp::create(
            b, loc,
            SplatElementsAttr::get(
                vecMul, b.getIntegerAttr(mulType, constants->weightZp)));
      SmallVector<Value> acc(pixelsW, mulType == accType
                                          ? biasVec
                                          : arith::ConstantOp::create(
                                                b, loc, b.getZeroAttr(vecMul))
                                                .getResult());
      for (int64_t i = 0; i < kh; ++i) {
        Value row = affine(oh, stride[0], i);
        for (int64_t j = 0; j < kw; ++j) {
          Value w;
          if (codes) {
            // This block's tile: block (c - first) / width of its region.
            bool rest = c0 >= fullC;
            Value packed = rest ? restWeights : weights;
            int64_t bytes = tileBytes(*codes, width);
            Value tile = arith::DivUIOp::create(
                b, loc, arith::SubIOp::create(b, loc, c, index(c0)),
                index(width));
            w = vector::TransferReadOp::create(
                b, loc, VectorType::get({bytes}, inType), packed,
                ValueRange{index(i), index(j), tile, index(0)}, inPad,
                ArrayRef<bool>{true});
            w = fieldLayout(*codes)
                    ? qopt::decodeFieldWeights16(b, loc, isa, *codes, w, width)
                    : qopt::decodeWeights(b, loc, isa, *codes, w, width);
          } else {
            w = vector::TransferReadOp::create(
                b, loc, vecIn, weights, ValueRange{index(i), index(j), c},
                inPad, ArrayRef<bool>{true});
          }
          if (!isFloat && w.getType() != vecMul)
            w = arith::ExtSIOp::create(b, loc, vecMul, w);
          if (weightZp)
            w = arith::SubIOp::create(b, loc, w, weightZp);
          for (int64_t p = 0; p < pixelsW; ++p) {
            Value col = affine(ow, stride[1], p * stride[1] + j);
            Value x = vector::TransferReadOp::create(
                b, loc, vecIn, input, ValueRange{n, row, col, c}, inPad,
                ArrayRef<bool>{true});
            if (isFloat) {
              acc[p] = vector::FMAOp::create(b, loc, x, w, acc[p]);
              continue;
            }
            x = arith::ExtSIOp::create(b, loc, vecMul, x);
            acc[p] = arith::AddIOp::create(b, loc, acc[p],
                                           arith::MulIOp::create(b, loc, x, w));
          }
        }
      }
      for (int64_t p = 0; p < pixelsW; ++p) {
        Value v = acc[p];
        if (mulType != accType)
          v = arith::AddIOp::create(b, loc, biasVec,
                                    arith::ExtSIOp::create(b, loc, vecAcc, v));
        if (requant) {
          // The epilogue's vectors are lanesC wide: a narrower block is
          // widened and its part taken back.
          v = requant->apply(b, loc, qopt::widenWithZeros(b, loc, v, lanesC), c,
                             width);
          if (width != lanesC)
            v = vector::ExtractStridedSliceOp::create(b, loc, v, 0, width, 1);
        }
        out = vector::TransferWriteOp::create(
                  b, loc, v, out, ValueRange{n, oh, affine(ow, 1, p), c},
                  ArrayRef<bool>{true})
                  .getResult();
      }
      return out;
    };

    auto index = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(rewriter, loc, v);
    };
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, {index(0), index(0), index(0)},
        {index(outShape[0]), index(outShape[1]), index(outShape[2])},
        {index(1), index(1), index(pixelsW)}, ValueRange{init},
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange iterArgs) -> scf::ValueVector {
          Value out = iterArgs[0];
          auto channelLoop = [&](int64_t begin, int64_t end, int64_t width) {
            if (begin >= end)
              return;
            auto loop = scf::ForOp::create(
                b, loc, arith::ConstantIndexOp::create(b, loc, begin),
                arith::ConstantIndexOp::create(b, loc, end),
                arith::ConstantIndexOp::create(b, loc, width), ValueRange{out});
            OpBuilder body = OpBuilder::atBlockBegin(loop.getBody());
            scf::YieldOp::create(body, loc,
                                 block(body, ivs[0], ivs[1], ivs[2],
                                       loop.getInductionVar(), begin, width,
                                       loop.getRegionIterArg(0)));
            out = loop.getResult(0);
          };
          channelLoop(0, fullC, lanesC);
          channelLoop(fullC, channels, restC);
          return {out};
        });
    if (!epilogue) {
      rewriter.replaceOp(op, nest.results);
      return success();
    }
    Operation *root = epilogue->clamp ? epilogue->clamp.getOperation()
                                      : epilogue->rescale.getOperation();
    rewriter.replaceOp(root, nest.results);
    if (epilogue->clamp)
      rewriter.eraseOp(epilogue->rescale);
    rewriter.eraseOp(op);
    return success();
  }

  int64_t lanes, pixels;
  qopt::KernelIsa isa;
};

struct LowerDepthwise : qopt::impl::LowerDepthwiseBase<LowerDepthwise> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1 || pixels < 1) {
      getOperation().emitError("qopt-lower-depthwise: lanes and pixels must "
                               "be positive");
      return signalPassFailure();
    }
    std::optional<qopt::KernelIsa> kernelIsa = qopt::resolveKernelIsa(isa);
    if (!kernelIsa) {
      getOperation().emitError()
          << "qopt-lower-depthwise: unknown isa '" << isa << "' (expected "
          << qopt::kKernelIsaSpellings << ")";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<DepthwiseToVectors>(&getContext(), lanes, pixels, *kernelIsa);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
