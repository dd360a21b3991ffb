// RUN: qopt-mlir %s --qopt-integerize --split-input-file --verify-diagnostics

// Activations are quantized per tensor; a per-axis qcast breaks the contract.
func.func @per_axis_activation(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error @+1 {{quantizes an activation per axis; qopt-integerize expects per-tensor activations}}
  %q = quant.qcast %x : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  %d = quant.dcast %q : tensor<1x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> to tensor<1x2xf32>
  %r = tosa.clamp %d {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %rq = quant.qcast %r : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %rd = quant.dcast %rq : tensor<1x2x!quant.uniform<i8:f32, 0.5>> to tensor<1x2xf32>
  return %rd : tensor<1x2xf32>
}
