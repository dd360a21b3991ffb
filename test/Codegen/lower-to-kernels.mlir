// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=dotprod | FileCheck %s --check-prefix=SDOT
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=i8mm | FileCheck %s --check-prefix=SMMLA

// 8-bit weights, per-tensor DOUBLE_ROUND rescale and a clamp. On VNNI the
// input is made unsigned and padded with zp + 128 = 125, the weights are
// packed [OC/16][KH][KW][IC/4][16][4] (zeros beyond OC = 2 and IC = 3), and
// the zero-point term is in the bias: 10 - 125·(1 - 2 + 100) = -12365,
// 20 - 125·(4 + 5 - 6) = -355. Signed steps fold zp = -3 instead:
// 10 + 3·99 = 307, 20 + 3·3 = 29.
// VNNI-DAG: memref.global "private" constant @__qopt_bias : memref<16xi32> = dense<[-12365, -355,
// VNNI-DAG: memref.global "private" constant @__qopt_packed_weights : memref<1x1x1x1x64xi8> = dense<{{\[\[\[\[\[}}1, -2, 100, 0, 4, 5, -6, 0, 0,
// VNNI-LABEL: func.func @conv
// VNNI: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x2xi8>
// VNNI: %[[PAD:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x4xi8>
// VNNI: %[[IN:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x4x4x3xi8> to memref<1x4x4x3xi8, strided<[?, ?, ?, 1], offset: ?>>
// VNNI: linalg.fill ins(%{{.*}} : i8) outs(%[[PAD]]
// VNNI: arith.xori
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI: arith.muli {{.*}} : vector<16xi64>
// VNNI: arith.shrsi {{.*}} : vector<16xi64>
// VNNI: arith.maxsi
// VNNI: arith.minsi
// VNNI: vector.maskedstore %[[OUT]]
// VNNI: %[[T:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// VNNI: return %[[T]]
// VNNI-NOT: tosa.conv2d
// AVX2-LABEL: func.func @conv
// AVX2: memref.alloc() {{.*}} : memref<1x6x6x4xi16>
// AVX2: arith.extsi {{.*}} : i8 to i16
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// SDOT: memref.global "private" constant @__qopt_bias : memref<4xi32> = dense<[307, 29, 29, 29]>
// SDOT-LABEL: func.func @conv
// SDOT: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
// GENERIC-LABEL: func.func @conv
// smmla: inputs in groups of 8 (channels padded to 8), weights packed
// [OC/2][KH][KW][IC/8][2][8], accumulators shuffled into rows of 4 channels.
// SMMLA: memref.global "private" constant @__qopt_packed_weights : memref<2x1x1x1x16xi8> = dense<{{\[\[\[\[\[}}1, -2, 100, 0, 0, 0, 0, 0, 4, 5, -6, 0,
// SMMLA-LABEL: func.func @conv
// SMMLA: memref.alloc() {{.*}} : memref<1x6x6x8xi8>
// SMMLA: llvm.call_intrinsic "llvm.aarch64.neon.smmla.v4i32.v16i8"
// SMMLA: vector.shuffle {{.*}} [0, 1, 4, 5] : vector<4xi32>, vector<4xi32>
// GENERIC: arith.muli {{.*}} : vector<4xi32>
func.func @conv(%x: tensor<1x4x4x3xi8>) -> tensor<1x6x6x2xi8> {
  %w = "tosa.const"() {values = dense<[[[[1, -2, 100]]], [[[4, 5, -6]]]]> : tensor<2x1x1x3xi8>} : () -> tensor<2x1x1x3xi8>
  %b = "tosa.const"() {values = dense<[10, 20]> : tensor<2xi32>} : () -> tensor<2xi32>
  %xzp = "tosa.const"() {values = dense<-3> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x2xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<35> : tensor<1xi8>} : () -> tensor<1xi8>
  %izp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<-128> : tensor<1xi8>} : () -> tensor<1xi8>
  %r = tosa.rescale %c, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = DOUBLE_ROUND, scale32 = true} : (tensor<1x6x6x2xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x6x2xi8>
  %cl = tosa.clamp %r {max_val = 100 : i8, min_val = -128 : i8} : (tensor<1x6x6x2xi8>) -> tensor<1x6x6x2xi8>
  return %cl : tensor<1x6x6x2xi8>
}

