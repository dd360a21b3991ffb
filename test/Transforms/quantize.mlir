// Each graph comes with its own statistics file; split-file writes both.
// RUN: split-file %s %t
// RUN: qopt-mlir %t/conv.mlir --qopt-quantize="stats=%t/conv.stats" | FileCheck %t/conv.mlir
// RUN: qopt-mlir %t/conv.mlir --qopt-quantize="stats=%t/conv.stats per-channel=false" | FileCheck %t/conv.mlir --check-prefix=TENSOR
// RUN: qopt-mlir %t/conv.mlir --qopt-quantize="stats=%t/conv.stats layer-bits=2=4/4" | FileCheck %t/conv.mlir --check-prefix=LAYER
// RUN: qopt-mlir %t/conv.mlir --qopt-quantize="stats=%t/conv.stats int-io=true" | FileCheck %t/conv.mlir --check-prefix=INTIO
// RUN: qopt-mlir %t/fc.mlir --qopt-quantize="stats=%t/fc.stats" | FileCheck %t/fc.mlir
// RUN: qopt-mlir %t/recorded.mlir --qopt-quantize="stats=%t/conv.stats" | FileCheck %t/recorded.mlir
// RUN: qopt-mlir %t/table.mlir --qopt-quantize="stats=%t/table.stats" | FileCheck %t/table.mlir
// RUN: qopt-mlir %t/residual.mlir --qopt-quantize="stats=%t/residual.stats" | FileCheck %t/residual.mlir

//--- conv.mlir
// conv + ReLU6: one quantization point on the input, one on the clamp; the
// conv result itself is fused. Input scale 0.01 (range [-1.28, 1.27]),
// output scale 0.01 zero point -128 (range [0, 2.55]); weight scales
// 1.27/127 and 0.635/127; bias in s_in·s_w: 0.1/1e-4 and -0.2/5e-5.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<1x2x2x1xf32> {qopt.quant = !quant.uniform<i8:f32, 0.0099999999999999984>})
// CHECK-SAME: -> (tensor<1x2x2x2xf32> {qopt.quant = !quant.uniform<i8:f32, 0.0099999999999999984:-128>})
// CHECK: %[[XQ:.*]] = quant.qcast %[[X]] : tensor<1x2x2x1xf32> to tensor<1x2x2x1x!quant.uniform<i8:f32, 0.0099999999999999984>>
// CHECK: %[[XD:.*]] = quant.dcast %[[XQ]]
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<127> : tensor<2x1x1x1xi8>}>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.009999999849815068,0.004999999924907534}>>
// CHECK: %[[WD:.*]] = quant.dcast %[[WQ]]
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[1000, -4000]> : tensor<2xi32>}>
// CHECK: %[[BQ:.*]] = quant.scast %[[B]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {9.999999849815066E-5,4.999999924907533E-5}>>
// CHECK: %[[BD:.*]] = quant.dcast %[[BQ]]
// CHECK: %[[C:.*]] = tosa.conv2d %[[XD]], %[[WD]], %[[BD]]
// CHECK-NOT: quant.qcast
// CHECK: %[[R:.*]] = tosa.clamp %[[C]]
// CHECK: %[[RQ:.*]] = quant.qcast %[[R]] : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.0099999999999999984:-128>>
// CHECK: %[[RD:.*]] = quant.dcast %[[RQ]]
// CHECK: return %[[RD]]

// Per tensor: one weight scale for both channels (the larger range).
// TENSOR: quant.scast %{{.*}} : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32, 0.009999999849815068>>
// TENSOR: "tosa.const"() <{values = dense<[1000, -2000]> : tensor<2xi32>}>

// layer-bits=2=4/4: the layer whose output is activation #2 gets 4-bit
// weights (range ±7) and a 4-bit output; the input stays 8-bit.
// LAYER: quant.qcast %{{.*}} to tensor<1x2x2x1x!quant.uniform<i8:f32, 0.0099999999999999984>>
// LAYER: "tosa.const"() <{values = dense<7> : tensor<2x1x1x1xi8>}>
// LAYER: quant.scast {{.*}} to tensor<2x1x1x1x!quant.uniform<i8<-7:7>:f32:0, {0.18142856870378768,0.09071428435189384}>>
// LAYER: quant.qcast %{{.*}} to tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, 0.16999999999999998:-8>>

// Integer I/O: the argument and the result are the integers.
// INTIO-LABEL: func.func @main
// INTIO-SAME: (%[[X:[a-z0-9]+]]: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.0099999999999999984>> {qopt.quant = !quant.uniform<i8:f32, 0.0099999999999999984>})
// INTIO-SAME: -> (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.0099999999999999984:-128>> {qopt.quant
// INTIO: quant.dcast %[[X]]
// INTIO: %[[RQ:.*]] = quant.qcast
// INTIO: return %[[RQ]]

