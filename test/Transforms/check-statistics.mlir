// Statistics gathered on a graph prepared with other options, or on another
// graph, are refused with an error at the entry function.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as n; n.save('%t/x.npy', n.arange(-8, 8, dtype='f4').reshape(2, 1, 2, 2, 2))"
// RUN: qopt-calibrate %t/graph.mlir --inputs %t/x.npy -o %t/plain.stats
// RUN: qopt-calibrate %t/graph.mlir --inputs %t/x.npy --equalize -o %t/equalized.stats

// The same options pass, with either pipeline.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats" -o /dev/null
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/equalized.stats equalize=true" -o /dev/null
// RUN: qopt-mlir %t/graph.mlir --qopt-ptq-pipeline="stats=%t/equalized.stats absorb-high-bias=false" -o /dev/null
// Printing options do not change the fingerprint.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats" --mlir-print-debuginfo --mlir-elide-elementsattrs-if-larger=1 --mlir-print-value-users --mlir-use-nameloc-as-prefix -o /dev/null

// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats equalize=true" 2>&1 | FileCheck %s --check-prefix=STALE
// STALE: graph.mlir:1:1: error: statistics file '{{.*}}plain.stats' was gathered on the graph prepared with 'equalize=false absorb-high-bias=false', but this graph is prepared with 'equalize=true relu6=skip absorb-high-bias=false': run qopt-calibrate with the same prepare options
// RUN: not qopt-mlir %t/graph.mlir --qopt-ptq-pipeline="stats=%t/plain.stats" 2>&1 | FileCheck %s --check-prefix=PTQ
// PTQ: graph.mlir:1:1: error: statistics file '{{.*}}plain.stats' was gathered on the graph prepared with 'equalize=false absorb-high-bias=false', but this graph is prepared with 'equalize=true relu6=skip absorb-high-bias=true'

// Same structure, other weights: the fingerprint differs.
// RUN: not qopt-mlir %t/other.mlir --qopt-quantize-pipeline="stats=%t/plain.stats" 2>&1 | FileCheck %s --check-prefix=OTHER
// OTHER: other.mlir:1:1: error: statistics file '{{.*}}plain.stats' was gathered on another graph: the prepared 'main' differs (its weights or ops changed since calibration): run qopt-calibrate again

// A file that records neither (written by hand).
// RUN: qopt-mlir %t/hand.mlir --qopt-check-statistics="stats=%t/hand.stats prepare='equalize=false absorb-high-bias=false'" --verify-diagnostics -o /dev/null

//--- graph.mlir
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0, 0.0]]], [[[0.0, 8.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[2.0, 0.5]]], [[[1.0, 0.25]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

//--- other.mlir
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[1.0, 0.0]]], [[[0.0, 4.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[2.0, 0.5]]], [[[1.0, 0.25]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %2 = tosa.conv2d %1, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

//--- hand.mlir
// expected-error-re @+1 {{statistics file '{{.*}}hand.stats' does not record the graph it was gathered on: run qopt-calibrate again}}
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  return %x : tensor<1x2xf32>
}

//--- hand.stats
{"format": "qopt-stats", "version": 1, "function": "main", "samples": 1,
 "tensors": []}
