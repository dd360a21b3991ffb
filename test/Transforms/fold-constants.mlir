// RUN: qopt-mlir %s -split-input-file --qopt-fold-constants | FileCheck %s

// Broadcasting along the first axis: [[1,2,3],[4,5,6]] + [[10,20,30]].
// CHECK-LABEL: func.func @add_broadcast
// CHECK: %[[C:.*]] = "tosa.const"() <{values = dense<{{\[\[}}1.100000e+01, 2.200000e+01, 3.300000e+01], [1.400000e+01, 2.500000e+01, 3.600000e+01]]> : tensor<2x3xf32>}>
// CHECK-NOT: tosa.add
// CHECK: return %[[C]]
func.func @add_broadcast() -> tensor<2x3xf32> {
  %a = "tosa.const"() {values = dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = "tosa.const"() {values = dense<[[10.0, 20.0, 30.0]]> : tensor<1x3xf32>} : () -> tensor<1x3xf32>
  %c = tosa.add %a, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// Broadcasting along the last axis: [[1],[2]] - [10,20,30].
// CHECK-LABEL: func.func @sub_broadcast_int
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}-9, -19, -29], [-8, -18, -28]]> : tensor<2x3xi32>}>
// CHECK-NOT: tosa.sub
func.func @sub_broadcast_int() -> tensor<2x3xi32> {
  %a = "tosa.const"() {values = dense<[[1], [2]]> : tensor<2x1xi32>} : () -> tensor<2x1xi32>
  %b = "tosa.const"() {values = dense<[[10, 20, 30]]> : tensor<1x3xi32>} : () -> tensor<1x3xi32>
  %c = tosa.sub %a, %b : (tensor<2x1xi32>, tensor<1x3xi32>) -> tensor<2x3xi32>
  return %c : tensor<2x3xi32>
}

// -----

