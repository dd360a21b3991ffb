// RUN: qopt-mlir %s --qopt-integerize --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=-1 | FileCheck %s
// RUN: qopt-mlir %s --qopt-integerize=double-round=true --split-input-file | FileCheck %s --check-prefix=DOUBLE

// conv2d + ReLU6, weights per channel: M = 0.5·{0.25, 0.125}/0.25 =
// {0.5, 0.25} = 2^30·2^-{31, 32}; the clamp [0, 6] quantizes to
// [0/0.25 - 128, 6/0.25 - 128] = [-128, -104].
// CHECK-LABEL: func.func @conv_relu6
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1, -1]]], {{\[\[\[}}2, 3]]]]> : tensor<2x1x1x2xi8>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi32>}>
// CHECK-DAG: %[[X:.*]] = quant.scast %{{.*}} : tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-01:-3>> to tensor<1x4x4x2xi8>
// CHECK-DAG: %[[XZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[ACC:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]], %[[XZP]], %[[WZP]] {acc_type = i32, {{.*}}} : {{.*}} -> tensor<1x4x4x2xi32>
// CHECK-DAG: %[[MUL:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<2xi32>}>
// CHECK-DAG: %[[SHIFT:.*]] = "tosa.const"() <{values = dense<[31, 32]> : tensor<2xi8>}>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<-128> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[ACC]], %[[MUL]], %[[SHIFT]], %[[IZP]], %[[OZP]] {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : {{.*}} -> tensor<1x4x4x2xi8>
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = -104 : i8, min_val = -128 : i8}
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8:f32, 2.500000e-01:-128>>
// CHECK: %[[D:.*]] = quant.dcast %[[Q]]
// CHECK: return %[[D]]
// CHECK-NOT: tosa.conv2d {{.*}}f32
// DOUBLE-LABEL: func.func @conv_relu6
// DOUBLE: tosa.rescale {{.*}}rounding_mode = DOUBLE_ROUND
func.func @conv_relu6(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %wi = "tosa.const"() {values = dense<[[[[1, -1]]], [[[2, 3]]]]> : tensor<2x1x1x2xi8>} : () -> tensor<2x1x1x2xi8>
  %wq = quant.scast %wi : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>>
  %w = quant.dcast %wq : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.25, 0.125}>> to tensor<2x1x1x2xf32>
  %bi = "tosa.const"() {values = dense<[10, -20]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %b = quant.dcast %bq : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> to tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %xd, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %rq = quant.qcast %r : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>
  %rd = quant.dcast %rq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>> to tensor<1x4x4x2xf32>
  return %rd : tensor<1x4x4x2xf32>
}

// -----

// Per-tensor weights and bias: one multiplier (0.5·0.25/0.0625 = 2 =
// 2^30·2^-29), per_channel = false; no clamp without a fused activation.
// CHECK-LABEL: func.func @conv_per_tensor
// CHECK: %[[ACC:.*]] = tosa.conv2d
// CHECK-DAG: %[[MUL:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
// CHECK-DAG: %[[SHIFT:.*]] = "tosa.const"() <{values = dense<29> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[ACC]], %[[MUL]], %[[SHIFT]], %{{.*}}, %{{.*}} {{{.*}}per_channel = false{{.*}}}
// CHECK-NOT: tosa.clamp
// CHECK: quant.scast %[[R]]
func.func @conv_per_tensor(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %wi = "tosa.const"() {values = dense<3> : tensor<2x1x1x2xi8>} : () -> tensor<2x1x1x2xi8>
  %wq = quant.scast %wi : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32, 0.25>>
  %w = quant.dcast %wq : tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32, 0.25>> to tensor<2x1x1x2xf32>
  %bi = "tosa.const"() {values = dense<7> : tensor<1xi32>} : () -> tensor<1xi32>
  %bq = quant.scast %bi : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 0.125>>
  %b = quant.dcast %bq : tensor<1x!quant.uniform<i32:f32, 0.125>> to tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %xd, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %cq = quant.qcast %c : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.0625:4>>
  %cd = quant.dcast %cq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.0625:4>> to tensor<1x4x4x2xf32>
  return %cd : tensor<1x4x4x2xf32>
}

