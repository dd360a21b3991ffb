// qopt-run on float TOSA, checked against numpy (Inputs/reference.py).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/reference.py gen %t conv matmul
// RUN: qopt-run %s --entry conv --input %t/conv/in0.npy --input %t/conv/in1.npy --input %t/conv/in2.npy --output %t/conv/out0.npy --output %t/conv/out1.npy --output %t/conv/out2.npy
// RUN: qopt-run %s --entry matmul --input %t/matmul/in0.npy --input %t/matmul/in1.npy --input %t/matmul/in2.npy --output %t/matmul/out0.npy --output %t/matmul/out1.npy
// RUN: %python %S/Inputs/reference.py check %t conv matmul | FileCheck %s --check-prefix=FLOAT
// FLOAT: conv: ok
// FLOAT: matmul: ok

// --benchmark times further calls after the first (whose results are the
// ones written) and reports the median and the minimum.
// RUN: qopt-run %s --entry matmul --input %t/matmul/in0.npy --input %t/matmul/in1.npy --input %t/matmul/in2.npy --output-dir %t --benchmark 5 | FileCheck %s --check-prefix=BENCH
// BENCH: qopt-run: 5 runs: median {{[0-9.]+}} ms, min {{[0-9.]+}} ms

// Conv (padded, and strided with asymmetric padding) + ReLU6 + max pooling.
func.func @conv(%x: tensor<1x6x6x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> (tensor<1x6x6x4xf32>, tensor<1x3x3x4xf32>, tensor<1x3x3x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xf32>) -> tensor<1x3x3x4xf32>
  %s = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  return %r, %p, %s : tensor<1x6x6x4xf32>, tensor<1x3x3x4xf32>, tensor<1x3x3x4xf32>
}

// Fully connected layer (reshape, matmul, reshape, bias add) with ReLU, and
// softmax of its logits.
func.func @matmul(%x: tensor<2x8xf32>, %w: tensor<1x8x5xf32>, %b: tensor<1x5xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %s3 = tosa.const_shape {values = dense<[1, 2, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %s3 : (tensor<2x8xf32>, !tosa.shape<3>) -> tensor<1x2x8xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x2x8xf32>, tensor<1x8x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x5xf32>
  %s2 = tosa.const_shape {values = dense<[2, 5]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s2 : (tensor<1x2x5xf32>, !tosa.shape<2>) -> tensor<2x5xf32>
  %l = tosa.add %r, %b : (tensor<2x5xf32>, tensor<1x5xf32>) -> tensor<2x5xf32>
  %relu = tosa.clamp %l {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %mx = tosa.reduce_max %l {axis = 1 : i32} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  %d = tosa.sub %l, %mx : (tensor<2x5xf32>, tensor<2x1xf32>) -> tensor<2x5xf32>
  %e = tosa.exp %d : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %sum = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<2x5xf32>) -> tensor<2x1xf32>
  %rc = tosa.reciprocal %sum : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %sm = tosa.mul %e, %rc, %shift : (tensor<2x5xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x5xf32>
  return %relu, %sm : tensor<2x5xf32>, tensor<2x5xf32>
}