func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.27]]], [[[0.635]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

//--- conv.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 2, 2, 1], "min": -1.28, "max": 1.27, "histogram": [1, 1, 1, 1]},
  {"id": 1, "source": "tosa.conv2d", "shape": [1, 2, 2, 2], "min": -2.0, "max": 2.55, "histogram": [1, 1, 1, 1]},
  {"id": 2, "source": "tosa.clamp", "shape": [1, 2, 2, 2], "min": 0.0, "max": 2.55, "histogram": [1, 1, 1, 1]}]}

//--- recorded.mlir
// Scales recorded by qopt-adaround are used as they are (min-max would give
// 0.5/127 and 0.25/127), so the weights quantize to the learned integers;
// the attributes are consumed.
// CHECK-LABEL: func.func @main
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[}}{{\[}}{{\[}}[50]]], {{\[}}{{\[}}[-50]]]]> : tensor<2x1x1x1xi8>}>
// CHECK: quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,5.000000e-03}>>
// CHECK-NOT: qopt.weight_
// CHECK: tosa.conv2d {{.*}}qopt.weight_format = "uniform"
// CHECK-NOT: qopt.weight_scales
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 8 : i32, qopt.weight_scales = array<f64: 0.01, 0.005>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

//--- fc.mlir
// Fully connected: matmul → reshape → bias add is one integer op; the
// softmax arithmetic after it stays float and reads the dequantized logits.
// CHECK-LABEL: func.func @main
// CHECK: %[[AD:.*]] = quant.dcast
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}127, -127], [-127, 64]]]> : tensor<1x2x2xi8>}>
// CHECK: quant.scast %[[W]] : tensor<1x2x2xi8> to tensor<1x2x2x!quant.uniform<i8<-127:127>:f32:2, {0.009999999849815068,0.019999999699630136}>>
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[}}500, -250]]> : tensor<1x2xi32>}>
// CHECK: quant.scast %[[B]] : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i32:f32:1, {1.9999999699630132E-4,3.9999999399260264E-4}>>
// CHECK: %[[M:.*]] = tosa.matmul %[[AD]]
// CHECK-NOT: quant.qcast
// CHECK: %[[R:.*]] = tosa.reshape %[[M]]
// CHECK: %[[L:.*]] = tosa.add %[[R]]
// CHECK: %[[LQ:.*]] = quant.qcast %[[L]]
// CHECK: %[[LD:.*]] = quant.dcast %[[LQ]]
// CHECK: tosa.reduce_max %[[LD]]
// CHECK: tosa.sub %[[LD]]
// CHECK-NOT: quant.
// CHECK: return
func.func @main(%a: tensor<1x1x2xf32>) -> tensor<1x2xf32> {
  %w = "tosa.const"() {values = dense<[[[1.27, -2.54], [-1.27, 1.28]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %b = "tosa.const"() {values = dense<[[0.1, -0.1]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %l = tosa.add %r, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %mx = tosa.reduce_max %l {axis = 1 : i32} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  %d = tosa.sub %l, %mx : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  %e = tosa.exp %d : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %sum = tosa.reduce_sum %e {axis = 1 : i32} : (tensor<1x2xf32>) -> tensor<1x1xf32>
  %inv = tosa.reciprocal %sum : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %p = tosa.mul %e, %inv, %shift : (tensor<1x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x2xf32>
  return %p : tensor<1x2xf32>
}

//--- fc.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 1, 2], "min": -2.56, "max": 2.54, "histogram": [1, 1]},
  {"id": 1, "source": "tosa.matmul", "shape": [1, 1, 2], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 2, "source": "tosa.reshape", "shape": [1, 2], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 3, "source": "tosa.add", "shape": [1, 2], "min": -1.28, "max": 1.27, "histogram": [1, 1]},
  {"id": 4, "source": "tosa.reduce_max", "shape": [1, 1], "min": 0.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 5, "source": "tosa.sub", "shape": [1, 2], "min": -2.0, "max": 0.0, "histogram": [1, 1]},
  {"id": 6, "source": "tosa.exp", "shape": [1, 2], "min": 0.1, "max": 1.0, "histogram": [1, 1]},
  {"id": 7, "source": "tosa.reduce_sum", "shape": [1, 1], "min": 1.0, "max": 2.0, "histogram": [1, 1]},
  {"id": 8, "source": "tosa.reciprocal", "shape": [1, 1], "min": 0.5, "max": 1.0, "histogram": [1, 1]},
  {"id": 9, "source": "tosa.mul", "shape": [1, 2], "min": 0.0, "max": 1.0, "histogram": [1, 1]}]}

//--- table.mlir
// hardswish x·clamp(x+3, 0, 6)/6 then sigmoid: the whole elementwise chain
// from x has one output, so it becomes one table, with quantization points
// only at its ends (the output scale is 1/255 for the range [0, 1]).
// CHECK-LABEL: func.func @main
// CHECK: %[[XQ:.*]] = quant.qcast
// CHECK: %[[XD:.*]] = quant.dcast %[[XQ]]
// CHECK-NOT: quant.qcast
// CHECK: tosa.add %[[XD]]
// CHECK: tosa.clamp
// CHECK: tosa.mul %[[XD]]
// CHECK: tosa.mul
// CHECK: %[[S:.*]] = tosa.sigmoid
// CHECK: %[[SQ:.*]] = quant.qcast %[[S]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK-NOT: quant.qcast
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %three = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %sixth = "tosa.const"() {values = dense<0.16666667> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %a = tosa.add %x, %three : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %m = tosa.mul %x, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %h = tosa.mul %m, %sixth, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %s = tosa.sigmoid %h : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s : tensor<1x4xf32>
}

//--- table.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 4], "min": -4.0, "max": 4.0, "histogram": [1, 1]},
  {"id": 1, "source": "tosa.add", "shape": [1, 4], "min": -1.0, "max": 7.0, "histogram": [1, 1]},
  {"id": 2, "source": "tosa.clamp", "shape": [1, 4], "min": 0.0, "max": 6.0, "histogram": [1, 1]},
  {"id": 3, "source": "tosa.mul", "shape": [1, 4], "min": 0.0, "max": 24.0, "histogram": [1, 1]},
  {"id": 4, "source": "tosa.mul", "shape": [1, 4], "min": 0.0, "max": 4.0, "histogram": [1, 1]},
  {"id": 5, "source": "tosa.sigmoid", "shape": [1, 4], "min": 0.0, "max": 1.0, "histogram": [1, 1]}]}

//--- residual.mlir
// Two branches joined by an add of two activations; a max pool and a reshape
// keep their input's quantization (same scale and zero point).
// CHECK-LABEL: func.func @main
// CHECK: %[[XQ:.*]] = quant.qcast %{{.*}} to tensor<1x4x4x1x!quant.uniform<i8:f32, 0.0099999999999999984>>
// CHECK: %[[XD:.*]] = quant.dcast %[[XQ]]
// CHECK: %[[P:.*]] = tosa.max_pool2d %[[XD]]
// CHECK: quant.qcast %[[P]] : tensor<1x2x2x1xf32> to tensor<1x2x2x1x!quant.uniform<i8:f32, 0.0099999999999999984>>
// CHECK: %[[A:.*]] = tosa.add
// CHECK: quant.qcast %[[A]] : tensor<1x2x2x1xf32> to tensor<1x2x2x1x!quant.uniform<i8:f32, 0.019999999999999997>>
// CHECK: %[[R:.*]] = tosa.reshape
// CHECK: quant.qcast %[[R]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.019999999999999997>>
// A global average pool gets its own quantization (range [0, 0.51]).
// CHECK: %[[G:.*]] = tosa.avg_pool2d
// CHECK: quant.qcast %[[G]] : tensor<1x1x1x1xf32> to tensor<1x1x1x1x!quant.uniform<i8:f32, 2.000000e-03:-128>>
func.func @main(%x: tensor<1x4x4x1xf32>, %y: tensor<1x2x2x1xf32>) -> (tensor<1x4xf32>, tensor<1x1x1x1xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  %a = tosa.add %p, %y : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %s = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %a, %s : (tensor<1x2x2x1xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %g = tosa.avg_pool2d %a, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %r, %g : tensor<1x4xf32>, tensor<1x1x1x1xf32>
}

//--- residual.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 4, 4, 1], "min": -1.28, "max": 1.27, "histogram": [1, 1]},
  {"id": 1, "source": "arg", "shape": [1, 2, 2, 1], "min": -1.28, "max": 1.27, "histogram": [1, 1]},
  {"id": 2, "source": "tosa.max_pool2d", "shape": [1, 2, 2, 1], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 3, "source": "tosa.add", "shape": [1, 2, 2, 1], "min": -2.56, "max": 2.54, "histogram": [1, 1]},
  {"id": 4, "source": "tosa.reshape", "shape": [1, 4], "min": -2.0, "max": 2.0, "histogram": [1, 1]},
  {"id": 5, "source": "tosa.avg_pool2d", "shape": [1, 1, 1, 1], "min": 0.1, "max": 0.51, "histogram": [1, 1]}]}