// -----

// Depthwise (KHxKWxCx1, per channel on axis 2) with 4-bit weights and a
// 4-bit output: storage stays i8, and the result is clamped to [-8, 7].
// CHECK-LABEL: func.func @depthwise_narrow
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<7> : tensor<3x3x2x1xi8>}>
// CHECK-DAG: %[[X:.*]] = quant.scast
// CHECK-DAG: %[[XZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[ACC:.*]] = tosa.depthwise_conv2d %[[X]], %[[W]], %{{.*}}, %[[XZP]], %{{.*}} {acc_type = i32
// CHECK-DAG: %[[SHIFT:.*]] = "tosa.const"() <{values = dense<[33, 34]> : tensor<2xi8>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<-2> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[ACC]], %{{.*}}, %[[SHIFT]], %{{.*}}, %[[OZP]]
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = 7 : i8, min_val = -8 : i8}
// CHECK: quant.scast %[[C]] : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 1.000000e+00:-2>>
func.func @depthwise_narrow(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %wi = "tosa.const"() {values = dense<7> : tensor<3x3x2x1xi8>} : () -> tensor<3x3x2x1xi8>
  %wq = quant.scast %wi : tensor<3x3x2x1xi8> to tensor<3x3x2x1x!quant.uniform<i8<-7:7>:f32:2, {0.25, 0.125}>>
  %w = quant.dcast %wq : tensor<3x3x2x1x!quant.uniform<i8<-7:7>:f32:2, {0.25, 0.125}>> to tensor<3x3x2x1xf32>
  %bi = "tosa.const"() {values = dense<[1, 2]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %b = quant.dcast %bq : tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>> to tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %xd, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x3x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %cq = quant.qcast %c : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 1.0:-2>>
  %cd = quant.dcast %cq : tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 1.0:-2>> to tensor<1x4x4x2xf32>
  return %cd : tensor<1x4x4x2xf32>
}

// -----

// Fully connected: int matmul, the reshape on i32, the i32 bias add, and a
// per-channel rescale on the last axis.
// CHECK-LABEL: func.func @fully_connected
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<1> : tensor<1x4x2xi8>}>
// CHECK-DAG: %[[S:.*]] = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>}
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[}}5, -6]]> : tensor<1x2xi32>}>
// CHECK-DAG: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x1x4xi8>
// CHECK-DAG: %[[XZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[M:.*]] = tosa.matmul %[[X]], %[[W]], %[[XZP]], %[[WZP]] : {{.*}} -> tensor<1x1x2xi32>
// CHECK: %[[R:.*]] = tosa.reshape %[[M]], %[[S]] : (tensor<1x1x2xi32>, !tosa.shape<2>) -> tensor<1x2xi32>
// CHECK: %[[A:.*]] = tosa.add %[[R]], %[[B]] : (tensor<1x2xi32>, tensor<1x2xi32>) -> tensor<1x2xi32>
// CHECK-DAG: %[[SHIFT:.*]] = "tosa.const"() <{values = dense<[31, 32]> : tensor<2xi8>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<1> : tensor<1xi8>}>
// CHECK: %[[Q:.*]] = tosa.rescale %[[A]], %{{.*}}, %[[SHIFT]], %{{.*}}, %[[OZP]] {{{.*}}per_channel = true
// CHECK: quant.scast %[[Q]] : tensor<1x2xi8>
func.func @fully_connected(%x: tensor<1x1x4xf32>) -> tensor<1x2xf32> {
  %xq = quant.qcast %x : tensor<1x1x4xf32> to tensor<1x1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x1x4xf32>
  %wi = "tosa.const"() {values = dense<1> : tensor<1x4x2xi8>} : () -> tensor<1x4x2xi8>
  %wq = quant.scast %wi : tensor<1x4x2xi8> to tensor<1x4x2x!quant.uniform<i8<-127:127>:f32:2, {0.25, 0.125}>>
  %w = quant.dcast %wq : tensor<1x4x2x!quant.uniform<i8<-127:127>:f32:2, {0.25, 0.125}>> to tensor<1x4x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %xd, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %s = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %s : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %bi = "tosa.const"() {values = dense<[[5, -6]]> : tensor<1x2xi32>} : () -> tensor<1x2xi32>
  %bq = quant.scast %bi : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  %b = quant.dcast %bq : tensor<1x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> to tensor<1x2xf32>
  %l = tosa.add %r, %b : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %lq = quant.qcast %l : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.25:1>>
  %ld = quant.dcast %lq : tensor<1x2x!quant.uniform<i8:f32, 0.25:1>> to tensor<1x2xf32>
  return %ld : tensor<1x2xf32>
}

