//===- LowerToKernels.cpp - Packed, vectorized conv2d and matmul ----------===//
//
// Each conv2d / matmul island with constant weights becomes one implicit-GEMM
// kernel over an NHWC image (a matmul is a 1×1 convolution of a 1×M image):
//
//   scratch = input padded with its zero point, channels rounded up to the
//             k-group g of the inner step (and made unsigned on x86)
//   for n, oh, tiles of P output pixels, groups of B channel blocks of L:
//     acc[P][B] = bias                              (vector<L x i32/f32>)
//     for kh, kw, IC/g:  acc[p][b] = step(acc[p][b], broadcast(g inputs of
//                                  pixel p), packed weights of block b)
//     store epilogue(acc[p][b])        (requantize + clamp + narrow, or clamp)
//
// A conv whose result only another conv reads stores its epilogue straight
// into that conv's scratch (at the padding offset, made unsigned), which
// then needs no copy.
//
// The weights are packed at compile time as [OC/L][KH][KW][IC/g][L][g]
// (docs/Kernels.md), so that one vector load feeds one step of one block;
// the r = OC mod L channels of a partial last block as [KH][KW][IC/g][r][g]
// in a global of their own, loaded narrower and widened with zeros in
// registers, so that no padding channel is stored.
//
// Zero points. With x the i8 input, zp its zero point and w the weights
// (zero point 0), TOSA computes acc = bias + Σ (x - zp)·w, padding counting
// as x = zp. The kernels sum plain products and fold the rest into the bias
// at compile time:
//   - signed steps (sdot, smmla, vpmaddwd, plain arithmetic) read x:
//       acc = (bias - zp·Σw) + Σ x·w
//   - unsigned steps (vpdpbusd, vpmaddubsw multiply u8 × s8) read
//     u = x + 128 = x ^ 0x80, written by the padding copy:
//       acc = (bias - (zp + 128)·Σw) + Σ u·w
//   with Σw over each output channel's KH·KW·IC weights. Padding is zp
//   (resp. zp + 128), whose products the folded term cancels exactly; the
//   channels added to reach a multiple of g have zero weights. The
//   rescale's input zero point izp (acc - izp) folds into the bias too.
//
//===----------------------------------------------------------------------===//

#include "qopt/Codegen/Isa.h"
#include "qopt/Codegen/KernelUtils.h"
#include "qopt/Codegen/Passes.h"
#include "qopt/Utils/FullyConnected.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace qopt {
#define GEN_PASS_DEF_LOWERTOKERNELS
#include "qopt/Codegen/Passes.h.inc"
} // namespace qopt

using namespace mlir;
using namespace qopt;

