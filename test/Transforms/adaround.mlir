// Every function takes 1x4x4x3 inputs: 8 samples of independent standard
// normal channels. (Inputs/check_adaround.py checks the numbers of learned
// rounding on correlated inputs, against numpy.)
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as n; n.save('%t/x.npy', n.random.default_rng(0).standard_normal((8, 4, 4, 3)).astype('f4'))"
// RUN: qopt-mlir %s -split-input-file --qopt-adaround="samples=%t/x.npy weight-bits=2 iterations=300 correct-bias=false" | FileCheck %s
// RUN: qopt-mlir %s -split-input-file --qopt-adaround="samples=%t/x.npy weight-bits=2 iterations=300 per-channel=false correct-bias=false" | FileCheck %s --check-prefix=TENSOR
// The same rounding with inputs=float; with the default correct-bias=true
// the biases absorb the mean output error (adaround-numeric.test checks the
// values).
// RUN: qopt-mlir %s -split-input-file --qopt-adaround="samples=%t/x.npy weight-bits=2 iterations=300 inputs=float correct-bias=false" | FileCheck %s
// RUN: qopt-mlir %s -split-input-file --qopt-adaround="samples=%t/x.npy weight-bits=2 iterations=300" | FileCheck %s --check-prefix=BIAS

// At 2 bits (integers -2..1) the scale is the channel's max |w| / 2 = 0.5.
// With uncorrelated inputs the output error is Σ (w − ŵ)²·E[x²]: nearest
// rounding is best, and weights (1, 0.2, 0.7) become (0.5, 0, 0.5) (the +1
// level clips).
// CHECK-LABEL: func.func @fully_connected
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[}}{{\[}}[5.000000e-01], [0.000000e+00], [5.000000e-01]]]> : tensor<1x3x1xf32>}>
// CHECK: tosa.matmul %{{.*}}, %[[W]], {{.*}} {qopt.weight_bits = 2 : i32, qopt.weight_scales = array<f64: 5.000000e-01>}
// TENSOR-LABEL: func.func @fully_connected
// TENSOR: qopt.weight_scales = array<f64: 5.000000e-01>
func.func @fully_connected(%x: tensor<1x4x4x3xf32>) -> tensor<1x16x1xf32> {
  %shape = tosa.const_shape {values = dense<[1, 16, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %shape : (tensor<1x4x4x3xf32>, !tosa.shape<3>) -> tensor<1x16x3xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.2], [0.7]]]> : tensor<1x3x1xf32>}> : () -> tensor<1x3x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp : (tensor<1x16x3xf32>, tensor<1x3x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x1xf32>
  return %y : tensor<1x16x1xf32>
}

// -----

// Per output channel: scales 0.25 and 1 (per tensor: 1). Weights on the
// grid stay where they are (0.5 and 2 are beyond the +1 level and clip); the
// bias is untouched.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[}}{{\[}}{{\[}}[2.500000e-01, 0.000000e+00, -5.000000e-01]]], {{\[}}{{\[}}[-2.000000e+00, 1.000000e+00, 0.000000e+00]]]]> : tensor<2x1x1x3xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e-01, -1.000000e-01]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %[[W]], %[[B]], {{.*}}qopt.weight_bits = 2 : i32, qopt.weight_scales = array<f64: 2.500000e-01, 1.000000e+00>
// TENSOR-LABEL: func.func @conv
// TENSOR: qopt.weight_scales = array<f64: 1.000000e+00>
// BIAS-LABEL: func.func @conv
// BIAS-NOT: dense<[1.000000e-01, -1.000000e-01]>
// BIAS: tosa.conv2d
func.func @conv(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5, 0.0, -0.5]]], [[[-2.0, 2.0, 0.0]]]]> : tensor<2x1x1x3xf32>}> : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() <{values = dense<[0.1, -0.1]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// A padded, strided 3x3 depthwise conv: one scale per channel (max |w| / 2).
// CHECK-LABEL: func.func @depthwise
// CHECK: tosa.depthwise_conv2d {{.*}}qopt.weight_bits = 2 : i32, qopt.weight_scales = array<f64: 5.625000e-01, 1.125000e+00, 2.250000e+00>
// TENSOR-LABEL: func.func @depthwise
// TENSOR: qopt.weight_scales = array<f64: 2.250000e+00>
func.func @depthwise(%x: tensor<1x4x4x3xf32>) -> tensor<1x2x2x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.125], [0.25], [0.5]], [[0.25], [0.5], [1.0]], [[0.375], [0.75], [1.5]]], [[[0.5], [1.0], [2.0]], [[0.625], [1.25], [2.5]], [[0.75], [1.5], [3.0]]], [[[0.875], [1.75], [3.5]], [[1.0], [2.0], [4.0]], [[1.125], [2.25], [4.5]]]]> : tensor<3x3x3x1xf32>}> : () -> tensor<3x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x3xf32>, tensor<3x3x3x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  return %y : tensor<1x2x2x3xf32>
}

// -----

// A matmul of two activations has no weights to round.
// CHECK-LABEL: func.func @activations_only
// CHECK-NOT: qopt.weight_scales
// TENSOR-LABEL: func.func @activations_only
func.func @activations_only(%x: tensor<1x4x4x3xf32>) -> tensor<1x4x4xf32> {
  %shape = tosa.const_shape {values = dense<[1, 4, 12]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %shape : (tensor<1x4x4x3xf32>, !tosa.shape<3>) -> tensor<1x4x12xf32>
  %perms = tosa.transpose %a {perms = array<i32: 0, 2, 1>} : (tensor<1x4x12xf32>) -> tensor<1x12x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %perms, %zp, %zp : (tensor<1x4x12xf32>, tensor<1x12x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
  return %y : tensor<1x4x4xf32>
}
