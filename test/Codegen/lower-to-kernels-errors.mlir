// RUN: qopt-mlir %s --qopt-lower-to-kernels=isa=avx9000 -verify-diagnostics

// expected-error@below {{qopt-lower-to-kernels: unknown isa 'avx9000' (expected host, generic, avx2, avx512, avx-vnni, avx512-vnni, neon, dotprod or i8mm)}}
func.func @f(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  return %x : tensor<1x2xf32>
}
