// RUN: qopt-mlir %s --qopt-vectorize-elementwise=tables=gather --split-input-file | FileCheck %s
// RUN: qopt-mlir %s --qopt-vectorize-elementwise=tables=vpermi2b --split-input-file | FileCheck %s --check-prefix=VBMI
// RUN: qopt-mlir %s --qopt-vectorize-elementwise=tables=tbl --split-input-file | FileCheck %s --check-prefix=TBL

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>

// A per-channel rescale-like op: the unit batch loop is dropped, the two
// spatial loops merge into one of 30, the channel loop (40) cannot merge
// with them (the multiplier is indexed by channel only) and is tiled by 8,
// the largest power of two dividing it.
// CHECK-LABEL: func.func @per_channel
// CHECK: scf.for {{.*}} to %c30 step %c1
// CHECK: scf.for {{.*}} to %c40 step %c8
// CHECK: vector.transfer_read {{.*}} : tensor<30x40xi32>, vector<8xi32>
// CHECK: vector.transfer_read {{.*}} : tensor<40xi32>, vector<8xi32>
// CHECK: arith.mulsi_extended {{.*}} : vector<8xi32>
// CHECK: arith.trunci {{.*}} : vector<8xi32> to vector<8xi8>
// CHECK: vector.transfer_write {{.*}} : vector<8xi8>, tensor<1x8xi8>
// CHECK-NOT: linalg.generic
func.func @per_channel(%x: tensor<1x6x5x40xi32>, %m: tensor<40xi32>) -> tensor<1x6x5x40xi8> {
  %e = tensor.empty() : tensor<1x6x5x40xi8>
  %r = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %m : tensor<1x6x5x40xi32>, tensor<40xi32>) outs(%e : tensor<1x6x5x40xi8>) {
  ^bb0(%a: i32, %b: i32, %o: i8):
    %lo, %hi = arith.mulsi_extended %a, %b : i32
    %t = arith.trunci %hi : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x6x5x40xi8>
  return %r : tensor<1x6x5x40xi8>
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A table lookup on identically shaped operands (table entries 11, 48, 85,
// 122, -97, ...: sign-extended): all loops collapse into
// one of 240 iterations, 16 lanes at a time, the lookup a vector.gather of
// the table sign-extended to i32 with i32 indices, truncated back.
// CHECK-LABEL: func.func @table
// CHECK-DAG: %[[T:.*]] = arith.constant dense<"0x0B00000030000000550000007A0000009FFFFFFF{{.*}}"> : tensor<256xi32>
// CHECK: scf.for {{.*}} to %c240 step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<240xi8>, vector<16xi8>
// CHECK: %[[I:.*]] = arith.addi {{.*}} : vector<16xi32>
// CHECK: %[[G:.*]] = vector.gather %[[T]][%c0] [%[[I]]], {{.*}} : tensor<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
// CHECK: %[[R:.*]] = arith.trunci %[[G]] : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %[[R]], {{.*}} : vector<16xi8>, tensor<240xi8>
func.func @table(%x: tensor<1x4x6x10xi8>) -> tensor<1x4x6x10xi8> {
  %t = arith.constant dense<"0x0B30557A9FC4E90E33587DA2C7EC11365B80A5CAEF14395E83A8CDF2173C6186ABD0F51A3F6489AED3F81D42678CB1D6FB20456A8FB4D9FE23486D92B7DC01264B7095BADF04294E7398BDE2072C51769BC0E50A2F54799EC3E80D32577CA1C6EB10355A7FA4C9EE13385D82A7CCF1163B6085AACFF4193E6388ADD2F71C41668BB0D5FA1F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B50759ABFE4092E53789DC2E70C31567BA0C5EA0F34597EA3C8ED12375C81A6CBF0153A5F84A9CEF3183D6287ACD1F61B40658AAFD4F91E43688DB2D7FC21466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1E6"> : tensor<256xi8>
  %e = tensor.empty() : tensor<1x4x6x10xi8>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x6x10xi8>) outs(%e : tensor<1x4x6x10xi8>) {
  ^bb0(%a: i8, %o: i8):
    %w = arith.extsi %a : i8 to i32
    %c128 = arith.constant 128 : i32
    %i = arith.addi %w, %c128 : i32
    %j = arith.index_cast %i : i32 to index
    %v = tensor.extract %t[%j] : tensor<256xi8>
    linalg.yield %v : i8
  } -> tensor<1x4x6x10xi8>
  return %r : tensor<1x4x6x10xi8>
}

// -----

// With the table in registers a byte lookup runs 64 bytes at a time (512
// = 8·64): the index byte is x ^ 0x80; vpermi2b looks up entries 0–127
// (table bytes 0–63, 64–127) and 128–255, the index's sign picks; tbl
// looks up 0–63 and tbx 64–255 in 16-byte quarters, the index lowered by
// 64 each time. Entries: 11, 48, 85, ... (byte i is 37·i + 11 mod 256).
// VBMI-LABEL: func.func @table64
// VBMI-DAG: %[[LO0:.*]] = arith.constant dense<[11, 48, 85, 122, -97, {{.*}}]> : vector<64xi8>
// VBMI-DAG: %[[X80:.*]] = arith.constant dense<-128> : vector<64xi8>
// VBMI: scf.for {{.*}} to %c512 step %c64
// VBMI: %[[X:.*]] = vector.transfer_read {{.*}} : tensor<512xi8>, vector<64xi8>
// VBMI: %[[I:.*]] = arith.xori %[[X]], %[[X80]] : vector<64xi8>
// VBMI: %[[L:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%[[LO0]], %[[I]], %{{.*}})
// VBMI: %[[H:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpermi2var.qi.512"(%{{.*}}, %[[I]], %{{.*}})
// VBMI: %[[U:.*]] = arith.cmpi slt, %[[I]], %{{.*}} : vector<64xi8>
// VBMI: %[[R:.*]] = arith.select %[[U]], %[[H]], %[[L]] : vector<64xi1>, vector<64xi8>
// VBMI: vector.transfer_write %[[R]], {{.*}} : vector<64xi8>, tensor<512xi8>
// VBMI-NOT: vector.gather
// TBL-LABEL: func.func @table64
// TBL: scf.for {{.*}} to %c512 step %c64
// TBL: %[[I:.*]] = arith.xori {{.*}} : vector<64xi8>
// TBL: %[[Q:.*]] = vector.extract_strided_slice %[[I]] {offsets = [0], sizes = [16], strides = [1]}
// TBL: %[[R0:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.tbl4.v16i8"({{.*}}, %[[Q]])
// TBL: %[[Q1:.*]] = arith.subi %[[Q]], %{{.*}} : vector<16xi8>
// TBL: %[[R1:.*]] = llvm.call_intrinsic "llvm.aarch64.neon.tbx4.v16i8"(%[[R0]], {{.*}}, %[[Q1]])
// TBL-COUNT-2: llvm.aarch64.neon.tbx4.v16i8
// TBL: vector.insert_strided_slice {{.*}} {offsets = [0], strides = [1]} : vector<16xi8> into vector<64xi8>
// TBL-COUNT-3: vector.insert_strided_slice
// TBL-NOT: vector.gather
// CHECK-LABEL: func.func @table64
// CHECK: vector.gather
func.func @table64(%x: tensor<1x8x8x8xi8>) -> tensor<1x8x8x8xi8> {
  %t = arith.constant dense<"0x0B30557A9FC4E90E33587DA2C7EC11365B80A5CAEF14395E83A8CDF2173C6186ABD0F51A3F6489AED3F81D42678CB1D6FB20456A8FB4D9FE23486D92B7DC01264B7095BADF04294E7398BDE2072C51769BC0E50A2F54799EC3E80D32577CA1C6EB10355A7FA4C9EE13385D82A7CCF1163B6085AACFF4193E6388ADD2F71C41668BB0D5FA1F44698EB3D8FD22476C91B6DB00254A6F94B9DE03284D7297BCE1062B50759ABFE4092E53789DC2E70C31567BA0C5EA0F34597EA3C8ED12375C81A6CBF0153A5F84A9CEF3183D6287ACD1F61B40658AAFD4F91E43688DB2D7FC21466B90B5DAFF24496E93B8DD02274C7196BBE0052A4F7499BEE3082D52779CC1E6"> : tensor<256xi8>
  %e = tensor.empty() : tensor<1x8x8x8xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x8x8x8xi8>) outs(%e : tensor<1x8x8x8xi8>) {
  ^bb0(%a: i8, %o: i8):
    %w = arith.index_cast %a : i8 to index
    %c128 = arith.constant 128 : index
    %i = arith.addi %w, %c128 : index
    %v = tensor.extract %t[%i] : tensor<256xi8>
    linalg.yield %v : i8
  } -> tensor<1x8x8x8xi8>
  return %r : tensor<1x8x8x8xi8>
}