// -----

// matmul without a bias, weights per tensor, then a ReLU.
// CHECK-LABEL: func.func @matmul_no_bias
// CHECK: %[[M:.*]] = tosa.matmul
// CHECK-NOT: tosa.add
// CHECK: %[[R:.*]] = tosa.rescale %[[M]], {{.*}}per_channel = false
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = 127 : i8, min_val = 0 : i8}
// CHECK: quant.scast %[[C]]
func.func @matmul_no_bias(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %xq = quant.qcast %x : tensor<1x2x4xf32> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4xf32>
  %wi = "tosa.const"() {values = dense<2> : tensor<1x4x3xi8>} : () -> tensor<1x4x3xi8>
  %wq = quant.scast %wi : tensor<1x4x3xi8> to tensor<1x4x3x!quant.uniform<i8<-127:127>:f32, 0.25>>
  %w = quant.dcast %wq : tensor<1x4x3x!quant.uniform<i8<-127:127>:f32, 0.25>> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %xd, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %r = tosa.clamp %m {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %rq = quant.qcast %r : tensor<1x2x3xf32> to tensor<1x2x3x!quant.uniform<i8:f32, 0.25>>
  %rd = quant.dcast %rq : tensor<1x2x3x!quant.uniform<i8:f32, 0.25>> to tensor<1x2x3xf32>
  return %rd : tensor<1x2x3xf32>
}

// -----

// matmul of two activations: both zero points, M = 0.5·0.25/0.5 = 2^-2.
// CHECK-LABEL: func.func @matmul_activations
// CHECK-DAG: %[[A:.*]] = quant.scast %{{.*}} to tensor<1x2x4xi8>
// CHECK-DAG: %[[B:.*]] = quant.scast %{{.*}} to tensor<1x4x3xi8>
// CHECK-DAG: %[[AZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[BZP:.*]] = "tosa.const"() <{values = dense<5> : tensor<1xi8>}>
// CHECK: %[[M:.*]] = tosa.matmul %[[A]], %[[B]], %[[AZP]], %[[BZP]]
// CHECK-DAG: %[[SHIFT:.*]] = "tosa.const"() <{values = dense<32> : tensor<1xi8>}>
// CHECK: tosa.rescale %[[M]], %{{.*}}, %[[SHIFT]]
func.func @matmul_activations(%x: tensor<1x2x4xf32>, %y: tensor<1x4x3xf32>) -> tensor<1x2x3xf32> {
  %xq = quant.qcast %x : tensor<1x2x4xf32> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4xf32>
  %yq = quant.qcast %y : tensor<1x4x3xf32> to tensor<1x4x3x!quant.uniform<i8:f32, 0.25:5>>
  %yd = quant.dcast %yq : tensor<1x4x3x!quant.uniform<i8:f32, 0.25:5>> to tensor<1x4x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %xd, %yd, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %mq = quant.qcast %m : tensor<1x2x3xf32> to tensor<1x2x3x!quant.uniform<i8:f32, 0.5>>
  %md = quant.dcast %mq : tensor<1x2x3x!quant.uniform<i8:f32, 0.5>> to tensor<1x2x3xf32>
  return %md : tensor<1x2x3xf32>
}

// -----

// add of two activations (the second broadcast) + ReLU: inputs aligned to
// 2·max(0.5, 0.25) = 1 with 20 fractional bits (multipliers 2^19 = 2^30·2^-11
// and 2^18 = 2^30·2^-12, subtracting their zero points), i32 add, output
// multiplier 2^-20/1 = 2^30·2^-50; ReLU is [0 - 10, 127].
// CHECK-LABEL: func.func @add_relu
// CHECK-DAG: %[[A:.*]] = quant.scast %{{.*}} to tensor<1x4x4x2xi8>
// CHECK-DAG: %[[SA:.*]] = "tosa.const"() <{values = dense<11> : tensor<1xi8>}>
// CHECK-DAG: %[[ZA:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[AW:.*]] = tosa.rescale %[[A]], %{{.*}}, %[[SA]], %[[ZA]], %{{.*}} : {{.*}} -> tensor<1x4x4x2xi32>
// CHECK-DAG: %[[B:.*]] = quant.scast %{{.*}} to tensor<1x1x1x2xi8>
// CHECK-DAG: %[[SB:.*]] = "tosa.const"() <{values = dense<12> : tensor<1xi8>}>
// CHECK-DAG: %[[ZB:.*]] = "tosa.const"() <{values = dense<5> : tensor<1xi8>}>
// CHECK: %[[BW:.*]] = tosa.rescale %[[B]], %{{.*}}, %[[SB]], %[[ZB]], %{{.*}} : {{.*}} -> tensor<1x1x1x2xi32>
// CHECK: %[[S:.*]] = tosa.add %[[AW]], %[[BW]] : (tensor<1x4x4x2xi32>, tensor<1x1x1x2xi32>) -> tensor<1x4x4x2xi32>
// CHECK-DAG: %[[SO:.*]] = "tosa.const"() <{values = dense<50> : tensor<1xi8>}>
// CHECK-DAG: %[[ZO:.*]] = "tosa.const"() <{values = dense<-10> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[S]], %{{.*}}, %[[SO]], %{{.*}}, %[[ZO]]
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = 127 : i8, min_val = -10 : i8}
// CHECK: quant.scast %[[C]]
func.func @add_relu(%x: tensor<1x4x4x2xf32>, %y: tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %yq = quant.qcast %y : tensor<1x1x1x2xf32> to tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:5>>
  %yd = quant.dcast %yq : tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:5>> to tensor<1x1x1x2xf32>
  %a = tosa.add %xd, %yd : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %aq = quant.qcast %r : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 1.0:-10>>
  %ad = quant.dcast %aq : tensor<1x4x4x2x!quant.uniform<i8:f32, 1.0:-10>> to tensor<1x4x4x2xf32>
  return %ad : tensor<1x4x4x2xf32>
}

