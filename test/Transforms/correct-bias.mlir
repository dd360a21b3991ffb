// RUN: qopt-mlir %s -split-input-file --qopt-correct-bias=weight-bits=2 | FileCheck %s
// RUN: qopt-mlir %s -split-input-file --qopt-correct-bias="weight-bits=2 per-channel=false" | FileCheck %s --check-prefix=TENSOR
// RUN: %python %S/Inputs/bias_reference.py | FileCheck %s --check-prefix=REF

// conv → [activation] → conv with 2-bit weights (levels -2, -1, 0, 1 times
// max|W| / 2 per output channel, or of the whole tensor with
// per-channel=false). The first conv records x ~ N([2, 0, 5], [0, 1, 2]²).
// W2 = [[0.375, 1, -0.4375], [0.25, 0.125, 0.0625]] rounds to
// ε = [[0.125, -0.5, -0.0625], [-0.125, 0, -0.0625]] per channel,
// [[0.125, -0.5, -0.0625], [-0.25, -0.125, -0.0625]] per tensor; b2 = [0.25, -0.5] becomes b2 - ε·E[x]. The expected values come from
// Inputs/bias_reference.py (E[x] by numerical integration):
// REF: identity per-channel=true: 3.125000e-01, 6.250000e-02
// REF: identity per-channel=false: 3.125000e-01, 3.125000e-01
// REF: relu per-channel=true: 0.512221634, 0.0627505183
// REF: relu per-channel=false: 0.512221634, 0.362618297
// REF: relu6 per-channel=true: 0.487497091, 0.0380259492
// REF: relu6 per-channel=false: 0.487497091, 0.337893724

// Identity: E[x] = mean = [2, 0, 5].
// CHECK-LABEL: func.func @identity
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[3.125000e-01, 6.250000e-02]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
// TENSOR-LABEL: func.func @identity
// TENSOR: %[[B:.*]] = "tosa.const"() <{values = dense<3.125000e-01> : tensor<2xf32>}>
// TENSOR: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
func.func @identity(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[0.375, 1.0, -0.4375]]], [[[0.25, 0.125, 0.0625]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.25, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[2.0, 0.0, 5.0]> : tensor<3xf32>, qopt.bn_std = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %0, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// ReLU: E[x] = γ·φ(−β/γ) + β·(1 − Φ(−β/γ)), = β when γ = 0.
// CHECK-LABEL: func.func @relu
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[0.512221634, 0.0627505183]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
// TENSOR-LABEL: func.func @relu
// TENSOR: %[[B:.*]] = "tosa.const"() <{values = dense<[0.512221634, 0.362618297]> : tensor<2xf32>}>
// TENSOR: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
func.func @relu(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[0.375, 1.0, -0.4375]]], [[[0.25, 0.125, 0.0625]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.25, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[2.0, 0.0, 5.0]> : tensor<3xf32>, qopt.bn_std = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// ReLU6: the mean of the normal clipped to [0, 6].
// CHECK-LABEL: func.func @relu6
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[0.487497091, 0.0380259492]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
// TENSOR-LABEL: func.func @relu6
// TENSOR: %[[B:.*]] = "tosa.const"() <{values = dense<[0.487497091, 0.337893724]> : tensor<2xf32>}>
// TENSOR: tosa.conv2d %{{.*}}, %{{.*}}, %[[B]]
func.func @relu6(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[0.375, 1.0, -0.4375]]], [[[0.25, 0.125, 0.0625]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.25, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[2.0, 0.0, 5.0]> : tensor<3xf32>, qopt.bn_std = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// No statistics on the layer before: E[x] is unknown, unchanged.
// CHECK-LABEL: func.func @no_statistics
// CHECK: "tosa.const"() <{values = dense<[2.500000e-01, -5.000000e-01]> : tensor<2xf32>}>
func.func @no_statistics(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[0.375, 1.0, -0.4375]]], [[[0.25, 0.125, 0.0625]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.25, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// A max pool does not preserve means: unchanged.
// CHECK-LABEL: func.func @max_pool
// CHECK: "tosa.const"() <{values = dense<[2.500000e-01, -5.000000e-01]> : tensor<2xf32>}>
func.func @max_pool(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]], [[[1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[0.375, 1.0, -0.4375]]], [[[0.25, 0.125, 0.0625]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.25, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[2.0, 0.0, 5.0]> : tensor<3xf32>, qopt.bn_std = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %p = tosa.max_pool2d %1 {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %p, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}