// -----

// A quantize beside a layout change (NCHW f32 in, NHWC i8 out, as at a
// model's input): the transpose fuses with the quantize, both contiguous
// loops (64 channels, 56·56 pixels) are tiled by 16, the loops are
// interchanged so that the f32 tile is read along the pixels, the
// arithmetic runs on its rows (1-D vectors), and the i8 result is
// transposed as one shuffle of its 256 bytes and written along channels.
// CHECK-LABEL: func.func @transpose_quantize
// CHECK: scf.for {{.*}} to %c64 step %c16
// CHECK: scf.for {{.*}} to %c3136 step %c16
// CHECK: %[[R:.*]] = vector.transfer_read {{.*}} : tensor<64x3136xf32>, vector<16x16xf32>
// CHECK-NOT: vector.transpose
// CHECK: %[[ROW:.*]] = vector.extract %[[R]][0] : vector<16xf32> from vector<16x16xf32>
// CHECK: arith.mulf %[[ROW]], {{.*}} : vector<16xf32>
// CHECK: arith.fptosi {{.*}} : vector<16xf32> to vector<16xi8>
// CHECK: %[[FLAT:.*]] = vector.shape_cast {{.*}} : vector<16x16xi8> to vector<256xi8>
// CHECK: %[[T:.*]] = vector.shuffle %[[FLAT]], %[[FLAT]] [0, 16, 32,
// CHECK: %[[W:.*]] = vector.shape_cast %[[T]] : vector<256xi8> to vector<16x16xi8>
// CHECK: vector.transfer_write %[[W]], {{.*}} : vector<16x16xi8>, tensor<3136x64xi8>
// CHECK-NOT: linalg.
func.func @transpose_quantize(%x: tensor<1x64x56x56xf32>) -> tensor<1x56x56x64xi8> {
  %e = tensor.empty() : tensor<1x64x56x56xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x64x56x56xf32>) outs(%e : tensor<1x64x56x56xi8>) {
  ^bb0(%a: f32, %o: i8):
    %s = arith.constant 51.5 : f32
    %m = arith.mulf %a, %s : f32
    %i = arith.fptosi %m : f32 to i8
    linalg.yield %i : i8
  } -> tensor<1x64x56x56xi8>
  %e2 = tensor.empty() : tensor<1x56x56x64xi8>
  %t = linalg.transpose ins(%q : tensor<1x64x56x56xi8>) outs(%e2 : tensor<1x56x56x64xi8>) permutation = [0, 2, 3, 1]
  return %t : tensor<1x56x56x64xi8>
}