namespace {

//===----------------------------------------------------------------------===//
// The problems the kernels solve
//===----------------------------------------------------------------------===//

/// One conv2d (or matmul as a 1×1 conv2d) island, with its constants.
struct Problem {
  int64_t n, ih, iw, ic, oh, ow, oc, kh, kw;
  int64_t strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  bool isFloat = false;
  /// The input is operand 0 of ops.front(), the conv2d or matmul (read when
  /// the kernel is emitted: an earlier kernel may have replaced it); a
  /// matmul's [1, M, K] operand is expanded to NHWC.
  bool isMatmul = false;
  /// [oc][kh][kw][ic] and one bias per output channel.
  SmallVector<int64_t> weights, bias;
  SmallVector<float> floatWeights, floatBias;
  int64_t inputZp = 0;
  std::optional<Requant> requant;
  float floatMin = -std::numeric_limits<float>::infinity();
  float floatMax = std::numeric_limits<float>::infinity();
  /// The op whose result the kernel's replaces, and the island's ops.
  Operation *root;
  SmallVector<Operation *> ops;
};

static std::optional<SmallVector<float>> floatValues(Value value) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

/// The single user of `value` if it is an `OpTy`.
template <typename OpTy> static OpTy soleUser(Value value) {
  if (!value.hasOneUse())
    return nullptr;
  return dyn_cast<OpTy>(*value.getUsers().begin());
}

/// Extends `p` (root = the op producing the accumulators) with a float
/// clamp, or the rescale and optional clamp of an integer result.
static bool matchEpilogue(Problem &p) {
  Value acc = p.root->getResult(0);
  if (p.isFloat) {
    if (auto clamp = soleUser<tosa::ClampOp>(acc)) {
      auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
      auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
      if (!lo || !hi)
        return false;
      p.floatMin = lo.getValueAsDouble();
      p.floatMax = hi.getValueAsDouble();
      p.ops.push_back(clamp);
      p.root = clamp;
    }
    return true;
  }
  auto rescale = soleUser<tosa::RescaleOp>(acc);
  if (!rescale)
    return false;
  auto clamp = soleUser<tosa::ClampOp>(rescale.getOutput());
  p.requant = Requant::match(rescale, clamp);
  if (!p.requant)
    return false;
  p.ops.push_back(rescale);
  p.root = rescale;
  if (clamp) {
    p.ops.push_back(clamp);
    p.root = clamp;
  }
  return true;
}

/// Integer (i8 × i8 → i32) or float (f32) operand types.
static std::optional<bool> isFloatOperands(Type input, Type weight, Type acc) {
  input = getElementTypeOrSelf(input);
  weight = getElementTypeOrSelf(weight);
  acc = getElementTypeOrSelf(acc);
  if (input.isF32() && weight.isF32() && acc.isF32())
    return true;
  if (input.isSignlessInteger(8) && weight.isSignlessInteger(8) &&
      acc.isSignlessInteger(32))
    return false;
  return std::nullopt;
}

/// Zero points: the input's (any, integer only) and the weights' (0).
static bool matchZeroPoints(Problem &p, Value inputZp, Value weightZp) {
  if (p.isFloat) {
    auto in = floatValues(inputZp), w = floatValues(weightZp);
    return in && w && in->size() == 1 && w->size() == 1 && in->front() == 0 &&
           w->front() == 0;
  }
  auto in = intConstantValues(inputZp), w = intConstantValues(weightZp);
  if (!in || !w || in->size() != 1 || w->size() != 1 || w->front() != 0)
    return false;
  p.inputZp = in->front();
  return true;
}

static std::optional<Problem> matchConv(tosa::Conv2DOp conv) {
  auto inType = cast<RankedTensorType>(conv.getInput().getType());
  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  auto outType = cast<RankedTensorType>(conv.getOutput().getType());
  if (!inType.hasStaticShape() || !wType.hasStaticShape() ||
      !outType.hasStaticShape())
    return std::nullopt;
  auto isFloat = isFloatOperands(inType, wType, outType);
  if (!isFloat)
    return std::nullopt;
  Problem p;
  p.isFloat = *isFloat;
  p.n = inType.getDimSize(0);
  p.ih = inType.getDimSize(1);
  p.iw = inType.getDimSize(2);
  p.ic = inType.getDimSize(3);
  p.oc = wType.getDimSize(0);
  p.kh = wType.getDimSize(1);
  p.kw = wType.getDimSize(2);
  p.oh = outType.getDimSize(1);
  p.ow = outType.getDimSize(2);
  ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride(),
                    dilation = conv.getDilation();
  p.padTop = pad[0], p.padBottom = pad[1], p.padLeft = pad[2],
  p.padRight = pad[3];
  p.strideH = stride[0], p.strideW = stride[1];
  p.dilationH = dilation[0], p.dilationW = dilation[1];
  if (!matchZeroPoints(p, conv.getInputZp(), conv.getWeightZp()))
    return std::nullopt;
  if (p.isFloat) {
    auto w = floatValues(conv.getWeight()), b = floatValues(conv.getBias());
    if (!w || !b || (b->size() != 1 && int64_t(b->size()) != p.oc))
      return std::nullopt;
    p.floatWeights = std::move(*w);
    p.floatBias.assign(p.oc, 0);
    for (int64_t c = 0; c < p.oc; ++c)
      p.floatBias[c] = (*b)[b->size() == 1 ? 0 : c];
  } else {
    auto w = intConstantValues(conv.getWeight()),
         b = intConstantValues(conv.getBias());
    if (!w || !b || (b->size() != 1 && int64_t(b->size()) != p.oc))
      return std::nullopt;
    p.weights = std::move(*w);
    p.bias.assign(p.oc, 0);
    for (int64_t c = 0; c < p.oc; ++c)
      p.bias[c] = (*b)[b->size() == 1 ? 0 : c];
  }
  p.root = conv;
  p.ops.push_back(conv);
  if (!matchEpilogue(p))
    return std::nullopt;
  return p;
}

/// matmul (batch 1, constant b) → reshapes → [add of a constant per-column
/// bias] → reshapes → epilogue, as docs/QuantizedGraph.md describes.
static std::optional<Problem> matchMatmul(tosa::MatMulOp matmul) {
  auto aType = cast<RankedTensorType>(matmul.getA().getType());
  auto bType = cast<RankedTensorType>(matmul.getB().getType());
  auto outType = cast<RankedTensorType>(matmul.getOutput().getType());
  if (!aType.hasStaticShape() || !bType.hasStaticShape() ||
      aType.getDimSize(0) != 1)
    return std::nullopt;
  auto isFloat = isFloatOperands(aType, bType, outType);
  if (!isFloat)
    return std::nullopt;
  Problem p;
  p.isFloat = *isFloat;
  p.isMatmul = true;
  p.n = 1, p.ih = 1, p.oh = 1, p.kh = 1, p.kw = 1;
  p.iw = p.ow = aType.getDimSize(1);
  p.ic = aType.getDimSize(2);
  p.oc = bType.getDimSize(2);
  if (!matchZeroPoints(p, matmul.getAZp(), matmul.getBZp()))
    return std::nullopt;
  // b is [1][K][N]; the kernels want [N][1][1][K].
  auto transpose = [&](auto &out, const auto &in) {
    out.resize(in.size());
    for (int64_t k = 0; k < p.ic; ++k)
      for (int64_t c = 0; c < p.oc; ++c)
        out[c * p.ic + k] = in[k * p.oc + c];
  };
  if (p.isFloat) {
    auto w = floatValues(matmul.getB());
    if (!w)
      return std::nullopt;
    transpose(p.floatWeights, *w);
    p.floatBias.assign(p.oc, 0);
  } else {
    auto w = intConstantValues(matmul.getB());
    if (!w)
      return std::nullopt;
    transpose(p.weights, *w);
    p.bias.assign(p.oc, 0);
  }
  // The fully connected chain, with its bias folded into the kernel's.
  qopt::FullyConnectedChain chain =
      qopt::matchFullyConnected(matmul, [&](Value v) {
        return p.isFloat ? floatValues(v).has_value()
                         : intConstantValues(v).has_value();
      });
  p.ops.push_back(matmul);
  p.ops.append(chain.before.begin(), chain.before.end());
  if (chain.biasAdd) {
    Value other = chain.bias->get();
    auto column = [&](int64_t c) {
      return cast<RankedTensorType>(other.getType()).getShape().back() == 1 ? 0
                                                                            : c;
    };
    if (p.isFloat) {
      auto b = *floatValues(other);
      for (int64_t c = 0; c < p.oc; ++c)
        p.floatBias[c] = b[column(c)];
    } else {
      auto b = *intConstantValues(other);
      for (int64_t c = 0; c < p.oc; ++c)
        p.bias[c] = b[column(c)];
    }
    p.ops.push_back(chain.biasAdd);
    p.ops.append(chain.after.begin(), chain.after.end());
  }
  p.root = chain.output().getDefiningOp();
  if (!matchEpilogue(p))
    return std::nullopt;
  return p;
}

//===----------------------------------------------------------------------===//
// Kernel configurations
//===----------------------------------------------------------------------===//

/// The inner step: acc (vector<L x i32/f32>) += the products of a broadcast
/// group of g inputs with L×g packed weights.
enum class Step {
  Vpdpbusd, ///< x86 VNNI, u8 × s8, g = 4
  Maddubsw, ///< x86 vpmaddubsw + vpmaddwd(1), u8 × s8 within ±7, g = 4
  Maddwd,   ///< x86 vpmaddwd on sign-extended i16, g = 2
  Sdot,     ///< AArch64 sdot, s8 × s8, g = 4
  Smmla,    ///< AArch64 smmla, 2 pixels × 2 channels × 8, g = 8
  MulAdd,   ///< plain vector arithmetic on i32, g = 1
  Fma,      ///< float broadcast + FMA, g = 1
};

struct Config {
  KernelIsa isa;
  Step step;
  /// Output channels per epilogue vector and inputs per step.
  int64_t lanes, group;
  /// Register tile: pixels × channel blocks (of `lanes`).
  int64_t pixels, blocks;
  /// The weights' codes when they are stored below 8 bits.
  std::optional<Codebook> codes;
  /// Element type of the scratch input and whether it holds x ^ 0x80.
  Type act;
  bool unsignedActs = false;
  /// Output channels per packed weight tile: `lanes`, except for smmla's
  /// 2 × 8 tiles (its 2 × 2 accumulators are shuffled into rows of 4).
  int64_t packLanes = 0;
  /// vpmaddubsw steps whose pair sums are added in i16 (vpaddw) before one
  /// vpmaddwd(1) widens them into the i32 accumulators: as many as keep
  /// every partial sum exact (0 or 1: every step widens).
  int64_t chunk = 0;
};

/// How many vpmaddubsw steps of `p`'s weights add exactly in i16: each
/// step's pair u0·w0 + u1·w1 (u ≤ 255) lies in [510·min(w, 0), 510·max(w,
/// 0)], and `chunk` of them must stay within [-32768, 32767]. 4-bit
/// weights (-8..7) give 8 steps, 3-bit 16, 2-bit 32, ternary 64.
static int64_t maddubswChunk(const Problem &p) {
  int64_t lo = 0, hi = 0;
  for (int64_t w : p.weights)
    lo = std::min(lo, w), hi = std::max(hi, w);
  int64_t chunk = std::numeric_limits<int64_t>::max();
  if (lo < 0)
    chunk = std::min(chunk, 32768 / (-lo * 510));
  if (hi > 0)
    chunk = std::min(chunk, 32767 / (hi * 510));
  return std::min<int64_t>(chunk, 1024);
}

/// The codebook of `p`'s integer weights if they take at most 16 values
/// (with 0 where the k-groups pad the input channels).
static std::optional<Codebook> selectCodebook(const Problem &p, int64_t group) {
  if (p.isFloat)
    return std::nullopt;
  return Codebook::select(p.weights, p.ic % group != 0);
}

static Config selectConfig(KernelIsa isa, const Problem &p, OpBuilder &b) {
  bool x86 = isa == KernelIsa::Generic || isa == KernelIsa::Avx2 ||
             isa == KernelIsa::Avx512 || isa == KernelIsa::AvxVnni ||
             isa == KernelIsa::Avx512Vnni;
  bool zmm = isa == KernelIsa::Avx512 || isa == KernelIsa::Avx512Vnni;
  bool ymm = isa == KernelIsa::Avx2 || isa == KernelIsa::AvxVnni;
  int64_t floatLanes = zmm ? 16 : ymm ? 8 : 4;
  // Accumulator registers left after operands and addresses: 32 vector
  // registers on AVX-512 and AArch64, 16 on AVX2/SSE.
  int64_t budget = (zmm || !x86) ? 24 : 12;
  Config c;
  c.isa = isa;
  c.act = b.getI8Type();
  // vpmaddubsw adds two u8·s8 products in saturating i16: exact only while
  // 2·255·|w| ≤ 32767, i.e. |w| ≤ 64 (every format below 8 bits qualifies).
  bool small =
      llvm::all_of(p.weights, [](int64_t w) { return w >= -64 && w <= 64; });
  if (p.isFloat) {
    c.step = Step::Fma, c.lanes = floatLanes, c.group = 1;
    c.act = b.getF32Type();
  } else {
    switch (isa) {
    case KernelIsa::Avx512Vnni:
    case KernelIsa::AvxVnni:
      c.step = Step::Vpdpbusd, c.lanes = floatLanes, c.group = 4;
      c.unsignedActs = true;
      break;
    case KernelIsa::Avx512:
    case KernelIsa::Avx2:
      // Larger weights are sign-extended to i16 for vpmaddwd instead.
      if (small) {
        c.step = Step::Maddubsw, c.lanes = floatLanes, c.group = 4;
        c.unsignedActs = true;
        c.chunk = maddubswChunk(p);
      } else {
        c.step = Step::Maddwd, c.lanes = floatLanes, c.group = 2;
        c.act = b.getI16Type();
      }
      break;
    case KernelIsa::Dotprod:
      c.step = Step::Sdot, c.lanes = 4, c.group = 4;
      break;
    case KernelIsa::I8mm:
      // Pairs of pixels × pairs of channels × 8 inputs per smmla; a block
      // of 4 channels is two accumulators per pixel pair.
      c.step = Step::Smmla, c.lanes = 4, c.group = 8, c.packLanes = 2;
      budget = 16;
      break;
    case KernelIsa::Neon:
    case KernelIsa::Generic:
      c.step = Step::MulAdd, c.lanes = 4, c.group = 1;
      break;
    }
  }
  if (!c.packLanes)
    c.packLanes = c.lanes;
  c.codes = selectCodebook(p, c.group);
  int64_t blocks = llvm::divideCeil(p.oc, c.lanes);
  c.blocks = std::min<int64_t>(c.step == Step::Smmla ? 2 : 4, blocks);
  c.pixels = std::min(std::clamp<int64_t>(budget / c.blocks, 1, 8), p.ow);
  if (c.codes && c.step != Step::Smmla) {
    // Packed weights cost a decode per block and step, inputs a broadcast
    // per pixel: fewer blocks and more pixels amortize the decode (a shift,
    // a mask and a lookup; 3 bits two of each and a select, 1 bit a shift
    // and a select).
    // A 3-bit decode keeps both planes and their constants live: two
    // accumulators fewer, or the register allocator shuffles them; unless
    // the step sums in i16 (Config::chunk), which needs no vpmaddwd(1)
    // constant in the inner loop.
    int64_t decode = c.codes->bits == 3 ? 6 : c.codes->bits == 1 ? 2 : 3;
    int64_t accumulators =
        budget - (c.codes->bits == 3 && c.chunk <= 1 ? 2 : 0);
    double best = 0;
    for (int64_t tb = std::min<int64_t>(4, blocks); tb >= 1; tb /= 2) {
      int64_t px =
          std::min(std::clamp<int64_t>(accumulators / tb, 1, 12), p.ow);
      // A broadcast is mostly a load (a quarter of an operation here).
      double cost = double(tb * decode + 0.25 * px) / double(tb * px);
      if (best == 0 || cost < best)
        best = cost, c.blocks = tb, c.pixels = px;
    }
  }
  return c;
}

//===----------------------------------------------------------------------===//
// Weight packing
//===----------------------------------------------------------------------===//

/// Output channels [first, first + count) of [oc][kh][kw][ic] as
/// [count/lanes][KH][KW][IC/g][lanes][g], zeros beyond OC and IC. Weights
/// with a codebook store each lanes·g tile as packed codes (packTile, in
/// packedTileBytes(lanes·g) bytes), which the kernel widens in registers.
static DenseElementsAttr packWeights(const Problem &p, const Config &c,
                                     int64_t first, int64_t count,
                                     int64_t lanes, OpBuilder &b) {
  int64_t blocks = count / lanes;
  int64_t groups = llvm::divideCeil(p.ic, c.group);
  int64_t tile = lanes * c.group;
  auto index = [&](int64_t oc, int64_t y, int64_t x, int64_t ic) {
    return ((oc * p.kh + y) * p.kw + x) * p.ic + ic;
  };
  auto forEach = [&](auto fn) {
    for (int64_t blk = 0; blk < blocks; ++blk)
      for (int64_t y = 0; y < p.kh; ++y)
        for (int64_t x = 0; x < p.kw; ++x)
          for (int64_t g = 0; g < groups; ++g)
            for (int64_t t = 0; t < tile; ++t) {
              int64_t oc = first + blk * lanes + t / c.group,
                      ic = g * c.group + t % c.group;
              bool real = oc < p.oc && ic < p.ic;
              fn(real ? index(oc, y, x, ic) : -1);
            }
  };
  SmallVector<int64_t> shape{blocks, p.kh, p.kw, groups};
  if (p.isFloat) {
    SmallVector<float> packed;
    forEach(
        [&](int64_t i) { packed.push_back(i < 0 ? 0 : p.floatWeights[i]); });
    shape.push_back(tile);
    return DenseElementsAttr::get(RankedTensorType::get(shape, b.getF32Type()),
                                  ArrayRef(packed));
  }
  SmallVector<int8_t> packed;
  if (!c.codes) {
    forEach([&](int64_t i) { packed.push_back(i < 0 ? 0 : p.weights[i]); });
    shape.push_back(tile);
    return DenseElementsAttr::get(RankedTensorType::get(shape, b.getI8Type()),
                                  ArrayRef(packed));
  }
  // Padding channels (beyond OC) are never stored: any code will do; padded
  // input channels need the code of 0, which the codebook then holds.
  uint8_t padding = c.codes->code(p.ic % c.group ? 0 : p.weights.front());
  SmallVector<uint8_t> codes, bytes;
  forEach([&](int64_t i) {
    codes.push_back(i < 0 ? padding : c.codes->code(p.weights[i]));
    if (int64_t(codes.size()) == tile) {
      packTile(codes, c.codes->bits, bytes);
      codes.clear();
    }
  });
  for (uint8_t byte : bytes)
    packed.push_back(int8_t(byte));
  shape.push_back(packedTileBytes(tile, c.codes->bits));
  return DenseElementsAttr::get(RankedTensorType::get(shape, b.getI8Type()),
                                ArrayRef(packed));
}

//===----------------------------------------------------------------------===//
// The input as the kernel reads it
//===----------------------------------------------------------------------===//

/// The buffer a kernel reads its input from: padded with the input's zero
/// point, channels rounded up to the k-group, in the scratch element type
/// (x ^ 0x80 for unsigned steps, i16 for vpmaddwd). Not needed when the
/// input already is that.
struct InputLayout {
  InputLayout(const Problem &p, const Config &c, OpBuilder &b) : act(c.act) {
    padTop = p.padTop, padLeft = p.padLeft;
    type = MemRefType::get({p.n, p.ih + p.padTop + p.padBottom,
                            p.iw + p.padLeft + p.padRight,
                            int64_t(llvm::alignTo(p.ic, c.group))},
                           c.act);
    padded = type.getDimSize(1) != p.ih || type.getDimSize(2) != p.iw ||
             type.getDimSize(3) != p.ic;
    Type input = p.isFloat ? Type(b.getF32Type()) : Type(b.getI8Type());
    flip = c.unsignedActs;
    needed = padded || flip || c.act != input;
    if (p.isFloat)
      fill = b.getF32FloatAttr(0);
    else
      fill =
          b.getIntegerAttr(c.act, flip ? (p.inputZp + 128) & 0xFF : p.inputZp);
  }

