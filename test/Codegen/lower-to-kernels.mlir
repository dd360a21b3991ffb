// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=avx512-vnni | FileCheck %s --check-prefix=VNNI
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=avx2 | FileCheck %s --check-prefix=AVX2
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=dotprod | FileCheck %s --check-prefix=SDOT
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=generic | FileCheck %s --check-prefix=GENERIC
// RUN: qopt-mlir %s --split-input-file --qopt-lower-to-kernels=isa=i8mm | FileCheck %s --check-prefix=SMMLA

// Weights of 7 values (with the 0 of the padded input channel), not a
// two's complement range: 3-bit codes into the codebook [-6, -2, 0, 1, 4, 5,
// 100], decoded by a table lookup. Per-tensor DOUBLE_ROUND rescale and a
// clamp. On VNNI the input is made unsigned and padded with zp + 128 = 125;
// OC = 2 is a partial block of 16 channels, packed [KH][KW][IC/4][2][4]
// (zeros beyond IC = 3) without padding channels: the 8 codes 3, 1, 6, 2,
// 4, 5, 0, 2 take 3 bytes, the low two bits in the 2-bit layout (byte j
// holds codes j, j + 2, j + 4, j + 6: 0b00001011 = 11, 0b10011001 = -103),
// then the high bits (bit i of code i: 0b00110100 = 52). Decoded by one
// shift of the repeated low-plane bytes as i16 (field i of lane group i),
// a mask, and one left shift of the high bit of lane group i into the sign
// bit, which selects between the lookups of the codebook's two halves;
// widened with zeros. The zero-point term is in the bias (one entry per
// channel): 10 - 125·(1 - 2 + 100) = -12365, 20 - 125·(4 + 5 - 6) = -355.
// Signed steps fold zp = -3 instead: 10 + 3·99 = 307, 20 + 3·3 = 29.
// VNNI-DAG: memref.global "private" constant @__qopt_bias : memref<2xi32> = dense<[-12365, -355]>
// VNNI-DAG: memref.global "private" constant @__qopt_packed_weights : memref<1x1x1x1x3xi8> = dense<{{\[\[\[\[\[}}11, -103, 52]]]]]>
// VNNI-LABEL: func.func @conv
// VNNI: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x2xi8>
// VNNI: %[[PAD:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x6x6x4xi8>
// VNNI: %[[IN:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x4x4x3xi8> to memref<1x4x4x3xi8, strided<[?, ?, ?, 1], offset: ?>>
// VNNI: linalg.fill ins(%{{.*}} : i8) outs(%[[PAD]]
// VNNI: arith.xori
// VNNI: vector.load %{{.*}} : memref<1x1x1x1x3xi8>, vector<3xi8>
// VNNI: vector.shuffle {{.*}} [0, 1, 0, 1, 0, 1, 0, 1] : vector<2xi8>, vector<2xi8>
// VNNI: vector.bitcast {{.*}} : vector<8xi8> to vector<4xi16>
// VNNI: arith.shrui {{.*}} : vector<4xi16>
// VNNI: arith.andi {{.*}} : vector<8xi8>
// VNNI: vector.shuffle {{.*}} [0, 0, 0, 0, 0, 0, 0, 0] : vector<1xi8>, vector<1xi8>
// VNNI: arith.shli {{.*}} : vector<8xi8>
// VNNI: %[[HIGH:.*]] = arith.cmpi slt, {{.*}} : vector<8xi8>
// VNNI: %[[LO:.*]] = llvm.call_intrinsic "llvm.x86.ssse3.pshuf.b.128"
// VNNI: %[[HI:.*]] = llvm.call_intrinsic "llvm.x86.ssse3.pshuf.b.128"
// VNNI: arith.select %[[HIGH]], {{.*}} : vector<8xi1>, vector<8xi8>
// VNNI: vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, {{.*}}] : vector<8xi8>, vector<8xi8>
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
// SDOT: memref.global "private" constant @__qopt_bias : memref<2xi32> = dense<[307, 29]>
// SDOT-LABEL: func.func @conv
// SDOT: llvm.call_intrinsic "llvm.aarch64.neon.tbl1.v8i8"
// SDOT: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"
// The generic ISA looks codes up by compares and selects.
// GENERIC-LABEL: func.func @conv
// GENERIC: arith.cmpi eq, {{.*}} : vector<2xi8>
// GENERIC: arith.select
// smmla: inputs in groups of 8 (channels padded to 8), weights packed
// [OC/2][KH][KW][IC/8][2][8], accumulators shuffled into rows of 4 channels.
// The block's second tile (channels 2 and 3) would be all padding: it is
// neither stored nor multiplied, one smmla per pixel pair (3 pairs).
// SMMLA: memref.global "private" constant @__qopt_packed_weights : memref<1x1x1x1x6xi8> =
// SMMLA-LABEL: func.func @conv
// SMMLA: memref.alloc() {{.*}} : memref<1x6x6x8xi8>
// SMMLA-COUNT-3: llvm.call_intrinsic "llvm.aarch64.neon.smmla.v4i32.v16i8"
// SMMLA-NOT: llvm.aarch64.neon.smmla
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

