//===- KernelUtils.cpp - Shared pieces of the generated kernels -----------===//

#include "qopt/Codegen/KernelUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

#include <numeric>

using namespace mlir;

namespace qopt {

bool isKernelIntrinsic(StringRef name) {
  return name.starts_with("llvm.x86.avx512.vpdpbusd.") ||
         name.starts_with("llvm.x86.avx512.pmaddubs.w.") ||
         name.starts_with("llvm.x86.avx512.pmaddw.d.") ||
         name == "llvm.x86.avx2.pmadd.ub.sw" ||
         name == "llvm.x86.avx2.pmadd.wd" ||
         name.starts_with("llvm.aarch64.neon.sdot.") ||
         name.starts_with("llvm.aarch64.neon.smmla.") ||
         name == "llvm.x86.avx512.vpermi2var.qi.512" ||
         name.starts_with("llvm.aarch64.neon.tbl4.") ||
         name.starts_with("llvm.aarch64.neon.tbl1.") ||
         name == "llvm.x86.ssse3.pshuf.b.128" ||
         name == "llvm.x86.avx2.pshuf.b" ||
         name == "llvm.x86.avx512.pshuf.b.512" ||
         name.starts_with("llvm.aarch64.neon.tbx4.");
}

namespace {
struct CallIntrinsicEffects
    : public MemoryEffectOpInterface::ExternalModel<CallIntrinsicEffects,
                                                    LLVM::CallIntrinsicOp> {
  void
  getEffects(Operation *op,
             SmallVectorImpl<MemoryEffects::EffectInstance> &effects) const {
    if (isKernelIntrinsic(cast<LLVM::CallIntrinsicOp>(op).getIntrin()))
      return;
    effects.emplace_back(MemoryEffects::Read::get());
    effects.emplace_back(MemoryEffects::Write::get());
  }
};
} // namespace

void registerKernelInterfaces(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, LLVM::LLVMDialect *) {
    LLVM::CallIntrinsicOp::attachInterface<CallIntrinsicEffects>(*ctx);
  });
}

Value KernelBuffers::read(OpBuilder &b, Location loc, Value tensor) {
  // Any buffer the tensor bufferizes to (a slice of a larger one too) casts
  // to this layout; only the innermost stride is known.
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  if (!strides.empty())
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic, strides);
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType(), layout),
      tensor, /*read_only=*/true);
}

Value KernelBuffers::alloc(OpBuilder &b, Location loc, MemRefType type) {
  // At the top of the function: qopt-plan-arena places top-level
  // allocations only, and the buffer then dominates every use.
  auto func =
      b.getInsertionBlock()->getParent()->getParentOfType<func::FuncOp>();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  return memref::AllocOp::create(b, loc, type, b.getI64IntegerAttr(64));
}

Value KernelBuffers::result(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  return bufferization::ToTensorOp::create(
      b, loc, RankedTensorType::get(type.getShape(), type.getElementType()),
      buffer, /*restrict=*/b.getUnitAttr(), /*writable=*/b.getUnitAttr());
}

memref::GlobalOp createConstantGlobal(ModuleOp module, StringRef prefix,
                                      DenseElementsAttr value) {
  auto tensorType = cast<ShapedType>(value.getType());
  auto type =
      MemRefType::get(tensorType.getShape(), tensorType.getElementType());
  SymbolTable symbols(module);
  OpBuilder b(module.getContext());
  auto global = memref::GlobalOp::create(
      b, module.getLoc(), prefix, b.getStringAttr("private"), type, value,
      /*constant=*/true, b.getI64IntegerAttr(64));
  // Renamed when `prefix` is taken.
  symbols.insert(global, module.getBody()->begin());
  return global;
}

ChannelConstant::ChannelConstant(OpBuilder &entry, StringRef name,
                                 IntegerType type, ArrayRef<int64_t> values,
                                 int64_t channels, int64_t lanes)
    : lanes(lanes) {
  bool splat = llvm::all_equal(values);
  int64_t size = splat ? 1 : channels;
  SmallVector<APInt> table;
  for (int64_t c = 0; c < size; ++c)
    table.push_back(APInt(type.getWidth(), values[c], /*isSigned=*/true));
  init(entry, name,
       DenseElementsAttr::get(RankedTensorType::get({size}, type), table),
       splat);
}

