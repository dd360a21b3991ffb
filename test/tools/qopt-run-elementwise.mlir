// qopt-run on float TOSA math that calls libm, checked against numpy
// (Inputs/reference.py).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/reference.py gen %t elementwise
// RUN: qopt-run %s --entry elementwise --input %t/elementwise/in0.npy --input %t/elementwise/in1.npy --output %t/elementwise/out0.npy --output %t/elementwise/out1.npy --output %t/elementwise/out2.npy
// RUN: %python %S/Inputs/reference.py check %t elementwise | FileCheck %s
// CHECK: elementwise: ok

// Transcendental and broadcast arithmetic, average pooling, concat and
// transpose.
func.func @elementwise(%x: tensor<1x4x4x2xf32>, %s: tensor<1x1x1x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>, tensor<1x4x4x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %t = tosa.tanh %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %g = tosa.sigmoid %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %m = tosa.mul %t, %g, %shift : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %y = tosa.sub %m, %s : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  %avg = tosa.avg_pool2d %y, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %cat = tosa.concat %x, %y {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %tr = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %y, %avg, %tr : tensor<1x4x4x2xf32>, tensor<1x2x2x2xf32>, tensor<1x4x4x4xf32>
}
