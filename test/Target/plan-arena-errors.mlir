// RUN: qopt-mlir %s -qopt-plan-arena -split-input-file -verify-diagnostics

func.func @dynamic(%n: index) {
  // expected-error @below {{'memref.alloc' op cannot be placed in the arena: only statically shaped buffers with the identity layout can}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

func.func @nested(%c: i1) {
  scf.if %c {
    // expected-error @below {{'memref.alloc' op cannot be placed in the arena: it is not at the top level of the function}}
    %a = memref.alloc() : memref<4xf32>
  }
  return
}

// -----

// expected-error @below {{'func.func' op has callers: its arena cannot be planned (its signature changes); inline it first}}
func.func @callee() {
  %a = memref.alloc() : memref<4xf32>
  return
}
func.func @caller() {
  func.call @callee() : () -> ()
  return
}
