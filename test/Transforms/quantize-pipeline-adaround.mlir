// adaround=true in the quantize pipelines: qopt-adaround on the samples, on
// the prepared graph after the statistics check (so the statistics are those
// of the graph before rounding), right before qopt-quantize, with the
// pipeline's weight-bits, per-channel and weight-range (the ptq pipeline's
// weight-range=auto: minmax per channel, mse per tensor).
// RUN: rm -rf %t && split-file %s %t
// RUN: %python -c "import numpy as n; n.save('%t/x.npy', n.random.default_rng(0).standard_normal((8, 1, 4, 4, 2)).astype('f4'))"
// RUN: qopt-calibrate %t/graph.mlir --inputs %t/x.npy -o %t/plain.stats
// RUN: qopt-calibrate %t/graph.mlir --inputs %t/x.npy --pipeline ptq -o %t/ptq.stats

// The same as the passes one after the other.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats weight-bits=4 adaround=true samples=%t/x.npy keep-qdq=true" -o %t/pipeline.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse), qopt-check-statistics{stats=%t/plain.stats prepare='equalize=false absorb-high-bias=false'}, qopt-adaround{samples=%t/x.npy weight-bits=4}, qopt-quantize{stats=%t/plain.stats weight-bits=4})" -o %t/passes.mlir
// RUN: diff %t/pipeline.mlir %t/passes.mlir
// RUN: qopt-mlir %t/graph.mlir --qopt-ptq-pipeline="stats=%t/ptq.stats weight-bits=4 adaround=true samples=%t/x.npy keep-qdq=true" -o %t/ptq.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse, qopt-equalize-cross-layer, qopt-absorb-high-bias), qopt-check-statistics{stats=%t/ptq.stats prepare='equalize=true relu6=skip absorb-high-bias=true'}, qopt-adaround{samples=%t/x.npy weight-bits=4}, qopt-quantize{stats=%t/ptq.stats weight-bits=4 act-range=mse bias-correction=empirical})" -o %t/ptq-passes.mlir
// RUN: diff %t/ptq.mlir %t/ptq-passes.mlir
// Per tensor its weight ranges are MSE's.
// RUN: qopt-mlir %t/graph.mlir --qopt-ptq-pipeline="stats=%t/ptq.stats weight-bits=4 per-channel=false adaround=true samples=%t/x.npy keep-qdq=true" -o %t/ptq-tensor.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse, qopt-equalize-cross-layer, qopt-absorb-high-bias), qopt-check-statistics{stats=%t/ptq.stats prepare='equalize=true relu6=skip absorb-high-bias=true'}, qopt-adaround{samples=%t/x.npy weight-bits=4 per-channel=false weight-range=mse}, qopt-quantize{stats=%t/ptq.stats weight-bits=4 per-channel=false weight-range=mse act-range=mse bias-correction=empirical})" -o %t/ptq-tensor-passes.mlir
// RUN: diff %t/ptq-tensor.mlir %t/ptq-tensor-passes.mlir