// -----

// A dequantize beside a layout change (NHWC i8 in, NCHW f32 out, as at a
// model's output): the i8 tile is read along the channels and transposed
// (one shuffle of its bytes), the arithmetic runs along the pixels, where
// the f32 result is written.
// CHECK-LABEL: func.func @dequantize_transpose
// CHECK: scf.for {{.*}} to %c64 step %c16
// CHECK: scf.for {{.*}} to %c3136 step %c16
// CHECK: %[[R:.*]] = vector.transfer_read {{.*}} : tensor<3136x64xi8>, vector<16x16xi8>
// CHECK: %[[FLAT:.*]] = vector.shape_cast %[[R]] : vector<16x16xi8> to vector<256xi8>
// CHECK: vector.shuffle %[[FLAT]], %[[FLAT]] [0, 16, 32,
// CHECK: arith.sitofp {{.*}} : vector<16xi8> to vector<16xf32>
// CHECK-NOT: vector.transpose
// CHECK: vector.transfer_write {{.*}} : vector<16x16xf32>, tensor<64x3136xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @dequantize_transpose(%x: tensor<1x56x56x64xi8>) -> tensor<1x64x56x56xf32> {
  %e = tensor.empty() : tensor<1x64x56x56xi8>
  %t = linalg.transpose ins(%x : tensor<1x56x56x64xi8>) outs(%e : tensor<1x64x56x56xi8>) permutation = [0, 3, 1, 2]
  %e2 = tensor.empty() : tensor<1x64x56x56xf32>
  %d = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t : tensor<1x64x56x56xi8>) outs(%e2 : tensor<1x64x56x56xf32>) {
  ^bb0(%a: i8, %o: f32):
    %f = arith.sitofp %a : i8 to f32
    %s = arith.constant 0.25 : f32
    %m = arith.mulf %f, %s : f32
    linalg.yield %m : f32
  } -> tensor<1x64x56x56xf32>
  return %d : tensor<1x64x56x56xf32>
}

