//===- QuantMathTest.cpp - Quantizer basics -------------------------------===//
//
// signedRange, rounding, quantize/dequantize and the choice of affine
// parameters.
//
//===----------------------------------------------------------------------===//

#include "qopt/Quant/QuantMath.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace qopt;

namespace {

TEST(QuantMath, SignedRange) {
  for (unsigned bits = 2; bits <= 8; ++bits) {
    auto [lo, hi] = signedRange(bits);
    EXPECT_EQ(lo, -(int64_t(1) << (bits - 1))) << bits;
    EXPECT_EQ(hi, (int64_t(1) << (bits - 1)) - 1) << bits;
  }
  EXPECT_EQ(signedRange(8), std::make_pair(int64_t(-128), int64_t(127)));
  EXPECT_EQ(signedRange(4), std::make_pair(int64_t(-8), int64_t(7)));
  EXPECT_EQ(signedRange(2), std::make_pair(int64_t(-2), int64_t(1)));
  EXPECT_EQ(signedRange(32),
            std::make_pair(int64_t(std::numeric_limits<int32_t>::min()),
                           int64_t(std::numeric_limits<int32_t>::max())));
}

TEST(QuantMath, RoundHalfEven) {
  EXPECT_EQ(roundHalfEven(0.5), 0.0);
  EXPECT_EQ(roundHalfEven(1.5), 2.0);
  EXPECT_EQ(roundHalfEven(2.5), 2.0);
  EXPECT_EQ(roundHalfEven(3.5), 4.0);
  EXPECT_EQ(roundHalfEven(-0.5), 0.0);
  EXPECT_EQ(roundHalfEven(-1.5), -2.0);
  EXPECT_EQ(roundHalfEven(-2.5), -2.0);
  EXPECT_EQ(roundHalfEven(2.4999999999999996), 2.0);
  EXPECT_EQ(roundHalfEven(2.5000000000000004), 3.0);
  // The classic floor(x + 0.5) failure: x + 0.5 rounds up to 1.0.
  EXPECT_EQ(roundHalfEven(0.49999999999999994), 0.0);
  EXPECT_EQ(roundHalfEven(-0.49999999999999994), 0.0);
  // Integers beyond 2^52 are fixed points.
  EXPECT_EQ(roundHalfEven(4503599627370497.0), 4503599627370497.0);
  EXPECT_EQ(roundHalfEven(1e300), 1e300);
  EXPECT_EQ(roundHalfEven(INFINITY), INFINITY);
}

TEST(QuantMath, QuantizeTiesAndSaturation) {
  QuantParams p{0.25, 3, -128, 127};
  // x / scale = +-0.5, +-1.5, +-2.5: ties go to the even integer.
  EXPECT_EQ(quantize(0.125, p), 3);
  EXPECT_EQ(quantize(0.375, p), 5);
  EXPECT_EQ(quantize(0.625, p), 5);
  EXPECT_EQ(quantize(-0.125, p), 3);
  EXPECT_EQ(quantize(-0.375, p), 1);
  EXPECT_EQ(quantize(-0.625, p), 1);
  // Upper edge: 31 / 0.25 = 124 -> 127; 124.5 ties down to 124 -> 127;
  // 125.5 -> 126 -> 129 saturates.
  EXPECT_EQ(quantize(31.0, p), 127);
  EXPECT_EQ(quantize(31.125, p), 127);
  EXPECT_EQ(quantize(31.375, p), 127);
  EXPECT_EQ(quantize(-32.75, p), -128); // -131 + 3
  EXPECT_EQ(quantize(-33.0, p), -128);
  EXPECT_EQ(quantize(1e300, p), 127);
  EXPECT_EQ(quantize(-1e300, p), -128);
  EXPECT_EQ(quantize(INFINITY, p), 127);
  EXPECT_EQ(quantize(-INFINITY, p), -128);
  EXPECT_EQ(quantize(NAN, p), 3);
  EXPECT_EQ(quantize(5e-324, p), 3);
}

TEST(QuantMath, Dequantize) {
  QuantParams p{0.25, 3, -128, 127};
  EXPECT_EQ(dequantize(3, p), 0.0);
  EXPECT_EQ(dequantize(127, p), 31.0);
  EXPECT_EQ(dequantize(-128, p), -32.75);
  for (int64_t q = p.qmin; q <= p.qmax; ++q)
    EXPECT_EQ(quantize(dequantize(q, p), p), q);
}

TEST(QuantMath, ChooseAsymmetricHandComputed) {
  QuantParams p = chooseAsymmetric(-1.0, 3.0, 8);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -64); // -128 + 63.75
  EXPECT_EQ(p.qmin, -128);
  EXPECT_EQ(p.qmax, 127);

  // All positive / all negative: widened to contain 0, which lands on qmin
  // or qmax exactly.
  p = chooseAsymmetric(2.0, 6.0, 8);
  EXPECT_DOUBLE_EQ(p.scale, 6.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -128);
  p = chooseAsymmetric(-6.0, -2.0, 8);
  EXPECT_DOUBLE_EQ(p.scale, 6.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, 127);

