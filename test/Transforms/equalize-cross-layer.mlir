// A tight tolerance makes the converged values exact in f32.
// RUN: qopt-mlir %s -split-input-file --qopt-equalize-cross-layer=tolerance=1e-9 | FileCheck %s
// RUN: qopt-mlir %s -split-input-file --qopt-equalize-cross-layer="tolerance=1e-9 relu6=approximate" | FileCheck %s --check-prefix=APPROX

// conv → ReLU → conv, 1x1 kernels. r1 = max|W1| per output channel = [4, 1],
// r2 = max|W2| per input channel = [1, 4], s = sqrt(r1/r2) = [2, 0.5]:
//   W1' = W1/s = [2, 2], b1' = b1/s = [1, 2], W2' = W2·s = [2, 2].
// The second sweep finds s = 1: converged.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: %[[B1:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[C1:.*]] = tosa.conv2d %arg0, %[[W1]], %[[B1]]
// CHECK: %[[R:.*]] = tosa.clamp %[[C1]]
// CHECK: %[[W2:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// CHECK: tosa.conv2d %[[R]], %[[W2]]
// APPROX-LABEL: func.func @conv_relu_conv
func.func @conv_relu_conv(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[2.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}

// -----

// Depthwise-separable triple conv → depthwise → conv with 2 channels; the
// sweeps converge to the geometric mean t = (r1·r2·r3)^(1/3) per channel:
//   channel 0: r = (8, 1, 1)  → t = 2: conv1 /4, depthwise ×4/2, conv2 ×2;
//   channel 1: r = (1, 1, 27) → t = 3: conv1 ×3, depthwise ×3, conv2 /9.
// Biases follow their output channel: b1 = [4, 1] → [1, 3], the depthwise
// bias [2, 3] is divided by conv2's scale (2, 1/9) → [1, 27].
// CHECK-LABEL: func.func @separable_triple
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: %[[B1:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %arg0, %[[W1]], %[[B1]]
// CHECK-DAG: %[[WD:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00], [3.000000e+00]]]]> : tensor<1x1x2x1xf32>}>
// CHECK-DAG: %[[BD:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.700000e+01]> : tensor<2xf32>}>
// CHECK: tosa.depthwise_conv2d %{{.*}}, %[[WD]], %[[BD]]
// CHECK: %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00, 3.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %[[W2]]
func.func @separable_triple(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[8.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[4.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wd = "tosa.const"() {values = dense<[[[[1.0], [1.0]]]]> : tensor<1x1x2x1xf32>} : () -> tensor<1x1x2x1xf32>
  %bd = "tosa.const"() {values = dense<[2.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 27.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.depthwise_conv2d %1, %wd, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %3 = tosa.clamp %2 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %4 = tosa.conv2d %3, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %4 : tensor<1x2x2x1xf32>
}

// -----

// conv → ReLU → average pool → reshape → fully connected: FC row k carries
// channel k. r1 = [1, 4], r2 = [4, 1] → s = [0.5, 2]: W1' = [2, 2], FC rows
// ×s = [[2, 1], [2, 1]]; the FC's own bias is untouched. The batch norm statistics of W1 are divided by s too:
// mean [1, 4] → [2, 2], std [0.5, 2] → [1, 1].
// CHECK-LABEL: func.func @conv_pool_fc
// CHECK: %[[W1:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// CHECK: tosa.conv2d %arg0, %[[W1]], %{{.*}}qopt.bn_mean = dense<2.000000e+00> : tensor<2xf32>, qopt.bn_std = dense<1.000000e+00> : tensor<2xf32>
// CHECK: %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}2.000000e+00, 1.000000e+00], [2.000000e+00, 1.000000e+00]]]> : tensor<1x2x2xf32>}>
// CHECK: tosa.matmul %{{.*}}, %[[W2]]
func.func @conv_pool_fc(%x: tensor<1x2x2x1xf32>) -> tensor<1x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[4.0, 2.0], [1.0, 0.5]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %b2 = "tosa.const"() {values = dense<[[1.0, -1.0]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[1.0, 4.0]> : tensor<2xf32>, qopt.bn_std = dense<[0.5, 2.0]> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.avg_pool2d %1, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %3 = tosa.reshape %2, %s : (tensor<1x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %4 = tosa.matmul %3, %w2, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %5 = tosa.reshape %4, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %6 = tosa.add %5, %b2 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %6 : tensor<1x2xf32>
}

// -----

// ReLU6 does not commute with a per-channel scale: skipped by default; with
// relu6=approximate the pair is equalized (s = [2, 0.5], as in
// @conv_relu_conv) and the clamp becomes a ReLU.
// CHECK-LABEL: func.func @relu6
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
// CHECK: tosa.clamp %{{.*}} {max_val = 6.000000e+00 : f32
// APPROX-LABEL: func.func @relu6
// APPROX-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<2x1x1x1xf32>}>
// APPROX-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1x1x2xf32>}>
// APPROX: tosa.clamp %{{.*}} {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32}
func.func @relu6(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}

// -----

// A clamp that is not a ReLU (min -1) is not positively homogeneous:
// unchanged.
// CHECK-LABEL: func.func @not_relu
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
func.func @not_relu(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = -1.0 : f32, max_val = 1.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}

// -----

// A sigmoid between the layers: unchanged.
// CHECK-LABEL: func.func @sigmoid
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
func.func @sigmoid(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.sigmoid %0 : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}

// -----

// The ReLU's result is also returned: scaling it would change that result.
// CHECK-LABEL: func.func @multi_use
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
func.func @multi_use(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>) {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2, %1 : tensor<1x2x2x1xf32>, tensor<1x2x2x2xf32>
}

// -----

// The second layer's weights are an argument, not a constant: unchanged.
// CHECK-LABEL: func.func @weights_not_constant
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[\[\[}}4.000000e+00]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %arg1
func.func @weights_not_constant(%x: tensor<1x2x2x1xf32>, %w2: tensor<1x1x1x2xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[4.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %b2 = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}
