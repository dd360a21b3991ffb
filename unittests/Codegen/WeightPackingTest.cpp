//===- WeightPackingTest.cpp - Sub-byte weight codes and layout -----------===//

#include "qopt/Codegen/WeightPacking.h"

#include "gtest/gtest.h"

#include <random>

using namespace qopt;

namespace {

TEST(Codebook, WidthFollowsTheNumberOfValues) {
  EXPECT_EQ(Codebook::select({-1, 1}, false)->bits, 1u);
  EXPECT_EQ(Codebook::select({-1, 1}, true)->bits, 2u); // + 0 for padding
  EXPECT_EQ(Codebook::select({-1, 0, 1}, false)->bits, 2u);
  EXPECT_EQ(Codebook::select({-2, -1, 0, 1}, false)->bits, 2u);
  EXPECT_EQ(Codebook::select({-3, 3, 0, 1, 2}, false)->bits, 3u);
  EXPECT_EQ(Codebook::select({-8, 7, 0}, false)->bits, 2u); // 3 values
  EXPECT_EQ(Codebook::select({-8, -4, -2, -1, 0, 1, 2, 4, 7}, false)->bits, 4u);
  EXPECT_EQ(Codebook::select({5}, false)->bits, 1u);
  EXPECT_FALSE(Codebook::select(
      {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8}, false));
  EXPECT_FALSE(Codebook::select({-129, 0}, false));
}

TEST(Codebook, TwosComplementRangesKeepTheirBits) {
  // Uniform 4-bit weights: the code is the nibble, as before packing codes.
  Codebook b4 = *Codebook::select({-8, -3, -2, -1, 0, 1, 2, 3, 7}, false);
  EXPECT_TRUE(b4.twosComplement);
  EXPECT_EQ(b4.code(-1), 0xF);
  EXPECT_EQ(b4.code(-8), 0x8);
  EXPECT_EQ(b4.code(7), 0x7);
  Codebook ternary = *Codebook::select({-1, 0, 1}, false);
  EXPECT_TRUE(ternary.twosComplement);
  EXPECT_EQ(ternary.code(-1), 3);
  EXPECT_EQ(ternary.values[3], -1);
}

TEST(Codebook, OtherValueSetsAreNumberedInOrder) {
  // Binary ±1 in one bit; PWLQ's 3-bit levels (0, ±1 centre, ±3, ±5 tails).
  Codebook binary = *Codebook::select({1, -1, 1}, false);
  EXPECT_FALSE(binary.twosComplement);
  EXPECT_EQ(binary.code(-1), 0);
  EXPECT_EQ(binary.code(1), 1);
  Codebook pwlq = *Codebook::select({-5, -3, -1, 0, 1, 3, 5}, false);
  EXPECT_EQ(pwlq.bits, 3u);
  EXPECT_FALSE(pwlq.twosComplement);
  for (int64_t v : {-5, -3, -1, 0, 1, 3, 5})
    EXPECT_EQ(pwlq.values[pwlq.code(v)], v);
}

TEST(PackTile, BytesPerTile) {
  EXPECT_EQ(packedTileBytes(64, 4), 32);
  EXPECT_EQ(packedTileBytes(64, 3), 24);
  EXPECT_EQ(packedTileBytes(64, 2), 16);
  EXPECT_EQ(packedTileBytes(64, 1), 8);
  EXPECT_EQ(packedTileBytes(5, 4), 3);  // rounded up to 6 codes
  EXPECT_EQ(packedTileBytes(12, 3), 6); // rounded up to 16 codes
  EXPECT_EQ(packedTileBytes(3, 1), 1);
}

TEST(PackTile, BitOrder) {
  // 4 bits: byte j holds code j (low nibble) and j + n/2 (high nibble).
  llvm::SmallVector<uint8_t> out;
  packTile({1, 2, 3, 4}, 4, out);
  EXPECT_EQ(out, (llvm::SmallVector<uint8_t>{0x31, 0x42}));
  // 2 bits: byte j holds codes j, j + n/4, j + n/2, j + 3n/4.
  out.clear();
  packTile({0, 1, 2, 3, 3, 2, 1, 0}, 2, out);
  EXPECT_EQ(out, (llvm::SmallVector<uint8_t>{0b01111000, 0b00101101}));
  // 1 bit: byte j bit i holds code j + i·n/8.
  out.clear();
  packTile({1, 0, 0, 0, 0, 0, 0, 1}, 1, out);
  EXPECT_EQ(out, (llvm::SmallVector<uint8_t>{0b10000001}));
  // 3 bits: the low two bits in the 2-bit layout, then the high bits.
  out.clear();
  packTile({7, 0, 0, 0, 0, 0, 0, 4}, 3, out);
  EXPECT_EQ(out,
            (llvm::SmallVector<uint8_t>{0b00000011, 0b00000000, 0b10000001}));
}

TEST(PackTile, RoundTrip) {
  std::mt19937 rng(7);
  for (unsigned bits : {1u, 2u, 3u, 4u})
    for (int64_t count : {1, 3, 4, 7, 8, 12, 16, 24, 32, 33, 64}) {
      llvm::SmallVector<uint8_t> codes;
      for (int64_t i = 0; i < count; ++i)
        codes.push_back(rng() % (1u << bits));
      llvm::SmallVector<uint8_t> bytes;
      packTile(codes, bits, bytes);
      EXPECT_EQ(int64_t(bytes.size()), packedTileBytes(count, bits));
      EXPECT_EQ(unpackTile(bytes, count, bits), codes)
          << bits << " bits, " << count << " codes";
    }
}

TEST(PackFieldTile, BitOrder) {
  // Code e in bits [3e, 3e + 3) of one little-endian bit string: code 2
  // straddles bytes 0 and 1.
  llvm::SmallVector<uint8_t> out;
  packFieldTile({7, 0, 5, 1, 0, 0, 0, 4}, 3, out);
  EXPECT_EQ(out,
            (llvm::SmallVector<uint8_t>{0b01000111, 0b00000011, 0b10000000}));
  EXPECT_EQ(packedFieldBytes(16, 3), 6);
  EXPECT_EQ(packedFieldBytes(5, 3), 2);
}

TEST(PackFieldTile, RoundTrip) {
  std::mt19937 rng(11);
  for (unsigned bits : {1u, 2u, 3u, 4u, 5u})
    for (int64_t count : {1, 3, 5, 8, 12, 16, 24, 33}) {
      llvm::SmallVector<uint8_t> codes;
      for (int64_t i = 0; i < count; ++i)
        codes.push_back(rng() % (1u << bits));
      llvm::SmallVector<uint8_t> bytes;
      packFieldTile(codes, bits, bytes);
      EXPECT_EQ(int64_t(bytes.size()), packedFieldBytes(count, bits));
      EXPECT_EQ(unpackFieldTile(bytes, count, bits), codes)
          << bits << " bits, " << count << " codes";
    }
}

} // namespace
