// RUN: qopt-mlir %s --qopt-vectorize-elementwise=lanes=0 --verify-diagnostics
// RUN: not qopt-mlir %s --qopt-vectorize-elementwise=tables=avx 2>&1 | FileCheck %s --check-prefix=TABLES

// TABLES: error: qopt-vectorize-elementwise: unknown tables 'avx' (expected host, gather, vpermi2b or tbl)

// expected-error @+1 {{qopt-vectorize-elementwise: lanes must be positive, got 0}}
func.func @f() {
  return
}
