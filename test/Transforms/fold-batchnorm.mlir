// RUN: qopt-mlir %s -split-input-file --qopt-fold-batchnorm | FileCheck %s

// conv + batch norm as ((y - mean) * scale) + beta, per channel:
//   a = scale = [2, 0.5], d = -mean * a + beta = [-1.75, 2],
//   W' = a[o] * W[o] = [[2, 4], [1.5, 2]], b' = a * b + d = [-0.75, 1.5].
// CHECK-LABEL: func.func @conv_bn
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.000000e+00, 4.000000e+00]]], {{\[\[\[}}1.500000e+00, 2.000000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[-7.500000e-01, 1.500000e+00]> : tensor<2xf32>}>
// CHECK: %[[C:.*]] = tosa.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: tosa.sub
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[C]]
func.func @conv_bn(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0]]], [[[3.0, 4.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.5, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %mean = "tosa.const"() {values = dense<[[[[1.0, 2.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %scale = "tosa.const"() {values = dense<[[[[2.0, 0.5]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %beta = "tosa.const"() {values = dense<[[[[0.25, 3.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.sub %c, %mean : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.mul %0, %scale, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %2 = tosa.add %beta, %1 : (tensor<1x1x1x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// depthwise (KHxKWxCxM = 1x1x2x2, output channel c*M+m), x - mean written as
// an add of -1, then a per-channel scale [1, 2, 3, 4]:
//   W' = [1, 4, 9, 16], b' = 0.5 * a - a = [-0.5, -1, -1.5, -2].
// CHECK-LABEL: func.func @depthwise_bn
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 4.000000e+00], [9.000000e+00, 1.600000e+01]]]]> : tensor<1x1x2x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[-5.000000e-01, -1.000000e+00, -1.500000e+00, -2.000000e+00]> : tensor<4xf32>}>
// CHECK: %[[C:.*]] = tosa.depthwise_conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[C]]
func.func @depthwise_bn(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x4xf32>
  %negmean = "tosa.const"() {values = dense<-1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %scale = "tosa.const"() {values = dense<[[[[1.0, 2.0, 3.0, 4.0]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.add %c, %negmean : (tensor<1x2x2x4xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x4xf32>
  %1 = tosa.mul %0, %scale, %shift : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xi8>) -> tensor<1x2x2x4xf32>
  return %1 : tensor<1x2x2x4xf32>
}

// -----

// Fully connected: matmul -> reshape -> bias add -> mul by [2, -1, 0] (a
// negative and a zero scale are fine: the map is linear):
//   W' = [[2, -2, 0], [8, -5, 0]], bias' = [0.5, 1, 1.5] * a = [1, -1, 0],
// re-created as one add of a 1xN constant after the reshape.
// CHECK-LABEL: func.func @fc_bias_scale
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}2.000000e+00, -2.000000e+00, 0.000000e+00], [8.000000e+00, -5.000000e+00, 0.000000e+00]]]> : tensor<1x2x3xf32>}>
// CHECK: %[[M:.*]] = tosa.matmul %arg0, %[[W]]
// CHECK: %[[R:.*]] = tosa.reshape %[[M]]
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.000000e+00, -1.000000e+00, 0.000000e+00]]> : tensor<1x3xf32>}>
// CHECK: %[[A:.*]] = tosa.add %[[R]], %[[B]]
// CHECK-NOT: tosa.mul
// CHECK: return %[[A]]
func.func @fc_bias_scale(%x: tensor<1x1x2xf32>) -> tensor<1x3xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %s = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  %b = "tosa.const"() {values = dense<[[0.5, 1.0, 1.5]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %0 = tosa.add %r, %b : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  %scale = "tosa.const"() {values = dense<[[2.0, -1.0, 0.0]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %1 = tosa.mul %0, %scale, %shift : (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1xi8>) -> tensor<1x3xf32>
  return %1 : tensor<1x3xf32>
}

// -----

// Fully connected without a bias: mul by 2, then c - y with c = [1, 2, 3]
// negates: a = -2, d = c. The bias add is materialized after the matmul.
// CHECK-LABEL: func.func @fc_no_bias
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}-2.000000e+00, -4.000000e+00, -6.000000e+00], [-8.000000e+00, -1.000000e+01, -1.200000e+01]]]> : tensor<1x2x3xf32>}>
// CHECK: %[[M:.*]] = tosa.matmul %arg0, %[[W]]
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00]]]> : tensor<1x1x3xf32>}>
// CHECK: %[[A:.*]] = tosa.add %[[M]], %[[B]]
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.sub
// CHECK: return %[[A]]
func.func @fc_no_bias(%x: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %m, %two, %shift : (tensor<1x1x3xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x1x3xf32>
  %c = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0]]]> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
  %1 = tosa.sub %c, %0 : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
  return %1 : tensor<1x1x3xf32>
}

// -----

// A lone FC bias add is already in its folded form: unchanged.
// CHECK-LABEL: func.func @fc_bias_only
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00, 6.000000e+00]]]>
// CHECK: %[[M:.*]] = tosa.matmul %arg0, %[[W]]
// CHECK: tosa.add %[[M]]
func.func @fc_bias_only(%x: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  %w = "tosa.const"() {values = dense<[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %b = "tosa.const"() {values = dense<[[[0.5, 1.0, 1.5]]]> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32>
  %0 = tosa.add %m, %b : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

// The conv result has a second use: nothing folds.
// CHECK-LABEL: func.func @second_use
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}2.000000e+00]]]]>
// CHECK: %[[C:.*]] = tosa.conv2d %arg0, %[[W]]
// CHECK: %[[M:.*]] = tosa.mul %[[C]]
// CHECK: return %[[M]], %[[C]]
func.func @second_use(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %scale = "tosa.const"() {values = dense<3.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %c, %scale, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %0, %c : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// The chain stops at an intermediate with two uses: the mul (scale 3) folds,
// the add after it does not. W' = [3, 6], b' = [0, 0].
// CHECK-LABEL: func.func @second_use_in_chain
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<2xf32>}>
// CHECK: %[[C:.*]] = tosa.conv2d %arg0, %[[W]], %[[B]]
// CHECK-NOT: tosa.mul
// CHECK: %[[A:.*]] = tosa.add %[[C]]
// CHECK: return %[[A]], %[[C]]
func.func @second_use_in_chain(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %scale = "tosa.const"() {values = dense<3.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %c, %scale, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %beta = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %1 = tosa.add %0, %beta : (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %1, %0 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// A non-constant operand blocks folding.
// CHECK-LABEL: func.func @not_constant
// CHECK: %[[C:.*]] = tosa.conv2d
// CHECK: tosa.mul %[[C]], %arg1
func.func @not_constant(%x: tensor<1x2x2x1xf32>, %g: tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %c, %g, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// A constant that varies along a spatial axis (1x2x1x1) is not per channel.
// CHECK-LABEL: func.func @not_channel_axis
// CHECK: %[[C:.*]] = tosa.conv2d
// CHECK: tosa.mul %[[C]]
func.func @not_channel_axis(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %g = "tosa.const"() {values = dense<[[[[2.0]], [[3.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %c, %g, %shift : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Weights in a resource blob (as importers write them): [1, 2] scaled by 3.
// CHECK-LABEL: func.func @resource_weights
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}3.000000e+00]]], {{\[\[\[}}6.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK: tosa.conv2d %arg0, %[[W]]
// CHECK-NOT: tosa.mul
func.func @resource_weights(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense_resource<weights> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %scale = "tosa.const"() {values = dense<3.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.mul %c, %scale, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      weights: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Batch norm as TOSA legalizations write it, ((y - mean) * (1/sigma)) * gamma
// + beta, also records the statistics of the normalized output on the conv:
// mean = beta = [0.5, 1], std = |gamma| = [2, 3].
// CHECK-LABEL: func.func @records_statistics
// CHECK: tosa.conv2d {{.*}}qopt.bn_mean = dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>, qopt.bn_std = dense<[2.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-NOT: tosa.mul
func.func @records_statistics(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %mean = "tosa.const"() {values = dense<[[[[1.0, -2.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %inv = "tosa.const"() {values = dense<[[[[0.5, 0.25]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %gamma = "tosa.const"() {values = dense<[[[[2.0, -3.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %beta = "tosa.const"() {values = dense<[[[[0.5, 1.0]]]]> : tensor<1x1x1x2xf32>} : () -> tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.sub %c, %mean : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.mul %0, %inv, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %2 = tosa.mul %1, %gamma, %shift : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x2x2x2xf32>
  %3 = tosa.add %2, %beta : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x2x2x2xf32>
  return %3 : tensor<1x2x2x2xf32>
}