ChannelConstant::ChannelConstant(OpBuilder &entry, StringRef name,
                                 ArrayRef<float> values, int64_t channels,
                                 int64_t lanes)
    : lanes(lanes) {
  bool splat = llvm::all_equal(values);
  int64_t size = splat ? 1 : channels;
  init(entry, name,
       DenseElementsAttr::get(RankedTensorType::get({size}, entry.getF32Type()),
                              values.take_front(size)),
       splat);
}

void ChannelConstant::init(OpBuilder &entry, StringRef name,
                           DenseElementsAttr values, bool isSplat) {
  Type element = values.getElementType();
  auto vectorType = VectorType::get({lanes}, element);
  if (isSplat) {
    splat = DenseElementsAttr::get(vectorType,
                                   *values.getValues<Attribute>().begin());
    return;
  }
  auto module =
      entry.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  memref::GlobalOp global = createConstantGlobal(module, name, values);
  table = memref::GetGlobalOp::create(entry, global.getLoc(), global.getType(),
                                      global.getSymName());
}

Value ChannelConstant::load(OpBuilder &b, Location loc, Value channel,
                            int64_t valid) const {
  if (!table)
    return arith::ConstantOp::create(b, loc, splat);
  Type element = cast<MemRefType>(table.getType()).getElementType();
  Value v = vector::LoadOp::create(
      b, loc, VectorType::get({std::min(valid, lanes)}, element), table,
      channel);
  return widenWithZeros(b, loc, v, lanes);
}

Value widenWithZeros(OpBuilder &b, Location loc, Value v, int64_t size) {
  auto type = cast<VectorType>(v.getType());
  int64_t n = type.getNumElements();
  if (n == size)
    return v;
  Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  // Indices n.. select lanes of `zeros`.
  SmallVector<int64_t> mask(size, n);
  std::iota(mask.begin(), mask.begin() + n, 0);
  return vector::ShuffleOp::create(b, loc, v, zeros, mask);
}

//===----------------------------------------------------------------------===//
// Packed weights
//===----------------------------------------------------------------------===//

static Value splatI8(OpBuilder &b, Location loc, int64_t n, int64_t value) {
  auto type = VectorType::get({n}, b.getI8Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getI8IntegerAttr(value)));
}

static Value slice(OpBuilder &b, Location loc, Value v, int64_t offset,
                   int64_t size) {
  if (offset == 0 && cast<VectorType>(v.getType()).getNumElements() == size)
    return v;
  return vector::ExtractStridedSliceOp::create(b, loc, v, offset, size, 1);
}

/// The F bytes of `bytes` repeated across the n = F·f lanes of a tile's
/// codes (lane e gets byte e mod F; a broadcast load on x86), then every
/// lane group [i·F, (i+1)·F) shifted by `count(i)` bits, right or left, as
/// one variable shift of the widest elements (of at most 4 bytes) that F
/// is a multiple of: vpsrlvd/vpsllvd on x86, ushl on AArch64. Bits that
/// cross from a neighbouring byte are masked off or ignored by the caller.
static Value shiftedFields(OpBuilder &b, Location loc, Value bytes,
                           int64_t fields, bool left,
                           function_ref<int64_t(int64_t field)> count) {
  int64_t bytesIn = cast<VectorType>(bytes.getType()).getNumElements();
  int64_t n = bytesIn * fields;
  SmallVector<int64_t> spread;
  for (int64_t e = 0; e < n; ++e)
    spread.push_back(e % bytesIn);
  Value repeated = vector::ShuffleOp::create(b, loc, bytes, bytes, spread);
  int64_t elementBytes = bytesIn % 4 == 0 ? 4 : bytesIn % 2 == 0 ? 2 : 1;
  auto wide =
      VectorType::get({n / elementBytes}, b.getIntegerType(8 * elementBytes));
  SmallVector<APInt> counts;
  for (int64_t k = 0; k < n / elementBytes; ++k)
    counts.push_back(
        APInt(8 * elementBytes, count(k * elementBytes / bytesIn)));
  Value amounts = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(wide, ArrayRef(counts)));
  Value v = elementBytes == 1
                ? repeated
                : vector::BitCastOp::create(b, loc, wide, repeated).getResult();
  v = left ? arith::ShLIOp::create(b, loc, v, amounts).getResult()
           : arith::ShRUIOp::create(b, loc, v, amounts).getResult();
  return elementBytes == 1
             ? v
             : vector::BitCastOp::create(b, loc, repeated.getType(), v);
}

