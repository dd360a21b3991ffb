// RUN: qopt-mlir %s --qopt-expose-activations --split-input-file --verify-diagnostics | FileCheck %s
// RUN: not qopt-mlir %s --qopt-expose-activations=entry=nope --split-input-file 2>&1 | FileCheck %s --check-prefix=ENTRY

// ENTRY: error: no function named 'nope' with a body

// The activations in canonical order (float arguments, then float results of
// ops that depend on an argument) follow the original results, which keep
// their attributes.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>, %[[I:.*]]: tensor<4xi32>)
// CHECK-SAME: -> (tensor<1x4xf32> {qopt.quant = !quant.uniform<i8:f32, 5.000000e-01>}, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>)
// CHECK: %[[A:.*]] = tosa.add %[[X]], %{{.*}}
// CHECK: %[[C:.*]] = tosa.clamp %[[A]]
// CHECK: return %[[C]], %[[X]], %[[A]], %[[C]] :
func.func @main(%x: tensor<1x4xf32>, %i: tensor<4xi32>) -> (tensor<1x4xf32> {qopt.quant = !quant.uniform<i8:f32, 5.000000e-01>}) {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %a = tosa.add %x, %w : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// -----

// Values computed from constants alone are weights, not activations; private
// functions are left alone.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: -> tensor<4xf32>
// CHECK-LABEL: func.func @weights
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[W:.*]] = tosa.abs
// CHECK: return %[[W]], %[[X]] :
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @weights(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "tosa.const"() {values = dense<-1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %w = tosa.abs %c : (tensor<4xf32>) -> tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{several public functions ('first', 'second'): name one with the 'entry' option}}
module {
  func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
  func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

// expected-error @+1 {{cannot expose the activations of 'called': it is called in the module}}
func.func @called(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func private @caller(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = func.call @called(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{cannot expose the activations of 'blocks': it has several blocks}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %x : tensor<4xf32>
}

// -----

func.func @nested(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = scf.execute_region -> tensor<4xf32> {
    // expected-error @+1 {{cannot expose this activation: it is defined in a nested region}}
    %a = tosa.abs %x : (tensor<4xf32>) -> tensor<4xf32>
    scf.yield %a : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