  /// A new buffer of this layout, its padding filled.
  Value alloc(OpBuilder &b, Location loc) const {
    Value buffer = KernelBuffers::alloc(b, loc, type);
    if (padded)
      linalg::FillOp::create(
          b, loc, ValueRange{arith::ConstantOp::create(b, loc, fill)},
          ValueRange{buffer});
    return buffer;
  }

  /// Input values (a scalar or vector of i8 or f32) as the kernel reads
  /// them.
  Value convert(OpBuilder &b, Location loc, Value v) const {
    auto vt = dyn_cast<VectorType>(v.getType());
    if (flip) {
      Attribute bit = b.getIntegerAttr(act, 0x80);
      Value mask = vt ? arith::ConstantOp::create(
                            b, loc, DenseElementsAttr::get(vt, bit))
                      : arith::ConstantOp::create(b, loc, cast<TypedAttr>(bit));
      return arith::XOrIOp::create(b, loc, v, mask);
    }
    if (getElementTypeOrSelf(v.getType()) == act)
      return v;
    return arith::ExtSIOp::create(
        b, loc, vt ? Type(VectorType::get(vt.getShape(), act)) : act, v);
  }

  MemRefType type;
  int64_t padTop, padLeft;
  Type act;
  TypedAttr fill;
  bool padded, flip, needed;
};

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

class KernelEmitter {
public:
  /// `prepared`, if any, is the input already in the kernel's layout (a
  /// producer wrote it there); `destination`, if any, the layout of the
  /// sole consumer's input, which the kernel then writes into.
  KernelEmitter(const Problem &p, const Config &c, OpBuilder &b,
                OpBuilder &entry, Location loc, Value prepared = nullptr,
                const InputLayout *destination = nullptr)
      : p(p), c(c), b(b), entry(entry), loc(loc), src(prepared),
        destination(destination) {}