// Splats stay splats.
// CHECK-LABEL: func.func @splat
// CHECK: "tosa.const"() <{values = dense<6.000000e+00> : tensor<64x64xf32>}>
// CHECK-NOT: tosa.mul
func.func @splat() -> tensor<64x64xf32> {
  %a = "tosa.const"() {values = dense<2.0> : tensor<64x64xf32>} : () -> tensor<64x64xf32>
  %b = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %s = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.mul %a, %b, %s : (tensor<64x64xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

// -----

// Float mul: [1.5, -2] * [2, 0.25].
// CHECK-LABEL: func.func @mul_float
// CHECK: "tosa.const"() <{values = dense<[3.000000e+00, -5.000000e-01]> : tensor<2xf32>}>
func.func @mul_float() -> tensor<2xf32> {
  %a = "tosa.const"() {values = dense<[1.5, -2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "tosa.const"() {values = dense<[2.0, 0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.mul %a, %b, %s : (tensor<2xf32>, tensor<2xf32>, tensor<1xi8>) -> tensor<2xf32>
  return %c : tensor<2xf32>
}

// -----

// i32 mul with shift 1 rounds: (p + 1) >> 1 for p = 3, 5, -3, 7.
// CHECK-LABEL: func.func @mul_shift
// CHECK: "tosa.const"() <{values = dense<[2, 3, -1, 4]> : tensor<4xi32>}>
func.func @mul_shift() -> tensor<4xi32> {
  %a = "tosa.const"() {values = dense<[3, 5, -3, 7]> : tensor<4xi32>} : () -> tensor<4xi32>
  %b = "tosa.const"() {values = dense<1> : tensor<4xi32>} : () -> tensor<4xi32>
  %s = "tosa.const"() {values = dense<1> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.mul %a, %b, %s : (tensor<4xi32>, tensor<4xi32>, tensor<1xi8>) -> tensor<4xi32>
  return %c : tensor<4xi32>
}

// -----

// i8 x i8 -> i32 does not wrap at 8 bits.
// CHECK-LABEL: func.func @mul_widen
// CHECK: "tosa.const"() <{values = dense<[16129, -16256]> : tensor<2xi32>}>
func.func @mul_widen() -> tensor<2xi32> {
  %a = "tosa.const"() {values = dense<[127, -128]> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = "tosa.const"() {values = dense<127> : tensor<2xi8>} : () -> tensor<2xi8>
  %s = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.mul %a, %b, %s : (tensor<2xi8>, tensor<2xi8>, tensor<1xi8>) -> tensor<2xi32>
  return %c : tensor<2xi32>
}

// -----

// CHECK-LABEL: func.func @max_min_pow
// CHECK-DAG: "tosa.const"() <{values = dense<[3.000000e+00, 5.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[-7, 2]> : tensor<2xi32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[8.000000e+00, 9.000000e+00]> : tensor<2xf32>}>
// CHECK-NOT: tosa.maximum
// CHECK-NOT: tosa.minimum
// CHECK-NOT: tosa.pow
func.func @max_min_pow() -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>) {
  %a = "tosa.const"() {values = dense<[3.0, -1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "tosa.const"() {values = dense<[2.0, 5.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %max = tosa.maximum %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %i = "tosa.const"() {values = dense<[-7, 9]> : tensor<2xi32>} : () -> tensor<2xi32>
  %j = "tosa.const"() {values = dense<2> : tensor<1xi32>} : () -> tensor<1xi32>
  %min = tosa.minimum %i, %j : (tensor<2xi32>, tensor<1xi32>) -> tensor<2xi32>
  %x = "tosa.const"() {values = dense<[2.0, 3.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %y = "tosa.const"() {values = dense<[3.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %pow = tosa.pow %x, %y : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %max, %min, %pow : tensor<2xf32>, tensor<2xi32>, tensor<2xf32>
}

// -----

// A constant with two users is still folded (upstream's own folders leave it).
// CHECK-LABEL: func.func @unary
// CHECK-DAG: "tosa.const"() <{values = dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[2.500000e-01, 1.250000e-01]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, 2.71828175]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[0.000000e+00, 0.693147182]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[5.000000e-01, 0.731058597]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[0.000000e+00, 0.761594176]> : tensor<2xf32>}>
// CHECK-NOT: tosa.reciprocal
// CHECK-NOT: tosa.rsqrt
// CHECK-NOT: tosa.exp
// CHECK-NOT: tosa.log
// CHECK-NOT: tosa.sigmoid
// CHECK-NOT: tosa.tanh
func.func @unary() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = "tosa.const"() {values = dense<[2.0, 4.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "tosa.const"() {values = dense<[16.0, 64.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = "tosa.const"() {values = dense<[0.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %d = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %recip = tosa.reciprocal %a : (tensor<2xf32>) -> tensor<2xf32>
  %rsqrt = tosa.rsqrt %b : (tensor<2xf32>) -> tensor<2xf32>
  %exp = tosa.exp %c : (tensor<2xf32>) -> tensor<2xf32>
  %log = tosa.log %d : (tensor<2xf32>) -> tensor<2xf32>
  %sig = tosa.sigmoid %c : (tensor<2xf32>) -> tensor<2xf32>
  %tanh = tosa.tanh %c : (tensor<2xf32>) -> tensor<2xf32>
  return %recip, %rsqrt, %exp, %log, %sig, %tanh : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @rounding_unary
// CHECK-DAG: "tosa.const"() <{values = dense<[2.000000e+00, -1.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<1.200000e+00> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[-1.200000e+00, 1.200000e+00]> : tensor<2xf32>}>
// CHECK-NOT: tosa.ceil
// CHECK-NOT: tosa.floor
// CHECK-NOT: tosa.abs
// CHECK-NOT: tosa.negate
func.func @rounding_unary() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %a = "tosa.const"() {values = dense<[1.2, -1.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %ceil = tosa.ceil %a : (tensor<2xf32>) -> tensor<2xf32>
  %floor = tosa.floor %a : (tensor<2xf32>) -> tensor<2xf32>
  %abs = tosa.abs %a : (tensor<2xf32>) -> tensor<2xf32>
  %neg = tosa.negate %a, %zp, %zp : (tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2xf32>
  return %ceil, %floor, %abs, %neg : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Integer negate around zero points 3 (in) and -1 (out), saturating:
// 3 - 5 - 1 = -3, 3 + 128 - 1 = 130 -> 127.
// CHECK-LABEL: func.func @negate_int
// CHECK: "tosa.const"() <{values = dense<[-3, 127]> : tensor<2xi8>}>
func.func @negate_int() -> tensor<2xi8> {
  %a = "tosa.const"() {values = dense<[5, -128]> : tensor<2xi8>} : () -> tensor<2xi8>
  %izp = "tosa.const"() {values = dense<3> : tensor<1xi8>} : () -> tensor<1xi8>
  %ozp = "tosa.const"() {values = dense<-1> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.negate %a, %izp, %ozp : (tensor<2xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<2xi8>
  return %c : tensor<2xi8>
}

// -----

// CHECK-LABEL: func.func @clamp
// CHECK-DAG: "tosa.const"() <{values = dense<[0.000000e+00, 2.500000e+00, 6.000000e+00]> : tensor<3xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[-4, 1, 4]> : tensor<3xi8>}>
// CHECK-NOT: tosa.clamp
func.func @clamp() -> (tensor<3xf32>, tensor<3xi8>) {
  %a = "tosa.const"() {values = dense<[-1.0, 2.5, 7.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<3xf32>) -> tensor<3xf32>
  %i = "tosa.const"() {values = dense<[-100, 1, 100]> : tensor<3xi8>} : () -> tensor<3xi8>
  %d = tosa.clamp %i {min_val = -4 : i8, max_val = 4 : i8} : (tensor<3xi8>) -> tensor<3xi8>
  return %c, %d : tensor<3xf32>, tensor<3xi8>
}

// -----

// Float -> int rounds half to even and saturates; int -> int wraps
// (300 -> 44, -129 -> 127); int -> float is exact here.
// CHECK-LABEL: func.func @cast
// CHECK-DAG: "tosa.const"() <{values = dense<[2, -2, 4, -4, 0, 127, -128]> : tensor<7xi8>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[44, 127]> : tensor<2xi8>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[3.000000e+02, -1.290000e+02]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, 6.550400e+04]> : tensor<2xf16>}>
// CHECK-NOT: tosa.cast
func.func @cast() -> (tensor<7xi8>, tensor<2xi8>, tensor<2xf32>, tensor<2xf16>) {
  %a = "tosa.const"() {values = dense<[2.5, -2.5, 3.5, -3.5, 0.49, 300.0, -300.0]> : tensor<7xf32>} : () -> tensor<7xf32>
  %c = tosa.cast %a : (tensor<7xf32>) -> tensor<7xi8>
  %i = "tosa.const"() {values = dense<[300, -129]> : tensor<2xi32>} : () -> tensor<2xi32>
  %d = tosa.cast %i : (tensor<2xi32>) -> tensor<2xi8>
  %e = tosa.cast %i : (tensor<2xi32>) -> tensor<2xf32>
  %h = "tosa.const"() {values = dense<[1.0, 65504.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %f = tosa.cast %h : (tensor<2xf32>) -> tensor<2xf16>
  return %c, %d, %e, %f : tensor<7xi8>, tensor<2xi8>, tensor<2xf32>, tensor<2xf16>
}

// -----

// f16 arithmetic rounds once to f16: 1 + 2^-11 is a tie that goes to 1.
// CHECK-LABEL: func.func @add_f16
// CHECK: "tosa.const"() <{values = dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf16>}>
func.func @add_f16() -> tensor<2xf16> {
  %a = "tosa.const"() {values = dense<[1.0, 1.0]> : tensor<2xf16>} : () -> tensor<2xf16>
  %b = "tosa.const"() {values = dense<[4.8828125e-04, 2.0]> : tensor<2xf16>} : () -> tensor<2xf16>
  %c = tosa.add %a, %b : (tensor<2xf16>, tensor<2xf16>) -> tensor<2xf16>
  return %c : tensor<2xf16>
}

// -----

// CHECK-LABEL: func.func @reshape_transpose
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi32>}>
// CHECK-NOT: tosa.reshape
// CHECK-NOT: tosa.transpose
func.func @reshape_transpose() -> (tensor<3x2xi32>, tensor<3x2xi32>, tensor<2x3xi32>) {
  %a = "tosa.const"() {values = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>} : () -> tensor<2x3xi32>
  %s = tosa.const_shape {values = dense<[3, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %a, %s : (tensor<2x3xi32>, !tosa.shape<2>) -> tensor<3x2xi32>
  %t = tosa.transpose %a {perms = array<i32: 1, 0>} : (tensor<2x3xi32>) -> tensor<3x2xi32>
  return %r, %t, %a : tensor<3x2xi32>, tensor<3x2xi32>, tensor<2x3xi32>
}

// -----

// A 2x3x4 transpose with perms [2, 0, 1]: result[k][i][j] = a[i][j][k],
// a[i][j][k] = 12i + 4j + k.
// CHECK-LABEL: func.func @transpose_3d
// CHECK: "tosa.const"() <{values = dense<{{\[\[\[}}0, 4, 8], [12, 16, 20]], {{\[\[}}1, 5, 9], [13, 17, 21]], {{\[\[}}2, 6, 10], [14, 18, 22]], {{\[\[}}3, 7, 11], [15, 19, 23]]]> : tensor<4x2x3xi32>}>
func.func @transpose_3d() -> tensor<4x2x3xi32> {
  %a = "tosa.const"() {values = dense<[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]> : tensor<2x3x4xi32>} : () -> tensor<2x3x4xi32>
  %t = tosa.transpose %a {perms = array<i32: 2, 0, 1>} : (tensor<2x3x4xi32>) -> tensor<4x2x3xi32>
  return %t : tensor<4x2x3xi32>
}

// -----

// CHECK-LABEL: func.func @slice_concat_reverse
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}5, 6]]> : tensor<1x2xi32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}1, 2, 3, 7], [4, 5, 6, 7]]> : tensor<2x4xi32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}3, 2, 1], [6, 5, 4]]> : tensor<2x3xi32>}>
// CHECK-NOT: tosa.slice
// CHECK-NOT: tosa.concat
// CHECK-NOT: tosa.reverse
func.func @slice_concat_reverse() -> (tensor<1x2xi32>, tensor<2x4xi32>, tensor<2x3xi32>) {
  %a = "tosa.const"() {values = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi32>} : () -> tensor<2x3xi32>
  %start = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s = tosa.slice %a, %start, %size : (tensor<2x3xi32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x2xi32>
  %b = "tosa.const"() {values = dense<7> : tensor<2x1xi32>} : () -> tensor<2x1xi32>
  %c = tosa.concat %a, %b {axis = 1 : i32} : (tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x4xi32>
  %r = tosa.reverse %a {axis = 1 : i32} : (tensor<2x3xi32>) -> tensor<2x3xi32>
  return %s, %c, %r : tensor<1x2xi32>, tensor<2x4xi32>, tensor<2x3xi32>
}

// -----

// CHECK-LABEL: func.func @tile_pad
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}1.000000e+00, 2.000000e+00, 1.000000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00, 1.000000e+00, 2.000000e+00]]> : tensor<2x4xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<{{\[\[}}-1.000000e+00, 1.000000e+00, 2.000000e+00, -1.000000e+00, -1.000000e+00]]> : tensor<1x5xf32>}>
// CHECK-NOT: tosa.tile
// CHECK-NOT: tosa.pad
func.func @tile_pad() -> (tensor<2x4xf32>, tensor<1x5xf32>) {
  %a = "tosa.const"() {values = dense<[[1.0, 2.0]]> : tensor<1x2xf32>} : () -> tensor<1x2xf32>
  %m = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.tile %a, %m : (tensor<1x2xf32>, !tosa.shape<2>) -> tensor<2x4xf32>
  %p = tosa.const_shape {values = dense<[0, 0, 1, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %v = "tosa.const"() {values = dense<-1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %q = tosa.pad %a, %p, %v : (tensor<1x2xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x5xf32>
  return %t, %q : tensor<2x4xf32>, tensor<1x5xf32>
}

// -----

// Resource blobs (how importers store large weights) are read; the result is
// a dense constant. blob: [1, 2, 3, 4] (f32, after the 4-byte alignment).
// CHECK-LABEL: func.func @resource
// CHECK: "tosa.const"() <{values = dense<{{\[\[}}2.000000e+00, 5.000000e+00], [5.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>}>
// CHECK-NOT: tosa.add
func.func @resource() -> tensor<2x2xf32> {
  %a = "tosa.const"() {values = dense_resource<blob> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %t = tosa.transpose %a {perms = array<i32: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %c = tosa.add %t, %a : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %c : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// Not constant, or no fold known: left alone.
// CHECK-LABEL: func.func @not_constant
// CHECK: tosa.add %arg0
// CHECK: tosa.intdiv
func.func @not_constant(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xi32>) {
  %a = "tosa.const"() {values = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.add %x, %a : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %i = "tosa.const"() {values = dense<[1, 2]> : tensor<2xi32>} : () -> tensor<2xi32>
  %z = "tosa.const"() {values = dense<0> : tensor<2xi32>} : () -> tensor<2xi32>
  %d = tosa.intdiv %i, %z : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
  return %c, %d : tensor<2xf32>, tensor<2xi32>
}
