// User-facing errors of qopt-quantize, each with its location.
// RUN: split-file %s %t
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats weight-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats act-bits=1" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats act-range=kl" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/graph.stats layer-bits=1=12" 2>&1 | FileCheck %s --check-prefix=LAYER
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/missing.stats" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/other.stats" 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize="stats=%t/short.stats" 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: qopt-mlir %t/arith.mlir --qopt-quantize="stats=%t/graph.stats" --verify-diagnostics

// Option errors are reported on the module and fail the pass.
// BITS: error: unsupported weight bit width 9: qopt quantizes to 2..8 bits
// ABITS: error: unsupported activation bit width 1: qopt quantizes to 2..8 bits
// RANGE: error: unknown act-range 'kl': expected minmax, percentile or mse
// LAYER: error: unsupported bit width in layer-bits entry '1=12'
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
