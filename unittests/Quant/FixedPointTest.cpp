//===- FixedPointTest.cpp - decomposeMultiplier and applyScale32 ----------===//
//
// applyScale32 is checked against hand-computed values and against the TOSA
// 1.0 apply_scale_32 formula evaluated in 128-bit arithmetic with explicit
// floor division (so neither an int64 overflow nor the arithmetic shift of
// the implementation can go unnoticed).
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

// Found by argument-dependent lookup from gtest's EXPECT_EQ.
namespace qopt {
static bool operator==(FixedPointMultiplier a, FixedPointMultiplier b) {
  return a.multiplier == b.multiplier && a.shift == b.shift;
}
static std::ostream &operator<<(std::ostream &os, FixedPointMultiplier f) {
  return os << "{" << f.multiplier << ", " << int(f.shift) << "}";
}
} // namespace qopt

using namespace qopt;

namespace {

constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();
constexpr int32_t kTwo30 = int32_t(1) << 30;

double valueOf(FixedPointMultiplier f) {
  return std::ldexp(double(f.multiplier), -f.shift);
}

void expectDecomposes(double m) {
  FixedPointMultiplier f = decomposeMultiplier(m);
  EXPECT_GE(f.multiplier, kTwo30) << m;
  EXPECT_GE(f.shift, 2) << m;
  EXPECT_LE(f.shift, 62) << m;
  // valueOf(f) is exact, and within a factor 2 of m, so the difference is
  // exact too (Sterbenz).
  EXPECT_LE(std::fabs(valueOf(f) - m) / m, std::ldexp(1.0, -31)) << m;
}

TEST(DecomposeMultiplier, DenseLogSweep) {
  constexpr int kCount = 20000;
  for (int i = 0; i < kCount; ++i)
    expectDecomposes(1e-9 * std::pow(1e12, double(i) / (kCount - 1)));
}

TEST(DecomposeMultiplier, PowersOfTwoAreExact) {
  for (int k = -32; k <= 28; ++k) {
    FixedPointMultiplier f = decomposeMultiplier(std::ldexp(1.0, k));
    EXPECT_EQ(f, (FixedPointMultiplier{kTwo30, int8_t(30 - k)})) << k;
  }
  EXPECT_EQ(decomposeMultiplier(1.0), (FixedPointMultiplier{kTwo30, 30}));
  EXPECT_EQ(decomposeMultiplier(0.75),
            (FixedPointMultiplier{3 * (kTwo30 / 2), 31}));
}

TEST(DecomposeMultiplier, MantissaCarry) {
  // Mantissas that round up to 2^31 must become 2^30 with one shift less.
  for (int k = -32; k <= 28; ++k) {
    SCOPED_TRACE(k);
    double p = std::ldexp(1.0, k);
    FixedPointMultiplier carried{kTwo30, int8_t(30 - k)};
    for (double m : {std::nextafter(p, 0.0), p * (1.0 - std::ldexp(1.0, -33)),
                     p * (1.0 - std::ldexp(1.0, -32))}) {
      EXPECT_EQ(decomposeMultiplier(m), carried) << m;
      expectDecomposes(m);
    }
    // One unit below 2^31 does not carry (below 2^-32 it is clamped).
    if (k == -32)
      continue;
    double below = p * (1.0 - std::ldexp(1.0, -31));
    EXPECT_EQ(decomposeMultiplier(below),
              (FixedPointMultiplier{kMax32, int8_t(31 - k)}));
    expectDecomposes(below);
  }
}

TEST(DecomposeMultiplier, RangeEndsAndClamping) {
  const FixedPointMultiplier kLargest{kMax32, 2}, kSmallest{kTwo30, 62};
  // Exactly representable ends.
  EXPECT_EQ(decomposeMultiplier(std::ldexp(double(kMax32), -2)), kLargest);
  EXPECT_EQ(decomposeMultiplier(std::ldexp(1.0, -32)), kSmallest);
  // Just below 2^29 the carry would need shift 1: clamped, still accurate.
  expectDecomposes(std::nextafter(std::ldexp(1.0, 29), 0.0));
  EXPECT_EQ(decomposeMultiplier(std::nextafter(std::ldexp(1.0, 29), 0.0)),
            kLargest);
  for (double m : {std::ldexp(1.0, 29), 1e9, 1e300, double(INFINITY)})
    EXPECT_EQ(decomposeMultiplier(m), kLargest) << m;
  for (double m :
       {std::ldexp(1.0, -33), std::ldexp(1.5, -33), 1e-12, 1e-300, 5e-324})
    EXPECT_EQ(decomposeMultiplier(m), kSmallest) << m;
  EXPECT_EQ(decomposeMultiplier(0.0), (FixedPointMultiplier{0, 2}));
}

/// The TOSA 1.0 apply_scale_32 formula, with floor division instead of an
/// arithmetic shift and 128-bit intermediates; saturated like applyScale32.
int32_t reference(int32_t value, int32_t multiplier, int shift,
                  bool doubleRound) {
  __int128 round = __int128(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? (__int128(1) << 30) : -(__int128(1) << 30);
  __int128 num = __int128(value) * multiplier + round;
  __int128 den = __int128(1) << shift;
  __int128 q = num / den;
  if (num % den != 0 && num < 0)
    --q;
  if (q < kMin32)
    return kMin32;
  if (q > kMax32)
    return kMax32;
  return int32_t(q);
}

struct ScaleCase {
  int32_t value, multiplier;
  int shift;
  int32_t singleRound, doubleRound;
};

TEST(ApplyScale32, HandComputed) {
  const ScaleCase cases[] = {
      // Identity: multiplier 2^30 at shift 30.
      {12345, kTwo30, 30, 12345, 12345},
      {-12345, kTwo30, 30, -12345, -12345},
      {(1 << 29) - 1, kTwo30, 30, (1 << 29) - 1, (1 << 29) - 1},
      {-(1 << 29), kTwo30, 30, -(1 << 29), -(1 << 29)},
      // Halving at shift 31: ties round toward +infinity in both modes
      // (no double rounding at shift <= 31).
      {1, kTwo30, 31, 1, 1},    // 0.5
      {-1, kTwo30, 31, 0, 0},   // -0.5
      {3, kTwo30, 31, 2, 2},    // 1.5
      {-3, kTwo30, 31, -1, -1}, // -1.5
      {5, kTwo30, 31, 3, 3},    // 2.5
      {-5, kTwo30, 31, -2, -2}, // -2.5
      {7, kTwo30, 31, 4, 4},    // 3.5 (no ties-to-even)
      // Quartering at shift 32: double rounding adds +-1/4 first.
      {2, kTwo30, 32, 1, 1},       // 0.5
      {-2, kTwo30, 32, 0, -1},     // -0.5: away from zero
      {6, kTwo30, 32, 2, 2},       // 1.5
      {-6, kTwo30, 32, -1, -2},    // -1.5
      {1, kTwo30, 32, 0, 1},       // 0.25 + 0.25 reaches the tie
      {-1, kTwo30, 32, 0, 0},      // -0.25 - 0.25 = -0.5 ties up to 0
      {-1, kTwo30 + 1, 32, 0, -1}, // just below -0.25
      {3, kTwo30, 32, 1, 1},       // 0.75
      {-3, kTwo30, 32, -1, -1},    // -0.75
      // shift 2: the spec only allows value in [-2, 2).
      {1, 2, 2, 1, 1},                           // 0.5
      {-1, 2, 2, 0, 0},                          // -0.5
      {-2, 3, 2, -1, -1},                        // -1.5
      {1, kMax32, 2, 1 << 29, 1 << 29},          // 536870911.75
      {-2, kMax32, 2, -kTwo30 + 1, -kTwo30 + 1}, // -1073741823.5
      {-2, 0, 2, 0, 0},
      // int32 extremes at shift 32 (the smallest shift allowing them).
      {kMin32, kMax32, 32, -kTwo30 + 1, -kTwo30}, // tie -1073741823.5
      {kMax32, kMax32, 32, kTwo30 - 1, kTwo30 - 1},
      {kMin32, kTwo30, 32, -(1 << 29), -(1 << 29)},
      // shift 62: |value * multiplier| <= 2^62, round <= 2^61 + 2^30.
      {kMin32, kMax32, 62, -1, -1}, // -0.99999999953
      {kMax32, kMax32, 62, 1, 1},   // 0.99999999907
      {kMin32, kTwo30, 62, 0, -1},  // -0.5 exactly
      {kMax32, kTwo30, 62, 0, 1},   // 0.5 - 2^-32, plus d = 2^-32
      {kMin32, 0, 62, 0, 0},
      {kMax32, 0, 62, 0, 0},
      {-1, 0, 40, 0, 0},
      // Outside the spec's REQUIRE on value: saturated.
      {kMax32, kMax32, 2, kMax32, kMax32},
      {kMin32, kMax32, 2, kMin32, kMin32},
      {kMax32, kTwo30, 29, kMax32, kMax32},
      {kMin32, kTwo30, 30, kMin32, kMin32}, // exactly -2^31 still fits
      {kMin32, kMax32, 31, -kMax32, -kMax32},
  };
  for (const ScaleCase &c : cases) {
    SCOPED_TRACE(testing::Message()
                 << c.value << " * " << c.multiplier << " >> " << c.shift);
    EXPECT_EQ(applyScale32(c.value, c.multiplier, c.shift, false),
              c.singleRound);
    EXPECT_EQ(applyScale32(c.value, c.multiplier, c.shift, true),
              c.doubleRound);
    EXPECT_EQ(reference(c.value, c.multiplier, c.shift, false), c.singleRound);
    EXPECT_EQ(reference(c.value, c.multiplier, c.shift, true), c.doubleRound);
  }
}

TEST(ApplyScale32, ExtremesAgainstReference) {
  const int32_t values[] = {kMin32,     kMin32 + 1, -kTwo30, -3, -2,
                            -1,         0,          1,       2,  3,
                            kTwo30 - 1, kMax32 - 1, kMax32};
  const int32_t multipliers[] = {0,      1,          2,          kTwo30 - 1,
                                 kTwo30, kTwo30 + 1, kMax32 - 1, kMax32};
  for (int shift = 2; shift <= 62; ++shift)
    for (int32_t v : values)
      for (int32_t m : multipliers)
        for (bool dr : {false, true})
          EXPECT_EQ(applyScale32(v, m, shift, dr), reference(v, m, shift, dr))
              << v << " * " << m << " >> " << shift << " double " << dr;
}

TEST(ApplyScale32, RandomAgainstReference) {
  std::mt19937_64 rng(20240531);
  std::uniform_int_distribution<int32_t> anyValue(kMin32, kMax32);
  std::uniform_int_distribution<int32_t> anyMultiplier(0, kMax32);
  std::uniform_int_distribution<int> anyShift(2, 62);
  for (int i = 0; i < 200000; ++i) {
    int shift = anyShift(rng);
    int32_t m = anyMultiplier(rng);
    int32_t v = anyValue(rng);
    // Half the draws respect the spec's REQUIRE on value, where the result
    // must fit int32 without saturation.
    if (i % 2 && shift <= 32)
      v = int32_t(v >> (33 - shift));
    for (bool dr : {false, true}) {
      int32_t got = applyScale32(v, m, shift, dr);
      ASSERT_EQ(got, reference(v, m, shift, dr))
          << v << " * " << m << " >> " << shift << " double " << dr;
      if (i % 2) {
        ASSERT_GT(got, kMin32);
        ASSERT_LT(got, kMax32);
      }
    }
  }
}

TEST(ApplyScale32, DoubleRoundOnlyAboveShift31) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int32_t> anyValue(kMin32, kMax32);
  std::uniform_int_distribution<int32_t> anyMultiplier(0, kMax32);
  for (int shift = 2; shift <= 31; ++shift)
    for (int i = 0; i < 2000; ++i) {
      int32_t v = anyValue(rng), m = anyMultiplier(rng);
      ASSERT_EQ(applyScale32(v, m, shift, true),
                applyScale32(v, m, shift, false));
    }
}

TEST(ApplyScale32, DecomposedMultiplierMatchesRealProduct) {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> logM(std::log(1e-9), std::log(1e3));
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int i = 0; i < 100000; ++i) {
    double m = std::exp(logM(rng));
    FixedPointMultiplier f = decomposeMultiplier(m);
    // Keep |acc| within the spec's REQUIRE and |acc * M| <= 2^30, where the
    // 2^-31 multiplier error costs at most half a unit.
    double limit = std::min({double(kMax32), std::ldexp(1.0, f.shift - 1) - 1.0,
                             std::ldexp(1.0, 30) / m});
    auto acc = int32_t(unit(rng) * limit);
    long double exact = (long double)acc * (long double)m;
    auto expected = (int64_t)std::llround(exact);
    for (bool dr : {false, true})
      ASSERT_LE(
          std::llabs(applyScale32(acc, f.multiplier, f.shift, dr) - expected),
          1)
          << acc << " * " << m << " double " << dr;
  }
}

} // namespace
