//===- WeightPacking.h - Sub-byte weight codes and their layout -*- C++ -*-===//
//
// How the kernels store integer weights below 8 bits: every weight of a
// layer becomes a b-bit code (b = 1, 2, 3 or 4) into the layer's codebook of
// at most 2^b int8 values, and the codes of one tile (the weights one vector
// step reads) are packed into bytes in a fixed bit order that SIMD widens
// with shifts and masks; a 16-entry byte table lookup (pshufb, tbl) turns
// codes back into weights in registers. docs/Kernels.md shows the layout.
// Pure functions, no MLIR: they are unit tested exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_CODEGEN_WEIGHTPACKING_H
#define QOPT_CODEGEN_WEIGHTPACKING_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace qopt {

/// The values a layer's weights take, indexed by their code.
struct Codebook {
  /// Bits per code: 1, 2, 3 or 4.
  unsigned bits = 4;
  /// Code → weight, 2^bits entries (unused codes hold 0).
  llvm::SmallVector<int8_t, 16> values;

  /// The smallest codebook holding every value of `weights` (and 0 when
  /// `needsZero`, for padding), or none when more than 16 distinct values
  /// (or a value outside int8) occur. Values within the two's complement
  /// range of `bits` keep their low bits as code (sign extension decodes
  /// them: the 4-bit nibbles of uniform weights are plain two's complement);
  /// other value sets (PWLQ's levels, binary ±1) are numbered in ascending
  /// order.
  static std::optional<Codebook> select(llvm::ArrayRef<int64_t> weights,
                                        bool needsZero);
  /// Whether every code decodes to the sign extension of its bits.
  bool twosComplement = true;

  /// The code of `value`, which the codebook must hold.
  uint8_t code(int64_t value) const;
};

/// Bytes of one packed tile of `count` codes of `bits` bits: the codes are
/// rounded up to a multiple of 8/bits (8 for 3 bits).
int64_t packedTileBytes(int64_t count, unsigned bits);

/// Appends the packed bytes of one tile of codes to `out`. For 1, 2 and 4
/// bits, with f = 8/bits fields per byte and the count rounded up to
/// n = f·F: byte j (j < F) holds code j + i·F in bits [i·bits, (i+1)·bits)
/// for i < f, so that field i of all F bytes is codes [i·F, (i+1)·F). For 3
/// bits (n rounded up to 8): the low two bits of every code in the 2-bit
/// layout (n/4 bytes), then the high bit in the 1-bit layout (n/8 bytes).
void packTile(llvm::ArrayRef<uint8_t> codes, unsigned bits,
              llvm::SmallVectorImpl<uint8_t> &out);

/// The `count` codes of a tile packed by packTile (for tests and readers).
llvm::SmallVector<uint8_t> unpackTile(llvm::ArrayRef<uint8_t> bytes,
                                      int64_t count, unsigned bits);

/// Bytes of a tile of `count` codes in the contiguous field layout:
/// ceil(count·bits / 8).
int64_t packedFieldBytes(int64_t count, unsigned bits);

/// Appends one tile of codes in the contiguous field layout: code e in bits
/// [e·bits, (e+1)·bits) of the tile read as one little-endian bit string
/// (a field may straddle two bytes). Depthwise taps of 3-bit codes use it:
/// every field lies in the 16-bit word at its first byte, which a byte
/// shuffle, a left shift and one arithmetic right shift turn into i16
/// weights.
void packFieldTile(llvm::ArrayRef<uint8_t> codes, unsigned bits,
                   llvm::SmallVectorImpl<uint8_t> &out);

/// The `count` codes of a tile packed by packFieldTile.
llvm::SmallVector<uint8_t> unpackFieldTile(llvm::ArrayRef<uint8_t> bytes,
                                           int64_t count, unsigned bits);

} // namespace qopt

#endif // QOPT_CODEGEN_WEIGHTPACKING_H
