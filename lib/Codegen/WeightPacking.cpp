//===- WeightPacking.cpp - Sub-byte weight codes and their layout ---------===//

#include "qopt/Codegen/WeightPacking.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <cassert>
#include <set>

using namespace llvm;

namespace qopt {

std::optional<Codebook> Codebook::select(ArrayRef<int64_t> weights,
                                         bool needsZero) {
  std::set<int64_t> distinct(weights.begin(), weights.end());
  if (needsZero)
    distinct.insert(0);
  if (distinct.empty())
    distinct.insert(0);
  if (distinct.size() > 16 || *distinct.begin() < -128 ||
      *distinct.rbegin() > 127)
    return std::nullopt;
  Codebook book;
  book.bits = distinct.size() <= 2   ? 1
              : distinct.size() <= 4 ? 2
              : distinct.size() <= 8 ? 3
                                     : 4;
  // Values within the two's complement range of the codes keep their low
  // bits as code; others are numbered in ascending order.
  book.values.assign(size_t(1) << book.bits, 0);
  int64_t lo = -(int64_t(1) << (book.bits - 1)), hi = -lo - 1;
  book.twosComplement = *distinct.begin() >= lo && *distinct.rbegin() <= hi;
  for (auto [i, v] : llvm::enumerate(distinct))
    book.values[book.twosComplement ? v & ((1 << book.bits) - 1) : i] =
        int8_t(v);
  return book;
}

uint8_t Codebook::code(int64_t value) const {
  if (twosComplement)
    return uint8_t(value & ((1 << bits) - 1));
  const int8_t *it = llvm::find(values, value);
  assert(it != values.end() && "value outside the codebook");
  return uint8_t(it - values.begin());
}

/// Codes per byte and tile length for 1, 2 and 4 bits.
static int64_t roundedCount(int64_t count, unsigned bits) {
  return llvm::alignTo(std::max<int64_t>(count, 1), bits == 3 ? 8 : 8 / bits);
}

int64_t packedTileBytes(int64_t count, unsigned bits) {
  assert((bits == 1 || bits == 2 || bits == 3 || bits == 4) && "bad width");
  return roundedCount(count, bits) * bits / 8;
}

/// Packs `n` codes (n a multiple of 8/bits) of `bits` ∈ {1, 2, 4} bits,
/// masking each code to its bits.
static void packFields(ArrayRef<uint8_t> codes, int64_t n, unsigned bits,
                       SmallVectorImpl<uint8_t> &out) {
  int64_t fields = 8 / bits, bytes = n / fields;
  uint8_t mask = (1 << bits) - 1;
  for (int64_t j = 0; j < bytes; ++j) {
    uint8_t byte = 0;
    for (int64_t i = 0; i < fields; ++i) {
      int64_t e = j + i * bytes;
      uint8_t code = e < int64_t(codes.size()) ? codes[e] : 0;
      byte |= (code & mask) << (i * bits);
    }
    out.push_back(byte);
  }
}

void packTile(ArrayRef<uint8_t> codes, unsigned bits,
              SmallVectorImpl<uint8_t> &out) {
  int64_t n = roundedCount(codes.size(), bits);
  if (bits != 3)
    return packFields(codes, n, bits, out);
  SmallVector<uint8_t> high;
  for (uint8_t c : codes)
    high.push_back(c >> 2);
  packFields(codes, n, 2, out);
  packFields(high, n, 1, out);
}

/// The inverse of packFields.
static void unpackFields(ArrayRef<uint8_t> bytes, int64_t n, unsigned bits,
                         SmallVectorImpl<uint8_t> &codes) {
  int64_t fields = 8 / bits, count = n / fields;
  codes.assign(n, 0);
  for (int64_t j = 0; j < count; ++j)
    for (int64_t i = 0; i < fields; ++i)
      codes[j + i * count] = (bytes[j] >> (i * bits)) & ((1 << bits) - 1);
}

SmallVector<uint8_t> unpackTile(ArrayRef<uint8_t> bytes, int64_t count,
                                unsigned bits) {
  int64_t n = roundedCount(count, bits);
  SmallVector<uint8_t> codes;
  if (bits != 3) {
    unpackFields(bytes, n, bits, codes);
  } else {
    SmallVector<uint8_t> high;
    unpackFields(bytes.take_front(n / 4), n, 2, codes);
    unpackFields(bytes.drop_front(n / 4), n, 1, high);
    for (int64_t e = 0; e < n; ++e)
      codes[e] |= high[e] << 2;
  }
  codes.resize(count);
  return codes;
}

int64_t packedFieldBytes(int64_t count, unsigned bits) {
  assert(bits >= 1 && bits <= 8 && "bad width");
  return llvm::divideCeil(std::max<int64_t>(count, 1) * bits, 8);
}

void packFieldTile(ArrayRef<uint8_t> codes, unsigned bits,
                   SmallVectorImpl<uint8_t> &out) {
  size_t first = out.size();
  out.append(packedFieldBytes(codes.size(), bits), 0);
  uint8_t mask = (1 << bits) - 1;
  for (auto [e, code] : llvm::enumerate(codes)) {
    int64_t bit = int64_t(e) * bits;
    unsigned word = unsigned(code & mask) << (bit % 8);
    out[first + bit / 8] |= uint8_t(word);
    if (word >> 8)
      out[first + bit / 8 + 1] |= uint8_t(word >> 8);
  }
}

SmallVector<uint8_t> unpackFieldTile(ArrayRef<uint8_t> bytes, int64_t count,
                                     unsigned bits) {
  SmallVector<uint8_t> codes;
  for (int64_t e = 0; e < count; ++e) {
    int64_t bit = e * bits;
    unsigned word = bytes[bit / 8];
    if (bit / 8 + 1 < int64_t(bytes.size()))
      word |= unsigned(bytes[bit / 8 + 1]) << 8;
    codes.push_back((word >> (bit % 8)) & ((1 << bits) - 1));
  }
  return codes;
}

} // namespace qopt
