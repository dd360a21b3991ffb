// qopt-search-precision on a two-layer classifier (8 → 16 → 4 classes; 192
// weights, 768 float32 bytes) with 64 samples of standard normal inputs.
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as n; n.save('%t/x.npy', n.random.default_rng(0).standard_normal((64, 1, 8)).astype('f4'))"
// RUN: qopt-calibrate %t/graph.mlir --inputs %t/x.npy -o %t/g.stats

// 2x smaller than float32 is 384 bytes: every layer fits at 8 bits (the
// repair step raises what the greedy steps lowered). At 100 bytes both
// layers go to 4 bits (96 bytes; 3 bits for the first and 8 for the second
// would take 112), at 48 bytes to 2 bits.
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=2x" | FileCheck %s --check-prefix=HALF
// HALF-LABEL: func.func @main
// HALF-SAME: qopt.layer_bits = ["5=8", "9=8"], qopt.min_size = 48 : i64, qopt.size_budget = 384 : i64
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=100" | FileCheck %s --check-prefix=B100
// B100-LABEL: func.func @main
// B100-SAME: qopt.layer_bits = ["5=4", "9=4"], qopt.min_size = 48 : i64, qopt.size_budget = 100 : i64
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=48" | FileCheck %s --check-prefix=B48
// B48-LABEL: func.func @main
// B48-SAME: qopt.layer_bits = ["5={{2|ternary}}", "9={{2|ternary}}"]

// max-drop: the widest model agrees with the float one on every sample
// (0.04 % expected from its output noise); the first layer at 4 bits
// disagrees on 3 of 64 (4.7 %), both at 4 bits on 2 of 64 but 7 % are
// expected from their noise and the samples' margins, 3 bits more.
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=0.5" | FileCheck %s --check-prefix=DROP0
// DROP0: qopt.layer_bits = ["5=8", "9=8"]
// DROP0-NOT: qopt.{{size_budget|min_size}}
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=5" | FileCheck %s --check-prefix=DROP5
// DROP5: qopt.layer_bits = ["5=4", "9=8"]
// Only the formats given are chosen from.
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=100 formats=8,3" | FileCheck %s --check-prefix=FORMATS
// FORMATS: qopt.layer_bits = ["5=3", "9=3"]

// A final softmax is looked through: noise and margins are measured on the
// scores it normalises, so the choice is the one made without it.
// RUN: qopt-calibrate %t/softmax.mlir --inputs %t/x.npy -o %t/s.stats
// RUN: qopt-mlir %t/softmax.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/s.stats max-drop=5" | FileCheck %s --check-prefix=SOFTMAX
// SOFTMAX: qopt.layer_bits = ["5=4", "9=8"]

// The search is deterministic.
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=5" -o %t/a.mlir
// RUN: qopt-mlir %t/graph.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=5" -o %t/b.mlir
// RUN: diff %t/a.mlir %t/b.mlir

// In the quantize pipelines it runs on the prepared graph before
// qopt-quantize, which applies its choice.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/g.stats samples=%t/x.npy size-budget=100 keep-qdq=true" -o %t/pipeline.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse), qopt-check-statistics{stats=%t/g.stats prepare='equalize=false absorb-high-bias=false'}, qopt-search-precision{samples=%t/x.npy stats=%t/g.stats size-budget=100}, qopt-quantize{stats=%t/g.stats})" -o %t/passes.mlir
// RUN: diff %t/pipeline.mlir %t/passes.mlir
// RUN: FileCheck %s --check-prefix=PIPELINE < %t/pipeline.mlir
// PIPELINE-COUNT-2: quant.scast {{.*}} to tensor<1x{{8x16|16x4}}x!quant.uniform<i8<-7:7>:f32:2,
// Options the pipeline cannot honour.
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/g.stats size-budget=100" 2>&1 | FileCheck %s --check-prefix=NOSAMPLES
// NOSAMPLES: the precision search (size-budget, max-drop) measures the model on the calibration samples
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/g.stats samples=%t/x.npy size-budget=100 max-drop=1" 2>&1 | FileCheck %s --check-prefix=TWO
// TWO: size-budget and max-drop are two budgets for one search: give one
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/g.stats samples=%t/x.npy max-drop=1 layer-bits=5=4" 2>&1 | FileCheck %s --check-prefix=LAYERBITS
// LAYERBITS: it cannot be combined with layer-bits
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/g.stats samples=%t/x.npy max-drop=1 adaround=true" 2>&1 | FileCheck %s --check-prefix=ADAROUND
// ADAROUND: adaround=true rounds every layer to weight-bits: it cannot be combined with the precision search

