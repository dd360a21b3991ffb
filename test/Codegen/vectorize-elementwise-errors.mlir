// RUN: qopt-mlir %s --qopt-vectorize-elementwise=lanes=0 --verify-diagnostics

// expected-error @+1 {{qopt-vectorize-elementwise: lanes must be positive, got 0}}
func.func @f() {
  return
}