  /// Emits the kernel before `p.root`; returns the result tensor, or with
  /// a destination, the buffer it wrote.
  Value emit();

private:
  Value constIndex(int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }
  Value splat(VectorType type, Attribute value) {
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, value));
  }
  VectorType accType() const {
    return VectorType::get({c.lanes}, p.isFloat ? Type(b.getF32Type())
                                                : Type(b.getI32Type()));
  }
  Value emitScratch(Value input);
  void emitTile(Value n, Value oh, Value ow0, int64_t pixels);
  void emitBlocks(Value n, Value oh, Value ow0, int64_t pixels, Value c0,
                  int64_t blocks, int64_t staticC0);
  void emitSmmlaBlocks(Value n, Value oh, Value ow0, int64_t pixels, Value c0,
                       int64_t blocks, int64_t staticC0);
  Value inputRow(Value oh, Value ky);
  /// The loops over kh, kw and the input groups, carrying `init`; `body`
  /// gets the loop indices, the input row and first channel, and the
  /// accumulators, and returns their next values.
  SmallVector<Value>
  reduce(Value oh, ValueRange init,
         function_ref<SmallVector<Value>(Value ky, Value kx, Value g, Value y,
                                         Value k, ValueRange accs)>
             body);
  Value inputColumn(Value ow0, int64_t px, Value kx);
  Value loadActs(Value n, Value y, Value x, Value k);
  /// The packed weights of one block (of `packLanes` channels) for one
  /// step: block `block` of the whole blocks, or with `rest` the partial
  /// last block, widened with zeros.
  Value loadWeights(Value block, Value y, Value x, Value g, bool rest = false);
  /// The real channels of block `j` of a group from `staticC0` on (-1: a
  /// group in the loop over whole blocks).
  int64_t validLanes(int64_t staticC0, int64_t j = 0) const {
    return staticC0 < 0 ? c.lanes
                        : std::min(c.lanes, p.oc - staticC0 - j * c.lanes);
  }
  Value step(Value acc, Value acts, Value weights);
  /// The chunked form of the vpmaddubsw step (Config::chunk): `acc16` plus
  /// the pair sums in i16, and the i16 sums widened into `acc`.
  Value step16(Value acc16, Value acts, Value weights);
  Value widen16(Value acc, Value acc16);
  /// reduce() for Config::chunk: the kh, kw and input group loops as one
  /// sequence of steps s = (ky·KW + kx)·G + g, in chunks of c.chunk steps
  /// summed in i16 from zero (`body` gets and returns i16 sums) and
  /// widened into the i32 accumulators after each chunk.
  SmallVector<Value> reduceChunked(
      Value oh, ValueRange init,
      function_ref<SmallVector<Value>(Value ky, Value kx, Value g, Value y,
                                      Value k, ValueRange accs16)>
          body);
  void store(Value acc, Value n, Value oh, Value ow, Value channel,
             int64_t staticChannel);

  const Problem &p;
  const Config &c;
  OpBuilder &b, &entry;
  Location loc;
  /// Packed weights of the whole blocks and of a partial last block.
  Value src, weights, restWeights, out;
  const InputLayout *destination;
  std::optional<ChannelConstant> bias;
  std::optional<RequantEpilogue> epilogue;
};