// -----

// sub: the same alignment, an i32 sub.
// CHECK-LABEL: func.func @sub
// CHECK: %[[A:.*]] = tosa.rescale {{.*}} -> tensor<1x4xi32>
// CHECK: %[[B:.*]] = tosa.rescale {{.*}} -> tensor<1x4xi32>
// CHECK: %[[S:.*]] = tosa.sub %[[A]], %[[B]] : (tensor<1x4xi32>, tensor<1x4xi32>) -> tensor<1x4xi32>
// CHECK: tosa.rescale %[[S]]
func.func @sub(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  %yq = quant.qcast %y : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %yd = quant.dcast %yq : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  %s = tosa.sub %xd, %yd : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %sq = quant.qcast %s : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 1.0>>
  %sd = quant.dcast %sq : tensor<1x4x!quant.uniform<i8:f32, 1.0>> to tensor<1x4xf32>
  return %sd : tensor<1x4xf32>
}

// -----

// mul as in an SE block (1x1x1xC gate times 1xHxWxC): zero points removed by
// identity rescales (2^30·2^-30), i32 mul with shift 0, rescale by
// 0.5·0.25/0.25 = 2^-1.
// CHECK-LABEL: func.func @mul_broadcast
// CHECK-DAG: %[[S30:.*]] = "tosa.const"() <{values = dense<30> : tensor<1xi8>}>
// CHECK: %[[A:.*]] = tosa.rescale %{{.*}}, %{{.*}}, %[[S30]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[B:.*]] = tosa.rescale {{.*}} -> tensor<1x1x1x2xi32>
// CHECK: %[[Z:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[M:.*]] = tosa.mul %[[A]], %[[B]], %[[Z]] : (tensor<1x4x4x2xi32>, tensor<1x1x1x2xi32>, tensor<1xi8>) -> tensor<1x4x4x2xi32>
// CHECK-DAG: %[[SO:.*]] = "tosa.const"() <{values = dense<31> : tensor<1xi8>}>
// CHECK: tosa.rescale %[[M]], %{{.*}}, %[[SO]]
func.func @mul_broadcast(%x: tensor<1x4x4x2xf32>, %y: tensor<1x1x1x2xf32>) -> tensor<1x4x4x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %yq = quant.qcast %y : tensor<1x1x1x2xf32> to tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:5>>
  %yd = quant.dcast %yq : tensor<1x1x1x2x!quant.uniform<i8:f32, 0.25:5>> to tensor<1x1x1x2xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %xd, %yd, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %mq = quant.qcast %m : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25>>
  %md = quant.dcast %mq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25>> to tensor<1x4x4x2xf32>
  return %md : tensor<1x4x4x2xf32>
}