/// The codes of `bytes` (F bytes of fields of `bits` ∈ {2, 4}): code
/// j + i·F is field i of byte j, so one shift by i·bits of lane group i and
/// one mask take all of them apart.
static Value unpackFields(OpBuilder &b, Location loc, Value bytes,
                          unsigned bits) {
  Value v = shiftedFields(b, loc, bytes, 8 / bits, /*left=*/false,
                          [&](int64_t i) { return i * bits; });
  int64_t n = cast<VectorType>(v.getType()).getNumElements();
  return arith::AndIOp::create(b, loc, v, splatI8(b, loc, n, (1 << bits) - 1));
}

/// Whether each 1-bit code of `bytes` is set: bit i of lane group i moved to
/// the sign bit by one left shift, then a sign test (which a select turns
/// into vpblendvb on x86 and bsl on AArch64).
static Value unpackBits(OpBuilder &b, Location loc, Value bytes) {
  Value v = shiftedFields(b, loc, bytes, 8, /*left=*/true,
                          [](int64_t i) { return 7 - i; });
  int64_t n = cast<VectorType>(v.getType()).getNumElements();
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v,
                               splatI8(b, loc, n, 0));
}

/// `codes` (vector<n x i8>, each < table.size() ≤ 16) looked up in `table`.
static Value lookup(OpBuilder &b, Location loc, KernelIsa isa,
                    ArrayRef<int8_t> table, Value codes) {
  int64_t n = cast<VectorType>(codes.getType()).getNumElements();
  auto call = [&](StringRef name, Value t, Value idx) -> Value {
    return LLVM::CallIntrinsicOp::create(
               b, loc, idx.getType(), b.getStringAttr(name), ValueRange{t, idx})
        .getResult(0);
  };
  auto tableVector = [&](int64_t size) -> Value {
    SmallVector<int8_t> lanes;
    for (int64_t i = 0; i < size; ++i)
      lanes.push_back(i % 16 < int64_t(table.size()) ? table[i % 16] : 0);
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({size}, b.getI8Type()),
                               ArrayRef(lanes)));
  };
  bool x86 = isa == KernelIsa::Avx2 || isa == KernelIsa::Avx512 ||
             isa == KernelIsa::AvxVnni || isa == KernelIsa::Avx512Vnni;
  bool arm = isa == KernelIsa::Neon || isa == KernelIsa::Dotprod ||
             isa == KernelIsa::I8mm;
  if (!x86 && !arm) {
    // No byte shuffle to rely on: one compare and select per used code.
    Value result = splatI8(b, loc, n, table[0]);
    for (int64_t c = 1, e = table.size(); c < e; ++c) {
      if (table[c] == table[0])
        continue;
      Value is = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, codes,
                                       splatI8(b, loc, n, c));
      result = arith::SelectOp::create(b, loc, is, splatI8(b, loc, n, table[c]),
                                       result);
    }
    return result;
  }
  // Chunks of the widest shuffle, the last one widened and cut back.
  bool zmm = isa == KernelIsa::Avx512 || isa == KernelIsa::Avx512Vnni;
  int64_t widest = x86 ? (zmm ? 64 : 32) : 16;
  SmallVector<Value> chunks;
  for (int64_t offset = 0; offset < n; offset += widest) {
    int64_t size = std::min(widest, n - offset);
    int64_t width = arm          ? (size <= 8 ? 8 : 16)
                    : size <= 16 ? 16
                    : size <= 32 ? 32
                                 : 64;
    Value idx =
        widenWithZeros(b, loc, slice(b, loc, codes, offset, size), width);
    Value v;
    if (arm)
      v = call(width == 8 ? "llvm.aarch64.neon.tbl1.v8i8"
                          : "llvm.aarch64.neon.tbl1.v16i8",
               tableVector(16), idx);
    else
      v = call(width == 16   ? "llvm.x86.ssse3.pshuf.b.128"
               : width == 32 ? "llvm.x86.avx2.pshuf.b"
                             : "llvm.x86.avx512.pshuf.b.512",
               tableVector(width), idx);
    chunks.push_back(slice(b, loc, v, 0, size));
  }
  Value result = chunks.front();
  for (Value chunk : ArrayRef(chunks).drop_front()) {
    int64_t m = cast<VectorType>(result.getType()).getNumElements();
    int64_t k = cast<VectorType>(chunk.getType()).getNumElements();
    SmallVector<int64_t> concat(m + k);
    std::iota(concat.begin(), concat.end(), 0);
    result = vector::ShuffleOp::create(b, loc, result, chunk, concat);
  }
  return result;
}

