// RUN: qopt-mlir %s --qopt-lower-depthwise=isa=avx2 --split-input-file | FileCheck %s

// int8, stride 2, asymmetric padding: the padding holds the input zero point
// (-3), the weight zero point (1) is subtracted in registers and the bias
// absorbs -z_x·Σ (w - z_w) per channel: 10 + 3·(9·(2 - 1)) = 37 and
// -20 + 3·(9·(-1 - 1)) = -74. 8 output pixels by 2 channels per block.
// The weights take two values: 1-bit codes into the codebook [-1, 2], one
// byte per tap holding the block's codes 1, 0 (bit i: channel i), decoded
// at each tap by shifting bit i into lane i's sign bit, which selects the
// value. Products and window sums fit i16 (9·128·|2 - 1| ≤ 32767): the taps
// multiply and add in i16, widened and added to the bias per pixel.
// The packed weights are a global named as qopt-lower-to-kernels names its
// weights (qoptc's report counts them).
// CHECK: memref.global "private" constant @[[WG:__qopt_packed_weights[_0-9]*]] : memref<3x3x1x1xi8> = dense<1>
// CHECK-LABEL: func.func @int8_stride2
// CHECK-DAG: %[[PADV:.*]] = arith.constant -3 : i8
// CHECK-DAG: %[[WZP:.*]] = arith.constant dense<1> : vector<2xi16>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[37, -74]> : tensor<2xi32>
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[PADV]]
// CHECK: %[[W:.*]] = memref.get_global @[[WG]] : memref<3x3x1x1xi8>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c8
// CHECK: scf.for {{.*}} step %c2
// CHECK: %[[BV:.*]] = vector.transfer_read %[[B]]
// CHECK: vector.transfer_read %[[W]]{{.*}} : memref<3x3x1x1xi8>, vector<1xi8>
// CHECK: arith.shli {{.*}} : vector<8xi8>
// CHECK: %[[SET:.*]] = arith.cmpi slt, {{.*}} : vector<8xi8>
// CHECK: %[[SET2:.*]] = vector.extract_strided_slice %[[SET]] {{.*}} to vector<2xi1>
// CHECK: %[[WV:.*]] = arith.select %[[SET2]], {{.*}} : vector<2xi1>, vector<2xi8>
// CHECK: %[[WE:.*]] = arith.extsi %[[WV]] : vector<2xi8> to vector<2xi16>
// CHECK: %[[WS:.*]] = arith.subi %[[WE]], %[[WZP]]
// CHECK: %[[X:.*]] = vector.transfer_read %[[P]]{{.*}} : tensor<1x17x17x2xi8>, vector<2xi8>
// CHECK: %[[XW:.*]] = arith.extsi %[[X]] : vector<2xi8> to vector<2xi16>
// CHECK: arith.muli %[[XW]], %[[WS]] : vector<2xi16>
// CHECK: arith.addi {{.*}} : vector<2xi16>
// CHECK: %[[SUM:.*]] = arith.extsi {{.*}} : vector<2xi16> to vector<2xi32>
// CHECK: arith.addi %[[BV]], %[[SUM]] : vector<2xi32>
// CHECK-COUNT-8: vector.transfer_write {{.*}} : vector<2xi32>, tensor<1x8x8x2xi32>
// CHECK-NOT: tosa.depthwise_conv2d
func.func @int8_stride2(%x: tensor<1x16x16x2xi8>) -> tensor<1x8x8x2xi32> {
  %w = "tosa.const"() <{values = dense<[[[[2], [-1]], [[2], [-1]], [[2], [-1]]], [[[2], [-1]], [[2], [-1]], [[2], [-1]]], [[[2], [-1]], [[2], [-1]], [[2], [-1]]]]> : tensor<3x3x2x1xi8>}> : () -> tensor<3x3x2x1xi8>
  %b = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %xzp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<1> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.depthwise_conv2d %x, %w, %b, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x16x16x2xi8>, tensor<3x3x2x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x2xi32>
  return %y : tensor<1x8x8x2xi32>
}

// -----

// f32 without padding: fused multiply-adds from the bias, 4 output pixels
// (the largest power of two dividing 12) by 16 channels.
// CHECK-LABEL: func.func @f32_valid
// CHECK-NOT: tensor.pad
// CHECK: scf.for {{.*}} step %c4
// CHECK: scf.for {{.*}} step %c16
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK-COUNT-4: vector.transfer_write {{.*}} : vector<16xf32>, tensor<1x12x12x32xf32>
func.func @f32_valid(%x: tensor<1x14x14x32xf32>) -> tensor<1x12x12x32xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<3x3x32x1xf32>}> : () -> tensor<3x3x32x1xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x14x14x32xf32>, tensor<3x3x32x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x12x12x32xf32>
  return %y : tensor<1x12x12x32xf32>
}

// -----

// Channel multiplier 2 and non-constant weights stay with the upstream
// lowering.
// CHECK-LABEL: func.func @unsupported
// CHECK-COUNT-2: tosa.depthwise_conv2d
func.func @unsupported(%x: tensor<1x4x4x2xf32>, %v: tensor<1x1x2x1xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x2xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x2x2xf32>}> : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %z = tosa.depthwise_conv2d %x, %v, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y, %z : tensor<1x4x4x4xf32>, tensor<1x4x4x2xf32>
}