// With weight-quant=pwlq the rounding is learned on PWLQ's grid, whose tail
// step qopt-adaround records and qopt-quantize keeps.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats weight-bits=3 weight-quant=pwlq adaround=true samples=%t/x.npy keep-qdq=true" -o %t/pwlq.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse), qopt-check-statistics{stats=%t/plain.stats prepare='equalize=false absorb-high-bias=false'}, qopt-adaround{samples=%t/x.npy weight-bits=3 weight-quant=pwlq}, qopt-quantize{stats=%t/plain.stats weight-bits=3 weight-quant=pwlq})" -o %t/pwlq-passes.mlir
// RUN: diff %t/pwlq.mlir %t/pwlq-passes.mlir
// The adaround-* pipeline options reach qopt-adaround.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats weight-bits=3 weight-quant=pwlq adaround=true samples=%t/x.npy adaround-inputs=float adaround-correct-bias=false adaround-grid-error=output keep-qdq=true" -o %t/options.mlir
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse), qopt-check-statistics{stats=%t/plain.stats prepare='equalize=false absorb-high-bias=false'}, qopt-adaround{samples=%t/x.npy weight-bits=3 weight-quant=pwlq inputs=float correct-bias=false grid-error=output}, qopt-quantize{stats=%t/plain.stats weight-bits=3 weight-quant=pwlq})" -o %t/options-passes.mlir
// RUN: diff %t/options.mlir %t/options-passes.mlir
// RUN: FileCheck %s --check-prefix=PWLQ < %t/pwlq.mlir
// PWLQ-COUNT-2: tosa.conv2d {{.*}}qopt.pwlq = {bits = 3 : i32, breakpoints = array<f64: {{.*}}>, tail_step = {{[0-9]+}} : i64}, qopt.weight_format = "pwlq"
// PWLQ-NOT: qopt.weight_tail_step
// The recorded PWLQ grid is refused by a uniform quantizer.
// RUN: qopt-mlir %t/graph.mlir --pass-pipeline="builtin.module(func.func(canonicalize, qopt-fold-constants, qopt-fold-batchnorm, canonicalize, cse), qopt-adaround{samples=%t/x.npy weight-bits=3 weight-quant=pwlq})" -o %t/pwlq-rounded.mlir
// RUN: FileCheck %s --check-prefix=TAIL < %t/pwlq-rounded.mlir
// TAIL-COUNT-2: qopt.weight_tail_step = {{[0-9]+}} : i64
// RUN: not qopt-mlir %t/pwlq-rounded.mlir --qopt-quantize="stats=%t/plain.stats weight-bits=3" 2>&1 | FileCheck %s --check-prefix=PWLQUNIFORM
// PWLQUNIFORM: error: weights were rounded to 3 bits (pwlq) by qopt-adaround but are quantized to 3 (uniform) here

// Learned rounding through to integer TOSA.
// RUN: qopt-mlir %t/graph.mlir --qopt-ptq-pipeline="stats=%t/ptq.stats weight-bits=4 adaround=true samples=%t/x.npy" | FileCheck %s
// CHECK-LABEL: func.func @main
// CHECK-COUNT-2: tosa.conv2d {{.*}} -> tensor<1x4x4x2xi32>
// CHECK-NOT: qopt.weight_scales

// At 2 bits the grid is [-2, 1]: weights learned onto -2 are on it.
// RUN: qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats weight-bits=2 adaround=true samples=%t/x.npy" | FileCheck %s --check-prefix=W2
// W2-COUNT-2: tosa.conv2d {{.*}} -> tensor<1x4x4x2xi32>

// Options the pipeline cannot honour.
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats adaround=true" 2>&1 | FileCheck %s --check-prefix=NOSAMPLES
// NOSAMPLES: adaround=true needs the calibration samples (samples=FILE.npy|DIR, once per argument)
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats adaround=true samples=%t/x.npy layer-bits=1=4" 2>&1 | FileCheck %s --check-prefix=LAYERBITS
// LAYERBITS: adaround=true rounds every layer to weight-bits: it cannot be combined with layer-bits

// Samples that cannot be read: an error at the function, nothing written.
// RUN: qopt-mlir %t/missing.mlir --qopt-quantize-pipeline="stats=%t/plain.stats adaround=true samples=%t/missing.npy" --verify-diagnostics -o /dev/null
// RUN: not qopt-mlir %t/graph.mlir --qopt-quantize-pipeline="stats=%t/plain.stats adaround=true samples=%t/missing.npy" -o %t/missing.out
// RUN: not ls %t/missing.out
// Statistics of another preparation are refused before any rounding.
// RUN: qopt-mlir %t/stale.mlir --qopt-ptq-pipeline="stats=%t/plain.stats adaround=true samples=%t/x.npy" --verify-diagnostics -o /dev/null

//--- graph.mlir
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.9, -0.3]]], [[[0.2, 1.7]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.1, 0.45]]], [[[-0.6, 0.35]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.conv2d %1, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}

//--- missing.mlir
// expected-error @+1 {{cannot read '}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.9, -0.3]]], [[[0.2, 1.7]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.1, 0.45]]], [[[-0.6, 0.35]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.conv2d %1, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}

//--- stale.mlir
// expected-error-re @+1 {{statistics file '{{.*}}plain.stats' was gathered on the graph prepared with 'equalize=false absorb-high-bias=false', but this graph is prepared with 'equalize=true relu6=skip absorb-high-bias=true'}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.9, -0.3]]], [[[0.2, 1.7]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.1, 0.45]]], [[[-0.6, 0.35]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %2 = tosa.conv2d %1, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}