// -----

// A fully connected island with 4-bit weights (all within ±7): matmul, i32
// reshape, bias add and per-channel rescale become one kernel. Each 64-weight
// tile ([16 channels][4 k]) is stored in 32 bytes, element j in the low
// nibble of byte j and element j + 32 in its high nibble (here all zero):
// channel 0 is 1, 2, 3, 4 and channel 1 is -1, -2, 7, -8 = 0xF, 0xE, 7, 8.
// VNNI-DAG: memref.global "private" constant @__qopt_packed_weights{{.*}} : memref<1x1x1x1x32xi8> = dense<{{\[\[\[\[\[}}1, 2, 3, 4, 15, 14, 7, 8, 0,
// VNNI-LABEL: func.func @fully_connected
// VNNI: %[[A:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] output_shape [1, 1, 1, 4]
// VNNI: bufferization.to_buffer %[[A]]
// VNNI: arith.shli {{.*}} : vector<32xi8>
// VNNI: vector.shuffle
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: %[[T:.*]] = bufferization.to_tensor
// VNNI: %[[F:.*]] = tensor.collapse_shape %[[T]]
// VNNI: %[[R:.*]] = tensor.expand_shape %[[F]] {{.*}} : tensor<2xi8> into tensor<1x2xi8>
// VNNI: return %[[R]]
// AVX2-LABEL: func.func @fully_connected
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
func.func @fully_connected(%x: tensor<1x1x4xi8>) -> tensor<1x2xi8> {
  %w = "tosa.const"() {values = dense<[[[1, -1], [2, -2], [3, 7], [4, -8]]]> : tensor<1x4x2xi8>} : () -> tensor<1x4x2xi8>
  %xzp = "tosa.const"() {values = dense<5> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %mm = tosa.matmul %x, %w, %xzp, %wzp : (tensor<1x1x4xi8>, tensor<1x4x2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x2xi32>
  %shape = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %mm, %shape : (tensor<1x1x2xi32>, !tosa.shape<2>) -> tensor<1x2xi32>
  %b = "tosa.const"() {values = dense<[[5, -6]]> : tensor<1x2xi32>} : () -> tensor<1x2xi32>
  %a = tosa.add %r, %b : (tensor<1x2xi32>, tensor<1x2xi32>) -> tensor<1x2xi32>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<2xi32>} : () -> tensor<2xi32>
  %s = "tosa.const"() {values = dense<[31, 32]> : tensor<2xi8>} : () -> tensor<2xi8>
  %izp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<1> : tensor<1xi8>} : () -> tensor<1xi8>
  %q = tosa.rescale %a, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x2xi32>, tensor<2xi32>, tensor<2xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2xi8>
  return %q : tensor<1x2xi8>
}

// -----

// Float conv2d with a clamp: broadcast + FMA on vector<16xf32> for AVX-512
// (zmm), the bias in the accumulators, no scratch without padding.
// VNNI-LABEL: func.func @conv_float
// VNNI-NOT: linalg.fill
// VNNI: vector.fma {{.*}} : vector<16xf32>
// VNNI: arith.maximumf
// VNNI: arith.minimumf
// AVX2-LABEL: func.func @conv_float
// AVX2: vector.fma {{.*}} : vector<8xf32>
func.func @conv_float(%x: tensor<2x3x3x4xf32>) -> tensor<2x3x3x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x4xf32>} : () -> tensor<2x1x1x4xf32>
  %b = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x3x3x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x3x3x2xf32>) -> tensor<2x3x3x2xf32>
  return %r : tensor<2x3x3x2xf32>
}