// -----

// int8 read only by a rescale to int8 and a clamp: the kernel requantizes
// in registers (64-bit products of the per-channel multipliers, rounding,
// shifts, output zero point, the clamp's bounds) and writes int8, so no
// i32 tensor is stored.
// CHECK-DAG: memref.global "private" constant @__qopt_multiplier : memref<2xi32> = dense<[1073741824, 1610612736]>
// CHECK-DAG: memref.global "private" constant @__qopt_shift : memref<2xi8> = dense<[35, 36]>
// CHECK-LABEL: func.func @int8_requant
// CHECK: tensor.empty() : tensor<1x4x4x2xi8>
// CHECK: scf.for
// CHECK: arith.muli {{.*}} : vector<2xi16>
// CHECK: arith.muli {{.*}} : vector<2xi64>
// CHECK: arith.shrsi {{.*}} : vector<2xi64>
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: vector.transfer_write {{.*}} : vector<2xi8>, tensor<1x4x4x2xi8>
// CHECK-NOT: tosa.rescale
// CHECK-NOT: tosa.clamp
func.func @int8_requant(%x: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<3x3x2x1xi8>}> : () -> tensor<3x3x2x1xi8>
  %b = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x3x2x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x2xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1610612736]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %s = "tosa.const"() <{values = dense<[35, 36]> : tensor<2xi8>}> : () -> tensor<2xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.rescale %y, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x4x4x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x2xi8>
  %c = tosa.clamp %r {max_val = 100 : i8, min_val = -5 : i8} : (tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %c : tensor<1x4x4x2xi8>
}

// -----

// 24 channels: a block of 16, then the remaining 8 in blocks of their own
// width; their requantization runs on the 16-lane epilogue's vectors
// (widened with zeros, 8 lanes kept).
// CHECK-LABEL: func.func @int8_channel_rest
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c16{{.*}} step %c16
// CHECK: arith.muli {{.*}} : vector<16xi16>
// CHECK: vector.transfer_write {{.*}} : vector<16xi8>, tensor<1x4x4x24xi8>
// CHECK: scf.for %{{.*}} = %c16{{.*}} to %c24{{.*}} step %c8
// CHECK: arith.muli {{.*}} : vector<8xi16>
// CHECK: vector.shuffle {{.*}} : vector<8xi32>, vector<8xi32>
// CHECK: %[[R:.*]] = vector.extract_strided_slice {{.*}} {offsets = [0], sizes = [8], strides = [1]} : vector<16xi8> to vector<8xi8>
// CHECK: vector.transfer_write %[[R]], {{.*}} : vector<8xi8>, tensor<1x4x4x24xi8>
func.func @int8_channel_rest(%x: tensor<1x4x4x24xi8>) -> tensor<1x4x4x24xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<3x3x24x1xi8>}> : () -> tensor<3x3x24x1xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<24xi32>}> : () -> tensor<24xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x24xi8>, tensor<3x3x24x1xi8>, tensor<24xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x24xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<35> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.rescale %y, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x4x4x24xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x24xi8>
  return %r : tensor<1x4x4x24xi8>
}

// -----

// Where a window's sum could leave i16 (9·128·29 = 33408 > 32767), the taps
// multiply and add in i32; at 28 (32256) they stay in i16.
// CHECK-LABEL: func.func @int8_i16_bound
// CHECK: arith.muli {{.*}} : vector<2xi32>
// CHECK-NOT: arith.muli {{.*}} : vector<2xi16>
// CHECK: arith.muli {{.*}} : vector<2xi16>
// CHECK-NOT: arith.muli {{.*}} : vector<2xi32>
func.func @int8_i16_bound(%x: tensor<1x4x4x2xi8>) -> (tensor<1x2x2x2xi32>, tensor<1x2x2x2xi32>) {
  %w29 = "tosa.const"() <{values = dense<29> : tensor<3x3x2x1xi8>}> : () -> tensor<3x3x2x1xi8>
  %w28 = "tosa.const"() <{values = dense<28> : tensor<3x3x2x1xi8>}> : () -> tensor<3x3x2x1xi8>
  %b = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.depthwise_conv2d %x, %w29, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x3x2x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  %z = tosa.depthwise_conv2d %x, %w28, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xi8>, tensor<3x3x2x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x2xi32>
  return %y, %z : tensor<1x2x2x2xi32>, tensor<1x2x2x2xi32>
}

// -----

// Taps in i16 take half the accumulator registers: a 12-pixel row is one
// block of 12 (up to 1.5 × pixels), not 3 of 4.
// CHECK-LABEL: func.func @int8_i16_pixels
// CHECK: scf.for {{.*}} step %c12
// CHECK-COUNT-12: vector.transfer_write {{.*}} : vector<2xi32>, tensor<1x1x12x2xi32>
func.func @int8_i16_pixels(%x: tensor<1x3x14x2xi8>) -> tensor<1x1x12x2xi32> {
  %w = "tosa.const"() <{values = dense<2> : tensor<3x3x2x1xi8>}> : () -> tensor<3x3x2x1xi8>
  %b = "tosa.const"() <{values = dense<[10, -20]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x14x2xi8>, tensor<3x3x2x1xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x12x2xi32>
  return %y : tensor<1x1x12x2xi32>
}