/// The input copied into its layout (InputLayout), or the input itself
/// when it already is that.
Value KernelEmitter::emitScratch(Value input) {
  InputLayout layout(p, c, b);
  if (!layout.needed)
    return input;
  Value scratch = layout.alloc(b, loc);
  // Copy pixel by pixel, the channels in vectors of 16 and a scalar tail
  // (the input may be any strided view with unit channel stride).
  Type inElement = cast<MemRefType>(input.getType()).getElementType();
  int64_t chunk = 16, vectorEnd = p.ic / chunk * chunk;
  scf::buildLoopNest(
      b, loc, {constIndex(0), constIndex(0), constIndex(0)},
      {constIndex(p.n), constIndex(p.ih), constIndex(p.iw)},
      {constIndex(1), constIndex(1), constIndex(1)},
      [&](OpBuilder &b, Location loc, ValueRange ivs) {
        auto idx = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(b, loc, v);
        };
        Value n = ivs[0];
        Value y = arith::AddIOp::create(b, loc, ivs[1], idx(p.padTop));
        Value x = arith::AddIOp::create(b, loc, ivs[2], idx(p.padLeft));
        auto copy = [&](int64_t begin, int64_t end, int64_t width) {
          if (begin >= end)
            return;
          scf::buildLoopNest(
              b, loc, {idx(begin)}, {idx(end)}, {idx(width)},
              [&](OpBuilder &b, Location loc, ValueRange ch) {
                SmallVector<Value> from{n, ivs[1], ivs[2], ch[0]};
                SmallVector<Value> to{n, y, x, ch[0]};
                Value v =
                    width == 1
                        ? Value(memref::LoadOp::create(b, loc, input, from))
                        : Value(vector::LoadOp::create(
                              b, loc, VectorType::get({width}, inElement),
                              input, from));
                v = layout.convert(b, loc, v);
                if (width == 1)
                  memref::StoreOp::create(b, loc, v, scratch, to);
                else
                  vector::StoreOp::create(b, loc, v, scratch, to);
              });
        };
        copy(0, vectorEnd, chunk);
        copy(vectorEnd, p.ic, 1);
      });
  return scratch;
}

Value KernelEmitter::emit() {
  Value tensor = p.ops.front()->getOperand(0);
  if (p.isMatmul)
    tensor = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({1, 1, p.iw, p.ic},
                              getElementTypeOrSelf(tensor.getType())),
        tensor, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}});
  if (!src)
    src = emitScratch(KernelBuffers::read(b, loc, tensor));

  // Whole blocks in one global; the r = OC mod L channels of a partial
  // last block in a global of their own, without padding channels (smmla's
  // tiles of 2 channels pad at most one).
  auto module = p.root->getParentOfType<ModuleOp>();
  auto global = [&](int64_t first, int64_t count, int64_t lanes) -> Value {
    memref::GlobalOp g =
        createConstantGlobal(module, "__qopt_packed_weights",
                             packWeights(p, c, first, count, lanes, b));
    return memref::GetGlobalOp::create(entry, loc, g.getType(), g.getSymName());
  };
  int64_t whole = c.step == Step::Smmla ? llvm::alignTo(p.oc, c.packLanes)
                                        : p.oc / c.lanes * c.lanes;
  if (whole > 0)
    weights = global(0, whole, c.packLanes);
  if (whole < p.oc)
    restWeights = global(whole, p.oc - whole, p.oc - whole);

  if (p.isFloat) {
    bias.emplace(entry, "__qopt_bias", p.floatBias, p.oc, c.lanes);
  } else {
    // Folded zero-point terms (see the file comment).
    int64_t zp = p.inputZp + (c.unsignedActs ? 128 : 0);
    int64_t k = p.kh * p.kw * p.ic;
    SmallVector<int64_t> folded(p.oc);
    for (int64_t oc = 0; oc < p.oc; ++oc) {
      int64_t sum = 0;
      for (int64_t i = 0; i < k; ++i)
        sum += p.weights[oc * k + i];
      folded[oc] = p.bias[oc] - zp * sum - p.requant->inputZp;
    }
    bias.emplace(entry, "__qopt_bias", b.getI32Type(), folded, p.oc, c.lanes);
    epilogue.emplace(entry, *p.requant, p.oc, c.lanes);
  }

  Type outElement = p.isFloat ? Type(b.getF32Type()) : Type(b.getI8Type());
  out = destination
            ? destination->alloc(b, loc)
            : KernelBuffers::alloc(
                  b, loc, MemRefType::get({p.n, p.oh, p.ow, p.oc}, outElement));
  int64_t fullOw = p.ow / c.pixels * c.pixels;
  scf::buildLoopNest(
      b, loc, {constIndex(0), constIndex(0)},
      {constIndex(p.n), constIndex(p.oh)}, {constIndex(1), constIndex(1)},
      [&](OpBuilder &nested, Location, ValueRange ivs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        Value n = ivs[0], oh = ivs[1];
        if (fullOw > 0)
          scf::buildLoopNest(b, loc, {constIndex(0)}, {constIndex(fullOw)},
                             {constIndex(c.pixels)},
                             [&](OpBuilder &inner, Location, ValueRange ow) {
                               OpBuilder::InsertionGuard guard(b);
                               b.setInsertionPoint(inner.getInsertionBlock(),
                                                   inner.getInsertionPoint());
                               emitTile(n, oh, ow[0], c.pixels);
                             });
        if (fullOw < p.ow)
          emitTile(n, oh, constIndex(fullOw), p.ow - fullOw);
      });
  if (destination)
    return out;

  Value result = KernelBuffers::result(b, loc, out);
  auto rootType = cast<RankedTensorType>(p.root->getResult(0).getType());
  if (rootType.getShape() ==
      cast<RankedTensorType>(result.getType()).getShape())
    return result;
  // Same elements in the same order (the channels stay last): collapse to
  // one dimension and expand to the island's result shape.
  ReassociationIndices all(rootType.getRank());
  std::iota(all.begin(), all.end(), 0);
  SmallVector<ReassociationIndices> collapse{{0, 1, 2, 3}}, expand{all};
  Value flat = tensor::CollapseShapeOp::create(b, loc, result, collapse);
  return tensor::ExpandShapeOp::create(b, loc, rootType, flat, expand);
}

