// RUN: qopt-mlir %s -qopt-plan-arena -split-input-file | FileCheck %s

// Three buffers in a chain: %a dies when %c is allocated, so %c reuses its
// bytes; %b (live across both) gets its own. Largest first: %a (4096 B) at
// 0, %b (1024 B) at 4096, %c (2048 B) at 0.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.*]]: memref<1024xf32>, %[[Y:.*]]: memref<512xf32>, %[[ARENA:.*]]: memref<5120xi8> {qopt.arena})
// CHECK-SAME: attributes {qopt.arena_size = 5120 : i64}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[C0]]][] : memref<5120xi8> to memref<1024xf32>
// CHECK: %[[C4096:.*]] = arith.constant 4096 : index
// CHECK: memref.view %[[ARENA]][%[[C4096]]][] : memref<5120xi8> to memref<256xf32>
// CHECK: %[[C0B:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[C0B]]][] : memref<5120xi8> to memref<512xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @chain(%x: memref<1024xf32>, %y: memref<512xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  memref.copy %x, %a : memref<1024xf32> to memref<1024xf32>
  %b = memref.alloc() : memref<256xf32>
  %sa = memref.subview %a[0] [256] [1] : memref<1024xf32> to memref<256xf32, strided<[1]>>
  memref.copy %sa, %b : memref<256xf32, strided<[1]>> to memref<256xf32>
  memref.dealloc %a : memref<1024xf32>
  %c = memref.alloc() : memref<512xf32>
  %sc = memref.subview %c[0] [256] [1] : memref<512xf32> to memref<256xf32, strided<[1]>>
  memref.copy %b, %sc : memref<256xf32> to memref<256xf32, strided<[1]>>
  memref.copy %c, %y : memref<512xf32> to memref<512xf32>
  return
}

// -----

// A use through a view nested in a loop keeps the buffer live until the
// loop ends: %b cannot take %a's bytes.
// CHECK-LABEL: func.func @loop_use
// CHECK-SAME: memref<128xi8> {qopt.arena}
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %{{.*}}[%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: memref.view %{{.*}}[%[[C64]]][] : memref<128xi8> to memref<4x4xf32>
func.func @loop_use(%x: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  %e = memref.expand_shape %a [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  %b = memref.alloc() : memref<4x4xf32>
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.load %e[%i, %i] : memref<4x4xf32>
    memref.store %v, %b[%i, %i] : memref<4x4xf32>
  }
  return
}

// -----

// No buffers: an empty arena still comes last, for one calling convention.
// CHECK-LABEL: func.func @none
// CHECK-SAME: (%{{.*}}: memref<4xf32>, %{{.*}}: memref<0xi8> {qopt.arena})
// CHECK-SAME: qopt.arena_size = 0 : i64
func.func @none(%x: memref<4xf32>) {
  return
}