Value decodeWeights(OpBuilder &b, Location loc, KernelIsa isa,
                    const Codebook &book, Value bytes, int64_t count) {
  unsigned bits = book.bits;
  ArrayRef<int8_t> values = book.values;
  auto splat = [&](Value like, int64_t v) {
    return splatI8(b, loc, cast<VectorType>(like.getType()).getNumElements(),
                   v);
  };
  // The tile's padding codes are cut off before any lookup.
  auto first = [&](Value v) { return slice(b, loc, v, 0, count); };
  if (bits == 1) {
    Value set = first(unpackBits(b, loc, bytes));
    return arith::SelectOp::create(b, loc, set, splat(set, values[1]),
                                   splat(set, values[0]));
  }
  if (bits == 3) {
    // The low two bits in the 2-bit layout, then the high bit in the 1-bit
    // one, which selects between the lookups of the low bits in the
    // codebook's two halves. Two's complement codes' low halves are their
    // low bits and the high halves 4 less.
    int64_t n = llvm::alignTo(count, 8);
    Value low = first(unpackFields(b, loc, slice(b, loc, bytes, 0, n / 4), 2));
    Value high = first(unpackBits(b, loc, slice(b, loc, bytes, n / 4, n / 8)));
    Value lowHalf = low, highHalf;
    if (book.twosComplement) {
      highHalf = arith::AddIOp::create(b, loc, low, splat(low, -4));
    } else {
      lowHalf = lookup(b, loc, isa, values.take_front(4), low);
      highHalf = lookup(b, loc, isa, values.drop_front(4), low);
    }
    return arith::SelectOp::create(b, loc, high, highHalf, lowHalf);
  }
  Value codes = first(unpackFields(b, loc, bytes, bits));
  if (isa != KernelIsa::Generic || !book.twosComplement)
    return lookup(b, loc, isa, values, codes);
  // Sign extension of `bits`-bit fields: (c ^ 2^(bits-1)) - 2^(bits-1).
  Value half = splat(codes, 1 << (bits - 1));
  return arith::SubIOp::create(
      b, loc, arith::XOrIOp::create(b, loc, codes, half), half);
}

Value decodeFieldWeights16(OpBuilder &b, Location loc, KernelIsa isa,
                           const Codebook &book, Value bytes, int64_t count) {
  unsigned bits = book.bits;
  int64_t stored = cast<VectorType>(bytes.getType()).getNumElements();
  // Lane e: the bytes q and q + 1 of its first bit 8q + r (q alone when
  // the field ends in it and q is the last byte).
  SmallVector<int64_t> spread;
  SmallVector<APInt> amounts;
  for (int64_t e = 0; e < count; ++e) {
    int64_t bit = e * bits, q = bit / 8;
    spread.push_back(q);
    spread.push_back(std::min(q + 1, stored - 1));
    amounts.push_back(APInt(16, 16 - bits - bit % 8));
  }
  auto i16 = VectorType::get({count}, b.getI16Type());
  Value words = vector::BitCastOp::create(
      b, loc, i16, vector::ShuffleOp::create(b, loc, bytes, bytes, spread));
  words = arith::ShLIOp::create(
      b, loc, words,
      arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(i16, ArrayRef(amounts))));
  Value top = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(i16, b.getI16IntegerAttr(int16_t(16 - bits))));
  if (book.twosComplement)
    return arith::ShRSIOp::create(b, loc, words, top);
  Value codes =
      arith::TruncIOp::create(b, loc, VectorType::get({count}, b.getI8Type()),
                              arith::ShRUIOp::create(b, loc, words, top));
  return arith::ExtSIOp::create(b, loc, i16,
                                lookup(b, loc, isa, book.values, codes));
}

//===----------------------------------------------------------------------===//
// Requantization
//===----------------------------------------------------------------------===//

std::optional<SmallVector<int64_t>> intConstantValues(Value value) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  for (const APInt &v : attr.getValues<APInt>())
    values.push_back(v.getSExtValue());
  return values;
}