// A fully connected island with 3-bit weights (all within [-4, 3]): matmul,
// i32 reshape, bias add and per-channel rescale become one kernel. A tile of
// 2 channels × 4 k (a partial block) is stored in 3 bytes of two's
// complement codes: channel 0 is 1, 2, 3, 0 and channel 1 is -1, -2, -3, -4
// = 7, 6, 5, 4; the low two bits in the 2-bit layout (byte j holds codes j,
// j + 2, j + 4, j + 6: 0b01111101 = 125, 0b00100010 = 34), then the high
// bits (0b11110000 = -16); each plane's bytes are repeated at the lanes of
// their codes and shifted per lane group; two's complement codes need no
// lookup: the low bits, or 4 less where the high bit (shifted into the sign
// bit) is set. The
// per-channel shifts are one byte each; their rounding terms 2^(s-1) are
// computed in registers.
// VNNI-DAG: memref.global "private" constant @__qopt_packed_weights{{.*}} : memref<1x1x1x1x3xi8> = dense<{{\[\[\[\[\[}}125, 34, -16]]]]]>
// VNNI-DAG: memref.global "private" constant @__qopt_shift{{.*}} : memref<2xi8> = dense<[31, 32]>
// VNNI-NOT: memref.global "private" constant @__qopt_round
// VNNI-LABEL: func.func @fully_connected
// VNNI: %[[A:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] output_shape [1, 1, 1, 4]
// VNNI: bufferization.to_buffer %[[A]]
// VNNI: arith.shrui {{.*}} : vector<4xi16>
// VNNI: arith.andi {{.*}} : vector<8xi8>
// VNNI: arith.shli {{.*}} : vector<8xi8>
// VNNI: %[[HIGH:.*]] = arith.cmpi slt, {{.*}} : vector<8xi8>
// VNNI-NOT: pshuf.b
// VNNI: %[[LOW4:.*]] = arith.addi {{.*}} : vector<8xi8>
// VNNI: arith.select %[[HIGH]], %[[LOW4]], {{.*}} : vector<8xi1>, vector<8xi8>
// VNNI: vector.shuffle {{.*}} : vector<8xi8>, vector<8xi8>
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: %[[S:.*]] = arith.extui %{{.*}} : vector<16xi8> to vector<16xi64>
// VNNI: %[[P:.*]] = arith.shli %{{.*}}, %[[S]] : vector<16xi64>
// VNNI: arith.shrui %[[P]]
// VNNI: arith.shrsi %{{.*}}, %[[S]] : vector<16xi64>
// VNNI: %[[T:.*]] = bufferization.to_tensor
// VNNI: %[[F:.*]] = tensor.collapse_shape %[[T]]
// VNNI: %[[R:.*]] = tensor.expand_shape %[[F]] {{.*}} : tensor<2xi8> into tensor<1x2xi8>
// VNNI: return %[[R]]
// AVX2-LABEL: func.func @fully_connected
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.ub.sw"
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.pmadd.wd"
func.func @fully_connected(%x: tensor<1x1x4xi8>) -> tensor<1x2xi8> {
  %w = "tosa.const"() {values = dense<[[[1, -1], [2, -2], [3, -3], [0, -4]]]> : tensor<1x4x2xi8>} : () -> tensor<1x4x2xi8>
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
// to i16 for vpmaddwd on AVX2 (weights beyond ±64). The first result is
// never a tensor.
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
  %w2 = "tosa.const"() {values = dense<-100> : tensor<4x3x3x16xi8>} : () -> tensor<4x3x3x16xi8>
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

// -----

// OC = 18 on VNNI (8-bit weights): one whole block of 16 channels in one
// global, loaded 64 bytes at a time, and the 2 channels of the partial last block in another
// ([KH][KW][IC/4][2][4]), loaded as 8 bytes and widened with zeros. The
// per-channel tables hold 18 entries; the partial block reads its 2 with a
// narrower load too and stores them masked.
// VNNI-DAG: memref.global "private" constant @[[WHOLE:__qopt_packed_weights[_0-9]*]] : memref<1x1x1x1x64xi8>
// VNNI-DAG: memref.global "private" constant @[[REST:__qopt_packed_weights[_0-9]*]] : memref<1x1x1x1x8xi8>
// VNNI-DAG: memref.global "private" constant @__qopt_bias{{.*}} : memref<18xi32>
// VNNI-DAG: memref.global "private" constant @__qopt_multiplier{{.*}} : memref<18xi32>
// VNNI-DAG: memref.global "private" constant @__qopt_shift{{.*}} : memref<18xi8>
// VNNI-LABEL: func.func @partial_block
// VNNI-DAG: %[[W:.*]] = memref.get_global @[[WHOLE]]
// VNNI-DAG: %[[R:.*]] = memref.get_global @[[REST]]
// VNNI: vector.load %{{.*}} : memref<18xi32>, vector<16xi32>
// VNNI: vector.load %{{.*}} : memref<18xi32>, vector<2xi32>
// VNNI: vector.load %[[W]]{{.*}} : memref<1x1x1x1x64xi8>, vector<64xi8>
// VNNI: vector.load %[[R]]{{.*}} : memref<1x1x1x1x8xi8>, vector<8xi8>
// VNNI: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// VNNI: vector.load %{{.*}} : memref<18xi8>, vector<16xi8>
// VNNI: vector.store
// VNNI: vector.load %{{.*}} : memref<18xi8>, vector<2xi8>
// VNNI: vector.maskedstore
// sdot: 4 whole blocks of 4 channels and a partial one of 2.
// SDOT-LABEL: func.func @partial_block
// SDOT-DAG: memref.get_global @{{.*}} : memref<4x1x1x1x16xi8>
// SDOT-DAG: memref.get_global @{{.*}} : memref<1x1x1x1x8xi8>
func.func @partial_block(%x: tensor<1x2x2x4xi8>) -> tensor<1x2x2x18xi8> {
  %w = "tosa.const"() {values = dense<[[[[-36, -35, -34, -33]]], [[[-32, -31, -30, -29]]], [[[-28, -27, -26, -25]]], [[[-24, -23, -22, -21]]], [[[-20, -19, -18, -17]]], [[[-16, -15, -14, -13]]], [[[-12, -11, -10, -9]]], [[[-8, -7, -6, -5]]], [[[-4, -3, -2, -1]]], [[[0, 1, 2, 3]]], [[[4, 5, 6, 7]]], [[[8, 9, 10, 11]]], [[[12, 13, 14, 15]]], [[[16, 17, 18, 19]]], [[[20, 21, 22, 23]]], [[[24, 25, 26, 27]]], [[[28, 29, 30, 31]]], [[[32, 33, 34, 35]]]]> : tensor<18x1x1x4xi8>} : () -> tensor<18x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]> : tensor<18xi32>} : () -> tensor<18xi32>
  %zp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xi8>, tensor<18x1x1x4xi8>, tensor<18xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x2x2x18xi32>
  %m = "tosa.const"() {values = dense<[1073741824, 1073741825, 1073741826, 1073741827, 1073741828, 1073741829, 1073741830, 1073741831, 1073741832, 1073741833, 1073741834, 1073741835, 1073741836, 1073741837, 1073741838, 1073741839, 1073741840, 1073741841]> : tensor<18xi32>} : () -> tensor<18xi32>
  %s = "tosa.const"() {values = dense<[30, 31, 32, 33, 34, 35, 36, 37, 38, 30, 31, 32, 33, 34, 35, 36, 37, 38]> : tensor<18xi8>} : () -> tensor<18xi8>
  %izp = "tosa.const"() {values = dense<0> : tensor<1xi32>} : () -> tensor<1xi32>
  %r = tosa.rescale %c, %m, %s, %izp, %zp {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : (tensor<1x2x2x18xi32>, tensor<18xi32>, tensor<18xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x2x2x18xi8>
  return %r : tensor<1x2x2x18xi8>
}