void KernelEmitter::emitTile(Value n, Value oh, Value ow0, int64_t pixels) {
  // Channel blocks in groups of c.blocks; a partial last block only ever in
  // the statically placed remainder group, whose store is masked.
  int64_t fullBlocks = p.oc / c.lanes;
  int64_t groups = fullBlocks / c.blocks;
  int64_t done = groups * c.blocks;
  int64_t rest = llvm::divideCeil(p.oc, c.lanes) - done;
  if (groups > 0)
    scf::buildLoopNest(b, loc, {constIndex(0)},
                       {constIndex(groups * c.blocks * c.lanes)},
                       {constIndex(c.blocks * c.lanes)},
                       [&](OpBuilder &inner, Location, ValueRange c0) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(inner.getInsertionBlock(),
                                             inner.getInsertionPoint());
                         emitBlocks(n, oh, ow0, pixels, c0[0], c.blocks, -1);
                       });
  if (rest > 0)
    emitBlocks(n, oh, ow0, pixels, constIndex(done * c.lanes), rest,
               done * c.lanes);
}

Value KernelEmitter::loadActs(Value n, Value y, Value x, Value k) {
  Type element = c.act;
  if (c.group == 1) {
    Value v = memref::LoadOp::create(b, loc, src, ValueRange{n, y, x, k});
    if (c.step == Step::MulAdd)
      v = arith::ExtSIOp::create(b, loc, b.getI32Type(), v);
    return vector::BroadcastOp::create(b, loc, accType(), v);
  }
  // g inputs of 8 or 16 bits are one 32-bit word, broadcast to every lane.
  Value group = vector::LoadOp::create(
      b, loc, VectorType::get({c.group}, element), src, ValueRange{n, y, x, k});
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), group);
  Value words = vector::BroadcastOp::create(
      b, loc, VectorType::get({c.lanes}, b.getI32Type()),
      vector::ExtractOp::create(b, loc, word, ArrayRef<int64_t>{0}));
  return vector::BitCastOp::create(
      b, loc, VectorType::get({c.lanes * c.group}, element), words);
}

Value KernelEmitter::loadWeights(Value block, Value y, Value x, Value g,
                                 bool rest) {
  Value global = rest ? restWeights : weights;
  int64_t stored = cast<MemRefType>(global.getType()).getShape().back();
  int64_t tile = c.packLanes * c.group;
  Type element = p.isFloat ? Type(b.getF32Type()) : Type(b.getI8Type());
  SmallVector<Value> idx{block, y, x, g, constIndex(0)};
  Value loaded = vector::LoadOp::create(
      b, loc, VectorType::get({stored}, element), global, idx);
  if (c.codes)
    loaded = decodeWeights(b, loc, c.isa, *c.codes, loaded,
                           (rest ? p.oc % c.packLanes : c.packLanes) * c.group);
  return widenWithZeros(b, loc, loaded, tile);
}

Value KernelEmitter::step(Value acc, Value acts, Value w) {
  auto call = [&](StringRef name, Type type, ValueRange args) -> Value {
    return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                         args)
        .getResult(0);
  };
  bool zmm = c.lanes == 16;
  VectorType acc32 = accType();
  auto i16 = VectorType::get({2 * c.lanes}, b.getI16Type());
  switch (c.step) {
  case Step::Vpdpbusd:
    return call(zmm ? "llvm.x86.avx512.vpdpbusd.512"
                    : "llvm.x86.avx512.vpdpbusd.256",
                acc32, {acc, acts, w});
  case Step::Maddubsw: {
    Value pairs = call(zmm ? "llvm.x86.avx512.pmaddubs.w.512"
                           : "llvm.x86.avx2.pmadd.ub.sw",
                       i16, {acts, w});
    Value ones = splat(i16, b.getI16IntegerAttr(1));
    Value quads =
        call(zmm ? "llvm.x86.avx512.pmaddw.d.512" : "llvm.x86.avx2.pmadd.wd",
             acc32, {pairs, ones});
    return arith::AddIOp::create(b, loc, acc, quads);
  }
  case Step::Maddwd: {
    Value wide = arith::ExtSIOp::create(b, loc, i16, w);
    Value pairs =
        call(zmm ? "llvm.x86.avx512.pmaddw.d.512" : "llvm.x86.avx2.pmadd.wd",
             acc32, {acts, wide});
    return arith::AddIOp::create(b, loc, acc, pairs);
  }
  case Step::Sdot:
    return call("llvm.aarch64.neon.sdot.v4i32.v16i8", acc32, {acc, w, acts});
  case Step::Smmla:
    return call("llvm.aarch64.neon.smmla.v4i32.v16i8", acc32, {acc, acts, w});
  case Step::MulAdd: {
    Value wide = arith::ExtSIOp::create(b, loc, acc32, w);
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, acts, wide));
  }
  case Step::Fma:
    return vector::FMAOp::create(b, loc, acts, w, acc);
  }
  llvm_unreachable("unknown step");
}

Value KernelEmitter::step16(Value acc16, Value acts, Value w) {
  bool zmm = c.lanes == 16;
  auto i16 = VectorType::get({2 * c.lanes}, b.getI16Type());
  Value pairs = LLVM::CallIntrinsicOp::create(
                    b, loc, i16,
                    b.getStringAttr(zmm ? "llvm.x86.avx512.pmaddubs.w.512"
                                        : "llvm.x86.avx2.pmadd.ub.sw"),
                    ValueRange{acts, w})
                    .getResult(0);
  return arith::AddIOp::create(b, loc, acc16, pairs);
}

Value KernelEmitter::widen16(Value acc, Value acc16) {
  bool zmm = c.lanes == 16;
  auto i16 = VectorType::get({2 * c.lanes}, b.getI16Type());
  Value ones = splat(i16, b.getI16IntegerAttr(1));
  Value quads = LLVM::CallIntrinsicOp::create(
                    b, loc, accType(),
                    b.getStringAttr(zmm ? "llvm.x86.avx512.pmaddw.d.512"
                                        : "llvm.x86.avx2.pmadd.wd"),
                    ValueRange{acc16, ones})
                    .getResult(0);
  return arith::AddIOp::create(b, loc, acc, quads);
}