std::optional<Requant> Requant::match(tosa::RescaleOp rescale,
                                      tosa::ClampOp clamp) {
  auto inType = getElementTypeOrSelf(rescale.getInput().getType());
  auto outType = getElementTypeOrSelf(rescale.getOutput().getType());
  if (!inType.isSignlessInteger(32) || !outType.isSignlessInteger(8) ||
      !rescale.getScale32() || rescale.getInputUnsigned() ||
      rescale.getOutputUnsigned())
    return std::nullopt;
  tosa::RoundingMode mode = rescale.getRoundingMode();
  if (mode != tosa::RoundingMode::SINGLE_ROUND &&
      mode != tosa::RoundingMode::DOUBLE_ROUND)
    return std::nullopt;
  auto multiplier = intConstantValues(rescale.getMultiplier());
  auto shift = intConstantValues(rescale.getShift());
  auto inputZp = intConstantValues(rescale.getInputZp());
  auto outputZp = intConstantValues(rescale.getOutputZp());
  if (!multiplier || !shift || !inputZp || !outputZp || inputZp->size() != 1 ||
      outputZp->size() != 1 || multiplier->size() != shift->size())
    return std::nullopt;
  // apply_scale_32's domain; the kernels compute in 64 bits like it.
  for (auto [m, s] : llvm::zip(*multiplier, *shift))
    if (m < 0 || s < 2 || s > 62)
      return std::nullopt;
  Requant r;
  r.multiplier = std::move(*multiplier);
  r.shift = std::move(*shift);
  r.inputZp = inputZp->front();
  r.outputZp = outputZp->front();
  r.doubleRound = mode == tosa::RoundingMode::DOUBLE_ROUND;
  if (clamp) {
    auto lo = dyn_cast<IntegerAttr>(clamp.getMinValAttr());
    auto hi = dyn_cast<IntegerAttr>(clamp.getMaxValAttr());
    if (!lo || !hi)
      return std::nullopt;
    r.min = std::max<int64_t>(r.min, lo.getInt());
    r.max = std::min<int64_t>(r.max, hi.getInt());
    if (r.min > r.max)
      return std::nullopt;
  }
  return r;
}

RequantEpilogue::RequantEpilogue(OpBuilder &entry, const Requant &r,
                                 int64_t channels, int64_t lanes)
    : outputZp(r.outputZp), min(r.min), max(r.max), doubleRound(r.doubleRound),
      lanes(lanes) {
  // Shifts are 2..62: one byte each. Their rounding terms are derived from
  // them in registers, once per block of channels, not stored.
  multiplier = ChannelConstant(entry, "__qopt_multiplier", entry.getI32Type(),
                               r.multiplier, channels, lanes);
  shift = ChannelConstant(entry, "__qopt_shift", entry.getI8Type(), r.shift,
                          channels, lanes);
}

Value RequantEpilogue::apply(OpBuilder &b, Location loc, Value acc,
                             Value channel, int64_t valid) const {
  auto i64 = VectorType::get({lanes}, b.getI64Type());
  auto i32 = VectorType::get({lanes}, b.getI32Type());
  auto splat = [&](VectorType type, int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(type,
                               IntegerAttr::get(type.getElementType(), v)));
  };
  // apply_scale_32(v, m, s) = (v·m + round) >> s with round = 2^(s-1), and
  // for DOUBLE_ROUND ± 2^30 more (away from zero) when s > 31.
  // The multiplier is read as i32 and sign-extended so that the product is
  // a 32×32→64 multiply (vpmuldq/smull) rather than a 64-bit one.
  Value wide = arith::ExtSIOp::create(b, loc, i64, acc);
  Value m = arith::ExtSIOp::create(b, loc, i64,
                                   multiplier.load(b, loc, channel, valid));
  Value s =
      arith::ExtUIOp::create(b, loc, i64, shift.load(b, loc, channel, valid));
  Value one = splat(i64, 1);
  Value rounding = arith::ShRUIOp::create(
      b, loc, arith::ShLIOp::create(b, loc, one, s), one);
  if (doubleRound) {
    Value large = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, s,
                                        splat(i64, 31));
    Value adjust = arith::SelectOp::create(
        b, loc, large, splat(i64, int64_t(1) << 30), splat(i64, 0));
    Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           wide, splat(i64, 0));
    Value negated = arith::SubIOp::create(b, loc, splat(i64, 0), adjust);
    rounding = arith::AddIOp::create(
        b, loc, rounding,
        arith::SelectOp::create(b, loc, negative, negated, adjust));
  }
  Value scaled = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, wide, m), rounding);
  scaled = arith::ShRSIOp::create(b, loc, scaled, s);
  Value v = arith::TruncIOp::create(b, loc, i32, scaled);
  // The rescale adds the zero point in i32 and saturates to i8; the clamp
  // narrows that range further.
  v = arith::AddIOp::create(b, loc, v, splat(i32, outputZp));
  v = arith::MaxSIOp::create(b, loc, v, splat(i32, min));
  v = arith::MinSIOp::create(b, loc, v, splat(i32, max));
  return arith::TruncIOp::create(b, loc,
                                 VectorType::get({lanes}, b.getI8Type()), v);
}

} // namespace qopt