// -----

// avg_pool2d keeps its input's quantization: int pooling between the zero
// points, no rescale.
// CHECK-LABEL: func.func @avg_pool
// CHECK-DAG: %[[ZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x4x4x2xi8>
// CHECK: %[[P:.*]] = tosa.avg_pool2d %[[X]], %[[ZP]], %[[ZP]] {acc_type = i32, {{.*}}} : {{.*}} -> tensor<1x2x2x2xi8>
// CHECK-NOT: tosa.rescale
// CHECK: quant.scast %[[P]]
func.func @avg_pool(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %xd, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %aq = quant.qcast %a : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>>
  %ad = quant.dcast %aq : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x2x2xf32>
  return %ad : tensor<1x2x2x2xf32>
}

// -----

// A global average pool with its own quantization sums in i32 and rescales
// once: M = s_in / (H·W·s_out) = 0.5 / (16·0.0625) = 0.5 = 2^30·2^-31.
// CHECK-LABEL: func.func @global_avg_pool
// CHECK: %[[W:.*]] = tosa.rescale %{{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[S1:.*]] = tosa.reduce_sum %[[W]] {axis = 1 : i32} : (tensor<1x4x4x2xi32>) -> tensor<1x1x4x2xi32>
// CHECK: %[[S2:.*]] = tosa.reduce_sum %[[S1]] {axis = 2 : i32} : (tensor<1x1x4x2xi32>) -> tensor<1x1x1x2xi32>
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}>
// CHECK-DAG: %[[SH:.*]] = "tosa.const"() <{values = dense<31> : tensor<1xi8>}>
// CHECK-DAG: %[[OZ:.*]] = "tosa.const"() <{values = dense<5> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[S2]], %[[M]], %[[SH]], %{{.*}}, %[[OZ]] {{.*}} -> tensor<1x1x1x2xi8>
// CHECK-NOT: tosa.avg_pool2d
// CHECK: quant.scast %[[R]]
func.func @global_avg_pool(%x: tensor<1x4x4x2xf32>) -> tensor<1x1x1x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %a = tosa.avg_pool2d %xd, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  %aq = quant.qcast %a : tensor<1x1x1x2xf32> to tensor<1x1x1x2x!quant.uniform<i8:f32, 0.0625:5>>
  %ad = quant.dcast %aq : tensor<1x1x1x2x!quant.uniform<i8:f32, 0.0625:5>> to tensor<1x1x1x2xf32>
  return %ad : tensor<1x1x1x2xf32>
}

