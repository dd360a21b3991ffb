// qopt-run on integer TOSA and on quant casts (QDQ), bit-exact against numpy
// (Inputs/reference.py).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/reference.py gen %t int_conv int_matmul qdq
// RUN: qopt-run %s --entry int_conv --input %t/int_conv/in0.npy --input %t/int_conv/in1.npy --input %t/int_conv/in2.npy --output %t/int_conv/out0.npy --output %t/int_conv/out1.npy
// RUN: qopt-run %s --entry int_matmul --input %t/int_matmul/in0.npy --input %t/int_matmul/in1.npy --output %t/int_matmul/out0.npy
// RUN: qopt-run %s --entry qdq --input %t/qdq/in0.npy --output %t/qdq/out0.npy
// RUN: %python %S/Inputs/reference.py check %t int_conv int_matmul qdq | FileCheck %s
// CHECK: int_conv: ok
// CHECK: int_matmul: ok
// CHECK: qdq: ok

// int8 conv with an input zero point, i32 accumulators, per-channel rescale
// (SINGLE_ROUND) to an output zero point, ReLU as an integer clamp.
func.func @int_conv(%x: tensor<1x5x5x2xi8>, %w: tensor<3x3x3x2xi8>, %b: tensor<3xi32>) -> (tensor<1x5x5x3xi32>, tensor<1x5x5x3xi8>) {
  %izp = "tosa.const"() {values = dense<-3> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x5x5x2xi8>, tensor<3x3x3x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x5x5x3xi32>
  %m = "tosa.const"() {values = dense<[1073741824, 1500000000, 2000000000]> : tensor<3xi32>} : () -> tensor<3xi32>
  %s = "tosa.const"() {values = dense<[38, 39, 40]> : tensor<3xi8>} : () -> tensor<3xi8>
  %rzp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<5> : tensor<1xi8>} : () -> tensor<1xi8>
  %r = tosa.rescale %acc, %m, %s, %rzp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = #tosa.rounding_mode<SINGLE_ROUND>, scale32 = true} : (tensor<1x5x5x3xi32>, tensor<3xi32>, tensor<3xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x5x5x3xi8>
  %c = tosa.clamp %r {min_val = 5 : i8, max_val = 127 : i8} : (tensor<1x5x5x3xi8>) -> tensor<1x5x5x3xi8>
  return %acc, %c : tensor<1x5x5x3xi32>, tensor<1x5x5x3xi8>
}

// int8 matmul with zero points on both operands, DOUBLE_ROUND rescale.
func.func @int_matmul(%a: tensor<1x3x16xi8>, %b: tensor<1x16x4xi8>) -> tensor<1x3x4xi8> {
  %azp = "tosa.const"() {values = dense<-2> : tensor<1xi8>} : () -> tensor<1xi8>
  %bzp = "tosa.const"() {values = dense<3> : tensor<1xi8>} : () -> tensor<1xi8>
  %acc = tosa.matmul %a, %b, %azp, %bzp : (tensor<1x3x16xi8>, tensor<1x16x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x4xi32>
  %m = "tosa.const"() {values = dense<1518500250> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<40> : tensor<1xi8>} : () -> tensor<1xi8>
  %rzp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-7> : tensor<1xi8>} : () -> tensor<1xi8>
  %r = tosa.rescale %acc, %m, %s, %rzp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = #tosa.rounding_mode<DOUBLE_ROUND>, scale32 = true} : (tensor<1x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x4xi8>
  return %r : tensor<1x3x4xi8>
}

// quant.qcast/dcast, lowered by qopt-lower-quant inside the JIT pipeline.
func.func @qdq(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %q = quant.qcast %x : tensor<2x8xf32> to tensor<2x8x!quant.uniform<i8<-8:7>:f32, 0.5:-2>>
  %d = quant.dcast %q : tensor<2x8x!quant.uniform<i8<-8:7>:f32, 0.5:-2>> to tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}
