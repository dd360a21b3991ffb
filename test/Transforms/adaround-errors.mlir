// User-facing errors of qopt-adaround: options on the module, samples on the
// function, non-finite activations on the layer; the module is not written.
// RUN: rm -rf %t && split-file %s %t && mkdir %t/empty
// RUN: %python -c "import numpy as n; x = n.ones((3, 1, 4, 4, 2), 'f4'); n.save('%t/x.npy', x); n.save('%t/x2.npy', x[:2]); n.save('%t/odd.npy', n.ones((3, 5), 'f4')); x[1, 0, 2, 2, 1] = 3e38; n.save('%t/big.npy', x)"

// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy weight-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy weight-range=kl" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy iterations=0" 2>&1 | FileCheck %s --check-prefix=ITERATIONS
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy batch=0" 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy lambda=-1" 2>&1 | FileCheck %s --check-prefix=LAMBDA
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy learning-rate=0" 2>&1 | FileCheck %s --check-prefix=RATE
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround 2>&1 | FileCheck %s --check-prefix=NOSAMPLES
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy weight-quant=kmeans" 2>&1 | FileCheck %s --check-prefix=QUANT
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy weight-bits=2 weight-quant=pwlq" 2>&1 | FileCheck %s --check-prefix=PWLQ2
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy inputs=both" 2>&1 | FileCheck %s --check-prefix=INPUTS
// RUN: not qopt-mlir %t/conv.mlir --qopt-adaround="samples=%t/x.npy grid-error=hessian" 2>&1 | FileCheck %s --check-prefix=GRID
// QUANT: error: unknown weight-quant 'kmeans': expected uniform or pwlq
// INPUTS: error: unknown inputs 'both': expected float or quantized
// GRID: error: unknown grid-error 'hessian': expected weight or output
// PWLQ2: error: weight-quant=pwlq needs at least 3 bits; got 2
// BITS: error: unsupported weight bit width 9: qopt quantizes to 2..8 bits
// RANGE: error: unknown weight-range 'kl': expected minmax or mse
// ITERATIONS: error: iterations must be positive
// BATCH: error: batch must be positive
// LAMBDA: error: lambda must be finite and non-negative, got -1
// RATE: error: learning-rate must be finite and positive, got 0
// NOSAMPLES: error: qopt-adaround needs calibration samples (samples=FILE.npy|DIR, once per function argument)

// RUN: qopt-mlir %t/missing.mlir --qopt-adaround="samples=%t/missing.npy" --verify-diagnostics
// RUN: qopt-mlir %t/empty.mlir --qopt-adaround="samples=%t/empty" --verify-diagnostics
// RUN: qopt-mlir %t/shape.mlir --qopt-adaround="samples=%t/odd.npy" --verify-diagnostics
// RUN: qopt-mlir %t/arguments.mlir --qopt-adaround="samples=%t/x.npy" --verify-diagnostics
// RUN: qopt-mlir %t/counts.mlir --qopt-adaround="samples=%t/x.npy,%t/x2.npy" --verify-diagnostics
// RUN: qopt-mlir %t/nan.mlir --qopt-adaround="samples=%t/big.npy" --verify-diagnostics
// RUN: qopt-mlir %t/unprepared.mlir --qopt-adaround="samples=%t/x.npy" --verify-diagnostics

//--- conv.mlir
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

//--- missing.mlir
// expected-error @+1 {{cannot read '}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

//--- empty.mlir
// expected-error @+1 {{has no .npy files}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

//--- shape.mlir
// expected-error @+1 {{(f32 3x5) holds neither one sample of argument 0 (tensor<1x4x4x2xf32>) nor a batch of them along a leading dimension}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

//--- arguments.mlir
// expected-error @+1 {{'main' takes 2 argument(s): give samples once per argument (got 1)}}
func.func @main(%x: tensor<1x4x4x2xf32>, %y: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %s = tosa.add %x, %y : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %r : tensor<1x4x4x1xf32>
}

//--- counts.mlir
// expected-error @+1 {{x.npy' has 3 sample(s) but '}}
func.func @main(%x: tensor<1x4x4x2xf32>, %y: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %s = tosa.add %x, %y : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %r = tosa.conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %r : tensor<1x4x4x1xf32>
}

//--- nan.mlir
// Finite samples (non-finite ones are refused as they are read) that
// overflow before the layer.
func.func @main(%in: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %ten = "tosa.const"() <{values = dense<10.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %x = tosa.mul %in, %ten, %shift : (tensor<1x4x4x2xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4x2xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{the input of this layer is not finite on sample 1}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}

//--- unprepared.mlir
// The weights are a transpose of a constant until qopt-fold-constants runs.
// expected-warning @+1 {{no conv2d, depthwise_conv2d or fully connected matmul with constant weights to round in 'main' (run --qopt-prepare-pipeline first)}}
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x1xf32> {
  %c = "tosa.const"() <{values = dense<0.5> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %w = tosa.transpose %c {perms = array<i32: 3, 0, 1, 2>} : (tensor<1x1x2x1xf32>) -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %y : tensor<1x4x4x1xf32>
}