SmallVector<Value> KernelEmitter::reduceChunked(
    Value oh, ValueRange init,
    function_ref<SmallVector<Value>(Value, Value, Value, Value, Value,
                                    ValueRange)>
        body) {
  int64_t groups = llvm::divideCeil(p.ic, c.group);
  int64_t total = p.kh * p.kw * groups;
  int64_t chunk = std::min(c.chunk, total);
  auto i16 = VectorType::get({2 * c.lanes}, b.getI16Type());
  // `steps` steps from `first` on, from zero i16 sums, widened into `accs`.
  auto runChunk = [&](Value first, int64_t steps,
                      ValueRange accs) -> SmallVector<Value> {
    SmallVector<Value> zeros(accs.size(), splat(i16, b.getI16IntegerAttr(0)));
    scf::LoopNest nest = scf::buildLoopNest(
        b, loc, {constIndex(0)}, {constIndex(steps)}, {constIndex(1)}, zeros,
        [&](OpBuilder &inner, Location, ValueRange ivs,
            ValueRange accs16) -> scf::ValueVector {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(inner.getInsertionBlock(),
                              inner.getInsertionPoint());
          Value s = arith::AddIOp::create(b, loc, first, ivs[0]);
          Value g = s, ky = constIndex(0), kx = constIndex(0);
          if (p.kh * p.kw > 1) {
            g = arith::RemUIOp::create(b, loc, s, constIndex(groups));
            Value t = arith::DivUIOp::create(b, loc, s, constIndex(groups));
            if (p.kw > 1)
              kx = arith::RemUIOp::create(b, loc, t, constIndex(p.kw));
            if (p.kh > 1)
              ky = p.kw > 1
                       ? arith::DivUIOp::create(b, loc, t, constIndex(p.kw))
                             .getResult()
                       : t;
          }
          Value y = inputRow(oh, ky);
          Value k = arith::MulIOp::create(b, loc, g, constIndex(c.group));
          return body(ky, kx, g, y, k, accs16);
        });
    SmallVector<Value> next;
    for (auto [acc, acc16] : llvm::zip(accs, nest.results))
      next.push_back(widen16(acc, acc16));
    return next;
  };
  int64_t full = total / chunk, rest = total % chunk;
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {constIndex(0)}, {constIndex(full)}, {constIndex(1)}, init,
      [&](OpBuilder &inner, Location, ValueRange ivs,
          ValueRange accs) -> scf::ValueVector {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(inner.getInsertionBlock(),
                            inner.getInsertionPoint());
        return runChunk(
            arith::MulIOp::create(b, loc, ivs[0], constIndex(chunk)), chunk,
            accs);
      });
  SmallVector<Value> results(nest.results.begin(), nest.results.end());
  if (rest > 0)
    results = runChunk(constIndex(full * chunk), rest, results);
  return results;
}

SmallVector<Value>
KernelEmitter::reduce(Value oh, ValueRange init,
                      function_ref<SmallVector<Value>(Value, Value, Value,
                                                      Value, Value, ValueRange)>
                          body) {
  int64_t groups = llvm::divideCeil(p.ic, c.group);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, {constIndex(0), constIndex(0), constIndex(0)},
      {constIndex(p.kh), constIndex(p.kw), constIndex(groups)},
      {constIndex(1), constIndex(1), constIndex(1)}, init,
      [&](OpBuilder &inner, Location, ValueRange ivs,
          ValueRange accs) -> scf::ValueVector {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(inner.getInsertionBlock(),
                            inner.getInsertionPoint());
        Value y = inputRow(oh, ivs[0]);
        Value k = arith::MulIOp::create(b, loc, ivs[2], constIndex(c.group));
        return body(ivs[0], ivs[1], ivs[2], y, k, accs);
      });
  return nest.results;
}

Value KernelEmitter::inputRow(Value oh, Value ky) {
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, oh, constIndex(p.strideH)),
      arith::MulIOp::create(b, loc, ky, constIndex(p.dilationH)));
}

Value KernelEmitter::inputColumn(Value ow0, int64_t px, Value kx) {
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc,
                            arith::AddIOp::create(b, loc, ow0, constIndex(px)),
                            constIndex(p.strideW)),
      arith::MulIOp::create(b, loc, kx, constIndex(p.dilationW)));
}

/// smmla multiplies a 2 × 8 block of inputs (two pixels) by a 2 × 8 block of
/// weights (two channels) into [p0c0, p0c1, p1c0, p1c1]. A block of 4
/// channels is two such accumulators per pixel pair, shuffled into one row
/// of 4 channels per pixel for the epilogue. An odd last pixel is paired
/// with itself and its copy dropped.
void KernelEmitter::emitSmmlaBlocks(Value n, Value oh, Value ow0,
                                    int64_t pixels, Value c0, int64_t blocks,
                                    int64_t staticC0) {
  int64_t pairs = llvm::divideCeil(pixels, 2);
  SmallVector<Value> channel, tile;
  SmallVector<Value> init;
  for (int64_t j = 0; j < blocks; ++j) {
    channel.push_back(
        arith::AddIOp::create(b, loc, c0, constIndex(j * c.lanes)));
    Value pair = arith::DivUIOp::create(b, loc, channel.back(), constIndex(2));
    tile.push_back(pair);
    tile.push_back(arith::AddIOp::create(b, loc, pair, constIndex(1)));
  }
  // Tiles wholly beyond OC (in a partial last block) are not packed: their
  // accumulators keep the bias, and their lanes are never stored.
  auto present = [&](int64_t t) {
    return staticC0 < 0 ||
           staticC0 + t / 2 * c.lanes + t % 2 * c.packLanes < p.oc;
  };
  for (int64_t pr = 0; pr < pairs; ++pr)
    for (int64_t j = 0; j < blocks; ++j) {
      Value row = bias->load(b, loc, channel[j], validLanes(staticC0, j));
      for (int64_t h = 0; h < 2; ++h)
        init.push_back(vector::ShuffleOp::create(
            b, loc, row, row,
            ArrayRef<int64_t>{2 * h, 2 * h + 1, 2 * h, 2 * h + 1}));
    }
  SmallVector<Value> results = reduce(
      oh, init,
      [&](Value ky, Value kx, Value g, Value y, Value k,
          ValueRange accs) -> SmallVector<Value> {
        SmallVector<Value> w;
        for (auto [t, index] : llvm::enumerate(tile))
          w.push_back(present(t) ? loadWeights(index, ky, kx, g) : Value());
        SmallVector<Value> next;
        for (int64_t pr = 0; pr < pairs; ++pr) {
          auto load = [&](int64_t px) -> Value {
            return vector::LoadOp::create(
                b, loc, VectorType::get({8}, b.getI8Type()), src,
                ValueRange{n, y, inputColumn(ow0, px, kx), k});
          };
          SmallVector<int64_t> concat(16);
          std::iota(concat.begin(), concat.end(), 0);
          Value a = vector::ShuffleOp::create(
              b, loc, load(2 * pr), load(std::min(2 * pr + 1, pixels - 1)),
              concat);
          for (int64_t t = 0; t < 2 * blocks; ++t) {
            Value acc = accs[pr * 2 * blocks + t];
            next.push_back(w[t] ? step(acc, a, w[t]) : acc);
          }
        }
        return next;
      });
  for (int64_t pr = 0; pr < pairs; ++pr)
    for (int64_t j = 0; j < blocks; ++j) {
      Value lo = results[(pr * blocks + j) * 2];
      Value hi = results[(pr * blocks + j) * 2 + 1];
      for (int64_t h = 0; h < 2 && 2 * pr + h < pixels; ++h) {
        Value row = vector::ShuffleOp::create(
            b, loc, lo, hi,
            ArrayRef<int64_t>{2 * h, 2 * h + 1, 2 * h + 4, 2 * h + 5});
        store(row, n, oh,
              arith::AddIOp::create(b, loc, ow0, constIndex(2 * pr + h)),
              channel[j], staticC0 < 0 ? -1 : staticC0 + j * c.lanes);
      }
    }
}