// -----

// Weights that are not constants stay with the upstream lowering.
// VNNI-LABEL: func.func @dynamic_weights
// VNNI: tosa.conv2d
// VNNI-NOT: llvm.call_intrinsic
func.func @dynamic_weights(%x: tensor<1x3x3x4xf32>, %w: tensor<2x1x1x4xf32>) -> tensor<1x3x3x2xf32> {
  %b = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xf32>, tensor<2x1x1x4xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x2xf32>
  return %c : tensor<1x3x3x2xf32>
}

// -----

// A conv read only by another (padded) conv stores its epilogue straight
// into that conv's scratch, at the padding offset, in the form the second
// kernel reads: x ^ 0x80 on VNNI (the padding is 5 + 128), sign-extended
// to i16 for vpmaddwd on AVX2. The first result is never a tensor.
// VNNI-LABEL: func.func @conv_chain
// VNNI-DAG: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<1x4x4x4xi8>
// VNNI-DAG: %[[PAD:.*]] = memref.alloc() {{.*}} : memref<1x6x6x16xi8>
// VNNI-DAG: %[[FILL:.*]] = arith.constant -123 : i8
// VNNI: linalg.fill ins(%[[FILL]] : i8) outs(%[[PAD]]
// VNNI-NOT: bufferization.to_tensor
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: arith.xori
// VNNI: vector.store %{{.*}}, %[[PAD]]{{.*}} : memref<1x6x6x16xi8>, vector<16xi8>
// VNNI-NOT: bufferization.to_tensor
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: vector.maskedstore %[[OUT]]
// VNNI: %[[T:.*]] = bufferization.to_tensor %[[OUT]]
// VNNI: return %[[T]]
// AVX2-LABEL: func.func @conv_chain
// AVX2: %[[PAD:.*]] = memref.alloc() {{.*}} : memref<1x6x6x16xi16>
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
// AVX2: arith.extsi {{.*}} : vector<8xi8> to vector<8xi16>
// AVX2: vector.store %{{.*}}, %[[PAD]]{{.*}} : memref<1x6x6x16xi16>, vector<8xi16>
func.func @conv_chain(%x: tensor<1x4x4x8xi8>) -> tensor<1x4x4x4xi8> {
  %w1 = "tosa.const"() {values = dense<3> : tensor<16x1x1x8xi8>} : () -> tensor<16x1x1x8xi8>
  %b1 = "tosa.const"() {values = dense<10> : tensor<16xi32>} : () -> tensor<16xi32>
  %w2 = "tosa.const"() {values = dense<-20> : tensor<4x3x3x16xi8>} : () -> tensor<4x3x3x16xi8>
  %b2 = "tosa.const"() {values = dense<7> : tensor<4xi32>} : () -> tensor<4xi32>
  %xzp = "tosa.const"() {values = dense<-3> : tensor<1xi8>} : () -> tensor<1xi8>
  %yzp = "tosa.const"() {values = dense<5> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = "tosa.const"() {values = dense<1073741824> : tensor<1xi32>} : () -> tensor<1xi32>
  %s = "tosa.const"() {values = dense<35> : tensor<1xi8>} : () -> tensor<1xi8>
  %izp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %ozp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c1 = tosa.conv2d %x, %w1, %b1, %xzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x8xi8>, tensor<16x1x1x8xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x16xi32>
  %r1 = tosa.rescale %c1, %m, %s, %izp, %yzp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x4x4x16xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x16xi8>
  %a1 = tosa.clamp %r1 {max_val = 127 : i8, min_val = 5 : i8} : (tensor<1x4x4x16xi8>) -> tensor<1x4x4x16xi8>
  %c2 = tosa.conv2d %a1, %w2, %b2, %yzp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x16xi8>, tensor<4x3x3x16xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
  %r2 = tosa.rescale %c2, %m, %s, %izp, %ozp {input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x4x4x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  return %r2 : tensor<1x4x4x4xi8>
}
