// RUN: qopt-mlir %s --qopt-lower-depthwise=lanes=0 --verify-diagnostics
// RUN: not qopt-mlir %s --qopt-lower-depthwise=isa=avx9000 2>&1 | FileCheck %s --check-prefix=ISA

// ISA: lower-depthwise-errors.mlir:[[@LINE+2]]:1: error: qopt-lower-depthwise: unknown isa 'avx9000' (expected host, generic, avx2, avx512, avx-vnni, avx512-vnni, neon, dotprod or i8mm)
// expected-error @+1 {{qopt-lower-depthwise: lanes and pixels must be positive}}
func.func @f() {
  return
}
