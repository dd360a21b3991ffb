// User-facing errors of qopt-quantize, each with its location.
// RUN: split-file %s %t
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=1" 2>&1 | FileCheck %s --check-prefix=BITS1
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=0" 2>&1 | FileCheck %s --check-prefix=BITS0
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=three" 2>&1 | FileCheck %s --check-prefix=BITSX
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=2 weight-quant=pwlq" 2>&1 | FileCheck %s --check-prefix=PWLQ2
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=ternary weight-quant=pwlq" 2>&1 | FileCheck %s --check-prefix=PWLQT
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-quant=kmeans" 2>&1 | FileCheck %s --check-prefix=QUANT
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats layer-bits=1=binary/1" 2>&1 | FileCheck %s --check-prefix=LAYERA
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats layer-bits=1=1" 2>&1 | FileCheck %s --check-prefix=LAYER1
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats act-bits=1" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats act-range=entropy" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats bias-correction=data" 2>&1 | FileCheck %s --check-prefix=CORRECTION
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats layer-bits=1=12" 2>&1 | FileCheck %s --check-prefix=LAYER
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/missing.stats" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/other.stats" 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/short.stats" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: qopt-mlir %t/arith.mlir --qopt-quantize="stats=%t/graph.stats" --verify-diagnostics
// RUN: not qopt-mlir %t/nonweight.mlir --qopt-quantize="stats=%t/nonweight.stats layer-bits=scores=ternary" 2>&1 | FileCheck %s --check-prefix=NOWEIGHTS
// RUN: not qopt-mlir %t/nonweight.mlir --qopt-quantize="stats=%t/nonweight.stats layer-bits=2=binary" 2>&1 | FileCheck %s --check-prefix=NOWEIGHTS2
// RUN: qopt-mlir %t/recorded.mlir -split-input-file --qopt-quantize="stats=%t/recorded.stats" --verify-diagnostics

// Option errors are reported on the module and fail the pass.
// BITS: graph.mlir:{{[0-9]+}}:{{[0-9]+}}: error: unsupported weight bit width '9': expected 2..8, ternary or binary
// BITS1: graph.mlir:{{[0-9]+}}:{{[0-9]+}}: error: unsupported weight bit width '1': expected 2..8, ternary or binary
// BITS0: error: unsupported weight bit width '0': expected 2..8, ternary or binary
// BITSX: error: unsupported weight bit width 'three': expected 2..8, ternary or binary
// PWLQ2: error: weight-quant=pwlq needs at least 3 bits (one region bit, and a centre region with zero and one level on each side); got 2
// PWLQT: error: weight-quant=pwlq splits a uniform range into two regions; ternary weights have no such range
// QUANT: error: unknown weight-quant 'kmeans': expected uniform or pwlq
// LAYERA: error: unsupported bit width in layer-bits entry '1=binary/1'
// LAYER1: error: in layer-bits entry '1=1': unsupported weight bit width '1'
// ABITS: error: unsupported activation bit width 1: qopt quantizes to 2..8 bits
// RANGE: error: unknown act-range 'entropy': expected minmax, percentile, mse or kl
// CORRECTION: error: unknown bias-correction 'data': expected none, analytic or empirical
// LAYER: error: in layer-bits entry '1=12': unsupported weight bit width '12'
// NOWEIGHTS: error: loc("scores"): layer-bits gives 'tosa.matmul' ternary weights, but it has no constant weights: ternary and binary apply to conv2d, depthwise_conv2d and matmul with constant weights
// NOWEIGHTS2: error: loc("scores"): layer-bits gives 'tosa.matmul' binary weights, but it has no constant weights
// MISSING: error: {{.*}}missing.stats
// MISMATCH: graph.mlir:{{[0-9]+}}:{{[0-9]+}}: error: statistics file '{{.*}}other.stats' does not match the graph: tensor #1 is tosa.clamp 'tensor<1x4xf32>' here but tosa.clamp [1, 8] in the file
// COUNT: graph.mlir:{{[0-9]+}}:{{[0-9]+}}: error: statistics file '{{.*}}short.stats' does not match the graph: 1 tensors in the file, 2 activations in 'main'

//--- graph.mlir
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

//--- arith.mlir
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'arith.addf' is not a TOSA operation: qopt-quantize takes float TOSA}}
  %r = arith.addf %x, %x : tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

//--- nonweight.mlir
// Ternary or binary weights for a matmul of two activations (by location
// name or activation id): it has no weights to take the format.
func.func @main(%a: tensor<1x2x3xf32>, %b: tensor<1x3x4xf32>) -> tensor<1x2x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x3xf32>, tensor<1x3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x4xf32> loc("scores")
  return %y : tensor<1x2x4xf32>
}

//--- nonweight.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 2, 3], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 1, "source": "arg", "shape": [1, 3, 4], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 2, "source": "tosa.matmul", "shape": [1, 2, 4], "min": -1.0, "max": 1.0, "histogram": [1, 1]}]}

//--- recorded.mlir
// Weights rounded by qopt-adaround for 4 bits, quantized to 8.
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.2]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{weights were rounded to 4 bits (uniform) by qopt-adaround but are quantized to 8 (uniform) here}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 4 : i32, qopt.weight_scales = array<f64: 0.1, 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

// One scale recorded (per tensor), two channels quantized.
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.2]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{weights were rounded with 1 scale(s) by qopt-adaround but are quantized with 2 here (per-channel=true)}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 8 : i32, qopt.weight_scales = array<f64: 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

// -----

// Weights moved off the recorded grid (0.25 is 2.5 steps of 0.1).
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.25]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{weight #1 (2.500000e-01) is not on the grid qopt-adaround recorded (scale 1.000000e-01, 8 bits): a pass changed the weights after qopt-adaround}}
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.weight_bits = 8 : i32, qopt.weight_scales = array<f64: 0.1, 0.1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %c : tensor<1x2x2x2xf32>
}

//--- recorded.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 2, 2, 1], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 1, "source": "tosa.conv2d", "shape": [1, 2, 2, 2], "min": -1.0, "max": 1.0, "histogram": [1, 1]}]}

//--- graph.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 4], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 1, "source": "tosa.clamp", "shape": [1, 4], "min": 0.0, "max": 1.0, "histogram": [1, 1]}]}

//--- other.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 4], "min": -1.0, "max": 1.0, "histogram": [1, 1]},
  {"id": 1, "source": "tosa.clamp", "shape": [1, 8], "min": 0.0, "max": 1.0, "histogram": [1, 1]}]}

//--- short.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": [
  {"id": 0, "source": "arg", "shape": [1, 4], "min": -1.0, "max": 1.0, "histogram": [1, 1]}]}