// Budgets that cannot be met, and bad options: errors, nothing written.
// RUN: qopt-mlir %t/unreachable.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=47" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/exact.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=0" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/bad-budget.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=8y" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/both.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats size-budget=100 max-drop=1" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/none.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/bad-format.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=1 formats=8,9" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/pwlq-format.mlir --qopt-search-precision="samples=%t/x.npy stats=%t/g.stats max-drop=1 weight-quant=pwlq formats=4,2" --verify-diagnostics -o /dev/null
// RUN: %python -c "import numpy as n; n.save('%t/r.npy', n.random.default_rng(0).standard_normal((8, 1, 2)).astype('f4'))"
// RUN: qopt-calibrate %t/regression.mlir --inputs %t/r.npy -o %t/r.stats
// RUN: qopt-mlir %t/regression.mlir --qopt-search-precision="samples=%t/r.npy stats=%t/r.stats max-drop=1" --verify-diagnostics -o /dev/null
// RUN: qopt-mlir %t/regression.mlir --qopt-search-precision="samples=%t/r.npy stats=%t/r.stats size-budget=4" | FileCheck %s --check-prefix=REGRESSION
// REGRESSION: qopt.layer_bits = ["2=8"], qopt.min_size = 1 : i64, qopt.size_budget = 4 : i64

