// RUN: qopt-mlir %s -split-input-file -qopt-forward-result-buffers | FileCheck %s

// A result computed through reshapes of a local buffer is computed in the
// output argument; the copy and the deallocation go.
// CHECK-LABEL: func.func @reshaped
// CHECK-SAME: (%[[IN:.*]]: memref<2x8xf32>, %[[OUT:.*]]: memref<1x2x8xf32>)
// CHECK-NOT: memref.alloc
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1, 2]]
// CHECK: %[[BUF:.*]] = memref.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [2, 8]
// CHECK: %[[C:.*]] = memref.collapse_shape %[[BUF]] {{\[}}[0, 1]]
// CHECK: linalg.copy ins(%{{.*}} : memref<16xf32>) outs(%[[C]] : memref<16xf32>)
// CHECK-NOT: memref.copy
// CHECK-NOT: memref.dealloc
// CHECK: return
func.func @reshaped(%in: memref<2x8xf32>, %out: memref<1x2x8xf32>) {
  %buf = memref.alloc() : memref<2x8xf32>
  %c = memref.collapse_shape %buf [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  %i = memref.collapse_shape %in [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  linalg.copy ins(%i : memref<16xf32>) outs(%c : memref<16xf32>)
  %e = memref.expand_shape %c [[0, 1, 2]] output_shape [1, 2, 8] : memref<16xf32> into memref<1x2x8xf32>
  memref.copy %e, %out : memref<1x2x8xf32> to memref<1x2x8xf32>
  memref.dealloc %buf : memref<2x8xf32>
  return
}

// -----

// Same type: the output argument replaces the buffer directly.
// CHECK-LABEL: func.func @direct
// CHECK-SAME: (%[[IN:.*]]: memref<4xi8>, %[[OUT:.*]]: memref<4xi8>)
// CHECK-NEXT: linalg.copy ins(%[[IN]] : memref<4xi8>) outs(%[[OUT]] : memref<4xi8>)
// CHECK-NEXT: return
func.func @direct(%in: memref<4xi8>, %out: memref<4xi8>) {
  %buf = memref.alloc() : memref<4xi8>
  linalg.copy ins(%in : memref<4xi8>) outs(%buf : memref<4xi8>)
  memref.copy %buf, %out : memref<4xi8> to memref<4xi8>
  return
}

// -----

// The buffer is read after the copy: writing the output early would be
// visible, so the copy stays.
// CHECK-LABEL: func.func @read_after
// CHECK: memref.alloc
// CHECK: memref.copy
func.func @read_after(%in: memref<4xi8>, %out: memref<4xi8>, %out2: memref<4xi8>) {
  %buf = memref.alloc() : memref<4xi8>
  linalg.copy ins(%in : memref<4xi8>) outs(%buf : memref<4xi8>)
  memref.copy %buf, %out : memref<4xi8> to memref<4xi8>
  linalg.copy ins(%buf : memref<4xi8>) outs(%out2 : memref<4xi8>)
  return
}

// -----

// A subview of a buffer is not the whole result; an input argument as the
// source is not a buffer of the function; an output used elsewhere too
// keeps its copy.
// CHECK-LABEL: func.func @not_forwarded
// CHECK-COUNT-3: memref.copy
func.func @not_forwarded(%in: memref<4xi8>, %o1: memref<2xi8>, %o2: memref<4xi8>, %o3: memref<4xi8>) {
  %buf = memref.alloc() : memref<4xi8>
  linalg.copy ins(%in : memref<4xi8>) outs(%buf : memref<4xi8>)
  %sub = memref.subview %buf[0] [2] [1] : memref<4xi8> to memref<2xi8, strided<[1]>>
  memref.copy %sub, %o1 : memref<2xi8, strided<[1]>> to memref<2xi8>
  memref.copy %in, %o2 : memref<4xi8> to memref<4xi8>
  %buf2 = memref.alloc() : memref<4xi8>
  linalg.copy ins(%o3 : memref<4xi8>) outs(%buf2 : memref<4xi8>)
  memref.copy %buf2, %o3 : memref<4xi8> to memref<4xi8>
  return
}
