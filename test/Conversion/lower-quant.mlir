// RUN: qopt-mlir %s --qopt-lower-quant --split-input-file --verify-diagnostics | FileCheck %s

// Quantize: x·(1/s) + z, clamped to the (narrow) storage range, then
// tosa.cast, which rounds half to even. Dequantize: (q − z)·s.
// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[INV:.*]] = "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x1xf32>}>
// CHECK: %[[M:.*]] = tosa.mul %[[X]], %[[INV]]
// CHECK: %[[Z:.*]] = "tosa.const"() <{values = dense<-2.000000e+00> : tensor<1x1xf32>}>
// CHECK: %[[A:.*]] = tosa.add %[[M]], %[[Z]]
// CHECK: %[[C:.*]] = tosa.clamp %[[A]] {max_val = 7.000000e+00 : f32, min_val = -8.000000e+00 : f32}
// CHECK: %[[Q:.*]] = tosa.cast %[[C]] : (tensor<2x3xf32>) -> tensor<2x3xi8>
// CHECK: %[[F:.*]] = tosa.cast %[[Q]] : (tensor<2x3xi8>) -> tensor<2x3xf32>
// CHECK: %[[S:.*]] = tosa.sub %[[F]], %{{.*}} : (tensor<2x3xf32>, tensor<1x1xf32>)
// CHECK: %[[R:.*]] = tosa.mul %[[S]]
// CHECK: return %[[R]]
// CHECK-NOT: quant.
func.func @per_tensor(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = quant.qcast %a : tensor<2x3xf32> to tensor<2x3x!quant.uniform<i8<-8:7>:f32, 0.5:-2>>
  %d = quant.dcast %q : tensor<2x3x!quant.uniform<i8<-8:7>:f32, 0.5:-2>> to tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// Per-axis weights: the integer constant is read directly (scast vanishes)
// and scaled per channel along the quantized axis; zero point 0 needs no sub.
// CHECK-LABEL: func.func @per_axis_weights
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>}>
// CHECK: %[[F:.*]] = tosa.cast %[[W]] : (tensor<2x3xi8>) -> tensor<2x3xf32>
// CHECK: %[[S:.*]] = "tosa.const"() <{values = dense<{{\[\[}}2.500000e-01], [2.000000e+00]]> : tensor<2x1xf32>}>
// CHECK-NOT: tosa.sub
// CHECK: %[[R:.*]] = tosa.mul %[[F]], %[[S]]
// CHECK: return %[[R]]
func.func @per_axis_weights() -> tensor<2x3xf32> {
  %w = "tosa.const"() {values = dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>} : () -> tensor<2x3xi8>
  %wq = quant.scast %w : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 2.0}>>
  %wd = quant.dcast %wq : tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 2.0}>> to tensor<2x3xf32>
  return %wd : tensor<2x3xf32>
}

// -----

// Integer I/O: quantized arguments and results take their storage type.
// CHECK-LABEL: func.func @int_io
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK: %[[F:.*]] = tosa.cast %[[X]] : (tensor<4xi8>) -> tensor<4xf32>
// CHECK: %[[Q:.*]] = tosa.cast %{{.*}} : (tensor<4xf32>) -> tensor<4xi8>
// CHECK: return %[[Q]] : tensor<4xi8>
func.func @int_io(%a: tensor<4x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.2>> {
  %d = quant.dcast %a : tensor<4x!quant.uniform<i8:f32, 0.1:3>> to tensor<4xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %q = quant.qcast %r : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.2>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.2>>
}

// -----

// Integer values handed back as quantized values (as qopt-integerize does)
// flow through to their consumers without arithmetic.
// CHECK-LABEL: func.func @storage_roundtrip
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-NEXT: return %[[X]]
func.func @storage_roundtrip(%a: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1:3>>
  %i = quant.scast %q : tensor<4x!quant.uniform<i8:f32, 0.1:3>> to tensor<4xi8>
  return %i : tensor<4xi8>
}

// -----

func.func @sub_channel(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unsupported quantized type for lowering}}
  %q = quant.qcast %a : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32:{0:2}, {0.5, 0.25}>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<i8:f32:{0:2}, {0.5, 0.25}>> to tensor<4xf32>
  return %d : tensor<4xf32>
}
