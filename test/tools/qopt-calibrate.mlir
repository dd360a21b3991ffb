// qopt-calibrate's statistics, exact against numpy (Inputs/calibration.py):
// a batched .npy for one argument and a directory for the other.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/calibration.py gen %t
// RUN: qopt-calibrate %s --inputs %t/x.npy --inputs %t/y --bins 16 -o %t/a.stats
// RUN: %python %S/Inputs/calibration.py check %t %t/a.stats | FileCheck %s
// A batch along a new leading dimension is the same 5 samples.
// RUN: qopt-calibrate %s --inputs %t/x5.npy --inputs %t/y --bins 16 -o %t/b.stats
// RUN: diff %t/a.stats %t/b.stats
// The ptq pipeline's prepare defaults, and flags over them.
// RUN: qopt-calibrate %s --inputs %t/x.npy --inputs %t/y --pipeline ptq -o %t/c.stats
// RUN: FileCheck %s --check-prefix=PTQ < %t/c.stats
// PTQ: "prepare": "equalize=true relu6=skip absorb-high-bias=true"
// RUN: qopt-calibrate %s --inputs %t/x.npy --inputs %t/y --pipeline ptq --equalize=false -o %t/d.stats
// RUN: FileCheck %s --check-prefix=NOCLE < %t/d.stats
// NOCLE: "prepare": "equalize=false absorb-high-bias=true"

// CHECK: qopt-stats 1 main samples 5 prepare 'equalize=false absorb-high-bias=false' fingerprint 16 hex digits
// CHECK-NEXT: 0 arg [1, 4, 4, 2]: ok
// CHECK-NEXT: 1 arg [1, 4, 4, 3]: ok
// CHECK-NEXT: 2 tosa.conv2d [1, 4, 4, 3]: ok
// CHECK-NEXT: 3 tosa.add [1, 4, 4, 3]: ok
// CHECK-NEXT: 4 tosa.clamp [1, 4, 4, 3]: ok
// CHECK-NEXT: 5 tosa.mul [1, 4, 4, 3]: ok
// CHECK-NOT: {{.}}

func.func @main(%x: tensor<1x4x4x2xf32>, %y: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, -2.0]]], [[[3.0, 1.0]]], [[[-1.0, -1.0]]]]> : tensor<3x1x1x2xf32>} : () -> tensor<3x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.0, 1.0, -1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %a = tosa.add %c, %y : (tensor<1x4x4x3xf32>, tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %h = tosa.mul %r, %half, %shift : (tensor<1x4x4x3xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x3xf32>
  return %h : tensor<1x4x4x3xf32>
}