//--- graph.mlir
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s316 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w1 = "tosa.const"() <{values = dense<[[[0.17, 0.41, 0.17, -0.65, 0.46, 0.23, -0.27, 0.29, 0.18, 0.14, 0.01, 0.28, -0.37, -0.08, -0.24, 0.30], [0.02, -0.14, -0.39, -0.13, 0.01, -0.14, 0.65, 0.51, -1.35, -0.94, -0.09, -0.21, 0.10, 0.11, 1.06, -0.56], [-0.19, 1.02, 0.33, 0.33, -0.26, -0.82, 0.09, 0.06, -0.61, -0.34, -0.04, -0.47, -0.05, 0.05, 0.02, -0.26], [0.29, 0.45, 0.16, -0.41, 0.36, -0.25, 0.44, -0.54, 0.46, -0.01, -0.62, -0.15, 0.03, 0.14, -0.49, -0.56], [0.10, -0.23, 0.12, 0.38, -0.82, 0.12, 0.61, -0.15, -0.41, 0.38, 0.12, 0.45, -0.17, -0.74, -0.06, -0.23], [0.39, 0.10, -0.81, -0.60, 0.44, 0.34, -0.32, -0.00, 0.23, 0.23, 0.44, 0.13, -0.04, -0.13, 0.53, -1.12], [-0.07, 0.01, -0.71, 0.17, -0.33, 0.43, -0.07, 0.34, 0.61, 0.19, -0.44, -0.76, 0.88, -0.06, -0.34, 0.07], [-0.10, 0.42, 0.01, 0.01, -0.35, 0.23, -0.52, 0.34, 0.76, -0.76, -1.24, 0.31, 1.27, -0.50, -0.62, 0.29]]]> : tensor<1x8x16xf32>}> : () -> tensor<1x8x16xf32>
  %b1 = "tosa.const"() <{values = dense<[[-0.08, -0.05, -0.03, 0.05, -0.04, 0.03, -0.02, -0.08, -0.03, -0.10, 0.00, -0.11, -0.11, 0.15, -0.01, -0.01]]> : tensor<1x16xf32>}> : () -> tensor<1x16xf32>
  %w2 = "tosa.const"() <{values = dense<[[[0.26, -0.21, -0.12, 0.21], [0.14, -0.58, 0.41, -0.29], [-0.53, -0.45, -0.20, 0.81], [-0.59, 0.08, -1.07, -0.00], [0.45, -0.12, -0.32, 0.12], [0.35, 0.33, 0.98, 0.10], [-0.29, -0.07, -0.04, 0.06], [-0.01, 0.09, -0.83, 0.41], [-0.28, -0.58, 0.32, 0.66], [0.24, 0.08, -0.47, 1.44], [0.44, -0.57, -0.39, 0.04], [-0.78, 0.09, -0.23, 0.61], [0.48, -1.35, 0.02, -0.81], [0.56, 0.09, 0.28, -0.54], [0.92, 1.01, -0.53, 0.18], [-0.34, -0.01, -0.64, 0.94]]]> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %b2 = "tosa.const"() <{values = dense<[[-0.10, -0.03, 0.05, -0.07]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %0 = tosa.reshape %x, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %1 = tosa.matmul %0, %w1, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
  %2 = tosa.reshape %1, %s16 : (tensor<1x1x16xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %3 = tosa.add %2, %b1 : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
  %4 = tosa.clamp %3 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  %5 = tosa.reshape %4, %s316 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
  %6 = tosa.matmul %5, %w2, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %7 = tosa.reshape %6, %s4 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %8 = tosa.add %7, %b2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %8 : tensor<1x4xf32>
}

//--- softmax.mlir
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s316 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w1 = "tosa.const"() <{values = dense<[[[0.17, 0.41, 0.17, -0.65, 0.46, 0.23, -0.27, 0.29, 0.18, 0.14, 0.01, 0.28, -0.37, -0.08, -0.24, 0.30], [0.02, -0.14, -0.39, -0.13, 0.01, -0.14, 0.65, 0.51, -1.35, -0.94, -0.09, -0.21, 0.10, 0.11, 1.06, -0.56], [-0.19, 1.02, 0.33, 0.33, -0.26, -0.82, 0.09, 0.06, -0.61, -0.34, -0.04, -0.47, -0.05, 0.05, 0.02, -0.26], [0.29, 0.45, 0.16, -0.41, 0.36, -0.25, 0.44, -0.54, 0.46, -0.01, -0.62, -0.15, 0.03, 0.14, -0.49, -0.56], [0.10, -0.23, 0.12, 0.38, -0.82, 0.12, 0.61, -0.15, -0.41, 0.38, 0.12, 0.45, -0.17, -0.74, -0.06, -0.23], [0.39, 0.10, -0.81, -0.60, 0.44, 0.34, -0.32, -0.00, 0.23, 0.23, 0.44, 0.13, -0.04, -0.13, 0.53, -1.12], [-0.07, 0.01, -0.71, 0.17, -0.33, 0.43, -0.07, 0.34, 0.61, 0.19, -0.44, -0.76, 0.88, -0.06, -0.34, 0.07], [-0.10, 0.42, 0.01, 0.01, -0.35, 0.23, -0.52, 0.34, 0.76, -0.76, -1.24, 0.31, 1.27, -0.50, -0.62, 0.29]]]> : tensor<1x8x16xf32>}> : () -> tensor<1x8x16xf32>
  %b1 = "tosa.const"() <{values = dense<[[-0.08, -0.05, -0.03, 0.05, -0.04, 0.03, -0.02, -0.08, -0.03, -0.10, 0.00, -0.11, -0.11, 0.15, -0.01, -0.01]]> : tensor<1x16xf32>}> : () -> tensor<1x16xf32>
  %w2 = "tosa.const"() <{values = dense<[[[0.26, -0.21, -0.12, 0.21], [0.14, -0.58, 0.41, -0.29], [-0.53, -0.45, -0.20, 0.81], [-0.59, 0.08, -1.07, -0.00], [0.45, -0.12, -0.32, 0.12], [0.35, 0.33, 0.98, 0.10], [-0.29, -0.07, -0.04, 0.06], [-0.01, 0.09, -0.83, 0.41], [-0.28, -0.58, 0.32, 0.66], [0.24, 0.08, -0.47, 1.44], [0.44, -0.57, -0.39, 0.04], [-0.78, 0.09, -0.23, 0.61], [0.48, -1.35, 0.02, -0.81], [0.56, 0.09, 0.28, -0.54], [0.92, 1.01, -0.53, 0.18], [-0.34, -0.01, -0.64, 0.94]]]> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %b2 = "tosa.const"() <{values = dense<[[-0.10, -0.03, 0.05, -0.07]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %0 = tosa.reshape %x, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %1 = tosa.matmul %0, %w1, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
  %2 = tosa.reshape %1, %s16 : (tensor<1x1x16xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %3 = tosa.add %2, %b1 : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
  %4 = tosa.clamp %3 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  %5 = tosa.reshape %4, %s316 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
  %6 = tosa.matmul %5, %w2, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %7 = tosa.reshape %6, %s4 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %8 = tosa.add %7, %b2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %9 = tosa.reduce_max %8 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  %10 = tosa.sub %8, %9 : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %11 = tosa.exp %10 : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %12 = tosa.reduce_sum %11 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  %13 = tosa.reciprocal %12 : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %14 = tosa.mul %11, %13, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  return %14 : tensor<1x4xf32>
}

//--- unreachable.mlir
// expected-error @+1 {{qopt-search-precision: size-budget 47 bytes is unreachable: the smallest weights these formats give are 48 bytes (every layer at its narrowest format)}}
module {
  func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
    %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %s316 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w1 = "tosa.const"() <{values = dense<[[[0.17, 0.41, 0.17, -0.65, 0.46, 0.23, -0.27, 0.29, 0.18, 0.14, 0.01, 0.28, -0.37, -0.08, -0.24, 0.30], [0.02, -0.14, -0.39, -0.13, 0.01, -0.14, 0.65, 0.51, -1.35, -0.94, -0.09, -0.21, 0.10, 0.11, 1.06, -0.56], [-0.19, 1.02, 0.33, 0.33, -0.26, -0.82, 0.09, 0.06, -0.61, -0.34, -0.04, -0.47, -0.05, 0.05, 0.02, -0.26], [0.29, 0.45, 0.16, -0.41, 0.36, -0.25, 0.44, -0.54, 0.46, -0.01, -0.62, -0.15, 0.03, 0.14, -0.49, -0.56], [0.10, -0.23, 0.12, 0.38, -0.82, 0.12, 0.61, -0.15, -0.41, 0.38, 0.12, 0.45, -0.17, -0.74, -0.06, -0.23], [0.39, 0.10, -0.81, -0.60, 0.44, 0.34, -0.32, -0.00, 0.23, 0.23, 0.44, 0.13, -0.04, -0.13, 0.53, -1.12], [-0.07, 0.01, -0.71, 0.17, -0.33, 0.43, -0.07, 0.34, 0.61, 0.19, -0.44, -0.76, 0.88, -0.06, -0.34, 0.07], [-0.10, 0.42, 0.01, 0.01, -0.35, 0.23, -0.52, 0.34, 0.76, -0.76, -1.24, 0.31, 1.27, -0.50, -0.62, 0.29]]]> : tensor<1x8x16xf32>}> : () -> tensor<1x8x16xf32>
    %b1 = "tosa.const"() <{values = dense<[[-0.08, -0.05, -0.03, 0.05, -0.04, 0.03, -0.02, -0.08, -0.03, -0.10, 0.00, -0.11, -0.11, 0.15, -0.01, -0.01]]> : tensor<1x16xf32>}> : () -> tensor<1x16xf32>
    %w2 = "tosa.const"() <{values = dense<[[[0.26, -0.21, -0.12, 0.21], [0.14, -0.58, 0.41, -0.29], [-0.53, -0.45, -0.20, 0.81], [-0.59, 0.08, -1.07, -0.00], [0.45, -0.12, -0.32, 0.12], [0.35, 0.33, 0.98, 0.10], [-0.29, -0.07, -0.04, 0.06], [-0.01, 0.09, -0.83, 0.41], [-0.28, -0.58, 0.32, 0.66], [0.24, 0.08, -0.47, 1.44], [0.44, -0.57, -0.39, 0.04], [-0.78, 0.09, -0.23, 0.61], [0.48, -1.35, 0.02, -0.81], [0.56, 0.09, 0.28, -0.54], [0.92, 1.01, -0.53, 0.18], [-0.34, -0.01, -0.64, 0.94]]]> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
    %b2 = "tosa.const"() <{values = dense<[[-0.10, -0.03, 0.05, -0.07]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
    %0 = tosa.reshape %x, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
    %1 = tosa.matmul %0, %w1, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
    %2 = tosa.reshape %1, %s16 : (tensor<1x1x16xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
    %3 = tosa.add %2, %b1 : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
    %4 = tosa.clamp %3 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
    %5 = tosa.reshape %4, %s316 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
    %6 = tosa.matmul %5, %w2, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
    %7 = tosa.reshape %6, %s4 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
    %8 = tosa.add %7, %b2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    return %8 : tensor<1x4xf32>
  }
}

//--- exact.mlir
// expected-error @+1 {{qopt-search-precision: max-drop=0.00 is unreachable: at weight-bits=8 the model already disagrees with the float model on 0.04 % (measured on the samples or expected from its output noise)}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %s316 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w1 = "tosa.const"() <{values = dense<[[[0.17, 0.41, 0.17, -0.65, 0.46, 0.23, -0.27, 0.29, 0.18, 0.14, 0.01, 0.28, -0.37, -0.08, -0.24, 0.30], [0.02, -0.14, -0.39, -0.13, 0.01, -0.14, 0.65, 0.51, -1.35, -0.94, -0.09, -0.21, 0.10, 0.11, 1.06, -0.56], [-0.19, 1.02, 0.33, 0.33, -0.26, -0.82, 0.09, 0.06, -0.61, -0.34, -0.04, -0.47, -0.05, 0.05, 0.02, -0.26], [0.29, 0.45, 0.16, -0.41, 0.36, -0.25, 0.44, -0.54, 0.46, -0.01, -0.62, -0.15, 0.03, 0.14, -0.49, -0.56], [0.10, -0.23, 0.12, 0.38, -0.82, 0.12, 0.61, -0.15, -0.41, 0.38, 0.12, 0.45, -0.17, -0.74, -0.06, -0.23], [0.39, 0.10, -0.81, -0.60, 0.44, 0.34, -0.32, -0.00, 0.23, 0.23, 0.44, 0.13, -0.04, -0.13, 0.53, -1.12], [-0.07, 0.01, -0.71, 0.17, -0.33, 0.43, -0.07, 0.34, 0.61, 0.19, -0.44, -0.76, 0.88, -0.06, -0.34, 0.07], [-0.10, 0.42, 0.01, 0.01, -0.35, 0.23, -0.52, 0.34, 0.76, -0.76, -1.24, 0.31, 1.27, -0.50, -0.62, 0.29]]]> : tensor<1x8x16xf32>}> : () -> tensor<1x8x16xf32>
  %b1 = "tosa.const"() <{values = dense<[[-0.08, -0.05, -0.03, 0.05, -0.04, 0.03, -0.02, -0.08, -0.03, -0.10, 0.00, -0.11, -0.11, 0.15, -0.01, -0.01]]> : tensor<1x16xf32>}> : () -> tensor<1x16xf32>
  %w2 = "tosa.const"() <{values = dense<[[[0.26, -0.21, -0.12, 0.21], [0.14, -0.58, 0.41, -0.29], [-0.53, -0.45, -0.20, 0.81], [-0.59, 0.08, -1.07, -0.00], [0.45, -0.12, -0.32, 0.12], [0.35, 0.33, 0.98, 0.10], [-0.29, -0.07, -0.04, 0.06], [-0.01, 0.09, -0.83, 0.41], [-0.28, -0.58, 0.32, 0.66], [0.24, 0.08, -0.47, 1.44], [0.44, -0.57, -0.39, 0.04], [-0.78, 0.09, -0.23, 0.61], [0.48, -1.35, 0.02, -0.81], [0.56, 0.09, 0.28, -0.54], [0.92, 1.01, -0.53, 0.18], [-0.34, -0.01, -0.64, 0.94]]]> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %b2 = "tosa.const"() <{values = dense<[[-0.10, -0.03, 0.05, -0.07]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %0 = tosa.reshape %x, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %1 = tosa.matmul %0, %w1, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
  %2 = tosa.reshape %1, %s16 : (tensor<1x1x16xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %3 = tosa.add %2, %b1 : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
  %4 = tosa.clamp %3 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
  %5 = tosa.reshape %4, %s316 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
  %6 = tosa.matmul %5, %w2, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %7 = tosa.reshape %6, %s4 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %8 = tosa.add %7, %b2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %8 : tensor<1x4xf32>
}

//--- bad-budget.mlir
// expected-error @+1 {{qopt-search-precision: size-budget '8y' is not a positive byte count or Nx}}
module {
  func.func @main(%x: tensor<1x8xf32>) -> tensor<1x4xf32> {
    %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %s16 = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %s316 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %s4 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
    %w1 = "tosa.const"() <{values = dense<[[[0.17, 0.41, 0.17, -0.65, 0.46, 0.23, -0.27, 0.29, 0.18, 0.14, 0.01, 0.28, -0.37, -0.08, -0.24, 0.30], [0.02, -0.14, -0.39, -0.13, 0.01, -0.14, 0.65, 0.51, -1.35, -0.94, -0.09, -0.21, 0.10, 0.11, 1.06, -0.56], [-0.19, 1.02, 0.33, 0.33, -0.26, -0.82, 0.09, 0.06, -0.61, -0.34, -0.04, -0.47, -0.05, 0.05, 0.02, -0.26], [0.29, 0.45, 0.16, -0.41, 0.36, -0.25, 0.44, -0.54, 0.46, -0.01, -0.62, -0.15, 0.03, 0.14, -0.49, -0.56], [0.10, -0.23, 0.12, 0.38, -0.82, 0.12, 0.61, -0.15, -0.41, 0.38, 0.12, 0.45, -0.17, -0.74, -0.06, -0.23], [0.39, 0.10, -0.81, -0.60, 0.44, 0.34, -0.32, -0.00, 0.23, 0.23, 0.44, 0.13, -0.04, -0.13, 0.53, -1.12], [-0.07, 0.01, -0.71, 0.17, -0.33, 0.43, -0.07, 0.34, 0.61, 0.19, -0.44, -0.76, 0.88, -0.06, -0.34, 0.07], [-0.10, 0.42, 0.01, 0.01, -0.35, 0.23, -0.52, 0.34, 0.76, -0.76, -1.24, 0.31, 1.27, -0.50, -0.62, 0.29]]]> : tensor<1x8x16xf32>}> : () -> tensor<1x8x16xf32>
    %b1 = "tosa.const"() <{values = dense<[[-0.08, -0.05, -0.03, 0.05, -0.04, 0.03, -0.02, -0.08, -0.03, -0.10, 0.00, -0.11, -0.11, 0.15, -0.01, -0.01]]> : tensor<1x16xf32>}> : () -> tensor<1x16xf32>
    %w2 = "tosa.const"() <{values = dense<[[[0.26, -0.21, -0.12, 0.21], [0.14, -0.58, 0.41, -0.29], [-0.53, -0.45, -0.20, 0.81], [-0.59, 0.08, -1.07, -0.00], [0.45, -0.12, -0.32, 0.12], [0.35, 0.33, 0.98, 0.10], [-0.29, -0.07, -0.04, 0.06], [-0.01, 0.09, -0.83, 0.41], [-0.28, -0.58, 0.32, 0.66], [0.24, 0.08, -0.47, 1.44], [0.44, -0.57, -0.39, 0.04], [-0.78, 0.09, -0.23, 0.61], [0.48, -1.35, 0.02, -0.81], [0.56, 0.09, 0.28, -0.54], [0.92, 1.01, -0.53, 0.18], [-0.34, -0.01, -0.64, 0.94]]]> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
    %b2 = "tosa.const"() <{values = dense<[[-0.10, -0.03, 0.05, -0.07]]> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
    %0 = tosa.reshape %x, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
    %1 = tosa.matmul %0, %w1, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x16xf32>
    %2 = tosa.reshape %1, %s16 : (tensor<1x1x16xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
    %3 = tosa.add %2, %b1 : (tensor<1x16xf32>, tensor<1x16xf32>) -> tensor<1x16xf32>
    %4 = tosa.clamp %3 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x16xf32>) -> tensor<1x16xf32>
    %5 = tosa.reshape %4, %s316 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
    %6 = tosa.matmul %5, %w2, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
    %7 = tosa.reshape %6, %s4 : (tensor<1x1x4xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
    %8 = tosa.add %7, %b2 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
    return %8 : tensor<1x4xf32>
  }
}

//--- both.mlir
// expected-error @+1 {{qopt-search-precision needs one budget: size-budget=BYTES|Nx or max-drop=PERCENT}}
module {
}

//--- none.mlir
// expected-error @+1 {{qopt-search-precision needs one budget}}
module {
}

//--- bad-format.mlir
// expected-error @+1 {{qopt-search-precision: format '9': unsupported weight bit width '9': expected 2..8, ternary or binary}}
module {
}

//--- pwlq-format.mlir
// expected-error @+1 {{qopt-search-precision: format '2': }}
module {
}

//--- regression.mlir
// A result without a class dimension has no predictions to agree on.
// expected-error @+1 {{qopt-search-precision: max-drop compares predictions, but no result of 'main' has a class dimension (a last dimension of 2 or more): give size-budget instead}}
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %s1 = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[0.5], [-0.25]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %0 = tosa.reshape %x, %s3 : (tensor<1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %1 = tosa.matmul %0, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %2 = tosa.reshape %1, %s1 : (tensor<1x1x1xf32>, !tosa.shape<2>) -> tensor<1x1xf32>
  return %2 : tensor<1x1xf32>
}