// -----

// max_pool2d to a different quantization: the int pool, then an i8 → i8
// rescale by 0.5/1 between the zero points.
// CHECK-LABEL: func.func @max_pool_requantized
// CHECK: %[[P:.*]] = tosa.max_pool2d %{{.*}} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
// CHECK-DAG: %[[SH:.*]] = "tosa.const"() <{values = dense<31> : tensor<1xi8>}>
// CHECK-DAG: %[[IZ:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-DAG: %[[OZ:.*]] = "tosa.const"() <{values = dense<7> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[P]], %{{.*}}, %[[SH]], %[[IZ]], %[[OZ]] {{.*}} -> tensor<1x2x2x2xi8>
// CHECK: quant.scast %[[R]]
func.func @max_pool_requantized(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %xq = quant.qcast %x : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x4x2xf32>
  %m = tosa.max_pool2d %xd {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %mq = quant.qcast %m : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0:7>>
  %md = quant.dcast %mq : tensor<1x2x2x2x!quant.uniform<i8:f32, 1.0:7>> to tensor<1x2x2x2xf32>
  return %md : tensor<1x2x2x2xf32>
}

// -----

// reshape and transpose move the integers; an island's integers feed the
// next island directly (the scast pair folds away).
// CHECK-LABEL: func.func @reshape_transpose
// CHECK: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x4x2xi8>
// CHECK: %[[T:.*]] = tosa.transpose %[[X]] {perms = array<i32: 0, 2, 1>} : (tensor<1x4x2xi8>) -> tensor<1x2x4xi8>
// CHECK: %[[R:.*]] = tosa.reshape %[[T]], %{{.*}} : (tensor<1x2x4xi8>, !tosa.shape<2>) -> tensor<1x8xi8>
// CHECK-NEXT: %[[Q:.*]] = quant.scast %[[R]] : tensor<1x8xi8> to tensor<1x8x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT: return %[[D]]
func.func @reshape_transpose(%x: tensor<1x4x2xf32>) -> tensor<1x8xf32> {
  %xq = quant.qcast %x : tensor<1x4x2xf32> to tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4x2xf32>
  %t = tosa.transpose %xd {perms = array<i32: 0, 2, 1>} : (tensor<1x4x2xf32>) -> tensor<1x2x4xf32>
  %tq = quant.qcast %t : tensor<1x2x4xf32> to tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>>
  %td = quant.dcast %tq : tensor<1x2x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2x4xf32>
  %s = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %td, %s : (tensor<1x2x4xf32>, !tosa.shape<2>) -> tensor<1x8xf32>
  %rq = quant.qcast %r : tensor<1x8xf32> to tensor<1x8x!quant.uniform<i8:f32, 0.5:-3>>
  %rd = quant.dcast %rq : tensor<1x8x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x8xf32>
  return %rd : tensor<1x8xf32>
}

// -----

// concat: the input already in the output's quantization is used as is, the
// other is rescaled (0.25/0.5 = 2^-1, zero point 5 → -3).
// CHECK-LABEL: func.func @concat
// CHECK-DAG: %[[A:.*]] = quant.scast %{{.*}} : tensor<1x2x!quant.uniform<i8:f32, 5.000000e-01:-3>> to tensor<1x2xi8>
// CHECK-DAG: %[[B:.*]] = quant.scast %{{.*}} : tensor<1x2x!quant.uniform<i8:f32, 2.500000e-01:5>> to tensor<1x2xi8>
// CHECK-DAG: %[[SH:.*]] = "tosa.const"() <{values = dense<31> : tensor<1xi8>}>
// CHECK-DAG: %[[IZ:.*]] = "tosa.const"() <{values = dense<5> : tensor<1xi8>}>
// CHECK-DAG: %[[OZ:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK: %[[BR:.*]] = tosa.rescale %[[B]], %{{.*}}, %[[SH]], %[[IZ]], %[[OZ]]
// CHECK: %[[C:.*]] = tosa.concat %[[A]], %[[BR]] {axis = 1 : i32} : (tensor<1x2xi8>, tensor<1x2xi8>) -> tensor<1x4xi8>
// CHECK: quant.scast %[[C]]
func.func @concat(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.25:5>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i8:f32, 0.25:5>> to tensor<1x2xf32>
  %c = tosa.concat %xd, %yd {axis = 1 : i32} : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x4xf32>
  %cq = quant.qcast %c : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %cd = quant.dcast %cq : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  return %cd : tensor<1x4xf32>
}

// -----

// clamp alone: bounds [0, 6] at scale 0.5, zero point -3 → [-3, 9].
// CHECK-LABEL: func.func @clamp
// CHECK: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x2xi8>
// CHECK: %[[C:.*]] = tosa.clamp %[[X]] {max_val = 9 : i8, min_val = -3 : i8}
// CHECK: quant.scast %[[C]]
func.func @clamp(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %xq = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2xf32>
  %r = tosa.clamp %xd {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %rq = quant.qcast %r : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>>
  %rd = quant.dcast %rq : tensor<1x2x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x2xf32>
  return %rd : tensor<1x2xf32>
}

// -----

// Table of clamp(x + 3, 0, 6) at scale 1: entry q + 128 is clamp(q + 3, 0, 6):
// 126 zeros (q <= -3), 1..5, then 125 sixes.
// CHECK-LABEL: func.func @table_relu6_shift
// CHECK-DAG: %[[T:.*]] = "tosa.const"() <{values = dense<[{{((0, ){126})}}1, 2, 3, 4, 5, {{((6, ){124})}}6]> : tensor<256xi8>}>
// CHECK-DAG: %[[X:.*]] = quant.scast %{{.*}} to tensor<1x4xi8>
// CHECK: %[[R:.*]] = tosa.table %[[X]], %[[T]] : (tensor<1x4xi8>, tensor<256xi8>) -> tensor<1x4xi8>
// CHECK: quant.scast %[[R]]
// CHECK-NOT: tosa.add
func.func @table_relu6_shift(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 1.0>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 1.0>> to tensor<1x4xf32>
  %three = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %a = tosa.add %xd, %three : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %cq = quant.qcast %c : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 1.0>>
  %cd = quant.dcast %cq : tensor<1x4x!quant.uniform<i8:f32, 1.0>> to tensor<1x4xf32>
  return %cd : tensor<1x4xf32>
}

// -----

// Sigmoid, input scale 1/16, output 1/256 zero point -128: sigmoid(-8) =
// 0.00034 → -128, sigmoid(0) = 0.5 → 0 (entry 128), sigmoid(7.94) → 127.
// CHECK-LABEL: func.func @table_sigmoid
// CHECK: "tosa.const"() <{values = dense<[-128, {{((-?[0-9]+, ){127})}}0, {{((-?[0-9]+, ){126})}}127]> : tensor<256xi8>}>
// CHECK: tosa.table
// CHECK-NOT: tosa.sigmoid
func.func @table_sigmoid(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.0625>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 0.0625>> to tensor<1x4xf32>
  %s = tosa.sigmoid %xd : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %sq = quant.qcast %s : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  %sd = quant.dcast %sq : tensor<1x4x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<1x4xf32>
  return %sd : tensor<1x4xf32>
}

// -----

// Hardswish x·clamp(x + 3, 0, 6)/6 reads x twice and is still one table: at
// scale 0.5 (input) and 0.25 (output), x = -128·0.5 gives 0 and
// x = 127·0.5 gives 63.5 → 254 → saturates at 127; x = 1 (q = 2) gives
// 1·4/6 = 0.667 → 3 (entry 130).
// CHECK-LABEL: func.func @table_hardswish
// CHECK: "tosa.const"() <{values = dense<[0, {{((-?[0-9]+, ){129})}}3, {{((-?[0-9]+, ){124})}}127]> : tensor<256xi8>}>
// CHECK: tosa.table
// CHECK-NOT: tosa.mul
func.func @table_hardswish(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 0.5>> to tensor<1x4xf32>
  %three = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %sixth = "tosa.const"() {values = dense<0.16666667> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %a = tosa.add %xd, %three : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %m = tosa.mul %xd, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %h = tosa.mul %m, %sixth, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %hq = quant.qcast %h : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.25>>
  %hd = quant.dcast %hq : tensor<1x4x!quant.uniform<i8:f32, 0.25>> to tensor<1x4xf32>
  return %hd : tensor<1x4xf32>
}

// -----

// Consumers without an integer form keep reading the dequantized integers.
// CHECK-LABEL: func.func @float_consumer
// CHECK: tosa.add
// CHECK: %[[R:.*]] = tosa.rescale
// CHECK: %[[Q:.*]] = quant.scast %[[R]]
// CHECK: %[[D:.*]] = quant.dcast %[[Q]]
// CHECK: tosa.reduce_sum %[[D]]
func.func @float_consumer(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %xq = quant.qcast %x : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %xd = quant.dcast %xq : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  %yq = quant.qcast %y : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>
  %yd = quant.dcast %yq : tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>> to tensor<1x4xf32>
  %a = tosa.add %xd, %yd : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %aq = quant.qcast %a : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 1.0>>
  %ad = quant.dcast %aq : tensor<1x4x!quant.uniform<i8:f32, 1.0>> to tensor<1x4xf32>
  %s = tosa.reduce_sum %ad {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  return %s : tensor<1x1xf32>
}

// -----

// Islands whose types have no integer form here stay float: a per-channel
// activation, 16-bit and unsigned storage.
// CHECK-LABEL: func.func @left_float
// CHECK-NOT: tosa.rescale
// CHECK-NOT: tosa.table
// CHECK: tosa.add {{.*}}f32
// CHECK: tosa.sigmoid {{.*}}f32
// CHECK: tosa.clamp {{.*}}f32
func.func @left_float(%x: tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>, %y: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>) {
  %xd = quant.dcast %x : tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> to tensor<1x2xf32>
  %a = tosa.add %xd, %xd : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %aq = quant.qcast %a : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %ad = quant.dcast %aq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  %yq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i16:f32, 0.001>>
  %yd = quant.dcast %yq : tensor<1x2x!quant.uniform<i16:f32, 0.001>> to tensor<1x2xf32>
  %s = tosa.sigmoid %yd : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %sq = quant.qcast %s : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i16:f32, 0.0001>>
  %sd = quant.dcast %sq : tensor<1x2x!quant.uniform<i16:f32, 0.0001>> to tensor<1x2xf32>
  %uq = quant.qcast %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>
  %ud = quant.dcast %uq : tensor<1x2x!quant.uniform<u8:f32, 0.5:128>> to tensor<1x2xf32>
  %c = tosa.clamp %ud {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %cq = quant.qcast %c : tensor<1x2xf32> to tensor<1x2x!quant.uniform<u8:f32, 0.5:128>>
  %cd = quant.dcast %cq : tensor<1x2x!quant.uniform<u8:f32, 0.5:128>> to tensor<1x2xf32>
  return %ad, %sd, %cd : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x2xf32>
}