// -----

// A rescale beside a layout change, int8 on both sides: the loops keep
// the output's order and the input tile is transposed before it is
// widened.
// CHECK-LABEL: func.func @transpose_rescale
// CHECK: %[[R:.*]] = vector.transfer_read {{.*}} : tensor<64x3136xi8>, vector<16x16xi8>
// CHECK: %[[FLAT:.*]] = vector.shape_cast %[[R]] : vector<16x16xi8> to vector<256xi8>
// CHECK: vector.shuffle %[[FLAT]], %[[FLAT]] [0, 16, 32,
// CHECK: arith.extsi {{.*}} : vector<16xi8> to vector<16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16x16xi8>, tensor<3136x64xi8>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @transpose_rescale(%x: tensor<1x64x56x56xi8>) -> tensor<1x56x56x64xi8> {
  %e = tensor.empty() : tensor<1x64x56x56xi8>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x64x56x56xi8>) outs(%e : tensor<1x64x56x56xi8>) {
  ^bb0(%a: i8, %o: i8):
    %w = arith.extsi %a : i8 to i32
    %c = arith.constant 3 : i32
    %m = arith.shrsi %w, %c : i32
    %n = arith.trunci %m : i32 to i8
    linalg.yield %n : i8
  } -> tensor<1x64x56x56xi8>
  %e2 = tensor.empty() : tensor<1x56x56x64xi8>
  %t = linalg.transpose ins(%r : tensor<1x64x56x56xi8>) outs(%e2 : tensor<1x56x56x64xi8>) permutation = [0, 2, 3, 1]
  return %t : tensor<1x56x56x64xi8>
}

// -----

// A per-row i32 operand (a broadcast) is the widest but does not decide the
// loop order: the i8 data are read and written along their rows, untouched
// by shuffles; only the broadcast rows are spread across the tile.
// CHECK-LABEL: func.func @broadcast_wide
// CHECK: scf.for %[[R:.*]] = %c0 to %c64 step %c16
// CHECK: scf.for %[[C:.*]] = %c0 to %c3136 step %c16
// CHECK: vector.transfer_read %{{.*}}[%[[R]], %[[C]]]{{.*}} : tensor<64x3136xi8>, vector<16x16xi8>
// CHECK-NOT: vector.shuffle
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[R]], %[[C]]]{{.*}} : vector<16x16xi8>, tensor<64x3136xi8>
func.func @broadcast_wide(%x: tensor<64x3136xi8>, %b: tensor<64xi32>) -> tensor<64x3136xi8> {
  %e = tensor.empty() : tensor<64x3136xi8>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %b : tensor<64x3136xi8>, tensor<64xi32>) outs(%e : tensor<64x3136xi8>) {
  ^bb0(%a: i8, %c: i32, %o: i8):
    %w = arith.extsi %a : i8 to i32
    %s = arith.addi %w, %c : i32
    %n = arith.trunci %s : i32 to i8
    linalg.yield %n : i8
  } -> tensor<64x3136xi8>
  return %r : tensor<64x3136xi8>
}

// -----

// Reductions are left alone.
// CHECK-LABEL: func.func @reduction
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @reduction(%x: tensor<4x16xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x16xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
