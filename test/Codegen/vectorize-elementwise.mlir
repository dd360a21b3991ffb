// RUN: qopt-mlir %s --qopt-vectorize-elementwise --split-input-file | FileCheck %s

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>

// A per-channel rescale-like op: the unit batch loop is dropped, the channel
// loop (40) cannot merge with the spatial ones (the multiplier is indexed by
// channel only) and is tiled by 8, the largest power of two dividing it.
// CHECK-LABEL: func.func @per_channel
// CHECK: scf.for {{.*}} to %c6 step %c1
// CHECK: scf.for {{.*}} to %c5 step %c1
// CHECK: scf.for {{.*}} to %c40 step %c8
// CHECK: vector.transfer_read {{.*}} : tensor<6x5x40xi32>, vector<8xi32>
// CHECK: vector.transfer_read {{.*}} : tensor<40xi32>, vector<8xi32>
// CHECK: arith.mulsi_extended {{.*}} : vector<8xi32>
// CHECK: arith.trunci {{.*}} : vector<8xi32> to vector<8xi8>
// CHECK: vector.transfer_write {{.*}} : vector<8xi8>, tensor<1x1x8xi8>
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

// A table lookup on identically shaped operands: all loops collapse into
// one of 240 iterations, 16 lanes at a time, the lookup a vector.gather of
// the table sign-extended to i32 with i32 indices, truncated back.
// CHECK-LABEL: func.func @table
// CHECK-DAG: %[[T:.*]] = arith.constant dense<-7> : tensor<256xi32>
// CHECK: scf.for {{.*}} to %c240 step %c16
// CHECK: vector.transfer_read {{.*}} : tensor<240xi8>, vector<16xi8>
// CHECK: %[[I:.*]] = arith.addi {{.*}} : vector<16xi32>
// CHECK: %[[G:.*]] = vector.gather %[[T]][%c0] [%[[I]]], {{.*}} : tensor<256xi32>, vector<16xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
// CHECK: %[[R:.*]] = arith.trunci %[[G]] : vector<16xi32> to vector<16xi8>
// CHECK: vector.transfer_write %[[R]], {{.*}} : vector<16xi8>, tensor<240xi8>
func.func @table(%x: tensor<1x4x6x10xi8>) -> tensor<1x4x6x10xi8> {
  %t = arith.constant dense<-7> : tensor<256xi8>
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