  // 2 bits: [-2, 1], scale 4/3, zero point round(-2 + 0.75) = -1.
  p = chooseAsymmetric(-1.0, 3.0, 2);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 3.0);
  EXPECT_EQ(p.zeroPoint, -1);
  EXPECT_EQ(p.qmin, -2);
  EXPECT_EQ(p.qmax, 1);

  // Zero point tie: -128 + 127.5 = -0.5 rounds to even 0, not -1.
  p = chooseAsymmetric(-127.5, 127.5, 8);
  EXPECT_EQ(p.scale, 1.0);
  EXPECT_EQ(p.zeroPoint, 0);
  // 4 bits: -8 + 7.5 = -0.5 -> 0; -8 + 6.5 = -1.5 -> -2.
  EXPECT_EQ(chooseAsymmetric(-7.5, 7.5, 4).zeroPoint, 0);
  EXPECT_EQ(chooseAsymmetric(-6.5, 8.5, 4).zeroPoint, -2);
}

TEST(QuantMath, ChooseAsymmetricDegenerate) {
  for (unsigned bits = 2; bits <= 8; ++bits) {
    QuantParams p = chooseAsymmetric(0.0, 0.0, bits);
    EXPECT_EQ(p.scale, kMinScale);
    EXPECT_GT(p.scale, 0.0);
    EXPECT_EQ(p.zeroPoint, p.qmin);
    EXPECT_EQ(dequantize(quantize(0.0, p), p), 0.0);
  }
  // A single non-zero value is not degenerate once 0 is included.
  QuantParams p = chooseAsymmetric(5.0, 5.0, 8);
  EXPECT_DOUBLE_EQ(p.scale, 5.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -128);
  EXPECT_EQ(quantize(5.0, p), 127);
}

TEST(QuantMath, ChooseAsymmetricProperties) {
  const std::pair<double, double> ranges[] = {
      {-1.0, 3.0},  {2.0, 6.0},   {-6.0, -2.0},  {-1e-3, 1e3},
      {-1e3, 1e-3}, {-0.5, 0.5},  {0.0, 1.0},    {-1.0, 0.0},
      {-0.1, 0.7},  {-3.3, 0.01}, {-1e-6, 2e-6}, {-123.456, 7.89}};
  for (unsigned bits = 2; bits <= 8; ++bits) {
    for (auto [min, max] : ranges) {
      SCOPED_TRACE(testing::Message()
                   << bits << " bits [" << min << ", " << max << "]");
      QuantParams p = chooseAsymmetric(min, max, bits);
      auto [qmin, qmax] = signedRange(bits);
      EXPECT_EQ(p.qmin, qmin);
      EXPECT_EQ(p.qmax, qmax);
      double lo = std::min(min, 0.0), hi = std::max(max, 0.0);
      EXPECT_DOUBLE_EQ(p.scale, (hi - lo) / double(qmax - qmin));
      EXPECT_GE(p.zeroPoint, qmin);
      EXPECT_LE(p.zeroPoint, qmax);
      // Zero is exact.
      EXPECT_EQ(quantize(0.0, p), p.zeroPoint);
      EXPECT_EQ(dequantize(quantize(0.0, p), p), 0.0);
      EXPECT_EQ(dequantize(p.zeroPoint, p), 0.0);
      // Zero-point rounding moves the grid by at most half a step, so every
      // value of the widened range is within scale / 2 of its image.
      for (int i = 0; i <= 1000; ++i) {
        double x = lo + (hi - lo) * i / 1000.0;
        EXPECT_LE(std::fabs(x - dequantize(quantize(x, p), p)),
                  p.scale * (0.5 + 1e-9))
            << x;
      }
    }
  }
}

TEST(QuantMath, ChooseSymmetric) {
  for (unsigned bits = 2; bits <= 8; ++bits) {
    SCOPED_TRACE(bits);
    QuantParams p = chooseSymmetric(2.5, bits);
    int64_t qmax = (int64_t(1) << (bits - 1)) - 1;
    EXPECT_EQ(p.qmax, qmax);
    EXPECT_EQ(p.qmin, -qmax); // narrow range: -2^(bits-1) never appears
    EXPECT_EQ(p.zeroPoint, 0);
    EXPECT_DOUBLE_EQ(p.scale, 2.5 / double(qmax));
    EXPECT_EQ(quantize(2.5, p), qmax);
    EXPECT_EQ(quantize(-2.5, p), -qmax);
    EXPECT_EQ(quantize(-100.0, p), -qmax);
    EXPECT_EQ(quantize(100.0, p), qmax);
    EXPECT_EQ(quantize(0.0, p), 0);
    EXPECT_DOUBLE_EQ(dequantize(-qmax, p), -2.5);

    QuantParams zero = chooseSymmetric(0.0, bits);
    EXPECT_EQ(zero.scale, kMinScale);
    EXPECT_EQ(zero.zeroPoint, 0);
    EXPECT_EQ(zero.qmin, -qmax);
    EXPECT_EQ(quantize(0.0, zero), 0);
    EXPECT_EQ(dequantize(0, zero), 0.0);
  }
  // int8 hand check: scale 127 / 127 = 1, ties to even.
  QuantParams p = chooseSymmetric(127.0, 8);
  EXPECT_EQ(p.scale, 1.0);
  EXPECT_EQ(quantize(126.5, p), 126);
  EXPECT_EQ(quantize(-126.5, p), -126);
  EXPECT_EQ(quantize(-127.5, p), -127);
  EXPECT_EQ(quantize(-128.0, p), -127);
}

} // namespace
