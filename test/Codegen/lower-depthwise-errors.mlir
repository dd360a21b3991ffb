// RUN: qopt-mlir %s --qopt-lower-depthwise=lanes=0 --verify-diagnostics

// expected-error @+1 {{qopt-lower-depthwise: lanes and pixels must be positive}}
func.func @f() {
  return
}
