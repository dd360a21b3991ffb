// RUN: qopt-mlir %s -split-input-file --qopt-absorb-high-bias | FileCheck %s

// conv → ReLU → conv (2x1 kernel). Pre-activation mean β = [5, 1], std
// γ = [1, 1]: c = max(0, β − 3γ) = [2, 0].
//   b1 = [6, 1] − c = [4, 1], recorded mean [3, 1];
//   b2 = 0.5 + Σ_(kh, i) W2·c = 0.5 + (1 + 2)·2 = 6.5.
// CHECK-LABEL: func.func @conv_relu_conv
// CHECK: %[[B1:.*]] = "tosa.const"() <{values = dense<[4.000000e+00, 1.000000e+00]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %arg0, %{{.*}}, %[[B1]], {{.*}}qopt.bn_mean = dense<[3.000000e+00, 1.000000e+00]> : tensor<2xf32>, qopt.bn_std = dense<1.000000e+00> : tensor<2xf32>
// CHECK: %[[B2:.*]] = "tosa.const"() <{values = dense<6.500000e+00> : tensor<1xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B2]]
func.func @conv_relu_conv(%x: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[6.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]], [[2.0, 0.5]]]]> : tensor<1x2x1x2xf32>} : () -> tensor<1x2x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[5.0, 1.0]> : tensor<2xf32>, qopt.bn_std = dense<[1.0, 1.0]> : tensor<2xf32>} : (tensor<1x2x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}

// -----

// conv → ReLU → reshape → fully connected: β = [4, 0], γ = [0.5, 1] →
// c = [2.5, 0]; the FC bias add [1, 1] gains row 0 of W2 times 2.5:
// [1 + 2.5, 1 − 5] = [3.5, −4].
// CHECK-LABEL: func.func @conv_relu_fc
// CHECK: %[[B1:.*]] = "tosa.const"() <{values = dense<[-2.500000e+00, 0.000000e+00]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %arg0, %{{.*}}, %[[B1]]
// CHECK: %[[B2:.*]] = "tosa.const"() <{values = dense<{{\[\[}}3.500000e+00, -4.000000e+00]]> : tensor<1x2xf32>}>
// CHECK: tosa.add %{{.*}}, %[[B2]]
func.func @conv_relu_fc(%x: tensor<1x1x1x1xf32>) -> tensor<1x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[1.0, -2.0], [3.0, 3.0]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %b2 = "tosa.const"() {values = dense<[[1.0, 1.0]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[4.0, 0.0]> : tensor<2xf32>, qopt.bn_std = dense<[0.5, 1.0]> : tensor<2xf32>} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x1x1x2xf32>) -> tensor<1x1x1x2xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %1, %s : (tensor<1x1x1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %3 = tosa.matmul %2, %w2, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %4 = tosa.reshape %3, %s2 : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %5 = tosa.add %4, %b2 : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %5 : tensor<1x2xf32>
}

// -----

// Without recorded statistics there is nothing to absorb.
// CHECK-LABEL: func.func @no_statistics
// CHECK-DAG: "tosa.const"() <{values = dense<[6.000000e+00, 1.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<5.000000e-01> : tensor<1xf32>}>
func.func @no_statistics(%x: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[6.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]], [[2.0, 0.5]]]]> : tensor<1x2x1x2xf32>} : () -> tensor<1x2x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}

// -----

// ReLU6(x − c) ≠ ReLU6(x) − c near the upper bound: unchanged.
// CHECK-LABEL: func.func @relu6
// CHECK-DAG: "tosa.const"() <{values = dense<[6.000000e+00, 1.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<5.000000e-01> : tensor<1xf32>}>
func.func @relu6(%x: tensor<1x2x1x1xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[6.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]], [[2.0, 0.5]]]]> : tensor<1x2x1x2xf32>} : () -> tensor<1x2x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[5.0, 1.0]> : tensor<2xf32>, qopt.bn_std = dense<[1.0, 1.0]> : tensor<2xf32>} : (tensor<1x2x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}

// -----

// The ReLU's result is also returned: unchanged.
// CHECK-LABEL: func.func @multi_use
// CHECK-DAG: "tosa.const"() <{values = dense<[6.000000e+00, 1.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<5.000000e-01> : tensor<1xf32>}>
func.func @multi_use(%x: tensor<1x2x1x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x2x1x2xf32>) {
  %w1 = "tosa.const"() {values = dense<[[[[1.0]]], [[[1.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[6.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 4.0]], [[2.0, 0.5]]]]> : tensor<1x2x1x2xf32>} : () -> tensor<1x2x1x2xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.bn_mean = dense<[5.0, 1.0]> : tensor<2xf32>, qopt.bn_std = dense<[1.0, 1.0]> : tensor<2xf32>} : (tensor<1x2x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x1x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x1x2xf32>) -> tensor<1x2x1x2xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x1x2xf32>, tensor<1x2x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %2, %1 : tensor<1x1x1x1xf32>, tensor<1x2x1x2xf32>
}
