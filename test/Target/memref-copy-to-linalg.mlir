// RUN: qopt-mlir %s -qopt-memref-copy-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[SRC:.*]]: memref<2x3xf32>, %[[DST:.*]]: memref<4x5xf32>)
// CHECK: %[[SUB:.*]] = memref.subview %[[DST]]
// CHECK: linalg.copy ins(%[[SRC]] : memref<2x3xf32>) outs(%[[SUB]] : memref<2x3xf32, strided<[5, 1], offset: 6>>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<2x3xf32>, %dst: memref<4x5xf32>) {
  %sub = memref.subview %dst[1, 1] [2, 3] [1, 1] : memref<4x5xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  memref.copy %src, %sub : memref<2x3xf32> to memref<2x3xf32, strided<[5, 1], offset: 6>>
  return
}