void KernelEmitter::emitBlocks(Value n, Value oh, Value ow0, int64_t pixels,
                               Value c0, int64_t blocks, int64_t staticC0) {
  if (c.step == Step::Smmla)
    return emitSmmlaBlocks(n, oh, ow0, pixels, c0, blocks, staticC0);
  SmallVector<Value> channel, blockIndex;
  for (int64_t j = 0; j < blocks; ++j) {
    channel.push_back(
        arith::AddIOp::create(b, loc, c0, constIndex(j * c.lanes)));
    blockIndex.push_back(
        arith::DivUIOp::create(b, loc, channel.back(), constIndex(c.lanes)));
  }
  SmallVector<Value> init;
  for (int64_t px = 0; px < pixels; ++px)
    for (int64_t j = 0; j < blocks; ++j)
      init.push_back(bias->load(b, loc, channel[j], validLanes(staticC0, j)));
  bool chunked = c.step == Step::Maddubsw && c.chunk > 1;
  auto body = [&](Value ky, Value kx, Value g, Value y, Value k,
                  ValueRange accs) -> SmallVector<Value> {
    SmallVector<Value> w;
    for (int64_t j = 0; j < blocks; ++j)
      w.push_back(validLanes(staticC0, j) < c.lanes
                      ? loadWeights(constIndex(0), ky, kx, g,
                                    /*rest=*/true)
                      : loadWeights(blockIndex[j], ky, kx, g));
    SmallVector<Value> next;
    for (int64_t px = 0; px < pixels; ++px) {
      Value a = loadActs(n, y, inputColumn(ow0, px, kx), k);
      for (int64_t j = 0; j < blocks; ++j) {
        Value acc = accs[px * blocks + j];
        next.push_back(chunked ? step16(acc, a, w[j]) : step(acc, a, w[j]));
      }
    }
    return next;
  };
  SmallVector<Value> results =
      chunked ? reduceChunked(oh, init, body) : reduce(oh, init, body);
  for (int64_t px = 0; px < pixels; ++px)
    for (int64_t j = 0; j < blocks; ++j)
      store(results[px * blocks + j], n, oh,
            arith::AddIOp::create(b, loc, ow0, constIndex(px)), channel[j],
            staticC0 < 0 ? -1 : staticC0 + j * c.lanes);
}

void KernelEmitter::store(Value acc, Value n, Value oh, Value ow, Value channel,
                          int64_t staticChannel) {
  Value v;
  if (p.isFloat) {
    v = acc;
    if (std::isfinite(p.floatMin))
      v = arith::MaximumFOp::create(
          b, loc, v, splat(accType(), b.getF32FloatAttr(p.floatMin)));
    if (std::isfinite(p.floatMax))
      v = arith::MinimumFOp::create(
          b, loc, v, splat(accType(), b.getF32FloatAttr(p.floatMax)));
  } else {
    v = epilogue->apply(b, loc, acc, channel, validLanes(staticChannel));
  }
  SmallVector<Value> idx{n, oh, ow, channel};
  if (destination) {
    v = destination->convert(b, loc, v);
    idx[1] = arith::AddIOp::create(b, loc, oh, constIndex(destination->padTop));
    idx[2] =
        arith::AddIOp::create(b, loc, ow, constIndex(destination->padLeft));
  }
  int64_t valid = validLanes(staticChannel);
  if (valid == c.lanes) {
    vector::StoreOp::create(b, loc, v, out, idx);
    return;
  }
  SmallVector<bool> lanes(c.lanes, false);
  std::fill_n(lanes.begin(), valid, true);
  Value mask = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(VectorType::get({c.lanes}, b.getI1Type()),
                             ArrayRef(lanes)));
  vector::MaskedStoreOp::create(b, loc, out, idx, mask, v);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct LowerToKernels : public qopt::impl::LowerToKernelsBase<LowerToKernels> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::optional<KernelIsa> kernelIsa = resolveKernelIsa(isa);
    if (!kernelIsa) {
      func.emitError() << "qopt-lower-to-kernels: unknown isa '" << isa
                       << "' (expected " << kKernelIsaSpellings << ")";
      return signalPassFailure();
    }
    std::vector<Problem> problems;
    func.walk([&](Operation *op) {
      std::optional<Problem> p;
      if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
        p = matchConv(conv);
      else if (auto matmul = dyn_cast<tosa::MatMulOp>(op))
        p = matchMatmul(matmul);
      if (p)
        problems.push_back(std::move(*p));
    });
    if (problems.empty())
      return;
    OpBuilder entry = OpBuilder::atBlockBegin(&func.getBody().front());
    SmallVector<Config> configs;
    DenseMap<Operation *, size_t> convs;
    for (auto [i, p] : llvm::enumerate(problems)) {
      OpBuilder b(p.root);
      configs.push_back(selectConfig(*kernelIsa, p, b));
      if (!p.isMatmul)
        convs[p.ops.front()] = i;
    }
    // A conv whose result only another conv reads writes it straight into
    // that conv's input layout (padded, unsigned) instead of its own
    // buffer, which the consumer would copy.
    SmallVector<Value> prepared(problems.size());
    for (auto [i, p] : llvm::enumerate(problems)) {
      OpBuilder b(p.root);
      Value root = p.root->getResult(0);
      std::optional<InputLayout> destination;
      size_t consumer = 0;
      if (!p.isMatmul && root.hasOneUse() &&
          root.getUses().begin()->getOperandNumber() == 0) {
        auto it = convs.find(root.getUses().begin()->getOwner());
        if (it != convs.end()) {
          consumer = it->second;
          destination.emplace(problems[consumer], configs[consumer], b);
          if (!destination->needed)
            destination.reset();
        }
      }
      Value result =
          KernelEmitter(p, configs[i], b, entry, p.root->getLoc(), prepared[i],
                        destination ? &*destination : nullptr)
              .emit();
      if (destination)
        prepared[consumer] = result;
      else
        root.replaceAllUsesWith(result);
    }
    // A producer's ops feed its consumer's until both are emitted.
    for (Problem &p : llvm::reverse(problems))
      for (Operation *op : llvm::reverse(p.ops))
        op->erase();
  }
};

} // namespace
